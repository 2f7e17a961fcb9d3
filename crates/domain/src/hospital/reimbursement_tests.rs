//! The table test of the window's reimbursement: exact fen for every event type and every
//! region of the parameter file, each line explained. The parameters are the TEST FIXTURE
//! `tests/data/reimbursement_fixture.toml` (no published standard was found; see
//! docs/hospital-window.md), appended to the shipped file.

use chrono::NaiveDate;

use super::*;
use crate::RegionCode;
use crate::rules::params::{LookupError, MaternityParams, SHIPPED_MATERNITY_TOML};

const FIXTURE: &str = include_str!("../../tests/data/reimbursement_fixture.toml");

fn params() -> MaternityParams {
    MaternityParams::from_toml(&format!("{SHIPPED_MATERNITY_TOML}\n{FIXTURE}")).expect("params")
}

fn day(text: &str) -> NaiveDate {
    text.parse().expect("date")
}

/// (region, event, hospital bill, the event line's fund share, prenatal quota line, fund
/// total, patient's share). Each row's arithmetic in its comment.
type Row = (u32, CostEvent, i64, i64, Option<i64>, i64, i64);

const TABLE: &[Row] = &[
    // 大冶: bill under the 2000.00 limit, all paid; + prenatal quota 600.00.
    (
        420281,
        CostEvent::Vaginal,
        180_000,
        180_000,
        Some(60_000),
        240_000,
        0,
    ),
    // bill 4123.45 over the 3500.00 limit: fund 3500.00 + 600.00, she pays 623.45.
    (
        420281,
        CostEvent::Cesarean,
        412_345,
        350_000,
        Some(60_000),
        410_000,
        62_345,
    ),
    // bill exactly the 3000.00 limit.
    (
        420281,
        CostEvent::Dystocia,
        300_000,
        300_000,
        Some(60_000),
        360_000,
        0,
    ),
    // 654.32 over the 500.00 limit: she pays 154.32; no prenatal line (not a birth).
    (
        420281,
        CostEvent::Miscarriage,
        65_432,
        50_000,
        None,
        50_000,
        15_432,
    ),
    // 999.99 under the 1000.00 limit.
    (420281, CostEvent::Induced, 99_999, 99_999, None, 99_999, 0),
    // 250.00 over the 200.00 limit: she pays 50.00.
    (
        420281,
        CostEvent::IudInsertion,
        25_000,
        20_000,
        None,
        20_000,
        5_000,
    ),
    (420281, CostEvent::IudRemoval, 8_000, 8_000, None, 8_000, 0),
    // one fen over the 1500.00 limit.
    (
        420281,
        CostEvent::TubalLigation,
        150_001,
        150_000,
        None,
        150_000,
        1,
    ),
    (
        420281,
        CostEvent::Vasectomy,
        79_999,
        79_999,
        None,
        79_999,
        0,
    ),
    // 重庆 (a county of the city: 500228 falls back to 500000): 3000.00 over 2500.00, +800.00.
    (
        500228,
        CostEvent::Vaginal,
        300_000,
        250_000,
        Some(80_000),
        330_000,
        50_000,
    ),
    (
        500228,
        CostEvent::Cesarean,
        399_999,
        399_999,
        Some(80_000),
        479_999,
        0,
    ),
    (
        500228,
        CostEvent::Dystocia,
        350_001,
        350_000,
        Some(80_000),
        430_000,
        1,
    ),
    (
        500228,
        CostEvent::Miscarriage,
        60_000,
        60_000,
        None,
        60_000,
        0,
    ),
    // 1500.00 over the 1200.00 limit: she pays 300.00.
    (
        500228,
        CostEvent::Induced,
        150_000,
        120_000,
        None,
        120_000,
        30_000,
    ),
    (
        500228,
        CostEvent::IudInsertion,
        25_000,
        25_000,
        None,
        25_000,
        0,
    ),
    (
        500228,
        CostEvent::IudRemoval,
        20_000,
        15_000,
        None,
        15_000,
        5_000,
    ),
    (
        500228,
        CostEvent::TubalLigation,
        100_000,
        100_000,
        None,
        100_000,
        0,
    ),
    (
        500228,
        CostEvent::Vasectomy,
        123_456,
        100_000,
        None,
        100_000,
        23_456,
    ),
];

#[test]
fn every_event_of_every_region_is_exact_to_the_fen_and_explained() {
    let params = params();
    for &(code, event, bill, event_fund, prenatal, fund, person) in TABLE {
        let region = RegionCode::new(code).expect("region");
        let (entry, period) = params
            .reimbursement()
            .lookup(region, day("2024-08-20"))
            .expect("parameters");
        let got = compute(event, Fen::new(bill), entry, period);
        let row = format!("{code} {event:?}");
        assert_eq!(got.lines[0].kind, event.kind(), "{row}");
        assert_eq!(
            (got.lines[0].amount_fen, got.lines[0].fund_pays_fen),
            (bill, event_fund),
            "{row}"
        );
        assert_eq!(
            got.lines.get(1).map(|l| (l.kind, l.fund_pays_fen)),
            prenatal.map(|q| ("prenatal_check", q)),
            "{row}"
        );
        assert_eq!(
            (got.fund_pays_fen, got.person_pays_fen),
            (fund, person),
            "{row}"
        );
        for line in &got.lines {
            let fund = Fen::new(line.fund_pays_fen).to_yuan_string();
            assert!(
                line.explanation.contains(&fund),
                "{row}: {}",
                line.explanation
            );
        }
        assert!(got.explanation.contains(&period.source), "{row}");
        assert!(got.explanation.contains(&entry.name), "{row}");
    }
    // Every event type of every region of the file is in the table.
    for entry in params.reimbursement().regions() {
        for event in CostEvent::ALL {
            assert!(
                TABLE.iter().any(|&(code, e, ..)| e == event
                    && RegionCode::new(code).is_ok_and(|c| c.is_within(entry.code))),
                "{} {event:?} missing from the table",
                entry.code
            );
        }
    }
}

#[test]
fn a_region_or_date_without_parameters_is_refused_never_guessed() {
    let params = params();
    let r = params.reimbursement();
    let beijing = RegionCode::new(110000).expect("region");
    assert_eq!(
        r.lookup(beijing, day("2024-08-20")).err(),
        Some(LookupError::UnknownRegion)
    );
    let daye = RegionCode::new(420281).expect("region");
    assert_eq!(
        r.lookup(daye, day("2022-01-24")).err(),
        Some(LookupError::NoRulesForDate)
    );
    // Another county of Hubei has no entry of its own, its city none, its province none.
    let wuhan = RegionCode::new(420102).expect("region");
    assert_eq!(
        r.lookup(wuhan, day("2024-08-20")).err(),
        Some(LookupError::UnknownRegion)
    );
}

#[test]
fn the_shipped_file_has_no_unpublished_reimbursement_values() {
    // No published standard was found for Daye or Chongqing: the shipped file carries the
    // section's documentation only, so every region is refused until a bureau adds its own.
    let shipped = MaternityParams::shipped();
    assert!(shipped.reimbursement().regions().is_empty());
}

#[test]
fn events_are_read_as_the_contract_names_them() {
    assert_eq!(CostEvent::of("cesarean", None), Some(CostEvent::Cesarean));
    assert_eq!(
        CostEvent::of("family_planning_surgery", Some("vasectomy")),
        Some(CostEvent::Vasectomy)
    );
    assert_eq!(CostEvent::of("family_planning_surgery", None), None);
    assert_eq!(CostEvent::of("twins", None), None);
    assert_eq!(CostEvent::IudInsertion.item(), "PS-06");
    assert_eq!(CostEvent::Cesarean.item(), "PS-07");
}

#[test]
fn a_bad_amount_names_its_line() {
    let bad = FIXTURE.replace("vaginal_limit_fen = 200000", "vaginal_limit_fen = 99999999");
    let err = MaternityParams::from_toml(&format!("{SHIPPED_MATERNITY_TOML}\n{bad}"))
        .expect_err("out of range");
    assert!(
        err.message_zh().contains("vaginal_limit_fen"),
        "{}",
        err.message_zh()
    );
}

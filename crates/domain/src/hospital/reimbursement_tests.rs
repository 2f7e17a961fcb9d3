//! The table test of the window's reimbursement: exact fen for every event type and every
//! region of the parameter file, each line explained. The parameters are the TEST FIXTURE
//! `tests/data/reimbursement_fixture.toml` (no published standard was found; see
//! docs/hospital-window.md), appended to the shipped file.

use chrono::NaiveDate;

use super::*;
use crate::RegionCode;
use crate::department::HospitalLevel;
use crate::rules::params::{LookupError, MaternityParams, SHIPPED_MATERNITY_TOML};

const FIXTURE: &str = include_str!("../../tests/data/reimbursement_fixture.toml");

fn params() -> MaternityParams {
    MaternityParams::from_toml(&format!("{SHIPPED_MATERNITY_TOML}\n{FIXTURE}")).expect("params")
}

fn day(text: &str) -> NaiveDate {
    text.parse().expect("date")
}

/// (region, hospital level, event, hospital bill, the event line's fund share, prenatal
/// quota line, fund total, patient's share). Each row's arithmetic in its comment.
type Row = (u32, u8, CostEvent, i64, i64, Option<i64>, i64, i64);

#[rustfmt::skip]
const TABLE: &[Row] = &[
    // 大冶市 (420281): grades 2 and 3.
    // 1500.07 < 2000.00: fund 1500.07 + quota 600.00 = 2100.07; she pays 0.00
    (420281, 2, CostEvent::Vaginal, 150007, 150007, Some(60000), 210007, 0),
    // 3500.00 = 3500.00: fund 3500.00 + quota 600.00 = 4100.00; she pays 0.00
    (420281, 2, CostEvent::Cesarean, 350000, 350000, Some(60000), 410000, 0),
    // 3000.01 > 3000.00: fund 3000.00 + quota 600.00 = 3600.00; she pays 0.01
    (420281, 2, CostEvent::Dystocia, 300001, 300000, Some(60000), 360000, 1),
    // 623.45 > 500.00: fund 500.00; she pays 123.45
    (420281, 2, CostEvent::Miscarriage, 62345, 50000, None, 50000, 12345),
    // 750.07 < 1000.00: fund 750.07; she pays 0.00
    (420281, 2, CostEvent::Induced, 75007, 75007, None, 75007, 0),
    // 200.00 = 200.00: fund 200.00; she pays 0.00
    (420281, 2, CostEvent::IudInsertion, 20000, 20000, None, 20000, 0),
    // 100.01 > 100.00: fund 100.00; she pays 0.01
    (420281, 2, CostEvent::IudRemoval, 10001, 10000, None, 10000, 1),
    // 1623.45 > 1500.00: fund 1500.00; she pays 123.45
    (420281, 2, CostEvent::TubalLigation, 162345, 150000, None, 150000, 12345),
    // 600.07 < 800.00: fund 600.07; she pays 0.00
    (420281, 2, CostEvent::Vasectomy, 60007, 60007, None, 60007, 0),
    // 3000.00 = 3000.00: fund 3000.00; she pays 0.00
    (420281, 2, CostEvent::Complication, 300000, 300000, None, 300000, 0),
    // 2400.01 > 2400.00: fund 2400.00 + quota 700.00 = 3100.00; she pays 0.01
    (420281, 3, CostEvent::Vaginal, 240001, 240000, Some(70000), 310000, 1),
    // 4323.45 > 4200.00: fund 4200.00 + quota 700.00 = 4900.00; she pays 123.45
    (420281, 3, CostEvent::Cesarean, 432345, 420000, Some(70000), 490000, 12345),
    // 2700.07 < 3600.00: fund 2700.07 + quota 700.00 = 3400.07; she pays 0.00
    (420281, 3, CostEvent::Dystocia, 270007, 270007, Some(70000), 340007, 0),
    // 600.00 = 600.00: fund 600.00; she pays 0.00
    (420281, 3, CostEvent::Miscarriage, 60000, 60000, None, 60000, 0),
    // 1200.01 > 1200.00: fund 1200.00; she pays 0.01
    (420281, 3, CostEvent::Induced, 120001, 120000, None, 120000, 1),
    // 373.45 > 250.00: fund 250.00; she pays 123.45
    (420281, 3, CostEvent::IudInsertion, 37345, 25000, None, 25000, 12345),
    // 90.07 < 120.00: fund 90.07; she pays 0.00
    (420281, 3, CostEvent::IudRemoval, 9007, 9007, None, 9007, 0),
    // 1800.00 = 1800.00: fund 1800.00; she pays 0.00
    (420281, 3, CostEvent::TubalLigation, 180000, 180000, None, 180000, 0),
    // 900.01 > 900.00: fund 900.00; she pays 0.01
    (420281, 3, CostEvent::Vasectomy, 90001, 90000, None, 90000, 1),
    // 4123.45 > 4000.00: fund 4000.00; she pays 123.45
    (420281, 3, CostEvent::Complication, 412345, 400000, None, 400000, 12345),
    // 1500.07 < 2000.00: fund 1500.07 + quota 800.00 = 2300.07; she pays 0.00
    (500228, 1, CostEvent::Vaginal, 150007, 150007, Some(80000), 230007, 0),
    // 3200.00 = 3200.00: fund 3200.00 + quota 800.00 = 4000.00; she pays 0.00
    (500228, 1, CostEvent::Cesarean, 320000, 320000, Some(80000), 400000, 0),
    // 2800.01 > 2800.00: fund 2800.00 + quota 800.00 = 3600.00; she pays 0.01
    (500228, 1, CostEvent::Dystocia, 280001, 280000, Some(80000), 360000, 1),
    // 623.45 > 500.00: fund 500.00; she pays 123.45
    (500228, 1, CostEvent::Miscarriage, 62345, 50000, None, 50000, 12345),
    // 750.07 < 1000.00: fund 750.07; she pays 0.00
    (500228, 1, CostEvent::Induced, 75007, 75007, None, 75007, 0),
    // 200.00 = 200.00: fund 200.00; she pays 0.00
    (500228, 1, CostEvent::IudInsertion, 20000, 20000, None, 20000, 0),
    // 120.01 > 120.00: fund 120.00; she pays 0.01
    (500228, 1, CostEvent::IudRemoval, 12001, 12000, None, 12000, 1),
    // 1623.45 > 1500.00: fund 1500.00; she pays 123.45
    (500228, 1, CostEvent::TubalLigation, 162345, 150000, None, 150000, 12345),
    // 600.07 < 800.00: fund 600.07; she pays 0.00
    (500228, 1, CostEvent::Vasectomy, 60007, 60007, None, 60007, 0),
    // 2500.00 = 2500.00: fund 2500.00; she pays 0.00
    (500228, 1, CostEvent::Complication, 250000, 250000, None, 250000, 0),
    // 2500.01 > 2500.00: fund 2500.00 + quota 800.00 = 3300.00; she pays 0.01
    (500228, 2, CostEvent::Vaginal, 250001, 250000, Some(80000), 330000, 1),
    // 4123.45 > 4000.00: fund 4000.00 + quota 800.00 = 4800.00; she pays 123.45
    (500228, 2, CostEvent::Cesarean, 412345, 400000, Some(80000), 480000, 12345),
    // 2625.07 < 3500.00: fund 2625.07 + quota 800.00 = 3425.07; she pays 0.00
    (500228, 2, CostEvent::Dystocia, 262507, 262507, Some(80000), 342507, 0),
    // 600.00 = 600.00: fund 600.00; she pays 0.00
    (500228, 2, CostEvent::Miscarriage, 60000, 60000, None, 60000, 0),
    // 1200.01 > 1200.00: fund 1200.00; she pays 0.01
    (500228, 2, CostEvent::Induced, 120001, 120000, None, 120000, 1),
    // 373.45 > 250.00: fund 250.00; she pays 123.45
    (500228, 2, CostEvent::IudInsertion, 37345, 25000, None, 25000, 12345),
    // 112.57 < 150.00: fund 112.57; she pays 0.00
    (500228, 2, CostEvent::IudRemoval, 11257, 11257, None, 11257, 0),
    // 1800.00 = 1800.00: fund 1800.00; she pays 0.00
    (500228, 2, CostEvent::TubalLigation, 180000, 180000, None, 180000, 0),
    // 1000.01 > 1000.00: fund 1000.00; she pays 0.01
    (500228, 2, CostEvent::Vasectomy, 100001, 100000, None, 100000, 1),
    // 3623.45 > 3500.00: fund 3500.00; she pays 123.45
    (500228, 2, CostEvent::Complication, 362345, 350000, None, 350000, 12345),
    // 2250.07 < 3000.00: fund 2250.07 + quota 800.00 = 3050.07; she pays 0.00
    (500228, 3, CostEvent::Vaginal, 225007, 225007, Some(80000), 305007, 0),
    // 4800.00 = 4800.00: fund 4800.00 + quota 800.00 = 5600.00; she pays 0.00
    (500228, 3, CostEvent::Cesarean, 480000, 480000, Some(80000), 560000, 0),
    // 4200.01 > 4200.00: fund 4200.00 + quota 800.00 = 5000.00; she pays 0.01
    (500228, 3, CostEvent::Dystocia, 420001, 420000, Some(80000), 500000, 1),
    // 823.45 > 700.00: fund 700.00; she pays 123.45
    (500228, 3, CostEvent::Miscarriage, 82345, 70000, None, 70000, 12345),
    // 1050.07 < 1400.00: fund 1050.07; she pays 0.00
    (500228, 3, CostEvent::Induced, 105007, 105007, None, 105007, 0),
    // 300.00 = 300.00: fund 300.00; she pays 0.00
    (500228, 3, CostEvent::IudInsertion, 30000, 30000, None, 30000, 0),
    // 180.01 > 180.00: fund 180.00; she pays 0.01
    (500228, 3, CostEvent::IudRemoval, 18001, 18000, None, 18000, 1),
    // 2223.45 > 2100.00: fund 2100.00; she pays 123.45
    (500228, 3, CostEvent::TubalLigation, 222345, 210000, None, 210000, 12345),
    // 900.07 < 1200.00: fund 900.07; she pays 0.00
    (500228, 3, CostEvent::Vasectomy, 90007, 90007, None, 90007, 0),
    // 4500.00 = 4500.00: fund 4500.00; she pays 0.00
    (500228, 3, CostEvent::Complication, 450000, 450000, None, 450000, 0),
];

#[test]
fn every_event_of_every_region_and_level_is_exact_to_the_fen_and_explained() {
    let params = params();
    for &(code, level, event, bill, event_fund, prenatal, fund, person) in TABLE {
        let region = RegionCode::new(code).expect("region");
        let level = HospitalLevel::from_number(level).expect("level");
        let (entry, period) = params
            .reimbursement()
            .lookup(region, day("2024-08-20"))
            .expect("parameters");
        let got = compute(event, Fen::new(bill), entry, period, level).expect("level stated");
        let row = format!("{code} {level:?} {event:?}");
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
            got.lines.len(),
            1 + usize::from(prenatal.is_some()),
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
        assert!(got.explanation.contains(level.label_zh()), "{row}");
    }
    // Every event type of every level of every region of the file is in the table.
    for entry in params.reimbursement().regions() {
        for period in &entry.periods {
            for &level in period.levels.keys() {
                for event in CostEvent::ALL {
                    assert!(
                        TABLE.iter().any(|&(code, l, e, ..)| e == event
                            && l == level.number()
                            && RegionCode::new(code).is_ok_and(|c| c.is_within(entry.code))),
                        "{} {level:?} {event:?} missing from the table",
                        entry.code
                    );
                }
            }
        }
    }
}

#[test]
fn a_level_the_period_does_not_state_is_refused_never_guessed() {
    let params = params();
    let daye = RegionCode::new(420281).expect("region");
    let (entry, period) = params
        .reimbursement()
        .lookup(daye, day("2024-08-20"))
        .expect("parameters");
    assert!(period.amounts(HospitalLevel::First).is_none());
    assert_eq!(
        compute(
            CostEvent::Vaginal,
            Fen::new(100_000),
            entry,
            period,
            HospitalLevel::First
        ),
        None
    );
}

#[test]
fn a_period_without_any_level_is_refused_naming_its_line() {
    let text = format!(
        "{SHIPPED_MATERNITY_TOML}\n[[reimbursement]]\ncode = \"420281\"\nname = \"x\"\n\n[[reimbursement.periods]]\neffective_from = \"2022-01-25\"\nsource = \"s\"\n"
    );
    let err = MaternityParams::from_toml(&text).expect_err("no level");
    assert_eq!(
        err.problem,
        crate::rules::params::ParamsProblem::NoHospitalLevels
    );
    assert!(err.message_zh().contains("level_1"), "{}", err.message_zh());
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
    assert_eq!(
        CostEvent::of("complication", None),
        Some(CostEvent::Complication)
    );
    assert_eq!(CostEvent::Complication.item(), "PS-07");
    assert!(!CostEvent::Complication.is_birth());
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

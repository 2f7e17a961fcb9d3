//! The optional period keys added after the first parameter file: how contribution months
//! are read (`contribution_reading`, `contribution_window_months`) and the application
//! deadline (`application_limit_months`). Absent keys keep the old meaning; a typo or an
//! inconsistent pair is refused naming its line.

use chrono::NaiveDate;
use onething_domain::RegionCode;
use onething_domain::rules::maternity::{
    EmploymentStatus, Event, InsuranceStatus, MaternityFacts, PaidMonths, Scheme, evaluate,
};
use onething_domain::rules::params::{
    ContributionReading, MaternityParams, SHIPPED_MATERNITY_TOML,
};
use onething_domain::{Fen, Sex};

/// The shipped file with `extra` added to Chongqing's period (after its
/// `family_planning_days` line).
fn with_chongqing(extra: &str) -> String {
    let anchor = "family_planning_days = { iud_insertion = 2, iud_removal = 1, tubal_ligation = 21, vasectomy = 7 } # SECONDARY\n";
    let at = SHIPPED_MATERNITY_TOML.find(anchor).expect("anchor") + anchor.len();
    let mut text = SHIPPED_MATERNITY_TOML.to_owned();
    text.insert_str(at, extra);
    text
}

fn chongqing_period(params: &MaternityParams) -> onething_domain::rules::params::Period {
    let date = NaiveDate::from_ymd_opt(2024, 3, 5).expect("date");
    let code = RegionCode::new(500228).expect("code");
    params.lookup(code, date).expect("rules").period.clone()
}

/// A claim whose contributions have a gap: paid the 3 months just before the event, then
/// one unpaid month, then 9 paid months (12 paid of the last 13).
fn claim_with_gap() -> MaternityFacts {
    let mut paid = vec![true; 3];
    paid.push(false);
    paid.extend(vec![true; 9]);
    paid.extend(vec![false; 11]);
    MaternityFacts {
        case_id: "gap".into(),
        claimant_sex: Sex::Female,
        event: Event::Vaginal { babies: 1 },
        event_date: NaiveDate::from_ymd_opt(2024, 3, 5).expect("date"),
        region: RegionCode::new(500228).expect("code"),
        employer_avg_monthly_wage_fen: Fen::new(900_000),
        contribution_months: 3,
        contribution_history: Some(PaidMonths(paid)),
        insurance_status: InsuranceStatus::Normal,
        employment_status: EmploymentStatus::Employed,
        scheme: Scheme::Employee,
        settled_in_network: true,
    }
}

#[test]
fn the_shipped_file_reads_continuous_months_and_sets_no_deadline() {
    let params = MaternityParams::shipped();
    let period = chongqing_period(&params);
    assert_eq!(period.contribution_reading, ContributionReading::Continuous);
    assert_eq!(period.application_limit_months, None);
}

#[test]
fn the_optional_keys_are_read() {
    let text = with_chongqing(
        "contribution_reading = \"cumulative\"\ncontribution_window_months = 12\napplication_limit_months = 12\n",
    );
    let params = MaternityParams::from_toml(&text).expect("valid");
    let period = chongqing_period(&params);
    assert_eq!(
        period.contribution_reading,
        ContributionReading::Cumulative { window_months: 12 }
    );
    assert_eq!(period.application_limit_months, Some(12));
    let text = with_chongqing("contribution_reading = \"continuous\"\n");
    let params = MaternityParams::from_toml(&text).expect("valid");
    assert_eq!(
        chongqing_period(&params).contribution_reading,
        ContributionReading::Continuous
    );
}

fn refused(extra: &str) -> (usize, String) {
    let text = with_chongqing(extra);
    let e = MaternityParams::from_toml(&text).expect_err("refused");
    (e.line, e.message_zh())
}

#[test]
fn inconsistent_or_misspelt_keys_are_refused_naming_the_line() {
    let line = SHIPPED_MATERNITY_TOML
        .lines()
        .position(|l| l.starts_with("family_planning_days"))
        .expect("line")
        + 2;
    let (at, message) = refused("contribution_reading = \"cumulative\"\n");
    assert_eq!(at, line);
    assert!(message.contains("contribution_window_months"), "{message}");
    let (at, message) = refused("contribution_window_months = 12\n");
    assert_eq!(at, line);
    assert!(message.contains("累计缴费"), "{message}");
    let (at, message) = refused("contribution_reading = \"mixed\"\n");
    assert_eq!(at, line);
    assert!(message.contains("mixed"), "{message}");
    let (at, message) = refused("aplication_limit_months = 12\n");
    assert!(message.contains("aplication_limit_months"), "{message}");
    assert!(at >= line - 20, "line {at} near the typo on {line}");
    let (at, message) = refused("application_limit_months = 0\n");
    assert_eq!(at, line);
    assert!(message.contains("application_limit_months"), "{message}");
    let (_, message) =
        refused("contribution_reading = \"cumulative\"\ncontribution_window_months = 36\n");
    assert!(message.contains("1–24"), "{message}");
}

#[test]
fn the_same_claim_with_a_gap_differs_between_continuous_and_cumulative() {
    let facts = claim_with_gap();
    let continuous = evaluate(&facts, &MaternityParams::shipped());
    assert!(!continuous.eligible);
    assert_eq!(
        continuous
            .reasons
            .iter()
            .map(|r| r.code())
            .collect::<Vec<_>>(),
        vec!["CONTRIBUTION_TOO_SHORT"]
    );
    assert!(
        continuous.explanation.iter().any(|l| l.contains(
            "须缴费满6个月，本地区按生育当月之前连续缴费计算，按缴费记录已缴3个月，少于6个月，不符合"
        )),
        "{:#?}",
        continuous.explanation
    );
    let text =
        with_chongqing("contribution_reading = \"cumulative\"\ncontribution_window_months = 12\n");
    let cumulative = evaluate(&facts, &MaternityParams::from_toml(&text).expect("valid"));
    assert!(cumulative.eligible, "{:?}", cumulative.reasons);
    assert_eq!(cumulative.leave_days, 178);
    assert!(
        cumulative.explanation.iter().any(|l| l.contains(
            "本地区按生育当月之前12个月内累计缴费计算，按缴费记录已缴11个月，不少于6个月，符合"
        )),
        "{:#?}",
        cumulative.explanation
    );
}

#[test]
fn an_input_line_is_taken_as_counted_and_the_reading_is_still_named() {
    let mut facts = claim_with_gap();
    facts.contribution_history = None;
    facts.contribution_months = 14;
    let decision = evaluate(&facts, &MaternityParams::shipped());
    assert!(decision.eligible);
    assert!(
        decision
            .explanation
            .iter()
            .any(|l| l.contains("按生育当月之前连续缴费计算，按申报已缴14个月")),
        "{:#?}",
        decision.explanation
    );
}

#[test]
fn the_application_deadline_is_counted_in_months_from_the_event() {
    let shipped = chongqing_period(&MaternityParams::shipped());
    let birth = NaiveDate::from_ymd_opt(2024, 1, 31).expect("date");
    assert_eq!(
        shipped.application_deadline(birth),
        None,
        "no deadline shipped"
    );
    let text = with_chongqing("application_limit_months = 12\n");
    let limited = chongqing_period(&MaternityParams::from_toml(&text).expect("valid"));
    assert_eq!(
        limited.application_deadline(birth),
        NaiveDate::from_ymd_opt(2025, 1, 31)
    );
    let leap = NaiveDate::from_ymd_opt(2024, 2, 29).expect("date");
    assert_eq!(
        limited.application_deadline(leap),
        NaiveDate::from_ymd_opt(2025, 2, 28)
    );
}

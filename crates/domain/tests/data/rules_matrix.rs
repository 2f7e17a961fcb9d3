//! The whole input matrix (part of tests/maternity_rules.rs, kept in its own file to stay
//! short): every event, sex, procedure, number of babies, pregnancy weeks around every
//! threshold and status, in the regions and on the dates that reach every lookup outcome
//! of both parameter files. Each combination must fall under exactly one base leave rule
//! and get a decision whose reasons follow from an independent statement of the rules.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use onething_domain::rules::maternity::leave::{LeaveRule, applicable_rules, leave, never_covered};
use onething_domain::rules::maternity::{
    EmploymentStatus, Event, ExplainMode, InsuranceStatus, MaternityDecision, MaternityFacts,
    Procedure, Reason, Scheme, allowance_fen, evaluate, evaluate_into, render_zh,
};
use onething_domain::rules::params::{LookupError, MaternityParams, Period};
use onething_domain::{Fen, RegionCode, Sex};

use super::{check_invariants, fixture};

const WEEKS: [u32; 10] = [1, 15, 16, 17, 27, 28, 29, 38, 44, 45];

fn events() -> Vec<Event> {
    let mut events = Vec::new();
    for babies in 1..=3 {
        events.extend([
            Event::Vaginal { babies },
            Event::Cesarean { babies },
            Event::Dystocia { babies },
        ]);
        events.extend(WEEKS.map(|weeks| Event::Induced { weeks, babies }));
    }
    events.extend(WEEKS.map(|weeks| Event::Miscarriage { weeks }));
    events.extend(Procedure::ALL.map(Event::FamilyPlanningSurgery));
    events
}

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date")
}

/// Places and days covering every lookup outcome in both parameter files.
fn places() -> Vec<(RegionCode, NaiveDate)> {
    let pairs = [
        (500228, "2024-03-05"),
        (500228, "2024-06-01"),
        (500228, "2021-11-24"),
        (420102, "2024-03-05"),
        (420281, "2022-01-01"),
        (110105, "2024-03-05"),
        (440300, "2024-03-05"),
    ];
    pairs
        .iter()
        .map(|(code, day)| (RegionCode::new(*code).expect("code"), date(day)))
        .collect()
}

#[test]
fn every_combination_gets_exactly_one_base_rule_and_a_consistent_decision() {
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for (label, params) in [
        ("shipped", MaternityParams::shipped()),
        ("fixture", fixture()),
    ] {
        for (region, event_date) in places() {
            for sex in [Sex::Female, Sex::Male] {
                for event in events() {
                    walk_statuses(&params, region, event_date, sex, event);
                    *seen.entry(label).or_default() += 1;
                }
            }
        }
    }
    assert_eq!(seen.len(), 2);
}

fn walk_statuses(
    params: &MaternityParams,
    region: RegionCode,
    event_date: NaiveDate,
    sex: Sex,
    event: Event,
) {
    if let Ok(chosen) = params.lookup(region, event_date) {
        let rules: Vec<LeaveRule> = applicable_rules(sex, event, chosen.period).collect();
        assert_eq!(rules.len(), 1, "{sex:?} {event:?}: {rules:?}");
        if never_covered(sex, event) {
            assert_eq!(rules[0], LeaveRule::NotCovered, "{sex:?} {event:?}");
        }
    }
    let insurance = [
        InsuranceStatus::Normal,
        InsuranceStatus::Suspended,
        InsuranceStatus::Terminated,
    ];
    let employment = [
        EmploymentStatus::Employed,
        EmploymentStatus::Unemployed,
        EmploymentStatus::UnemploymentBenefit,
        EmploymentStatus::Flexible,
        EmploymentStatus::Retired,
    ];
    for insurance_status in insurance {
        for employment_status in employment {
            for scheme in [Scheme::Employee, Scheme::Resident] {
                for settled_in_network in [true, false] {
                    for contribution_months in [5, 6, 7, 12] {
                        let facts = MaternityFacts {
                            case_id: "m".to_owned(),
                            claimant_sex: sex,
                            event,
                            event_date,
                            region,
                            employer_avg_monthly_wage_fen: Fen::new(900_007),
                            contribution_months,
                            contribution_history: None,
                            insurance_status,
                            employment_status,
                            scheme,
                            settled_in_network,
                        };
                        let decision = evaluate(&facts, params);
                        check_invariants(&facts, &decision);
                        check_reasons(params, &facts, &decision);
                        // Months change no step but their values: both verdicts suffice.
                        if matches!(contribution_months, 5 | 12) {
                            check_codes(params, &facts, &decision);
                        }
                    }
                }
            }
        }
    }
}

/// The same decision with its explanation kept as codes: equal fields, codes that survive
/// JSON, and rendered back to exactly the Chinese lines; and with no explanation at all.
fn check_codes(params: &MaternityParams, facts: &MaternityFacts, text: &MaternityDecision) {
    let mut coded = MaternityDecision::with_mode(ExplainMode::Codes);
    evaluate_into(facts, params, &mut coded);
    assert!(coded.explanation.is_empty());
    assert_eq!(coded.steps.len(), text.explanation.len(), "{facts:?}");
    let json = serde_json::to_string(&coded).expect("json");
    let back: MaternityDecision = serde_json::from_str(&json).expect("codes read back");
    assert_eq!(back, coded, "{json}");
    assert_eq!(
        render_zh(&back.steps, &back.reasons, params),
        text.explanation,
        "{json}"
    );
    let mut bare = MaternityDecision::with_mode(ExplainMode::Off);
    evaluate_into(facts, params, &mut bare);
    assert!(bare.explanation.is_empty() && bare.steps.is_empty());
    let mut without = text.clone();
    without.explanation.clear();
    assert_eq!(bare, without);
    coded.steps.clear();
    assert_eq!(coded, without);
}

/// An independent statement of which reasons each input must produce.
fn check_reasons(params: &MaternityParams, facts: &MaternityFacts, decision: &MaternityDecision) {
    let has = |reason| decision.reasons.contains(&reason);
    let own = facts.claimant_sex == Sex::Female
        || facts.event == Event::FamilyPlanningSurgery(Procedure::Vasectomy);
    let status = facts.employment_status;
    let expected_without_params = [
        (Reason::NotEmployeeScheme, facts.scheme == Scheme::Resident),
        (
            Reason::InsuranceStatusNotNormal,
            facts.insurance_status != InsuranceStatus::Normal,
        ),
        (
            Reason::NotSettledInNetwork,
            own && !facts.settled_in_network,
        ),
        (
            Reason::UnemploymentBenefit,
            status == EmploymentStatus::UnemploymentBenefit,
        ),
        (Reason::Retired, status == EmploymentStatus::Retired),
    ];
    for (reason, expected) in expected_without_params {
        assert_eq!(has(reason), expected, "{reason:?} {facts:?}");
    }
    let lookup = params.lookup(facts.region, facts.event_date);
    assert_eq!(
        has(Reason::UnknownRegion),
        lookup == Err(LookupError::UnknownRegion)
    );
    assert_eq!(
        has(Reason::NoRulesForDate),
        lookup == Err(LookupError::NoRulesForDate)
    );
    match lookup {
        Ok(chosen) => check_reasons_with(chosen.period, facts, decision),
        Err(_) => {
            assert!(!has(Reason::ContributionTooShort) && !has(Reason::FlexibleEmployment));
            let never = never_covered(facts.claimant_sex, facts.event);
            assert_eq!(has(Reason::EventNotCovered), never);
        }
    }
}

/// The reasons that need the period's parameters, and the eligible outcome.
fn check_reasons_with(period: &Period, facts: &MaternityFacts, decision: &MaternityDecision) {
    let has = |reason| decision.reasons.contains(&reason);
    let short = facts.contribution_months < period.min_contribution_months;
    assert_eq!(has(Reason::ContributionTooShort), short);
    let flexible = facts.employment_status == EmploymentStatus::Flexible;
    let excluded = flexible && !period.flexible_workers_eligible;
    assert_eq!(has(Reason::FlexibleEmployment), excluded);
    let days = leave(facts.claimant_sex, facts.event, period).total;
    assert_eq!(has(Reason::EventNotCovered), days == 0);
    if decision.eligible {
        assert_eq!(decision.leave_days, days);
        let amount = allowance_fen(facts.employer_avg_monthly_wage_fen, days);
        assert_eq!(decision.amount_fen, amount);
        assert_eq!(decision.payee, Some(period.payee));
    }
}

//! Maternity allowance (生育津贴): who is eligible, how many days of leave, how much, to
//! whom (contract.md "Maternity-allowance rules", domain.md "Rules and parameters",
//! MA-1, MA-7, RB-1, RB-5).
//!
//! [`evaluate`] is a pure, total function: every [`MaternityFacts`] gets a decision, and
//! the decision lists *every* failed condition, not just the first. Conditions that need
//! no parameters (scheme, insurance status, network settlement, unemployment benefit,
//! retirement, an event no period could cover) are checked even when the region or date
//! has no parameters; the others (contribution months, flexible workers, days of leave)
//! only when it has.

mod decision;
mod explain;
mod facts;
pub mod leave;
mod parse;
mod parse_raw;

use chrono::NaiveDate;

use crate::rules::params::{ContributionReading, LookupError, MaternityParams, Selected};
use crate::{Fen, Sex};

pub use decision::{MaternityDecision, Reason};
pub use explain::{Context, EventName, ExplainMode, Step, render_zh};
pub use facts::{
    EmploymentStatus, Event, EventType, InsuranceStatus, MaternityFacts, PaidMonths, Procedure,
    Scheme,
};
pub use leave::{Leave, LeaveRule};
pub use parse::{InputError, InputErrorCode, parse_facts};

/// Decides one claim.
pub fn evaluate(facts: &MaternityFacts, params: &MaternityParams) -> MaternityDecision {
    let mut decision = MaternityDecision::default();
    evaluate_into(facts, params, &mut decision);
    decision
}

/// Decides one claim into `out`, reusing its buffers (the CLI's hot path).
pub fn evaluate_into(
    facts: &MaternityFacts,
    params: &MaternityParams,
    out: &mut MaternityDecision,
) {
    out.reset(&facts.case_id);
    let selected = params.lookup(facts.region, facts.event_date);
    explain::region(out, facts.region, facts.event_date, selected);
    check_without_params(facts, out);
    let leave = match selected {
        Ok(chosen) => Some((chosen, check_with_params(facts, chosen, out))),
        Err(missing) => {
            if facts.employment_status == EmploymentStatus::Flexible {
                out.step(Step::FlexibleUndecided, None);
            }
            if leave::never_covered(facts.claimant_sex, facts.event) {
                explain::not_covered(out, facts.claimant_sex, facts.event);
                out.fail(Reason::EventNotCovered);
            }
            out.fail(match missing {
                LookupError::UnknownRegion => Reason::UnknownRegion,
                LookupError::NoRulesForDate => Reason::NoRulesForDate,
            });
            None
        }
    };
    out.reasons.sort_unstable();
    match leave {
        Some((chosen, leave)) if out.reasons.is_empty() => grant(facts, chosen, leave, out),
        _ => out.step(Step::Refusal, None),
    }
}

/// `round_half_up(wage_fen × days ÷ 30)` in exact integer arithmetic (contract.md,
/// "Amount"). Half-up is `floor(x + ½)`, i.e. `floor((wage × days + 15) ÷ 30)`.
pub fn allowance_fen(wage: Fen, days: u32) -> Fen {
    let product = i128::from(wage.as_i64()) * i128::from(days);
    let rounded = (product + 15).div_euclid(30);
    // Parsed facts bound the wage (≤ 10^12 fen) and parameters bound the days, so the
    // clamp only matters for hand-built facts with absurd wages.
    let clamped = rounded.clamp(i128::from(i64::MIN), i128::from(i64::MAX));
    Fen::new(i64::try_from(clamped).unwrap_or(i64::MAX))
}

/// Whether the claim concerns the claimant's own medical event (for which network
/// settlement is required) rather than a father's paternity leave.
fn is_own_medical_event(facts: &MaternityFacts) -> bool {
    facts.claimant_sex == Sex::Female
        || facts.event == Event::FamilyPlanningSurgery(Procedure::Vasectomy)
}

fn check_without_params(facts: &MaternityFacts, out: &mut MaternityDecision) {
    let employee = facts.scheme == Scheme::Employee;
    out.step(
        Step::Scheme {
            scheme: facts.scheme,
        },
        None,
    );
    if !employee {
        out.fail(Reason::NotEmployeeScheme);
    }
    out.step(
        Step::InsuranceStatus {
            status: facts.insurance_status,
        },
        None,
    );
    if facts.insurance_status != InsuranceStatus::Normal {
        out.fail(Reason::InsuranceStatusNotNormal);
    }
    let own = is_own_medical_event(facts);
    out.step(
        Step::Network {
            own_event: own,
            settled: facts.settled_in_network,
        },
        None,
    );
    if own && !facts.settled_in_network {
        out.fail(Reason::NotSettledInNetwork);
    }
    match facts.employment_status {
        EmploymentStatus::UnemploymentBenefit => out.fail(Reason::UnemploymentBenefit),
        EmploymentStatus::Retired => out.fail(Reason::Retired),
        // Flexible workers depend on a parameter: see `check_with_params`.
        EmploymentStatus::Flexible => return,
        EmploymentStatus::Employed | EmploymentStatus::Unemployed => {}
    }
    out.step(
        Step::Employment {
            status: facts.employment_status,
        },
        None,
    );
}

/// Contribution months under the region's reading: counted from the history of a real
/// claim, or as the input line states them (already counted under that reading).
fn counted_months(facts: &MaternityFacts, reading: ContributionReading) -> u32 {
    match (&facts.contribution_history, reading) {
        (None, _) => facts.contribution_months,
        (Some(history), ContributionReading::Continuous) => history.continuous(),
        (Some(history), ContributionReading::Cumulative { window_months }) => {
            history.within(window_months)
        }
    }
}

/// The conditions that need the period's parameters; returns the leave they grant.
fn check_with_params(
    facts: &MaternityFacts,
    chosen: Selected<'_>,
    out: &mut MaternityDecision,
) -> Leave {
    let period = chosen.period;
    if facts.employment_status == EmploymentStatus::Flexible {
        let eligible = period.flexible_workers_eligible;
        out.step(Step::Flexible { eligible }, Some(chosen));
        if !period.flexible_workers_eligible {
            out.fail(Reason::FlexibleEmployment);
        }
    }
    let months = counted_months(facts, period.contribution_reading);
    let step = Step::Contribution {
        months,
        min_months: period.min_contribution_months,
        reading: period.contribution_reading,
        from_history: facts.contribution_history.is_some(),
    };
    out.step(step, Some(chosen));
    if months < period.min_contribution_months {
        out.fail(Reason::ContributionTooShort);
    }
    let leave = leave::leave(facts.claimant_sex, facts.event, period);
    if leave.total == 0 {
        explain::no_leave(out, facts.claimant_sex, facts.event, leave, chosen);
        out.fail(Reason::EventNotCovered);
    }
    leave
}

/// The eligible outcome: the leave, the amount and the payee, each explained.
fn grant(facts: &MaternityFacts, chosen: Selected<'_>, leave: Leave, out: &mut MaternityDecision) {
    explain::leave(out, facts.event, leave, chosen);
    let amount = allowance_fen(facts.employer_avg_monthly_wage_fen, leave.total);
    explain::amount(
        out,
        facts.employer_avg_monthly_wage_fen,
        leave.total,
        amount,
    );
    explain::payee(out, chosen);
    out.eligible = true;
    out.leave_days = leave.total;
    out.amount_fen = amount;
    out.payee = Some(chosen.period.payee);
}

/// The event date as the explanation prints it.
fn date_text(date: NaiveDate) -> impl std::fmt::Display {
    date.format("%Y-%m-%d")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amount_rounds_half_up_exactly() {
        // 900000 × 208 ÷ 30 = 6240000 exactly (the contract example).
        assert_eq!(allowance_fen(Fen::new(900_000), 208), Fen::new(6_240_000));
        // 900001 × 15 ÷ 30 = 450000.5 → 450001.
        assert_eq!(allowance_fen(Fen::new(900_001), 15), Fen::new(450_001));
        // 600008 × 178 ÷ 30 = 3560047.466… → 3560047.
        assert_eq!(allowance_fen(Fen::new(600_008), 178), Fen::new(3_560_047));
        assert_eq!(allowance_fen(Fen::new(1), 15), Fen::new(1));
        assert_eq!(allowance_fen(Fen::new(1), 14), Fen::ZERO);
        assert_eq!(allowance_fen(Fen::new(i64::MAX), 365), Fen::new(i64::MAX));
    }

    #[test]
    fn amount_agrees_with_fen_mul_div_on_non_negative_wages() {
        for wage in [0, 1, 7, 29, 30, 31, 899_999, 900_001, 12_345_678] {
            for days in [0, 1, 15, 42, 98, 158, 178, 208] {
                let expected = Fen::new(wage).checked_mul_div(i64::from(days), 30);
                assert_eq!(Ok(allowance_fen(Fen::new(wage), days)), expected);
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn amount_is_the_exact_half_up_quotient(wage in 0i64..=1_000_000_000_000, days in 0u32..=5_000) {
            let amount = allowance_fen(Fen::new(wage), days).as_i64();
            let exact = i128::from(wage) * i128::from(days);
            // amount - ½ ≤ exact ÷ 30 < amount + ½, i.e. 30·(2·amount − 1) ≤ 2·exact < 30·(2·amount + 1).
            let twice = 2 * exact;
            proptest::prop_assert!(30 * (2 * i128::from(amount) - 1) <= twice);
            proptest::prop_assert!(twice < 30 * (2 * i128::from(amount) + 1));
        }
    }
}

//! Smart review (智能审核, MA-4): what happens to a claim when it is submitted. Complete
//! shared data, no upload and a confirmed wage let the rules decide at once; anything else
//! goes to a clerk's queue, with the reasons a clerk needs to see.

use crate::rules::{MaternityDecision, MaternityFacts, MaternityParams, evaluate};

use super::status::ClaimAction;

/// What the submission needs to know about the claim.
#[derive(Debug, Clone, Copy)]
pub struct Submission<'a> {
    /// The rules' input, when the shared data is complete.
    pub facts: Option<&'a MaternityFacts>,
    /// A photo was uploaded: a person must look at it.
    pub has_upload: bool,
    pub wage_confirmed: bool,
}

/// Why a submitted claim waits for a clerk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ManualReason {
    MissingData,
    Upload,
    WageNotConfirmed,
}

impl ManualReason {
    pub fn label_zh(self) -> &'static str {
        match self {
            ManualReason::MissingData => "共享数据不全，转人工审核",
            ManualReason::Upload => "含拍照上传材料，转人工审核",
            ManualReason::WageNotConfirmed => "单位未确认上年度月平均工资，转人工审核",
        }
    }
}

/// The outcome of smart review.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The rules decided: approve or reject at once.
    Decided {
        action: ClaimAction,
        decision: MaternityDecision,
    },
    /// To the review queue.
    Manual(Vec<ManualReason>),
}

/// Decides what a submission does. A claim the rules find ineligible on complete data is
/// rejected with every failed condition; a clerk could not decide otherwise.
pub fn smart_review(s: Submission<'_>, params: &MaternityParams) -> Outcome {
    let mut manual = Vec::new();
    if s.facts.is_none() {
        manual.push(ManualReason::MissingData);
    }
    if s.has_upload {
        manual.push(ManualReason::Upload);
    }
    if !s.wage_confirmed {
        manual.push(ManualReason::WageNotConfirmed);
    }
    match s.facts {
        Some(facts) if manual.is_empty() => {
            let decision = evaluate(facts, params);
            let action = if decision.eligible {
                ClaimAction::AutoApprove
            } else {
                ClaimAction::AutoReject
            };
            Outcome::Decided { action, decision }
        }
        _ => Outcome::Manual(manual),
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::rules::maternity::{EmploymentStatus, Event, InsuranceStatus, Scheme};
    use crate::{Fen, RegionCode, Sex};

    fn facts(months: u32) -> MaternityFacts {
        MaternityFacts {
            case_id: "c".into(),
            claimant_sex: Sex::Female,
            event: Event::Cesarean { babies: 2 },
            event_date: NaiveDate::from_ymd_opt(2024, 3, 5).expect("test value"),
            region: RegionCode::new(500228).expect("test value"),
            employer_avg_monthly_wage_fen: Fen::new(900_000),
            contribution_months: months,
            contribution_history: None,
            insurance_status: InsuranceStatus::Normal,
            employment_status: EmploymentStatus::Employed,
            scheme: Scheme::Employee,
            settled_in_network: true,
        }
    }

    fn submit(facts: Option<&MaternityFacts>, upload: bool, confirmed: bool) -> Outcome {
        let s = Submission {
            facts,
            has_upload: upload,
            wage_confirmed: confirmed,
        };
        smart_review(s, &MaternityParams::shipped())
    }

    #[test]
    fn complete_data_is_approved_at_once_with_the_contract_amount() {
        let f = facts(14);
        let Outcome::Decided { action, decision } = submit(Some(&f), false, true) else {
            panic!("decided")
        };
        assert_eq!(action, ClaimAction::AutoApprove);
        assert_eq!(decision.leave_days, 208);
        assert_eq!(decision.amount_fen, Fen::new(6_240_000));
    }

    #[test]
    fn ineligible_on_complete_data_is_rejected_with_reasons() {
        let f = facts(3);
        let Outcome::Decided { action, decision } = submit(Some(&f), false, true) else {
            panic!("decided")
        };
        assert_eq!(action, ClaimAction::AutoReject);
        assert_eq!(decision.reasons.len(), 1);
    }

    #[test]
    fn anything_else_goes_to_a_clerk_with_every_reason() {
        let f = facts(14);
        assert_eq!(
            submit(Some(&f), true, true),
            Outcome::Manual(vec![ManualReason::Upload])
        );
        assert_eq!(
            submit(None, true, false),
            Outcome::Manual(vec![
                ManualReason::MissingData,
                ManualReason::Upload,
                ManualReason::WageNotConfirmed
            ])
        );
        // An ineligible claim with an upload is still a clerk's: the photo may change facts.
        let short = facts(3);
        assert!(matches!(
            submit(Some(&short), true, true),
            Outcome::Manual(_)
        ));
    }
}

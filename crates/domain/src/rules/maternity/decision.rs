//! The decision (contract.md, the output line) and its reasons.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::explain::{Context, ExplainMode, Step};
use crate::Fen;
use crate::rules::params::{Payee, Selected};

/// A failed condition. Declared in the contract's order, which is the order in which
/// `reasons` lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Reason {
    ContributionTooShort,
    InsuranceStatusNotNormal,
    NotEmployeeScheme,
    NotSettledInNetwork,
    UnemploymentBenefit,
    FlexibleEmployment,
    Retired,
    EventNotCovered,
    UnknownRegion,
    NoRulesForDate,
}

impl Reason {
    pub fn code(self) -> &'static str {
        match self {
            Reason::ContributionTooShort => "CONTRIBUTION_TOO_SHORT",
            Reason::InsuranceStatusNotNormal => "INSURANCE_STATUS_NOT_NORMAL",
            Reason::NotEmployeeScheme => "NOT_EMPLOYEE_SCHEME",
            Reason::NotSettledInNetwork => "NOT_SETTLED_IN_NETWORK",
            Reason::UnemploymentBenefit => "UNEMPLOYMENT_BENEFIT",
            Reason::FlexibleEmployment => "FLEXIBLE_EMPLOYMENT",
            Reason::Retired => "RETIRED",
            Reason::EventNotCovered => "EVENT_NOT_COVERED",
            Reason::UnknownRegion => "UNKNOWN_REGION",
            Reason::NoRulesForDate => "NO_RULES_FOR_DATE",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Reason::ContributionTooShort => "缴费月数不足",
            Reason::InsuranceStatusNotNormal => "参保状态不正常",
            Reason::NotEmployeeScheme => "非职工医保参保",
            Reason::NotSettledInNetwork => "生育医疗费用未在本市联网结算",
            Reason::UnemploymentBenefit => "领取失业保险金期间",
            Reason::FlexibleEmployment => "灵活就业人员",
            Reason::Retired => "退休人员",
            Reason::EventNotCovered => "申领事项不在保障范围",
            Reason::UnknownRegion => "地区无参数",
            Reason::NoRulesForDate => "事件日期无适用参数",
        }
    }
}

/// The rules' answer for one claim, serialised exactly as the contract's output line.
///
/// `evaluate_into` reuses a decision's buffers (the explanation strings are kept in a
/// private spare pool when a shorter decision follows a longer one), so the CLI decides a
/// million lines without allocating per line.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct MaternityDecision {
    pub case_id: String,
    pub eligible: bool,
    pub reasons: Vec<Reason>,
    pub leave_days: u32,
    pub amount_fen: Fen,
    /// `None` (JSON null) whenever `eligible` is false.
    pub payee: Option<Payee>,
    /// One line per rule applied, in Chinese, naming the regulation and the values used
    /// ([`ExplainMode::Text`]; never empty then, so the contract's line always has it).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub explanation: Vec<String>,
    /// The same rules as codes with values ([`ExplainMode::Codes`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<Step>,
    #[serde(skip)]
    mode: ExplainMode,
    #[serde(skip)]
    spare: Vec<String>,
}

// The spare pool is a buffer, not part of the decision.
impl PartialEq for MaternityDecision {
    fn eq(&self, other: &Self) -> bool {
        self.case_id == other.case_id
            && self.eligible == other.eligible
            && self.reasons == other.reasons
            && self.leave_days == other.leave_days
            && self.amount_fen == other.amount_fen
            && self.payee == other.payee
            && self.explanation == other.explanation
            && self.steps == other.steps
    }
}

impl Eq for MaternityDecision {}

impl MaternityDecision {
    /// An empty decision that keeps its explanation as `mode` says.
    pub fn with_mode(mode: ExplainMode) -> Self {
        MaternityDecision {
            mode,
            ..MaternityDecision::default()
        }
    }

    /// Empties the decision for a new claim, keeping every allocation.
    pub(super) fn reset(&mut self, case_id: &str) {
        self.case_id.clear();
        self.case_id.push_str(case_id);
        self.eligible = false;
        self.reasons.clear();
        self.leave_days = 0;
        self.amount_fen = Fen::ZERO;
        self.payee = None;
        self.steps.clear();
        let used = std::mem::take(&mut self.explanation);
        self.spare.extend(used);
    }

    /// Records one rule applied: as its Chinese line (reusing a spare string when there
    /// is one), as its code, or not at all.
    pub(super) fn step(&mut self, step: Step, chosen: Option<Selected<'_>>) {
        match self.mode {
            ExplainMode::Text => {
                let mut text = self.spare.pop().unwrap_or_default();
                text.clear();
                let ctx = Context {
                    chosen,
                    reasons: &self.reasons,
                };
                // Writing to a String cannot fail.
                let _ = step.write_zh(&mut text, ctx);
                self.explanation.push(text);
            }
            ExplainMode::Codes => self.steps.push(step),
            ExplainMode::Off => {}
        }
    }

    pub(super) fn fail(&mut self, reason: Reason) {
        self.reasons.push(reason);
    }
}

/// Money as yuan with two decimals (`62400.00`), without allocating.
pub(super) struct Yuan(pub Fen);

impl fmt::Display for Yuan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let fen = self.0.as_i64();
        let sign = if fen < 0 { "-" } else { "" };
        let magnitude = fen.unsigned_abs();
        write!(f, "{sign}{}.{:02}", magnitude / 100, magnitude % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reuse_keeps_no_trace_of_the_previous_claim() {
        let mut decision = MaternityDecision::default();
        decision.reset("a");
        decision.step(Step::FlexibleUndecided, None);
        decision.step(Step::CesareanNotDystocia, None);
        decision.fail(Reason::Retired);
        decision.reset("b");
        decision.step(Step::Refusal, None);
        assert_eq!(decision.case_id, "b");
        assert_eq!(
            decision.explanation,
            vec!["结论：不符合享受条件（），假期天数与津贴均按0计，不支付".to_owned()]
        );
        assert!(decision.reasons.is_empty());
        assert_eq!(decision.spare.len(), 1);
    }

    #[test]
    fn reasons_serialise_as_contract_codes() {
        for reason in [Reason::ContributionTooShort, Reason::NoRulesForDate] {
            let json = serde_json::to_string(&reason).expect("json");
            assert_eq!(json, format!("\"{}\"", reason.code()));
        }
        assert_eq!(Yuan(Fen::new(6_240_000)).to_string(), "62400.00");
        assert_eq!(Yuan(Fen::new(-5)).to_string(), "-0.05");
    }
}

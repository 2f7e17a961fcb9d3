//! A claim's status and the one table of moves between them.
//!
//! ```text
//! draft ──submit──▶ in_review ──approve──▶ approved ──settle──▶ settled ──paid──▶ paid
//!   │                  │                                          │
//!   └─auto_approve─────┼──────────────▶ approved                  └─fail──▶ payment_failed
//!                      └──reject──▶ rejected                                 │
//!                        payment_failed ──settle (account corrected)──▶ settled
//! ```

use serde::{Deserialize, Serialize};

/// Where a claim stands (contract.md: `status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ClaimStatus {
    /// Opened by the employer or a clerk; data still being checked.
    Draft,
    /// Submitted; waiting for a clerk (an upload or incomplete shared data).
    InReview,
    /// Decided eligible; the amount is frozen and waits for settlement.
    Approved,
    Rejected,
    /// In a settlement batch; the bank has the payment file.
    Settled,
    Paid,
    /// The bank refused the transfer; waits for a corrected account.
    PaymentFailed,
}

/// What can be done to a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimAction {
    /// Submit with complete shared data and no upload: smart review decides at once.
    AutoApprove,
    /// Smart review found it ineligible on complete data.
    AutoReject,
    /// Submit for a clerk's review.
    Submit,
    Approve,
    Reject,
    Settle,
    MarkPaid,
    MarkFailed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a claim in status {from:?} cannot {action:?}")]
pub struct TransitionError {
    pub from: ClaimStatus,
    pub action: ClaimAction,
}

impl ClaimStatus {
    pub const ALL: [ClaimStatus; 7] = [
        ClaimStatus::Draft,
        ClaimStatus::InReview,
        ClaimStatus::Approved,
        ClaimStatus::Rejected,
        ClaimStatus::Settled,
        ClaimStatus::Paid,
        ClaimStatus::PaymentFailed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ClaimStatus::Draft => "draft",
            ClaimStatus::InReview => "in_review",
            ClaimStatus::Approved => "approved",
            ClaimStatus::Rejected => "rejected",
            ClaimStatus::Settled => "settled",
            ClaimStatus::Paid => "paid",
            ClaimStatus::PaymentFailed => "payment_failed",
        }
    }

    pub fn parse(s: &str) -> Option<ClaimStatus> {
        Self::ALL.into_iter().find(|status| status.as_str() == s)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            ClaimStatus::Draft => "待提交",
            ClaimStatus::InReview => "审核中",
            ClaimStatus::Approved => "审核通过，待结算",
            ClaimStatus::Rejected => "不予支付",
            ClaimStatus::Settled => "已结算，待到账",
            ClaimStatus::Paid => "已支付",
            ClaimStatus::PaymentFailed => "支付失败，待更正账户",
        }
    }

    /// The status after `action`, or why it is not allowed.
    pub fn after(self, action: ClaimAction) -> Result<ClaimStatus, TransitionError> {
        use ClaimAction as A;
        use ClaimStatus as S;
        let next = match (self, action) {
            (S::Draft, A::AutoApprove) => S::Approved,
            (S::Draft, A::AutoReject) => S::Rejected,
            (S::Draft, A::Submit) => S::InReview,
            (S::InReview, A::Approve) => S::Approved,
            (S::InReview, A::Reject) => S::Rejected,
            (S::Approved | S::PaymentFailed, A::Settle) => S::Settled,
            (S::Settled, A::MarkPaid) => S::Paid,
            (S::Settled, A::MarkFailed) => S::PaymentFailed,
            (from, action) => return Err(TransitionError { from, action }),
        };
        Ok(next)
    }

    /// The move a recorded step (a claim's case event, `EventBody::Service`) makes from
    /// this status, or `None` for a step that changes no status (`created`,
    /// `wage_confirmed`, `photo_uploaded`, `submitted`, `account_corrected`, …). `approved`
    /// and `rejected` are smart review's from a draft and a clerk's from review.
    pub fn step_action(self, step: &str) -> Option<ClaimAction> {
        use ClaimAction as A;
        let action = match (self, step) {
            (ClaimStatus::Draft, "approved") => A::AutoApprove,
            (ClaimStatus::Draft, "rejected") => A::AutoReject,
            (_, "approved") => A::Approve,
            (_, "rejected") => A::Reject,
            (_, "queued_for_review") => A::Submit,
            (_, "settled") => A::Settle,
            (_, "paid") => A::MarkPaid,
            (_, "payment_failed") => A::MarkFailed,
            _ => return None,
        };
        Some(action)
    }

    /// The status after `step` (unchanged for a step that moves nothing).
    pub fn after_step(self, step: &str) -> Result<ClaimStatus, TransitionError> {
        match self.step_action(step) {
            Some(action) => self.after(action),
            None => Ok(self),
        }
    }

    /// A claim's status rebuilt from its recorded steps, oldest first: the claim row's
    /// `status` is a projection of this, and a history with an impossible move is refused.
    pub fn replay<'a>(
        steps: impl IntoIterator<Item = &'a str>,
    ) -> Result<ClaimStatus, TransitionError> {
        steps
            .into_iter()
            .try_fold(ClaimStatus::Draft, |status, step| status.after_step(step))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_happy_paths() {
        let online = [
            ClaimAction::AutoApprove,
            ClaimAction::Settle,
            ClaimAction::MarkPaid,
        ];
        let reviewed = [
            ClaimAction::Submit,
            ClaimAction::Approve,
            ClaimAction::Settle,
            ClaimAction::MarkFailed,
            ClaimAction::Settle,
            ClaimAction::MarkPaid,
        ];
        for path in [&online[..], &reviewed[..]] {
            let end = path
                .iter()
                .try_fold(ClaimStatus::Draft, |s, a| s.after(*a))
                .expect("every move of the path is allowed");
            assert_eq!(end, ClaimStatus::Paid);
        }
    }

    #[test]
    fn finished_claims_do_not_move() {
        for action in [
            ClaimAction::Approve,
            ClaimAction::Settle,
            ClaimAction::Submit,
        ] {
            assert!(ClaimStatus::Rejected.after(action).is_err());
            assert!(ClaimStatus::Paid.after(action).is_err());
        }
        assert!(ClaimStatus::Draft.after(ClaimAction::Settle).is_err());
        assert!(ClaimStatus::Approved.after(ClaimAction::Approve).is_err());
        assert!(ClaimStatus::Settled.after(ClaimAction::Settle).is_err());
    }

    #[test]
    fn status_is_rebuilt_from_the_recorded_steps() {
        let smart = [
            "created",
            "wage_confirmed",
            "submitted",
            "approved",
            "settled",
            "paid",
        ];
        assert_eq!(ClaimStatus::replay(smart), Ok(ClaimStatus::Paid));
        let clerk = ["created", "submitted", "queued_for_review", "approved"];
        assert_eq!(ClaimStatus::replay(clerk), Ok(ClaimStatus::Approved));
        let refused = ["created", "submitted", "rejected"];
        assert_eq!(ClaimStatus::replay(refused), Ok(ClaimStatus::Rejected));
        let rebatched = [
            "created",
            "submitted",
            "approved",
            "settled",
            "payment_failed",
            "account_corrected",
            "settled",
        ];
        assert_eq!(ClaimStatus::replay(rebatched), Ok(ClaimStatus::Settled));
        assert_eq!(ClaimStatus::replay(["created"]), Ok(ClaimStatus::Draft));
    }

    #[test]
    fn an_impossible_history_is_refused() {
        let err = ClaimStatus::replay(["created", "paid"]).expect_err("paid before settled");
        assert_eq!(err.from, ClaimStatus::Draft);
        assert_eq!(err.action, ClaimAction::MarkPaid);
        assert!(ClaimStatus::replay(["approved", "approved"]).is_err());
    }

    #[test]
    fn names_round_trip() {
        for status in ClaimStatus::ALL {
            assert_eq!(ClaimStatus::parse(status.as_str()), Some(status));
            assert!(!status.label_zh().is_empty());
        }
        assert_eq!(ClaimStatus::parse("paid "), None);
    }
}

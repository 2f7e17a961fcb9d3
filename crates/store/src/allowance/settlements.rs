//! Settlements and payments (MA-5): a settlement run takes every approved, unsettled claim up
//! to a date — and every failed payment whose account was corrected since — exactly once,
//! groups them into one payment per payee account and moves them to `settled`, all in one
//! write transaction ([`run`]). The bank's results are imported in one transaction too
//! ([`results`]); a failed payment's account is corrected by the employer or a clerk
//! ([`account`]) and the claim goes into the next run. [`read`] lists settlements, their
//! payment files and the late payments.
//!
//! Concurrency: each claim is taken by a conditional `UPDATE … WHERE <still eligible>
//! RETURNING id`, so two runs at once (two servers on one PostgreSQL, or the schedule and a
//! clerk) never take the same claim; SQLite serialises the runs with `BEGIN IMMEDIATE`.
//! Interrupted at any point (kill -9), a run leaves nothing: its transaction never commits.

mod account;
mod read;
mod results;
mod run;
mod sql;
mod write;

use chrono::{DateTime, NaiveDate, Utc};
use onething_domain::access::Role;
use onething_domain::allowance::ClaimStatus;
use onething_domain::{Fen, MoneyError, RegionCode};

pub use account::ClaimRef;
pub use read::{LatePayment, SettlementSummary};
pub use results::{ImportReport, RowRef};
pub use run::{SettleRun, SettlementOutcome, SkippedClaim};

use crate::StoreError;

/// Who acts, in which role, when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acting {
    /// A username, `cli` or `schedule`.
    pub name: String,
    pub role: Option<Role>,
    pub at: DateTime<Utc>,
}

/// A settlement with its payments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settlement {
    pub id: String,
    pub until: NaiveDate,
    pub claims: i64,
    pub total: Fen,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub payments: Vec<Payment>,
}

/// One transfer to one payee account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    pub id: String,
    pub payee_name: String,
    pub bank: String,
    /// The full number: the payment file needs it; views mask it.
    pub account: String,
    pub amount: Fen,
    pub claim_ids: Vec<String>,
    /// `pending`, `paid` or `failed`.
    pub status: String,
    pub reason: Option<String>,
    pub result_at: Option<DateTime<Utc>>,
}

/// What can go wrong with settlements beyond storage itself.
#[derive(Debug, thiserror::Error)]
pub enum SettlementError {
    /// The settlement or claim does not exist, or lies outside the caller's scope.
    #[error("{what} {id} not found")]
    NotFound { what: &'static str, id: String },
    /// The claim is not in a status the action needs (a correction needs `payment_failed`).
    #[error("claim {id} is {status:?}")]
    InvalidState { id: String, status: ClaimStatus },
    #[error("amounts overflow: {0}")]
    Money(#[from] MoneyError),
    /// The batch's control totals did not hold after writing: nothing was committed.
    #[error("control totals do not hold: {0}")]
    ControlTotals(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for SettlementError {
    fn from(e: sqlx::Error) -> Self {
        SettlementError::Store(StoreError::Database(e))
    }
}

/// A `LIKE` pattern matching the claim regions inside `scope` (all of them for `None`): a
/// province covers its cities and counties, a city its counties, as `RegionCode::is_within`.
pub(crate) fn region_pattern(scope: Option<RegionCode>) -> String {
    match scope {
        None => "%".to_owned(),
        Some(region) => {
            let code = region.to_string();
            if region.is_province() {
                format!("{}%", &code[..2])
            } else if region.is_city() {
                format!("{}%", &code[..4])
            } else {
                code
            }
        }
    }
}

/// The region a claim belongs to for scoping: its own region, else the one inside the
/// employer's USCC (as `access::policy::can_see_employer`). `c` is the claims table's alias.
pub(crate) const CLAIM_REGION: &str = "COALESCE(c.region, substr(c.employer_uscc, 3, 6))";

/// [`CLAIM_REGION`] for a statement that cannot alias the table (SQLite's UPDATE).
pub(crate) fn claim_region_of(table: &str) -> String {
    CLAIM_REGION.replace("c.", &format!("{table}."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_patterns_follow_the_code_levels() {
        let region = |code| RegionCode::new(code).ok();
        assert_eq!(region_pattern(None), "%");
        assert_eq!(region_pattern(region(500000)), "50%");
        assert_eq!(region_pattern(region(420200)), "4202%");
        assert_eq!(region_pattern(region(500228)), "500228");
    }
}

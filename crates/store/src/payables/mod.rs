//! Payables: what a service owes someone — (service, subject, payee, frozen account, amount,
//! due date). A service creates one in the transaction of its approval ([`create_payable_in`]);
//! from then on settlement runs ([`run`]), payment files, bank results ([`results`]) and the
//! account correction of a failed payment ([`account`]) move payables, whichever service
//! owes the money. Nothing here knows a service: what a status change means for the
//! service's own records (its detail row's status, its messages) is the [`PayableSubjects`]
//! the caller registers per service, written in the same transaction. The generic part of
//! every change is the payable's case: it gets its step (`settled`, `paid`,
//! `payment_failed`, `account_corrected`), and `paid` completes the payable's case item.
//!
//! Concurrency: each payable is taken by a conditional `UPDATE … WHERE <still eligible>
//! RETURNING id`, so two runs at once (two servers on one PostgreSQL, or the schedule and a
//! clerk) never take the same payable; SQLite serialises the runs with `BEGIN IMMEDIATE`.
//! Interrupted at any point (kill -9), a run leaves nothing: its transaction never commits.

mod account;
mod create;
mod effects;
mod read;
mod results;
mod run;
pub(crate) mod sql;
mod write;

use std::future::Future;
use std::pin::Pin;

use chrono::{DateTime, NaiveDate, Utc};
use onething_domain::access::Role;
use onething_domain::{Fen, MoneyError, RegionCode};

pub use account::AccountVersion;
pub use create::{NewPayable, amend_due_amount_in, create_payable_in, payable_id};
pub(crate) use create::{PAYABLE_ACCOUNT_COLUMNS, PAYABLE_COLUMNS, payable_cells};
pub use effects::{PayableChange, PayableEvent};
pub use read::{LatePayable, SettlementSummary};
pub use results::{ImportReport, RowRef};
pub use run::{SettleRun, SettlementOutcome, Skipped};

use crate::StoreError;

/// The transaction a [`PayableSubjects`] writes in.
pub type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// Who acts, in which role, when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acting {
    /// A username, `cli` or `schedule`.
    pub name: String,
    pub role: Option<Role>,
    pub at: DateTime<Utc>,
}

/// An account as copied into a payable (validated by the settlement rules when the run
/// takes the payable, so a payable with a bad copy is reported, not lost).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// 户名.
    pub name: String,
    pub bank: String,
    pub number: String,
}

/// Where a payable stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayableStatus {
    Due,
    Settled,
    Paid,
    Failed,
}

impl PayableStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PayableStatus::Due => "due",
            PayableStatus::Settled => "settled",
            PayableStatus::Paid => "paid",
            PayableStatus::Failed => "failed",
        }
    }

    pub fn parse(text: &str) -> Option<PayableStatus> {
        [Self::Due, Self::Settled, Self::Paid, Self::Failed]
            .into_iter()
            .find(|s| s.as_str() == text)
    }
}

/// What a settlement batch is, whether shown with its payments or in a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettlementHead {
    pub id: String,
    pub until: NaiveDate,
    /// How many payables the batch carries (its control count).
    pub claims: i64,
    pub total: Fen,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

/// A settlement with its payments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settlement {
    pub head: SettlementHead,
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
    /// The subjects of the payables it carries (for a claim, the claim id), ascending.
    pub subject_ids: Vec<String>,
    /// `pending`, `paid` or `failed`.
    pub status: String,
    pub reason: Option<String>,
    pub result_at: Option<DateTime<Utc>>,
}

/// What can go wrong with payables beyond storage itself.
#[derive(Debug, thiserror::Error)]
pub enum PayableError {
    /// The settlement or payable does not exist, or lies outside the caller's scope.
    #[error("{what} {id} not found")]
    NotFound { what: &'static str, id: String },
    /// The payable is not in a status the action needs (a correction needs `failed`).
    #[error("payable {id} is {status:?}")]
    InvalidState { id: String, status: PayableStatus },
    #[error("amounts overflow: {0}")]
    Money(#[from] MoneyError),
    /// The batch's control totals did not hold after writing: nothing was committed.
    #[error("control totals do not hold: {0}")]
    ControlTotals(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for PayableError {
    fn from(e: sqlx::Error) -> Self {
        PayableError::Store(StoreError::Database(e))
    }
}

/// The future a [`PayableSubjects`] returns.
pub type SubjectsFuture<'a> = Pin<Box<dyn Future<Output = Result<(), StoreError>> + Send + 'a>>;

/// What a service does when its payables change, in the transaction of the change: e.g.
/// the maternity allowance moves its claim rows' status and writes its messages. The
/// payable's case step is written already (it is the same for every service).
pub trait PayableSubjects: Sync {
    fn changed<'a>(
        &'a self,
        tx: &'a mut Tx,
        acting: &'a Acting,
        changes: &'a [PayableChange],
    ) -> SubjectsFuture<'a>;
}

/// The services whose payables have their own [`PayableSubjects`]; a payable of a service
/// not listed gets its case steps only.
#[derive(Default, Clone, Copy)]
pub struct Subjects<'a> {
    by_service: &'a [(&'a str, &'a dyn PayableSubjects)],
}

impl<'a> Subjects<'a> {
    pub fn new(by_service: &'a [(&'a str, &'a dyn PayableSubjects)]) -> Subjects<'a> {
        Subjects { by_service }
    }

    fn of(&self, service: &str) -> Option<&'a dyn PayableSubjects> {
        self.by_service
            .iter()
            .find(|(name, _)| *name == service)
            .map(|(_, subjects)| *subjects)
    }
}

/// A `LIKE` pattern matching the payable regions inside `scope` (all of them for `None`): a
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

    #[test]
    fn statuses_round_trip() {
        for s in ["due", "settled", "paid", "failed"] {
            assert_eq!(PayableStatus::parse(s).map(PayableStatus::as_str), Some(s));
        }
        assert_eq!(PayableStatus::parse("pending"), None);
    }
}

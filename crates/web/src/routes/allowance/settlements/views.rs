//! Response shapes, apart from the store's rows. Account numbers are masked here (the
//! payment file, which the bank needs, is the only place with full numbers).

use chrono::{DateTime, NaiveDate, Utc};
use onething_domain::allowance::settlement::mask_account;
use onething_store::allowance::settlements::{
    ImportReport, Payment, RowRef, Settlement, SettlementHead, SettlementOutcome,
    SettlementSummary, SkippedClaim,
};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct PaymentView {
    /// The payment's reference in the payment file and the bank's results.
    id: String,
    payee_name: String,
    bank: String,
    /// The account number, all but the last four digits hidden.
    account_masked: String,
    amount_fen: i64,
    /// How many claims the payment carries.
    claims: usize,
    claim_ids: Vec<String>,
    /// `pending`, `paid` or `failed`.
    status: String,
    /// The bank's reason for a failed payment.
    reason: Option<String>,
    result_at: Option<DateTime<Utc>>,
}

impl From<Payment> for PaymentView {
    fn from(p: Payment) -> Self {
        PaymentView {
            account_masked: mask_account(&p.account),
            amount_fen: p.amount.as_i64(),
            claims: p.subject_ids.len(),
            id: p.id,
            payee_name: p.payee_name,
            bank: p.bank,
            claim_ids: p.subject_ids,
            status: p.status,
            reason: p.reason,
            result_at: p.result_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SkippedView {
    claim_id: String,
    /// `INVALID_ACCOUNT`, `NO_AMOUNT` or `NO_PAYEE`.
    code: String,
    message: String,
}

impl From<SkippedClaim> for SkippedView {
    fn from(s: SkippedClaim) -> Self {
        SkippedView {
            claim_id: s.subject_id,
            code: s.reason.code().to_owned(),
            message: s.reason.message_zh(),
        }
    }
}

/// The answer to a run. Nothing new to settle: `id` null, `claims` 0, no payments.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct RunView {
    /// The new settlement, or null when there was nothing to settle.
    id: Option<String>,
    until: NaiveDate,
    claims: i64,
    total_fen: i64,
    payments: Vec<PaymentView>,
    /// Due claims left out (no usable account or amount), to be fixed and settled next time.
    skipped: Vec<SkippedView>,
}

impl RunView {
    pub(crate) fn new(until: NaiveDate, outcome: SettlementOutcome) -> Self {
        let skipped = outcome.skipped.into_iter().map(Into::into).collect();
        match outcome.settlement {
            Some(s) => RunView {
                id: Some(s.head.id),
                until,
                claims: s.head.claims,
                total_fen: s.head.total.as_i64(),
                payments: s.payments.into_iter().map(Into::into).collect(),
                skipped,
            },
            None => RunView {
                id: None,
                until,
                claims: 0,
                total_fen: 0,
                payments: Vec::new(),
                skipped,
            },
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SettlementHeadView {
    id: String,
    /// Claims approved on or before this date were taken.
    until: NaiveDate,
    claims: i64,
    total_fen: i64,
    created_by: String,
    created_at: DateTime<Utc>,
}

impl From<SettlementHead> for SettlementHeadView {
    fn from(s: SettlementHead) -> Self {
        SettlementHeadView {
            id: s.id,
            until: s.until,
            claims: s.claims,
            total_fen: s.total.as_i64(),
            created_by: s.created_by,
            created_at: s.created_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SettlementView {
    #[serde(flatten)]
    head: SettlementHeadView,
    payments: Vec<PaymentView>,
}

impl From<Settlement> for SettlementView {
    fn from(s: Settlement) -> Self {
        SettlementView {
            head: s.head.into(),
            payments: s.payments.into_iter().map(Into::into).collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SettlementListItem {
    #[serde(flatten)]
    head: SettlementHeadView,
    payments: i64,
    paid: i64,
    failed: i64,
}

impl From<SettlementSummary> for SettlementListItem {
    fn from(s: SettlementSummary) -> Self {
        SettlementListItem {
            head: s.head.into(),
            payments: s.payments,
            paid: s.paid,
            failed: s.failed,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct RowView {
    /// The line in the file (the header is line 1).
    line: u64,
    payment_id: String,
}

impl From<RowRef> for RowView {
    fn from(r: RowRef) -> Self {
        RowView {
            line: r.line,
            payment_id: r.payment_id,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ImportView {
    /// Rows applied (paid + failed).
    matched: u64,
    paid: u64,
    failed: u64,
    /// Rows naming no payment of this settlement.
    unknown: Vec<RowView>,
    /// Rows whose payment already had a result, or that repeat a payment of the same file.
    duplicates: Vec<RowView>,
}

impl From<ImportReport> for ImportView {
    fn from(r: ImportReport) -> Self {
        ImportView {
            matched: r.matched,
            paid: r.paid,
            failed: r.failed,
            unknown: r.unknown.into_iter().map(Into::into).collect(),
            duplicates: r.duplicates.into_iter().map(Into::into).collect(),
        }
    }
}

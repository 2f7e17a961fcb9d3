//! Importing the bank's payment results (到账结果), in one transaction: every row either
//! marks its payment and the payment's payables paid or failed, or is reported as unknown
//! (no such payment in this settlement) or duplicate (the payment already has a result, or
//! the file names it twice). Nothing is half-applied.

use std::collections::{HashMap, HashSet};

use onething_domain::Fen;
use onething_domain::allowance::settlement::{PaymentOutcome, ResultRow};
use onething_domain::china_time::date_in_china;
use serde_json::json;
use sqlx::Row;

use super::effects::{PayableChange, PayableEvent, apply_in};
use super::sql::{AuditIn, audit_in};
use super::{Acting, PayableError, Subjects, Tx};
use crate::text::{date, instant};
use crate::{Store, StoreError};

/// A row reported back, by its line in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowRef {
    pub line: u64,
    pub payment_id: String,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Rows applied (paid + failed).
    pub matched: u64,
    pub paid: u64,
    pub failed: u64,
    /// Rows naming no payment of this settlement.
    pub unknown: Vec<RowRef>,
    /// Rows whose payment already had a result, or named twice in the file.
    pub duplicates: Vec<RowRef>,
}

impl Store {
    /// Applies the bank's results for one settlement.
    pub async fn import_payment_results(
        &self,
        settlement_id: &str,
        rows: &[ResultRow],
        acting: &Acting,
        subjects: Subjects<'_>,
    ) -> Result<ImportReport, PayableError> {
        let mut tx = self.begin_write().await?;
        let payments = pending_payments(&mut tx, settlement_id).await?;
        let mut report = ImportReport::default();
        let mut seen = HashSet::new();
        let mut changes = Vec::new();
        for row in rows {
            let reference = || RowRef {
                line: row.line,
                payment_id: row.payment_id.to_string(),
            };
            match payments.get(row.payment_id.as_str()) {
                None => report.unknown.push(reference()),
                Some(pending) if !pending || !seen.insert(row.payment_id.clone()) => {
                    report.duplicates.push(reference());
                }
                Some(_) => {
                    if apply(&mut tx, settlement_id, row, acting, &mut changes).await? {
                        count_outcome(&mut report, &row.outcome);
                    } else {
                        report.duplicates.push(reference());
                    }
                }
            }
        }
        apply_in(&mut tx, subjects, acting, &changes).await?;
        audit_import(&mut tx, settlement_id, &report, acting).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(report)
    }
}

fn count_outcome(report: &mut ImportReport, outcome: &PaymentOutcome) {
    report.matched += 1;
    match outcome {
        PaymentOutcome::Paid => report.paid += 1,
        PaymentOutcome::Failed { .. } => report.failed += 1,
    }
}

/// The settlement's payments: id → still pending. Not found if the settlement is unknown.
async fn pending_payments(
    tx: &mut Tx,
    settlement_id: &str,
) -> Result<HashMap<String, bool>, PayableError> {
    let exists: Option<String> = sqlx::query_scalar("SELECT id FROM settlements WHERE id = $1")
        .bind(settlement_id)
        .fetch_optional(&mut **tx)
        .await?;
    if exists.is_none() {
        return Err(PayableError::NotFound {
            what: "settlement",
            id: settlement_id.to_owned(),
        });
    }
    let rows = sqlx::query("SELECT id, status FROM payments WHERE settlement_id = $1")
        .bind(settlement_id)
        .fetch_all(&mut **tx)
        .await?;
    rows.iter()
        .map(|row| {
            let status: String = row.try_get("status")?;
            Ok((row.try_get("id")?, status == "pending"))
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(PayableError::from)
}

/// Marks one payment and its payables; false if another import got there first.
async fn apply(
    tx: &mut Tx,
    settlement_id: &str,
    row: &ResultRow,
    acting: &Acting,
    changes: &mut Vec<PayableChange>,
) -> Result<bool, PayableError> {
    let paid_on = date_in_china(acting.at);
    let (status, reason, event) = match &row.outcome {
        PaymentOutcome::Paid => (
            "paid",
            None,
            PayableEvent::Paid {
                payment_id: row.payment_id.to_string(),
                paid_on,
            },
        ),
        PaymentOutcome::Failed { reason } => (
            "failed",
            Some(reason.as_str()),
            PayableEvent::Failed {
                payment_id: row.payment_id.to_string(),
                reason: reason.clone(),
            },
        ),
    };
    let marked = sqlx::query(
        "UPDATE payments SET status = $2, reason = $3, result_at = $4
         WHERE id = $1 AND status = 'pending'",
    )
    .bind(row.payment_id.as_str())
    .bind(status)
    .bind(reason)
    .bind(instant(acting.at))
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if marked != 1 {
        return Ok(false);
    }
    let paid_on = (status == "paid").then(|| date(paid_on));
    let rows = sqlx::query(
        "UPDATE payables SET status = $3, paid_on = $4, updated_at = $5, version = version + 1
         WHERE payment_id = $1 AND settlement_id = $2 AND status = 'settled'
         RETURNING id, service, subject_type, subject_id, case_id, case_item, amount_fen",
    )
    .bind(row.payment_id.as_str())
    .bind(settlement_id)
    .bind(status)
    .bind(paid_on)
    .bind(instant(acting.at))
    .fetch_all(&mut **tx)
    .await?;
    for r in &rows {
        changes.push(PayableChange {
            payable_id: r.try_get("id")?,
            service: r.try_get("service")?,
            subject_type: r.try_get("subject_type")?,
            subject_id: r.try_get("subject_id")?,
            case_id: r.try_get("case_id")?,
            case_item: r.try_get("case_item")?,
            amount: Fen::new(r.try_get("amount_fen")?),
            event: event.clone(),
        });
    }
    Ok(true)
}

async fn audit_import(
    tx: &mut Tx,
    settlement_id: &str,
    report: &ImportReport,
    acting: &Acting,
) -> Result<(), StoreError> {
    let refs = |rows: &[RowRef]| {
        rows.iter()
            .map(|r| json!({"line": r.line, "payment_id": r.payment_id}))
            .collect::<Vec<_>>()
    };
    audit_in(
        tx,
        AuditIn {
            at: acting.at,
            actor: &acting.name,
            role: acting.role,
            action: "payment_results_imported",
            subject_type: "settlement",
            subject_id: settlement_id,
            detail: json!({
                "matched": report.matched,
                "paid": report.paid,
                "failed": report.failed,
                "unknown": refs(&report.unknown),
                "duplicates": refs(&report.duplicates),
            }),
        },
    )
    .await
}

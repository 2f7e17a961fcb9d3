//! Importing the bank's payment results (到账结果), in one transaction: every row either
//! marks its payment and the payment's claims paid or failed, or is reported as unknown (no
//! such payment in this settlement) or duplicate (the payment already has a result, or the
//! file names it twice). Nothing is half-applied.

use std::collections::{HashMap, HashSet};

use onething_domain::access::mask_id_text;
use onething_domain::allowance::settlement::{PaymentOutcome, ResultRow};
use onething_domain::allowance::{ClaimAction, ClaimStatus};
use onething_domain::china_time::date_in_china;
use serde_json::json;
use sqlx::{Any, Row, Transaction};

use super::sql::{AuditIn, audit_in};
use super::{Acting, SettlementError};
use crate::allowance::steps::{NewNotification, Recipient, append_step_in, notify_in};
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
    pub async fn import_results(
        &self,
        settlement_id: &str,
        rows: &[ResultRow],
        acting: &Acting,
    ) -> Result<ImportReport, SettlementError> {
        let mut tx = self.begin_write().await?;
        let payments = pending_payments(&mut tx, settlement_id).await?;
        let mut report = ImportReport::default();
        let mut seen = HashSet::new();
        for row in rows {
            let reference = || RowRef {
                line: row.line,
                payment_id: row.payment_id.clone(),
            };
            match payments.get(&row.payment_id) {
                None => report.unknown.push(reference()),
                Some(pending) if !pending || !seen.insert(row.payment_id.clone()) => {
                    report.duplicates.push(reference());
                }
                Some(_) => {
                    if apply(&mut tx, settlement_id, row, acting).await? {
                        count_outcome(&mut report, &row.outcome);
                    } else {
                        report.duplicates.push(reference());
                    }
                }
            }
        }
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
    tx: &mut Transaction<'static, Any>,
    settlement_id: &str,
) -> Result<HashMap<String, bool>, SettlementError> {
    let exists: Option<String> = sqlx::query_scalar("SELECT id FROM settlements WHERE id = $1")
        .bind(settlement_id)
        .fetch_optional(&mut **tx)
        .await?;
    if exists.is_none() {
        return Err(SettlementError::NotFound {
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
        .map_err(SettlementError::from)
}

/// Marks one payment and its claims; false if another import got there first.
async fn apply(
    tx: &mut Transaction<'static, Any>,
    settlement_id: &str,
    row: &ResultRow,
    acting: &Acting,
) -> Result<bool, SettlementError> {
    let (status, reason, action) = match &row.outcome {
        PaymentOutcome::Paid => ("paid", None, ClaimAction::MarkPaid),
        PaymentOutcome::Failed { reason } => {
            ("failed", Some(reason.as_str()), ClaimAction::MarkFailed)
        }
    };
    let marked = sqlx::query(
        "UPDATE payments SET status = $2, reason = $3, result_at = $4
         WHERE id = $1 AND status = 'pending'",
    )
    .bind(&row.payment_id)
    .bind(status)
    .bind(reason)
    .bind(instant(acting.at))
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if marked != 1 {
        return Ok(false);
    }
    let claims = payment_claims(tx, settlement_id, &row.payment_id).await?;
    let next = ClaimStatus::Settled
        .after(action)
        .map_err(StoreError::corrupt)?;
    for (claim, current, person, employer) in &claims {
        current.after(action).map_err(StoreError::corrupt)?;
        mark_claim(tx, claim, next, acting).await?;
        let detail = json!({"payment_id": row.payment_id, "reason": reason});
        append_step_in(tx, claim, next.as_str(), acting.at, &acting.name, &detail).await?;
        notify_in(
            tx,
            &result_notes(claim, person, employer, reason),
            acting.at,
        )
        .await?;
    }
    Ok(true)
}

type ClaimOfPayment = (String, ClaimStatus, String, String);

async fn payment_claims(
    tx: &mut Transaction<'static, Any>,
    settlement_id: &str,
    payment_id: &str,
) -> Result<Vec<ClaimOfPayment>, SettlementError> {
    let rows = sqlx::query(
        "SELECT id, status, person_id, employer_uscc FROM ma_claims
         WHERE payment_id = $1 AND settlement_id = $2 ORDER BY id",
    )
    .bind(payment_id)
    .bind(settlement_id)
    .fetch_all(&mut **tx)
    .await?;
    let mut claims = Vec::with_capacity(rows.len());
    for row in &rows {
        let text: String = row.try_get("status")?;
        let status = ClaimStatus::parse(&text)
            .ok_or_else(|| StoreError::corrupt(format!("claim status {text:?}")))?;
        claims.push((
            row.try_get("id")?,
            status,
            row.try_get("person_id")?,
            row.try_get("employer_uscc")?,
        ));
    }
    Ok(claims)
}

async fn mark_claim(
    tx: &mut Transaction<'static, Any>,
    claim: &str,
    next: ClaimStatus,
    acting: &Acting,
) -> Result<(), SettlementError> {
    let paid_on = (next == ClaimStatus::Paid).then(|| date(date_in_china(acting.at)));
    let done = sqlx::query(
        "UPDATE ma_claims SET status = $2, paid_on = $3, updated_at = $4, version = version + 1
         WHERE id = $1 AND status = 'settled'",
    )
    .bind(claim)
    .bind(next.as_str())
    .bind(paid_on)
    .bind(instant(acting.at))
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if done != 1 {
        return Err(StoreError::Conflict {
            what: "claim",
            id: claim.to_owned(),
        }
        .into());
    }
    Ok(())
}

fn result_notes(
    claim: &str,
    person: &str,
    employer: &str,
    reason: Option<&str>,
) -> Vec<NewNotification> {
    let (to_person, to_employer) = match reason {
        None => (
            format!("您的生育津贴（申领{claim}）已支付到账"),
            format!(
                "职工{}的生育津贴（申领{claim}）已支付到账",
                mask_id_text(person)
            ),
        ),
        Some(reason) => (
            format!(
                "您的生育津贴（申领{claim}）支付失败：{reason}。请联系单位或经办机构更正收款账户"
            ),
            format!(
                "职工{}的生育津贴（申领{claim}）支付失败：{reason}。请更正收款账户，更正后将纳入下一批结算",
                mask_id_text(person)
            ),
        ),
    };
    let note = |recipient, body| NewNotification {
        recipient,
        channel: "in_site",
        subject_type: "ma_claim",
        subject_id: claim.to_owned(),
        body,
    };
    vec![
        note(Recipient::Employer(employer.to_owned()), to_employer),
        note(Recipient::Person(person.to_owned()), to_person),
    ]
}

async fn audit_import(
    tx: &mut Transaction<'static, Any>,
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

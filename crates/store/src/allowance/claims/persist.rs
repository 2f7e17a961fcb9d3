//! Writing a claim inside a transaction: the row with its version check, and the audit
//! entry.

use chrono::{DateTime, Utc};
use onething_domain::allowance::WageBasis;
use serde_json::Value;
use sqlx::{Any, Transaction};

use super::Claim;
use super::write::Acting;
use crate::StoreError;
use crate::parameter_snapshots::{Snapshot, keep_in};
use crate::rows::Cell;
use crate::text::{date, instant, json as to_json};

/// Writes every mutable column and the claim's findings, refusing if another request
/// changed the row meanwhile.
pub(super) async fn save_in(
    tx: &mut Transaction<'static, Any>,
    c: &Claim,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let account = c.bank_account.as_ref();
    let params = kept_params_in(tx, c, at).await?;
    let done = sqlx::query(
        "UPDATE ma_claims SET status = $1, certificate_no = $2, region = $3, wage_basis = $4,
             params_digest = $5, params_used = NULL, amount_fen = $6, payee = $7,
             needs_review = $8, account_name = $9, bank = $10, account_number = $11,
             reject_code = $12, reject_note = $13, submitted_at = $14, reviewed_at = $15,
             reviewed_by = $16, approved_on = $17, payment_due = $18, updated_at = $19,
             payment_due_provisional = $22, version = version + 1
         WHERE id = $20 AND version = $21",
    )
    .bind(c.status.as_str())
    .bind(c.certificate_no.as_deref())
    .bind(c.region.as_deref())
    .bind(c.wage_basis.map(WageBasis::as_str))
    .bind(params.map(|p| p.digest))
    .bind(c.amount_fen)
    .bind(c.payee.as_deref())
    .bind(i64::from(c.needs_review))
    .bind(account.map(|a| a.name.clone()))
    .bind(account.map(|a| a.bank.clone()))
    .bind(account.map(|a| a.number.clone()))
    .bind(c.reject_code.as_deref())
    .bind(c.reject_note.as_deref())
    .bind(c.submitted_at.map(instant))
    .bind(c.reviewed_at.map(instant))
    .bind(c.reviewed_by.as_deref())
    .bind(c.approved_on.map(date))
    .bind(c.payment_due.map(date))
    .bind(instant(at))
    .bind(&c.id)
    .bind(c.version)
    .bind(i64::from(c.payment_due_provisional))
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(StoreError::Conflict {
            what: "claim",
            id: c.id.clone(),
        });
    }
    save_findings_in(tx, c).await
}

/// Writes `c`'s findings over the ones stored (or as its first, for a claim that had none).
async fn save_findings_in(tx: &mut Transaction<'static, Any>, c: &Claim) -> Result<(), StoreError> {
    let [facts, missing, decision, derivation] = findings_texts(c)?;
    sqlx::query(
        "INSERT INTO ma_claim_findings (claim_id, facts, missing, decision, derivation)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (claim_id) DO UPDATE SET facts = excluded.facts,
             missing = excluded.missing, decision = excluded.decision,
             derivation = excluded.derivation",
    )
    .bind(&c.id)
    .bind(facts)
    .bind(missing)
    .bind(decision)
    .bind(derivation)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The audit entry of a claim change.
pub(super) fn audit_entry(
    claim_id: &str,
    case_id: &str,
    by: &Acting<'_>,
    action: &str,
    detail: &Value,
) -> crate::audit::NewAuditEntry {
    crate::audit::NewAuditEntry {
        at: by.at,
        actor: by.actor.to_owned(),
        role: Some(by.role),
        action: action.to_owned(),
        subject_type: "ma_claim".to_owned(),
        subject_id: claim_id.to_owned(),
        case_id: Some(case_id.to_owned()),
        detail: detail.clone(),
    }
}

/// The columns of `ma_claims` a claim's row fills, in the order of [`claim_cells`].
pub(super) const CLAIM_ROW_COLUMNS: [&str; 31] = [
    "id",
    "case_id",
    "employer_uscc",
    "person_id",
    "channel",
    "status",
    "duplicate_key",
    "certificate_no",
    "event_date",
    "region",
    "wage_basis",
    "params_digest",
    "amount_fen",
    "payee",
    "needs_review",
    "authorization_ref",
    "account_name",
    "bank",
    "account_number",
    "reject_code",
    "reject_note",
    "created_by",
    "created_at",
    "submitted_at",
    "reviewed_at",
    "reviewed_by",
    "approved_on",
    "payment_due",
    "payment_due_provisional",
    "updated_at",
    "version",
];

/// The columns of `ma_claim_findings`, in the order of [`findings_cells`].
pub(super) const FINDINGS_COLUMNS: [&str; 5] =
    ["claim_id", "facts", "missing", "decision", "derivation"];

/// A claim's findings as one row of `ma_claim_findings` (migration 0031): the facts, what
/// is missing, the decision and the derivation, kept apart from the claim row so that
/// everything that reads or moves a claim without them touches ~0.5 KB instead of ~4.5.
pub(super) fn findings_cells(c: &Claim) -> Result<Vec<Cell>, StoreError> {
    let mut cells = vec![c.id.as_str().into()];
    cells.extend(findings_texts(c)?.map(Cell::Text));
    Ok(cells)
}

/// The findings' four columns as stored text.
fn findings_texts(c: &Claim) -> Result<[Option<String>; 4], StoreError> {
    Ok([
        Some(to_json(&c.facts)?),
        Some(to_json(&c.missing)?),
        c.decision.as_ref().map(to_json).transpose()?,
        c.derivation.as_ref().map(to_json).transpose()?,
    ])
}

/// The snapshot of the parameters `c`'s decision used, if it has one: what its row names
/// and what must be stored (`parameter_snapshots::keep_in`) before the row is written.
pub(super) fn params_snapshot(c: &Claim) -> Result<Option<Snapshot>, StoreError> {
    c.params_used.as_ref().map(Snapshot::of).transpose()
}

/// [`params_snapshot`] of `c`, stored in the caller's transaction if it was not yet: one
/// claim's write (a set stores each distinct snapshot once itself).
pub(super) async fn kept_params_in(
    tx: &mut Transaction<'static, Any>,
    c: &Claim,
    at: DateTime<Utc>,
) -> Result<Option<Snapshot>, StoreError> {
    let params = params_snapshot(c)?;
    if let Some(snapshot) = &params {
        keep_in(tx, snapshot, at).await?;
    }
    Ok(params)
}

/// A claim as one row, every column as the insert and the updates since would have left
/// it (a set's claims are inserted already decided), naming `params`, the snapshot of its
/// parameters ([`params_snapshot`]), which the caller stores.
pub(super) fn claim_cells(c: &Claim, params: Option<&Snapshot>) -> Result<Vec<Cell>, StoreError> {
    let account = c.bank_account.as_ref();
    Ok(vec![
        c.id.as_str().into(),
        c.case_id.as_str().into(),
        c.employer_uscc.as_str().into(),
        c.person_id.as_str().into(),
        c.channel.as_str().into(),
        c.status.as_str().into(),
        c.duplicate_key.as_str().into(),
        c.certificate_no.clone().into(),
        c.event_date.map(date).into(),
        c.region.clone().into(),
        c.wage_basis.map(WageBasis::as_str).into(),
        params.map(|p| p.digest.clone()).into(),
        c.amount_fen.into(),
        c.payee.clone().into(),
        c.needs_review.into(),
        c.authorisation.as_ref().map(to_json).transpose()?.into(),
        account.map(|a| a.name.clone()).into(),
        account.map(|a| a.bank.clone()).into(),
        account.map(|a| a.number.clone()).into(),
        c.reject_code.clone().into(),
        c.reject_note.clone().into(),
        c.created_by.as_str().into(),
        instant(c.created_at).into(),
        c.submitted_at.map(instant).into(),
        c.reviewed_at.map(instant).into(),
        c.reviewed_by.clone().into(),
        c.approved_on.map(date).into(),
        c.payment_due.map(date).into(),
        c.payment_due_provisional.into(),
        instant(c.updated_at).into(),
        c.version.into(),
    ])
}

//! The health department's family-planning review of hospital-channel claims (卫健局
//! 审核计划生育情况, seed 002 四).

use chrono::{DateTime, Utc};
use onething_domain::access::Role;
use serde::Serialize;
use sqlx::Row;

use onething_domain::Calendar;

use crate::audit::{NewAuditEntry, append_audit_in};
use crate::cases::{Actor, CaseWrite, advance_in};
use crate::text::{instant, parse_instant};
use crate::{Store, StoreError};

/// A claim's review as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FamilyPlanningReview {
    pub claim_id: String,
    /// `pending`, `confirmed` or `denied`.
    pub status: String,
    pub note: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

fn review_of(r: &sqlx::any::AnyRow) -> Result<FamilyPlanningReview, StoreError> {
    let decided_at: Option<String> = r.try_get("decided_at")?;
    Ok(FamilyPlanningReview {
        claim_id: r.try_get("claim_id")?,
        status: r.try_get("status")?,
        note: r.try_get("note")?,
        decided_by: r.try_get("decided_by")?,
        decided_at: decided_at.as_deref().map(parse_instant).transpose()?,
        created_at: parse_instant(&r.try_get::<String, _>("created_at")?)?,
    })
}

/// The moves of a claim's family-planning item that record the decision in its case
/// (claims opened before the review was a case item have none).
pub struct ReviewItemMoves<'a> {
    pub case_id: &'a str,
    pub writes: Vec<CaseWrite>,
    pub actor: Actor,
    pub calendar: &'a Calendar,
}

const COLUMNS: &str = "claim_id, status, note, decided_by, decided_at, created_at";

impl Store {
    /// The claim's review, if its region's parameters asked for one.
    pub async fn family_planning_review(
        &self,
        claim_id: &str,
    ) -> Result<Option<FamilyPlanningReview>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM ma_family_planning_reviews WHERE claim_id = $1"
        )))
        .bind(claim_id)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(review_of).transpose()
    }

    /// Reviews waiting for the health department, oldest first; a claim the bureau
    /// rejected meanwhile waits for nothing any more (its item was denied with it).
    pub async fn pending_family_planning_reviews(
        &self,
        limit: u32,
    ) -> Result<Vec<FamilyPlanningReview>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM ma_family_planning_reviews WHERE status = 'pending'
               AND claim_id NOT IN (SELECT id FROM ma_claims WHERE status = 'rejected')
             ORDER BY created_at, claim_id LIMIT $1"
        )))
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(review_of).collect()
    }

    /// Records the health department's decision on a pending review (audited), with the
    /// moves of its case item in the same transaction; `None` when the review was not
    /// pending (decided already, or no such review).
    pub async fn decide_family_planning_review(
        &self,
        claim_id: &str,
        confirmed: bool,
        note: Option<&str>,
        case: Option<ReviewItemMoves<'_>>,
        by: (&str, Role),
        at: DateTime<Utc>,
    ) -> Result<Option<FamilyPlanningReview>, StoreError> {
        let status = if confirmed { "confirmed" } else { "denied" };
        let mut tx = self.begin_write().await?;
        let updated = sqlx::query(
            "UPDATE ma_family_planning_reviews SET status = $1, note = $2, decided_by = $3,
                 decided_at = $4 WHERE claim_id = $5 AND status = 'pending'",
        )
        .bind(status)
        .bind(note)
        .bind(by.0)
        .bind(instant(at))
        .bind(claim_id)
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() != 1 {
            return Ok(None);
        }
        let case_id = case.as_ref().map(|c| c.case_id.to_owned());
        if let Some(c) = &case {
            advance_in(&mut tx, c.case_id, &c.writes, &c.actor, c.calendar).await?;
        }
        let entry = NewAuditEntry {
            at,
            actor: by.0.to_owned(),
            role: Some(by.1),
            action: format!("family_planning_{status}"),
            subject_type: "claim".into(),
            subject_id: claim_id.to_owned(),
            case_id,
            detail: serde_json::json!({"note": note}),
        };
        append_audit_in(&mut tx, &entry).await?;
        tx.commit().await?;
        self.family_planning_review(claim_id).await
    }
}

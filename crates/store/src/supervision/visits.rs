//! Window visits (跑动次数): one row per visit, written by the use case that served the
//! applicant at the window (or a clerk recording a pickup); a retried request with the same
//! key writes nothing twice.

use chrono::{DateTime, Utc};
use sqlx::Row;

use crate::audit::{NewAuditEntry, append_audit_in};
use crate::text::{instant, parse_instant};
use crate::{Store, StoreError};

#[derive(Debug, Clone)]
pub struct NewVisit {
    pub id: String,
    pub case_id: String,
    /// `submission`, `supplement`, `pickup` or `consultation`.
    pub kind: String,
    pub at: DateTime<Utc>,
    pub region: Option<String>,
    pub recorded_by: String,
    /// Served first (elderly, disabled: SV-4).
    pub priority: bool,
    pub note: Option<String>,
    pub idempotency_key: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visit {
    pub id: String,
    pub case_id: String,
    pub kind: String,
    pub at: DateTime<Utc>,
    pub region: Option<String>,
    pub recorded_by: String,
    pub priority: bool,
    pub note: Option<String>,
}

impl Store {
    /// Records a visit with its audit entry; the earlier visit when the key was used.
    pub async fn record_visit(
        &self,
        visit: &NewVisit,
        audit: &NewAuditEntry,
    ) -> Result<Visit, StoreError> {
        let mut tx = self.begin_write().await?;
        let inserted = insert_visit_in(&mut tx, visit).await?;
        if inserted {
            append_audit_in(&mut tx, audit).await?;
        }
        tx.commit().await?;
        let row = sqlx::query(
            "SELECT id, case_id, kind, visited_at, region, recorded_by, priority, note
             FROM case_visits WHERE idempotency_key = $1",
        )
        .bind(&visit.idempotency_key)
        .fetch_one(self.pool())
        .await?;
        read(&row)
    }

    /// A case's visits in time order.
    pub async fn visits_of_case(&self, case_id: &str) -> Result<Vec<Visit>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, case_id, kind, visited_at, region, recorded_by, priority, note
             FROM case_visits WHERE case_id = $1 ORDER BY visited_at, id",
        )
        .bind(case_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(read).collect()
    }
}

/// Inserts a visit in the caller's transaction; false when its key was used already (the
/// earlier visit stands). Also used by the window queue when a ticket is served.
pub(crate) async fn insert_visit_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    visit: &NewVisit,
) -> Result<bool, StoreError> {
    let inserted = sqlx::query(
        "INSERT INTO case_visits (id, case_id, kind, visited_at, region, recorded_by, priority,
             note, idempotency_key)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (idempotency_key) DO NOTHING",
    )
    .bind(&visit.id)
    .bind(&visit.case_id)
    .bind(&visit.kind)
    .bind(instant(visit.at))
    .bind(visit.region.as_deref())
    .bind(&visit.recorded_by)
    .bind(i64::from(visit.priority))
    .bind(visit.note.as_deref())
    .bind(&visit.idempotency_key)
    .execute(&mut **tx)
    .await?;
    Ok(inserted.rows_affected() == 1)
}

fn read(row: &sqlx::any::AnyRow) -> Result<Visit, StoreError> {
    Ok(Visit {
        id: row.try_get("id")?,
        case_id: row.try_get("case_id")?,
        kind: row.try_get("kind")?,
        at: parse_instant(&row.try_get::<String, _>("visited_at")?)?,
        region: row.try_get("region")?,
        recorded_by: row.try_get("recorded_by")?,
        priority: row.try_get::<i64, _>("priority")? != 0,
        note: row.try_get("note")?,
    })
}

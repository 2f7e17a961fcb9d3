//! Rectification tasks (差评整改): opened with a bad rating, moved by their owner's
//! investigation and rectification and the supervisor's revisit. Each move is one
//! version-checked update with its audit entry.

use chrono::{DateTime, NaiveDate, Utc};
use onething_domain::department::DepartmentKind;
use onething_domain::supervision::{RectificationStatus, RevisitOutcome};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use super::like;
use crate::audit::{NewAuditEntry, append_audit_in};
use crate::text::{date, instant, json, parse_date, parse_instant, parse_json};
use crate::{Store, StoreError};

/// A task a bad rating opens.
#[derive(Debug, Clone)]
pub struct NewRectification {
    pub id: String,
    pub case_id: String,
    /// `None`: the case's own rating.
    pub item: Option<String>,
    pub score: i64,
    pub reasons: Vec<String>,
    pub comment: Option<String>,
    pub owner_department: DepartmentKind,
    pub owner_region: Option<String>,
    pub opened_at: DateTime<Utc>,
    pub due_on: NaiveDate,
    pub due_on_provisional: bool,
    pub due_source: String,
}

/// A task as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Rectification {
    pub id: String,
    pub case_id: String,
    pub item: Option<String>,
    pub score: i64,
    pub reasons: Vec<String>,
    pub comment: Option<String>,
    pub owner_department: DepartmentKind,
    pub owner_region: Option<String>,
    pub status: RectificationStatus,
    pub opened_at: DateTime<Utc>,
    pub due_on: NaiveDate,
    pub due_on_provisional: bool,
    pub due_source: String,
    pub investigation: Option<(String, String, DateTime<Utc>)>,
    pub rectification: Option<(String, String, DateTime<Utc>)>,
    pub revisit: Option<(RevisitOutcome, String, String, DateTime<Utc>)>,
    pub version: i64,
}

/// Which tasks to list.
#[derive(Debug, Clone, Default)]
pub struct RectificationFilter {
    /// Owner regions starting with this (a supervisor's jurisdiction).
    pub region_prefix: Option<String>,
    pub department: Option<DepartmentKind>,
    pub status: Option<RectificationStatus>,
}

/// A decided move, with the text it records and the status it leads to.
#[derive(Debug, Clone)]
pub enum RectificationStep {
    Investigate {
        note: String,
    },
    Rectify {
        note: String,
    },
    Revisit {
        outcome: RevisitOutcome,
        note: String,
    },
}

pub(super) async fn insert_in(
    tx: &mut Transaction<'static, Any>,
    t: &NewRectification,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO rectifications (id, case_id, item, score, reasons, comment, owner_department,
             owner_region, status, opened_at, due_on, due_on_provisional, due_source, version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'open', $9, $10, $11, $12, 1)",
    )
    .bind(&t.id)
    .bind(&t.case_id)
    .bind(t.item.clone().unwrap_or_default())
    .bind(t.score)
    .bind(json(&t.reasons)?)
    .bind(t.comment.as_deref())
    .bind(t.owner_department.as_str())
    .bind(t.owner_region.as_deref())
    .bind(instant(t.opened_at))
    .bind(date(t.due_on))
    .bind(i64::from(t.due_on_provisional))
    .bind(&t.due_source)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

const COLUMNS: &str = "id, case_id, item, score, reasons, comment, owner_department, owner_region,
    status, opened_at, due_on, due_on_provisional, due_source, investigation, investigated_by,
    investigated_at, rectification, rectified_by, rectified_at, revisit_outcome, revisit_note,
    revisited_by, revisited_at, version";

impl Store {
    /// Tasks, overdue and soonest due first within each status (open first).
    pub async fn rectifications(
        &self,
        filter: &RectificationFilter,
    ) -> Result<Vec<Rectification>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM rectifications
             WHERE ($1 IS NULL OR owner_region LIKE $1) AND ($2 IS NULL OR owner_department = $2)
               AND ($3 IS NULL OR status = $3)
             ORDER BY CASE status WHEN 'open' THEN 0 WHEN 'rectified' THEN 1 ELSE 2 END, due_on, id"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(like(filter.region_prefix.as_deref()))
            .bind(filter.department.map(DepartmentKind::as_str))
            .bind(filter.status.map(RectificationStatus::as_str))
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(read).collect()
    }

    pub async fn rectification(&self, id: &str) -> Result<Rectification, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM rectifications WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| StoreError::NotFound {
                what: "rectification",
                id: id.to_owned(),
            })?;
        read(&row)
    }

    /// Records a decided move on the task read at `version`; `Conflict` if someone moved
    /// it since.
    pub async fn move_rectification(
        &self,
        task: &Rectification,
        step: &RectificationStep,
        next: RectificationStatus,
        by: &str,
        at: DateTime<Utc>,
        audit: &NewAuditEntry,
    ) -> Result<Rectification, StoreError> {
        let (sql, outcome, note) = match step {
            RectificationStep::Investigate { note } => (
                "investigation = $4, investigated_by = $5, investigated_at = $6",
                None,
                note,
            ),
            RectificationStep::Rectify { note } => (
                "rectification = $4, rectified_by = $5, rectified_at = $6",
                None,
                note,
            ),
            RectificationStep::Revisit { outcome, note } => (
                "revisit_note = $4, revisited_by = $5, revisited_at = $6, revisit_outcome = $7",
                Some(outcome.as_str()),
                note,
            ),
        };
        let update = format!(
            "UPDATE rectifications SET status = $3, version = version + 1, {sql}
             WHERE id = $1 AND version = $2"
        );
        let mut tx = self.begin_write().await?;
        let mut query = sqlx::query(sqlx::AssertSqlSafe(update))
            .bind(&task.id)
            .bind(task.version)
            .bind(next.as_str())
            .bind(note)
            .bind(by)
            .bind(instant(at));
        if let Some(outcome) = outcome {
            query = query.bind(outcome);
        }
        let changed = query.execute(&mut *tx).await?.rows_affected();
        StoreError::unless_one_row(changed, "rectification", &task.id)?;
        append_audit_in(&mut tx, audit).await?;
        tx.commit().await?;
        self.rectification(&task.id).await
    }
}

fn recorded(
    row: &AnyRow,
    text: &str,
    by: &str,
    at: &str,
) -> Result<Option<(String, String, DateTime<Utc>)>, StoreError> {
    let Some(note) = row.try_get::<Option<String>, _>(text)? else {
        return Ok(None);
    };
    let by: String = row.try_get::<Option<String>, _>(by)?.unwrap_or_default();
    let at = parse_instant(&row.try_get::<Option<String>, _>(at)?.unwrap_or_default())?;
    Ok(Some((note, by, at)))
}

fn read(row: &AnyRow) -> Result<Rectification, StoreError> {
    let item: String = row.try_get("item")?;
    let status: String = row.try_get("status")?;
    let department: String = row.try_get("owner_department")?;
    let revisit = match row.try_get::<Option<String>, _>("revisit_outcome")? {
        None => None,
        Some(o) => {
            let outcome = RevisitOutcome::parse(&o).ok_or_else(|| StoreError::corrupt(&o))?;
            recorded(row, "revisit_note", "revisited_by", "revisited_at")?
                .map(|(note, by, at)| (outcome, note, by, at))
        }
    };
    Ok(Rectification {
        id: row.try_get("id")?,
        case_id: row.try_get("case_id")?,
        item: (!item.is_empty()).then_some(item),
        score: row.try_get("score")?,
        reasons: parse_json(&row.try_get::<String, _>("reasons")?)?,
        comment: row.try_get("comment")?,
        owner_department: DepartmentKind::parse(&department)
            .ok_or_else(|| StoreError::corrupt(&department))?,
        owner_region: row.try_get("owner_region")?,
        status: RectificationStatus::parse(&status).ok_or_else(|| StoreError::corrupt(&status))?,
        opened_at: parse_instant(&row.try_get::<String, _>("opened_at")?)?,
        due_on: parse_date(&row.try_get::<String, _>("due_on")?)?,
        due_on_provisional: row.try_get::<i64, _>("due_on_provisional")? != 0,
        due_source: row.try_get("due_source")?,
        investigation: recorded(row, "investigation", "investigated_by", "investigated_at")?,
        rectification: recorded(row, "rectification", "rectified_by", "rectified_at")?,
        revisit,
        version: row.try_get("version")?,
    })
}

//! 信用记录 (SV-5): the register of people and institutions found to have obtained benefits
//! by deceit. Entries and removals are written with their audit entry; a removed entry stays,
//! marked, so the register's history is kept.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::like;
use crate::audit::{NewAuditEntry, append_audit_in};
use crate::text::{date, instant, opt_date, parse_date, parse_instant, parse_opt_date};
use crate::{Store, StoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditRecord {
    pub id: String,
    /// `person` or `institution`.
    pub subject_kind: String,
    pub subject_id: String,
    pub subject_name: Option<String>,
    pub decision: String,
    pub basis: String,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    pub region: Option<String>,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
    /// `(by, at, reason)` once removed.
    pub removed: Option<(String, DateTime<Utc>, String)>,
}

const COLUMNS: &str = "id, subject_kind, subject_id, subject_name, decision, basis, valid_from,
    valid_to, region, recorded_by, recorded_at, removed_by, removed_at, removal_reason";

impl Store {
    pub async fn add_credit_record(
        &self,
        r: &CreditRecord,
        audit: &NewAuditEntry,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO credit_records (id, subject_kind, subject_id, subject_name, decision, basis,
                 valid_from, valid_to, region, recorded_by, recorded_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(&r.id)
        .bind(&r.subject_kind)
        .bind(&r.subject_id)
        .bind(r.subject_name.as_deref())
        .bind(&r.decision)
        .bind(&r.basis)
        .bind(date(r.valid_from))
        .bind(opt_date(r.valid_to))
        .bind(r.region.as_deref())
        .bind(&r.recorded_by)
        .bind(instant(r.recorded_at))
        .execute(&mut *tx)
        .await?;
        append_audit_in(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Marks an entry removed; `Conflict` when it was removed already.
    pub async fn remove_credit_record(
        &self,
        id: &str,
        by: &str,
        at: DateTime<Utc>,
        reason: &str,
        audit: &NewAuditEntry,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE credit_records SET removed_by = $2, removed_at = $3, removal_reason = $4
             WHERE id = $1 AND removed_at IS NULL",
        )
        .bind(id)
        .bind(by)
        .bind(instant(at))
        .bind(reason)
        .execute(&mut *tx)
        .await?;
        StoreError::unless_one_row(done.rows_affected(), "credit record", id)?;
        append_audit_in(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn credit_record(&self, id: &str) -> Result<CreditRecord, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM credit_records WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| StoreError::NotFound {
                what: "credit record",
                id: id.to_owned(),
            })?;
        read(&row)
    }

    /// The register in a region (`LIKE` prefix) or everywhere, newest first.
    pub async fn credit_records(
        &self,
        region_prefix: Option<&str>,
    ) -> Result<Vec<CreditRecord>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM credit_records WHERE ($1 IS NULL OR region LIKE $1)
             ORDER BY recorded_at DESC, id"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(like(region_prefix))
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(read).collect()
    }

    /// Entries about any of `subjects` not removed and in force on `on`, in one query (a
    /// claim look-up asks for its claimant and her employer): grouped by subject in the
    /// order given, then by `valid_from` and id.
    pub async fn credit_records_in_force(
        &self,
        subjects: &[String],
        on: NaiveDate,
    ) -> Result<Vec<CreditRecord>, StoreError> {
        if subjects.is_empty() {
            return Ok(Vec::new());
        }
        let list = serde_json::to_string(subjects).map_err(StoreError::corrupt)?;
        let members = self.backend().json_text_array("$2");
        let sql = format!("{} AND subject_id IN ({members})", in_force_select("$1"));
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(date(on))
            .bind(list)
            .fetch_all(self.pool())
            .await?;
        let records = rows.iter().map(read).collect::<Result<Vec<_>, _>>()?;
        Ok(ranked(records, subjects))
    }
}

/// The records not removed and in force on the date bound at `on` (a parameter such as
/// `$1`), every column: the one condition both reads of flags use.
fn in_force_select(on: &str) -> String {
    format!(
        "SELECT {COLUMNS} FROM credit_records
         WHERE removed_at IS NULL AND valid_from <= {on} AND (valid_to IS NULL OR valid_to >= {on})"
    )
}

/// A sub-select giving, as one JSON array text (NULL for none), the records of `subjects`
/// (SQL expressions, such as a claim's `c.person_id, c.employer_uscc`) in force on `on`:
/// for a read that brings the flags along in its own statement ([`records_of_json`]).
pub(crate) fn in_force_json(backend: crate::Backend, subjects: &str, on: &str) -> String {
    let select = format!("{} AND subject_id IN ({subjects})", in_force_select(on));
    crate::rows::json_agg(backend, &select, &FIELDS)
}

/// The records [`in_force_json`] gave, in the order of [`Store::credit_records_in_force`].
pub(crate) fn records_of_json(
    text: Option<&str>,
    subjects: &[String],
) -> Result<Vec<CreditRecord>, StoreError> {
    let cells: Vec<Cell> = match text {
        Some(text) => crate::text::parse_json(text)?,
        None => Vec::new(),
    };
    let records = cells
        .into_iter()
        .map(Cell::record)
        .collect::<Result<_, _>>()?;
    Ok(ranked(records, subjects))
}

/// Grouped by subject in the order given, then by `valid_from` and id.
fn ranked(mut records: Vec<CreditRecord>, subjects: &[String]) -> Vec<CreditRecord> {
    let rank = |r: &CreditRecord| subjects.iter().position(|s| *s == r.subject_id);
    records.sort_by(|a, b| (rank(a), a.valid_from, &a.id).cmp(&(rank(b), b.valid_from, &b.id)));
    records
}

/// The columns of [`COLUMNS`], in order, as [`in_force_json`] names them.
const FIELDS: [&str; 14] = [
    "id",
    "subject_kind",
    "subject_id",
    "subject_name",
    "decision",
    "basis",
    "valid_from",
    "valid_to",
    "region",
    "recorded_by",
    "recorded_at",
    "removed_by",
    "removed_at",
    "removal_reason",
];

/// A record's columns as stored (text), read from a row or from JSON.
#[derive(serde::Deserialize)]
struct Cell {
    id: String,
    subject_kind: String,
    subject_id: String,
    subject_name: Option<String>,
    decision: String,
    basis: String,
    valid_from: String,
    valid_to: Option<String>,
    region: Option<String>,
    recorded_by: String,
    recorded_at: String,
    removed_by: Option<String>,
    removed_at: Option<String>,
    removal_reason: Option<String>,
}

impl Cell {
    fn record(self) -> Result<CreditRecord, StoreError> {
        let removed = match self.removed_at {
            None => None,
            Some(at) => Some((
                self.removed_by.unwrap_or_default(),
                parse_instant(&at)?,
                self.removal_reason.unwrap_or_default(),
            )),
        };
        Ok(CreditRecord {
            id: self.id,
            subject_kind: self.subject_kind,
            subject_id: self.subject_id,
            subject_name: self.subject_name,
            decision: self.decision,
            basis: self.basis,
            valid_from: parse_date(&self.valid_from)?,
            valid_to: parse_opt_date(self.valid_to)?,
            region: self.region,
            recorded_by: self.recorded_by,
            recorded_at: parse_instant(&self.recorded_at)?,
            removed,
        })
    }
}

fn read(r: &AnyRow) -> Result<CreditRecord, StoreError> {
    Cell {
        id: r.try_get("id")?,
        subject_kind: r.try_get("subject_kind")?,
        subject_id: r.try_get("subject_id")?,
        subject_name: r.try_get("subject_name")?,
        decision: r.try_get("decision")?,
        basis: r.try_get("basis")?,
        valid_from: r.try_get("valid_from")?,
        valid_to: r.try_get("valid_to")?,
        region: r.try_get("region")?,
        recorded_by: r.try_get("recorded_by")?,
        recorded_at: r.try_get("recorded_at")?,
        removed_by: r.try_get("removed_by")?,
        removed_at: r.try_get("removed_at")?,
        removal_reason: r.try_get("removal_reason")?,
    }
    .record()
}

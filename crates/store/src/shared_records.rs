//! Records departments share with the platform (EX-1..EX-3), every version kept.
//!
//! [`Store::ingest`] stores one request's valid records in one transaction (on SQLite an
//! `IMMEDIATE` one), together with the push's receipt. It is idempotent: a record whose
//! canonical content hash equals the current version's is a duplicate and writes nothing;
//! a record with a known key and new content is a correction: version n+1 becomes current
//! and version n stays, no longer current. Requests are fast at scale because the work is
//! done in sets: one look-up of the current versions per 512 keys, one `UPDATE` per 512
//! corrected keys, one multi-row `INSERT` per 256 new versions; the last piece of each is
//! split in powers of two, so only a few statement shapes exist and the driver's
//! prepared-statement cache reuses them.
//!
//! The read functions here are plain look-ups for the exchange itself and tests; services
//! that use shared records for a case read through the audited query layer (EX-4).

use chrono::{DateTime, NaiveDate, Utc};
use onething_exchange::{Dataset, ValidRecord};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::text::{parse_instant, parse_json, parse_opt_date};
use crate::{Store, StoreError};

mod owners;
mod write;

/// Keys per current-version look-up and per demoting `UPDATE` (one JSON parameter).
const KEY_CHUNK: usize = 4_096;
/// New versions per `INSERT` (one JSON parameter): bounds a statement's size (a few MB).
const INSERT_CHUNK: usize = 2_048;
/// How often a request is retried when a concurrent push of the same key won the race.
const ATTEMPTS: usize = 3;

/// Who pushed what, and how it was signed: written as the push's receipt.
#[derive(Debug, Clone)]
pub struct Push {
    pub dept_id: String,
    pub dataset: Dataset,
    pub at: DateTime<Utc>,
    /// The key that verified the signature.
    pub key_id: Option<String>,
    /// SHA-256 of the request body and its signature: with the receipt, proof of what the
    /// department sent.
    pub body_sha256: Option<String>,
    pub signature: Option<String>,
    /// Records in the request, and how many were rejected before ingest.
    pub received: usize,
    pub rejected: usize,
}

impl Push {
    /// A push of `records` valid records with nothing rejected and no signature details
    /// (tests, imports, benchmarks).
    pub fn unsigned(dept_id: &str, dataset: Dataset, at: DateTime<Utc>, records: usize) -> Self {
        Self {
            dept_id: dept_id.to_owned(),
            dataset,
            at,
            key_id: None,
            body_sha256: None,
            signature: None,
            received: records,
            rejected: 0,
        }
    }
}

/// What happened to one record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordOutcome {
    /// A key not seen before: version 1.
    Inserted { version: i64 },
    /// A known key with new content: the new version (the old one is kept).
    Corrected { version: i64 },
    /// Identical to the current version, which stays as it is.
    Duplicate { version: i64 },
    /// The key belongs to another department: nothing written (`NOT_RECORD_OWNER`).
    NotOwner,
}

impl RecordOutcome {
    pub fn is_accepted(self) -> bool {
        matches!(self, Self::Inserted { .. } | Self::Corrected { .. })
    }
}

/// The result of one ingest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngestOutcome {
    /// The receipt's id.
    pub push_id: String,
    /// Records stored or corrected.
    pub accepted: usize,
    /// Records identical to what is stored.
    pub duplicates: usize,
    /// (The rest were refused: keys owned by another department, see `outcomes`.)
    /// One outcome per record, in the order given.
    pub outcomes: Vec<RecordOutcome>,
}

/// One stored version of a shared record.
#[derive(Debug, Clone, PartialEq)]
pub struct SharedRecord {
    pub dataset: Dataset,
    pub key: String,
    pub version: i64,
    pub content: serde_json::Value,
    pub content_sha256: String,
    pub subject_id: Option<String>,
    pub other_id: Option<String>,
    pub employer_uscc: Option<String>,
    pub event_date: Option<NaiveDate>,
    pub pushed_by: String,
    pub pushed_at: DateTime<Utc>,
    pub push_id: String,
    pub is_current: bool,
}

/// The receipt of one push.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushReceipt {
    pub id: String,
    pub dept_id: String,
    pub dataset: String,
    pub received_at: DateTime<Utc>,
    pub key_id: Option<String>,
    pub body_sha256: Option<String>,
    pub signature: Option<String>,
    pub received: i64,
    pub accepted: i64,
    pub duplicates: i64,
    pub rejected: i64,
}

pub(crate) const RECORD_COLUMNS: &str = "dataset, record_key, version, content, content_sha256, subject_id, \
     other_id, employer_uscc, event_date, pushed_by, pushed_at, push_id, is_current";

impl Store {
    /// Stores one request's valid records and its receipt in one transaction.
    pub async fn ingest(
        &self,
        push: &Push,
        records: &[ValidRecord],
    ) -> Result<IngestOutcome, StoreError> {
        let mut attempt = 1;
        loop {
            match write::ingest_once(self, push, records).await {
                Err(e) if e.is_unique_violation() && attempt < ATTEMPTS => attempt += 1,
                other => return other,
            }
        }
    }

    /// The current version of a record.
    pub async fn current_shared_record(
        &self,
        dataset: Dataset,
        key: &str,
    ) -> Result<Option<SharedRecord>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {RECORD_COLUMNS} FROM shared_records
             WHERE dataset = $1 AND record_key = $2 AND is_current = 1"
        )))
        .bind(dataset.as_str())
        .bind(key)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(record_of).transpose()
    }

    /// Every version of a record, oldest first.
    pub async fn shared_record_history(
        &self,
        dataset: Dataset,
        key: &str,
    ) -> Result<Vec<SharedRecord>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {RECORD_COLUMNS} FROM shared_records
             WHERE dataset = $1 AND record_key = $2 ORDER BY version"
        )))
        .bind(dataset.as_str())
        .bind(key)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(record_of).collect()
    }

    /// The current records of a dataset about one person (`mother_id`, `person_id`,
    /// `wife_id`…), by event date.
    pub async fn current_shared_records_of_subject(
        &self,
        dataset: Dataset,
        subject_id: &str,
    ) -> Result<Vec<SharedRecord>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {RECORD_COLUMNS} FROM shared_records
             WHERE dataset = $1 AND subject_id = $2 AND is_current = 1
             ORDER BY event_date, record_key"
        )))
        .bind(dataset.as_str())
        .bind(subject_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(record_of).collect()
    }

    /// The current records of a dataset about any of `subjects`, by event date: one query
    /// for a whole set (the ids passed as one JSON array, so the statement binds two
    /// parameters however large the set).
    pub async fn current_of_subjects(
        &self,
        dataset: Dataset,
        subjects: &[&str],
    ) -> Result<Vec<SharedRecord>, StoreError> {
        self.current_in_list(dataset, "subject_id", subjects).await
    }

    /// The current records of a dataset with any of `keys`.
    pub async fn current_of_keys(
        &self,
        dataset: Dataset,
        keys: &[&str],
    ) -> Result<Vec<SharedRecord>, StoreError> {
        self.current_in_list(dataset, "record_key", keys).await
    }

    async fn current_in_list(
        &self,
        dataset: Dataset,
        column: &'static str,
        values: &[&str],
    ) -> Result<Vec<SharedRecord>, StoreError> {
        if values.is_empty() {
            return Ok(Vec::new());
        }
        let list = serde_json::to_string(values).map_err(StoreError::corrupt)?;
        let members = self.backend().json_text_array("$2");
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {RECORD_COLUMNS} FROM shared_records
             WHERE dataset = $1 AND is_current = 1 AND {column} IN ({members})
             ORDER BY event_date, record_key"
        )))
        .bind(dataset.as_str())
        .bind(list)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(record_of).collect()
    }

    /// How many versions are stored for a dataset (all versions, current or not).
    pub async fn shared_record_versions(&self, dataset: Dataset) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM shared_records WHERE dataset = $1")
            .bind(dataset.as_str())
            .fetch_one(self.pool())
            .await?;
        Ok(row.try_get("n")?)
    }

    /// The receipts of a department's pushes, newest first.
    pub async fn push_receipts(&self, dept_id: &str) -> Result<Vec<PushReceipt>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, dept_id, dataset, received_at, key_id, body_sha256, signature,
                    received, accepted, duplicates, rejected
             FROM exchange_pushes WHERE dept_id = $1 ORDER BY received_at DESC, id",
        )
        .bind(dept_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(receipt_of).collect()
    }
}

pub(crate) fn record_of(row: &AnyRow) -> Result<SharedRecord, StoreError> {
    let dataset: String = row.try_get("dataset")?;
    Ok(SharedRecord {
        dataset: Dataset::from_path_segment(&dataset)
            .ok_or_else(|| StoreError::corrupt(format!("dataset {dataset:?}")))?,
        key: row.try_get("record_key")?,
        version: row.try_get("version")?,
        content: parse_json(&row.try_get::<String, _>("content")?)?,
        content_sha256: row.try_get("content_sha256")?,
        subject_id: row.try_get("subject_id")?,
        other_id: row.try_get("other_id")?,
        employer_uscc: row.try_get("employer_uscc")?,
        event_date: parse_opt_date(row.try_get("event_date")?)?,
        pushed_by: row.try_get("pushed_by")?,
        pushed_at: parse_instant(&row.try_get::<String, _>("pushed_at")?)?,
        push_id: row.try_get("push_id")?,
        is_current: row.try_get::<i64, _>("is_current")? == 1,
    })
}

fn receipt_of(row: &AnyRow) -> Result<PushReceipt, StoreError> {
    Ok(PushReceipt {
        id: row.try_get("id")?,
        dept_id: row.try_get("dept_id")?,
        dataset: row.try_get("dataset")?,
        received_at: parse_instant(&row.try_get::<String, _>("received_at")?)?,
        key_id: row.try_get("key_id")?,
        body_sha256: row.try_get("body_sha256")?,
        signature: row.try_get("signature")?,
        received: row.try_get("received")?,
        accepted: row.try_get("accepted")?,
        duplicates: row.try_get("duplicates")?,
        rejected: row.try_get("rejected")?,
    })
}

//! The general audit log: who did what to which subject, when, and why. Sign-ins and
//! sign-outs, every reveal of personal data, account changes, and later decisions and data
//! reads are written here. Append-only: the database refuses UPDATE and DELETE (triggers in
//! migration 0003), like `case_events`; and tamper-evident: every entry is linked into a
//! hash chain (`audit_chain.rs`), so an entry edited, deleted or moved is found.

use chrono::{DateTime, Utc};
use onething_domain::access::Role;
use serde_json::Value;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::audit_chain::{StoredFields, chain_tail, entry_hash};
use crate::rows::{Cell, insert_rows};
use crate::text::{instant, parse_instant, parse_json};
use crate::{Store, StoreError};

/// An entry to append.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAuditEntry {
    pub at: DateTime<Utc>,
    /// The username (or `cli`, `system`) that acted.
    pub actor: String,
    /// The actor's role; `None` for the command line, the system or an unknown username.
    pub role: Option<Role>,
    /// What happened, snake_case (`sign_in`, `reveal_applicant_id`, …).
    pub action: String,
    /// What it happened to: `case`, `user`, `session`, …
    pub subject_type: String,
    pub subject_id: String,
    /// The case concerned, if any: supervisors see the entries of their region's cases.
    pub case_id: Option<String>,
    /// Anything else worth keeping (the reason given for a reveal, the client address).
    pub detail: Value,
}

/// An entry as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    pub id: i64,
    pub entry: NewAuditEntry,
}

/// Which entries to list; `None` matches everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub subject_type: Option<String>,
    pub subject_id: Option<String>,
    pub actor: Option<String>,
    pub action: Option<String>,
    pub case_id: Option<String>,
    /// Only entries with an id below this (paging backwards).
    pub before_id: Option<i64>,
    pub limit: u32,
}

impl Store {
    /// Appends one entry and returns its id.
    pub async fn append_audit(&self, entry: &NewAuditEntry) -> Result<i64, StoreError> {
        let mut tx = self.begin_write().await?;
        let id = append_audit_in(&mut tx, entry).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Entries matching `filter`, newest first.
    pub async fn list_audit(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, at, actor, role, action, subject_type, subject_id, case_id, detail
             FROM audit_log
             WHERE ($1 IS NULL OR subject_type = $1) AND ($2 IS NULL OR subject_id = $2)
               AND ($3 IS NULL OR actor = $3) AND ($4 IS NULL OR action = $4)
               AND ($5 IS NULL OR case_id = $5) AND ($6 IS NULL OR id < $6)
             ORDER BY id DESC LIMIT $7",
        )
        .bind(filter.subject_type.as_deref())
        .bind(filter.subject_id.as_deref())
        .bind(filter.actor.as_deref())
        .bind(filter.action.as_deref())
        .bind(filter.case_id.as_deref())
        .bind(filter.before_id)
        .bind(i64::from(filter.limit))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(entry_from_row).collect()
    }
}

fn entry_from_row(row: &AnyRow) -> Result<AuditEntry, StoreError> {
    let at: String = row.try_get("at")?;
    let role: Option<String> = row.try_get("role")?;
    let role = role
        .map(|r| Role::parse(&r).ok_or_else(|| StoreError::corrupt(format!("audit role {r:?}"))))
        .transpose()?;
    let detail: String = row.try_get("detail")?;
    Ok(AuditEntry {
        id: row.try_get("id")?,
        entry: NewAuditEntry {
            at: parse_instant(&at)?,
            actor: row.try_get("actor")?,
            role,
            action: row.try_get("action")?,
            subject_type: row.try_get("subject_type")?,
            subject_id: row.try_get("subject_id")?,
            case_id: row.try_get("case_id")?,
            detail: parse_json(&detail)?,
        },
    })
}

/// Appends one entry inside the caller's transaction (`&mut *tx`), so a change and its
/// audit entry commit together. The entry is linked into the hash chain
/// (`audit_chain.rs`): call it inside a write transaction, which keeps the chain's tail
/// locked until commit.
pub async fn append_audit_in(
    conn: &mut sqlx::AnyConnection,
    entry: &NewAuditEntry,
) -> Result<i64, StoreError> {
    let prev_hash = chain_tail(conn).await?;
    let (_, row) = chained_row(prev_hash, entry)?;
    let mut query = sqlx::query_scalar(
        "INSERT INTO audit_log (at, actor, role, action, subject_type, subject_id, case_id, detail,
                                prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    );
    for cell in row {
        query = match cell {
            Cell::Text(v) => query.bind(v),
            Cell::Int(v) => query.bind(v),
        };
    }
    Ok(query.fetch_one(&mut *conn).await?)
}

/// Appends `entry` last in `tx` and commits: a change of record and its audit entry are
/// written together or not at all.
pub(crate) async fn commit_audited(
    mut tx: sqlx::Transaction<'static, sqlx::Any>,
    entry: &NewAuditEntry,
) -> Result<(), StoreError> {
    append_audit_in(&mut tx, entry).await?;
    tx.commit().await?;
    Ok(())
}

/// An entry's row linked after `prev_hash`, and its own hash (the next entry's link).
fn chained_row(
    prev_hash: String,
    entry: &NewAuditEntry,
) -> Result<(String, Vec<Cell>), StoreError> {
    let at = instant(entry.at);
    let detail = serde_json::to_string(&entry.detail).map_err(StoreError::corrupt)?;
    let role = entry.role.map(Role::as_str);
    let hash = entry_hash(
        &prev_hash,
        &StoredFields {
            at: &at,
            actor: &entry.actor,
            role,
            action: &entry.action,
            subject_type: &entry.subject_type,
            subject_id: &entry.subject_id,
            case_id: entry.case_id.as_deref(),
            detail: &detail,
        },
    );
    let row = vec![
        at.into(),
        entry.actor.as_str().into(),
        role.into(),
        entry.action.as_str().into(),
        entry.subject_type.as_str().into(),
        entry.subject_id.as_str().into(),
        entry.case_id.clone().into(),
        detail.into(),
        prev_hash.into(),
        hash.clone().into(),
    ];
    Ok((hash, row))
}

/// The columns of `audit_log` an entry fills.
const AUDIT_COLUMNS: [&str; 10] = [
    "at",
    "actor",
    "role",
    "action",
    "subject_type",
    "subject_id",
    "case_id",
    "detail",
    "prev_hash",
    "hash",
];

/// Appends `entries` in order inside the caller's write transaction: the chain's tail read
/// once, each entry's hash linked to the one before, and the rows written by multi-row
/// `INSERT`s (ids follow the order given; as many rows per statement as the product binds
/// cheaply, `rows.rs`), instead of two statements per entry.
pub async fn append_audits_in(
    conn: &mut sqlx::AnyConnection,
    entries: &[NewAuditEntry],
) -> Result<(), StoreError> {
    if entries.is_empty() {
        return Ok(());
    }
    let backend = crate::Backend::of_connection(conn);
    let mut prev_hash = chain_tail(conn).await?;
    let mut rows = Vec::with_capacity(entries.len());
    for entry in entries {
        let (hash, row) = chained_row(prev_hash, entry)?;
        prev_hash = hash;
        rows.push(row);
    }
    insert_rows(conn, backend, "audit_log", &AUDIT_COLUMNS, &rows).await
}

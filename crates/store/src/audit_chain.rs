//! The audit log's hash chain: each entry stores the hash of the entry before it
//! (`prev_hash`) and its own `hash`, the SHA-256 over that and every field as stored. An
//! entry edited in place no longer matches its hash; a deleted or reordered entry breaks the
//! link of the one after it. [`Store::verify_audit_chain`] walks the log and names every
//! such entry (`onething audit verify`). Appends are serialised so the chain never forks:
//! SQLite has one writer at a time, PostgreSQL takes a transaction-scoped advisory lock.
//!
//! Someone able to rewrite the whole table could recompute every hash after an edit; the
//! chain's head (printed by the verifier) recorded elsewhere, and the database roles that
//! cannot drop the append-only triggers (docs/security.md), close that gap.

use sha2::{Digest, Sha256};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::{Store, StoreError};

/// `prev_hash` of the first chained entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Key of the PostgreSQL advisory lock that serialises appends ("AUDIT" in ASCII).
const CHAIN_LOCK: i64 = 0x0041_5544_4954;

/// An entry's fields exactly as stored (text), which the hash covers.
pub(crate) struct StoredFields<'a> {
    pub at: &'a str,
    pub actor: &'a str,
    pub role: Option<&'a str>,
    pub action: &'a str,
    pub subject_type: &'a str,
    pub subject_id: &'a str,
    pub case_id: Option<&'a str>,
    pub detail: &'a str,
}

/// SHA-256 (hex) over the previous hash and the fields, each length-prefixed so no field
/// can borrow text from its neighbour; an absent field differs from an empty one.
pub(crate) fn entry_hash(prev_hash: &str, fields: &StoredFields<'_>) -> String {
    let mut hasher = Sha256::new();
    let mut put = |value: Option<&str>| match value {
        Some(text) => hasher.update(format!("{}:{text}\n", text.len())),
        None => hasher.update("~\n"),
    };
    put(Some(prev_hash));
    put(Some(fields.at));
    put(Some(fields.actor));
    put(fields.role);
    put(Some(fields.action));
    put(Some(fields.subject_type));
    put(Some(fields.subject_id));
    put(fields.case_id);
    put(Some(fields.detail));
    hex::encode(hasher.finalize())
}

/// Locks the chain for this transaction and answers the hash to link to.
pub(crate) async fn chain_tail(conn: &mut sqlx::AnyConnection) -> Result<String, StoreError> {
    if conn.backend_name().eq_ignore_ascii_case("postgresql") {
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(CHAIN_LOCK)
            .execute(&mut *conn)
            .await?;
    }
    let last: Option<String> = sqlx::query_scalar(
        "SELECT hash FROM audit_log WHERE hash IS NOT NULL ORDER BY id DESC LIMIT 1",
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(last.unwrap_or_else(|| GENESIS.to_owned()))
}

/// What is wrong with one entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainProblem {
    /// Its fields no longer give its hash: edited in place.
    Edited { id: i64 },
    /// It does not link to the entry before it: that one was deleted, or entries moved.
    Broken { id: i64 },
    /// No hash after the chain began: written around the platform.
    Unchained { id: i64 },
}

/// The outcome of a walk over the whole log.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChainReport {
    /// Entries walked.
    pub entries: u64,
    /// Entries written before the chain existed (the migration that added it).
    pub before_chain: u64,
    pub problems: Vec<ChainProblem>,
    /// The last entry's id and hash: record it elsewhere to detect a rewrite of the end.
    pub head: Option<(i64, String)>,
}

const PAGE: i64 = 10_000;

impl Store {
    /// Walks the audit log in id order and checks every link and hash.
    pub async fn verify_audit_chain(&self) -> Result<ChainReport, StoreError> {
        let mut report = ChainReport::default();
        let mut previous: Option<String> = None;
        let mut after = 0i64;
        loop {
            let rows = sqlx::query(
                "SELECT id, at, actor, role, action, subject_type, subject_id, case_id, detail,
                        prev_hash, hash
                 FROM audit_log WHERE id > $1 ORDER BY id LIMIT $2",
            )
            .bind(after)
            .bind(PAGE)
            .fetch_all(self.pool())
            .await?;
            for row in &rows {
                after = row.try_get("id")?;
                check_row(row, &mut previous, &mut report)?;
            }
            if (rows.len() as i64) < PAGE {
                return Ok(report);
            }
        }
    }
}

fn check_row(
    row: &AnyRow,
    previous: &mut Option<String>,
    report: &mut ChainReport,
) -> Result<(), StoreError> {
    let id: i64 = row.try_get("id")?;
    report.entries += 1;
    let hash: Option<String> = row.try_get("hash")?;
    let prev_hash: Option<String> = row.try_get("prev_hash")?;
    let (Some(hash), Some(prev_hash)) = (hash, prev_hash) else {
        if previous.is_some() {
            report.problems.push(ChainProblem::Unchained { id });
        } else {
            report.before_chain += 1;
        }
        return Ok(());
    };
    let expected_prev = previous.as_deref().unwrap_or(GENESIS);
    if prev_hash != expected_prev {
        report.problems.push(ChainProblem::Broken { id });
    }
    let text = |name: &str| -> Result<String, StoreError> { Ok(row.try_get(name)?) };
    let (at, actor, action) = (text("at")?, text("actor")?, text("action")?);
    let (subject_type, subject_id, detail) =
        (text("subject_type")?, text("subject_id")?, text("detail")?);
    let role: Option<String> = row.try_get("role")?;
    let case_id: Option<String> = row.try_get("case_id")?;
    let fields = StoredFields {
        at: &at,
        actor: &actor,
        role: role.as_deref(),
        action: &action,
        subject_type: &subject_type,
        subject_id: &subject_id,
        case_id: case_id.as_deref(),
        detail: &detail,
    };
    if entry_hash(&prev_hash, &fields) != hash {
        report.problems.push(ChainProblem::Edited { id });
    }
    report.head = Some((id, hash.clone()));
    *previous = Some(hash);
    Ok(())
}

//! The write path of [`Store::ingest`]: read the current versions of the request's keys,
//! plan every record's outcome in memory, then write in sets.

use std::collections::HashMap;
use std::fmt::Write as _;

use onething_exchange::{Dataset, ValidRecord};
use sqlx::{AssertSqlSafe, Row};
use uuid::Uuid;

use super::{INSERT_CHUNK, IngestOutcome, KEY_CHUNK, Push, RecordOutcome};
use crate::rows::chunks;
use crate::text::{instant, opt_date};
use crate::{Backend, Store, StoreError};

/// Inserts per request from which PostgreSQL's statistics are checked (see
/// [`refresh_statistics`]).
const STATISTICS_BATCH: usize = 1_000;

type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// The stored current version of a key, as far as this request has got.
struct Current {
    version: i64,
    sha256: String,
    /// The department the key belongs to: only it may correct the record.
    owner: String,
    /// True while the database still holds it as current (it must be demoted once).
    stored: bool,
}

/// One version to insert: which record, its number, whether it ends up current (a key
/// corrected twice in one request inserts two versions, only the last current).
struct NewVersion {
    record: usize,
    version: i64,
    current: bool,
}

struct Plan {
    outcomes: Vec<RecordOutcome>,
    demote: Vec<String>,
    inserts: Vec<NewVersion>,
}

impl Plan {
    fn accepted(&self) -> usize {
        self.outcomes.iter().filter(|o| o.is_accepted()).count()
    }

    fn duplicates(&self) -> usize {
        let duplicate = |o: &&RecordOutcome| matches!(o, RecordOutcome::Duplicate { .. });
        self.outcomes.iter().filter(duplicate).count()
    }
}

pub(super) async fn ingest_once(
    store: &Store,
    push: &Push,
    records: &[ValidRecord],
) -> Result<IngestOutcome, StoreError> {
    if let Some(other) = records.iter().find(|r| r.dataset() != push.dataset) {
        return Err(StoreError::corrupt(format!(
            "a {} record in a push of {}",
            other.dataset(),
            push.dataset
        )));
    }
    let push_id = Uuid::new_v4().simple().to_string();
    let mut tx = store.begin_write().await?;
    let current = current_versions(&mut tx, push.dataset, records).await?;
    let plan = plan(&push.dept_id, records, current);
    insert_receipt(&mut tx, push, &push_id, &plan).await?;
    demote(&mut tx, push.dataset, &plan.demote).await?;
    insert_versions(
        &mut tx,
        store.backend(),
        push,
        &push_id,
        records,
        &plan.inserts,
    )
    .await?;
    tx.commit().await?;
    if store.backend() == Backend::Postgres && plan.inserts.len() >= STATISTICS_BATCH {
        refresh_statistics(store, plan.inserts.len()).await?;
    }
    Ok(IngestOutcome {
        push_id,
        accepted: plan.accepted(),
        duplicates: plan.duplicates(),
        outcomes: plan.outcomes,
    })
}

async fn current_versions(
    tx: &mut Tx,
    dataset: Dataset,
    records: &[ValidRecord],
) -> Result<HashMap<String, Current>, StoreError> {
    let mut keys: Vec<&str> = records.iter().map(ValidRecord::key).collect();
    keys.sort_unstable();
    keys.dedup();
    let mut found = HashMap::with_capacity(keys.len());
    for chunk in chunks(&keys, KEY_CHUNK) {
        let sql = format!(
            "SELECT s.record_key, s.version, s.content_sha256,
                    COALESCE(o.dept_id, s.pushed_by) AS owner
             FROM shared_records s
             LEFT JOIN record_owners o ON o.dataset = s.dataset AND o.record_key = s.record_key
             WHERE s.dataset = $1 AND s.is_current = 1 AND s.record_key IN ({})",
            numbered(2, chunk.len())
        );
        // Not persistent: PostgreSQL would otherwise keep the plan made when the table was
        // small (a sequential scan) for the connection's lifetime, and a look-up of 512 keys
        // in a million rows would take 200 ms instead of 2. Planning it each time is cheap.
        let mut query = sqlx::query(AssertSqlSafe(sql))
            .persistent(false)
            .bind(dataset.as_str());
        for key in chunk {
            query = query.bind(*key);
        }
        for row in query.fetch_all(&mut **tx).await? {
            let current = Current {
                version: row.try_get("version")?,
                sha256: row.try_get("content_sha256")?,
                owner: row.try_get("owner")?,
                stored: true,
            };
            found.insert(row.try_get("record_key")?, current);
        }
    }
    Ok(found)
}

/// Every record's outcome. A key belongs to the department that first pushed it (or to the
/// one an administrator transferred it to): another department's record of it is refused,
/// so one compromised department cannot rewrite the others' records.
fn plan(dept_id: &str, records: &[ValidRecord], mut current: HashMap<String, Current>) -> Plan {
    let mut plan = Plan {
        outcomes: Vec::with_capacity(records.len()),
        demote: Vec::new(),
        inserts: Vec::with_capacity(records.len()),
    };
    // Key → its version inserted by this request, to clear `current` if corrected again.
    let mut pending: HashMap<&str, usize> = HashMap::new();
    for (index, record) in records.iter().enumerate() {
        let outcome = match current.get_mut(record.key()) {
            Some(stored) if stored.owner != dept_id => RecordOutcome::NotOwner,
            Some(stored) if stored.sha256 == record.content_sha256() => RecordOutcome::Duplicate {
                version: stored.version,
            },
            Some(stored) => {
                stored.version += 1;
                stored.sha256 = record.content_sha256().to_owned();
                if std::mem::take(&mut stored.stored) {
                    plan.demote.push(record.key().to_owned());
                }
                RecordOutcome::Corrected {
                    version: stored.version,
                }
            }
            None => {
                let first = Current {
                    version: 1,
                    sha256: record.content_sha256().to_owned(),
                    owner: dept_id.to_owned(),
                    stored: false,
                };
                current.insert(record.key().to_owned(), first);
                RecordOutcome::Inserted { version: 1 }
            }
        };
        if let RecordOutcome::Inserted { version } | RecordOutcome::Corrected { version } = outcome
        {
            if let Some(earlier) = pending.insert(record.key(), plan.inserts.len()) {
                plan.inserts[earlier].current = false;
            }
            plan.inserts.push(NewVersion {
                record: index,
                version,
                current: true,
            });
        }
        plan.outcomes.push(outcome);
    }
    plan
}

async fn insert_receipt(
    tx: &mut Tx,
    push: &Push,
    push_id: &str,
    plan: &Plan,
) -> Result<(), StoreError> {
    let accepted = plan.accepted();
    sqlx::query(
        "INSERT INTO exchange_pushes (id, dept_id, dataset, received_at, key_id, body_sha256,
             signature, received, accepted, duplicates, rejected)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(push_id)
    .bind(&push.dept_id)
    .bind(push.dataset.as_str())
    .bind(instant(push.at))
    .bind(push.key_id.as_deref())
    .bind(push.body_sha256.as_deref())
    .bind(push.signature.as_deref())
    .bind(count(push.received))
    .bind(count(accepted))
    .bind(count(plan.duplicates()))
    .bind(count(
        push.rejected + plan.outcomes.len() - accepted - plan.duplicates(),
    ))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Clears `is_current` on the stored versions being corrected, before their successors
/// are inserted (the unique index allows one current version per key).
async fn demote(tx: &mut Tx, dataset: Dataset, keys: &[String]) -> Result<(), StoreError> {
    for chunk in chunks(keys, KEY_CHUNK) {
        let sql = format!(
            "UPDATE shared_records SET is_current = 0
             WHERE dataset = $1 AND is_current = 1 AND record_key IN ({})",
            numbered(2, chunk.len())
        );
        // Not persistent, for the same reason as the look-up.
        let mut query = sqlx::query(AssertSqlSafe(sql))
            .persistent(false)
            .bind(dataset.as_str());
        for key in chunk {
            query = query.bind(key.as_str());
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Parameters per inserted row after the four shared ones ($1–$4).
const ROW_PARAMS: usize = 9;

/// Rows per multi-row `INSERT` of versions, measured per backend (docs/benchmarks.md,
/// "Ingest"): sqlx-sqlite binds each argument after asking SQLite for the parameter's name,
/// which SQLite finds by a linear scan, so binding one statement costs O(parameters²) and
/// 256 rows (2,308 parameters) spent half the server's time there; 32 rows ingest 2.2× as
/// fast (1 row per statement is as slow as 256: one round trip to the worker per row).
/// PostgreSQL binds by position and pays per statement, so it keeps the larger chunk.
fn insert_chunk(backend: Backend) -> usize {
    match backend {
        Backend::Sqlite => SQLITE_INSERT_CHUNK,
        Backend::Postgres => INSERT_CHUNK,
    }
}

/// See [`insert_chunk`].
const SQLITE_INSERT_CHUNK: usize = 32;

async fn insert_versions(
    tx: &mut Tx,
    backend: Backend,
    push: &Push,
    push_id: &str,
    records: &[ValidRecord],
    inserts: &[NewVersion],
) -> Result<(), StoreError> {
    let pushed_at = instant(push.at);
    for chunk in chunks(inserts, insert_chunk(backend)) {
        let sql = format!(
            "INSERT INTO shared_records (dataset, pushed_by, pushed_at, push_id, record_key,
                 version, content, content_sha256, subject_id, other_id, employer_uscc,
                 event_date, is_current)
             VALUES {}",
            row_placeholders(chunk.len())
        );
        let mut query = sqlx::query(AssertSqlSafe(sql))
            .bind(push.dataset.as_str())
            .bind(&push.dept_id)
            .bind(&pushed_at)
            .bind(push_id);
        for new in chunk {
            let record = &records[new.record];
            query = query
                .bind(record.key())
                .bind(new.version)
                .bind(record.content_json())
                .bind(record.content_sha256())
                .bind(record.subject_id())
                .bind(record.other_id())
                .bind(record.employer_uscc())
                .bind(opt_date(record.event_date()))
                .bind(i64::from(new.current));
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

/// PostgreSQL plans by its statistics, and a table created empty says "0 rows" until
/// autovacuum's next round, up to a minute later. During a bulk load that minute is
/// millions of rows: a look-up of 512 keys then filters the whole table (200 ms instead of
/// 2). So while the estimate lags far behind a large request, refresh it (`ANALYZE`
/// samples a bounded number of rows, ~0.1 s); once the table is big, autovacuum keeps up
/// and this costs one catalogue read per large request.
async fn refresh_statistics(store: &Store, inserted: usize) -> Result<(), StoreError> {
    let row = sqlx::query(
        "SELECT CAST(reltuples AS BIGINT) AS estimate FROM pg_class
         WHERE oid = CAST('shared_records' AS regclass)",
    )
    .fetch_one(store.pool())
    .await?;
    let estimate: i64 = row.try_get("estimate")?;
    if estimate < count(inserted).saturating_mul(10) {
        sqlx::query("ANALYZE shared_records")
            .execute(store.pool())
            .await?;
    }
    Ok(())
}

/// `$start, $start+1, …` (n placeholders).
fn numbered(start: usize, n: usize) -> String {
    let mut text = String::with_capacity(n * 6);
    for i in 0..n {
        let sep = if i == 0 { "" } else { ", " };
        let _ = write!(text, "{sep}${}", start + i);
    }
    text
}

/// `($1, $2, $3, $4, $5, …, $13), ($1, $2, $3, $4, $14, …)`: the shared columns first.
fn row_placeholders(rows: usize) -> String {
    let mut text = String::with_capacity(rows * 64);
    for row in 0..rows {
        let sep = if row == 0 { "" } else { ", " };
        let own = numbered(5 + row * ROW_PARAMS, ROW_PARAMS);
        let _ = write!(text, "{sep}($1, $2, $3, $4, {own})");
    }
    text
}

fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_number_rows_after_the_shared_columns() {
        assert_eq!(numbered(2, 3), "$2, $3, $4");
        let rows = row_placeholders(2);
        assert!(rows.starts_with("($1, $2, $3, $4, $5, $6,"), "{rows}");
        assert!(rows.ends_with("$21, $22)"), "{rows}");
    }
}

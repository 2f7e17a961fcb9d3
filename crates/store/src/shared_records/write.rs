//! The write path of [`Store::ingest`]: read the current versions of the request's keys,
//! plan every record's outcome in memory, then write in sets.

use std::collections::HashMap;

use onething_exchange::{Dataset, ValidRecord};
use sqlx::{AssertSqlSafe, Row};
use uuid::Uuid;

use super::{INSERT_CHUNK, IngestOutcome, KEY_CHUNK, Push, RecordOutcome};
use crate::rows::{JsonElements, json_elements};
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
    let current = current_versions(&mut tx, store.backend(), push.dataset, records).await?;
    let plan = plan(&push.dept_id, records, current);
    insert_receipt(&mut tx, push, &push_id, &plan).await?;
    demote(&mut tx, store.backend(), push.dataset, &plan.demote).await?;
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
    backend: Backend,
    dataset: Dataset,
    records: &[ValidRecord],
) -> Result<HashMap<String, Current>, StoreError> {
    let mut keys: Vec<&str> = records.iter().map(ValidRecord::key).collect();
    keys.sort_unstable();
    keys.dedup();
    let mut found = HashMap::with_capacity(keys.len());
    let sql = format!(
        "SELECT s.record_key, s.version, s.content_sha256,
                COALESCE(o.dept_id, s.pushed_by) AS owner
         FROM shared_records s
         LEFT JOIN record_owners o ON o.dataset = s.dataset AND o.record_key = s.record_key
         WHERE s.dataset = $1 AND s.is_current = 1 AND s.record_key IN ({})",
        json_values(backend, "$2")
    );
    for chunk in keys.chunks(KEY_CHUNK) {
        // Not persistent: PostgreSQL would otherwise keep the plan made when the table was
        // small (a sequential scan) for the connection's lifetime, and a look-up of
        // thousands of keys in a million rows would take seconds instead of milliseconds.
        // Planning it each time is cheap.
        let rows = sqlx::query(AssertSqlSafe(sql.as_str()))
            .persistent(false)
            .bind(dataset.as_str())
            .bind(json_array(chunk)?)
            .fetch_all(&mut **tx)
            .await?;
        for row in rows {
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
async fn demote(
    tx: &mut Tx,
    backend: Backend,
    dataset: Dataset,
    keys: &[String],
) -> Result<(), StoreError> {
    let sql = format!(
        "UPDATE shared_records SET is_current = 0
         WHERE dataset = $1 AND is_current = 1 AND record_key IN ({})",
        json_values(backend, "$2")
    );
    for chunk in keys.chunks(KEY_CHUNK) {
        // Not persistent, for the same reason as the look-up.
        sqlx::query(AssertSqlSafe(sql.as_str()))
            .persistent(false)
            .bind(dataset.as_str())
            .bind(json_array(chunk)?)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// One inserted version as the insert's JSON parameter carries it (an array, in the
/// columns' order after the shared four).
type VersionRow<'a> = (
    &'a str,
    i64,
    &'a str,
    &'a str,
    Option<&'a str>,
    Option<&'a str>,
    Option<&'a str>,
    Option<String>,
    i64,
);

/// Inserts the new versions in sets: each statement passes its rows as one JSON array,
/// unpacked by the database (`json_each` / `jsonb_array_elements`), so a set of thousands of
/// rows binds five parameters. Binding a parameter per value cost O(parameters²) on
/// SQLite (sqlx asks SQLite for each parameter's name, found by a linear scan) and one
/// statement per 256 rows on PostgreSQL (docs/benchmarks.md, "Ingest").
async fn insert_versions(
    tx: &mut Tx,
    backend: Backend,
    push: &Push,
    push_id: &str,
    records: &[ValidRecord],
    inserts: &[NewVersion],
) -> Result<(), StoreError> {
    let pushed_at = instant(push.at);
    let column = |i: usize| format!("r.value ->> {i}");
    let JsonElements { with, from, .. } = json_elements(backend, "$5");
    let sql = format!(
        "{with}INSERT INTO shared_records (dataset, pushed_by, pushed_at, push_id, record_key,
             version, content, content_sha256, subject_id, other_id, employer_uscc,
             event_date, is_current)
         SELECT $1, $2, $3, $4, {key}, CAST({version} AS BIGINT), {content}, {sha}, {subject},
                {other}, {employer}, {date}, CAST({current} AS BIGINT)
         FROM {from}",
        key = column(0),
        version = column(1),
        content = column(2),
        sha = column(3),
        subject = column(4),
        other = column(5),
        employer = column(6),
        date = column(7),
        current = column(8),
    );
    for chunk in inserts.chunks(INSERT_CHUNK) {
        let rows: Vec<VersionRow<'_>> = chunk
            .iter()
            .map(|new| {
                let record = &records[new.record];
                (
                    record.key(),
                    new.version,
                    record.content_json(),
                    record.content_sha256(),
                    record.subject_id(),
                    record.other_id(),
                    record.employer_uscc(),
                    opt_date(record.event_date()),
                    i64::from(new.current),
                )
            })
            .collect();
        sqlx::query(AssertSqlSafe(sql.as_str()))
            .bind(push.dataset.as_str())
            .bind(&push.dept_id)
            .bind(&pushed_at)
            .bind(push_id)
            .bind(json_array(&rows)?)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// A JSON array of strings as the values of an `IN (…)` list.
fn json_values(backend: Backend, param: &str) -> String {
    match backend {
        Backend::Sqlite => format!("SELECT value FROM json_each({param})"),
        Backend::Postgres => format!("SELECT json_array_elements_text(CAST({param} AS json))"),
    }
}

fn json_array<T: serde::Serialize>(items: &[T]) -> Result<String, StoreError> {
    serde_json::to_string(items).map_err(|e| StoreError::corrupt(format!("JSON parameter: {e}")))
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

fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

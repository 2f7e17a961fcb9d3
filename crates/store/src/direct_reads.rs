//! SQLite reads on the caller's thread. sqlx runs each SQLite connection on a thread of its
//! own, so every statement is a hand-off to that thread and back: 41–51 µs on the bench
//! machine, several times SQLite's own work for a read of one claim from the OS cache, and
//! a quarter of a claim look-up's CPU under load (docs/benchmarks.md, "Look-ups, fourth
//! cut"). The hottest reads go through these connections instead, run where they are
//! asked for.
//!
//! A read runs to its end without yielding: a read of one record by its key takes tens of
//! microseconds from the OS cache, less than a task switch, and a runtime worker is held no
//! longer than by a hand-off's bookkeeping. A read whose pages must come from the disk holds
//! its worker for that long (the server wants its working set in memory: operations.md,
//! "Sizing"). Long reads (lists, reports) stay on the pool.
//!
//! The connections are SQLite's own readers on the same file in WAL mode: each read sees
//! every transaction committed before it began, as a pool connection would. They refuse
//! writes (`query_only`), so a mistake here cannot bypass the writer connection's turn.

use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use crate::StoreError;
use crate::columns::Columns;

/// Idle connections kept: one per worker thread is enough for the reads these serve; a
/// burst opens more and closes them after.
const KEEP_IDLE: usize = 8;

/// Prepared statements kept per connection (the hot reads have a handful of shapes).
const STATEMENT_CACHE: usize = 32;

/// The same wait for a writer's checkpoint as the pool's connections (`db.rs`).
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

pub(crate) struct DirectReads {
    path: PathBuf,
    read_only: bool,
    /// The `PRAGMA`s of the pool's connections for SQLite's memory (`db.rs`).
    memory: [String; 2],
    idle: Mutex<Vec<Connection>>,
    /// Set by [`DirectReads::close`]: reads are refused, as the pool refuses them.
    closed: AtomicBool,
}

impl std::fmt::Debug for DirectReads {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DirectReads")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl DirectReads {
    /// Reads of the database at `path` (which the pool has already opened or created);
    /// `read_only` when the URL asked for `mode=ro`.
    pub(crate) fn new(path: PathBuf, read_only: bool, memory: [String; 2]) -> DirectReads {
        DirectReads {
            path,
            read_only,
            memory,
            idle: Mutex::new(Vec::new()),
            closed: AtomicBool::new(false),
        }
    }

    /// Closes the idle connections and refuses further reads (`Store::close`).
    pub(crate) fn close(&self) {
        self.closed.store(true, Ordering::SeqCst);
        if let Ok(mut idle) = self.idle.lock() {
            idle.clear();
        }
    }

    /// The rows `sql` answers with `params` bound as `$1`, `$2`, …, each mapped by `map`
    /// in order; with `first_only`, at most the first.
    pub(crate) fn rows<T>(
        &self,
        sql: &str,
        params: &[&str],
        first_only: bool,
        map: impl FnMut(&dyn Columns) -> Result<T, StoreError>,
    ) -> Result<Vec<T>, StoreError> {
        let conn = self.take()?;
        let answer = read(&conn, sql, params, first_only, map);
        self.give_back(conn);
        answer
    }

    fn take(&self) -> Result<Connection, StoreError> {
        if self.closed.load(Ordering::SeqCst) {
            return Err(sqlx::Error::PoolClosed.into());
        }
        let idle = self.idle.lock().map(|mut idle| idle.pop());
        match idle {
            Ok(Some(conn)) => Ok(conn),
            _ => self.open(),
        }
    }

    fn give_back(&self, conn: Connection) {
        if let Ok(mut idle) = self.idle.lock()
            && idle.len() < KEEP_IDLE
            && !self.closed.load(Ordering::SeqCst)
        {
            idle.push(conn);
        }
    }

    fn open(&self) -> Result<Connection, StoreError> {
        let mode = if self.read_only {
            OpenFlags::SQLITE_OPEN_READ_ONLY
        } else {
            // Read-write without create: a WAL reader needs to map the shared-memory
            // index, and the file must already be there (the pool made it).
            OpenFlags::SQLITE_OPEN_READ_WRITE
        };
        let conn = Connection::open_with_flags(&self.path, mode | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        conn.execute_batch("PRAGMA query_only = ON")?;
        for pragma in &self.memory {
            // `mmap_size` answers with a row, so it is run as a query.
            conn.query_row(pragma, [], |_| Ok(())).or_else(no_rows)?;
        }
        Ok(conn)
    }
}

fn read<T>(
    conn: &Connection,
    sql: &str,
    params: &[&str],
    first_only: bool,
    mut map: impl FnMut(&dyn Columns) -> Result<T, StoreError>,
) -> Result<Vec<T>, StoreError> {
    let mut statement = conn.prepare_cached(sql)?;
    for (i, value) in params.iter().enumerate() {
        // Bound by name: `$2` may come before `$1` in the text, and SQLite numbers
        // parameters in the order they first appear.
        let index = statement
            .parameter_index(&format!("${}", i + 1))?
            .ok_or_else(|| StoreError::corrupt(format!("statement has no ${}", i + 1)))?;
        statement.raw_bind_parameter(index, value)?;
    }
    let mut rows = statement.raw_query();
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(map(row)?);
        if first_only {
            break;
        }
    }
    Ok(out)
}

/// A `PRAGMA` that sets a value without answering a row is fine.
fn no_rows(e: rusqlite::Error) -> Result<(), rusqlite::Error> {
    match e {
        rusqlite::Error::QueryReturnedNoRows => Ok(()),
        e => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch() -> (tempfile::TempDir, DirectReads) {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("t.db");
        let conn = Connection::open(&path).expect("create");
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             CREATE TABLE t (k TEXT PRIMARY KEY, n INTEGER, d TEXT);
             INSERT INTO t VALUES ('a', 1, '2026-01-02'), ('b', NULL, NULL);",
        )
        .expect("schema");
        let memory = [
            "PRAGMA cache_size = -2048".to_owned(),
            "PRAGMA mmap_size = 0".to_owned(),
        ];
        (dir, DirectReads::new(path, false, memory))
    }

    impl DirectReads {
        fn first<T>(
            &self,
            sql: &str,
            params: &[&str],
            map: impl FnMut(&dyn Columns) -> Result<T, StoreError>,
        ) -> Result<Option<T>, StoreError> {
            Ok(self.rows(sql, params, true, map)?.pop())
        }
    }

    #[test]
    fn every_row_comes_in_order_unless_only_the_first_is_asked_for() {
        let (_dir, reads) = scratch();
        let sql = "SELECT k FROM t WHERE k >= $1 ORDER BY k DESC";
        let all = reads.rows(sql, &["a"], false, |r| r.get::<String>("k"));
        assert_eq!(all.expect("read"), ["b", "a"]);
        let first = reads.rows(sql, &["a"], true, |r| r.get::<String>("k"));
        assert_eq!(first.expect("read"), ["b"]);
    }

    #[test]
    fn a_row_is_read_by_named_parameters_in_any_order() {
        let (_dir, reads) = scratch();
        let sql = "SELECT k, n FROM t WHERE d = $2 AND k = $1";
        let row = reads
            .first(sql, &["a", "2026-01-02"], |r| {
                Ok((r.get::<String>("k")?, r.get::<i64>("n")?))
            })
            .expect("read");
        assert_eq!(row, Some(("a".to_owned(), 1)));
        let none = reads
            .first(sql, &["a", "2026-01-03"], |r| r.get::<String>("k"))
            .expect("read");
        assert_eq!(none, None);
    }

    #[test]
    fn a_null_where_a_value_is_required_is_corrupt_not_a_panic() {
        let (_dir, reads) = scratch();
        let sql = "SELECT n FROM t WHERE k = $1";
        let optional = reads.first(sql, &["b"], |r| r.get::<Option<i64>>("n"));
        assert_eq!(optional.expect("read"), Some(None));
        let required = reads.first(sql, &["b"], |r| r.get::<i64>("n"));
        assert!(
            matches!(required, Err(StoreError::Corrupt(_))),
            "{required:?}"
        );
    }

    #[test]
    fn the_connections_refuse_writes() {
        let (_dir, reads) = scratch();
        let write = reads.first("DELETE FROM t WHERE k = $1 RETURNING k", &["a"], |r| {
            r.get::<String>("k")
        });
        assert!(matches!(write, Err(StoreError::DirectRead(_))), "{write:?}");
        let still = reads
            .first("SELECT k FROM t WHERE k = $1", &["a"], |r| {
                r.get::<String>("k")
            })
            .expect("read");
        assert_eq!(still.as_deref(), Some("a"));
    }

    #[test]
    fn a_missing_file_is_not_created() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("absent.db");
        let reads = DirectReads::new(path.clone(), false, [String::new(), String::new()]);
        let read = reads.first("SELECT 1 AS n", &[], |r| r.get::<i64>("n"));
        assert!(matches!(read, Err(StoreError::DirectRead(_))), "{read:?}");
        assert!(!path.exists());
    }
}

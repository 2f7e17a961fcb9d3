//! Opening a database by URL, per-connection settings, and migrations.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Executor};

use crate::StoreError;
use crate::catalog::CatalogCache;
use crate::columns::Columns;
use crate::direct_reads::DirectReads;
use crate::session_cache::SessionCache;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

/// The database product behind a URL. Chosen by the URL's scheme; anything else is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn from_url(url: &str) -> Result<Self, StoreError> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(StoreError::UnsupportedUrl(url.to_owned()))
        }
    }

    fn migrator(self) -> &'static Migrator {
        match self {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        }
    }

    /// A sub-select of the texts in a JSON array bound at `param` (`$2`): how a set of ids
    /// is passed as one parameter on both products.
    pub(crate) fn json_text_array(self, param: &str) -> String {
        match self {
            Backend::Sqlite => format!("SELECT value FROM json_each({param})"),
            Backend::Postgres => {
                format!("SELECT jsonb_array_elements_text(CAST({param} AS jsonb))")
            }
        }
    }

    /// The elements of a JSON array bound at `param` as a row source `j` with one column
    /// `value` (an element; `j.value ->> 0` its first member): the `FROM` of an `UPDATE`
    /// that moves each row by its own values. Joined on the target's primary key alone,
    /// the planner walks the array and looks each row up by key.
    pub(crate) fn json_rows(self, param: &str) -> String {
        match self {
            Backend::Sqlite => format!("json_each({param}) AS j"),
            Backend::Postgres => {
                format!("jsonb_array_elements(CAST({param} AS jsonb)) AS j(value)")
            }
        }
    }

    /// The product behind a connection (for helpers given only the connection).
    pub(crate) fn of_connection(conn: &sqlx::AnyConnection) -> Backend {
        if conn.backend_name().eq_ignore_ascii_case("postgresql") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }

    /// The statement that opens a write transaction. SQLite's default `BEGIN` is deferred:
    /// a transaction that reads first and writes later can fail with SQLITE_BUSY without
    /// waiting. `BEGIN IMMEDIATE` takes the write lock up front and waits for it.
    pub(crate) fn begin_write(self) -> &'static str {
        match self {
            Backend::Sqlite => "BEGIN IMMEDIATE",
            Backend::Postgres => "BEGIN",
        }
    }
}

/// A connection pool plus the backend it talks to. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    /// SQLite: the one connection every write transaction takes ([`Store::begin_write`]).
    /// SQLite lets one writer in at a time anyway; a second `BEGIN IMMEDIATE` on another
    /// connection used to sleep in SQLite's busy handler and retry, so under 16 concurrent
    /// clients a claim's p99 was 0.4–0.5 s. Queued for this connection instead, in turn, it
    /// is 0.13 s at the same throughput, and one client's claims are a few per cent faster
    /// (the writer's page cache is no longer thrown away after another connection's
    /// commit; docs/benchmarks.md, "One writer connection on SQLite").
    writer: Option<AnyPool>,
    /// SQLite: the reads run on the caller's thread ([`Store::read_row`]).
    direct: Option<std::sync::Arc<DirectReads>>,
    backend: Backend,
    /// Catalogue versions read so far (immutable once written; catalog.rs).
    catalogs: std::sync::Arc<CatalogCache>,
    /// Live sessions answered without a query for a few seconds (session_cache.rs).
    sessions: std::sync::Arc<SessionCache>,
    /// PostgreSQL: the URL the account-change listener connects with (not printed).
    postgres_url: Option<Secret>,
}

/// A URL that may hold a password: kept, never printed.
#[derive(Clone)]
struct Secret(String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("…")
    }
}

impl Store {
    /// Connects (creating a SQLite file and its folder if missing) and applies migrations.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        let store = Self::connect(url).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Connects without migrating (`onething migrate` and `open` migrate explicitly).
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        install_default_drivers();
        let backend = Backend::from_url(url)?;
        let url = match backend {
            Backend::Sqlite => prepare_sqlite_url(url)?,
            Backend::Postgres => url.to_owned(),
        };
        let pool = pool_options(backend).connect(&url).await?;
        let (writer, direct) = match backend {
            Backend::Sqlite => {
                let writer = pool_options(backend)
                    .max_connections(1)
                    .connect(&url)
                    .await?;
                let (path, query) = sqlite_file(&url);
                let read_only = query.split('&').any(|p| p == "mode=ro");
                let direct = DirectReads::new(path.into(), read_only, sqlite_memory().clone());
                (Some(writer), Some(std::sync::Arc::new(direct)))
            }
            Backend::Postgres => (None, None),
        };
        // SQLite: this process is the only server on the file, so its own changes are all
        // there are. PostgreSQL: off until `watch_account_changes` hears other servers.
        let sessions = SessionCache::new(backend == Backend::Sqlite);
        Ok(Store {
            pool,
            writer,
            direct,
            backend,
            catalogs: Default::default(),
            sessions: std::sync::Arc::new(sessions),
            postgres_url: (backend == Backend::Postgres).then_some(Secret(url)),
        })
    }

    pub async fn migrate(&self) -> Result<(), StoreError> {
        self.backend.migrator().run(&self.pool).await?;
        Ok(())
    }

    /// Applies the migrations up to and including `version` only: a migration that moves
    /// data is tested on rows written in the shape before it.
    pub async fn migrate_to(&self, version: i64) -> Result<(), StoreError> {
        self.backend.migrator().run_to(version, &self.pool).await?;
        Ok(())
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub(crate) fn catalogs(&self) -> &CatalogCache {
        &self.catalogs
    }

    pub(crate) fn session_cache(&self) -> &std::sync::Arc<SessionCache> {
        &self.sessions
    }

    pub(crate) fn postgres_url(&self) -> Option<&str> {
        self.postgres_url.as_ref().map(|s| s.0.as_str())
    }

    /// True when the database answers a trivial query (`/healthz`).
    pub async fn ping(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.pool).await.is_ok()
    }

    pub async fn close(&self) {
        if let Some(direct) = &self.direct {
            direct.close();
        }
        if let Some(writer) = &self.writer {
            writer.close().await;
        }
        self.pool.close().await;
    }

    pub(crate) async fn begin_write(
        &self,
    ) -> Result<sqlx::Transaction<'static, sqlx::Any>, StoreError> {
        let pool = self.writer.as_ref().unwrap_or(&self.pool);
        Ok(pool.begin_with(self.backend.begin_write()).await?)
    }

    /// The one row `sql` answers for `params` (bound as `$1`, `$2`, …), mapped by `map`;
    /// `None` when there is none. See [`Store::read_rows`].
    pub(crate) async fn read_row<T>(
        &self,
        sql: String,
        params: &[&str],
        mut map: impl FnMut(&dyn Columns) -> Result<T, StoreError> + Send,
    ) -> Result<Option<T>, StoreError> {
        Ok(self.rows_of(sql, params, true, &mut map).await?.pop())
    }

    /// The rows `sql` answers for `params` (bound as `$1`, `$2`, …), each mapped by `map` in
    /// order. On SQLite the statement runs on the caller's thread (`direct_reads.rs`: no
    /// hand-off to a connection's thread), on PostgreSQL through the pool. For the reads of
    /// one record by its key that look-ups run most; lists and reports stay on the pool.
    pub(crate) async fn read_rows<T>(
        &self,
        sql: String,
        params: &[&str],
        mut map: impl FnMut(&dyn Columns) -> Result<T, StoreError> + Send,
    ) -> Result<Vec<T>, StoreError> {
        self.rows_of(sql, params, false, &mut map).await
    }

    async fn rows_of<T>(
        &self,
        sql: String,
        params: &[&str],
        first_only: bool,
        map: &mut (dyn FnMut(&dyn Columns) -> Result<T, StoreError> + Send),
    ) -> Result<Vec<T>, StoreError> {
        if let Some(direct) = &self.direct {
            return direct.rows(&sql, params, first_only, map);
        }
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for param in params {
            query = query.bind(*param);
        }
        let rows = match first_only {
            true => query
                .fetch_optional(&self.pool)
                .await?
                .into_iter()
                .collect(),
            false => query.fetch_all(&self.pool).await?,
        };
        rows.iter().map(|row| map(row)).collect()
    }
}

fn pool_options(backend: Backend) -> AnyPoolOptions {
    let options = AnyPoolOptions::new().acquire_timeout(Duration::from_secs(30));
    match backend {
        Backend::Postgres => options.max_connections(16),
        // sqlx pings a connection before handing it out unless told not to. A SQLite
        // connection is a file handle and a thread in this process, with nothing between
        // them to break, and the ping was a round trip to that thread for every query: half
        // of the hand-offs of a claim look-up (docs/benchmarks.md, "API").
        Backend::Sqlite => options
            .max_connections(8)
            .test_before_acquire(false)
            .after_connect(|conn, _meta| {
                Box::pin(async move {
                    // WAL lets readers go on while one writer commits; the busy timeout makes a
                    // second writer wait instead of failing; foreign keys are off by default in SQLite.
                    conn.execute("PRAGMA journal_mode = WAL").await?;
                    conn.execute("PRAGMA synchronous = NORMAL").await?;
                    conn.execute("PRAGMA busy_timeout = 10000").await?;
                    conn.execute("PRAGMA foreign_keys = ON").await?;
                    let [cache, mmap] = sqlite_memory();
                    conn.execute(cache.as_str()).await?;
                    conn.execute(mmap.as_str()).await?;
                    Ok(())
                })
            }),
    }
}

/// Page cache per SQLite connection unless `ONETHING_SQLITE_CACHE_MIB` says otherwise:
/// SQLite's own 2 MiB. A bulk load wants more — 256 MiB made a push of a million
/// contributions and 免申即享 of 100,000 births 16–19 % faster — but the server's readers
/// want less: with 256 MiB on each of 8 connections, claim look-ups over a 16 GB database
/// spent their time allocating cache pages and held 2,500 requests/s no longer (p99 5.3 s
/// against 8.5 ms; docs/benchmarks.md, "Ingest"; 32 MiB also answered fewer, "API"). So the
/// default stays, and an operator raises it for a province's bulk load.
const SQLITE_CACHE_MIB: u64 = 2;

/// The environment settings of SQLite's memory, in MiB (docs/configuration.md).
const CACHE_VAR: &str = "ONETHING_SQLITE_CACHE_MIB";
const MMAP_VAR: &str = "ONETHING_SQLITE_MMAP_MIB";

/// The `PRAGMA`s for SQLite's page cache and memory map, read from the environment once.
fn sqlite_memory() -> &'static [String; 2] {
    static PRAGMAS: std::sync::OnceLock<[String; 2]> = std::sync::OnceLock::new();
    PRAGMAS.get_or_init(|| {
        let var = |name: &str| std::env::var(name).ok();
        memory_pragmas(var(CACHE_VAR).as_deref(), var(MMAP_VAR).as_deref())
    })
}

/// `cache_size` (negative: KiB) and `mmap_size` (bytes) from sizes in MiB; a value that is
/// not a whole number of MiB is named in the log and the default kept.
fn memory_pragmas(cache_mib: Option<&str>, mmap_mib: Option<&str>) -> [String; 2] {
    let mib = |name: &str, value: Option<&str>, default: u64| {
        let Some(value) = value else { return default };
        value
            .trim()
            .parse::<u32>()
            .map(u64::from)
            .unwrap_or_else(|_| {
                tracing::warn!(
                    name,
                    value,
                    default,
                    "not a size in MiB; the default is used"
                );
                default
            })
    };
    let cache = mib(CACHE_VAR, cache_mib, SQLITE_CACHE_MIB);
    let mmap = mib(MMAP_VAR, mmap_mib, 0);
    [
        format!("PRAGMA cache_size = -{}", cache * 1024),
        format!("PRAGMA mmap_size = {}", mmap << 20),
    ]
}

/// Makes sure the file's folder exists and asks SQLite to create the file if missing.
fn prepare_sqlite_url(url: &str) -> Result<String, StoreError> {
    let (path, query) = sqlite_file(url);
    if path.is_empty() || path.starts_with(":memory:") {
        // An in-memory database is one database per connection: a pool would see several.
        return Err(StoreError::UnsupportedUrl(url.to_owned()));
    }
    if let Some(parent) = Path::new(path)
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent)
            .map_err(|e| StoreError::UnsupportedUrl(format!("{url}: {e}")))?;
    }
    let mode = if query.contains("mode=") {
        ""
    } else {
        "mode=rwc"
    };
    let sep = if query.is_empty() || mode.is_empty() {
        ""
    } else {
        "&"
    };
    Ok(format!("sqlite://{path}?{query}{sep}{mode}"))
}

/// The file and the query (`mode=…` and the like) of a `sqlite:` URL.
fn sqlite_file(url: &str) -> (&str, &str) {
    let rest = url.trim_start_matches("sqlite:").trim_start_matches("//");
    rest.split_once('?').unwrap_or((rest, ""))
}

impl FromStr for Backend {
    type Err = StoreError;
    fn from_str(url: &str) -> Result<Self, Self::Err> {
        Backend::from_url(url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Write transactions on SQLite queue for the one writer connection: a second waits
    /// while the first is open and gets in as soon as it commits; both writes are kept.
    #[tokio::test]
    async fn sqlite_write_transactions_take_turns_on_one_connection() {
        let dir = std::env::temp_dir().join(format!("onething-writer-{}", uuid::Uuid::new_v4()));
        let url = format!("sqlite://{}/w.db", dir.display());
        let store = Store::connect(&url).await.expect("store");
        let writer = store.writer.as_ref().expect("a writer pool on SQLite");
        assert_eq!(writer.options().get_max_connections(), 1);
        let mut first = store.begin_write().await.expect("first");
        sqlx::query("CREATE TABLE t (n BIGINT)")
            .execute(&mut *first)
            .await
            .expect("create");
        let second = tokio::time::timeout(Duration::from_millis(200), store.begin_write()).await;
        assert!(second.is_err(), "the second waits while the first is open");
        first.commit().await.expect("commit");
        let mut second = tokio::time::timeout(Duration::from_secs(5), store.begin_write())
            .await
            .expect("the second gets in once the first commits")
            .expect("second");
        sqlx::query("INSERT INTO t (n) VALUES (1)")
            .execute(&mut *second)
            .await
            .expect("insert");
        second.commit().await.expect("commit");
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM t")
            .fetch_one(store.pool())
            .await
            .expect("count");
        assert_eq!(n, 1);
        store.close().await;
        let _ = std::fs::remove_dir_all(dir);
    }

    /// On SQLite a read by key runs on the caller's thread: it sees what the writer just
    /// committed, and it needs no connection of the pool (closed here, so a read through
    /// it would fail).
    #[tokio::test]
    async fn sqlite_reads_by_key_see_commits_without_the_pool() {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}/r.db", dir.path().display());
        let store = Store::connect(&url).await.expect("store");
        let mut tx = store.begin_write().await.expect("begin");
        sqlx::query("CREATE TABLE t (k TEXT PRIMARY KEY, n BIGINT)")
            .execute(&mut *tx)
            .await
            .expect("create");
        sqlx::query("INSERT INTO t (k, n) VALUES ('a', 7)")
            .execute(&mut *tx)
            .await
            .expect("insert");
        tx.commit().await.expect("commit");
        store.pool().close().await;
        let sql = "SELECT n FROM t WHERE k = $1".to_owned();
        let n = store
            .read_row(sql.clone(), &["a"], |row| row.get::<i64>("n"))
            .await
            .expect("read");
        assert_eq!(n, Some(7));
        let none = store
            .read_row(sql, &["b"], |row| row.get::<i64>("n"))
            .await
            .expect("read");
        assert_eq!(none, None);
        store.close().await;
        let closed = store
            .read_row("SELECT 1 AS n".to_owned(), &[], |row| row.get::<i64>("n"))
            .await;
        assert!(
            matches!(closed, Err(StoreError::Database(sqlx::Error::PoolClosed))),
            "{closed:?}"
        );
    }

    #[test]
    fn backend_is_chosen_by_scheme() {
        assert_eq!(
            Backend::from_url("sqlite://data/x.db").ok(),
            Some(Backend::Sqlite)
        );
        assert_eq!(
            Backend::from_url("postgres://u@h/db").ok(),
            Some(Backend::Postgres)
        );
        assert!(matches!(
            Backend::from_url("mysql://h/db"),
            Err(StoreError::UnsupportedUrl(_))
        ));
    }

    #[test]
    fn sqlite_url_gets_create_mode() {
        let dir = std::env::temp_dir().join("onething-url-test");
        let url = format!("sqlite://{}/a.db", dir.display());
        let prepared = prepare_sqlite_url(&url).expect("prepared");
        assert!(prepared.ends_with("a.db?mode=rwc"), "{prepared}");
        assert!(dir.exists());
        assert!(prepare_sqlite_url("sqlite::memory:").is_err());
    }

    #[test]
    fn sqlite_memory_comes_from_mib_with_defaults() {
        assert_eq!(
            memory_pragmas(None, None),
            ["PRAGMA cache_size = -2048", "PRAGMA mmap_size = 0"]
        );
        assert_eq!(
            memory_pragmas(Some(" 256 "), Some("1024")),
            [
                "PRAGMA cache_size = -262144",
                "PRAGMA mmap_size = 1073741824"
            ]
        );
        // Neither a word nor a negative number reaches the PRAGMA.
        assert_eq!(
            memory_pragmas(Some("lots"), Some("-1")),
            ["PRAGMA cache_size = -2048", "PRAGMA mmap_size = 0"]
        );
    }
}

//! Live sessions kept in memory for a few seconds, so that a request proving who it is
//! does not cost a query. On SQLite a query is a hand-off to sqlx's connection thread and
//! back, and the session check was a third of a claim look-up's statements
//! (docs/benchmarks.md, "The session check without a query").
//!
//! A cached session must never outlive its revocation. Every change to sessions or
//! accounts moves a generation counter and empties the cache ([`SessionCache::changed`]);
//! a session read while a change happened is not kept. Changes made by another server
//! reach this one through PostgreSQL's `LISTEN`/`NOTIFY` ([`Store::watch_account_changes`]);
//! on PostgreSQL the cache is used only while that listener is connected, so a lost
//! connection means a query per request again, never a stale answer. On SQLite this
//! process is the only server on the file, and its own changes move the counter.
//! Whatever happens, an entry is read again after [`RECHECK`]: a change made around the
//! platform (by hand in the database) takes effect within that.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use crate::sessions::ActiveSession;
use crate::{Store, StoreError};

/// How long a session read from the database is answered from memory at most.
pub(crate) const RECHECK: Duration = Duration::from_secs(5);

/// Sessions kept at most; past that the cache starts again empty (a bound on memory, not
/// an eviction policy: 100,000 sessions in 5 s is far above a province's sign-ins).
const MAX_ENTRIES: usize = 100_000;

/// The PostgreSQL channel every server listens on.
const CHANNEL: &str = "onething_accounts";

/// A session as read, with when it was last seen and when it was read.
#[derive(Debug, Clone)]
pub(crate) struct Cached {
    pub session: ActiveSession,
    pub last_seen: DateTime<Utc>,
    read_at: Instant,
}

#[derive(Debug)]
pub(crate) struct SessionCache {
    enabled: AtomicBool,
    generation: AtomicU64,
    entries: Mutex<HashMap<String, Cached>>,
}

impl SessionCache {
    pub(crate) fn new(enabled: bool) -> SessionCache {
        SessionCache {
            enabled: AtomicBool::new(enabled),
            generation: AtomicU64::new(0),
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// The generation to pass to [`SessionCache::keep`]: taken before the read.
    pub(crate) fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// The session of `digest` if it was read less than [`RECHECK`] ago and nothing changed
    /// since.
    pub(crate) fn get(&self, digest: &str) -> Option<Cached> {
        if !self.enabled.load(Ordering::Acquire) {
            return None;
        }
        let entries = self.entries.lock().ok()?;
        let cached = entries.get(digest)?;
        (cached.read_at.elapsed() < RECHECK).then(|| cached.clone())
    }

    /// Keeps a session read at `generation`, unless a change happened since.
    pub(crate) fn keep(
        &self,
        digest: &str,
        session: &ActiveSession,
        last_seen: DateTime<Utc>,
        generation: u64,
    ) {
        if !self.enabled.load(Ordering::Acquire) {
            return;
        }
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        // Checked under the lock `changed` empties the map with: a change that raced the
        // read either moved the generation before this check or empties the map after it.
        if self.generation() != generation {
            return;
        }
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        let cached = Cached {
            session: session.clone(),
            last_seen,
            read_at: Instant::now(),
        };
        entries.insert(digest.to_owned(), cached);
    }

    /// Something about sessions or accounts changed: nothing read before is used again.
    pub(crate) fn changed(&self) {
        let mut entries = match self.entries.lock() {
            Ok(entries) => entries,
            Err(poisoned) => poisoned.into_inner(),
        };
        self.generation.fetch_add(1, Ordering::AcqRel);
        entries.clear();
    }

    fn set_enabled(&self, on: bool) {
        self.enabled.store(on, Ordering::Release);
        self.changed();
    }
}

impl Store {
    /// Tells this process, and every server listening, that sessions or accounts changed:
    /// called by each store function that revokes a session or changes an account.
    pub(crate) async fn accounts_changed(&self) -> Result<(), StoreError> {
        self.session_cache().changed();
        if self.backend() == crate::Backend::Postgres {
            sqlx::query("SELECT pg_notify($1, '')")
                .bind(CHANNEL)
                .execute(self.pool())
                .await?;
        }
        Ok(())
    }

    /// PostgreSQL: listens for other servers' changes to sessions and accounts and turns
    /// the session cache on while connected (a server calls this once at start; without
    /// it every session check is a query). Returns at once; the listener runs as a task
    /// and reconnects after a lost connection, the cache off meanwhile. SQLite: nothing to
    /// listen to.
    pub fn watch_account_changes(&self) {
        let Some(url) = self.postgres_url() else {
            return;
        };
        let cache = self.session_cache().clone();
        let url = url.to_owned();
        tokio::spawn(async move {
            loop {
                if let Err(e) = listen(&url, &cache).await {
                    tracing::warn!(error = %e, "account-change listener lost; sessions read from the database");
                }
                cache.set_enabled(false);
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        });
    }
}

/// Listens until the connection fails: each notification empties the cache.
async fn listen(url: &str, cache: &SessionCache) -> Result<(), sqlx::Error> {
    let mut listener = sqlx::postgres::PgListener::connect(url).await?;
    listener.listen(CHANNEL).await?;
    cache.set_enabled(true);
    // `try_recv` answers `None` when the connection was lost (notifications sent meanwhile
    // are gone): the caller turns the cache off and connects again.
    while listener.try_recv().await?.is_some() {
        cache.changed();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::User;
    use onething_domain::access::{Role, Scope};

    fn session() -> ActiveSession {
        let at = Utc::now();
        ActiveSession {
            user: User {
                id: "u1".into(),
                username: onething_domain::access::Username::parse("clerk").expect("username"),
                role: Role::Admin,
                scope: Scope::Platform,
                disabled: false,
                created_at: at,
            },
            csrf_token: "c".into(),
            created_at: at,
            expires_at: at,
            idle_expires_at: at,
        }
    }

    #[test]
    fn a_session_is_answered_until_something_changes() {
        let cache = SessionCache::new(true);
        let at = Utc::now();
        cache.keep("d", &session(), at, cache.generation());
        assert!(cache.get("d").is_some());
        cache.changed();
        assert!(cache.get("d").is_none());
    }

    #[test]
    fn a_read_that_raced_a_change_is_not_kept() {
        let cache = SessionCache::new(true);
        let before = cache.generation();
        cache.changed();
        cache.keep("d", &session(), Utc::now(), before);
        assert!(cache.get("d").is_none());
    }

    #[test]
    fn a_disabled_cache_keeps_nothing() {
        let cache = SessionCache::new(false);
        cache.keep("d", &session(), Utc::now(), cache.generation());
        assert!(cache.get("d").is_none());
        cache.set_enabled(true);
        assert!(cache.get("d").is_none(), "turned on empty");
    }
}

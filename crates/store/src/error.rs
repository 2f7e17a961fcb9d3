use onething_domain::CalendarError;
use onething_domain::case::{PlanError, ReplayError};
use onething_domain::catalog::CatalogError;

/// What can go wrong in storage. The web layer maps each variant to one HTTP status.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("unsupported database URL {0:?}: use sqlite://PATH or postgres://…")]
    UnsupportedUrl(String),
    #[error("{what} {id} not found")]
    NotFound { what: &'static str, id: String },
    /// Another request changed the same record first (optimistic concurrency).
    #[error("{what} {id} was changed by another request")]
    Conflict { what: &'static str, id: String },
    /// An idempotency key was reused for a different request.
    #[error("idempotency key {0:?} was already used for another request")]
    IdempotencyKeyReused(String),
    #[error(transparent)]
    Plan(#[from] PlanError),
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    #[error(transparent)]
    Calendar(#[from] CalendarError),
    /// Stored data that no longer parses: a bug or a hand edit, never a client mistake.
    #[error("corrupt stored data: {0}")]
    Corrupt(String),
    #[error("stored history is inconsistent: {0}")]
    Replay(#[from] ReplayError),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// A read on the caller's thread (SQLite only, `direct_reads.rs`) failed.
    #[error("database error: {0}")]
    DirectRead(#[from] rusqlite::Error),
}

impl StoreError {
    /// `Ok` when a conditional write changed exactly one row, else [`StoreError::Conflict`]:
    /// the row was not in the state the write expected (changed meanwhile, or gone). The
    /// caller's transaction is dropped with the error, so nothing of it is kept.
    pub(crate) fn unless_one_row(
        changed: u64,
        what: &'static str,
        id: &str,
    ) -> Result<(), StoreError> {
        if changed == 1 {
            Ok(())
        } else {
            Err(StoreError::Conflict {
                what,
                id: id.to_owned(),
            })
        }
    }

    pub(crate) fn corrupt(what: impl std::fmt::Display) -> Self {
        StoreError::Corrupt(what.to_string())
    }

    /// True when the database refused a row because a unique key already exists.
    pub fn is_unique_violation(&self) -> bool {
        matches!(self, StoreError::Database(sqlx::Error::Database(e)) if e.is_unique_violation())
    }
}

//! Test databases for the HTTP tests: a fresh SQLite file always, and a fresh PostgreSQL
//! database on the server named by `ONETHING_TEST_PG` when set (mandatory on CI), the same
//! way as the store's own tests. Each test then drives the real router with `oneshot`.

#![allow(dead_code, reason = "each test binary uses a different part")]

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, Utc};
use onething_domain::Calendar;
use onething_store::Store;
use onething_web::{AppState, app};

#[allow(unused_imports, reason = "each test binary uses a different part")]
pub use onething_test_support::{TestDb, test_dbs};

/// A clock the test moves (Unix seconds).
#[derive(Clone)]
pub struct TestClock(Arc<AtomicI64>);

impl TestClock {
    pub fn at(instant: DateTime<Utc>) -> Self {
        Self(Arc::new(AtomicI64::new(instant.timestamp())))
    }

    pub fn now(&self) -> DateTime<Utc> {
        DateTime::from_timestamp(self.0.load(Ordering::SeqCst), 0).expect("instant in range")
    }

    pub fn set(&self, instant: DateTime<Utc>) {
        self.0.store(instant.timestamp(), Ordering::SeqCst);
    }
}

/// The whole application on `store`, reading time from `clock`.
pub fn app_on(store: &Store, clock: &TestClock) -> axum::Router {
    let clock = clock.clone();
    app(AppState::new(store.clone(), Calendar::shipped()).with_clock(move || clock.now()))
}

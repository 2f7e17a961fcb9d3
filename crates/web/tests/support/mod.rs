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
use sqlx::Executor;

/// A backend's store and its label for assertion messages.
pub struct TestDb {
    pub label: &'static str,
    pub store: Store,
}

pub async fn test_dbs() -> Vec<TestDb> {
    let mut dbs = vec![sqlite().await];
    match std::env::var("ONETHING_TEST_PG") {
        Ok(server) if !server.is_empty() => dbs.push(postgres(&server).await),
        _ if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("ONETHING_TEST_PG must name a PostgreSQL server on CI")
        }
        _ => eprintln!("ONETHING_TEST_PG not set: PostgreSQL half of this test skipped"),
    }
    dbs
}

fn fresh_name() -> String {
    format!("t{}", uuid::Uuid::new_v4().simple())
}

async fn sqlite() -> TestDb {
    let dir = std::env::temp_dir().join(format!("onething-web-{}", fresh_name()));
    let url = format!("sqlite://{}/test.db", dir.display());
    let store = Store::open(&url).await.expect("sqlite store opens");
    TestDb {
        label: "sqlite",
        store,
    }
}

async fn postgres(server: &str) -> TestDb {
    let admin = Store::connect(server).await.expect("PostgreSQL reachable");
    let name = fresh_name();
    admin
        .pool()
        .execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .await
        .expect("create throwaway database");
    admin.close().await;
    let (base, _) = server
        .rsplit_once('/')
        .expect("server URL has a database part");
    let store = Store::open(&format!("{base}/{name}"))
        .await
        .expect("postgres store opens");
    TestDb {
        label: "postgres",
        store,
    }
}

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

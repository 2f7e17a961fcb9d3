//! Test databases: a fresh SQLite file always, and a fresh PostgreSQL database on the server
//! named by `ONETHING_TEST_PG` when set. On CI (`CI=true`) the PostgreSQL half is required.

use onething_store::Store;
use sqlx::Executor;

pub struct TestDb {
    pub label: &'static str,
    pub url: String,
    pub store: Store,
}

pub async fn test_dbs() -> Vec<TestDb> {
    let mut dbs = vec![sqlite().await];
    match std::env::var("ONETHING_TEST_PG") {
        Ok(server) if !server.is_empty() => dbs.push(postgres(&server).await),
        _ if std::env::var("CI").as_deref() == Ok("true") => {
            panic!(
                "ONETHING_TEST_PG must name a PostgreSQL server on CI: the PostgreSQL suite is mandatory there"
            )
        }
        _ => eprintln!("ONETHING_TEST_PG not set: PostgreSQL half of this test skipped"),
    }
    dbs
}

pub fn fresh_name() -> String {
    format!("t{}", uuid::Uuid::new_v4().simple())
}

pub async fn sqlite() -> TestDb {
    let dir = std::env::temp_dir().join(format!("onething-store-{}", fresh_name()));
    let url = format!("sqlite://{}/test.db", dir.display());
    let store = Store::open(&url).await.expect("sqlite store opens");
    TestDb {
        label: "sqlite",
        url,
        store,
    }
}

pub async fn postgres(server: &str) -> TestDb {
    let admin = Store::connect(server)
        .await
        .expect("PostgreSQL server reachable");
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
    let url = format!("{base}/{name}");
    let store = Store::open(&url).await.expect("postgres store opens");
    TestDb {
        label: "postgres",
        url,
        store,
    }
}

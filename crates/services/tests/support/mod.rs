//! Test databases for the services' suites: a fresh SQLite file always, and a fresh
//! PostgreSQL database on the server named by `ONETHING_TEST_PG` when set (required on CI).

use onething_store::Store;
use sqlx::Executor;

pub struct TestDb {
    pub label: &'static str,
    pub store: Store,
}

pub async fn test_dbs() -> Vec<TestDb> {
    let name = format!("t{}", uuid::Uuid::new_v4().simple());
    let dir = std::env::temp_dir().join(format!("onething-services-{name}"));
    let sqlite = Store::open(&format!("sqlite://{}/test.db", dir.display()))
        .await
        .expect("sqlite store opens");
    let mut dbs = vec![TestDb {
        label: "sqlite",
        store: sqlite,
    }];
    match std::env::var("ONETHING_TEST_PG") {
        Ok(server) if !server.is_empty() => dbs.push(postgres(&server, &name).await),
        _ if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("ONETHING_TEST_PG must name a PostgreSQL server on CI")
        }
        _ => eprintln!("ONETHING_TEST_PG not set: PostgreSQL half of this test skipped"),
    }
    dbs
}

async fn postgres(server: &str, name: &str) -> TestDb {
    let admin = Store::connect(server).await.expect("PostgreSQL reachable");
    admin
        .pool()
        .execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .await
        .expect("create throwaway database");
    admin.close().await;
    let (base, _) = server.rsplit_once('/').expect("server URL has a database");
    let store = Store::open(&format!("{base}/{name}"))
        .await
        .expect("postgres store opens");
    TestDb {
        label: "postgres",
        store,
    }
}

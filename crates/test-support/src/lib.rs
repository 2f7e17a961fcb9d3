//! Test databases for every crate's test suite: a fresh SQLite file always, and a fresh
//! PostgreSQL database on the server named by `ONETHING_TEST_PG` when set. On CI
//! (`CI=true`) the PostgreSQL half is required, so a missing server fails the run instead of
//! silently testing one backend.

use onething_store::Store;
use sqlx::Executor;

/// A backend's store, its URL and its label for assertion messages.
pub struct TestDb {
    pub label: &'static str,
    pub url: String,
    pub store: Store,
}

/// One database per backend configured for this run.
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

/// A name no other test uses (databases, directories).
pub fn fresh_name() -> String {
    format!("t{}", uuid::Uuid::new_v4().simple())
}

/// A fresh SQLite file in the temporary directory, migrated.
pub async fn sqlite() -> TestDb {
    let dir = std::env::temp_dir().join(format!("onething-test-{}", fresh_name()));
    let url = format!("sqlite://{}/test.db", dir.display());
    let store = Store::open(&url).await.expect("sqlite store opens");
    TestDb {
        label: "sqlite",
        url,
        store,
    }
}

/// A fresh database on the PostgreSQL server `server` (a URL ending in a database name),
/// migrated.
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

/// Opens the `maternity_allowance` case of a fixture claim written straight into
/// `ma_claims` as `approved` (tests that start from an approved claim: settlement), with the
/// steps an approval leaves (`created`, `submitted`, `approved`), so the claim's status
/// replays from its case as for a real one. Returns the case id for `ma_claims.case_id`.
pub async fn approved_claim_case(store: &Store, person_id: &str, region: &str) -> String {
    use onething_domain::Calendar;
    use onething_domain::case::{Action, ActorRole, EventBody};
    use onething_store::cases::{Actor, NewCase};
    // Approved on Monday 2 September 2024 (inside the shipped calendar).
    let at = chrono::DateTime::parse_from_rfc3339("2024-09-02T02:00:00Z")
        .expect("fixture instant")
        .to_utc();
    let actor = |key: String| Actor {
        name: "fixture".into(),
        role: ActorRole::System,
        idempotency_key: key,
        at,
    };
    let new = NewCase {
        bundle: "maternity_allowance".into(),
        applicant: format!("person:{person_id}"),
        region: Some(region.to_owned()),
        filer: None,
        id: None,
    };
    let mut case = store
        .open_case(&new, &actor(fresh_name()))
        .await
        .expect("fixture case");
    for step in ["created", "submitted", "approved"] {
        let body = EventBody::Service {
            step: step.into(),
            detail: serde_json::json!({"fixture": true}),
        };
        case = store
            .append(&case, vec![body], &actor(fresh_name()))
            .await
            .expect("fixture step");
    }
    // The items as an approval leaves them: the data in, the payment item started.
    let calendar = Calendar::shipped();
    store
        .accept_all(&case.id, &actor(fresh_name()), &calendar)
        .await
        .expect("fixture accept");
    let done = |key: &str| Action::Complete {
        certificate_ref: Some(key.to_owned()),
    };
    let moves = [
        ("HEALTH-BIRTH-CERT-INFO", Action::Start),
        ("HEALTH-BIRTH-CERT-INFO", done("fixture-certificate")),
        ("TAX-EMPLOYER-WAGE", Action::Start),
        ("TAX-EMPLOYER-WAGE", done("fixture-wage")),
        ("HOSPITAL-DELIVERY-INFO", Action::Start),
        ("HOSPITAL-DELIVERY-INFO", done("fixture-delivery")),
        ("PS-05", Action::Start),
    ];
    for (item, action) in moves {
        store
            .change_item(&case.id, item, action, &actor(fresh_name()), &calendar)
            .await
            .expect("fixture move");
    }
    case.id
}

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
    dbs(Migrated::Yes).await
}

/// [`test_dbs`] connected but not migrated: a migration's test takes them to the version
/// before it (`Store::migrate_to`).
pub async fn unmigrated_test_dbs() -> Vec<TestDb> {
    dbs(Migrated::No).await
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Migrated {
    Yes,
    No,
}

async fn dbs(migrated: Migrated) -> Vec<TestDb> {
    let mut dbs = vec![sqlite_as(migrated).await];
    match std::env::var("ONETHING_TEST_PG") {
        Ok(server) if !server.is_empty() => dbs.push(postgres_as(&server, migrated).await),
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
    sqlite_as(Migrated::Yes).await
}

async fn sqlite_as(migrated: Migrated) -> TestDb {
    let dir = std::env::temp_dir().join(format!("onething-test-{}", fresh_name()));
    let url = format!("sqlite://{}/test.db", dir.display());
    let store = opened(&url, migrated).await;
    TestDb {
        label: "sqlite",
        url,
        store,
    }
}

/// A fresh database on the PostgreSQL server `server` (a URL ending in a database name),
/// migrated.
pub async fn postgres(server: &str) -> TestDb {
    postgres_as(server, Migrated::Yes).await
}

async fn postgres_as(server: &str, migrated: Migrated) -> TestDb {
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
    let store = opened(&url, migrated).await;
    TestDb {
        label: "postgres",
        url,
        store,
    }
}

async fn opened(url: &str, migrated: Migrated) -> Store {
    let store = Store::connect(url).await.expect("store connects");
    if migrated == Migrated::Yes {
        store.migrate().await.expect("store migrates");
    }
    store
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

/// Copies the case `template` (with its events and items) to `{prefix}{i}` for every `i` in
/// `from..=to`, in one statement per table: fixtures of thousands of claims (settlement's
/// crash test) each get a case as real as the template's, at bulk-insert speed.
pub async fn clone_case(store: &Store, template: &str, prefix: &str, from: i64, to: i64) {
    const NUMBERS: &str = "WITH RECURSIVE n(i) AS (SELECT CAST($2 AS BIGINT) UNION ALL SELECT i + 1 FROM n WHERE i < CAST($3 AS BIGINT))";
    let statements = [
        format!(
            "{NUMBERS} INSERT INTO cases (id, bundle, catalog_version, applicant, region, status, version, opened_at, updated_at, due_on, filer)
             SELECT $4 || n.i, c.bundle, c.catalog_version, c.applicant, c.region, c.status, c.version, c.opened_at, c.updated_at, c.due_on, c.filer
             FROM cases c, n WHERE c.id = $1"
        ),
        format!(
            "{NUMBERS} INSERT INTO case_events (case_id, seq, at, actor, role, kind, item, idempotency_key, body)
             SELECT $4 || n.i, e.seq, e.at, e.actor, e.role, e.kind, e.item, e.idempotency_key || '-' || $4 || n.i, e.body
             FROM case_events e, n WHERE e.case_id = $1"
        ),
        format!(
            "{NUMBERS} INSERT INTO case_items (case_id, item, department, state, due_on, accepted_on, finished_on)
             SELECT $4 || n.i, i.item, i.department, i.state, i.due_on, i.accepted_on, i.finished_on
             FROM case_items i, n WHERE i.case_id = $1"
        ),
    ];
    let mut tx = store.pool().begin().await.expect("tx");
    for sql in statements {
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(template)
            .bind(from)
            .bind(to)
            .bind(prefix)
            .execute(&mut *tx)
            .await
            .expect("clone case");
    }
    tx.commit().await.expect("commit");
}

/// Fails naming any `tests/*.rs` file of the crate at `manifest_dir` that `integration`
/// (the text of its `tests/integration.rs`) does not declare as a module: with one test
/// binary per crate (`autotests = false`), a forgotten file would silently never run.
pub fn assert_every_test_file_is_a_module(manifest_dir: &str, integration: &str) {
    let dir = std::path::Path::new(manifest_dir).join("tests");
    for entry in std::fs::read_dir(&dir).expect("tests dir") {
        let path = entry.expect("entry").path();
        let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        if path.extension().is_some_and(|e| e == "rs") && stem != "integration" {
            let declared = format!("mod {stem};");
            assert!(
                integration.contains(&declared),
                "tests/{stem}.rs is not in tests/integration.rs"
            );
        }
    }
}

/// The payables of fixture claims written straight into `ma_claims` as `approved` (what
/// approval creates through the services): for every approved claim without one, a `due`
/// payable with the claim's amount, payee, account (else the employer's on file), approval
/// date, due date and region — the same copy the migration makes of an upgraded database.
pub async fn claim_payables(store: &Store) {
    sqlx::query(
        "INSERT INTO payables (id, service, subject_type, subject_id, case_id, case_item, payee_kind,
             payee_name, bank, account_number, amount_fen, owed_on, due_on, due_on_provisional,
             region, status, created_at, updated_at)
         SELECT 'ma_claim-' || c.id, 'maternity_allowance', 'ma_claim', c.id, c.case_id, 'PS-05',
             c.payee, COALESCE(c.account_name, e.account_name), COALESCE(c.bank, e.bank),
             COALESCE(c.account_number, e.number), COALESCE(c.amount_fen, 0),
             COALESCE(c.approved_on, substr(c.created_at, 1, 10)),
             COALESCE(c.payment_due, c.approved_on, substr(c.created_at, 1, 10)),
             c.payment_due_provisional, COALESCE(c.region, substr(c.employer_uscc, 3, 6)), 'due',
             c.updated_at, c.updated_at
         FROM ma_claims c
         LEFT JOIN employer_accounts e ON e.employer_uscc = c.employer_uscc AND c.payee = 'employer'
         WHERE c.status = 'approved'
           AND NOT EXISTS (SELECT 1 FROM payables p
                           WHERE p.service = 'maternity_allowance' AND p.subject_id = c.id)",
    )
    .execute(store.pool())
    .await
    .expect("fixture payables");
}

/// The validated id of a claim a test holds, for the use cases that take one (the store's
/// rows keep the plain text they were written with).
pub trait ClaimIdOf {
    fn claim_id(&self) -> onething_domain::ids::ClaimId;
}

impl ClaimIdOf for onething_store::allowance::claims::Claim {
    fn claim_id(&self) -> onething_domain::ids::ClaimId {
        onething_domain::ids::ClaimId::parse(&self.id).expect("the platform issues valid claim ids")
    }
}

/// A case id a test read back from the platform, validated for the use cases that take one.
pub fn case_id(text: &str) -> onething_domain::ids::CaseId {
    onething_domain::ids::CaseId::parse(text).expect("the platform issues valid case ids")
}

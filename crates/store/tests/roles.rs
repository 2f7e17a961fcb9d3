//! The PostgreSQL role set-up of docs/security.md ("Database roles"): the schema belongs to
//! an owner role that only migrations use; the app servers' role can write the audit log
//! but can neither change its entries nor remove the triggers that keep it append-only.
//! Needs `ONETHING_TEST_PG` (a superuser URL, as `scripts/pg-throwaway.sh` gives).

use chrono::Utc;
use onething_store::Store;
use onething_store::audit::NewAuditEntry;
use sqlx::{AssertSqlSafe, Executor};

fn url_as(server: &str, role: &str, database: &str) -> String {
    let (scheme, rest) = server.split_once("://").expect("URL");
    let host = rest.split_once('@').map_or(rest, |(_, host)| host);
    let (host, _) = host.rsplit_once('/').expect("database in URL");
    format!("{scheme}://{role}@{host}/{database}")
}

async fn run(store: &Store, sql: &str) -> Result<(), sqlx::Error> {
    store
        .pool()
        .execute(AssertSqlSafe(sql.to_owned()))
        .await
        .map(|_| ())
}

#[tokio::test]
async fn the_app_role_cannot_change_the_audit_log_or_drop_its_triggers() {
    let Ok(server) = std::env::var("ONETHING_TEST_PG") else {
        eprintln!("ONETHING_TEST_PG not set: role test skipped");
        return;
    };
    let admin = Store::connect(&server).await.expect("server");
    let n = format!(
        "{}x{}",
        std::process::id(),
        Utc::now().timestamp_subsec_nanos()
    );
    let (owner, app, db) = (format!("own{n}"), format!("app{n}"), format!("roles{n}"));
    for sql in [
        format!("CREATE ROLE {owner} LOGIN"),
        format!("CREATE ROLE {app} LOGIN"),
        format!("CREATE DATABASE {db} OWNER {owner}"),
    ] {
        run(&admin, &sql).await.expect("set-up");
    }
    let as_owner = Store::open(&url_as(&server, &owner, &db))
        .await
        .expect("migrate as owner");
    for sql in [
        format!("GRANT USAGE ON SCHEMA public TO {app}"),
        format!("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {app}"),
        format!("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {app}"),
        format!("REVOKE UPDATE, DELETE, TRUNCATE ON audit_log, case_events FROM {app}"),
    ] {
        run(&as_owner, &sql).await.expect("grants");
    }
    let as_app = Store::connect(&url_as(&server, &app, &db))
        .await
        .expect("connect as app");
    let entry = NewAuditEntry {
        at: Utc::now(),
        actor: "clerk".into(),
        role: None,
        action: "sign_in".into(),
        subject_type: "user".into(),
        subject_id: "clerk".into(),
        case_id: None,
        detail: serde_json::json!({}),
    };
    as_app
        .append_audit(&entry)
        .await
        .expect("the app writes the log");
    for attack in [
        "DROP TRIGGER audit_log_no_update ON audit_log",
        "ALTER TABLE audit_log DISABLE TRIGGER ALL",
        "UPDATE audit_log SET actor = 'someone else'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
        "DROP TABLE audit_log",
    ] {
        assert!(
            run(&as_app, attack).await.is_err(),
            "the app role could: {attack}"
        );
    }
    let report = as_app.verify_audit_chain().await.expect("verify");
    assert!(report.problems.is_empty(), "{report:?}");
}

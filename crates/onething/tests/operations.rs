//! Operators' commands, run as an operator would: `onething audit verify` finds an audit
//! entry edited, deleted or moved (and passes an intact log); `onething backup` and
//! `onething restore` round-trip a database (SQLite always, PostgreSQL when
//! `ONETHING_TEST_PG` is set and `pg_dump` is installed).

use std::process::{Command, Output};

use crate::process::{onething, text};
use chrono::{TimeZone, Utc};
use onething_store::Store;
use onething_store::audit::NewAuditEntry;
use sqlx::{AssertSqlSafe, Executor};

fn entry(n: u32) -> NewAuditEntry {
    NewAuditEntry {
        at: Utc
            .with_ymd_and_hms(2024, 9, 27, 4, n, 0)
            .single()
            .expect("instant"),
        actor: format!("clerk{n}"),
        role: None,
        action: "reveal_applicant_id".into(),
        subject_type: "case".into(),
        subject_id: format!("c{n}"),
        case_id: Some(format!("c{n}")),
        detail: serde_json::json!({"reason": format!("核对{n}")}),
    }
}

/// A SQLite database with five audit entries (ids 1–5), its URL and its folder.
async fn audited_db() -> (tempfile::TempDir, String, Store) {
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}/a.db", dir.path().display());
    let store = Store::open(&url).await.expect("store");
    for n in 1..=5 {
        store.append_audit(&entry(n)).await.expect("append");
    }
    (dir, url, store)
}

/// Runs `sql` as someone with direct access to the file would: around the triggers.
async fn tamper(store: &Store, sql: &str) {
    let mut conn = store.pool().acquire().await.expect("conn");
    conn.execute("DROP TRIGGER audit_log_no_update")
        .await
        .expect("drop");
    conn.execute("DROP TRIGGER audit_log_no_delete")
        .await
        .expect("drop");
    conn.execute(AssertSqlSafe(sql.to_owned()))
        .await
        .expect("tamper");
}

fn verify(url: &str) -> Output {
    onething(&["audit", "verify", "--db", url])
}

#[tokio::test]
async fn audit_verify_passes_an_intact_log_and_names_what_was_changed() {
    let (_dir, url, store) = audited_db().await;
    let intact = verify(&url);
    assert_eq!(intact.status.code(), Some(0), "{}", text(&intact.stderr));
    assert!(
        text(&intact.stdout).contains("head 5 "),
        "{}",
        text(&intact.stdout)
    );

    tamper(
        &store,
        "UPDATE audit_log SET detail = '{\"reason\":\"x\"}' WHERE id = 3",
    )
    .await;
    let edited = verify(&url);
    assert_eq!(edited.status.code(), Some(1));
    assert!(
        text(&edited.stderr).contains("audit entry 3: edited"),
        "{}",
        text(&edited.stderr)
    );

    let (_dir, url, store) = audited_db().await;
    tamper(&store, "DELETE FROM audit_log WHERE id = 2").await;
    let deleted = verify(&url);
    assert_eq!(deleted.status.code(), Some(1));
    assert!(
        text(&deleted.stderr).contains("audit entry 3: broken link"),
        "{}",
        text(&deleted.stderr)
    );

    let (_dir, url, store) = audited_db().await;
    // Two entries swap places, hashes and all.
    tamper(
        &store,
        "UPDATE audit_log SET id = CASE id WHEN 2 THEN 102 ELSE 103 END WHERE id IN (2, 4);
         UPDATE audit_log SET id = CASE id WHEN 102 THEN 4 ELSE 2 END WHERE id IN (102, 103)",
    )
    .await;
    let moved = verify(&url);
    assert_eq!(moved.status.code(), Some(1));
    let stderr = text(&moved.stderr);
    assert!(stderr.contains("audit entry 2: broken link"), "{stderr}");
}

/// What a round trip must keep: every table's rows, in a form that compares.
async fn snapshot(store: &Store) -> Vec<(String, i64)> {
    let mut counts = Vec::new();
    for table in [
        "audit_log",
        "users",
        "departments",
        "case_events",
        "sign_in_attempts",
    ] {
        let n: i64 = sqlx::query_scalar(AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
            .fetch_one(store.pool())
            .await
            .expect("count");
        counts.push((table.to_owned(), n));
    }
    let hashes: Vec<String> = sqlx::query_scalar("SELECT hash FROM audit_log ORDER BY id")
        .fetch_all(store.pool())
        .await
        .expect("hashes");
    counts.push((hashes.join(","), 0));
    counts
}

async fn round_trip(url: &str, restored_url: &str, out: &std::path::Path) {
    let store = Store::open(url).await.expect("store");
    for n in 1..=5 {
        store.append_audit(&entry(n)).await.expect("append");
    }
    store
        .record_sign_in_attempt("clerk1", "192.0.2.1", false, Utc::now())
        .await
        .expect("attempt");
    let before = snapshot(&store).await;
    let out_text = out.display().to_string();
    let backup = onething(&["backup", "--db", url, "--out", &out_text]);
    assert_eq!(backup.status.code(), Some(0), "{}", text(&backup.stderr));
    let again = onething(&["backup", "--db", url, "--out", &out_text]);
    assert_eq!(again.status.code(), Some(2), "never overwrites a backup");
    let restore = onething(&["restore", "--db", restored_url, "--from", &out_text]);
    assert_eq!(restore.status.code(), Some(0), "{}", text(&restore.stderr));
    let restored = Store::open(restored_url).await.expect("restored");
    assert_eq!(snapshot(&restored).await, before);
    assert_eq!(verify(restored_url).status.code(), Some(0));
    let over = onething(&["restore", "--db", restored_url, "--from", &out_text]);
    assert_eq!(over.status.code(), Some(2), "never restores over data");
}

#[tokio::test]
async fn backup_and_restore_round_trip_on_sqlite() {
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}/live.db", dir.path().display());
    let restored = format!("sqlite://{}/restored/live.db", dir.path().display());
    round_trip(&url, &restored, &dir.path().join("live.backup")).await;
}

#[tokio::test]
async fn backup_and_restore_round_trip_on_postgres() {
    let Ok(server) = std::env::var("ONETHING_TEST_PG") else {
        eprintln!("ONETHING_TEST_PG not set: PostgreSQL round trip skipped");
        return;
    };
    if Command::new("pg_dump").arg("--version").output().is_err()
        && std::env::var_os("ONETHING_PG_BIN").is_none()
    {
        eprintln!("pg_dump not found: PostgreSQL round trip skipped");
        return;
    }
    let admin = Store::connect(&server).await.expect("server");
    let suffix = format!(
        "{}x{}",
        std::process::id(),
        Utc::now().timestamp_subsec_nanos()
    );
    let (live, copy) = (format!("b{suffix}"), format!("r{suffix}"));
    for name in [&live, &copy] {
        admin
            .pool()
            .execute(AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .await
            .expect("create");
    }
    let (base, _) = server.rsplit_once('/').expect("database in URL");
    let dir = tempfile::tempdir().expect("dir");
    round_trip(
        &format!("{base}/{live}"),
        &format!("{base}/{copy}"),
        &dir.path().join("pg.dump"),
    )
    .await;
}

//! `onething settle`, run as an operator would: the kill -9 test (MA-5: a settlement
//! interrupted at any point and rerun pays no claim twice and loses none), a failed payment
//! re-batched after its account is corrected and not before, and the exit codes.

use onething_services::allowance::payment_texts;
use std::process::{Command, Stdio};
use std::time::Duration;

use onething_domain::allowance::settlement::{Payee, PayeeAccount, parse_results};
use onething_store::Store;
use onething_store::allowance::settlements::Acting;
use sqlx::{AssertSqlSafe, Row};

use crate::seed;

use crate::process::{onething, text};
use seed::seed;

const CLAIMS: usize = 20_000;
const CLAIMS_PG: usize = 3_000;
/// Which claims each payment carries: the payment lines over the claims' payables.
const LINES: &str = "(SELECT l.payment_id, y.subject_id AS claim_id, l.amount_fen
     FROM payment_lines l JOIN payables y ON y.id = l.payable_id)";
const UNTIL: &str = "2024-11-15";

fn temp_db(name: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}/{name}.db", dir.path().display());
    (dir, url)
}

/// Every claim is settled in exactly one payment; the batches' totals add up.
async fn assert_settled_exactly_once(store: &Store, n: usize, total: i64) {
    let one: i64 = sqlx::query_scalar(AssertSqlSafe(format!(
        "SELECT COUNT(*) FROM (SELECT claim_id FROM {LINES} pl GROUP BY claim_id HAVING COUNT(*) = 1) x"
    )))
    .fetch_one(store.pool())
    .await
    .expect("count");
    let twice: i64 = sqlx::query_scalar(AssertSqlSafe(format!(
        "SELECT COUNT(*) FROM (SELECT claim_id FROM {LINES} pl GROUP BY claim_id HAVING COUNT(*) > 1) x"
    )))
    .fetch_one(store.pool())
    .await
    .expect("count");
    assert_eq!(
        (one, twice),
        (i64::try_from(n).expect("n"), 0),
        "each claim in exactly one payment"
    );
    let unsettled: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM ma_claims WHERE status <> 'settled' OR payment_id IS NULL",
    )
    .fetch_one(store.pool())
    .await
    .expect("count");
    assert_eq!(unsettled, 0, "no claim lost");
    let row = sqlx::query(AssertSqlSafe(format!(
        "SELECT CAST(SUM(total_fen) AS BIGINT) AS batches, CAST(SUM(claims) AS BIGINT) AS claims,
                (SELECT CAST(SUM(amount_fen) AS BIGINT) FROM payments) AS payments,
                (SELECT CAST(SUM(amount_fen) AS BIGINT) FROM {LINES} pl) AS lines
         FROM settlements"
    )))
    .fetch_one(store.pool())
    .await
    .expect("sums");
    for column in ["batches", "payments", "lines"] {
        assert_eq!(
            row.get::<i64, _>(column),
            total,
            "{column} sum equals the claims' sum"
        );
    }
    assert_eq!(row.get::<i64, _>("claims"), i64::try_from(n).expect("n"));
    let mislinked: i64 = sqlx::query_scalar(AssertSqlSafe(format!(
        "SELECT COUNT(*) FROM ma_claims c JOIN {LINES} pc ON pc.claim_id = c.id
         WHERE pc.payment_id <> c.payment_id OR pc.amount_fen <> c.amount_fen"
    )))
    .fetch_one(store.pool())
    .await
    .expect("count");
    assert_eq!(mislinked, 0);
}

/// Each claim's settlement messages (to the employer and the person) were written exactly
/// once: in the settlement's own transaction, so a killed run leaves none behind and the
/// rerun writes them for the claims it settles.
async fn assert_notified_once(store: &Store, n: usize) {
    let row = sqlx::query(
        "SELECT COUNT(*) AS claims, MIN(c) AS fewest, MAX(c) AS most FROM
           (SELECT subject_id, COUNT(*) AS c FROM notifications
             WHERE subject_type = 'ma_claim' GROUP BY subject_id) x",
    )
    .fetch_one(store.pool())
    .await
    .expect("counts");
    let (claims, fewest, most): (i64, i64, i64) =
        (row.get("claims"), row.get("fewest"), row.get("most"));
    assert_eq!(claims, i64::try_from(n).expect("n"), "every claim notified");
    assert_eq!(
        (fewest, most),
        (2, 2),
        "the employer and the person, once each"
    );
}

/// On a SQLite file with 20,000 claims, and on PostgreSQL with 3,000 when
/// `ONETHING_TEST_PG` names a server.
#[tokio::test(flavor = "multi_thread")]
async fn a_settlement_killed_at_any_point_and_rerun_pays_each_claim_once() {
    let (_dir, url) = temp_db("kill");
    kill_and_rerun(&url, CLAIMS).await;
    if let Ok(server) = std::env::var("ONETHING_TEST_PG") {
        kill_and_rerun(&crate::two_servers::fresh_db(&server).await, CLAIMS_PG).await;
    }
}

async fn kill_and_rerun(url: &str, claims: usize) {
    let url = url.to_owned();
    let store = Store::open(&url).await.expect("store");
    let total = seed(&store, claims).await;
    store.close().await;
    let mut finished_early = 0;
    for delay_ms in [5_u64, 20, 60, 150, 400, 900, 2_000, 3_000] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_onething"))
            .args(["settle", "--db", &url, "--until", UNTIL])
            .env("ONETHING_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("starts");
        tokio::time::sleep(Duration::from_millis(delay_ms)).await;
        // `Child::kill` is SIGKILL on Unix: no destructor, no rollback, no clean close.
        if child.try_wait().expect("status").is_some() {
            finished_early += 1;
        }
        let _ = child.kill();
        child.wait().expect("reaped");
    }
    let started = std::time::Instant::now();
    let out = onething(&["settle", "--db", &url, "--until", UNTIL]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    eprintln!(
        "{} claims on {}: rerun to completion took {:?}; {finished_early} of 8 runs finished before their kill",
        claims,
        url.split(':').next().unwrap_or_default(),
        started.elapsed()
    );
    assert!(
        finished_early < 8,
        "no kill landed before a run finished: the test proves nothing"
    );
    let store = Store::open(&url).await.expect("store");
    assert_settled_exactly_once(&store, claims, total).await;
    assert_notified_once(&store, claims).await;
    let batches: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM settlements")
        .fetch_one(store.pool())
        .await
        .expect("count");
    assert!(
        batches >= 1,
        "{batches} batches ({finished_early} runs finished before their kill)"
    );
    // Once everything is settled, another run settles nothing.
    let again = onething(&["settle", "--db", &url, "--until", UNTIL]);
    assert_eq!(again.status.code(), Some(0));
    assert!(
        text(&again.stdout).contains("nothing to settle"),
        "{}",
        text(&again.stdout)
    );
    store.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_payment_goes_into_the_next_run_only_after_its_account_is_corrected() {
    let (_dir, url) = temp_db("failed");
    let store = Store::open(&url).await.expect("store");
    let total = seed(&store, 3).await;
    let first = onething(&["settle", "--db", &url, "--until", UNTIL]);
    assert_eq!(first.status.code(), Some(0), "{}", text(&first.stderr));
    let stdout = text(&first.stdout);
    assert!(stdout.contains("claims: 3"), "{stdout}");
    assert!(stdout.contains(&format!("({total} fen)")), "{stdout}");
    let settlement_id = stdout
        .lines()
        .find_map(|l| l.strip_prefix("结算批次 / settlement: "))
        .expect("settlement id")
        .to_owned();

    let payment: String =
        sqlx::query_scalar("SELECT payment_id FROM ma_claims WHERE id = 'claim-00001'")
            .fetch_one(store.pool())
            .await
            .expect("payment");
    let acting = Acting {
        name: "clerk".into(),
        role: None,
        at: chrono::Utc::now(),
    };
    let rows =
        parse_results(format!("payment_id,result,reason\n{payment},failed,账户冻结\n").as_bytes())
            .expect("rows");
    store
        .import_results(&settlement_id, &rows, &acting, payment_texts)
        .await
        .expect("import");

    let before = onething(&["settle", "--db", &url, "--until", UNTIL]);
    assert!(
        text(&before.stdout).contains("nothing to settle"),
        "not before the correction"
    );

    let account = PayeeAccount::parse("测试单位", "测试银行", "31000000009999", Payee::Employer)
        .expect("account");
    store
        .correct_account("claim-00001", &account, &acting)
        .await
        .expect("corrected");
    let after = onething(&["settle", "--db", &url, "--until", UNTIL]);
    let stdout = text(&after.stdout);
    assert!(stdout.contains("claims: 1"), "{stdout}");
    assert!(stdout.contains("**********9999"), "{stdout}");
    let status: String =
        sqlx::query_scalar("SELECT status FROM ma_claims WHERE id = 'claim-00001'")
            .fetch_one(store.pool())
            .await
            .expect("status");
    assert_eq!(status, "settled");
    store.close().await;
}

#[test]
fn usage_errors_exit_2_in_chinese_and_english() {
    let (_dir, url) = temp_db("usage");
    let future = onething(&["settle", "--db", &url, "--until", "2999-01-01"]);
    assert_eq!(future.status.code(), Some(2));
    let stderr = text(&future.stderr);
    assert!(
        stderr.contains("错误：") && stderr.contains("error:"),
        "{stderr}"
    );
    let bad_date = onething(&["settle", "--db", &url, "--until", "2024-02-30"]);
    assert_eq!(bad_date.status.code(), Some(2));
    let bad_region = onething(&["settle", "--db", &url, "--until", UNTIL, "--region", "12"]);
    assert_eq!(bad_region.status.code(), Some(2));
    let bad_db = onething(&["settle", "--db", "mysql://x/y", "--until", UNTIL]);
    assert_eq!(bad_db.status.code(), Some(2));
}

#[test]
fn serve_refuses_a_bad_settlement_schedule_before_starting() {
    let (dir, url) = temp_db("serve");
    let config = dir.path().join("onething.toml");
    std::fs::write(&config, "[settlement]\ndays = [15, 31]\n").expect("config");
    let config = config.display().to_string();
    let out = onething(&[
        "serve",
        "--db",
        &url,
        "--listen",
        "127.0.0.1:0",
        "--config",
        &config,
    ]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("结算日 31 超出范围"), "{stderr}");
    assert!(stderr.contains("out of range"), "{stderr}");
}

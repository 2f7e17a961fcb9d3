//! Two `onething serve` processes (the real binary) on one PostgreSQL: the sign-in limit
//! holds across them, a request accepted by one is a replay at the other, the settlement
//! schedule firing on both at once settles every claim in exactly one batch, both outboxes
//! deliver every message once, of concurrent results for one item only one transition
//! is written, and a sign-out on one ends the session on the other at once.
//! Needs `ONETHING_TEST_PG` (skipped without it, mandatory on CI like the other PostgreSQL
//! halves).

use crate::seed;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::process::{add_admin, free_port, onething_ok};
use chrono::{Datelike, Utc};
use onething_domain::Calendar;
use onething_domain::case::ActorRole;
use onething_domain::china_time::date_in_china;
use onething_exchange::signature::{read_signing_key, sign};
use onething_store::Store;
use onething_store::cases::{Actor, NewCase};
use sqlx::{AssertSqlSafe, Executor};

const CLAIMS: usize = 2_000;

pub(crate) struct Server(pub(crate) Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn request(port: u16, head: &str, body: &[u8]) -> (u16, String) {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return (0, String::new());
    };
    let head = format!(
        "{head}host: x\r\nconnection: close\r\ncontent-length: {}\r\n\r\n",
        body.len()
    );
    if stream
        .write_all(head.as_bytes())
        .and_then(|()| stream.write_all(body))
        .is_err()
    {
        return (0, String::new());
    }
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    let status = response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (
        status,
        response.split("\r\n\r\n").nth(1).unwrap_or("").to_owned(),
    )
}

pub(crate) fn serve(db: &str, config: &str) -> (u16, Server) {
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_onething"))
        .args([
            "serve",
            "--db",
            db,
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--config",
            config,
        ])
        .env("ONETHING_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve");
    let server = Server(child);
    let started = Instant::now();
    while request(port, "GET /readyz HTTP/1.1\r\n", b"").0 != 200 {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "server did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    (port, server)
}

/// Today as a settlement day when the schedule can make it one (a working day, 1st–28th).
fn settlement_day_today() -> Option<u32> {
    let today = date_in_china(Utc::now());
    let working = Calendar::shipped().is_working_day(today).ok()?;
    (working && today.day() <= 28).then_some(today.day())
}

#[tokio::test(flavor = "multi_thread")]
async fn two_app_servers_share_limits_replays_and_the_settlement_schedule() {
    let Ok(server) = std::env::var("ONETHING_TEST_PG") else {
        eprintln!("ONETHING_TEST_PG not set: two-server test skipped");
        return;
    };
    let admin = Store::connect(&server).await.expect("server");
    let name = format!(
        "two{}x{}",
        std::process::id(),
        Utc::now().timestamp_subsec_nanos()
    );
    admin
        .pool()
        .execute(AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .await
        .expect("db");
    let (base, _) = server.rsplit_once('/').expect("database in URL");
    let db = format!("{base}/{name}");
    onething_ok(&["migrate", "--db", &db]);
    let store = Store::open(&db).await.expect("store");
    seed::seed(&store, CLAIMS).await;

    let dir = tempfile::tempdir().expect("dir");
    let path = |p: &str| dir.path().join(p).display().to_string();
    onething_ok(&["dept", "keygen", "--out", &path("platform")]);
    onething_ok(&["dept", "keygen", "--out", &path("civil")]);
    onething_ok(&[
        "dept",
        "add",
        "--db",
        &db,
        "--id",
        "civil-two",
        "--name",
        "民政",
        "--kind",
        "civil_affairs",
        "--public-key",
        &path("civil.pub"),
    ]);
    let day = settlement_day_today();
    let settlement = match day {
        Some(day) => format!("[settlement]\ndays = [{day}]\nat = \"00:00\"\n"),
        None => "[settlement]\nenabled = false\n".to_owned(),
    };
    let config = path("onething.toml");
    std::fs::write(
        &config,
        format!(
            "[platform]\nkey = \"{}\"\n{settlement}",
            path("platform.key")
        ),
    )
    .expect("config");
    let (a, _server_a) = serve(&db, &config);
    let (b, _server_b) = serve(&db, &config);

    // Five failures spread over both servers use up the account's limit on both.
    let login = br#"{"username":"nobody","password":"wrong-password"}"#;
    let head = "POST /api/v1/session HTTP/1.1\r\ncontent-type: application/json\r\n";
    for port in [a, b, a, b, a] {
        assert_eq!(request(port, head, login).0, 401);
    }
    assert_eq!(
        request(b, head, login).0,
        429,
        "the limit holds across servers"
    );
    assert_eq!(request(a, head, login).0, 429);

    // A push accepted by one server is a replay at the other.
    let body = br#"{"records":[{"certificate_no":"TWO-1","husband_id":"500228198801010033","wife_id":"500228199003050027","registered_on":"2019-05-20","status":"married"}]}"#;
    let key = read_signing_key(&dir.path().join("civil.key")).expect("key");
    let ts = Utc::now().timestamp();
    let push_path = "/api/v1/exchange/marriages";
    let signed = format!(
        "POST {push_path} HTTP/1.1\r\ncontent-type: application/json\r\nx-onething-dept: civil-two\r\n\
         x-onething-timestamp: {ts}\r\nx-onething-signature: {}\r\n",
        sign(&key, "POST", push_path, ts, body)
    );
    assert_eq!(request(a, &signed, body).0, 200);
    let (status, answer) = request(b, &signed, body);
    assert_eq!(status, 401, "{answer}");
    assert!(answer.contains("REPLAYED_REQUEST"), "{answer}");

    // Both schedules fired at start: one batch took every claim, the other found nothing.
    let Some(_) = day else {
        eprintln!("today is no possible settlement day: schedule half skipped");
        return;
    };
    let started = Instant::now();
    loop {
        let unsettled: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM ma_claims WHERE status <> 'settled'")
                .fetch_one(store.pool())
                .await
                .expect("count");
        if unsettled == 0 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "{unsettled} claims never settled"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let batches: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM settlements")
        .fetch_one(store.pool())
        .await
        .expect("count");
    assert_eq!(batches, 1, "one settlement batch");
    let twice: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM (SELECT payable_id FROM payment_lines GROUP BY payable_id HAVING COUNT(*) > 1) x",
    )
    .fetch_one(store.pool())
    .await
    .expect("count");
    assert_eq!(twice, 0, "no claim paid twice");
}

/// A fresh database on the test server: its URL.
pub(crate) async fn fresh_db(server: &str) -> String {
    let admin = Store::connect(server).await.expect("server");
    let name = format!(
        "two{}x{}",
        std::process::id(),
        Utc::now().timestamp_subsec_nanos()
    );
    admin
        .pool()
        .execute(AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .await
        .expect("db");
    let (base, _) = server.rsplit_once('/').expect("database in URL");
    format!("{base}/{name}")
}

/// A department's webhook: answers 200 to every POST and records the body of each.
fn webhook() -> (String, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    slow_webhook(Duration::ZERO)
}

/// A webhook that records each body, then waits `delay` before answering (so that a kill
/// can land while a delivery is in flight).
pub(crate) fn slow_webhook(
    delay: Duration,
) -> (String, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}/hook", listener.local_addr().expect("addr"));
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let calls = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut stream = stream;
            let mut data = Vec::new();
            let mut buf = [0u8; 4096];
            // Headers, then as many body bytes as Content-Length says.
            while let Ok(n) = stream.read(&mut buf) {
                if n == 0 {
                    break;
                }
                data.extend_from_slice(&buf[..n]);
                let text = String::from_utf8_lossy(&data).into_owned();
                if let Some((head, body)) = text.split_once("\r\n\r\n") {
                    let length = head
                        .lines()
                        .find_map(|l| {
                            l.to_ascii_lowercase()
                                .strip_prefix("content-length:")
                                .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                        })
                        .unwrap_or(0);
                    if body.len() >= length {
                        calls.lock().expect("lock").push(body.to_owned());
                        break;
                    }
                }
            }
            std::thread::sleep(delay);
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
        }
    });
    (url, seen)
}

fn actor(role: ActorRole) -> Actor {
    Actor {
        name: "window".into(),
        role,
        idempotency_key: format!("k{}", Utc::now().timestamp_nanos_opt().unwrap_or_default()),
        at: chrono::TimeZone::with_ymd_and_hms(&Utc, 2024, 9, 27, 4, 0, 0)
            .single()
            .expect("at"),
    }
}

/// Routes the birth-certificate item of `n` newborn cases: `n` deliveries.
pub(crate) async fn routed_cases(store: &Store, n: usize) -> Vec<(String, String)> {
    let calendar = Calendar::shipped();
    store
        .ensure_shipped_catalog(actor(ActorRole::Applicant).at)
        .await
        .expect("catalogue");
    let mut routed = Vec::new();
    for _ in 0..n {
        let new = NewCase {
            bundle: "newborn".into(),
            applicant: "person:test".into(),
            region: Some("450100".into()),
            filer: None,
            id: None,
        };
        let case = store
            .open_case(&new, &actor(ActorRole::Applicant))
            .await
            .expect("case");
        store
            .accept_all(&case.id, &actor(ActorRole::Acceptor), &calendar)
            .await
            .expect("accept");
        let (_, delivery) = store
            .route_item(
                &case.id,
                "HEALTH-BIRTH-CERT",
                &actor(ActorRole::Handler),
                &calendar,
            )
            .await
            .expect("route");
        routed.push((case.id, delivery));
    }
    routed
}

#[tokio::test(flavor = "multi_thread")]
async fn both_outboxes_deliver_each_message_once_and_one_result_transition_wins() {
    let Ok(server) = std::env::var("ONETHING_TEST_PG") else {
        eprintln!("ONETHING_TEST_PG not set: two-server test skipped");
        return;
    };
    let db = fresh_db(&server).await;
    onething_ok(&["migrate", "--db", &db]);
    let store = Store::open(&db).await.expect("store");
    let dir = tempfile::tempdir().expect("dir");
    let path = |p: &str| dir.path().join(p).display().to_string();
    let (hook, seen) = webhook();
    onething_ok(&["dept", "keygen", "--out", &path("platform")]);
    onething_ok(&["dept", "keygen", "--out", &path("health")]);
    onething_ok(&[
        "dept",
        "add",
        "--db",
        &db,
        "--id",
        "health-two",
        "--name",
        "卫健",
        "--kind",
        "health",
        "--public-key",
        &path("health.pub"),
        "--webhook",
        &hook,
    ]);
    let routed = routed_cases(&store, 10).await;
    let config = path("onething.toml");
    let text = format!(
        "[platform]\nkey = \"{}\"\n[settlement]\nenabled = false\n",
        path("platform.key")
    );
    std::fs::write(&config, text).expect("config");
    let (a, _server_a) = serve(&db, &config);
    let (b, _server_b) = serve(&db, &config);

    let started = Instant::now();
    loop {
        let pending: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM deliveries WHERE status <> 'delivered'")
                .fetch_one(store.pool())
                .await
                .expect("count");
        if pending == 0 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(40),
            "{pending} deliveries never sent"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    tokio::time::sleep(Duration::from_secs(6)).await; // one more outbox round on each server
    let calls = seen.lock().expect("lock").clone();
    for (_, delivery) in &routed {
        let times = calls
            .iter()
            .filter(|body| body.contains(delivery.as_str()))
            .count();
        assert_eq!(times, 1, "delivery {delivery} sent {times} times");
    }

    // The department reports the same result to both servers at once (signed afresh each).
    let (case_id, delivery) = &routed[0];
    let before = store.case_events(case_id).await.expect("events").len();
    let key = read_signing_key(&dir.path().join("health.key")).expect("key");
    let body =
        format!(r#"{{"delivery_id":"{delivery}","result":"done","certificate_ref":"CERT-1"}}"#);
    let path = "/api/v1/exchange/results";
    let ts = Utc::now().timestamp();
    let requests: Vec<(u16, String)> = [(a, ts), (b, ts + 1)]
        .into_iter()
        .map(|(port, ts)| {
            let head = format!(
                "POST {path} HTTP/1.1\r\ncontent-type: application/json\r\nx-onething-dept: health-two\r\n\
                 x-onething-timestamp: {ts}\r\nx-onething-signature: {}\r\n",
                sign(&key, "POST", path, ts, body.as_bytes())
            );
            (port, head)
        })
        .collect();
    let answers: Vec<u16> = std::thread::scope(|scope| {
        let handles: Vec<_> = requests
            .iter()
            .map(|(port, head)| scope.spawn(|| request(*port, head, body.as_bytes()).0))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("request"))
            .collect()
    });
    assert!(
        answers.iter().all(|s| *s == 200 || *s == 409),
        "{answers:?}"
    );
    assert!(answers.contains(&200), "{answers:?}");
    let after = store.case_events(case_id).await.expect("events").len();
    assert_eq!(after, before + 1, "exactly one transition written");
}

/// Sessions are answered from memory between checks (store's session cache): a sign-out on
/// one server must still end the session on the other at once, not after the recheck.
#[tokio::test(flavor = "multi_thread")]
async fn a_sign_out_on_one_server_ends_the_session_on_the_other() {
    let Ok(server) = std::env::var("ONETHING_TEST_PG") else {
        eprintln!("ONETHING_TEST_PG not set: two-server test skipped");
        return;
    };
    let db = fresh_db(&server).await;
    onething_ok(&["migrate", "--db", &db]);
    add_admin(&db, "two-admin", "two-password-1");
    let dir = tempfile::tempdir().expect("dir");
    let path = |p: &str| dir.path().join(p).display().to_string();
    onething_ok(&["dept", "keygen", "--out", &path("platform")]);
    let config = path("onething.toml");
    let text = format!(
        "[platform]\nkey = \"{}\"\n[settlement]\nenabled = false\n",
        path("platform.key")
    );
    std::fs::write(&config, text).expect("config");
    let (a, _server_a) = serve(&db, &config);
    let (b, _server_b) = serve(&db, &config);

    let sign_in = br#"{"username":"two-admin","password":"two-password-1"}"#;
    let head = "POST /api/v1/session HTTP/1.1\r\ncontent-type: application/json\r\n";
    let (status, answer) = request(a, head, sign_in);
    assert_eq!(status, 200, "{answer}");
    let token: serde_json::Value = serde_json::from_str(&answer).expect("json");
    let token = token["token"].as_str().expect("token").to_owned();
    let bearer = format!("authorization: Bearer {token}\r\n");
    let check = format!("GET /api/v1/session HTTP/1.1\r\n{bearer}");
    // Read twice on B: the second answer comes from B's cache.
    assert_eq!(request(b, &check, b"").0, 200);
    assert_eq!(request(b, &check, b"").0, 200);

    let sign_out = format!("DELETE /api/v1/session HTTP/1.1\r\n{bearer}");
    let (status, answer) = request(a, &sign_out, b"");
    assert!(status == 200 || status == 204, "{status} {answer}");
    let started = Instant::now();
    while request(b, &check, b"").0 != 401 {
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "B still took the session after A ended it (the cache's recheck is 5 s)"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

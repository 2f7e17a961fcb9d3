//! Smoke tests of the benchmark pieces (`scripts/bench`) at tiny sizes: the province
//! generator, the per-claim rules timing, the comparison, the bench-only case seeding and
//! the open-loop load generator against a real `onething serve`, the claims bench (smart
//! review, settlement, payment file) and the claims seeding behind the API look-ups. The benchmark itself is
//! not part of the suite.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::process::{add_admin, free_port};
use serde_json::Value;

fn onething(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_onething"))
        .args(args)
        .output()
        .expect("runs")
}

fn ok_json(output: &Output) -> Value {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8_lossy(&output.stdout);
    serde_json::from_str(text.trim()).expect("one JSON object")
}

fn path(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

#[test]
fn province_cases_feed_calc_rules_and_compare() {
    let dir = tempfile::tempdir().expect("dir");
    let out = dir.path().join("province");
    let gen_out = onething(&[
        "gen",
        "--scale",
        "province",
        "--people",
        "300",
        "--cases",
        "200",
        "--seed",
        "5",
        "--out",
        path(&out),
    ]);
    assert!(gen_out.status.success(), "{gen_out:?}");
    for file in [
        "contributions.csv",
        "birth-certificates.csv",
        "maternity-cases.jsonl",
    ] {
        assert!(out.join(file).exists(), "{file} missing");
    }
    let cases = out.join("maternity-cases.jsonl");
    let results = dir.path().join("ours.jsonl");
    let calc = onething(&[
        "calc",
        "maternity-allowance",
        "--input",
        path(&cases),
        "--output",
        path(&results),
    ]);
    assert!(
        calc.status.success(),
        "every generated case is valid input: {calc:?}"
    );
    let text = std::fs::read_to_string(&results).expect("results");
    assert_eq!(text.lines().count(), 200);
    assert!(text.contains("\"eligible\":true") && text.contains("\"eligible\":false"));

    let timing = ok_json(&onething(&[
        "bench",
        "rules",
        "--input",
        path(&cases),
        "--claims",
        "50",
    ]));
    assert_eq!(timing["claims"], 50);
    assert!(timing["mean_us"].as_f64().expect("mean") > 0.0);

    let same = ok_json(&onething(&[
        "bench",
        "compare",
        path(&results),
        path(&results),
    ]));
    assert_eq!(same["same"], 200);
    assert_eq!(same["amount_drift"], 0);
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// One HTTP/1.1 request on a fresh connection; returns (status, body).
fn http(port: u16, request: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream.write_all(request.as_bytes()).expect("send");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    let status = response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = response.split("\r\n\r\n").nth(1).unwrap_or("").to_owned();
    (status, body)
}

/// Adds an administrator, starts `onething serve` on `db` and signs in: (port, token, the
/// server, stopped when dropped).
fn serve_with_admin(db: &str) -> (u16, String, Server) {
    add_admin(db, "bench-admin", "bench-password-1");

    let port = free_port();
    let server = Server(
        Command::new(env!("CARGO_BIN_EXE_onething"))
            .args([
                "serve",
                "--db",
                db,
                "--listen",
                &format!("127.0.0.1:{port}"),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("serve"),
    );
    let started = Instant::now();
    let health = "GET /healthz HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n";
    while TcpStream::connect(("127.0.0.1", port)).is_err() || http(port, health).0 != 200 {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "server did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let login = r#"{"username":"bench-admin","password":"bench-password-1"}"#;
    let (status, body) = http(
        port,
        &format!(
            "POST /api/v1/session HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{login}",
            login.len()
        ),
    );
    assert_eq!(status, 200, "{body}");
    let token: Value = serde_json::from_str(&body).expect("json");
    let token = token["token"].as_str().expect("token").to_owned();

    (port, token, server)
}

#[test]
fn seeded_cases_are_served_to_the_load_generator() {
    let dir = tempfile::tempdir().expect("dir");
    let db = format!("sqlite://{}", path(&dir.path().join("api.db")));
    let seeded = ok_json(&onething(&[
        "bench",
        "seed-cases",
        "--db",
        &db,
        "--count",
        "120",
    ]));
    assert_eq!(seeded["cases"], 120);
    let (port, token, _server) = serve_with_admin(&db);

    let url = format!("http://127.0.0.1:{port}");
    let load = ok_json(&onething(&[
        "bench",
        "load",
        "--url",
        &url,
        "--token",
        &token,
        "--rate",
        "100",
        "--duration",
        "1",
        "--ids",
        "120",
    ]));
    assert_eq!(load["requests"], 100);
    assert_eq!(load["errors"], 0, "{load}");
    assert_eq!(load["statuses"]["200"], 100);
    // An id past the seeded range is a 404, counted as an error.
    let missing = ok_json(&onething(&[
        "bench",
        "load",
        "--url",
        &url,
        "--token",
        &token,
        "--rate",
        "20",
        "--duration",
        "1",
        "--ids",
        "1000000",
    ]));
    assert!(missing["errors"].as_u64().expect("errors") > 0, "{missing}");
}

#[test]
fn the_claims_bench_approves_settles_and_pays_every_claim() {
    let dir = tempfile::tempdir().expect("dir");
    let db = format!("sqlite://{}", path(&dir.path().join("claims.db")));
    let out = ok_json(&onething(&[
        "bench", "claims", "--db", &db, "--claims", "25", "--seed", "7",
    ]));
    assert_eq!(out["claims"], 25);
    assert_eq!(out["approved"], 25, "{out}");
    assert_eq!(out["settled_claims"], 25, "{out}");
    assert_eq!(out["total_matches"], true, "{out}");
    assert_eq!(out["total_fen"], out["approved_fen"]);
    // 25 mothers over two employers: one payment per employer account.
    assert_eq!(out["payments"], 2, "{out}");
    assert!(out["review_ms_per_claim"].as_f64().expect("ms") > 0.0);
    // A second run on the same database is refused (it needs a fresh one).
    let again = onething(&["bench", "claims", "--db", &db, "--claims", "1"]);
    assert_eq!(again.status.code(), Some(2), "{again:?}");
}

#[test]
fn seeded_claims_are_served_to_the_load_generator() {
    let dir = tempfile::tempdir().expect("dir");
    let db = format!("sqlite://{}", path(&dir.path().join("claims-api.db")));
    let seeded = ok_json(&onething(&[
        "bench",
        "seed-claims",
        "--db",
        &db,
        "--count",
        "50",
    ]));
    assert_eq!(seeded["claims"], 50);
    assert_eq!(seeded["status"], "approved", "{seeded}");
    let (port, token, _server) = serve_with_admin(&db);
    let url = format!("http://127.0.0.1:{port}");
    let load = ok_json(&onething(&[
        "bench",
        "load",
        "--url",
        &url,
        "--token",
        &token,
        "--rate",
        "50",
        "--duration",
        "1",
        "--ids",
        "50",
        "--target",
        "ma-claims",
    ]));
    assert_eq!(load["requests"], 50);
    assert_eq!(load["statuses"]["200"], 50, "{load}");
}

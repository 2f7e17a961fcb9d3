//! Crash suite for ingest: the real `onething serve` takes signed pushes of many records and
//! is killed with SIGKILL at random moments (while a push is in flight, or between pushes);
//! after each kill it is started again. At the end every record of every push the server
//! acknowledged (200) must be stored: an acknowledgement means committed.
//!
//! CI size runs in seconds; the full size (docs/operations.md):
//! `ONETHING_CRASH_BATCHES=400 ONETHING_CRASH_KILLS=40 cargo test -p onething --test crash`.
//! `ONETHING_CRASH_SEED` replays a run (the seed is printed).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::process::{free_port, onething_ok};
use onething_exchange::Dataset;
use onething_exchange::signature::{read_signing_key, sign};
use onething_store::Store;
use rand::{Rng, SeedableRng};

const RECORDS_PER_BATCH: usize = 500;

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn start(db: &str, port: u16) -> Child {
    let child = Command::new(env!("CARGO_BIN_EXE_onething"))
        .args([
            "serve",
            "--db",
            db,
            "--listen",
            &format!("127.0.0.1:{port}"),
        ])
        .env("ONETHING_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve");
    let started = Instant::now();
    while post(port, "GET", "/healthz", &[], &[]).0 != 200 {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "server did not start"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child
}

/// One HTTP/1.1 request; (status, body), status 0 when the connection failed or broke.
fn post(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, String)],
    body: &[u8],
) -> (u16, String) {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return (0, String::new());
    };
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\ncontent-length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    if stream
        .write_all(head.as_bytes())
        .and_then(|()| stream.write_all(body))
        .is_err()
    {
        return (0, String::new());
    }
    let mut response = String::new();
    if stream.read_to_string(&mut response).is_err() {
        return (0, String::new());
    }
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

/// A batch of marriages with keys `CRASH-{batch}-{i}` (NDJSON).
fn batch(n: u64) -> (Vec<String>, Vec<u8>) {
    let keys: Vec<String> = (0..RECORDS_PER_BATCH)
        .map(|i| format!("CRASH-{n}-{i}"))
        .collect();
    let mut body = Vec::new();
    for key in &keys {
        let line = serde_json::json!({"certificate_no": key, "husband_id": "500228198801010033",
            "wife_id": "500228199003050027", "registered_on": "2019-05-20", "status": "married"});
        body.extend_from_slice(line.to_string().as_bytes());
        body.push(b'\n');
    }
    (keys, body)
}

fn push(port: u16, key: &Path, n: u64) -> (bool, Vec<String>) {
    let (keys, body) = batch(n);
    let path = "/api/v1/exchange/marriages";
    let key = read_signing_key(key).expect("key");
    let ts = chrono::Utc::now().timestamp();
    let headers = [
        ("content-type", "application/x-ndjson".to_owned()),
        ("x-onething-dept", "civil-crash".to_owned()),
        ("x-onething-timestamp", ts.to_string()),
        ("x-onething-signature", sign(&key, "POST", path, ts, &body)),
    ];
    let (status, answer) = post(port, "POST", path, &headers, &body);
    if status == 200 {
        assert!(answer.contains("\"rejected\":[]"), "{answer}");
    }
    (status == 200, keys)
}

#[test]
fn every_acknowledged_record_survives_kill_9() {
    let batches = env_or("ONETHING_CRASH_BATCHES", 24);
    let kills = env_or("ONETHING_CRASH_KILLS", 5);
    let seed = env_or("ONETHING_CRASH_SEED", u64::from(std::process::id()));
    eprintln!("crash suite: {batches} batches, ~{kills} kills, seed {seed}");
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let dir = tempfile::tempdir().expect("dir");
    let db = format!("sqlite://{}/crash.db", dir.path().display());
    let prefix = dir.path().join("civil");
    let prefix_text = prefix.display().to_string();
    onething_ok(&["migrate", "--db", &db]);
    onething_ok(&["dept", "keygen", "--out", &prefix_text]);
    let public = format!("{prefix_text}.pub");
    onething_ok(&[
        "dept",
        "add",
        "--db",
        &db,
        "--id",
        "civil-crash",
        "--name",
        "民政测试",
        "--kind",
        "civil_affairs",
        "--public-key",
        &public,
    ]);
    let key = dir.path().join("civil.key");

    let port = free_port();
    let mut server = start(&db, port);
    let mut acknowledged = Vec::new();
    let mut killed = 0;
    for n in 0..batches {
        let kill_now = rng.random_range(0..batches) < kills;
        let killer = kill_now.then(|| {
            let pid = server.id();
            let delay = Duration::from_millis(rng.random_range(0..40));
            std::thread::spawn(move || {
                std::thread::sleep(delay);
                let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
            })
        });
        let (acked, keys) = push(port, &key, n);
        if acked {
            acknowledged.extend(keys);
        }
        if let Some(killer) = killer {
            killer.join().expect("killer");
            let _ = server.wait();
            killed += 1;
            server = start(&db, port);
        }
    }
    let _ = server.kill();
    let _ = server.wait();
    eprintln!(
        "{killed} kills, {} records acknowledged",
        acknowledged.len()
    );
    assert!(!acknowledged.is_empty());

    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let store = Store::open(&db).await.expect("store");
        let mut missing = Vec::new();
        for key in &acknowledged {
            let found = store
                .current_shared_record(Dataset::Marriages, key)
                .await
                .expect("read");
            if found.is_none() {
                missing.push(key.clone());
            }
        }
        assert!(
            missing.is_empty(),
            "acknowledged but lost (seed {seed}): {missing:?}"
        );
    });
}

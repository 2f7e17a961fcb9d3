//! `onething push` against the real server (onething_web::serve on 127.0.0.1:0 with a fresh
//! SQLite store): counts, the rejected file, exit codes, idempotence; and the retry logic
//! against `FlakyProxy`, a test double that fails before forwarding to the real server.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{NaiveDate, Utc};
use onething_domain::Calendar;
use onething_domain::department::DepartmentKind;
use onething_exchange::client::{self, ProgressMode, PushConfig, PushReport, RetryPolicy};
use onething_exchange::datasets::Dataset;
use onething_exchange::signature::{SigningKey, generate_signing_key, signing_key_to_pem};
use onething_store::Store;
use onething_store::departments::NewDepartment;
use onething_synth::city::{self, CityParams, Summary};
use onething_web::AppState;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

const TODAY: NaiveDate = match NaiveDate::from_ymd_opt(2026, 11, 23) {
    Some(day) => day,
    None => panic!("date"),
};

/// The real platform on an ephemeral port.
struct Platform {
    url: String,
    addr: std::net::SocketAddr,
    store: Store,
    dir: tempfile::TempDir,
    _stop: oneshot::Sender<()>,
}

async fn platform() -> Platform {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = format!("sqlite://{}", dir.path().join("push.db").display());
    let store = Store::open(&db).await.expect("store");
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (stop, stopped) = oneshot::channel::<()>();
    let state = AppState::new(store.clone(), Calendar::shipped());
    tokio::spawn(onething_web::serve(listener, state, async {
        let _ = stopped.await;
    }));
    Platform {
        url: format!("http://{addr}"),
        addr,
        store,
        dir,
        _stop: stop,
    }
}

impl Platform {
    /// Registers a department of `kind` and writes its private key file.
    async fn department(&self, id: &str, kind: DepartmentKind) -> (SigningKey, PathBuf) {
        let key = generate_signing_key().expect("key");
        let new = NewDepartment {
            id: id.to_owned(),
            name: format!("{id}（演示）"),
            kind,
            webhook_url: None,
        };
        self.store
            .add_department(&new, &key.verifying_key(), Utc::now())
            .await
            .expect("department added");
        let path = self.dir.path().join(format!("{id}.key"));
        std::fs::write(&path, signing_key_to_pem(&key).expect("pem")).expect("key file");
        (key, path)
    }

    fn city(&self, name: &str, people: usize, bad_rate: f64) -> (PathBuf, Summary) {
        let dir = self.dir.path().join(name);
        let mut params = CityParams::new(42, 8, people, TODAY);
        params.bad_record_rate = bad_rate;
        let summary = city::write_city(&dir, params).expect("city");
        (dir, summary)
    }
}

/// Runs the `onething` binary off the async threads (the server shares the runtime).
async fn onething(args: Vec<String>) -> Output {
    tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_onething"))
            .args(&args)
            .output()
            .expect("onething runs")
    })
    .await
    .expect("join")
}

fn push_args(p: &Platform, dept: &str, key: &Path, dataset: &str, input: &Path) -> Vec<String> {
    [
        "push",
        "--url",
        &p.url,
        "--dept",
        dept,
        "--key",
        &key.display().to_string(),
        "--dataset",
        dataset,
        &input.display().to_string(),
    ]
    .map(str::to_owned)
    .to_vec()
}

/// The number after `label` in the report (`接收 accepted:     12`).
fn count(stdout: &str, label: &str) -> u64 {
    let line = stdout
        .lines()
        .find(|l| l.starts_with("  ") && l.contains(label))
        .unwrap_or_else(|| panic!("no {label} in {stdout}"));
    let after = &line[line.find(label).expect("label") + label.len()..];
    after
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count in {line}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn push_reports_counts_lines_and_rejected_file_and_is_idempotent() {
    let p = platform().await;
    let (_, key) = p.department("mi", DepartmentKind::MedicalInsurance).await;
    let (dir, summary) = p.city("bad", 60, 0.05);
    let file = summary.file(city::Dataset::Contributions).expect("file");
    assert!(file.corrupted > 0, "the test needs spoiled records");
    let input = dir.join("contributions.csv");

    let first = onething(push_args(&p, "mi", &key, "contributions", &input)).await;
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert_eq!(first.status.code(), Some(1), "{stdout}");
    assert_eq!(count(&stdout, "records:"), file.records);
    assert_eq!(count(&stdout, "rejected:"), file.corrupted);
    assert_eq!(count(&stdout, "accepted:"), file.records - file.corrupted);
    assert!(stdout.contains("records/s"), "the rate is reported");

    // Every rejected record is listed with its line, and written with line and reason.
    let original = std::fs::read_to_string(&input).expect("input");
    let original: Vec<&str> = original.lines().collect();
    let rejected =
        std::fs::read_to_string(dir.join("contributions.rejected.csv")).expect("rejected file");
    let mut rows = rejected.lines();
    assert_eq!(
        rows.next(),
        Some("person_id,employer_uscc,month,base_fen,paid,rejected_line,rejected_reason")
    );
    let rows: Vec<&str> = rows.collect();
    assert_eq!(rows.len() as u64, file.corrupted);
    for row in rows {
        let cells: Vec<&str> = row.splitn(7, ',').collect();
        let line: usize = cells[5].parse().expect("line");
        assert_eq!(
            original[line - 1],
            cells[..5].join(","),
            "line {line} maps back"
        );
        assert!(cells[6].contains("INVALID_"), "{row}");
        assert!(
            stdout.contains(&format!("line {line}")),
            "line {line} listed"
        );
    }

    // Idempotent: the same file again changes nothing.
    let second = onething(push_args(&p, "mi", &key, "contributions", &input)).await;
    let stdout = String::from_utf8_lossy(&second.stdout);
    assert_eq!(second.status.code(), Some(1), "{stdout}");
    assert_eq!(count(&stdout, "accepted:"), 0, "{stdout}");
    assert_eq!(count(&stdout, "duplicates:"), file.records - file.corrupted);
    assert_eq!(count(&stdout, "rejected:"), file.corrupted);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clean_push_exits_0_and_auth_problems_exit_2() {
    let p = platform().await;
    let (_, key) = p.department("police", DepartmentKind::PublicSecurity).await;
    let (dir, _) = p.city("clean", 30, 0.0);
    let input = dir.join("household-registrations.csv");
    let ok = onething(push_args(
        &p,
        "police",
        &key,
        "household-registrations",
        &input,
    ))
    .await;
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );
    assert!(!dir.join("household-registrations.rejected.csv").exists());

    let (_, stranger) = {
        let key = generate_signing_key().expect("key");
        let path = p.dir.path().join("stranger.key");
        std::fs::write(&path, signing_key_to_pem(&key).expect("pem")).expect("write");
        (key, path)
    };
    let marriages = dir.join("marriages.csv");
    let cases = [
        (
            "police",
            stranger.as_path(),
            "household-registrations",
            &input,
            "BAD_SIGNATURE",
        ),
        (
            "nobody",
            key.as_path(),
            "household-registrations",
            &input,
            "UNKNOWN_DEPARTMENT",
        ),
        (
            "police",
            key.as_path(),
            "marriages",
            &marriages,
            "DATASET_NOT_ALLOWED",
        ),
    ];
    for (dept, key, dataset, input, code) in cases {
        let out = onething(push_args(&p, dept, key, dataset, input)).await;
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{code}: {stderr}");
        assert!(stderr.contains(code), "{code}: {stderr}");
    }
    // A file whose columns are not the dataset's: refused before sending.
    let out = onething(push_args(
        &p,
        "police",
        &key,
        "household-registrations",
        &dir.join("marriages.csv"),
    ))
    .await;
    assert_eq!(out.status.code(), Some(2));
    let usage = onething(vec!["push".into(), "--url".into(), p.url.clone()]).await;
    assert_eq!(usage.status.code(), Some(2));
}

/// Every synthetic dataset passes the server's validation when nothing is spoiled.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clean_synthetic_city_is_accepted_whole() {
    let p = platform().await;
    let (dir, summary) = p.city("whole", 150, 0.0);
    for generated in city::Dataset::ALL {
        let dataset = Dataset::from_path_segment(generated.name()).expect("same names");
        let kind = dataset.allowed_kinds()[0];
        let id = format!("dept-{}", generated.name());
        let (key, _) = p.department(&id, kind).await;
        let report =
            library_push(&p.url, &id, key, dataset, &dir.join(generated.file_name())).await;
        let expected = summary.file(generated).expect("file").records;
        assert_eq!(report.rejections, [], "{generated}");
        assert_eq!(
            (report.records, report.accepted),
            (expected, expected),
            "{generated}"
        );
    }
}

async fn library_push(
    url: &str,
    dept: &str,
    key: SigningKey,
    dataset: Dataset,
    input: &Path,
) -> PushReport {
    let mut config = PushConfig::new(url, dept, key, dataset);
    config.progress = ProgressMode::Quiet;
    config.retry = RetryPolicy {
        attempts: 6,
        first_backoff: Duration::from_millis(600),
        max_backoff: Duration::from_secs(2),
    };
    client::push(input, &config, &mut std::io::sink())
        .await
        .expect("push runs")
}

/// What the test double does with the n-th request (1-based).
#[derive(Clone, Copy)]
enum Flaky {
    /// 503, then a connection reset, then forward to the platform.
    FailTwiceThenForward,
    /// Always 400 for the whole batch.
    RefuseBatch,
}

/// Test double: a local HTTP server in front of the real platform that misbehaves as told,
/// recording each request's signature timestamp.
struct FlakyProxy {
    url: String,
    timestamps: Arc<Mutex<Vec<i64>>>,
}

async fn flaky_proxy(upstream: std::net::SocketAddr, mode: Flaky) -> FlakyProxy {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let timestamps = Arc::new(Mutex::new(Vec::new()));
    let seen = timestamps.clone();
    tokio::spawn(async move {
        let mut n = 0;
        while let Ok((mut socket, _)) = listener.accept().await {
            n += 1;
            let (head, body) = read_request(&mut socket).await;
            let stamp = header(&head, "x-onething-timestamp").and_then(|t| t.parse().ok());
            seen.lock().expect("lock").push(stamp.unwrap_or(0));
            match (mode, n) {
                (Flaky::FailTwiceThenForward, 1) => respond(socket, 503, "UNAVAILABLE").await,
                (Flaky::FailTwiceThenForward, 2) => {
                    // Reset, not a clean close: the client sees a broken connection.
                    let _ = socket.set_zero_linger();
                    drop(socket);
                }
                (Flaky::FailTwiceThenForward, _) => forward(socket, upstream, &head, &body).await,
                (Flaky::RefuseBatch, _) => respond(socket, 400, "INVALID_BODY").await,
            }
        }
    });
    FlakyProxy { url, timestamps }
}

async fn read_request(socket: &mut TcpStream) -> (String, Vec<u8>) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let split = loop {
        let n = socket.read(&mut chunk).await.expect("read");
        assert!(n > 0, "request cut short");
        buf.extend_from_slice(&chunk[..n]);
        if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..split]).into_owned();
    let length: usize = header(&head, "content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[split..].to_vec();
    while body.len() < length {
        let n = socket.read(&mut chunk).await.expect("read body");
        assert!(n > 0, "body cut short");
        body.extend_from_slice(&chunk[..n]);
    }
    (head, body)
}

fn header(head: &str, name: &str) -> Option<String> {
    head.lines().find_map(|line| {
        let (k, v) = line.split_once(':')?;
        k.trim()
            .eq_ignore_ascii_case(name)
            .then(|| v.trim().to_owned())
    })
}

async fn respond(mut socket: TcpStream, status: u16, code: &str) {
    let body = format!(r#"{{"error":{{"code":"{code}","message":"测试替身","field":null}}}}"#);
    let text = format!(
        "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = socket.write_all(text.as_bytes()).await;
    let _ = socket.shutdown().await;
}

/// Sends the request on unchanged (headers other than `connection`, and the body: the
/// signature covers method, path, timestamp and body) and relays the answer.
async fn forward(mut socket: TcpStream, upstream: std::net::SocketAddr, head: &str, body: &[u8]) {
    let mut server = TcpStream::connect(upstream).await.expect("upstream");
    let kept: Vec<&str> = head
        .trim_end()
        .lines()
        .filter(|l| !l.to_ascii_lowercase().starts_with("connection:"))
        .collect();
    let request = format!("{}\r\nconnection: close\r\n\r\n", kept.join("\r\n"));
    server
        .write_all(request.as_bytes())
        .await
        .expect("forward head");
    server.write_all(body).await.expect("forward body");
    let mut answer = Vec::new();
    server.read_to_end(&mut answer).await.expect("answer");
    let _ = socket.write_all(&answer).await;
    let _ = socket.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn network_errors_and_5xx_are_retried_with_the_same_batch_freshly_signed() {
    let p = platform().await;
    let (key, _) = p.department("mi", DepartmentKind::MedicalInsurance).await;
    let (dir, summary) = p.city("retry", 20, 0.0);
    let proxy = flaky_proxy(p.addr, Flaky::FailTwiceThenForward).await;
    let input = dir.join("contributions.csv");
    let report = library_push(&proxy.url, "mi", key, Dataset::Contributions, &input).await;
    let records = summary
        .file(city::Dataset::Contributions)
        .expect("file")
        .records;
    assert!(report.stopped.is_none(), "{:?}", report.stopped);
    assert_eq!(report.retries, 2);
    assert_eq!((report.accepted, report.rejected), (records, 0));
    let stamps = proxy.timestamps.lock().expect("lock").clone();
    assert_eq!(stamps.len(), 3);
    assert!(stamps.windows(2).all(|w| w[0] <= w[1]), "{stamps:?}");
    assert!(
        stamps[2] > stamps[0],
        "re-signed with a fresh timestamp: {stamps:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_4xx_for_the_whole_batch_rejects_its_records_without_retrying() {
    let p = platform().await;
    let (key, _) = p.department("mi", DepartmentKind::MedicalInsurance).await;
    let (dir, summary) = p.city("refused", 10, 0.0);
    let proxy = flaky_proxy(p.addr, Flaky::RefuseBatch).await;
    let input = dir.join("contributions.csv");
    let report = library_push(&proxy.url, "mi", key, Dataset::Contributions, &input).await;
    let records = summary
        .file(city::Dataset::Contributions)
        .expect("file")
        .records;
    assert_eq!(
        (report.retries, report.rejected, report.accepted),
        (0, records, 0)
    );
    assert_eq!(report.exit_code(), 1);
    assert_eq!(report.rejections[0].line, 2);
    assert_eq!(report.rejections[0].errors[0].code, "INVALID_BODY");
    assert!(dir.join("contributions.rejected.csv").exists());
}

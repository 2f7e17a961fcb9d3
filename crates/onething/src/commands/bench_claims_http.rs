//! `onething bench claims --clients N` (docs/benchmarks.md, "Claims"): the same claims as
//! the one-at-a-time run, filed over HTTP by N concurrent API clients against a real
//! `onething serve` on the database given. The shared data and one employer account per
//! employer are stored first (not timed); the server is started as a child process of this
//! command on a free local port; each employer signs in (`POST /api/v1/session`, Bearer
//! token); then, timed, N clients take the mothers one after another from a shared queue
//! and, as their employer, create the claim, confirm the wage and submit it with the
//! account on file (smart review approves). Prints claims/s, p50/p99/max per claim (the
//! three calls), and the errors; fails unless every claim was approved.

use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use chrono::Utc;
use onething_domain::access::{Role, Scope, Username};
use onething_store::accounts::{NewAccount, Passwords};
use serde_json::{Value, json};
use tokio::sync::Mutex;

use super::bench_claims::{Population, ms, percentile_ms, prepare};
use crate::failure::Failure;

/// The bench employers' password (accounts of a bench database only).
const PASSWORD: &str = "bench-claims-2026";

fn username(n: usize) -> String {
    format!("bench-hr-{n}")
}

/// The server child, stopped when dropped, and the platform key file made for it.
struct Server(Child, Option<std::path::PathBuf>);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
        if let Some(key) = &self.1 {
            let _ = std::fs::remove_file(key);
        }
    }
}

/// One employer account per employer, all with one password hash (hashed once: the bench
/// times claims, not account set-up).
async fn accounts(store: &onething_store::Store, people: &Population) -> Result<(), Failure> {
    let hash = Passwords::new().hash(PASSWORD)?;
    for (n, (uscc, _)) in people.employers.iter().enumerate() {
        let name = Username::parse(&username(n))
            .map_err(|e| Failure::environment("用户名无效", format!("{e:?}")))?;
        let account = NewAccount {
            username: &name,
            role: Role::Employer,
            scope: &Scope::Employer(uscc.clone()),
            password_hash: &hash,
        };
        store
            .open_account(&account, ("bench", None), Utc::now())
            .await?;
    }
    Ok(())
}

/// Starts `onething serve` on `db` at a free local port and waits until it is ready.
async fn start_server(db: &str, client: &reqwest::Client) -> Result<(Server, String), Failure> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| Failure::environment("无法取得空闲端口", e))?
        .port();
    let listen = format!("127.0.0.1:{port}");
    let exe = std::env::current_exe().map_err(|e| Failure::environment("找不到本程序", e))?;
    let mut command = Command::new(exe);
    command
        .args(["serve", "--db", db, "--listen", &listen])
        .env("ONETHING_LOG", "warn")
        .stdout(Stdio::null());
    // PostgreSQL needs a platform key file: unless one is given, the server makes a fresh
    // one for the run (removed after).
    let key = std::env::var_os("ONETHING_PLATFORM_KEY")
        .is_none()
        .then(|| std::env::temp_dir().join(format!("onething-bench-{port}.pem")));
    if let Some(path) = &key {
        command.env("ONETHING_PLATFORM_KEY", path);
    }
    let child = command
        .spawn()
        .map_err(|e| Failure::environment("无法启动服务", e))?;
    let server = Server(child, key);
    let base = format!("http://{listen}");
    for _ in 0..600 {
        let ready = client.get(format!("{base}/readyz")).send().await;
        if ready.is_ok_and(|r| r.status().is_success()) {
            return Ok((server, base));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err(Failure::environment("服务未就绪", "no /readyz within 60 s"))
}

/// Signs every employer in; their Bearer tokens, by employer.
async fn sign_in(
    client: &reqwest::Client,
    base: &str,
    employers: usize,
) -> Result<Vec<String>, Failure> {
    let mut tokens = Vec::with_capacity(employers);
    for n in 0..employers {
        let body = json!({"username": username(n), "password": PASSWORD});
        let url = format!("{base}/api/v1/session");
        let answer = call(client, url, "", body)
            .await
            .map_err(|e| Failure::environment("登录失败", e))?;
        let token = answer["token"]
            .as_str()
            .ok_or_else(|| Failure::environment("登录失败", "no token"))?;
        tokens.push(format!("Bearer {token}"));
    }
    Ok(tokens)
}

/// One client's API call; the answer's JSON, or what went wrong.
async fn call(
    client: &reqwest::Client,
    url: String,
    auth: &str,
    body: Value,
) -> Result<Value, String> {
    let mut request = client
        .post(url)
        .header("content-type", "application/json")
        .body(body.to_string());
    if !auth.is_empty() {
        request = request.header("authorization", auth);
    }
    let response = request
        .send()
        .await
        .map_err(|e| format!("connection: {e}"))?;
    let status = response.status();
    let text = response.text().await.map_err(|e| format!("body: {e}"))?;
    if !status.is_success() {
        return Err(format!(
            "{status}: {}",
            text.chars().take(200).collect::<String>()
        ));
    }
    serde_json::from_str(&text).map_err(|e| format!("json: {e}"))
}

/// The employer's three calls for one mother; the claim's status and amount.
async fn file_claim(
    client: &reqwest::Client,
    base: &str,
    auth: &str,
    person_id: &str,
) -> Result<(String, i64), String> {
    let claims = format!("{base}/api/v1/maternity-allowance/claims");
    let created = call(
        client,
        claims.clone(),
        auth,
        json!({"person_id": person_id}),
    )
    .await?;
    let id = created["id"].as_str().ok_or("create: no id")?.to_owned();
    let basis = json!({"basis": "avg_wage"});
    call(client, format!("{claims}/{id}/confirm-wage"), auth, basis).await?;
    let submitted = call(client, format!("{claims}/{id}/submit"), auth, json!({})).await?;
    let status = submitted["status"].as_str().unwrap_or("").to_owned();
    Ok((status, submitted["amount_fen"].as_i64().unwrap_or(0)))
}

#[derive(Default)]
struct Tally {
    latencies: Vec<Duration>,
    approved: u64,
    approved_fen: i64,
    errors: Vec<String>,
}

/// `onething bench claims --clients N`.
pub async fn claims_http(
    db: String,
    n: usize,
    seed: u64,
    clients: usize,
) -> Result<ExitCode, Failure> {
    let (store, people, records, ingest_s) = prepare(&db, n, seed, "claims").await?;
    accounts(&store, &people).await?;
    store.close().await;
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(clients.max(1))
        .timeout(Duration::from_secs(60))
        .build()
        .map_err(|e| Failure::environment("无法创建HTTP客户端", e))?;
    let (server, base) = start_server(&db, &client).await?;
    let tokens = Arc::new(sign_in(&client, &base, people.employers.len()).await?);
    let work: Arc<Vec<(String, usize)>> = Arc::new(
        people
            .mothers
            .iter()
            .map(|m| (m.id.as_str().to_owned(), m.employer))
            .collect(),
    );
    let next = Arc::new(AtomicUsize::new(0));
    let tally = Arc::new(Mutex::new(Tally::default()));
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..clients.max(1) {
        let (client, base, tokens) = (client.clone(), base.clone(), Arc::clone(&tokens));
        let (work, next, tally) = (Arc::clone(&work), Arc::clone(&next), Arc::clone(&tally));
        tasks.spawn(async move {
            while let Some((person, employer)) = work.get(next.fetch_add(1, Ordering::Relaxed)) {
                let t = Instant::now();
                let outcome = file_claim(&client, &base, &tokens[*employer], person).await;
                let elapsed = t.elapsed();
                let mut tally = tally.lock().await;
                tally.latencies.push(elapsed);
                match outcome {
                    Ok((status, fen)) if status == "approved" => {
                        tally.approved += 1;
                        tally.approved_fen += fen;
                    }
                    Ok((status, _)) => tally.errors.push(format!("status {status}")),
                    Err(e) => tally.errors.push(e),
                }
            }
        });
    }
    while tasks.join_next().await.is_some() {}
    let seconds = started.elapsed().as_secs_f64();
    drop(server);
    let mut tally = tally.lock().await;
    tally.latencies.sort_unstable();
    let first_error = tally.errors.first().cloned().unwrap_or_default();
    println!(
        "{}",
        json!({
            "claims": n, "clients": clients, "seed": seed, "employers": people.employers.len(),
            "shared_records": records, "ingest_s": (ingest_s * 100.0).round() / 100.0,
            "review_s": (seconds * 100.0).round() / 100.0,
            "review_claims_per_s": ((n as f64 / seconds) * 10.0).round() / 10.0,
            "review_p50_ms": percentile_ms(&tally.latencies, 0.5),
            "review_p99_ms": percentile_ms(&tally.latencies, 0.99),
            "review_max_ms": tally.latencies.last().map_or(0.0, |d| ms(*d)),
            "approved": tally.approved, "approved_fen": tally.approved_fen,
            "errors": tally.errors.len(), "first_error": first_error,
        })
    );
    if tally.approved != n as u64 {
        return Err(Failure::environment(
            "并发申领未全部核准",
            format!(
                "{} of {n} approved; first error: {first_error}",
                tally.approved
            ),
        ));
    }
    Ok(ExitCode::SUCCESS)
}

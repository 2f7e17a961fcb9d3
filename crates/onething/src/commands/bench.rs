//! `onething bench`: the pieces of the one-command benchmark (`scripts/bench`,
//! docs/benchmarks.md) that need the platform's own code:
//!
//! - `rules`: one call of the maternity-allowance rules per claim, timed claim by claim
//!   (the peer figure is one OpenFisca simulation per claim);
//! - `compare`: our decisions against another implementation's, to the fen;
//! - `seed-cases`: a million newborn cases stored fast (one real case opened through the
//!   store, then copied by SQL: a bench-only path, never used by the platform);
//! - `claims`, `seed-claims`: in `bench_claims.rs`;
//! - `load`: an open-loop HTTP load generator (constant rate; latency counted from each
//!   request's scheduled send time, so a slow server cannot slow the load down and hide
//!   its own queueing: no coordinated omission).

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use onething_domain::case::ActorRole;
use onething_domain::rules::maternity::{MaternityDecision, evaluate_into, parse_facts};
use onething_store::Store;
use onething_store::cases::{Actor, NewCase};
use rand::{Rng, SeedableRng};
use serde_json::Value;
use tokio::sync::Mutex;

use crate::cli::{BenchCommand, LoadTarget};
use crate::commands::calc::load_params;
use crate::failure::Failure;

pub fn run(cmd: BenchCommand) -> Result<ExitCode, Failure> {
    match cmd {
        BenchCommand::Rules {
            input,
            claims,
            params,
        } => rules(&input, claims, params.as_deref()),
        BenchCommand::Compare { ours, theirs } => compare(&ours, &theirs),
        BenchCommand::SeedCases { db, count } => super::block_on(seed_cases(db, count)),
        BenchCommand::Claims {
            db,
            claims,
            seed,
            clients: 0,
        } => super::block_on(super::bench_claims::claims(db, claims, seed)),
        BenchCommand::Claims {
            db,
            claims,
            seed,
            clients,
        } => super::block_on(super::bench_claims_http::claims_http(
            db, claims, seed, clients,
        )),
        BenchCommand::AutoClaims { db, births, seed } => {
            super::block_on(super::bench_claims::auto_claims(db, births, seed))
        }
        BenchCommand::SeedClaims { db, count } => {
            super::block_on(super::bench_claims::seed_claims(db, count))
        }
        BenchCommand::Load(args) => super::block_on(load(args)),
    }
}

fn read_lines(path: &Path, limit: usize) -> Result<Vec<String>, Failure> {
    let file = std::fs::File::open(path).map_err(|e| {
        Failure::usage(
            format!("无法读取 {}：{e}", path.display()),
            format!("cannot read {}: {e}", path.display()),
        )
    })?;
    BufReader::new(file)
        .lines()
        .take(limit)
        .collect::<Result<_, _>>()
        .map_err(|e| Failure::environment("读取失败", e))
}

/// Times `parse_facts` + `evaluate_into` per claim, one claim at a time, over the first
/// `claims` lines (what an online review does for one claim: parse its facts, decide,
/// explain; no process start-up), after one untimed warm-up pass over the same lines.
fn rules(input: &Path, claims: usize, params: Option<&Path>) -> Result<ExitCode, Failure> {
    let params = load_params(params)?.1;
    let lines = read_lines(input, claims)?;
    let mut decision = MaternityDecision::default();
    // A warm-up pass first (page faults, first allocations, lazy statics), as a review
    // service is warm; then the timed pass, one claim at a time.
    for line in &lines {
        if let Ok(facts) = parse_facts(line) {
            evaluate_into(&facts, &params, &mut decision);
        }
    }
    let mut times = Vec::with_capacity(lines.len());
    let mut eligible = 0u64;
    for line in &lines {
        let started = Instant::now();
        if let Ok(facts) = parse_facts(line) {
            evaluate_into(&facts, &params, &mut decision);
            eligible += u64::from(decision.eligible);
        }
        times.push(started.elapsed());
    }
    let total: Duration = times.iter().sum();
    times.sort_unstable();
    let n = times.len().max(1);
    println!(
        "{{\"claims\":{},\"eligible\":{eligible},\"total_us\":{:.1},\"mean_us\":{:.3},\"p50_us\":{:.3},\"p99_us\":{:.3}}}",
        lines.len(),
        micros(total),
        micros(total) / n as f64,
        micros(percentile(&times, 0.50)),
        micros(percentile(&times, 0.99)),
    );
    Ok(ExitCode::SUCCESS)
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn percentile(sorted: &[Duration], q: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let index = ((sorted.len() as f64 - 1.0) * q).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

/// Compares two result files line by line on `eligible`, `leave_days` and `amount_fen`.
/// Prints one JSON summary; a differing amount is "drift", other differences "mismatch".
fn compare(ours: &Path, theirs: &Path) -> Result<ExitCode, Failure> {
    let open = |path: &Path| {
        std::fs::File::open(path).map(BufReader::new).map_err(|e| {
            Failure::usage(
                format!("无法读取 {}：{e}", path.display()),
                format!("cannot read {}: {e}", path.display()),
            )
        })
    };
    let (mut a, mut b) = (open(ours)?.lines(), open(theirs)?.lines());
    let mut counts = Comparison::default();
    loop {
        match (a.next(), b.next()) {
            (None, None) => break,
            (Some(x), Some(y)) => {
                let x = x.map_err(|e| Failure::environment("读取失败", e))?;
                let y = y.map_err(|e| Failure::environment("读取失败", e))?;
                counts.add(&x, &y);
            }
            _ => {
                counts.length_differs = true;
                break;
            }
        }
    }
    println!("{}", counts.json());
    Ok(ExitCode::SUCCESS)
}

#[derive(Default)]
struct Comparison {
    lines: u64,
    same: u64,
    eligible_differs: u64,
    days_differ: u64,
    amount_drift: u64,
    max_drift_fen: i64,
    length_differs: bool,
}

impl Comparison {
    fn add(&mut self, ours: &str, theirs: &str) {
        self.lines += 1;
        let (Ok(x), Ok(y)) = (
            serde_json::from_str::<Value>(ours),
            serde_json::from_str::<Value>(theirs),
        ) else {
            self.eligible_differs += 1;
            return;
        };
        let field = |v: &Value, name: &str| v.get(name).cloned().unwrap_or(Value::Null);
        let int = |v: &Value, name: &str| v.get(name).and_then(Value::as_i64).unwrap_or(0);
        if field(&x, "eligible") != field(&y, "eligible") {
            self.eligible_differs += 1;
        } else if int(&x, "leave_days") != int(&y, "leave_days") {
            self.days_differ += 1;
        } else if int(&x, "amount_fen") != int(&y, "amount_fen") {
            self.amount_drift += 1;
            let drift = (int(&x, "amount_fen") - int(&y, "amount_fen")).abs();
            self.max_drift_fen = self.max_drift_fen.max(drift);
        } else {
            self.same += 1;
        }
    }

    fn json(&self) -> String {
        format!(
            "{{\"lines\":{},\"same\":{},\"eligible_differs\":{},\"leave_days_differ\":{},\"amount_drift\":{},\"max_drift_fen\":{},\"length_differs\":{}}}",
            self.lines,
            self.same,
            self.eligible_differs,
            self.days_differ,
            self.amount_drift,
            self.max_drift_fen,
            self.length_differs
        )
    }
}

/// The id of the `n`th bench case (1-based); the load generator asks for these.
pub fn bench_case_id(n: u64) -> String {
    format!("bench-{n}")
}

/// Rows copied per statement when seeding.
const SEED_CHUNK: u64 = 50_000;

/// Opens one newborn case through the store (its rows are what the engine writes), then
/// copies it `count` times as `bench-1` … `bench-N` by SQL, in chunks.
async fn seed_cases(db: String, count: u64) -> Result<ExitCode, Failure> {
    let store = Store::open(&db).await?;
    let at = Utc::now();
    store.ensure_shipped_catalog(at).await?;
    let mother = onething_synth::Synth::new(1).mother_id(
        onething_domain::RegionCode::new(500228)
            .map_err(|e| Failure::environment("地区代码无效", e))?,
    );
    let new = NewCase {
        bundle: "newborn".into(),
        applicant: format!("person:{mother}"),
        region: Some("500228".into()),
        filer: None,
        id: None,
    };
    let actor = Actor {
        name: "bench".into(),
        role: ActorRole::Applicant,
        idempotency_key: format!("bench-template-{}", at.timestamp_micros()),
        at,
    };
    let template = store.open_case(&new, &actor).await?;
    let started = Instant::now();
    let mut from = 1;
    while from <= count {
        let to = (from + SEED_CHUNK - 1).min(count);
        copy_case(&store, &template.id, from, to).await?;
        from = to + 1;
    }
    store.close().await;
    println!(
        "{{\"cases\":{count},\"seconds\":{:.1},\"template\":\"{}\"}}",
        started.elapsed().as_secs_f64(),
        template.id
    );
    Ok(ExitCode::SUCCESS)
}

/// Copies the template case's rows to `bench-FROM` … `bench-TO` in one transaction.
async fn copy_case(store: &Store, template: &str, from: u64, to: u64) -> Result<(), Failure> {
    const NUMBERS: &str = "WITH RECURSIVE n(i) AS (SELECT CAST($2 AS BIGINT) UNION ALL SELECT i + 1 FROM n WHERE i < CAST($3 AS BIGINT))";
    let statements = [
        format!(
            "{NUMBERS} INSERT INTO cases (id, bundle, catalog_version, applicant, region, status, version, opened_at, updated_at, due_on)
             SELECT 'bench-' || n.i, c.bundle, c.catalog_version, c.applicant, c.region, c.status, c.version, c.opened_at, c.updated_at, c.due_on
             FROM cases c, n WHERE c.id = $1"
        ),
        format!(
            "{NUMBERS} INSERT INTO case_events (case_id, seq, at, actor, role, kind, item, idempotency_key, body)
             SELECT 'bench-' || n.i, e.seq, e.at, e.actor, e.role, e.kind, e.item, e.idempotency_key || '-' || n.i, e.body
             FROM case_events e, n WHERE e.case_id = $1"
        ),
        format!(
            "{NUMBERS} INSERT INTO case_items (case_id, item, department, state, due_on, accepted_on, finished_on)
             SELECT 'bench-' || n.i, t.item, t.department, t.state, t.due_on, t.accepted_on, t.finished_on
             FROM case_items t, n WHERE t.case_id = $1"
        ),
    ];
    let mut tx = store.pool().begin().await.map_err(seed_error)?;
    for sql in statements {
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(template)
            .bind(i64::try_from(from).unwrap_or(i64::MAX))
            .bind(i64::try_from(to).unwrap_or(i64::MAX))
            .execute(&mut *tx)
            .await
            .map_err(seed_error)?;
    }
    tx.commit().await.map_err(seed_error)
}

fn seed_error(e: sqlx::Error) -> Failure {
    Failure::environment("无法写入基准测试办件", e)
}

/// The `n`th seeded id of the target: `seed-cases` and `seed-claims` store these.
pub fn target_id(target: LoadTarget, n: u64) -> String {
    match target {
        LoadTarget::Cases => bench_case_id(n),
        LoadTarget::MaClaims | LoadTarget::Session => super::bench_claims::bench_claim_id(n),
    }
}

/// The path of one look-up: the hook to switch the API bench to another endpoint.
pub fn target_path(target: LoadTarget, id: &str) -> String {
    match target {
        LoadTarget::Cases => format!("/api/v1/cases/{id}"),
        LoadTarget::MaClaims => format!("/api/v1/maternity-allowance/claims/{id}?include=summary"),
        LoadTarget::Session => "/api/v1/session".to_owned(),
    }
}

#[derive(Default)]
struct Tally {
    latencies: Vec<Duration>,
    errors: u64,
    statuses: std::collections::BTreeMap<u16, u64>,
}

/// Sends `rate` GETs per second for `duration` seconds at scheduled instants, each on its
/// own task (open loop), to ids drawn uniformly from `bench-1` … `bench-IDS`.
async fn load(args: crate::cli::LoadArgs) -> Result<ExitCode, Failure> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(512)
        .timeout(Duration::from_secs(10))
        .build()
        .map_err(|e| Failure::environment("无法创建HTTP客户端", e))?;
    let total = args.rate.saturating_mul(args.duration);
    let interval = Duration::from_secs_f64(1.0 / args.rate.max(1) as f64);
    let tally = Arc::new(Mutex::new(Tally::default()));
    let mut rng = rand::rngs::StdRng::seed_from_u64(args.seed);
    let auth = format!("Bearer {}", args.token);
    let base = args.url.trim_end_matches('/').to_owned();
    let start = tokio::time::Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..total {
        let scheduled = start + interval.mul_f64(i as f64);
        tokio::time::sleep_until(scheduled).await;
        let id = target_id(args.target, rng.random_range(1..=args.ids.max(1)));
        let url = format!("{base}{}", target_path(args.target, &id));
        let request = client.get(url).header("authorization", &auth);
        let tally = Arc::clone(&tally);
        tasks.spawn(async move {
            let outcome = request.send().await;
            let status = match outcome {
                Ok(response) => {
                    let status = response.status().as_u16();
                    // Read the whole body: the server's work includes sending it.
                    let ok = response.bytes().await.is_ok();
                    if ok { status } else { 0 }
                }
                Err(_) => 0,
            };
            let latency = scheduled.elapsed();
            let mut tally = tally.lock().await;
            tally.latencies.push(latency);
            *tally.statuses.entry(status).or_default() += 1;
            if status != 200 {
                tally.errors += 1;
            }
        });
        while tasks.try_join_next().is_some() {}
    }
    while tasks.join_next().await.is_some() {}
    let elapsed = start.elapsed();
    let mut tally = tally.lock().await;
    tally.latencies.sort_unstable();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let statuses: Vec<String> = tally
        .statuses
        .iter()
        .map(|(s, n)| format!("\"{s}\":{n}"))
        .collect();
    println!(
        "{{\"requests\":{},\"seconds\":{:.2},\"achieved_rate\":{:.1},\"errors\":{},\"statuses\":{{{}}},\"p50_ms\":{:.3},\"p90_ms\":{:.3},\"p99_ms\":{:.3},\"max_ms\":{:.3}}}",
        tally.latencies.len(),
        elapsed.as_secs_f64(),
        tally.latencies.len() as f64 / elapsed.as_secs_f64(),
        tally.errors,
        statuses.join(","),
        ms(percentile(&tally.latencies, 0.50)),
        ms(percentile(&tally.latencies, 0.90)),
        ms(percentile(&tally.latencies, 0.99)),
        ms(tally.latencies.last().copied().unwrap_or_default()),
    );
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comparison_separates_drift_from_other_differences() {
        let mut c = Comparison::default();
        let ours = r#"{"eligible":true,"leave_days":178,"amount_fen":100}"#;
        c.add(ours, ours);
        c.add(
            ours,
            r#"{"eligible":true,"leave_days":178,"amount_fen":101}"#,
        );
        c.add(
            ours,
            r#"{"eligible":true,"leave_days":98,"amount_fen":100}"#,
        );
        c.add(ours, r#"{"eligible":false,"leave_days":0,"amount_fen":0}"#);
        assert_eq!(
            (c.same, c.amount_drift, c.days_differ, c.eligible_differs),
            (1, 1, 1, 1)
        );
        assert_eq!(c.max_drift_fen, 1);
    }

    #[test]
    fn the_target_hook_names_both_endpoints() {
        assert_eq!(
            target_path(LoadTarget::Cases, "bench-1"),
            "/api/v1/cases/bench-1"
        );
        assert_eq!(
            target_path(LoadTarget::MaClaims, "x"),
            "/api/v1/maternity-allowance/claims/x?include=summary"
        );
        assert_eq!(target_id(LoadTarget::Cases, 7), "bench-7");
        assert_eq!(target_id(LoadTarget::MaClaims, 7), "bench-ma-7");
        assert_eq!(target_path(LoadTarget::Session, "x"), "/api/v1/session");
    }
}

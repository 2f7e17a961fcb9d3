//! `GET /metrics` (Prometheus text format 0.0.4) and `GET /readyz`.
//!
//! Counted in this process: requests by route template and status, their latency as a
//! histogram per route, pushed records accepted / duplicate / rejected and refused pushes,
//! password hashes running. Read from the database at each scrape (so every app server
//! reports the same): deliveries by status (the outbox backlog and its failures),
//! settlement batches run, open items due within 3 days and overdue.
//!
//! When `AppState::metrics_token` is set, `/metrics` wants `Authorization: Bearer TOKEN`;
//! either way the reverse proxy should not publish it (docs/operations.md).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::StatusCode;
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use onething_domain::china_time::date_in_china;

use crate::AppState;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 10] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

#[derive(Debug, Default)]
struct Latency {
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

/// This process's counters.
#[derive(Debug, Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, u16), u64>>,
    latency: Mutex<BTreeMap<String, Latency>>,
    pub(crate) records_accepted: AtomicU64,
    pub(crate) records_duplicate: AtomicU64,
    pub(crate) records_rejected: AtomicU64,
    pub(crate) pushes_refused: AtomicU64,
}

impl Metrics {
    fn observe(&self, route: &str, status: u16, seconds: f64) {
        if let Ok(mut requests) = self.requests.lock() {
            *requests.entry((route.to_owned(), status)).or_default() += 1;
        }
        if let Ok(mut latency) = self.latency.lock() {
            let entry = latency.entry(route.to_owned()).or_default();
            for (bound, bucket) in BUCKETS.iter().zip(entry.buckets.iter_mut()) {
                if seconds <= *bound {
                    *bucket += 1;
                }
            }
            entry.count += 1;
            entry.sum += seconds;
        }
    }

    pub(crate) fn add(counter: &AtomicU64, n: usize) {
        counter.fetch_add(n as u64, Ordering::Relaxed);
    }
}

/// The middleware counting every request by its route template (never the raw path: ids
/// would make the series unbounded, and they are personal data).
pub(crate) async fn count(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16();
    state
        .metrics
        .observe(&route, status, started.elapsed().as_secs_f64());
    response
}

/// Prometheus text format 0.0.4: requests by route template and status, latency
/// histograms, pushed records, password hashes running, deliveries by status, settlement
/// batches, items due and overdue. When the server is configured with a scrape token it
/// wants `Authorization: Bearer TOKEN` (401 otherwise); the reverse proxy should not
/// publish it (docs/operations.md).
#[utoipa::path(get, path = "/metrics", tag = "platform",
    responses((status = 200, content_type = "text/plain; version=0.0.4; charset=utf-8", body = String,
               description = "the metrics"),
              (status = 401, body = crate::error::ErrorBody,
               description = "a scrape token is configured and was not presented")))]
pub(crate) async fn metrics(State(state): State<AppState>, request: Request) -> Response {
    if let Some(token) = state.metrics_token.as_deref() {
        let presented = request
            .headers()
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        if presented != Some(token) {
            return crate::ApiError::new(
                StatusCode::UNAUTHORIZED,
                "UNAUTHENTICATED",
                "读取运行指标须提供指标令牌",
            )
            .into_response();
        }
    }
    let mut text = String::new();
    render_process(&state, &mut text);
    let today = date_in_china(state.now());
    let until = state
        .calendar()
        .add_working_days_provisional(today, 3)
        .map_or(today, |d| d.date);
    match state.store.gauges(today, until).await {
        Ok(gauges) => render_gauges(&gauges, &mut text),
        Err(e) => {
            tracing::warn!(error = %e, "metrics: database gauges unavailable");
            text.push_str("onething_database_up 0\n");
        }
    }
    (
        [(CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        text,
    )
        .into_response()
}

fn render_process(state: &AppState, out: &mut String) {
    let m = &state.metrics;
    out.push_str(
        "# HELP onething_http_requests_total HTTP requests by route template and status.\n",
    );
    out.push_str("# TYPE onething_http_requests_total counter\n");
    if let Ok(requests) = m.requests.lock() {
        for ((route, status), n) in requests.iter() {
            let _ = writeln!(
                out,
                "onething_http_requests_total{{route=\"{route}\",status=\"{status}\"}} {n}"
            );
        }
    }
    out.push_str(
        "# HELP onething_http_request_duration_seconds Request latency by route template.\n",
    );
    out.push_str("# TYPE onething_http_request_duration_seconds histogram\n");
    if let Ok(latency) = m.latency.lock() {
        for (route, l) in latency.iter() {
            for (bound, n) in BUCKETS.iter().zip(l.buckets.iter()) {
                let _ = writeln!(
                    out,
                    "onething_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {n}"
                );
            }
            let _ = writeln!(
                out,
                "onething_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                l.count
            );
            let _ = writeln!(
                out,
                "onething_http_request_duration_seconds_sum{{route=\"{route}\"}} {}",
                l.sum
            );
            let _ = writeln!(
                out,
                "onething_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                l.count
            );
        }
    }
    out.push_str("# HELP onething_pushed_records_total Records in department pushes by outcome.\n");
    out.push_str("# TYPE onething_pushed_records_total counter\n");
    for (outcome, counter) in [
        ("accepted", &m.records_accepted),
        ("duplicate", &m.records_duplicate),
        ("rejected", &m.records_rejected),
    ] {
        let _ = writeln!(
            out,
            "onething_pushed_records_total{{outcome=\"{outcome}\"}} {}",
            counter.load(Ordering::Relaxed)
        );
    }
    out.push_str("# HELP onething_pushes_refused_total Department requests refused as a whole.\n");
    out.push_str("# TYPE onething_pushes_refused_total counter\n");
    let _ = writeln!(
        out,
        "onething_pushes_refused_total {}",
        m.pushes_refused.load(Ordering::Relaxed)
    );
    out.push_str("# HELP onething_password_hashes_running Password hashes running now.\n");
    out.push_str("# TYPE onething_password_hashes_running gauge\n");
    let _ = writeln!(
        out,
        "onething_password_hashes_running {}",
        state.auth.hashing.running()
    );
}

fn render_gauges(g: &onething_store::Gauges, out: &mut String) {
    out.push_str("onething_database_up 1\n");
    out.push_str("# HELP onething_deliveries Outbox deliveries by status (pending and sending: the backlog).\n");
    out.push_str("# TYPE onething_deliveries gauge\n");
    for status in ["pending", "sending", "delivered", "failed"] {
        let n = g
            .deliveries
            .iter()
            .find(|(s, _)| s == status)
            .map_or(0, |(_, n)| *n);
        let _ = writeln!(out, "onething_deliveries{{status=\"{status}\"}} {n}");
    }
    out.push_str("# HELP onething_settlement_runs Settlement batches run.\n");
    out.push_str("# TYPE onething_settlement_runs gauge\n");
    let _ = writeln!(out, "onething_settlement_runs {}", g.settlements);
    out.push_str(
        "# HELP onething_items_due Open case items due within 3 working days (overdue included).\n",
    );
    out.push_str("# TYPE onething_items_due gauge\n");
    let _ = writeln!(out, "onething_items_due {}", g.due);
    out.push_str("# HELP onething_items_overdue Open case items past their due date.\n");
    out.push_str("# TYPE onething_items_overdue gauge\n");
    let _ = writeln!(out, "onething_items_overdue {}", g.overdue);
}

/// `GET /readyz`: 200 when this server can take traffic (the database answers and holds
/// the current schema), else 503, so a load balancer sends requests elsewhere.
#[utoipa::path(get, path = "/readyz", tag = "platform",
    responses((status = 200, content_type = "text/plain", body = String,
               description = "this server can take traffic"),
              (status = 503, content_type = "text/plain", body = String,
               description = "the database does not answer or lacks the current schema")))]
pub(crate) async fn readyz(State(state): State<AppState>) -> Response {
    if state.store.schema_ready().await {
        (StatusCode::OK, "ready\n").into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "not ready\n").into_response()
    }
}

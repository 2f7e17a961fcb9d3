//! Supervision's schedule, every few minutes:
//! - the complaints' escalation watch: every complaint still open after its due date is
//!   escalated to the supervisors once (`supervision::escalate_late_complaints`,
//!   idempotent), so a late complaint is flagged within minutes of its due day passing;
//! - the periodic reports (周通报、月考评、季分析、年考核): the last closed period of each kind
//!   for every office, made once (`supervision::generate_due_reports`: the database keeps
//!   one per kind, period and region, so a restart or a second server makes nothing twice);
//! - near-due notices and the daily digest per department (`supervision::notify_due_items`,
//!   each sent once: a marker row beside the message).

use std::time::Duration;

use crate::AppState;

const POLL: Duration = Duration::from_secs(600);

/// One round of the schedule at `state.now()`.
pub async fn run_once(state: &AppState) {
    let started = std::time::Instant::now();
    let svc = state.services();
    match onething_services::supervision::escalate_late_complaints(&svc, state.now()).await {
        Ok(ids) if !ids.is_empty() => {
            tracing::warn!(count = ids.len(), ?ids, "late complaints escalated");
        }
        Ok(_) => {}
        Err(e) => tracing::error!(error = %e, "complaint escalation failed"),
    }
    match onething_services::supervision::generate_due_reports(&svc, state.now()).await {
        Ok(made) if !made.is_empty() => {
            let ids: Vec<&str> = made.iter().map(|r| r.id.as_str()).collect();
            tracing::info!(count = made.len(), ?ids, "periodic reports made");
        }
        Ok(_) => {}
        Err(e) => tracing::error!(error = %e, "periodic reports failed"),
    }
    match onething_services::supervision::notify_due_items(&svc, state.now()).await {
        Ok(sent) if sent.near_due + sent.digests > 0 => tracing::info!(
            near_due = sent.near_due,
            digests = sent.digests,
            "due notices sent"
        ),
        Ok(_) => {}
        Err(e) => tracing::error!(error = %e, "due notices failed"),
    }
    // Its length is what a round costs the server (the look-up bench waits for the first).
    let seconds = started.elapsed().as_secs_f64();
    tracing::info!(seconds, "supervision schedule round done");
}

/// Runs until the task is dropped.
pub async fn run_escalation_loop(state: AppState) {
    loop {
        run_once(&state).await;
        tokio::time::sleep(POLL).await;
    }
}

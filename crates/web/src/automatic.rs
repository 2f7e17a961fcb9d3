//! 免申即享 in the server: a run after each accepted push of a dataset a claim's facts come
//! from (births and deliveries first of all; an enrollment, contribution or wage pushed
//! later may complete a birth's facts), and one every hour (a birth whose facts were
//! completed by nothing pushed since is still looked at). Runs never overlap: a push during
//! a run asks for one more run after it. Nothing runs while no parameter period turns
//! `automatic_claims` on and no employer has given its standing consent (a run would read
//! shared records for nothing).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use onething_domain::china_time::date_in_china;
use onething_exchange::Dataset;
use onething_services::allowance::{AutomaticClaims, automatic_claims, platform_actor};

use crate::AppState;

/// The schedule's period.
const EVERY: Duration = Duration::from_secs(3600);

/// Whether a run is going on, and whether another was asked for meanwhile.
#[derive(Debug, Default)]
pub struct AutomaticTrigger {
    running: AtomicBool,
    again: AtomicBool,
}

/// After an accepted push: a run in the background (or one more after the current one).
pub(crate) fn after_push(state: &AppState, dataset: Dataset, accepted: usize) {
    let feeds_claims = !matches!(
        dataset,
        Dataset::HouseholdRegistrations | Dataset::Marriages
    );
    if accepted == 0 || !feeds_claims {
        return;
    }
    let trigger = state.automatic.clone();
    trigger.again.store(true, Ordering::SeqCst);
    if trigger.running.swap(true, Ordering::SeqCst) {
        return;
    }
    let state = state.clone();
    tokio::spawn(async move { drain(&state, &trigger).await });
}

/// Whether 免申即享 can decide anything: a parameter period turns it on, or an employer
/// has consented. A failed look-up counts as yes (the run itself then reports the error).
async fn enabled(state: &AppState) -> bool {
    state.params.any_automatic_claims() || state.store.any_automatic_consent().await.unwrap_or(true)
}

/// Runs while runs are asked for, then lets the next push start a task again.
async fn drain(state: &AppState, trigger: &Arc<AutomaticTrigger>) {
    loop {
        while trigger.again.swap(false, Ordering::SeqCst) {
            run_once(state).await;
        }
        trigger.running.store(false, Ordering::SeqCst);
        // A push between the last check and now found the task still running: take it.
        if !trigger.again.load(Ordering::SeqCst) || trigger.running.swap(true, Ordering::SeqCst) {
            return;
        }
    }
}

/// One run over every birth pushed up to today, when anything can be decided.
pub async fn run_once(state: &AppState) {
    if !enabled(state).await {
        return;
    }
    let now = state.now();
    let until = date_in_china(now);
    let svc = state.services();
    match automatic_claims(&svc, &platform_actor(now), AutomaticClaims { until }).await {
        Ok(run) => tracing::info!(
            examined = run.examined,
            approved = run.approved,
            offers = run.offers,
            not_enabled = run.not_enabled,
            duplicates = run.duplicates,
            "automatic claims run"
        ),
        Err(e) => {
            tracing::error!(error = %e, "automatic claims run failed (committed sets kept; the next run goes on)")
        }
    }
}

/// The hourly schedule; runs until the task is dropped.
pub async fn run_automatic_loop(state: AppState) {
    loop {
        run_once(&state).await;
        tokio::time::sleep(EVERY).await;
    }
}

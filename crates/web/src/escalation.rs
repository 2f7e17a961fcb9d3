//! The complaints' escalation watch: every few minutes, every complaint still open after its
//! due date is escalated to the supervisors once (`supervision::escalate_late_complaints`,
//! idempotent), so a late complaint is flagged within minutes of its due day passing.

use std::time::Duration;

use crate::AppState;

const POLL: Duration = Duration::from_secs(600);

/// Runs until the task is dropped.
pub async fn run_escalation_loop(state: AppState) {
    loop {
        match onething_services::supervision::escalate_late_complaints(
            &state.services(),
            state.now(),
        )
        .await
        {
            Ok(ids) if !ids.is_empty() => {
                tracing::warn!(count = ids.len(), ?ids, "late complaints escalated");
            }
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "complaint escalation failed"),
        }
        tokio::time::sleep(POLL).await;
    }
}

//! What every status change of a payable writes besides the payable itself: its case's
//! step (generic: by the payable's case, whatever the service), then the service's own
//! [`super::PayableSubjects`], all in the transaction of the change.

use chrono::NaiveDate;
use onething_domain::Fen;
use serde_json::{Value, json};

use super::{Acting, Subjects, Tx};
use crate::StoreError;
use crate::allowance::steps::{CaseStep, case_step_change, no_due_dates};
use crate::cases::advance_many_in;
use crate::text::date;

/// One payable whose status changed, as its service needs to know it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayableChange {
    pub payable_id: String,
    pub service: String,
    pub subject_type: String,
    pub subject_id: String,
    pub case_id: Option<String>,
    pub case_item: Option<String>,
    pub amount: Fen,
    pub event: PayableEvent,
}

/// What happened to the payable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PayableEvent {
    /// Taken into a settlement, in one of its payments (`resettled`: after a failure).
    Settled {
        settlement_id: String,
        payment_id: String,
        resettled: bool,
    },
    /// The bank paid it.
    Paid {
        payment_id: String,
        paid_on: NaiveDate,
    },
    /// The bank could not pay it.
    Failed { payment_id: String, reason: String },
    /// The account of a failed payable was corrected: the next run takes it again.
    AccountCorrected {
        name: String,
        bank: String,
        number: String,
    },
}

impl PayableEvent {
    /// The case step it is recorded as.
    pub fn step(&self) -> &'static str {
        match self {
            PayableEvent::Settled { .. } => "settled",
            PayableEvent::Paid { .. } => "paid",
            PayableEvent::Failed { .. } => "payment_failed",
            PayableEvent::AccountCorrected { .. } => "account_corrected",
        }
    }

    fn detail(&self, amount: Fen) -> Value {
        match self {
            PayableEvent::Settled {
                settlement_id,
                payment_id,
                resettled,
            } => json!({"settlement_id": settlement_id, "payment_id": payment_id,
                        "amount_fen": amount.as_i64(), "resettled": resettled}),
            PayableEvent::Paid {
                payment_id,
                paid_on,
            } => json!({"payment_id": payment_id, "reason": null, "paid_on": date(*paid_on)}),
            PayableEvent::Failed { payment_id, reason } => {
                json!({"payment_id": payment_id, "reason": reason})
            }
            PayableEvent::AccountCorrected { bank, number, .. } => json!({
                "bank": bank,
                "account": onething_domain::allowance::settlement::mask_account(number),
            }),
        }
    }
}

/// Writes the case steps of `changes`, then hands them to their services, grouped.
pub(crate) async fn apply_in(
    tx: &mut Tx,
    subjects: Subjects<'_>,
    acting: &Acting,
    changes: &[PayableChange],
) -> Result<(), StoreError> {
    let mut steps = Vec::with_capacity(changes.len());
    for change in changes {
        let Some(case_id) = &change.case_id else {
            continue;
        };
        let detail = change.event.detail(change.amount);
        let paid = matches!(change.event, PayableEvent::Paid { .. });
        let step = CaseStep {
            step: change.event.step(),
            at: acting.at,
            by: &acting.name,
            detail: &detail,
            complete: change.case_item.as_deref().filter(|_| paid),
        };
        steps.push(case_step_change(case_id, &step));
    }
    // The cases of a settlement moved together: read, planned and written in sets.
    let started = std::time::Instant::now();
    advance_many_in(tx, &steps, no_due_dates()).await?;
    let case_steps_s = started.elapsed().as_secs_f64();
    let started = std::time::Instant::now();
    let mut services: Vec<&str> = changes.iter().map(|c| c.service.as_str()).collect();
    services.sort_unstable();
    services.dedup();
    for service in services {
        let Some(handler) = subjects.of(service) else {
            continue;
        };
        let mine: Vec<PayableChange> = changes
            .iter()
            .filter(|c| c.service == service)
            .cloned()
            .collect();
        handler.changed(tx, acting, &mine).await?;
    }
    // Where a settlement's step time goes (the bench's profile: docs/benchmarks.md).
    tracing::info!(
        case_steps_s,
        services_s = started.elapsed().as_secs_f64(),
        changes = changes.len(),
        "payable changes applied"
    );
    Ok(())
}

//! 催办 (SV-3): a supervisor urges an open item of a case in his region — overdue or near
//! due, from the due list — and the urge is recorded on the case as a step (`urged`, with the
//! item, its due date, whether it was overdue and the note), audited, so the department and
//! the case's history show it. The urge never changes the item's state.

use onething_domain::access::UseCase;
use onething_domain::case::{ActorRole, EventBody};
use onething_store::cases::{Actor as CaseActor, CaseRecord};
use serde_json::json;

use super::{audit, in_jurisdiction};
use crate::{Actor, ServiceError, Services};

/// The step an urge leaves on the case.
pub const URGED_STEP: &str = "urged";

pub async fn urge(
    svc: &Services,
    actor: &Actor,
    case_id: &str,
    item: &str,
    note: Option<String>,
) -> Result<CaseRecord, ServiceError> {
    actor.authorize(UseCase::UrgeItem)?;
    let record = match svc.store.load_case(case_id).await {
        Ok(r) => r,
        Err(onething_store::StoreError::NotFound { .. }) => return Err(ServiceError::not_found()),
        Err(e) => return Err(e.into()),
    };
    if !in_jurisdiction(actor, record.region.as_deref()) {
        return Err(ServiceError::not_found());
    }
    let snapshot = record
        .state
        .items
        .get(item)
        .ok_or_else(ServiceError::not_found)?;
    if snapshot.state.is_terminal() {
        return Err(ServiceError::NotNow("该事项已办结，无需催办".into()));
    }
    let overdue = snapshot.due_on.is_some_and(|d| actor.today() > d);
    let detail = json!({"item": item, "due_on": snapshot.due_on, "overdue": overdue, "note": note});
    let by = CaseActor {
        name: actor.username.clone(),
        role: ActorRole::Supervisor,
        idempotency_key: actor.key_for(&format!("{case_id}:{item}:urge")),
        at: actor.at,
    };
    let body = EventBody::Service {
        step: URGED_STEP.into(),
        detail: detail.clone(),
    };
    let entry = audit(actor, "item_urged", "case", case_id, Some(case_id), detail);
    Ok(svc
        .store
        .append_audited(&record, vec![body], &by, &entry)
        .await?)
}

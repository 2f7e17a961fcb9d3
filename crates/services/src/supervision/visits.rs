//! Window visits (跑动次数, SV-2): a clerk records each time the applicant (or someone for
//! them) came to the window for a case — the submission, a supplement handed in, a pickup,
//! a consultation — with the priority flag for the elderly and disabled (SV-4). Online-only
//! cases have none, so they count zero.

use onething_domain::access::UseCase;
use onething_store::supervision::{NewVisit, Visit};
use serde_json::json;

use super::{WindowVisit, audit, fresh_id, in_jurisdiction};
use crate::{Actor, ServiceError, Services};

pub(super) async fn case_region(
    svc: &Services,
    actor: &Actor,
    case_id: &str,
) -> Result<Option<String>, ServiceError> {
    let record = match svc.store.load_case(case_id).await {
        Ok(r) => r,
        Err(onething_store::StoreError::NotFound { .. }) => return Err(ServiceError::not_found()),
        Err(e) => return Err(e.into()),
    };
    if !in_jurisdiction(actor, record.region.as_deref()) {
        return Err(ServiceError::not_found());
    }
    Ok(record.region)
}

/// Records one window visit on a case in the clerk's region (the same
/// `Idempotency-Key` again records nothing twice).
pub async fn record_visit(
    svc: &Services,
    actor: &Actor,
    case_id: &str,
    visit: WindowVisit,
) -> Result<Visit, ServiceError> {
    actor.authorize(UseCase::RecordVisit)?;
    let region = case_region(svc, actor, case_id).await?;
    let id = fresh_id("PD", actor.at);
    let new = NewVisit {
        id: id.clone(),
        case_id: case_id.to_owned(),
        kind: visit.kind.to_owned(),
        at: actor.at,
        region,
        recorded_by: actor.username.clone(),
        priority: visit.priority,
        note: visit.note.clone(),
        idempotency_key: actor.key_for(&format!("{case_id}:visit")),
    };
    let detail = json!({"kind": visit.kind, "priority": visit.priority});
    let entry = audit(
        actor,
        "window_visit",
        "case",
        case_id,
        Some(case_id),
        detail,
    );
    Ok(svc.store.record_visit(&new, &entry).await?)
}

/// A case's window visits (clerks and supervisors in its region, administrators).
pub async fn visits_of_case(
    svc: &Services,
    actor: &Actor,
    case_id: &str,
) -> Result<Vec<Visit>, ServiceError> {
    actor.authorize(UseCase::ViewVisits)?;
    case_region(svc, actor, case_id).await?;
    Ok(svc.store.visits_of_case(case_id).await?)
}

//! Rectification tasks (差评整改, SV-1): supervisors see every task in their region, a
//! department's officers their own department's; the owner's officers record the
//! investigation and the rectification, the supervisor the revisit (回访), after which the
//! task is closed. Each move is decided by `domain::supervision::rectification::decide`.

use onething_domain::access::{Scope, UseCase};
use onething_domain::supervision::rectification::decide;
use onething_domain::supervision::{RectificationMove, RectificationStatus};
use onething_store::supervision::{Rectification, RectificationFilter, RectificationStep};
use serde_json::json;

use super::{Note, Revisit, audit, in_jurisdiction};
use crate::{Actor, ServiceError, Services};

/// Every task the actor may see, open ones first, soonest due first.
pub async fn rectifications(
    svc: &Services,
    actor: &Actor,
    status: Option<RectificationStatus>,
) -> Result<Vec<Rectification>, ServiceError> {
    actor.authorize(UseCase::ViewRectifications)?;
    let mut filter = RectificationFilter {
        status,
        ..RectificationFilter::default()
    };
    match &actor.scope {
        Scope::Department { kind, .. } => filter.department = Some(*kind),
        _ => filter.region_prefix = super::jurisdiction(actor)?,
    }
    Ok(svc.store.rectifications(&filter).await?)
}

/// The task, if the actor may see it (404 otherwise).
async fn visible(svc: &Services, actor: &Actor, id: &str) -> Result<Rectification, ServiceError> {
    let task = match svc.store.rectification(id).await {
        Ok(t) => t,
        Err(onething_store::StoreError::NotFound { .. }) => return Err(ServiceError::not_found()),
        Err(e) => return Err(e.into()),
    };
    let sees = match &actor.scope {
        Scope::Department { kind, .. } => *kind == task.owner_department,
        _ => in_jurisdiction(actor, task.owner_region.as_deref()),
    };
    if sees {
        Ok(task)
    } else {
        Err(ServiceError::not_found())
    }
}

async fn step(
    svc: &Services,
    actor: &Actor,
    id: &str,
    how: RectificationMove,
    write: RectificationStep,
) -> Result<Rectification, ServiceError> {
    let task = visible(svc, actor, id).await?;
    let next = decide(task.status, task.investigation.is_some(), how)
        .map_err(|why| ServiceError::NotNow(why.into()))?;
    let detail = match &write {
        RectificationStep::Investigate { note } | RectificationStep::Rectify { note } => {
            json!({"note": note, "status": next.as_str()})
        }
        RectificationStep::Revisit { outcome, note } => {
            json!({"outcome": outcome.as_str(), "note": note, "status": next.as_str()})
        }
    };
    let action = format!("rectification_{}", how.as_str());
    let entry = audit(
        actor,
        &action,
        "rectification",
        id,
        Some(&task.case_id),
        detail,
    );
    Ok(svc
        .store
        .move_rectification(&task, &write, next, &actor.username, actor.at, &entry)
        .await?)
}

/// The owner records what the investigation found (may be amended while open).
pub async fn investigate(
    svc: &Services,
    actor: &Actor,
    id: &str,
    note: Note,
) -> Result<Rectification, ServiceError> {
    actor.authorize(UseCase::HandleRectification)?;
    let write = RectificationStep::Investigate { note: note.0 };
    step(svc, actor, id, RectificationMove::Investigate, write).await
}

/// The owner records what was put right (after the investigation).
pub async fn rectify(
    svc: &Services,
    actor: &Actor,
    id: &str,
    note: Note,
) -> Result<Rectification, ServiceError> {
    actor.authorize(UseCase::HandleRectification)?;
    let write = RectificationStep::Rectify { note: note.0 };
    step(svc, actor, id, RectificationMove::Rectify, write).await
}

/// The supervisor records the revisit (回访) of the citizen; the task is then closed.
pub async fn revisit(
    svc: &Services,
    actor: &Actor,
    id: &str,
    visit: Revisit,
) -> Result<Rectification, ServiceError> {
    actor.authorize(UseCase::RevisitRectification)?;
    let write = RectificationStep::Revisit {
        outcome: visit.outcome,
        note: visit.note,
    };
    step(svc, actor, id, RectificationMove::Revisit, write).await
}

//! 卫健局 审核计划生育情况 (seed 002 四): the health department's officers list the hospital
//! claims waiting for their family-planning review and confirm or deny each; the bureau
//! approves a claim only after a confirmation (`allowance::review`).

use onething_domain::access::{AccessDenied, Scope, UseCase};
use onething_domain::department::DepartmentKind;
use onething_store::hospital::FamilyPlanningReview;
use serde::Deserialize;

use crate::input::optional_text;
use crate::{Actor, Invalid, ServiceError, Services};

/// `{"decision": "confirm" | "deny", "note"}`.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FamilyPlanningInput {
    #[cfg_attr(
        feature = "openapi",
        schema(value_type = String, required = true, pattern = "^(confirm|deny)$")
    )]
    pub decision: Option<String>,
    pub note: Option<String>,
}

/// The validated decision (a denial needs a note: the bureau tells the family why).
#[derive(Debug, Clone)]
pub struct FamilyPlanningDecision {
    pub confirmed: bool,
    pub note: Option<String>,
}

impl TryFrom<FamilyPlanningInput> for FamilyPlanningDecision {
    type Error = Invalid;

    fn try_from(input: FamilyPlanningInput) -> Result<Self, Invalid> {
        let note = optional_text(input.note.as_deref());
        let confirmed = match optional_text(input.decision.as_deref()).as_deref() {
            Some("confirm") => true,
            Some("deny") if note.is_some() => false,
            Some("deny") => return Err(Invalid::missing("note", "不通过须填写理由（note）")),
            _ => {
                return Err(Invalid::new(
                    "INVALID_BODY",
                    "decision",
                    "审核结论（decision）为 confirm 或 deny",
                ));
            }
        };
        Ok(FamilyPlanningDecision { confirmed, note })
    }
}

/// Only the health department's officers (a department scope of kind `health`).
fn health_officer(actor: &Actor) -> Result<(), ServiceError> {
    actor.authorize(UseCase::ReviewFamilyPlanning)?;
    match &actor.scope {
        Scope::Department {
            kind: DepartmentKind::Health,
            ..
        } => Ok(()),
        _ => Err(AccessDenied::Forbidden.into()),
    }
}

/// The reviews waiting for the health department, oldest first.
pub async fn family_planning_reviews(
    svc: &Services,
    actor: &Actor,
) -> Result<Vec<FamilyPlanningReview>, ServiceError> {
    health_officer(actor)?;
    Ok(svc.store.pending_family_planning_reviews(200).await?)
}

/// Confirms or denies a pending review (audited); 404 when there is no such review, 409
/// `INVALID_STATE` when it was decided already.
pub async fn decide_family_planning(
    svc: &Services,
    actor: &Actor,
    claim_id: &str,
    cmd: FamilyPlanningDecision,
) -> Result<FamilyPlanningReview, ServiceError> {
    health_officer(actor)?;
    if svc.store.family_planning_review(claim_id).await?.is_none() {
        return Err(ServiceError::not_found());
    }
    svc.store
        .decide_family_planning_review(
            claim_id,
            cmd.confirmed,
            cmd.note.as_deref(),
            (&actor.username, actor.role),
            actor.at,
        )
        .await?
        .ok_or_else(|| ServiceError::NotNow("该申领的计划生育情况已审核".into()))
}

//! 卫健局 审核计划生育情况 (seed 002 四): the health department's officers list the hospital
//! claims waiting for their family-planning review and confirm or deny each; the bureau
//! approves a claim only after a confirmation (`allowance::review`).

use onething_domain::access::{AccessDenied, Scope, UseCase};
use onething_domain::allowance::ClaimStatus;
use onething_domain::case::{Action, ActorRole, CaseState, ItemState};
use onething_domain::department::DepartmentKind;
use onething_domain::hospital::FAMILY_PLANNING_ITEM;
use onething_store::cases::{self, CaseWrite};
use onething_store::hospital::{FamilyPlanningReview, ReviewItemMoves};
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

/// Confirms or denies a pending review (audited), and records it as the case's
/// family-planning item done or denied in the same transaction; 404 when there is no such
/// review, 409 `INVALID_STATE` when it was decided already or the bureau rejected the claim.
/// The officers' page, the API and the signed results endpoint all come here.
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
    let claim = svc.store.claim(claim_id).await?;
    if claim.status == ClaimStatus::Rejected {
        return Err(ServiceError::NotNow(
            "该申领已不予支付，无需再审核计划生育情况".into(),
        ));
    }
    let case = svc.store.load_case(&claim.case_id).await?;
    let moves = item_moves(&case.state, &cmd).map(|writes| ReviewItemMoves {
        case_id: &claim.case_id,
        writes,
        actor: cases::Actor {
            name: actor.username.clone(),
            role: ActorRole::Handler,
            idempotency_key: actor.key_for(&format!("{claim_id}:family_planning")),
            at: actor.at,
        },
        calendar: &svc.calendar,
    });
    svc.store
        .decide_family_planning_review(
            claim_id,
            cmd.confirmed,
            cmd.note.as_deref(),
            moves,
            (&actor.username, actor.role),
            actor.at,
        )
        .await?
        .ok_or_else(|| ServiceError::NotNow("该申领的计划生育情况已审核".into()))
}

/// The moves of the case's family-planning item for the decision, from wherever it stands
/// (started when the claim was opened; accepted and started here otherwise); `None` for a
/// case without the item (opened before the review was one).
fn item_moves(state: &CaseState, cmd: &FamilyPlanningDecision) -> Option<Vec<CaseWrite>> {
    let item = state.items.get(FAMILY_PLANNING_ITEM)?;
    let mv = |action, role| CaseWrite::Move {
        item: FAMILY_PLANNING_ITEM.to_owned(),
        action,
        role,
    };
    let mut writes = Vec::new();
    if item.state == ItemState::Submitted {
        writes.push(mv(Action::Accept, ActorRole::System));
    }
    if matches!(item.state, ItemState::Submitted | ItemState::Accepted) {
        writes.push(mv(Action::Start, ActorRole::Handler));
    }
    let decision = if cmd.confirmed {
        Action::Complete {
            certificate_ref: None,
        }
    } else {
        Action::Deny {
            reason: cmd.note.clone().unwrap_or_default(),
        }
    };
    writes.push(mv(decision, ActorRole::Handler));
    Some(writes)
}

/// The health department's system reports its review through the signed results endpoint
/// (`POST /api/v1/exchange/results`, the delivery of the claim's case item): the same use
/// case as its officers'. The same result again answers the review as it stands.
pub async fn family_planning_result(
    svc: &Services,
    actor: &Actor,
    case_id: &str,
    cmd: FamilyPlanningDecision,
) -> Result<FamilyPlanningReview, ServiceError> {
    health_officer(actor)?;
    let claim_id = svc
        .store
        .claim_id_of_case(case_id)
        .await?
        .ok_or_else(ServiceError::not_found)?;
    let review = svc
        .store
        .family_planning_review(&claim_id)
        .await?
        .ok_or_else(ServiceError::not_found)?;
    let same = if cmd.confirmed { "confirmed" } else { "denied" };
    if review.status == same {
        return Ok(review);
    }
    decide_family_planning(svc, actor, &claim_id, cmd).await
}

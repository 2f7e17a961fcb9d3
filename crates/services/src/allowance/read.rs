//! Reading claims: one claim with its history, the claims a scope reaches, and the refused
//! duplicates supervisors watch (RB-6).

use onething_domain::access::{Scope, UseCase};
use onething_domain::allowance::ClaimStatus;
use onething_domain::allowance::visibility::{ClaimFacts, can_see_claim, region_prefix};
use onething_domain::ids::ClaimId;
use onething_domain::{CitizenId, RegionCode};
use onething_store::StoreError;
pub use onething_store::allowance::claims::ClaimParts;
use onething_store::allowance::claims::{Claim, ClaimFilter, ClaimRead, DuplicateAttempt};

use crate::{Actor, ServiceError, Services};

/// A claim with its steps (its case's service events) and attachments, and which of its
/// larger parts were read ([`ClaimParts`]).
pub type ClaimDetail = ClaimRead;

/// The claim, if the actor's scope reaches it; 404 otherwise (as if it did not exist).
pub async fn visible_claim(
    svc: &Services,
    actor: &Actor,
    id: &ClaimId,
) -> Result<Claim, ServiceError> {
    let claim = match svc.store.claim(id.as_str()).await {
        Err(StoreError::NotFound { .. }) => return Err(ServiceError::not_found()),
        other => other?,
    };
    check_visible(svc, actor, &claim).await?;
    Ok(claim)
}

/// Whether the actor's scope reaches `claim`: 404 if not (as if it did not exist).
async fn check_visible(svc: &Services, actor: &Actor, claim: &Claim) -> Result<(), ServiceError> {
    let facts = ClaimFacts {
        employer_uscc: &claim.employer_uscc,
        person_id: &claim.person_id,
        region: claim
            .region
            .as_deref()
            .and_then(|r| RegionCode::parse(r).ok()),
    };
    if let Some(mine) = actor.scope.hospital() {
        // A hospital clerk sees the claims its own window took (RB-4), nothing else.
        let link = svc.store.claim_hospital(&claim.id).await?;
        return match link {
            Some(l) if l.hospital_id == mine => Ok(()),
            _ => Err(ServiceError::not_found()),
        };
    }
    can_see_claim(&actor.scope, &facts)?;
    Ok(())
}

/// One claim with the larger parts its reader asks for (the API's summary by default, the
/// pages every part), read in one query; the scope check is the same whatever is read.
pub async fn claim(
    svc: &Services,
    actor: &Actor,
    id: &ClaimId,
    parts: ClaimParts,
) -> Result<ClaimDetail, ServiceError> {
    actor.authorize(UseCase::ViewClaims)?;
    // A reviewer sees the claimant's and her employer's credit flags: read with the claim,
    // in its one statement.
    let parts = if UseCase::ReviewClaim.permits(actor.role) {
        ClaimParts {
            credit_on: Some(actor.today()),
            ..parts
        }
    } else {
        parts
    };
    let read = match svc.store.claim_detail(id.as_str(), parts).await {
        Err(StoreError::NotFound { .. }) => return Err(ServiceError::not_found()),
        other => other?,
    };
    check_visible(svc, actor, &read.claim).await?;
    Ok(read)
}

/// A claim already read in scope, with its history.
pub async fn with_history(svc: &Services, claim: Claim) -> Result<ClaimDetail, ServiceError> {
    let steps = svc.store.claim_steps(&claim.id).await?;
    let attachments = svc.store.claim_attachments(&claim.id).await?;
    Ok(ClaimDetail {
        claim,
        steps,
        attachments,
        credit: None,
        parts: ClaimParts::ALL,
    })
}

/// Claims already read in scope, each with its history: two queries for the whole list.
pub async fn with_histories(
    svc: &Services,
    claims: Vec<Claim>,
) -> Result<Vec<ClaimDetail>, ServiceError> {
    let case_ids: Vec<&str> = claims.iter().map(|c| c.case_id.as_str()).collect();
    let claim_ids: Vec<&str> = claims.iter().map(|c| c.id.as_str()).collect();
    let mut steps = svc.store.steps_by_case(&case_ids).await?;
    let mut attachments = svc.store.attachments_by_claim(&claim_ids).await?;
    Ok(claims
        .into_iter()
        .map(|claim| ClaimDetail {
            steps: steps.remove(&claim.case_id).unwrap_or_default(),
            attachments: attachments.remove(&claim.id).unwrap_or_default(),
            claim,
            credit: None,
            parts: ClaimParts::ALL,
        })
        .collect())
}

/// The claims the actor may see, newest first: an employer its own, a person her own,
/// clerks and supervisors their region's, administrators all; department officers none.
pub async fn claims(
    svc: &Services,
    actor: &Actor,
    status: Option<ClaimStatus>,
    limit: u32,
) -> Result<Vec<Claim>, ServiceError> {
    actor.authorize(UseCase::ViewClaims)?;
    let Some(mut filter) = scope_filter(&actor.scope, limit) else {
        return Ok(Vec::new());
    };
    filter.status = status;
    Ok(svc.store.claims(&filter).await?)
}

/// One person's claims within the actor's scope (the window's look-up).
pub(super) async fn claims_of_person(
    svc: &Services,
    actor: &Actor,
    person: &CitizenId,
) -> Result<Vec<Claim>, ServiceError> {
    let Some(mut filter) = scope_filter(&actor.scope, 500) else {
        return Ok(Vec::new());
    };
    filter.person_id = Some(person.as_str().to_owned());
    Ok(svc.store.claims(&filter).await?)
}

/// The claims filter of a scope; `None` for scopes that reach no claim.
fn scope_filter(scope: &Scope, limit: u32) -> Option<ClaimFilter> {
    let mut filter = ClaimFilter {
        limit: limit.clamp(1, 500),
        ..ClaimFilter::default()
    };
    match scope {
        Scope::Employer(uscc) => filter.employer_uscc = Some(uscc.to_string()),
        Scope::Person(id) => filter.person_id = Some(id.to_string()),
        Scope::Region(region) => filter.region_prefix = Some(region_prefix(*region)),
        Scope::Platform => {}
        Scope::Department { .. } | Scope::Hospital { .. } => return None,
    }
    Some(filter)
}

/// Refused duplicate claims, newest first (supervisors, RB-6).
pub async fn duplicate_attempts(
    svc: &Services,
    actor: &Actor,
    limit: u32,
) -> Result<Vec<DuplicateAttempt>, ServiceError> {
    actor.authorize(UseCase::ViewDuplicateAttempts)?;
    let attempts = svc.store.duplicate_attempts(limit.clamp(1, 500)).await?;
    // A regional supervisor sees the attempts on employers of his region.
    Ok(attempts
        .into_iter()
        .filter(|a| match &actor.scope {
            Scope::Region(mine) => onething_domain::Uscc::parse(&a.employer_uscc)
                .is_ok_and(|u| u.region().is_within(*mine)),
            _ => true,
        })
        .collect())
}

//! `GET /api/v1/hospital/family-planning-reviews` and `POST …/{claim_id}`: the health
//! department's family-planning review of hospital claims (卫健局, seed 002 四).

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use onething_domain::access::UseCase;
use onething_domain::ids::ClaimId;
use onething_services::hospital::{self as service, FamilyPlanningDecision, FamilyPlanningInput};
use onething_store::hospital::FamilyPlanningReview;

use crate::auth::CurrentUser;
use crate::auth::json::parse_json;
use crate::extract::ApiPath;
use crate::{ApiError, AppState};

/// The reviews waiting for the health department (its officers only).
#[utoipa::path(get, path = "/hospital/family-planning-reviews", tag = "hospital", operation_id = "list_family_planning_reviews",
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = [Object], description = "the reviews waiting"), (status = 401, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Vec<FamilyPlanningReview>>, ApiError> {
    let actor = user.actor(&state, None);
    Ok(Json(
        service::family_planning_reviews(&state.services(), &actor).await?,
    ))
}

/// Confirms or denies a claim's family-planning situation: `{"decision": "confirm"|"deny",
/// "note"}` (a denial needs its note). The bureau approves only a confirmed claim.
#[utoipa::path(post, path = "/hospital/family-planning-reviews/{id}", tag = "hospital",
    params(("id" = ClaimId, Path, description = "claim id")),
    request_body = onething_services::hospital::FamilyPlanningInput,
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = Object), (status = 400, body = crate::error::ErrorBody),
              (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub(crate) async fn decide(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(claim_id): ApiPath<ClaimId>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<FamilyPlanningReview>, ApiError> {
    let actor = user.actor(&state, None);
    actor.authorize(UseCase::ReviewFamilyPlanning)?;
    let input: FamilyPlanningInput = parse_json(&headers, &body)?;
    let cmd = FamilyPlanningDecision::try_from(input)?;
    Ok(Json(
        service::decide_family_planning(&state.services(), &actor, claim_id.as_str(), cmd).await?,
    ))
}

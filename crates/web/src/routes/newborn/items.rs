//! The departments' officers complete or deny their items (the same use cases as the
//! signed results endpoint), the department's queue, and the mother's rating and withdrawal.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use onething_domain::access::{Role, Scope, UseCase};
use onething_domain::ids::CaseId;
use onething_services::newborn::{ItemResult, Rate, RatingInput, Reason, ReasonInput, ResultInput};
use onething_services::{Actor, cases};
use onething_store::cases::CaseRecord;
use onething_store::departments::Department;
use onething_store::newborn::DepartmentItem;
use serde::Serialize;
use utoipa::ToSchema;

use super::idempotency_key;
use crate::auth::CurrentUser;
use crate::auth::json::parse_json;
use crate::extract::ApiPath;
use crate::{ApiError, AppState};

/// A department system acting through the signed results endpoint: its kind's officer.
pub(crate) fn dept_actor(state: &AppState, dept: &Department, key: String) -> Actor {
    Actor {
        username: dept.id.clone(),
        role: Role::DeptOfficer,
        scope: Scope::Department {
            id: dept.id.clone(),
            kind: dept.kind,
        },
        at: state.now(),
        idempotency_key: Some(key),
    }
}

/// The case after a change.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct CaseChanged {
    case_id: String,
    item: Option<String>,
    case_version: i64,
    status: String,
}

fn changed(record: &CaseRecord, item: Option<&str>) -> Json<CaseChanged> {
    Json(CaseChanged {
        case_id: record.id.clone(),
        item: item.map(str::to_owned),
        case_version: record.version,
        status: format!("{:?}", record.state.status()).to_lowercase(),
    })
}

/// A department officer completes an item of its kind with its result
/// (`{"certificate_ref", "data"}`); the items waiting for it are started and routed.
#[utoipa::path(post, path = "/cases/{id}/items/{item}/complete", tag = "newborn",
    params(("id" = CaseId, Path, description = "case id"), ("item" = String, Path)),
    request_body(content = Object, description = "certificate_ref, data (object)"),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = CaseChanged), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody, description = "no such item of the officer's kind"),
              (status = 409, body = crate::error::ErrorBody, description = "the item cannot be completed now")))]
pub(crate) async fn complete(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((case_id, item)): ApiPath<(CaseId, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<CaseChanged>, ApiError> {
    let actor = user.actor(&state, idempotency_key(&headers));
    actor.authorize(UseCase::CompleteItem)?;
    let input: ResultInput = parse_json(&headers, &body)?;
    let result = ItemResult::try_from(input)?;
    let record = cases::complete_item(&state.services(), &actor, &case_id, &item, result).await?;
    Ok(changed(&record, Some(&item)))
}

/// A department officer denies an item of its kind (`{"reason"}`); what waits for it is
/// denied too.
#[utoipa::path(post, path = "/cases/{id}/items/{item}/deny", tag = "newborn",
    params(("id" = CaseId, Path, description = "case id"), ("item" = String, Path)),
    request_body(content = Object, description = "reason"),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = CaseChanged), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody)))]
pub(crate) async fn deny(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((case_id, item)): ApiPath<(CaseId, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<CaseChanged>, ApiError> {
    let actor = user.actor(&state, idempotency_key(&headers));
    actor.authorize(UseCase::DenyItem)?;
    let input: ReasonInput = parse_json(&headers, &body)?;
    let reason = Reason::try_from(input)?;
    let record = cases::deny_item(&state.services(), &actor, &case_id, &item, reason).await?;
    Ok(changed(&record, Some(&item)))
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Rated {
    case_id: String,
    score: i64,
}

/// 好差评: the case's applicant rates it once every item has ended (`{"score": 1..5,
/// "comment"}`); again → `409 ALREADY_RATED`, earlier → `409 INVALID_STATE`.
#[utoipa::path(post, path = "/cases/{id}/rating", tag = "newborn",
    params(("id" = CaseId, Path, description = "case id")),
    request_body(content = Object, description = "score (1..5), comment"),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 201, body = Rated), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody, description = "ALREADY_RATED or INVALID_STATE")))]
pub(crate) async fn rate(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(case_id): ApiPath<CaseId>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<Rated>), ApiError> {
    let actor = user.actor(&state, None);
    actor.authorize(UseCase::RateCase)?;
    let input: RatingInput = parse_json(&headers, &body)?;
    let rating = Rate::try_from(input)?;
    let score = rating.score;
    cases::rate(&state.services(), &actor, case_id.as_str(), rating).await?;
    Ok((
        StatusCode::CREATED,
        Json(Rated {
            case_id: case_id.to_string(),
            score,
        }),
    ))
}

/// The mother withdraws what no department has started (`{"reason"}`). An addition.
#[utoipa::path(post, path = "/cases/{id}/withdraw", tag = "newborn",
    params(("id" = CaseId, Path, description = "case id")),
    request_body(content = Object, description = "reason"),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = CaseChanged), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody)))]
pub(crate) async fn withdraw(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(case_id): ApiPath<CaseId>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<CaseChanged>, ApiError> {
    let actor = user.actor(&state, idempotency_key(&headers));
    actor.authorize(UseCase::WithdrawCase)?;
    let input: ReasonInput = parse_json(&headers, &body)?;
    let reason = Reason::try_from(input)?;
    let record = cases::withdraw(&state.services(), &actor, &case_id, reason).await?;
    Ok(changed(&record, None))
}

/// The officer's department's newborn items, open ones first, soonest due first. An addition.
#[utoipa::path(get, path = "/newborn/department/items", tag = "newborn",
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = [Object], description = "the officer's department's open items"),
              (status = 403, body = crate::error::ErrorBody)))]
pub(crate) async fn queue(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Vec<DepartmentItem>>, ApiError> {
    let actor = user.actor(&state, None);
    Ok(Json(
        cases::department_queue(&state.services(), &actor).await?,
    ))
}

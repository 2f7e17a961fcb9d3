//! 信用记录 over HTTP (SV-5; docs/supervision.md): record, list and remove entries through
//! `onething_services::supervision`; person ids masked in every answer. Also the catalogue
//! upkeep (SC-1) an administrator does.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use onething_services::supervision as service;
use serde_json::Value;

use super::{noted, views};
use crate::auth::CurrentUser;
use crate::auth::json::parse_json;
use crate::extract::ApiPath;
use crate::{ApiError, AppState};
use onething_domain::ids::CreditRecordId;

/// 信用记录 (SV-5): a supervisor records a person or institution (`{"subject_kind":
/// "person"|"institution", "subject_id", "subject_name", "decision", "basis", "valid_from",
/// "valid_to"}`) → `201`; audited.
#[utoipa::path(post, path = "/supervision/credit-records", tag = "supervision",
    request_body(content = Object, description = "subject_kind, subject_id, subject_name, decision, basis, valid_from, valid_to"),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 201, body = Object), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody)))]
pub(crate) async fn record_credit(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let actor = user.permit(
        &state,
        onething_domain::access::UseCase::ManageCreditRecords,
    )?;
    let input: service::CreditInput = parse_json(&headers, &body)?;
    let entry = service::NewCredit::try_from(input)?;
    let r = service::record_credit(&state.services(), &actor, entry).await?;
    Ok((StatusCode::CREATED, Json(views::credit(&r))))
}

/// The register of the supervisor's region (all for administrators), newest first; ids masked.
#[utoipa::path(get, path = "/supervision/credit-records", tag = "supervision",
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = [Object], description = "the credit records"), (status = 403, body = crate::error::ErrorBody)))]
pub(crate) async fn credit_records(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Vec<Value>>, ApiError> {
    let actor = user.actor(&state, None);
    let list = service::credit_records(&state.services(), &actor).await?;
    Ok(Json(list.iter().map(views::credit).collect()))
}

/// Removes an entry with the reason (`{"note"}`); kept, marked removed; audited.
#[utoipa::path(post, path = "/supervision/credit-records/{id}/remove", tag = "supervision",
    params(("id" = CreditRecordId, Path, description = "credit record id")),
    request_body = onething_services::supervision::NoteInput,
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = Object), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody)))]
pub(crate) async fn remove_credit(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<CreditRecordId>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let (r, _) = noted(
        &state,
        &user,
        onething_domain::access::UseCase::ManageCreditRecords,
        (&headers, &body),
        async |svc, actor, note| service::remove_credit(svc, actor, id.as_str(), note).await,
    )
    .await?;
    Ok(Json(views::credit(&r)))
}

/// SC-1: an administrator changes a catalogue item's flags or limit (`{"version", "online",
/// "instant", "limit_working_days", "note"}`); a new catalogue version with the note →
/// `{"version", "item"}`. A stale `version` → `409 INVALID_STATE`; a change that breaks a
/// bundle (a bundle limit above the item's) → `422 CATALOG_INVALID`.
#[utoipa::path(post, path = "/admin/catalog/items/{code}", tag = "supervision",
    params(("code" = String, Path, description = "item code")),
    request_body = onething_services::supervision::ItemChangeInput,
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = Object), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn change_item(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let actor = user.permit(&state, onething_domain::access::UseCase::EditCatalog)?;
    let input: service::ItemChangeInput = parse_json(&headers, &body)?;
    let change = service::ItemChange::try_from(input)?;
    let (version, item) =
        service::change_catalog_item(&state.services(), &actor, &code, change).await?;
    Ok(Json(serde_json::json!({"version": version, "item": item})))
}

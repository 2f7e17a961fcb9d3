//! Running, listing and showing settlements.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use onething_domain::access::UseCase;
use onething_domain::ids::SettlementId;
use onething_services::allowance as service;
use serde::Deserialize;
use utoipa::ToSchema;

use super::views::{RunView, SettlementListItem, SettlementView};
use crate::auth::CurrentUser;
use crate::auth::json::parse_json;
use crate::extract::ApiPath;
use crate::{ApiError, AppState};

const LIST_LIMIT: u32 = 200;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RunRequest {
    /// Settle the claims approved on or before this date (YYYY-MM-DD), at the latest today.
    #[schema(example = "2024-11-15", format = Date)]
    until: String,
}

/// Runs a settlement of the caller's region: every approved claim up to `until` not yet
/// settled, and every failed payment whose account was corrected since, exactly once,
/// grouped into one payment per payee account. Nothing new to settle → 200 with `id` null.
#[utoipa::path(post, path = "/settlements", tag = "settlements", request_body = RunRequest,
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = RunView, description = "the settlement, or `id` null and `claims` 0 when nothing was due"),
              (status = 400, body = crate::error::ErrorBody, description = "INVALID_BODY or INVALID_DATE"),
              (status = 401, body = crate::error::ErrorBody, description = "UNAUTHENTICATED"),
              (status = 403, body = crate::error::ErrorBody, description = "FORBIDDEN: agency clerks and administrators only"),
              (status = 422, body = crate::error::ErrorBody, description = "UNTIL_IN_FUTURE"),
              (status = 503, body = crate::error::ErrorBody, description = "CALENDAR_YEAR_NOT_PUBLISHED")))]
pub(crate) async fn run_settlement(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<RunView>, ApiError> {
    let actor = user.permit(&state, UseCase::Settle)?;
    let request: RunRequest = parse_json(&headers, &body)?;
    let cmd = service::Settle::parse(Some(&request.until), actor.today())?;
    let outcome = service::settle(&state.services(), &actor, cmd).await?;
    Ok(Json(RunView::new(cmd.until, outcome)))
}

/// Settlements the caller may see, newest first (at most 200).
#[utoipa::path(get, path = "/settlements", tag = "settlements",
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = [SettlementListItem]),
              (status = 401, body = crate::error::ErrorBody, description = "UNAUTHENTICATED"),
              (status = 403, body = crate::error::ErrorBody, description = "FORBIDDEN: agency clerks and administrators only")))]
pub(crate) async fn list_settlements(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Vec<SettlementListItem>>, ApiError> {
    let actor = user.actor(&state, None);
    let list = service::settlements(&state.services(), &actor, LIST_LIMIT).await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

/// One settlement with its payments (account numbers masked).
#[utoipa::path(get, path = "/settlements/{id}", tag = "settlements",
    params(("id" = SettlementId, Path, description = "settlement id")),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 400, body = crate::error::ErrorBody, description = "INVALID_ID: the path's id cannot be one the platform issues"),
              (status = 200, body = SettlementView),
              (status = 401, body = crate::error::ErrorBody, description = "UNAUTHENTICATED"),
              (status = 403, body = crate::error::ErrorBody, description = "FORBIDDEN: agency clerks and administrators only"),
              (status = 404, body = crate::error::ErrorBody, description = "NOT_FOUND, also outside the caller's region")))]
pub(crate) async fn get_settlement(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<SettlementId>,
) -> Result<Json<SettlementView>, ApiError> {
    let actor = user.actor(&state, None);
    let settlement = service::settlement(&state.services(), &actor, &id).await?;
    Ok(Json(settlement.into()))
}

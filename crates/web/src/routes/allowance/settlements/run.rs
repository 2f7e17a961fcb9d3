//! Running, listing and showing settlements.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use chrono::NaiveDate;
use onething_domain::china_time::date_in_china;
use onething_store::allowance::settlements::{Acting, SettleRun};
use serde::Deserialize;
use utoipa::ToSchema;

use super::region_scope;
use super::views::{RunView, SettlementListItem, SettlementView};
use crate::auth::CurrentUser;
use crate::auth::json::parse_json;
use crate::{ApiError, AppState};
use onething_domain::access::UseCase;

const LIST_LIMIT: u32 = 200;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RunRequest {
    /// Settle the claims approved on or before this date (YYYY-MM-DD), at the latest today.
    #[schema(example = "2024-11-15")]
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
    user.permit(&state, UseCase::Settle)?;
    let request: RunRequest = parse_json(&headers, &body)?;
    let now = state.now();
    let until = parse_until(&request.until, date_in_china(now))?;
    let run = SettleRun {
        until,
        scope: region_scope(&user)?,
        acting: Acting {
            name: user.username().to_owned(),
            role: Some(user.role()),
            at: now,
        },
    };
    let outcome = state.store.settle(&run).await?;
    Ok(Json(RunView::new(until, outcome)))
}

/// A cut-off date: a real date, not after today in China.
fn parse_until(text: &str, today: NaiveDate) -> Result<NaiveDate, ApiError> {
    let until = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
        ApiError::bad_request(
            "INVALID_DATE",
            format!("until“{text}”不是有效日期，应为 YYYY-MM-DD"),
            "until",
        )
    })?;
    if until > today {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "UNTIL_IN_FUTURE",
            format!("结算截止日期 {until} 晚于今天（{today}），不能结算尚未到来的日期"),
        )
        .with_field("until"));
    }
    Ok(until)
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
    user.permit(&state, UseCase::ViewSettlements)?;
    let list = state
        .store
        .list_settlements(region_scope(&user)?, LIST_LIMIT)
        .await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

/// One settlement with its payments (account numbers masked).
#[utoipa::path(get, path = "/settlements/{id}", tag = "settlements",
    params(("id" = String, Path, description = "settlement id")),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = SettlementView),
              (status = 401, body = crate::error::ErrorBody, description = "UNAUTHENTICATED"),
              (status = 403, body = crate::error::ErrorBody, description = "FORBIDDEN: agency clerks and administrators only"),
              (status = 404, body = crate::error::ErrorBody, description = "NOT_FOUND, also outside the caller's region")))]
pub(crate) async fn get_settlement(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<SettlementView>, ApiError> {
    user.permit(&state, UseCase::ViewSettlements)?;
    let settlement = state
        .store
        .settlement(&id, region_scope(&user)?)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(Json(settlement.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn until_must_be_a_past_or_present_date() {
        let today = NaiveDate::from_ymd_opt(2024, 11, 15).expect("date");
        assert_eq!(parse_until(" 2024-11-15", today).ok(), Some(today));
        let future = parse_until("2024-11-16", today).expect_err("future");
        assert_eq!(future.code, "UNTIL_IN_FUTURE");
        let bad = parse_until("2024-02-30", today).expect_err("bad");
        assert_eq!(
            (bad.code.as_str(), bad.field.as_deref()),
            ("INVALID_DATE", Some("until"))
        );
    }
}

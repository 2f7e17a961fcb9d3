//! `POST/GET /api/v1/hospital/reimbursements` (RB-3) and the hospital's settlement account.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use onething_domain::access::UseCase;
use onething_domain::ids::ReimbursementId;
use onething_services::allowance::AccountInput;
use onething_services::hospital::{
    self as service, Reimburse, ReimbursementInput, ReimbursementView,
};
use onething_store::payables::Account;
use serde::{Deserialize, Serialize};

use crate::auth::CurrentUser;
use crate::auth::json::parse_json;
use crate::extract::ApiPath;
use crate::routes::newborn::idempotency_key;
use crate::{ApiError, AppState};

/// The hospital clerk settles a delivery's maternity medical costs at the window, for an
/// insured woman or a filed spouse: each line with the fund's share by the region's dated
/// parameters; the fund's share becomes a payable to the hospital. The same delivery again
/// → 409 `REIMBURSEMENT_EXISTS`; neither insured nor filed → 422 `NOT_COVERED`; a region
/// without parameters → 422 `NO_REIMBURSEMENT_RULES` (never guessed).
#[utoipa::path(post, path = "/hospital/reimbursements", tag = "hospital",
    request_body(content = Object, description = "person_id, delivery_record_id"),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 201, body = Object, description = "{id, fund_pays_fen, person_pays_fen, lines, explanation, …}"),
              (status = 400, body = crate::error::ErrorBody, description = "a field, named"),
              (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody, description = "no such record of this hospital's patient"),
              (status = 409, body = crate::error::ErrorBody, description = "REIMBURSEMENT_EXISTS"),
              (status = 422, body = crate::error::ErrorBody, description = "NOT_COVERED, NO_REIMBURSEMENT_RULES, NO_RULES_FOR_DATE, HOSPITAL_ACCOUNT_REQUIRED")))]
pub(crate) async fn reimburse(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<ReimbursementView>), ApiError> {
    let actor = user.actor(&state, idempotency_key(&headers));
    actor.authorize(UseCase::ReimburseAtWindow)?;
    let input: ReimbursementInput = parse_json(&headers, &body)?;
    let cmd = Reimburse::try_from(input)?;
    let view = service::reimburse(&state.services(), &actor, cmd).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// The hospital's own reimbursements, newest first.
#[utoipa::path(get, path = "/hospital/reimbursements", tag = "hospital", operation_id = "list_reimbursements",
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = [Object], description = "the reimbursements"), (status = 401, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Vec<ReimbursementView>>, ApiError> {
    let actor = user.actor(&state, None);
    Ok(Json(
        service::reimbursements(&state.services(), &actor).await?,
    ))
}

#[utoipa::path(get, path = "/hospital/reimbursements/{id}", tag = "hospital", operation_id = "reimbursement",
    params(("id" = ReimbursementId, Path, description = "reimbursement id")),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = Object), (status = 401, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 400, body = crate::error::ErrorBody, description = "INVALID_ID"),
              (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn one(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<ReimbursementId>,
) -> Result<Json<ReimbursementView>, ApiError> {
    let actor = user.actor(&state, None);
    Ok(Json(
        service::reimbursement(&state.services(), &actor, &id).await?,
    ))
}

/// The account as shown (number in full to its own hospital's window).
#[derive(Debug, Serialize)]
pub(crate) struct AccountView {
    name: String,
    bank: String,
    number: String,
}

impl From<Account> for AccountView {
    fn from(a: Account) -> Self {
        AccountView {
            name: a.name,
            bank: a.bank,
            number: a.number,
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AccountBody {
    name: Option<String>,
    bank: Option<String>,
    number: Option<String>,
}

/// The hospital's settlement account (对公账户) on file; 404 when none.
#[utoipa::path(get, path = "/hospital/bank-account", tag = "hospital",
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = Object), (status = 401, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn account(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<AccountView>, ApiError> {
    let actor = user.actor(&state, None);
    let account = service::hospital_account(&state.services(), &actor)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(Json(account.into()))
}

/// Records or replaces the hospital's settlement account (a unit's account rules; audited).
#[utoipa::path(put, path = "/hospital/bank-account", tag = "hospital",
    request_body(content = Object, description = "name, bank, number"),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = Object), (status = 400, body = crate::error::ErrorBody),
              (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)))]
pub(crate) async fn set_account(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<AccountView>, ApiError> {
    let actor = user.actor(&state, None);
    actor.authorize(UseCase::ReimburseAtWindow)?;
    let raw: AccountBody = parse_json(&headers, &body)?;
    let input = AccountInput {
        name: raw.name,
        bank: raw.bank,
        number: raw.number,
        ..AccountInput::default()
    };
    let saved = service::set_hospital_account(&state.services(), &actor, &input).await?;
    Ok(Json(saved.into()))
}

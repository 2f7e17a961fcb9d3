//! `PUT /maternity-allowance/claims/{id}/bank-account`: correcting the account of a failed
//! payment (the employer for its own claim, an agency clerk in the claim's region).

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use chrono::{DateTime, Utc};
use onething_domain::allowance::ClaimStatus;
use onething_domain::ids::ClaimId;
use onething_services::allowance as service;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::CurrentUser;
use crate::auth::json::parse_json;
use crate::extract::ApiPath;
use crate::{ApiError, AppState};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct BankAccountRequest {
    /// 户名: the account holder's name.
    #[schema(min_length = 1)]
    name: String,
    /// 开户银行.
    #[schema(min_length = 1)]
    bank: String,
    /// 账号: a corporate account (8–30 digits) when the employer is paid, a personal card
    /// (16–19 digits with its check digit) when the insured person is.
    number: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct CorrectedView {
    claim_id: String,
    /// Still `payment_failed`: the claim goes into the next settlement run.
    status: ClaimStatus,
    bank: String,
    account_masked: String,
    corrected_at: DateTime<Utc>,
}

/// Sets a new payee account on a claim whose payment failed; the claim goes into the next
/// settlement run (and only then: an uncorrected failed payment is never re-sent).
#[utoipa::path(put, path = "/maternity-allowance/claims/{id}/bank-account", tag = "settlements",
    params(("id" = ClaimId, Path, description = "claim id")),
    request_body = BankAccountRequest,
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = CorrectedView),
              (status = 400, body = crate::error::ErrorBody, description = "INVALID_BODY"),
              (status = 401, body = crate::error::ErrorBody, description = "UNAUTHENTICATED"),
              (status = 403, body = crate::error::ErrorBody, description = "FORBIDDEN: employers and agency clerks only"),
              (status = 404, body = crate::error::ErrorBody, description = "NOT_FOUND, also another employer's or region's claim"),
              (status = 409, body = crate::error::ErrorBody, description = "INVALID_STATE: the claim's payment has not failed"),
              (status = 422, body = crate::error::ErrorBody, description = "MISSING_FIELD, INVALID_ACCOUNT, INVALID_ACCOUNT_NUMBER")))]
pub(crate) async fn correct_bank_account(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<ClaimId>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<CorrectedView>, ApiError> {
    let actor = user.permit(
        &state,
        onething_domain::access::UseCase::CorrectPaymentAccount,
    )?;
    let svc = state.services();
    // The role, then the scope (404), before the body.
    service::visible_claim(&svc, &actor, &id).await?;
    let request: BankAccountRequest = parse_json(&headers, &body)?;
    let raw = service::AccountInput {
        name: Some(request.name),
        bank: Some(request.bank),
        number: Some(request.number),
        ..service::AccountInput::default()
    };
    let account = service::correct_account(&svc, &actor, &id, &raw).await?;
    Ok(Json(CorrectedView {
        claim_id: id.to_string(),
        status: ClaimStatus::PaymentFailed,
        bank: account.bank().to_owned(),
        account_masked: account.masked_number(),
        corrected_at: actor.at,
    }))
}

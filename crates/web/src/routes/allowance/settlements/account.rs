//! `PUT /maternity-allowance/claims/{id}/bank-account`: correcting the account of a failed
//! payment (the employer for its own claim, an agency clerk in the claim's region).

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use chrono::{DateTime, Utc};
use onething_domain::RegionCode;
use onething_domain::access::Scope;
use onething_domain::allowance::ClaimStatus;
use onething_domain::allowance::settlement::{Payee, PayeeAccount};
use onething_domain::allowance::visibility::{ClaimFacts, can_see_claim};
use onething_store::allowance::settlements::{Acting, ClaimRef};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::errors::bad_account;
use crate::auth::CurrentUser;
use crate::auth::json::parse_json;
use crate::{ApiError, AppState};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct BankAccountRequest {
    /// 户名: the account holder's name.
    name: String,
    /// 开户银行.
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
    params(("id" = String, Path, description = "claim id")),
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
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<CorrectedView>, ApiError> {
    user.permit(
        &state,
        onething_domain::access::UseCase::CorrectPaymentAccount,
    )?;
    let claim = state
        .store
        .claim_ref(&id)
        .await?
        .filter(|claim| may_correct(user.scope(), claim))
        .ok_or_else(ApiError::not_found)?;
    let request: BankAccountRequest = parse_json(&headers, &body)?;
    let payee = claim.payee.unwrap_or(Payee::Employer);
    let account = PayeeAccount::parse(&request.name, &request.bank, &request.number, payee)
        .map_err(|e| bad_account(&e))?;
    let acting = Acting {
        name: user.username().to_owned(),
        role: Some(user.role()),
        at: state.now(),
    };
    state.store.correct_account(&id, &account, &acting).await?;
    Ok(Json(CorrectedView {
        claim_id: claim.id,
        status: ClaimStatus::PaymentFailed,
        bank: account.bank().to_owned(),
        account_masked: account.masked_number(),
        corrected_at: acting.at,
    }))
}

/// An employer corrects its own claims, a clerk the claims of the clerk's region: the claims
/// policy (`can_see_claim`), with the route's roles deciding who may act at all.
fn may_correct(scope: &Scope, claim: &ClaimRef) -> bool {
    let facts = ClaimFacts {
        employer_uscc: &claim.employer_uscc,
        person_id: &claim.person_id,
        region: RegionCode::parse(&claim.region).ok(),
    };
    can_see_claim(scope, &facts).is_ok()
}

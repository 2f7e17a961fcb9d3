//! Around the claims: the employer's bank account on file and its standing consent to
//! 免申即享, the signed-in user's notifications, and the refused duplicates supervisors
//! watch (RB-6).

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use chrono::{DateTime, Utc};
use onething_domain::access::{Scope, UseCase};
use onething_domain::allowance::settlement::mask_account;
use onething_services::allowance::{self as service, AccountInput};
use onething_store::allowance::Recipient;
use onething_store::allowance::claims::{BankAccount, StandingConsent};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::steps::AccountBody;
use crate::auth::CurrentUser;
use crate::auth::json::parse_json;
use crate::extract::ApiQuery;
use crate::{ApiError, AppState};

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct BankAccountView {
    name: String,
    bank: String,
    /// The full number: the employer's own account, shown to the employer only.
    number: String,
    number_masked: String,
}

/// The employer's bank account on file (404 `NOT_FOUND` when none is recorded).
#[utoipa::path(get, path = "/employer/bank-account", tag = "maternity-allowance",
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = BankAccountView),
              (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody, description = "no account on file")))]
pub(crate) async fn get_bank_account(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<BankAccountView>, ApiError> {
    let account = service::employer_account(&state.services(), &user.actor(&state, None))
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(Json(account_view(account)))
}

fn account_view(account: BankAccount) -> BankAccountView {
    BankAccountView {
        number_masked: mask_account(&account.number),
        name: account.name,
        bank: account.bank,
        number: account.number,
    }
}

/// Records or replaces the employer's account (corporate: digits, 6–32 long), audited,
/// its history kept. Claims already approved keep the account they were approved with.
#[utoipa::path(put, path = "/employer/bank-account", tag = "maternity-allowance",
    request_body = AccountBody, security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = BankAccountView),
              (status = 400, body = crate::error::ErrorBody, description = "a field is invalid (named)"),
              (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)))]
pub(crate) async fn put_bank_account(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<BankAccountView>, ApiError> {
    let actor = user.actor(&state, None);
    actor.authorize(UseCase::ManageEmployerAccount)?;
    let body: AccountBody = parse_json(&headers, &body)?;
    let account = service::parse_account(&AccountInput::from(body), "")?;
    service::change_employer_account(&state.services(), &actor, &account).await?;
    Ok(Json(account_view(account)))
}

/// The employer's standing consent to 免申即享 as it stands.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct AutomaticConsentView {
    /// Whether the platform files and decides this employer's claims itself.
    consent: bool,
    given_at: Option<DateTime<Utc>>,
    /// The employer's user who gave it.
    given_by: Option<String>,
}

/// Body of `PUT /employer/automatic-claims-consent`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct AutomaticConsentBody {
    /// `true` gives the standing consent, `false` withdraws it.
    consent: bool,
}

fn consent_view(consent: Option<StandingConsent>) -> AutomaticConsentView {
    AutomaticConsentView {
        consent: consent.is_some(),
        given_at: consent.as_ref().map(|c| c.given_at),
        given_by: consent.map(|c| c.given_by),
    }
}

/// The employer's standing consent to 免申即享 (an addition to the contract, issue 16).
#[utoipa::path(get, path = "/employer/automatic-claims-consent", tag = "maternity-allowance",
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = AutomaticConsentView),
              (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)))]
pub(crate) async fn get_automatic_consent(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<AutomaticConsentView>, ApiError> {
    let actor = user.actor(&state, None);
    let consent = service::automatic_consent(&state.services(), &actor).await?;
    Ok(Json(consent_view(consent)))
}

/// Gives (`{"consent": true}`) or withdraws (`false`) the employer's standing consent to
/// 免申即享: the platform then opens, derives and decides its employees' claims itself for
/// births whose facts are complete, paid to the account on file; the employer still
/// corrects the account before settlement. Audited. Claims already opened are kept.
#[utoipa::path(put, path = "/employer/automatic-claims-consent", tag = "maternity-allowance",
    request_body = AutomaticConsentBody, security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = AutomaticConsentView),
              (status = 400, body = crate::error::ErrorBody, description = "the body is not {\"consent\": bool}"),
              (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)))]
pub(crate) async fn put_automatic_consent(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<AutomaticConsentView>, ApiError> {
    let actor = user.actor(&state, None);
    actor.authorize(UseCase::ManageAutomaticConsent)?;
    let body: AutomaticConsentBody = parse_json(&headers, &body)?;
    let consent = service::set_automatic_consent(&state.services(), &actor, body.consent).await?;
    Ok(Json(consent_view(consent)))
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct NotificationView {
    id: String,
    channel: String,
    subject_type: String,
    subject_id: String,
    body: String,
    created_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct NotificationQuery {
    /// `in_site` (default) or `sms` (the messages the SMS gateway was given).
    #[param(schema_with = channels)]
    channel: Option<String>,
}

fn channels() -> utoipa::openapi::Object {
    crate::openapi_rules::string_enum(&["in_site", "sms"])
}

/// The signed-in employer's, person's or department officer's (the department's near-due
/// notices and daily digests) messages, newest first (other roles have none).
#[utoipa::path(get, path = "/notifications", tag = "maternity-allowance",
    params(NotificationQuery), security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = Vec<NotificationView>),
              (status = 400, body = crate::error::ErrorBody, description = "unknown channel"),
              (status = 401, body = crate::error::ErrorBody)))]
pub(crate) async fn notifications(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<NotificationQuery>,
) -> Result<Json<Vec<NotificationView>>, ApiError> {
    user.actor(&state, None)
        .authorize(UseCase::ViewNotifications)?;
    let channel = query.channel.as_deref().unwrap_or("in_site");
    if !["in_site", "sms"].contains(&channel) {
        return Err(ApiError::bad_request(
            "INVALID_QUERY",
            format!("查询参数 channel 无效：{channel}（应为 in_site 或 sms）"),
            "channel",
        ));
    }
    let recipient = match user.scope() {
        Scope::Employer(uscc) => Recipient::Employer(uscc.to_string()),
        Scope::Person(id) => Recipient::Person(id.to_string()),
        // A department's officers share its near-due notices and digests (SV-3).
        Scope::Department { kind, .. } => Recipient::Department(kind.as_str().to_owned()),
        _ => return Ok(Json(Vec::new())),
    };
    let notes = state
        .store
        .notifications_for(&recipient, channel, 100)
        .await?;
    Ok(Json(
        notes
            .into_iter()
            .map(|n| NotificationView {
                id: n.id,
                channel: n.channel,
                subject_type: n.subject_type,
                subject_id: n.subject_id,
                body: n.body,
                created_at: n.created_at,
            })
            .collect(),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct DuplicateAttemptView {
    id: String,
    claimant_masked: String,
    event_date: String,
    existing_claim: String,
    employer_uscc: String,
    channel: String,
    attempted_by: String,
    attempted_at: DateTime<Utc>,
}

/// Refused duplicate claims (RB-6), newest first, ids masked: for supervisors and
/// administrators.
#[utoipa::path(get, path = "/maternity-allowance/duplicate-attempts", tag = "maternity-allowance",
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = Vec<DuplicateAttemptView>),
              (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)))]
pub(crate) async fn duplicate_attempts(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Vec<DuplicateAttemptView>>, ApiError> {
    let actor = user.actor(&state, None);
    let attempts = service::duplicate_attempts(&state.services(), &actor, 200).await?;
    Ok(Json(
        attempts
            .into_iter()
            .map(|a| DuplicateAttemptView {
                id: a.id,
                claimant_masked: a.claimant_masked,
                event_date: a.event_date,
                existing_claim: a.existing_claim,
                employer_uscc: a.employer_uscc,
                channel: a.channel,
                attempted_by: a.attempted_by,
                attempted_at: a.attempted_at,
            })
            .collect(),
    ))
}

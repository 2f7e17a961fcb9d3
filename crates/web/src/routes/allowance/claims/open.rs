//! Opening claims: the employer's proactive offers, a new claim (online by the employer, at
//! the window by a clerk with the employer's authorisation), and the clerk's person look-up.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use chrono::NaiveDate;
use onething_domain::access::{UseCase, mask_id_text};
use onething_services::allowance::{
    self as service, AuthorisationInput, OpenClaim, OpenClaimInput,
};
use onething_services::input::citizen_id;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::idempotency_key;
use super::view::{ClaimView, claim_view};
use crate::auth::CurrentUser;
use crate::auth::json::parse_json;
use crate::extract::ApiQuery;
use crate::{ApiError, AppState};

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct OfferView {
    person_id_masked: String,
    /// Opaque handle usable in place of the id when opening the claim.
    person_ref: String,
    event_date: NaiveDate,
    certificate_no: Option<String>,
    /// The region's application limit (`application_limit_months`) has passed for this
    /// event: still listed, but opening the claim will be refused (`APPLICATION_TOO_LATE`).
    past_limit: bool,
}

/// The employer's authorisation of a window submission (授权确认表, seed 000 附件2).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct AuthorisationBody {
    /// 授权确认表编号.
    number: String,
    /// 单位经办人 who signed.
    signer: String,
    signed_on: NaiveDate,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CreateBody {
    /// The insured claimant's citizen id, or…
    person_id: Option<String>,
    /// …the `person_ref` of an offer.
    person_ref: Option<String>,
    certificate_no: Option<String>,
    /// Window submissions (agency clerks) only: the employer filing.
    employer_uscc: Option<String>,
    /// Window submissions only: the employer's signed authorisation.
    authorisation: Option<AuthorisationBody>,
    /// Hospital window (hospital clerks) only, with `employer_uscc`: birth order (胎次).
    birth_order: Option<u8>,
}

/// Employees with a pushed birth or delivery and no claim yet, however long ago: the claim
/// the platform offers before anyone asks (MA-2); those past the region's application limit
/// are marked `past_limit`.
#[utoipa::path(get, path = "/maternity-allowance/offers", tag = "maternity-allowance",
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = Vec<OfferView>),
              (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)))]
pub(crate) async fn offers(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Vec<OfferView>>, ApiError> {
    let offers = service::offers(&state.services(), &user.actor(&state, None)).await?;
    Ok(Json(
        offers
            .into_iter()
            .map(|o| OfferView {
                person_id_masked: mask_id_text(&o.person_id),
                person_ref: o.person_ref,
                event_date: o.event_date,
                certificate_no: o.certificate_no,
                past_limit: o.past_limit,
            })
            .collect(),
    ))
}

/// Opens a claim. The employer files for its own employees; an agency clerk files at the
/// window with `employer_uscc` and the employer's `authorisation`. The facts are derived
/// from shared data at once. The same claimant and event can be claimed once: a second
/// attempt is 409 `CLAIM_EXISTS` with `existing_claim_id`, and is recorded for supervision.
#[utoipa::path(post, path = "/maternity-allowance/claims", tag = "maternity-allowance",
    request_body = CreateBody, security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 201, body = ClaimView),
              (status = 400, body = crate::error::ErrorBody, description = "INVALID_BODY naming the field"),
              (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody, description = "the person is not the employer's employee, or outside the clerk's region"),
              (status = 409, body = crate::error::ErrorBody, description = "CLAIM_EXISTS with existing_claim_id"),
              (status = 422, body = crate::error::ErrorBody, description = "NO_BIRTH_RECORD")))]
pub(crate) async fn create_claim(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<ClaimView>), ApiError> {
    let actor = user.actor(&state, idempotency_key(&headers));
    actor.authorize(UseCase::OpenClaim)?;
    let body: CreateBody = parse_json(&headers, &body)?;
    let cmd = OpenClaim::try_from(OpenClaimInput::from(body))?;
    let svc = state.services();
    let claim = service::open_claim(&svc, &actor, cmd).await?;
    let view = claim_view(service::with_history(&svc, claim).await?);
    Ok((StatusCode::CREATED, Json(view)))
}

impl From<CreateBody> for OpenClaimInput {
    fn from(body: CreateBody) -> Self {
        OpenClaimInput {
            person_id: body.person_id,
            person_ref: body.person_ref,
            certificate_no: body.certificate_no,
            employer_uscc: body.employer_uscc,
            authorisation: body.authorisation.map(|a| AuthorisationInput {
                number: Some(a.number),
                signer: Some(a.signer),
                signed_on: Some(a.signed_on.format("%Y-%m-%d").to_string()),
            }),
            birth_order: body.birth_order,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct LookupQuery {
    /// The citizen id of the person looked up at the window (required: `Option` here only
    /// so that the role is checked before the query). Format `citizen-id`: 18 characters,
    /// the last a check character over the first 17 (GB 11643).
    #[param(required = true, format = "citizen-id")]
    person_id: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct LookupView {
    person_id_masked: String,
    event_date: Option<NaiveDate>,
    region: Option<String>,
    facts: Vec<onething_domain::allowance::Fact>,
    missing: Vec<onething_domain::allowance::Missing>,
    /// The last day to claim for the event found, when the region sets a limit.
    application_deadline: Option<NaiveDate>,
    /// That day has passed: a claim would be refused (`APPLICATION_TOO_LATE`).
    past_limit: bool,
    /// Claims for the person refused as too late, newest first (from the audit log).
    refused_too_late: Vec<RefusedTooLate>,
}

/// A claim refused because the application limit had passed.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct RefusedTooLate {
    at: chrono::DateTime<chrono::Utc>,
    /// Who tried (username).
    by: String,
    employer_uscc: Option<String>,
    event_date: Option<NaiveDate>,
    deadline: Option<NaiveDate>,
}

impl From<&onething_store::audit::AuditEntry> for RefusedTooLate {
    fn from(e: &onething_store::audit::AuditEntry) -> Self {
        let detail = &e.entry.detail;
        let date = |key: &str| detail[key].as_str().and_then(|d| d.parse().ok());
        RefusedTooLate {
            at: e.entry.at,
            by: e.entry.actor.clone(),
            employer_uscc: detail["employer_uscc"].as_str().map(str::to_owned),
            event_date: date("event_date"),
            deadline: date("deadline"),
        }
    }
}

/// The window clerk's look-up (MA-3): the shared data found for a person, in the clerk's
/// region only (404 otherwise), every record read audited.
#[utoipa::path(get, path = "/maternity-allowance/lookup", tag = "maternity-allowance",
    params(LookupQuery), security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = LookupView),
              (status = 400, body = crate::error::ErrorBody, description = "person_id invalid"),
              (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody, description = "outside the clerk's region")))]
pub(crate) async fn lookup(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<LookupQuery>,
) -> Result<Json<LookupView>, ApiError> {
    let actor = user.actor(&state, None);
    actor.authorize(UseCase::LookupPerson)?;
    let person = citizen_id(query.person_id.as_deref().unwrap_or_default(), "person_id")?;
    let found = service::lookup_person(&state.services(), &actor, &person).await?;
    let today = actor.today();
    Ok(Json(LookupView {
        application_deadline: found.application_limit.map(|l| l.deadline),
        past_limit: found.application_limit.is_some_and(|l| l.is_past(today)),
        refused_too_late: found.refused_too_late.iter().map(Into::into).collect(),
        person_id_masked: found.person.masked(),
        event_date: found.event_date,
        region: found.region.map(|r| r.to_string()),
        facts: found
            .facts
            .into_iter()
            .map(super::view::mask_fact)
            .collect(),
        missing: found.missing,
    }))
}

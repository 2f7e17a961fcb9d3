//! Opening claims: the employer's proactive offers, a new claim (online by the employer, at
//! the window by a clerk with the employer's authorisation), and the clerk's person look-up.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use chrono::NaiveDate;
use onething_domain::access::{Role, Scope, mask_id_text};
use onething_domain::allowance::visibility::{ClaimFacts, can_see_claim};
use onething_domain::china_time::date_in_china;
use onething_domain::{CitizenId, Uscc};
use onething_store::allowance::claims::{Authorisation, Channel, ClaimSubject, NewClaim};
use onething_store::audit::NewAuditEntry;
use onething_store::shared_data::DataUse;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::view::{ClaimView, claim_view};
use super::{FILERS, send_sms};
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
}

/// Employees with a birth or delivery pushed in the last twelve months and no claim yet:
/// the claim the platform offers before anyone asks (MA-2).
#[utoipa::path(get, path = "/maternity-allowance/offers", tag = "maternity-allowance",
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = Vec<OfferView>),
              (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)))]
pub(crate) async fn offers(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Vec<OfferView>>, ApiError> {
    user.require(&[Role::Employer])?;
    let Scope::Employer(uscc) = user.scope() else {
        return Err(ApiError::not_found());
    };
    let data_use = DataUse {
        actor: user.username().to_owned(),
        case_id: None,
        purpose: "maternity_allowance_offers".into(),
    };
    let today = date_in_china(state.now());
    let offers = state.store.offers(&data_use, uscc.as_str(), today).await?;
    Ok(Json(
        offers
            .into_iter()
            .map(|o| OfferView {
                person_id_masked: mask_id_text(&o.person_id),
                person_ref: o.person_ref,
                event_date: o.event_date,
                certificate_no: o.certificate_no,
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
    user.require(FILERS)?;
    let body: CreateBody = parse_json(&headers, &body)?;
    let person = person_of(&state, &body).await?;
    let (employer, channel, authorisation) = filer(&user, &body)?;
    if let Scope::Region(_) = user.scope() {
        let facts = ClaimFacts {
            employer_uscc: employer.as_str(),
            person_id: person.as_str(),
            region: None,
        };
        can_see_claim(user.scope(), &facts)?;
    }
    let certificate_no = body
        .certificate_no
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty());
    if let Some(no) = &certificate_no {
        onething_domain::BirthCertificateNo::parse(no).map_err(|e| {
            ApiError::bad_request(
                e.code(),
                format!("certificate_no：{}", e.message_zh()),
                "certificate_no",
            )
        })?;
    }
    let new = NewClaim {
        person_id: person,
        employer,
        certificate_no,
        channel,
        authorisation,
        actor: user.username().to_owned(),
        role: user.role(),
        at: state.now(),
    };
    let claim = state.store.create_claim(&new).await?;
    send_sms(&state, &claim).await;
    Ok((StatusCode::CREATED, Json(claim_view(&state, claim).await?)))
}

async fn person_of(state: &AppState, body: &CreateBody) -> Result<CitizenId, ApiError> {
    let text = match (&body.person_id, &body.person_ref) {
        (Some(id), _) => id.trim().to_owned(),
        (None, Some(handle)) => state
            .store
            .resolve_person_ref(handle.trim())
            .await?
            .ok_or_else(|| {
                ApiError::bad_request(
                    "INVALID_PERSON_REF",
                    "person_ref 无效或已失效，请刷新待申领名单",
                    "person_ref",
                )
            })?,
        (None, None) => {
            return Err(ApiError::bad_request(
                "MISSING_FIELD",
                "请提供 person_id（身份证号）或 person_ref（待申领名单中的人员句柄）",
                "person_id",
            ));
        }
    };
    CitizenId::parse(&text).map_err(|e| {
        ApiError::bad_request(
            e.code(),
            format!("person_id：{}", e.message_zh()),
            "person_id",
        )
    })
}

/// The employer a claim is filed for, the channel, and (window) the authorisation.
fn filer(
    user: &CurrentUser,
    body: &CreateBody,
) -> Result<(Uscc, Channel, Option<Authorisation>), ApiError> {
    if let Scope::Employer(uscc) = user.scope() {
        if body
            .employer_uscc
            .as_deref()
            .is_some_and(|u| u != uscc.as_str())
        {
            return Err(ApiError::bad_request(
                "INVALID_BODY",
                "employer_uscc 只能是本单位的统一社会信用代码，或不填",
                "employer_uscc",
            ));
        }
        return Ok((uscc.clone(), Channel::Online, None));
    }
    let uscc = body.employer_uscc.as_deref().ok_or_else(|| {
        ApiError::bad_request(
            "MISSING_FIELD",
            "窗口代办须填写 employer_uscc（申领单位统一社会信用代码）",
            "employer_uscc",
        )
    })?;
    let uscc = Uscc::parse(uscc.trim()).map_err(|e| {
        ApiError::bad_request(
            e.code(),
            format!("employer_uscc：{}", e.message_zh()),
            "employer_uscc",
        )
    })?;
    let a = body.authorisation.as_ref().ok_or_else(|| {
        ApiError::bad_request("MISSING_FIELD", "窗口代办须登记单位的《生育津贴办理授权确认表》（authorisation：编号、经办人、签署日期）", "authorisation")
    })?;
    for (field, value) in [
        ("authorisation.number", &a.number),
        ("authorisation.signer", &a.signer),
    ] {
        if value.trim().is_empty() || value.chars().count() > 64 {
            return Err(ApiError::bad_request(
                "INVALID_BODY",
                format!("{field} 不能为空且不超过64个字符"),
                field,
            ));
        }
    }
    let authorisation = Authorisation {
        number: a.number.trim().to_owned(),
        signer: a.signer.trim().to_owned(),
        signed_on: a.signed_on,
    };
    Ok((uscc, Channel::Window, Some(authorisation)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct LookupQuery {
    /// The citizen id of the person looked up at the window (required; optional here so
    /// the role is checked before the query).
    person_id: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct LookupView {
    person_id_masked: String,
    event_date: Option<NaiveDate>,
    region: Option<String>,
    facts: Vec<onething_domain::allowance::Fact>,
    missing: Vec<onething_domain::allowance::Missing>,
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
    user.require(&[Role::AgencyClerk])?;
    let person_id = query.person_id.unwrap_or_default();
    let person = CitizenId::parse(person_id.trim()).map_err(|e| {
        ApiError::bad_request(
            e.code(),
            format!("person_id：{}", e.message_zh()),
            "person_id",
        )
    })?;
    let data_use = DataUse {
        actor: user.username().to_owned(),
        case_id: None,
        purpose: "maternity_allowance_window_lookup".into(),
    };
    let today = date_in_china(state.now());
    // The wage is the employer's: looked up against the employer of the enrollment found.
    let on = state
        .store
        .insurance_enrollment_on(&data_use, person.as_str(), today)
        .await?;
    let region = on
        .as_ref()
        .and_then(|r| r.content["region_code"].as_str())
        .and_then(|r| onething_domain::RegionCode::parse(r).ok());
    let in_scope = region.unwrap_or_else(|| person.region());
    onething_domain::access::policy::can_see_person(
        user.scope(),
        &onething_domain::access::policy::PersonFacts {
            id: &person,
            region: Some(in_scope),
            employer: None,
        },
    )?;
    let employer = on
        .as_ref()
        .and_then(|r| r.employer_uscc.as_deref())
        .and_then(|u| Uscc::parse(u).ok());
    let Some(employer) = employer else {
        return Ok(Json(LookupView {
            person_id_masked: person.masked(),
            event_date: None,
            region: region.map(|r| r.to_string()),
            facts: Vec::new(),
            missing: vec![onething_domain::allowance::Missing {
                name: "insurance_enrollment".into(),
                message: "医保部门尚未推送该人员的职工医保参保登记（参保单位）".into(),
            }],
        }));
    };
    let subject = ClaimSubject {
        claimant: &person,
        employer: &employer,
        certificate_no: None,
        basis: None,
        uploaded_certificate_no: None,
        event_date: None,
        today,
    };
    let (_, derived) = state.store.derive_claim(&data_use, &subject).await?;
    state
        .store
        .append_audit(&NewAuditEntry {
            at: state.now(),
            actor: user.username().to_owned(),
            role: Some(user.role()),
            action: "window_lookup".into(),
            subject_type: "person".into(),
            subject_id: person.as_str().to_owned(),
            case_id: None,
            detail: serde_json::json!({"employer_uscc": employer.as_str()}),
        })
        .await?;
    Ok(Json(LookupView {
        person_id_masked: mask_id_text(person.as_str()),
        event_date: derived.event_date,
        region: derived.region.map(|r| r.to_string()),
        facts: derived
            .facts
            .into_iter()
            .map(super::view::mask_fact)
            .collect(),
        missing: derived.missing,
    }))
}

//! The window (窗口代办, MA-3): an agency clerk records the employer's authorisation
//! (授权确认表) and opens the claim on its behalf; the claim then goes through the same
//! wizard (`/clerk/claims/{id}`) and the clerk prints the application form (申请表) as a PDF
//! for the employer to sign. The employer must be registered in the clerk's region, and the
//! person must be insured or paid for by it (the store checks, with audited reads).

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE, HeaderValue};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use onething_domain::access::Scope;
use onething_domain::china_time::date_in_china;
use onething_domain::{CitizenId, Uscc};
use onething_store::allowance::claims::{Authorisation, Channel, ClaimError, NewClaim};
use serde::Deserialize;

use super::chrome::{Chrome, Signed, page_headers, redirect_with};
use super::claims::claim_refusal;
use super::review::CLERKS;
use super::{PageError, html, ok};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::routes::allowance::claims::form::application_form_bytes;

/// The window form as posted (and shown again on a mistake).
#[derive(Debug, Default, Clone, Deserialize)]
pub(crate) struct WindowForm {
    #[serde(default)]
    employer_uscc: String,
    #[serde(default)]
    person_id: String,
    #[serde(default)]
    auth_number: String,
    #[serde(default)]
    signer: String,
    #[serde(default)]
    signed_on: String,
}

#[derive(Template)]
#[template(path = "ma_window.html")]
struct WindowPage {
    chrome: Chrome,
    form: WindowForm,
    error: Option<String>,
}

/// `GET /clerk/window`: the window submission form.
pub(crate) async fn form(Signed { user, chrome }: Signed) -> Result<Response, PageError> {
    user.require(CLERKS)?;
    ok(&WindowPage {
        chrome,
        form: WindowForm::default(),
        error: None,
    })
}

/// The form checked: the employer, the person and the authorisation, or the message naming
/// the field at fault.
fn checked(
    user: &CurrentUser,
    form: &WindowForm,
    today: NaiveDate,
) -> Result<(Uscc, CitizenId, Authorisation), String> {
    let employer =
        Uscc::parse(form.employer_uscc.trim()).map_err(|e| format!("统一社会信用代码：{e}"))?;
    if let Scope::Region(mine) = user.scope()
        && !employer.region().is_within(*mine)
    {
        return Err("统一社会信用代码：该单位不在您的经办辖区".to_owned());
    }
    let person =
        CitizenId::parse(form.person_id.trim()).map_err(|e| format!("公民身份号码：{e}"))?;
    let number = form.auth_number.trim();
    if number.is_empty() {
        return Err("授权确认表编号：请填写单位授权确认表上的编号".to_owned());
    }
    let signer = form.signer.trim();
    if signer.is_empty() {
        return Err("单位经办人：请填写在授权确认表上签字的经办人".to_owned());
    }
    let signed_on = NaiveDate::parse_from_str(form.signed_on.trim(), "%Y-%m-%d")
        .map_err(|_| "签署日期：请按 YYYY-MM-DD 填写日期".to_owned())?;
    if signed_on > today {
        return Err("签署日期：不能晚于今天".to_owned());
    }
    let authorisation = Authorisation {
        number: number.to_owned(),
        signer: signer.to_owned(),
        signed_on,
    };
    Ok((employer, person, authorisation))
}

/// `POST /clerk/window`: opens the claim on the employer's behalf and goes to its wizard.
pub(crate) async fn submit(
    State(state): State<AppState>,
    Signed { user, chrome }: Signed,
    body: Bytes,
) -> Result<Response, PageError> {
    user.require(CLERKS)?;
    let form: WindowForm = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let today = date_in_china(state.now());
    let refuse = |chrome, form, message: String, status| {
        let page = WindowPage {
            chrome,
            form,
            error: Some(message),
        };
        html(status, &page)
    };
    let (employer, person, authorisation) = match checked(&user, &form, today) {
        Ok(parts) => parts,
        Err(message) => return refuse(chrome, form, message, StatusCode::UNPROCESSABLE_ENTITY),
    };
    let new = NewClaim {
        person_id: person,
        employer,
        certificate_no: None,
        channel: Channel::Window,
        authorisation: Some(authorisation),
        actor: user.username().to_owned(),
        role: user.role(),
        at: state.now(),
    };
    match state.store.create_claim(&new).await {
        Ok(claim) => Ok(redirect_with(&format!("/clerk/claims/{}", claim.id), None)),
        Err(ClaimError::NotFound) => {
            let message = "公民身份号码：未找到该职工在该单位的参保或缴费记录".to_owned();
            refuse(chrome, form, message, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(e) => {
            let (status, message) = claim_refusal(e)?;
            refuse(chrome, form, message, status)
        }
    }
}

/// `GET /clerk/claims/{id}/application-form.pdf`: the same 申请表 as the API's (masked
/// citizen id, audited print; 待核定 where the agency has not decided yet), 503 without the
/// font.
pub(crate) async fn application_pdf(
    State(state): State<AppState>,
    Signed { user, .. }: Signed,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    user.require(CLERKS)?;
    let pdf = application_form_bytes(&state, &user, &id).await?;
    let mut response = (page_headers(), pdf).into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/pdf"));
    if let Ok(v) = HeaderValue::from_str(&format!("inline; filename=\"{id}.pdf\"")) {
        headers.insert(CONTENT_DISPOSITION, v);
    }
    Ok(response)
}

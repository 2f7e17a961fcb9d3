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
use onething_documents::{ApplicationForm, BankAccount, Fact, application_form_pdf};
use onething_domain::access::Scope;
use onething_domain::china_time::date_in_china;
use onething_domain::rules::MaternityDecision;
use onething_domain::{CitizenId, Fen, Uscc};
use onething_store::allowance::claims::{Authorisation, Channel, Claim, ClaimError, NewClaim};
use serde::Deserialize;

use super::chrome::{Chrome, Signed, page_headers, redirect_with};
use super::claims::{claim_refusal, claim_view, visible_claim};
use super::review::{CLERKS, derived_decision};
use super::{PageError, html, ok};
use crate::auth::CurrentUser;
use crate::{ApiError, AppState};

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

fn fact_text(claim: &Claim, name: &str) -> Option<String> {
    let fact = claim.facts.iter().find(|f| f.name == name)?;
    Some(match &fact.value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    })
}

fn event_label(code: &str) -> &str {
    match code {
        "vaginal" => "顺产",
        "cesarean" => "剖宫产",
        "dystocia" => "难产",
        "miscarriage" => "流产",
        "induced" => "引产",
        other => other,
    }
}

/// The application form of `claim`, with `decision` (stored, or the rules' preview).
fn application_form(
    claim: &Claim,
    decision: &MaternityDecision,
    account: Option<&onething_store::allowance::claims::BankAccount>,
    facts: Vec<Fact>,
    today: NaiveDate,
) -> Option<ApplicationForm> {
    let number = |name| fact_text(claim, name).and_then(|v| v.parse::<u32>().ok());
    let basis_field = match claim.wage_basis {
        Some(onething_domain::allowance::WageBasis::AvgBase) => "avg_monthly_base_fen",
        _ => "avg_monthly_wage_fen",
    };
    let wage = fact_text(claim, basis_field).and_then(|v| v.parse::<i64>().ok())?;
    Some(ApplicationForm {
        claim_number: claim.id.clone(),
        employer_name: account.map_or_else(String::new, |a| a.name.clone()),
        employer_uscc: claim.employer_uscc.clone(),
        bank_account: BankAccount {
            account_name: account.map_or_else(String::new, |a| a.name.clone()),
            bank_name: account.map_or_else(String::new, |a| a.bank.clone()),
            account_number: account.map_or_else(String::new, |a| a.number.clone()),
        },
        person_name: String::new(),
        citizen_id: onething_domain::access::mask_id_text(&claim.person_id),
        event_type: event_label(&fact_text(claim, "event_type")?).to_owned(),
        event_date: claim.event_date?,
        babies: number("babies").unwrap_or(1),
        pregnancy_weeks: number("pregnancy_weeks"),
        birth_certificate_number: claim.certificate_no.clone(),
        delivery_institution: fact_text(claim, "institution_code"),
        previous_year_average_monthly_wage: Fen::new(wage),
        leave_days: decision.leave_days,
        amount: decision.amount_fen,
        payee: decision.payee?,
        explanation: decision.explanation.clone(),
        generated_on: today,
        facts,
    })
}

/// `GET /clerk/claims/{id}/application-form.pdf`: the 申请表 built from the claim (masked
/// citizen id), with the stored decision or, before one, the rules' result on freshly
/// derived facts (audited reads). 422 page while data is missing; 503 without the font.
pub(crate) async fn application_pdf(
    State(state): State<AppState>,
    Signed { user, .. }: Signed,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    user.require(CLERKS)?;
    let claim = visible_claim(&state, &user, &id).await?;
    let decision = match claim.decision.clone() {
        Some(d) => Some(d),
        None => derived_decision(&state, &claim, user.username()).await?,
    };
    let account = match claim.bank_account.clone() {
        Some(a) => Some(a),
        None => state.store.employer_account(&claim.employer_uscc).await?,
    };
    let view = claim_view(&state, &claim).await?;
    let facts = view
        .facts
        .iter()
        .map(|f| Fact {
            label: f.label.clone(),
            value: f.value.clone(),
            source: f.source.clone(),
        })
        .collect();
    let today = date_in_china(state.now());
    let form = decision
        .filter(|d| d.eligible)
        .and_then(|d| application_form(&claim, &d, account.as_ref(), facts, today));
    let Some(form) = form else {
        return Err(PageError::Show {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            message: "共享数据尚不完整或不符合领取条件，暂不能打印申请表".to_owned(),
            retry_after: None,
        });
    };
    let fonts = state.fonts.get().map_err(ApiError::from)?;
    let pdf = application_form_pdf(&form, fonts).map_err(PageError::internal)?;
    let mut response = (page_headers(), pdf).into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/pdf"));
    if let Ok(v) = HeaderValue::from_str(&format!("inline; filename=\"{id}.pdf\"")) {
        headers.insert(CONTENT_DISPOSITION, v);
    }
    Ok(response)
}

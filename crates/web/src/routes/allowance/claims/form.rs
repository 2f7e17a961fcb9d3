//! The printed application form (申请表, seed 000 附件3; MA-3): the claim's fetched data as a
//! PDF in Chinese for the employer to check, sign and stamp. The citizen id is masked on the
//! form (the agency has it in full); a form printed before review shows 待核定 where the
//! agency has not assessed yet. Every print is audited.

use axum::extract::State;
use axum::response::Response;
use onething_documents::{ApplicationForm, BankAccount, Fact as FormFact, application_form_pdf};
use onething_domain::allowance::Fact;
use onething_domain::china_time::date_in_china;
use onething_domain::ids::ClaimId;
use onething_domain::rules::EventType;
use onething_domain::{CitizenId, Fen};
use onething_store::allowance::claims::Claim;
use onething_store::audit::NewAuditEntry;
use serde_json::{Value, json};

use onething_domain::access::UseCase;
use onething_services::allowance as service;

use crate::auth::CurrentUser;
use crate::extract::ApiPath;
use crate::{ApiError, AppState};

/// The 申请表 of one claim as a PDF.
#[utoipa::path(get, path = "/maternity-allowance/claims/{id}/application-form.pdf",
    tag = "maternity-allowance",
    params(("id" = ClaimId, Path, description = "claim id")),
    security(("bearer" = []), ("session_cookie" = [])),
    responses(
        (status = 400, body = crate::error::ErrorBody, description = "INVALID_ID: the path's id cannot be one the platform issues"),
              (status = 200, content_type = "application/pdf", description = "the 申请表, A4, Chinese, font subset embedded"),
        (status = 401, body = crate::error::ErrorBody, description = "UNAUTHENTICATED"),
        (status = 403, body = crate::error::ErrorBody, description = "FORBIDDEN: not an employer or agency clerk"),
        (status = 404, body = crate::error::ErrorBody, description = "NOT_FOUND, also for another tenant's claim"),
        (status = 503, body = crate::error::ErrorBody, description = "FONT_MISSING: the server has no CJK font installed")))]
pub(crate) async fn application_form(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<ClaimId>,
) -> Result<Response, ApiError> {
    let pdf = application_form_bytes(&state, &user, &id).await?;
    Ok(crate::documents::pdf_response(
        &format!("application-form-{id}.pdf"),
        pdf,
    ))
}

/// The PDF of a claim the user may see (404 otherwise), audited as a print. The pages
/// serve the same bytes.
pub(crate) async fn application_form_bytes(
    state: &AppState,
    user: &CurrentUser,
    id: &ClaimId,
) -> Result<Vec<u8>, ApiError> {
    let actor = user.actor(state, None);
    actor.authorize(UseCase::PrintApplicationForm)?;
    let claim = service::visible_claim(&state.services(), &actor, id).await?;
    let form = form_of(&claim, date_in_china(state.now()));
    let fonts = state.fonts.get().map_err(ApiError::from)?.clone();
    let pdf = tokio::task::spawn_blocking(move || application_form_pdf(&form, &fonts))
        .await
        .map_err(|e| ApiError::internal(&e))?
        .map_err(|e| ApiError::from(&e))?;
    state
        .store
        .append_audit(&NewAuditEntry {
            at: state.now(),
            actor: user.username().to_owned(),
            role: Some(user.role()),
            action: "print_application_form".to_owned(),
            subject_type: "ma_claim".to_owned(),
            subject_id: claim.id.clone(),
            case_id: Some(claim.case_id.clone()),
            detail: json!({ "status": claim.status.as_str() }),
        })
        .await?;
    Ok(pdf)
}

/// The form's fields from the claim: facts as derived (each with its source), the decision
/// once there is one.
fn form_of(claim: &Claim, today: chrono::NaiveDate) -> ApplicationForm {
    let facts = &claim.facts;
    let text = |name: &str| fact(facts, name).and_then(Value::as_str).map(str::to_owned);
    let number = |name: &str| {
        fact(facts, name)
            .and_then(Value::as_u64)
            .and_then(|n| u32::try_from(n).ok())
    };
    let decision = claim.decision.as_ref().filter(|d| d.eligible);
    let account = claim.bank_account.as_ref();
    let event_type =
        fact(facts, "event_type").and_then(|v| serde_json::from_value::<EventType>(v.clone()).ok());
    ApplicationForm {
        claim_number: claim.id.clone(),
        employer_name: account.map_or_else(|| "—".to_owned(), |a| a.name.clone()),
        employer_uscc: claim.employer_uscc.clone(),
        bank_account: BankAccount {
            account_name: account.map_or_else(String::new, |a| a.name.clone()),
            bank_name: account.map_or_else(String::new, |a| a.bank.clone()),
            account_number: account.map_or_else(String::new, |a| a.number.clone()),
        },
        person_name: text("mother_name").unwrap_or_else(|| "—".to_owned()),
        citizen_id: CitizenId::parse(&claim.person_id)
            .map_or_else(|_| "—".to_owned(), |id| id.masked()),
        event_type: event_type.map_or("—", EventType::name_zh).to_owned(),
        event_date: claim.event_date.unwrap_or(today),
        babies: number("babies").unwrap_or(1),
        pregnancy_weeks: number("pregnancy_weeks"),
        birth_certificate_number: claim
            .certificate_no
            .clone()
            .or_else(|| text("certificate_no")),
        delivery_institution: text("institution_name").or_else(|| text("institution_code")),
        previous_year_average_monthly_wage: wage(facts),
        leave_days: decision.map(|d| d.leave_days),
        amount: decision.map(|d| d.amount_fen),
        payee: decision.and_then(|d| d.payee),
        explanation: decision.map(|d| d.explanation.clone()).unwrap_or_default(),
        generated_on: today,
        facts: facts.iter().map(form_fact).collect(),
    }
}

fn fact<'a>(facts: &'a [Fact], name: &str) -> Option<&'a Value> {
    facts.iter().find(|f| f.name == name).map(|f| &f.value)
}

/// The wage the claim is assessed on: whichever of wage or base the employer confirmed.
fn wage(facts: &[Fact]) -> Option<Fen> {
    ["avg_monthly_wage_fen", "avg_monthly_base_fen"]
        .iter()
        .find_map(|name| fact(facts, name).and_then(Value::as_i64))
        .map(Fen::new)
}

fn form_fact(f: &Fact) -> FormFact {
    let value = match &f.value {
        Value::String(s) => s.clone(),
        Value::Null => "—".to_owned(),
        other => other.to_string(),
    };
    FormFact {
        label: f.label.clone(),
        value,
        source: source_label(&f.source).to_owned(),
    }
}

/// The department a dataset comes from, as the form names it.
fn source_label(dataset: &str) -> &str {
    match dataset {
        "birth-certificates" => "卫生健康部门推送",
        "delivery-records" => "定点医疗机构推送",
        "employer-wages" => "税务部门推送",
        "insurance-enrollments" | "contributions" => "医疗保障信息平台",
        "employment-status" => "人力资源社会保障部门推送",
        "marriages" => "民政部门推送",
        "upload" => "拍照上传，经办人员审核",
        other => other,
    }
}

//! The claim as JSON (contract.md: `id`, `status`, `person_id_masked`, `employer_uscc`,
//! `facts`, `missing`, `decision`, `payment_due`, `steps`, …) and the scoped reads.

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, NaiveDate, Utc};
use onething_domain::access::mask_id_text;
use onething_domain::allowance::settlement::mask_account;
use onething_domain::allowance::{ClaimStatus, Fact, Missing, RejectionReason, WageBasis};
use onething_domain::ids::ClaimId;
use onething_services::allowance::{self as service, ClaimDetail, ClaimParts};
use onething_store::allowance::claims::Authorisation;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::CurrentUser;
use crate::extract::{ApiPath, ApiQuery};
use crate::{ApiError, AppState};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub(crate) struct StepView {
    step: String,
    step_label: String,
    at: DateTime<Utc>,
    by: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct AccountView {
    name: String,
    bank: String,
    /// Only the last four digits.
    number_masked: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct AuthorisationView {
    number: String,
    signer: String,
    signed_on: NaiveDate,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct RejectionView {
    code: String,
    label: String,
    note: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct AttachmentView {
    id: String,
    filename: String,
    content_type: String,
    sha256: String,
    size: i64,
    uploaded_at: DateTime<Utc>,
}

/// One claim.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ClaimView {
    pub id: String,
    /// The claim's case (`GET /api/v1/cases/{id}`): its events are the claim's history.
    case_id: String,
    status: ClaimStatus,
    status_label: String,
    channel: String,
    person_id_masked: String,
    employer_uscc: String,
    certificate_no: Option<String>,
    event_date: Option<NaiveDate>,
    /// The insurance region whose parameters apply.
    region: Option<String>,
    wage_basis: Option<WageBasis>,
    /// Each derived fact with its source dataset and record key. Only with
    /// `include=facts` on `GET …/claims/{id}` (always in the other answers).
    #[serde(skip_serializing_if = "Option::is_none")]
    facts: Option<Vec<Fact>>,
    /// Shared data still missing, each with a Chinese message naming who has not pushed it.
    /// Only with `include=facts` on `GET …/claims/{id}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    missing: Option<Vec<Missing>>,
    /// The rules' decision (as `onething calc` prints it), once decided; `null` before.
    /// Only with `include=decision` on `GET …/claims/{id}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    decision: Option<Option<serde_json::Value>>,
    amount_fen: Option<i64>,
    payee: Option<String>,
    /// The parameter period the amount was computed with, frozen at approval.
    /// Only with `include=decision` on `GET …/claims/{id}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    params_used: Option<Option<serde_json::Value>>,
    approved_on: Option<NaiveDate>,
    /// The payment item's limit (10 working days) after approval.
    payment_due: Option<NaiveDate>,
    /// True when `payment_due` runs into a year whose holiday notice is not published yet:
    /// a forecast (预计), recomputed when the notice is loaded.
    payment_due_provisional: bool,
    payment_due_note: Option<String>,
    needs_review: bool,
    authorisation: Option<AuthorisationView>,
    bank_account: Option<AccountView>,
    rejection: Option<RejectionView>,
    /// Only with `include=attachments` on `GET …/claims/{id}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    attachments: Option<Vec<AttachmentView>>,
    /// Every step, oldest first. Only with `include=steps` on `GET …/claims/{id}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    steps: Option<Vec<StepView>>,
    /// The latest step (an addition: the summary's "where it stands"); `null` for none.
    current_step: Option<StepView>,
    created_at: DateTime<Utc>,
    submitted_at: Option<DateTime<Utc>>,
    reviewed_at: Option<DateTime<Utc>>,
    /// To the agency clerk who reviews (SV-5, an addition): the credit records in force
    /// today about the claimant or her employer (`who`, `decision`, `basis`, `valid_from`,
    /// `valid_to`, `message`); a flag for the reviewer, never a refusal. Absent for others.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<Object>>)]
    credit_flags: Option<Vec<serde_json::Value>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ClaimList {
    claims: Vec<ClaimView>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ListQuery {
    /// Only claims in this status; all when absent or empty.
    #[param(schema_with = claim_statuses)]
    status: Option<String>,
    /// At most this many (default 100, at most 500).
    #[param(minimum = 1, maximum = 500)]
    limit: Option<u32>,
}

fn claim_statuses() -> utoipa::openapi::Object {
    let mut all = vec![""];
    all.extend(ClaimStatus::ALL.iter().map(|s| s.as_str()));
    crate::openapi_rules::string_enum(&all)
}

fn step_label(step: &str) -> &'static str {
    match step {
        "created" => "发起申领",
        "wage_confirmed" => "确认上年度月平均工资",
        "wage_corrected" => "更正工资基数（重新核定）",
        "photo_uploaded" => "拍照上传出生医学证明",
        "submitted" => "提交申报",
        "queued_for_review" => "转人工审核",
        "approved" => "审核通过",
        "rejected" => "不予支付",
        "settled" => "已结算",
        "paid" => "已支付",
        "payment_failed" => "支付失败",
        _ => "办理",
    }
}

/// The claim as JSON, with the parts that were read (`detail.parts`).
pub(crate) fn claim_view(detail: ClaimDetail) -> ClaimView {
    let ClaimDetail {
        claim,
        steps,
        attachments,
        parts,
        ..
    } = detail;
    let steps: Vec<StepView> = steps
        .into_iter()
        .map(|s| StepView {
            step_label: step_label(&s.step).to_owned(),
            step: s.step,
            at: s.at,
            by: s.by,
        })
        .collect();
    // Approval needs the payment deadline, so only a claim approved before the deadline
    // came from the bundle's limit can lack one.
    let payment_due_note = match (claim.approved_on, claim.payment_due) {
        (Some(_), None) => Some("支付期限暂不能确定：节假日安排尚未发布".to_owned()),
        _ => None,
    };
    let rejection = claim
        .reject_code
        .as_deref()
        .filter(|_| claim.status == ClaimStatus::Rejected)
        .map(|code| RejectionView {
            code: code.to_owned(),
            label: RejectionReason::parse(code)
                .map_or("", RejectionReason::label_zh)
                .to_owned(),
            note: claim.reject_note.clone(),
        });
    ClaimView {
        status_label: claim.status.label_zh().to_owned(),
        person_id_masked: mask_id_text(&claim.person_id),
        decision: parts.decision.then(|| {
            claim
                .decision
                .as_ref()
                .and_then(|d| serde_json::to_value(d).ok())
        }),
        authorisation: claim
            .authorisation
            .map(|a: Authorisation| AuthorisationView {
                number: a.number,
                signer: a.signer,
                signed_on: a.signed_on,
            }),
        bank_account: claim.bank_account.map(|a| AccountView {
            number_masked: mask_account(&a.number),
            name: a.name,
            bank: a.bank,
        }),
        attachments: parts.attachments.then(|| {
            attachments
                .into_iter()
                .map(|m| AttachmentView {
                    id: m.id,
                    filename: m.filename,
                    content_type: m.content_type,
                    sha256: m.sha256,
                    size: m.size,
                    uploaded_at: m.uploaded_at,
                })
                .collect()
        }),
        current_step: steps.last().cloned(),
        steps: parts.steps.then_some(steps),
        payment_due_note,
        rejection,
        id: claim.id,
        case_id: claim.case_id,
        status: claim.status,
        channel: claim.channel,
        employer_uscc: claim.employer_uscc,
        certificate_no: claim.certificate_no,
        event_date: claim.event_date,
        region: claim.region,
        wage_basis: claim.wage_basis,
        facts: parts
            .facts
            .then(|| claim.facts.into_iter().map(mask_fact).collect()),
        missing: parts.facts.then_some(claim.missing),
        amount_fen: claim.amount_fen,
        payee: claim.payee,
        params_used: parts.decision.then_some(claim.params_used),
        approved_on: claim.approved_on,
        payment_due: claim.payment_due,
        payment_due_provisional: claim.payment_due_provisional,
        needs_review: claim.needs_review,
        created_at: claim.created_at,
        submitted_at: claim.submitted_at,
        reviewed_at: claim.reviewed_at,
        credit_flags: None,
    }
}

/// Record keys carry citizen ids (`person|scheme|date`), and a department may send an id in
/// an unexpected field: every id-shaped token in a fact is masked.
pub(crate) fn mask_fact(mut fact: Fact) -> Fact {
    if let Some(text) = fact.value.as_str() {
        fact.value = serde_json::Value::String(onething_domain::access::mask_ids_in(text));
    }
    fact.record_key = onething_domain::access::mask_ids_in(&fact.record_key);
    fact
}

/// The claims the user may see, newest first: an employer its own, a person her own, clerks
/// and supervisors their region's, administrators all.
#[utoipa::path(get, path = "/maternity-allowance/claims", tag = "maternity-allowance",
    params(ListQuery), security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = ClaimList),
              (status = 400, body = crate::error::ErrorBody, description = "INVALID_QUERY: unknown status"),
              (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)))]
pub(crate) async fn list_claims(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Json<ClaimList>, ApiError> {
    let status = match query.status.as_deref() {
        None | Some("") => None,
        Some(s) => Some(ClaimStatus::parse(s).ok_or_else(|| {
            ApiError::bad_request(
                "INVALID_QUERY",
                format!("查询参数 status 无效：{s}"),
                "status",
            )
        })?),
    };
    let svc = state.services();
    let actor = user.actor(&state, None);
    let limit = crate::extract::bounded(query.limit, 100, 1..=500, "limit")?;
    let found = service::claims(&svc, &actor, status, limit).await?;
    let claims: Vec<ClaimView> = service::with_histories(&svc, found)
        .await?
        .into_iter()
        .map(claim_view)
        .collect();
    Ok(Json(ClaimList { claims }))
}

/// What `GET …/claims/{id}` answers: without `include`, the whole claim as the contract
/// lists it; with it, the summary and the parts named.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ClaimQuery {
    /// An addition: `summary` alone answers the summary (status, the mother masked,
    /// employer, dates, amount, wage basis, payee, account masked, rejection,
    /// `current_step`, timestamps) — a tenth of the whole claim, for callers that poll
    /// where a claim stands; comma-separated parts add to it: `facts` (the derived facts
    /// and `missing`), `decision` (the rules' decision with its explanation, and
    /// `params_used`), `steps` (every step), `attachments`; `all` is the whole claim,
    /// as without `include`.
    #[param(
        pattern = r"^((summary|facts|decision|steps|attachments|all)(,(summary|facts|decision|steps|attachments|all))*)?$"
    )]
    include: Option<String>,
}

/// The parts named by `include` (see [`ClaimQuery`]): the whole claim without it (the
/// contract's answer); an unknown name is 400 naming the field.
pub(crate) fn claim_parts(include: Option<&str>) -> Result<ClaimParts, ApiError> {
    let Some(include) = include else {
        return Ok(ClaimParts::ALL);
    };
    let mut parts = ClaimParts::SUMMARY;
    for name in include.split(',').filter(|n| !n.is_empty()) {
        match name {
            "summary" => {}
            "facts" => parts.facts = true,
            "decision" => parts.decision = true,
            "steps" => parts.steps = true,
            "attachments" => parts.attachments = true,
            "all" => parts = ClaimParts::ALL,
            other => {
                return Err(ApiError::bad_request(
                    "INVALID_QUERY",
                    format!(
                        "查询参数 include 无效：{other}（可选 summary、facts、decision、steps、attachments、all）"
                    ),
                    "include",
                ));
            }
        }
    }
    Ok(parts)
}

/// One claim, whole (the contract's answer); `include=summary[,parts]` answers its summary
/// and the parts named.
#[utoipa::path(get, path = "/maternity-allowance/claims/{id}", tag = "maternity-allowance",
    params(("id" = ClaimId, Path, description = "claim id (申领号)"), ClaimQuery),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 400, body = crate::error::ErrorBody, description = "INVALID_ID: the path's id cannot be one the platform issues; INVALID_QUERY: an unknown part in include"),
              (status = 200, body = ClaimView),
              (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody, description = "no such claim, or not in the user's scope")))]
pub(crate) async fn get_claim(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<ClaimId>,
    ApiQuery(query): ApiQuery<ClaimQuery>,
) -> Result<Json<ClaimView>, ApiError> {
    let parts = claim_parts(query.include.as_deref())?;
    let actor = user.actor(&state, None);
    let mut detail = service::claim(&state.services(), &actor, &id, parts).await?;
    // Read with the claim for the roles that review (the service decides who).
    let flags = detail.credit.take().map(|found| {
        crate::routes::supervision::labelled(found)
            .iter()
            .map(|(r, who)| crate::routes::supervision::credit_flag(r, who))
            .collect()
    });
    let mut view = claim_view(detail);
    view.credit_flags = flags;
    Ok(Json(view))
}

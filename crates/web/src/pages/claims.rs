//! What the maternity-allowance pages share: who may see a claim (the same rule as the
//! claims API: the employer its own, the insured person her own, clerks and supervisors
//! their region, administrators all — anything else is the 404 page), a claim as the pages
//! show it (masked ids, amount, explanation, facts with their sources, steps with dates),
//! the Chinese messages of the store's refusals, and the person's page `/my/claims`.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use onething_domain::access::{AccessDenied, Scope, UseCase, mask_id_text};
use onething_domain::allowance::{ClaimStatus, RejectionReason};
use onething_domain::ids::ClaimId;
use onething_domain::{Fen, RegionCode};
use onething_services::ServiceError;
use onething_services::allowance as service;
use onething_store::allowance::claims::Claim;
use onething_store::allowance::settlements::SettlementError;
use onething_store::allowance::{ClaimStep, Recipient};

use super::chrome::{Chrome, Signed};
use super::{PageError, china_time, day, ok};
use crate::AppState;
use crate::auth::CurrentUser;

pub(crate) const LIST_LIMIT: u32 = 200;

/// The claim `id` if the user may view claims and its scope reaches it (the API's check);
/// the 403 or 404 page otherwise.
pub(crate) async fn visible_claim(
    state: &AppState,
    user: &CurrentUser,
    id: &ClaimId,
) -> Result<Claim, PageError> {
    let actor = user.actor(state, None);
    actor.authorize(UseCase::ViewClaims).map_err(api)?;
    Ok(service::visible_claim(&state.services(), &actor, id)
        .await
        .map_err(api)?)
}

/// The claims the user's scope reaches (the API's list), in `status` if given.
pub(crate) async fn scoped_claims(
    state: &AppState,
    user: &CurrentUser,
    status: Option<ClaimStatus>,
) -> Result<Vec<Claim>, PageError> {
    let actor = user.actor(state, None);
    Ok(
        service::claims(&state.services(), &actor, status, LIST_LIMIT)
            .await
            .map_err(api)?,
    )
}

fn api(e: ServiceError) -> crate::ApiError {
    e.into()
}

/// The settlements' scope argument of a user: `None` is the whole platform.
pub(crate) fn region_scope(user: &CurrentUser) -> Option<RegionCode> {
    match user.scope() {
        Scope::Region(region) => Some(*region),
        _ => None,
    }
}

/// `¥1,234.56`.
pub(crate) fn money(fen: i64) -> String {
    Fen::new(fen).to_string()
}

/// One fact with where it came from.
pub(crate) struct FactRow {
    pub label: String,
    pub value: String,
    pub source: String,
    pub key: String,
}

/// One step of a claim.
pub(crate) struct StepRow {
    pub label: &'static str,
    pub at: String,
    pub by: String,
}

/// A milestone of the claim's progress (submitted, reviewed, settled, paid) and its date.
pub(crate) struct Milestone {
    pub label: &'static str,
    pub at: Option<String>,
}

/// A claim as every page shows it.
pub(crate) struct ClaimView {
    pub id: String,
    pub status: &'static str,
    pub status_class: &'static str,
    pub employer: String,
    pub person: String,
    pub channel: &'static str,
    pub event_date: String,
    pub certificate: String,
    pub amount: Option<String>,
    pub leave_days: Option<u32>,
    pub payment_due: String,
    pub explanation: Vec<String>,
    pub rule_reasons: Vec<String>,
    pub rejection: Option<String>,
    pub note: Option<String>,
    pub facts: Vec<FactRow>,
    pub missing: Vec<String>,
    pub steps: Vec<StepRow>,
    pub milestones: Vec<Milestone>,
    pub created: String,
}

impl ClaimView {
    pub(crate) fn new(claim: &Claim, steps: &[ClaimStep]) -> ClaimView {
        let decision = claim.decision.as_ref();
        ClaimView {
            id: claim.id.clone(),
            status: claim.status.label_zh(),
            status_class: status_class(claim.status),
            employer: claim.employer_uscc.clone(),
            person: mask_id_text(&claim.person_id),
            channel: if claim.channel == "window" {
                "窗口代办"
            } else {
                "单位网上申报"
            },
            event_date: day(claim.event_date),
            certificate: claim
                .certificate_no
                .clone()
                .unwrap_or_else(|| "—".to_owned()),
            amount: claim.amount_fen.map(money),
            leave_days: decision.filter(|d| d.eligible).map(|d| d.leave_days),
            // A forecast over a year whose holiday notice is not published: never final.
            payment_due: super::due_day(claim.payment_due, claim.payment_due_provisional),
            explanation: decision.map(|d| d.explanation.clone()).unwrap_or_default(),
            rule_reasons: decision
                .map(|d| d.reasons.iter().map(|r| r.name_zh().to_owned()).collect())
                .unwrap_or_default(),
            rejection: claim
                .reject_code
                .as_deref()
                .and_then(RejectionReason::parse)
                .map(|r| r.label_zh().to_owned()),
            note: claim.reject_note.clone(),
            facts: claim.facts.iter().map(fact_row).collect(),
            missing: claim.missing.iter().map(|m| m.message.clone()).collect(),
            steps: steps.iter().map(step_row).collect(),
            milestones: milestones(steps),
            created: china_time(claim.created_at),
        }
    }

    pub(crate) fn is_draft(&self) -> bool {
        self.status_class == "draft"
    }
}

fn status_class(status: ClaimStatus) -> &'static str {
    match status {
        ClaimStatus::Draft => "draft",
        ClaimStatus::InReview | ClaimStatus::Settled => "warn",
        ClaimStatus::Approved | ClaimStatus::Paid => "good",
        ClaimStatus::Rejected | ClaimStatus::PaymentFailed => "bad",
    }
}

fn fact_row(fact: &onething_domain::allowance::Fact) -> FactRow {
    FactRow {
        label: fact.label.clone(),
        // Citizen ids inside facts (a spouse, the mother on a certificate) are masked too.
        value: mask_ids(&fact_value(&fact.value)),
        source: dataset_label(&fact.source).to_owned(),
        key: mask_ids(&short_key(&fact.record_key)),
    }
}

/// A fact read from many records (contribution months) names the first and the last.
fn short_key(key: &str) -> String {
    let keys: Vec<&str> = key.split(',').collect();
    match keys.as_slice() {
        [first, .., last] if keys.len() > 2 => {
            format!("{first} … {last}（共 {} 条记录）", keys.len())
        }
        _ => key.to_owned(),
    }
}

/// A fact's value in Chinese: the datasets' codes named, amounts in fen kept as numbers
/// (the label says 分), contribution counts spelled out.
pub(crate) fn fact_value(value: &serde_json::Value) -> String {
    use serde_json::Value;
    match value {
        Value::String(code) => code_zh(code).map_or_else(|| code.clone(), str::to_owned),
        Value::Bool(true) => "是".to_owned(),
        Value::Bool(false) => "否".to_owned(),
        Value::Null => "—".to_owned(),
        Value::Object(map) if map.contains_key("continuous") => format!(
            "连续 {} 个月，累计 {} 个月",
            map["continuous"],
            map.get("total").unwrap_or(&Value::Null)
        ),
        other => other.to_string(),
    }
}

/// The Chinese of the shared datasets' codes a claim's facts carry.
fn code_zh(code: &str) -> Option<&'static str> {
    Some(match code {
        "vaginal" => "顺产",
        "cesarean" => "剖宫产",
        "dystocia" => "难产",
        "miscarriage" => "流产",
        "induced" => "引产",
        "employee" => "职工医保",
        "resident" => "城乡居民医保",
        "normal" => "正常",
        "suspended" => "暂停",
        "terminated" => "终止",
        "employed" => "在职",
        "unemployed" => "失业",
        "flexible" => "灵活就业",
        "retired" => "退休",
        "female" => "女",
        "male" => "男",
        _ => return None,
    })
}

/// Every citizen id inside `text` masked (the one masker: `access::mask_ids_in`).
pub(crate) fn mask_ids(text: &str) -> String {
    onething_domain::access::mask_ids_in(text)
}

/// The Chinese name of a shared dataset.
pub(crate) fn dataset_label(dataset: &str) -> &str {
    match dataset {
        "birth-certificates" => "出生医学证明（卫生健康部门）",
        "delivery-records" => "分娩记录（医院）",
        "employer-wages" => "单位工资（税务部门）",
        "insurance-enrollments" => "参保登记（医保部门）",
        "contributions" => "缴费记录（税务部门）",
        "employment-status" => "就业状态（人社部门）",
        "marriages" => "婚姻登记（民政部门）",
        "household-registrations" => "户籍（公安部门）",
        "upload" => "上传照片（经办人员审核）",
        other => other,
    }
}

fn step_label(step: &str) -> &'static str {
    match step {
        "created" => "发起申领",
        "wage_confirmed" => "确认上年度月平均工资",
        "wage_corrected" => "更正工资基数（重新核定）",
        "photo_uploaded" => "上传出生医学证明照片",
        "submitted" => "提交申领",
        "queued_for_review" => "转经办机构审核",
        "approved" => "审核通过",
        "rejected" => "不予支付",
        "settled" => "已结算",
        "paid" => "已支付到账",
        "payment_failed" => "支付失败",
        "account_corrected" => "已更正收款账户",
        _ => "其他",
    }
}

fn step_row(step: &ClaimStep) -> StepRow {
    StepRow {
        label: step_label(&step.step),
        at: china_time(step.at),
        by: if step.by == "smart_review" {
            "智能审核".to_owned()
        } else {
            step.by.clone()
        },
    }
}

fn milestones(steps: &[ClaimStep]) -> Vec<Milestone> {
    let first = |names: &[&str]| {
        steps
            .iter()
            .find(|s| names.contains(&s.step.as_str()))
            .map(|s| china_time(s.at))
    };
    vec![
        Milestone {
            label: "提交",
            at: first(&["submitted"]),
        },
        Milestone {
            label: "审核",
            at: first(&["approved", "rejected"]),
        },
        Milestone {
            label: "结算",
            at: first(&["settled"]),
        },
        Milestone {
            label: "支付到账",
            at: first(&["paid"]),
        },
    ]
}

/// A claim with its steps, scope already checked.
pub(crate) async fn claim_view(state: &AppState, claim: &Claim) -> Result<ClaimView, PageError> {
    let steps = state.store.claim_steps(&claim.id).await?;
    Ok(ClaimView::new(claim, &steps))
}

/// A refusal of the services layer, as a form page shows it again: the API's status and
/// Chinese message (naming the field) for a client mistake; the error page otherwise.
pub(crate) fn claim_refusal(e: ServiceError) -> Result<(StatusCode, String), PageError> {
    let api = crate::ApiError::from(e);
    let shown_on_form = api.status.is_client_error()
        && !matches!(
            api.status,
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN | StatusCode::NOT_FOUND
        );
    if shown_on_form {
        // A form that fails its checks is 422 on the pages (the page is shown again).
        let status = match api.status {
            StatusCode::BAD_REQUEST
            | StatusCode::PAYLOAD_TOO_LARGE
            | StatusCode::UNSUPPORTED_MEDIA_TYPE => StatusCode::UNPROCESSABLE_ENTITY,
            other => other,
        };
        Ok((status, api.message))
    } else {
        Err(api.into())
    }
}

/// A refusal of the settlements store, as the page shows it.
pub(crate) fn settlement_refusal(e: SettlementError) -> PageError {
    match e {
        SettlementError::NotFound { .. } => AccessDenied::NotFound.into(),
        SettlementError::Store(e) => e.into(),
        other => PageError::Show {
            status: StatusCode::CONFLICT,
            message: format!("结算未能完成：{other}"),
            retry_after: None,
        },
    }
}

/// One in-site message.
pub(crate) struct MessageRow {
    pub body: String,
    pub at: String,
}

#[derive(Template)]
#[template(path = "ma_my_claims.html")]
struct MyClaimsPage {
    chrome: Chrome,
    claims: Vec<ClaimView>,
    messages: Vec<MessageRow>,
}

/// `GET /my/claims`: the insured person's claims, each with its steps and dates, amount and
/// explanation, and her in-site messages (站内消息).
pub(crate) async fn my_claims(
    State(state): State<AppState>,
    Signed { user, chrome }: Signed,
) -> Result<Response, PageError> {
    let Scope::Person(me) = user.scope() else {
        return Err(AccessDenied::Forbidden.into());
    };
    let mut claims = Vec::new();
    for claim in scoped_claims(&state, &user, None).await? {
        claims.push(claim_view(&state, &claim).await?);
    }
    let recipient = Recipient::Person(me.as_str().to_owned());
    let messages = state
        .store
        .notifications_for(&recipient, "in_site", 50)
        .await?
        .into_iter()
        .map(|n| MessageRow {
            body: n.body,
            at: china_time(n.created_at),
        })
        .collect();
    ok(&MyClaimsPage {
        chrome,
        claims,
        messages,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_with_ids_are_masked() {
        let key = mask_ids("500228199406023021|2024-03,500228199406023021|2024-04");
        assert!(!key.contains("199406023"), "{key}");
        assert!(key.ends_with("|2024-04"), "{key}");
        assert_eq!(mask_ids("DR20260000159"), "DR20260000159");
    }
}

//! Maternity-allowance claims over HTTP (contract.md, "Maternity-allowance claims"): offers,
//! opening a claim (online or at the window), the wage confirmation, photo uploads,
//! submission with smart review, a clerk's review, scoped reads, plus the employer's bank
//! account, the signed-in user's notifications, the clerk's person look-up and the
//! supervisors' list of refused duplicates.
//!
//! Every handler checks the role first (403), then the scope (404 outside it, as if the
//! claim did not exist), then the body (400 naming the field). Citizen ids leave masked.

mod extra;
/// The 申请表 PDF (`application_form_bytes`): the pages serve the same bytes.
pub(crate) mod form;
mod open;
mod steps;
/// The claim JSON (`ClaimView`, `claim_view`): the 申请表 PDF route can reuse it.
pub(crate) mod view;

use axum::http::StatusCode;
use onething_domain::RegionCode;
use onething_domain::access::Role;
use onething_domain::allowance::visibility::{ClaimFacts, can_see_claim};
use onething_store::allowance::Recipient;
use onething_store::allowance::claims::{
    Claim, ClaimError,
    sms::{LogOnlySms, SmsGateway},
};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::CurrentUser;
use crate::{ApiError, AppState};

/// Who files and works on claims: the employer online, an agency clerk at the window.
const FILERS: &[Role] = &[Role::Employer, Role::AgencyClerk];
/// Who reads claims: the filers, the insured person, supervisors and administrators.
const READERS: &[Role] = &[
    Role::Employer,
    Role::AgencyClerk,
    Role::Person,
    Role::Supervisor,
    Role::Admin,
];
const REVIEWERS: &[Role] = &[Role::AgencyClerk];

/// The gateway SMS rows are handed to after each change (log-only: demo and tests).
const SMS: LogOnlySms = LogOnlySms;

#[derive(OpenApi)]
#[openapi(tags((name = "maternity-allowance", description = "生育津贴申领: offers, claims, smart review, clerk review")))]
struct ClaimsDoc;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ClaimsDoc::openapi())
        .routes(routes!(open::offers))
        .routes(routes!(open::create_claim, view::list_claims))
        .routes(routes!(view::get_claim))
        .routes(routes!(form::application_form))
        .routes(routes!(steps::confirm_wage))
        .routes(routes!(steps::submit))
        .routes(routes!(steps::review))
        .routes(routes!(open::lookup))
        .routes(routes!(extra::duplicate_attempts))
        .routes(routes!(extra::get_bank_account, extra::put_bank_account))
        .routes(routes!(extra::notifications))
        .merge(steps::upload_router())
}

/// The claim, if the user's scope reaches it; 404 otherwise.
pub(crate) async fn visible_claim(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
) -> Result<Claim, ApiError> {
    let claim = state.store.claim(id).await?;
    can_see_claim(user.scope(), &facts_of(&claim))?;
    Ok(claim)
}

fn facts_of(claim: &Claim) -> ClaimFacts<'_> {
    ClaimFacts {
        employer_uscc: &claim.employer_uscc,
        person_id: &claim.person_id,
        region: claim
            .region
            .as_deref()
            .and_then(|r| RegionCode::parse(r).ok()),
    }
}

/// Hands the claim's SMS rows to the gateway after the change committed.
async fn send_sms(state: &AppState, claim: &Claim) {
    for recipient in [
        Recipient::Employer(claim.employer_uscc.clone()),
        Recipient::Person(claim.person_id.clone()),
    ] {
        match state.store.notifications_for(&recipient, "sms", 1).await {
            Ok(latest) => SMS.send(&latest),
            Err(e) => tracing::warn!(error = %e, "SMS rows not read"),
        }
    }
}

impl From<ClaimError> for ApiError {
    fn from(e: ClaimError) -> Self {
        use StatusCode as S;
        match e {
            ClaimError::NotFound => ApiError::not_found(),
            ClaimError::Exists { existing } => {
                let mut error = ApiError::new(
                    S::CONFLICT,
                    "CLAIM_EXISTS",
                    format!("该职工的同一生育事件已有申领（申领号{existing}），不能重复申领"),
                )
                .with_field("person_id");
                error.existing_claim_id = Some(existing);
                error
            }
            ClaimError::InvalidState { from, .. } => ApiError::new(
                S::CONFLICT,
                "INVALID_STATE",
                format!("申领当前状态为“{}”，不能进行此操作", from.label_zh()),
            ),
            ClaimError::NoEvent => ApiError::new(
                S::UNPROCESSABLE_ENTITY,
                "NO_BIRTH_RECORD",
                "未找到该人员近12个月内的出生医学证明或分娩记录，请待卫生健康部门或医疗机构推送后再申领",
            )
            .with_field("person_id"),
            ClaimError::FactsIncomplete(missing) => {
                let list: Vec<String> = missing.into_iter().map(|m| m.message).collect();
                ApiError::new(
                    S::CONFLICT,
                    "FACTS_INCOMPLETE",
                    format!("共享数据不全，不能核准：{}", list.join("；")),
                )
            }
            ClaimError::NotEligible(reasons) => {
                let list: Vec<&str> = reasons.iter().map(|r| r.name_zh()).collect();
                ApiError::new(
                    S::CONFLICT,
                    "NOT_ELIGIBLE",
                    format!("不符合享受条件（{}），请以 NOT_ELIGIBLE 原因不予支付", list.join("、")),
                )
                .with_field("decision")
            }
            ClaimError::NoBankAccount => ApiError::bad_request(
                "BANK_ACCOUNT_REQUIRED",
                "请填写单位银行账户（户名、开户行、账号），或先登记单位账户",
                "bank_account",
            ),
            ClaimError::Store(s) => s.into(),
        }
    }
}

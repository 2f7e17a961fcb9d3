//! The claim wizard in three steps (出生医学证明 → 确认上年度月平均工资 → 核对并提交), then
//! the decision: the employer's online (`/employer/claims/{id}`) and the clerk's at the window
//! (`/clerk/claims/{id}` while a draft). Step 1 shows the fetched certificate and takes a
//! photo when it cannot be fetched (multipart without JavaScript); step 2 the wage basis as
//! pushed by tax; step 3 every fact with its source and the account. Forms that fail come back
//! with a Chinese message naming the field, the values kept, and nothing written.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use onething_domain::access::{Role, UseCase};
use onething_domain::allowance::WageBasis;
use onething_domain::ids::ClaimId;
use onething_services::ServiceError;
use onething_services::allowance::{self as service, ConfirmWage, Photo, PhotoInput, Submit};
use onething_store::allowance::claims::Claim;
use serde::Deserialize;

use super::chrome::{Chrome, Signed, redirect_with};
use super::claims::{ClaimView, claim_refusal, claim_view, money, visible_claim};
use super::employer::{AccountForm, AccountView, account_view, my_uscc};
use super::{PageError, html};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::extract::PagePath;

/// Where a user's claim pages live.
pub(crate) fn claims_base(user: &CurrentUser) -> &'static str {
    if user.role() == Role::Employer {
        "/employer/claims"
    } else {
        "/clerk/claims"
    }
}

struct WageChoice {
    value: &'static str,
    label: &'static str,
    amount: String,
    checked: bool,
}

#[derive(Template)]
#[template(path = "ma_wizard.html")]
struct WizardPage {
    chrome: Chrome,
    claim: ClaimView,
    certificate_facts: Vec<super::claims::FactRow>,
    wages: Vec<WageChoice>,
    wage_confirmed: bool,
    /// A 免申即享 claim not yet settled: the employer may correct its wage basis.
    correctable: bool,
    on_file: Option<AccountView>,
    form: AccountForm,
    error: Option<String>,
    /// Which step the wizard is at: 1, 2 or 3; 4 once submitted.
    step: u8,
    /// `/employer/claims` or `/clerk/claims`: where the forms post.
    base: &'static str,
    /// A window claim: the clerk prints the 申请表 for the employer to sign.
    window: bool,
    /// Photos uploaded so far (file names).
    photos: Vec<String>,
    /// The photo form's action: a multipart form carries the CSRF token in the query.
    upload_action: String,
}

/// `GET /employer/claims/{id}`: the wizard while the claim is a draft, its decision after.
pub(crate) async fn wizard(
    State(state): State<AppState>,
    Signed { user, chrome }: Signed,
    PagePath(id): PagePath<ClaimId>,
) -> Result<Response, PageError> {
    my_uscc(&user)?;
    let claim = visible_claim(&state, &user, &id).await?;
    let form = AccountForm::default();
    render_wizard(&state, &user, chrome, &claim, form, None, StatusCode::OK).await
}

/// The wizard (or, once submitted, the result) of `claim` for `user`.
pub(crate) async fn render_wizard(
    state: &AppState,
    user: &CurrentUser,
    chrome: Chrome,
    claim: &Claim,
    form: AccountForm,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let view = claim_view(state, claim).await?;
    let fact = |name: &str| claim.facts.iter().find(|f| f.name == name);
    let amount = |name: &str| {
        fact(name)
            .and_then(|f| f.value.as_i64())
            .map_or_else(|| "税务部门尚未推送".to_owned(), money)
    };
    let wages = vec![
        WageChoice {
            value: WageBasis::AvgWage.as_str(),
            label: "上年度职工月平均工资",
            amount: amount("avg_monthly_wage_fen"),
            checked: claim.wage_basis != Some(WageBasis::AvgBase),
        },
        WageChoice {
            value: WageBasis::AvgBase.as_str(),
            label: "上年度月平均缴费基数",
            amount: amount("avg_monthly_base_fen"),
            checked: claim.wage_basis == Some(WageBasis::AvgBase),
        },
    ];
    let certificate_facts = view
        .facts
        .iter()
        .filter(|f| f.source.starts_with("出生医学证明") || f.source.starts_with("分娩记录"))
        .map(|f| super::claims::FactRow {
            label: f.label.clone(),
            value: f.value.clone(),
            source: f.source.clone(),
            key: f.key.clone(),
        })
        .collect();
    let on_file = state
        .store
        .employer_account(&claim.employer_uscc)
        .await?
        .as_ref()
        .map(account_view);
    let photos = state
        .store
        .claim_attachments(&claim.id)
        .await?
        .into_iter()
        .map(|a| a.filename)
        .collect();
    // The CSRF token travels in the multipart body's first field, never in the address.
    let upload_action = format!("{}/{}/photo", claims_base(user), claim.id);
    let wage_confirmed = claim.wage_basis.is_some();
    let correctable = onething_services::allowance::wage_correctable(claim);
    let step = if !view.is_draft() {
        4
    } else if wage_confirmed {
        3
    } else {
        2
    };
    html(
        status,
        &WizardPage {
            chrome,
            claim: view,
            certificate_facts,
            wages,
            wage_confirmed,
            correctable,
            on_file,
            form,
            error,
            step,
            base: claims_base(user),
            window: claim.channel == "window",
            photos,
            upload_action,
        },
    )
}

#[derive(Debug, Default, Deserialize)]
struct WageForm {
    #[serde(default)]
    basis: String,
}

/// `POST /employer/claims/{id}/wage` with `basis=avg_wage|avg_base`.
pub(crate) async fn confirm_wage(
    State(state): State<AppState>,
    Signed { user, chrome }: Signed,
    PagePath(id): PagePath<ClaimId>,
    body: Bytes,
) -> Result<Response, PageError> {
    let actor = filer(&state, &user, UseCase::ConfirmWage)?;
    let claim = visible_claim(&state, &user, &id).await?;
    let form: WageForm = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let done = match ConfirmWage::try_from(Some(form.basis.as_str())) {
        Ok(cmd) => service::confirm_wage(&state.services(), &actor, &id, cmd).await,
        Err(invalid) => Err(invalid.into()),
    };
    let step = "#step-3";
    after(
        &state,
        &user,
        chrome,
        &claim,
        AccountForm::default(),
        done.map(|_| step),
    )
    .await
}

/// The actor, if the policy table lets the user do `use_case` (the API's check).
fn filer(
    state: &AppState,
    user: &CurrentUser,
    use_case: UseCase,
) -> Result<onething_services::Actor, PageError> {
    let actor = user.actor(state, None);
    actor.authorize(use_case).map_err(crate::ApiError::from)?;
    Ok(actor)
}

/// After a wizard step: on to `anchor` of the claim's page, or the wizard again with the
/// refusal's message (nothing was written).
async fn after(
    state: &AppState,
    user: &CurrentUser,
    chrome: Chrome,
    claim: &Claim,
    form: AccountForm,
    done: Result<&str, ServiceError>,
) -> Result<Response, PageError> {
    match done {
        Ok(anchor) => Ok(redirect_with(
            &format!("{}/{}{anchor}", claims_base(user), claim.id),
            None,
        )),
        Err(e) => {
            let (status, message) = claim_refusal(e)?;
            render_wizard(state, user, chrome, claim, form, Some(message), status).await
        }
    }
}

/// `POST /employer/claims/{id}/submit`: the account on file or the one entered; smart review
/// decides at once or queues the claim for a clerk; the page then shows the decision.
pub(crate) async fn submit(
    State(state): State<AppState>,
    Signed { user, chrome }: Signed,
    PagePath(id): PagePath<ClaimId>,
    body: Bytes,
) -> Result<Response, PageError> {
    let actor = filer(&state, &user, UseCase::SubmitClaim)?;
    let claim = visible_claim(&state, &user, &id).await?;
    let form: AccountForm = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let entered = (form.account_choice == "new").then(|| form.input());
    let done = match Submit::try_from(entered) {
        Ok(cmd) => service::submit(&state.services(), &actor, &id, cmd).await,
        Err(invalid) => Err(invalid.into()),
    };
    after(&state, &user, chrome, &claim, form, done.map(|_| "#result")).await
}

/// The photo in a multipart body (field `file`) as raw upload input: the command checks it.
async fn read_photo(multipart: Option<Multipart>) -> PhotoInput {
    let Some(mut multipart) = multipart else {
        return PhotoInput::default();
    };
    while let Ok(Some(field)) = multipart.next_field().await {
        if field.name() != Some("file") {
            continue;
        }
        let filename = field.file_name().map(str::to_owned);
        let content_type = field.content_type().map(str::to_owned);
        let bytes = field.bytes().await.unwrap_or_default();
        return PhotoInput {
            filename,
            content_type,
            bytes: bytes.to_vec(),
        };
    }
    PhotoInput::default()
}

/// `POST /employer/claims/{id}/photo` (multipart, field `file`; the CSRF token in the
/// query): when the certificate cannot be fetched, a photo of it; the claim then needs a
/// clerk's review.
pub(crate) async fn upload_photo(
    State(state): State<AppState>,
    Signed { user, chrome }: Signed,
    PagePath(id): PagePath<ClaimId>,
    multipart: Option<Multipart>,
) -> Result<Response, PageError> {
    let actor = filer(&state, &user, UseCase::AttachPhoto)?;
    let claim = visible_claim(&state, &user, &id).await?;
    let done = match Photo::try_from(read_photo(multipart).await) {
        Ok(photo) => service::attach_photo(&state.services(), &actor, &id, photo).await,
        Err(invalid) => Err(invalid.into()),
    };
    let form = AccountForm::default();
    after(&state, &user, chrome, &claim, form, done.map(|_| "#step-1")).await
}

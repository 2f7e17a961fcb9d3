//! The agency clerk's review (经办审核, issue 4 item 6): the queue of claims in review in his
//! region, each claim with its evidence beside the decision (facts with their dataset and
//! record key, missing data, uploaded photos, the rules' preview on the stored facts), and
//! approve / reject with a reason from the rejection dictionary plus a note. Claims outside
//! the clerk's region are the 404 page, as are photos of such claims.

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::{CONTENT_TYPE, HeaderValue};
use axum::response::{IntoResponse, Response};
use onething_domain::access::{AccessDenied, UseCase};
use onething_domain::allowance::{ClaimStatus, RejectionReason};
use onething_domain::ids::ClaimId;
use onething_services::allowance::{self as service, Review, ReviewInput};
use onething_store::allowance::claims::Claim;
use serde::Deserialize;

use super::chrome::{Chrome, Signed, page_headers, redirect_with};
use super::claims::{ClaimView, claim_refusal, claim_view, scoped_claims, visible_claim};
use super::employer::claim_row;
use super::{PageError, china_time, html, ok};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::extract::PagePath;
use crate::routes::supervision::credit_flag_line;

/// The pages a clerk reviews on: the same use case as the API's review.
fn require_reviewer(state: &AppState, user: &CurrentUser) -> Result<(), PageError> {
    let actor = user.actor(state, None);
    Ok(actor
        .authorize(UseCase::ReviewClaim)
        .map_err(crate::ApiError::from)?)
}

#[derive(Template)]
#[template(path = "ma_claims.html")]
struct QueuePage {
    chrome: Chrome,
    heading: &'static str,
    base: &'static str,
    rows: Vec<super::employer::ClaimRow>,
}

/// `GET /clerk/review`: claims in review in the clerk's region, oldest first.
pub(crate) async fn queue(
    State(state): State<AppState>,
    Signed { user, chrome }: Signed,
) -> Result<Response, PageError> {
    require_reviewer(&state, &user)?;
    let mut claims = scoped_claims(&state, &user, Some(ClaimStatus::InReview)).await?;
    claims.reverse();
    ok(&QueuePage {
        chrome,
        heading: "待审核的生育津贴申领",
        base: "/clerk/claims",
        rows: claims.iter().map(claim_row).collect(),
    })
}

/// `GET /clerk/claims`: every claim of the region, newest first.
pub(crate) async fn all(
    State(state): State<AppState>,
    Signed { user, chrome }: Signed,
) -> Result<Response, PageError> {
    require_reviewer(&state, &user)?;
    let claims = scoped_claims(&state, &user, None).await?;
    ok(&QueuePage {
        chrome,
        heading: "本辖区的生育津贴申领",
        base: "/clerk/claims",
        rows: claims.iter().map(claim_row).collect(),
    })
}

struct ReasonOption {
    code: &'static str,
    label: &'static str,
    selected: bool,
}

struct PhotoRow {
    href: String,
    filename: String,
    uploaded: String,
}

/// The rules' decision on the claim's stored facts, before the clerk decides.
struct Preview {
    eligible: bool,
    amount: String,
    lines: Vec<String>,
    reasons: Vec<String>,
}

#[derive(Debug, Default, Clone, Deserialize)]
pub(crate) struct ReviewForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    certificate_no: String,
}

#[derive(Template)]
#[template(path = "ma_review.html")]
struct ReviewPage {
    chrome: Chrome,
    claim: ClaimView,
    in_review: bool,
    photos: Vec<PhotoRow>,
    preview: Option<Preview>,
    reasons: Vec<ReasonOption>,
    form: ReviewForm,
    error: Option<String>,
    /// 信用记录 in force about the claimant or her employer (SV-5): shown, never a refusal.
    credit: Vec<String>,
}

/// `GET /clerk/claims/{id}`: the claim with its evidence and, in review, the decision form.
pub(crate) async fn show(
    State(state): State<AppState>,
    Signed { user, chrome }: Signed,
    PagePath(id): PagePath<ClaimId>,
) -> Result<Response, PageError> {
    require_reviewer(&state, &user)?;
    let claim = visible_claim(&state, &user, &id).await?;
    // A window claim still being filled in: the same wizard as the employer's.
    if claim.status == ClaimStatus::Draft {
        let form = super::employer::AccountForm::default();
        let ok = StatusCode::OK;
        return super::wizard::render_wizard(&state, &user, chrome, &claim, form, None, ok).await;
    }
    render(
        &state,
        &user,
        chrome,
        &claim,
        ReviewForm::default(),
        None,
        StatusCode::OK,
    )
    .await
}

async fn render(
    state: &AppState,
    user: &CurrentUser,
    chrome: Chrome,
    claim: &Claim,
    form: ReviewForm,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let photos = state
        .store
        .claim_attachments(&claim.id)
        .await?
        .into_iter()
        .map(|a| PhotoRow {
            href: format!("/clerk/claims/{}/attachments/{}", claim.id, a.id),
            filename: a.filename,
            uploaded: china_time(a.uploaded_at),
        })
        .collect();
    // Only a claim still to decide needs the preview (and its audited reads).
    let preview = if claim.status == ClaimStatus::InReview {
        preview(state, user, claim).await?
    } else {
        None
    };
    let reasons = RejectionReason::ALL
        .iter()
        .map(|r| ReasonOption {
            code: r.code(),
            label: r.label_zh(),
            selected: form.reason == r.code(),
        })
        .collect();
    html(
        status,
        &ReviewPage {
            chrome,
            claim: claim_view(state, claim).await?,
            in_review: claim.status == ClaimStatus::InReview,
            photos,
            preview,
            reasons,
            form,
            error,
            credit: credit_flags(state, claim).await?,
        },
    )
}

/// The claimant's and her employer's credit records in force today, as lines to show.
async fn credit_flags(state: &AppState, claim: &Claim) -> Result<Vec<String>, PageError> {
    let flags = crate::routes::supervision::claim_credit_flags(state, claim).await?;
    Ok(flags
        .iter()
        .map(|(r, who)| credit_flag_line(r, who))
        .collect())
}

async fn preview(
    state: &AppState,
    user: &CurrentUser,
    claim: &Claim,
) -> Result<Option<Preview>, PageError> {
    let actor = user.actor(state, None);
    let decision = service::preview(&state.services(), &actor, claim)
        .await
        .map_err(crate::ApiError::from)?;
    Ok(decision.map(|decision| Preview {
        eligible: decision.eligible,
        amount: decision.amount_fen.to_string(),
        lines: decision.explanation.clone(),
        reasons: decision
            .reasons
            .iter()
            .map(|r| r.name_zh().to_owned())
            .collect(),
    }))
}

/// `POST /clerk/claims/{id}/review`: `decision=approve|reject`, `reason` (a dictionary code,
/// for a rejection), `note`, and for a reviewed photo the `certificate_no` read from it.
pub(crate) async fn decide(
    State(state): State<AppState>,
    Signed { user, chrome }: Signed,
    PagePath(id): PagePath<ClaimId>,
    body: Bytes,
) -> Result<Response, PageError> {
    require_reviewer(&state, &user)?;
    let claim = visible_claim(&state, &user, &id).await?;
    let form: ReviewForm = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let decided = match Review::try_from(ReviewInput::from(&form)) {
        Ok(review) => {
            let actor = user.actor(&state, None);
            service::review(&state.services(), &actor, &id, review).await
        }
        Err(invalid) => Err(invalid.into()),
    };
    match decided {
        Ok(_) => Ok(redirect_with(
            &format!("/clerk/claims/{id}?reviewed=1"),
            None,
        )),
        Err(e) => {
            let (status, message) = claim_refusal(e)?;
            render(&state, &user, chrome, &claim, form, Some(message), status).await
        }
    }
}

/// The form's fields as the review command's raw input (the API's body gives the same).
impl From<&ReviewForm> for ReviewInput {
    fn from(form: &ReviewForm) -> Self {
        ReviewInput {
            decision: Some(form.decision.clone()),
            reason_code: Some(form.reason.clone()),
            note: Some(form.note.clone()),
            certificate_no: Some(form.certificate_no.clone()),
        }
    }
}

/// `GET /clerk/claims/{id}/attachments/{file}`: an uploaded photo, only within scope.
pub(crate) async fn attachment(
    State(state): State<AppState>,
    Signed { user, .. }: Signed,
    PagePath((id, file)): PagePath<(ClaimId, String)>,
) -> Result<Response, PageError> {
    require_reviewer(&state, &user)?;
    visible_claim(&state, &user, &id).await?;
    let found = state.store.attachment_file(id.as_str(), &file).await?;
    let found = found.ok_or(AccessDenied::NotFound)?;
    // Only image types are served as such; anything else downloads as bytes.
    let content_type = if found.content_type.starts_with("image/") {
        found.content_type.as_str()
    } else {
        "application/octet-stream"
    };
    let mut response = (page_headers(), found.bytes).into_response();
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_str(content_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    Ok(response)
}

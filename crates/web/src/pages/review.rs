//! The agency clerk's review (经办审核, issue 4 item 6): the queue of claims in review in his
//! region, each claim with its evidence beside the decision (facts with their dataset and
//! record key, missing data, uploaded photos, the rules' preview on the stored facts), and
//! approve / reject with a reason from the rejection dictionary plus a note. Claims outside
//! the clerk's region are the 404 page, as are photos of such claims.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header::{CONTENT_TYPE, HeaderValue};
use axum::response::{IntoResponse, Response};
use onething_domain::access::{AccessDenied, Role};
use onething_domain::allowance::{ClaimStatus, RejectionReason};
use onething_domain::china_time::date_in_china;
use onething_domain::rules::MaternityDecision;
use onething_domain::{CitizenId, Uscc};
use onething_store::allowance::claims::{Acting, Claim, ClaimSubject, ReviewDecision};
use onething_store::shared_data::DataUse;
use serde::Deserialize;

use super::chrome::{Chrome, Signed, page_headers, redirect_with};
use super::claims::{ClaimView, claim_refusal, claim_view, scope_filter, visible_claim};
use super::employer::claim_row;
use super::{PageError, china_time, html, ok};
use crate::AppState;
use crate::auth::CurrentUser;

pub(crate) const CLERKS: &[Role] = &[Role::AgencyClerk, Role::Admin];

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
    user.require(CLERKS)?;
    let filter = scope_filter(&user, Some(ClaimStatus::InReview)).ok_or(AccessDenied::NotFound)?;
    let mut claims = state.store.claims(&filter).await?;
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
    user.require(CLERKS)?;
    let filter = scope_filter(&user, None).ok_or(AccessDenied::NotFound)?;
    let claims = state.store.claims(&filter).await?;
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
}

/// `GET /clerk/claims/{id}`: the claim with its evidence and, in review, the decision form.
pub(crate) async fn show(
    State(state): State<AppState>,
    Signed { user, chrome }: Signed,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    user.require(CLERKS)?;
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
        preview(state, claim, user.username()).await?
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
        },
    )
}

/// What approval would decide: the facts derived again from the current shared data (each
/// read audited for the claim) and the rules evaluated on them. `None` while data is missing.
pub(crate) async fn derived_decision(
    state: &AppState,
    claim: &Claim,
    actor: &str,
) -> Result<Option<MaternityDecision>, PageError> {
    let (Ok(claimant), Ok(employer)) = (
        CitizenId::parse(&claim.person_id),
        Uscc::parse(&claim.employer_uscc),
    ) else {
        return Ok(None);
    };
    let data_use = DataUse {
        actor: actor.to_owned(),
        case_id: Some(claim.id.clone()),
        purpose: "生育津贴审核：核对共享数据".to_owned(),
    };
    let uploaded = claim
        .needs_review
        .then_some(claim.certificate_no.as_deref())
        .flatten();
    let subject = ClaimSubject {
        claimant: &claimant,
        employer: &employer,
        certificate_no: claim.certificate_no.as_deref(),
        basis: claim.wage_basis,
        uploaded_certificate_no: uploaded,
        event_date: claim.event_date,
        today: claim
            .event_date
            .unwrap_or_else(|| date_in_china(claim.created_at)),
    };
    let (_, derived) = state.store.derive_claim(&data_use, &subject).await?;
    let Some(mut facts) = derived.maternity else {
        return Ok(None);
    };
    facts.case_id = claim.id.clone();
    Ok(Some(onething_domain::rules::evaluate(
        &facts,
        &state.params,
    )))
}

async fn preview(
    state: &AppState,
    claim: &Claim,
    actor: &str,
) -> Result<Option<Preview>, PageError> {
    let decision = derived_decision(state, claim, actor).await?;
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
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    user.require(CLERKS)?;
    let claim = visible_claim(&state, &user, &id).await?;
    let form: ReviewForm = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let review = match review_of(&form) {
        Ok(review) => review,
        Err(message) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return render(&state, &user, chrome, &claim, form, Some(message), status).await;
        }
    };
    let by = Acting {
        actor: user.username(),
        role: user.role(),
        at: state.now(),
    };
    let done = state
        .store
        .review_claim(&id, &review, &by, &state.params, &state.calendar)
        .await;
    match done {
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

fn non_empty(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

/// The form as a decision; the message names the field at fault.
fn review_of(form: &ReviewForm) -> Result<ReviewDecision, String> {
    let note = non_empty(&form.note);
    match form.decision.as_str() {
        "approve" => Ok(ReviewDecision::Approve {
            certificate_no: non_empty(&form.certificate_no),
            note,
        }),
        "reject" => {
            let reason = RejectionReason::parse(form.reason.trim())
                .ok_or_else(|| "不予支付原因：请从列表中选择原因".to_owned())?;
            if reason.needs_note() && note.is_none() {
                return Err(format!(
                    "审核说明：原因为“{}”时须填写说明",
                    reason.label_zh()
                ));
            }
            Ok(ReviewDecision::Reject { reason, note })
        }
        _ => Err("审核结论：请选择“通过”或“不予支付”".to_owned()),
    }
}

/// `GET /clerk/claims/{id}/attachments/{file}`: an uploaded photo, only within scope.
pub(crate) async fn attachment(
    State(state): State<AppState>,
    Signed { user, .. }: Signed,
    Path((id, file)): Path<(String, String)>,
) -> Result<Response, PageError> {
    user.require(CLERKS)?;
    visible_claim(&state, &user, &id).await?;
    let found = state.store.attachment_file(&id, &file).await?;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn form(decision: &str, reason: &str, note: &str) -> ReviewForm {
        ReviewForm {
            decision: decision.into(),
            reason: reason.into(),
            note: note.into(),
            certificate_no: String::new(),
        }
    }

    #[test]
    fn a_review_needs_a_decision_and_a_known_reason() {
        assert!(review_of(&form("approve", "", "")).is_ok());
        assert!(
            review_of(&form("", "", ""))
                .expect_err("refused")
                .starts_with("审核结论")
        );
        assert!(
            review_of(&form("reject", "NOPE", ""))
                .expect_err("refused")
                .starts_with("不予支付原因")
        );
        let other = RejectionReason::Other.code();
        assert!(
            review_of(&form("reject", other, ""))
                .expect_err("refused")
                .starts_with("审核说明")
        );
        assert!(review_of(&form("reject", other, "材料不符")).is_ok());
    }
}

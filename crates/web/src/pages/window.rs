//! The window (窗口代办, MA-3): an agency clerk records the employer's authorisation
//! (授权确认表) and opens the claim on its behalf; the claim then goes through the same
//! wizard (`/clerk/claims/{id}`) and the clerk prints the application form (申请表) as a PDF
//! for the employer to sign. The employer must be registered in the clerk's region, and the
//! person must be insured or paid for by it (the store checks, with audited reads).

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use onething_domain::access::UseCase;
use onething_domain::ids::ClaimId;
use onething_services::allowance::{
    self as service, AuthorisationInput, OpenClaim, OpenClaimInput,
};
use serde::Deserialize;

use super::chrome::{Chrome, Signed, page_headers, redirect_with};
use super::{PageError, html, ok};
use crate::auth::CurrentUser;
use crate::documents::pdf_response;
use crate::extract::PagePath;
use crate::routes::allowance::claims::form::application_form_bytes;
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

/// The user as a window clerk (the policy table's `FileAtWindow`, as the API asks).
fn window_clerk(
    state: &AppState,
    user: &CurrentUser,
) -> Result<onething_services::Actor, PageError> {
    super::permit(state, user, UseCase::FileAtWindow)
}

/// `GET /clerk/window`: the window submission form.
pub(crate) async fn form(
    State(state): State<AppState>,
    Signed { user, chrome }: Signed,
) -> Result<Response, PageError> {
    window_clerk(&state, &user)?;
    ok(&WindowPage {
        chrome,
        form: WindowForm::default(),
        error: None,
    })
}

/// The form's fields as the open-claim command's raw input (the API's body gives the same).
impl From<&WindowForm> for OpenClaimInput {
    fn from(form: &WindowForm) -> Self {
        OpenClaimInput {
            person_id: Some(form.person_id.clone()),
            person_ref: None,
            certificate_no: None,
            employer_uscc: Some(form.employer_uscc.clone()),
            authorisation: Some(AuthorisationInput {
                number: Some(form.auth_number.clone()),
                signer: Some(form.signer.clone()),
                signed_on: Some(form.signed_on.clone()),
            }),
            birth_order: None,
        }
    }
}

/// `POST /clerk/window`: opens the claim on the employer's behalf and goes to its wizard.
pub(crate) async fn submit(
    State(state): State<AppState>,
    Signed { user, chrome }: Signed,
    body: Bytes,
) -> Result<Response, PageError> {
    let actor = window_clerk(&state, &user)?;
    let form: WindowForm = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let opened = match OpenClaim::try_from(OpenClaimInput::from(&form)) {
        Ok(cmd) => service::open_claim(&state.services(), &actor, cmd).await,
        Err(invalid) => Err(invalid.into()),
    };
    let error = match opened {
        Ok(claim) => return Ok(redirect_with(&format!("/clerk/claims/{}", claim.id), None)),
        Err(e) => ApiError::from(e),
    };
    if error.status.is_server_error() || error.status == StatusCode::UNAUTHORIZED {
        return Err(error.into());
    }
    // At the window, "not found" means the employer or person is outside the clerk's
    // region or not insured there: the clerk is told on the form.
    let message = if error.status == StatusCode::NOT_FOUND && error.field.is_none() {
        "统一社会信用代码：该单位或职工不在您的经办辖区".to_owned()
    } else {
        error.message
    };
    let status = match error.status {
        StatusCode::NOT_FOUND | StatusCode::BAD_REQUEST => StatusCode::UNPROCESSABLE_ENTITY,
        other => other,
    };
    html(
        status,
        &WindowPage {
            chrome,
            form,
            error: Some(message),
        },
    )
}

/// `GET /clerk/claims/{id}/application-form.pdf`: the same 申请表 as the API's (masked
/// citizen id, audited print; 待核定 where the agency has not decided yet), 503 without the
/// font.
pub(crate) async fn application_pdf(
    State(state): State<AppState>,
    Signed { user, .. }: Signed,
    PagePath(id): PagePath<ClaimId>,
) -> Result<Response, PageError> {
    window_clerk(&state, &user)?;
    let pdf = application_form_bytes(&state, &user, &id).await?;
    Ok((page_headers(), pdf_response(&format!("{id}.pdf"), pdf)).into_response())
}

//! `/dept/family-planning`: the health department's officers review the family-planning
//! situation of hospital claims (卫健局, seed 002 四) — the same use cases as
//! `/api/v1/hospital/family-planning-reviews`.

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use onething_domain::access::UseCase;
use onething_domain::ids::ClaimId;
use onething_services::hospital::{self as service, FamilyPlanningDecision, FamilyPlanningInput};
use onething_store::hospital::FamilyPlanningReview;
use serde::Deserialize;

use super::chrome::{Chrome, Signed};
use super::{PageError, html, permit};
use crate::extract::PagePath;
use crate::{ApiError, AppState};

#[derive(Template)]
#[template(path = "family_planning.html")]
struct ReviewsPage {
    chrome: Chrome,
    reviews: Vec<FamilyPlanningReview>,
    done: Option<String>,
    error: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct DecisionForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    note: String,
}

async fn render(
    state: &AppState,
    user: &crate::auth::CurrentUser,
    chrome: Chrome,
    (done, error): (Option<String>, Option<String>),
    status: StatusCode,
) -> Result<Response, PageError> {
    let actor = permit(state, user, UseCase::ReviewFamilyPlanning)?;
    let reviews = service::family_planning_reviews(&state.services(), &actor)
        .await
        .map_err(ApiError::from)?;
    html(
        status,
        &ReviewsPage {
            chrome,
            reviews,
            done,
            error,
        },
    )
}

pub(crate) async fn list(
    State(state): State<AppState>,
    Signed { user, chrome }: Signed,
) -> Result<Response, PageError> {
    render(&state, &user, chrome, (None, None), StatusCode::OK).await
}

pub(crate) async fn decide(
    State(state): State<AppState>,
    Signed { user, chrome }: Signed,
    PagePath(claim_id): PagePath<ClaimId>,
    body: Bytes,
) -> Result<Response, PageError> {
    let actor = permit(&state, &user, UseCase::ReviewFamilyPlanning)?;
    let form: DecisionForm = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let input = FamilyPlanningInput {
        decision: Some(form.decision),
        note: Some(form.note),
    };
    let result = match FamilyPlanningDecision::try_from(input) {
        Ok(cmd) => {
            service::decide_family_planning(&state.services(), &actor, claim_id.as_str(), cmd).await
        }
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(r) => {
            let label = if r.status == "confirmed" {
                "已确认"
            } else {
                "不通过"
            };
            let done = Some(format!("申领 {claim_id}：{label}"));
            render(&state, &user, chrome, (done, None), StatusCode::OK).await
        }
        Err(e) => {
            let error = ApiError::from(e);
            if error.status.is_server_error() || error.status == StatusCode::UNAUTHORIZED {
                return Err(error.into());
            }
            let message = Some(error.message);
            render(
                &state,
                &user,
                chrome,
                (None, message),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

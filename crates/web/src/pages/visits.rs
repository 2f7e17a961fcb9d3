//! Window visits on the case page (跑动次数, SV-2/SV-4): clerks and supervisors in the
//! case's region see its visits; a clerk records one (`POST /cases/{id}/visits`: submission,
//! supplement, pickup or consultation, with the priority flag for the elderly and disabled).
//! The same use cases as the API.

use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use onething_domain::access::UseCase;
use onething_domain::ids::CaseId;
use onething_services::ServiceError;
use onething_services::supervision::{self as service, VisitInput, WindowVisit};
use serde::Deserialize;

use super::chrome::{Signed, redirect_with};
use super::{PageError, china_time, permit};
use crate::extract::PagePath;
use crate::{ApiError, AppState};

/// A visit as the case page lists it.
pub(crate) struct VisitRow {
    pub(crate) at: String,
    pub(crate) kind: &'static str,
    pub(crate) priority: bool,
    pub(crate) by: String,
    pub(crate) note: String,
}

/// The visits part of the case page.
#[derive(Default)]
pub(crate) struct VisitSection {
    pub(crate) shown: bool,
    pub(crate) may_record: bool,
    pub(crate) rows: Vec<VisitRow>,
    /// Runs to the window (跑动次数): a home visit (上门服务) is none.
    pub(crate) runs: usize,
}

fn kind_zh(kind: &str) -> &'static str {
    match kind {
        "submission" => "窗口提交申请",
        "supplement" => "补交材料",
        "pickup" => "领取证件",
        "home_visit" => "预约上门服务（不计跑动）",
        _ => "咨询",
    }
}

/// Nothing for a user who may not see a case's visits (or this case's).
pub(crate) async fn section(
    state: &AppState,
    user: &crate::auth::CurrentUser,
    case_id: &str,
) -> VisitSection {
    if !UseCase::ViewVisits.permits(user.role()) {
        return VisitSection::default();
    }
    let actor = user.actor(state, None);
    let Ok(list) = service::visits_of_case(&state.services(), &actor, case_id).await else {
        return VisitSection::default();
    };
    VisitSection {
        shown: true,
        may_record: UseCase::RecordVisit.permits(user.role()),
        runs: list.iter().filter(|v| v.kind != "home_visit").count(),
        rows: list
            .iter()
            .map(|v| VisitRow {
                at: china_time(v.at),
                kind: kind_zh(&v.kind),
                priority: v.priority,
                by: v.recorded_by.clone(),
                note: v.note.clone().unwrap_or_default(),
            })
            .collect(),
    }
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct VisitForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    priority: Option<String>,
    #[serde(default)]
    note: String,
}

/// `POST /cases/{id}/visits` (page).
pub(crate) async fn record(
    State(state): State<AppState>,
    Signed { user, .. }: Signed,
    PagePath(id): PagePath<CaseId>,
    body: Bytes,
) -> Result<Response, PageError> {
    let actor = permit(&state, &user, UseCase::RecordVisit)?;
    let form: VisitForm = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let visit = WindowVisit::try_from(VisitInput {
        kind: Some(form.kind),
        priority: form.priority.is_some(),
        note: Some(form.note),
    })
    .map_err(|e| ApiError::from(ServiceError::from(e)))?;
    service::record_visit(&state.services(), &actor, id.as_str(), visit)
        .await
        .map_err(ApiError::from)?;
    Ok(redirect_with(&format!("/cases/{id}#visits"), None))
}

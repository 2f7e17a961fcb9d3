//! 差评整改 on the page (`GET /supervision/rectifications`): supervisors see every task in
//! their region with the rates of rectification and revisit, officers their department's;
//! officers record the investigation and the rectification, supervisors the revisit
//! (`POST /supervision/rectifications/{id}/{investigate|rectify|revisit}`), through the
//! same use cases as the API.

use crate::extract::PagePath;
use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use onething_domain::access::UseCase;
use onething_domain::ids::RectificationId;
use onething_domain::supervision::{RatingReason, RectificationStatus};
use onething_services::ServiceError;
use onething_services::supervision::{self as service, Note, NoteInput, Revisit, RevisitInput};
use onething_store::supervision::Rectification;
use serde::Deserialize;

use super::chrome::{Chrome, Signed, redirect_with};
use super::{PageError, china_time, ok, permit};
use crate::{ApiError, AppState};

struct TaskRow {
    id: String,
    case_id: String,
    subject: String,
    score: i64,
    reasons: String,
    comment: String,
    owner: String,
    due_on: String,
    overdue: bool,
    status: &'static str,
    status_code: &'static str,
    investigation: String,
    rectification: String,
    revisit: String,
    may_investigate: bool,
    may_rectify: bool,
    may_revisit: bool,
}

#[derive(Template)]
#[template(path = "rectifications.html")]
struct ListPage {
    chrome: Chrome,
    rows: Vec<TaskRow>,
    open: usize,
    rectification_rate: String,
    revisit_rate: String,
}

fn record(r: &Option<(String, String, chrono::DateTime<chrono::Utc>)>) -> String {
    r.as_ref()
        .map(|(note, by, at)| format!("{note}（{by}，{}）", china_time(*at)))
        .unwrap_or_default()
}

fn row(
    t: &Rectification,
    role: onething_domain::access::Role,
    today: chrono::NaiveDate,
    catalog: &onething_domain::catalog::Catalog,
) -> TaskRow {
    let handles = UseCase::HandleRectification.permits(role);
    let open = t.status == RectificationStatus::Open;
    TaskRow {
        id: t.id.clone(),
        case_id: t.case_id.clone(),
        subject: t.item.as_deref().map_or_else(
            || "整件事".to_owned(),
            |code| {
                catalog
                    .item(code)
                    .map_or_else(|| code.to_owned(), |i| i.name.clone())
            },
        ),
        score: t.score,
        reasons: t
            .reasons
            .iter()
            .map(|c| RatingReason::parse(c).map_or_else(|| c.clone(), |r| r.label_zh().to_owned()))
            .collect::<Vec<_>>()
            .join("、"),
        comment: t.comment.clone().unwrap_or_default(),
        owner: format!(
            "{} · {}",
            t.owner_department.label_zh(),
            t.owner_region.as_deref().unwrap_or("—")
        ),
        due_on: super::due_day(Some(t.due_on), t.due_on_provisional),
        overdue: open && today > t.due_on,
        status: t.status.label_zh(),
        status_code: t.status.as_str(),
        investigation: record(&t.investigation),
        rectification: record(&t.rectification),
        revisit: t
            .revisit
            .as_ref()
            .map(|(o, note, by, at)| {
                format!("{}：{note}（{by}，{}）", o.label_zh(), china_time(*at))
            })
            .unwrap_or_default(),
        may_investigate: handles && open,
        may_rectify: handles && open && t.investigation.is_some(),
        may_revisit: UseCase::RevisitRectification.permits(role)
            && t.status == RectificationStatus::Rectified,
    }
}

fn rate(part: usize, whole: usize) -> String {
    if whole == 0 {
        "—".into()
    } else {
        format!("{:.1}%", part as f64 * 100.0 / whole as f64)
    }
}

pub(crate) async fn list(
    State(state): State<AppState>,
    Signed { user, chrome }: Signed,
) -> Result<Response, PageError> {
    let actor = permit(&state, &user, UseCase::ViewRectifications)?;
    let tasks = service::rectifications(&state.services(), &actor, None)
        .await
        .map_err(ApiError::from)?;
    let today = actor.today();
    let catalog = state.store.current_catalog().await?;
    let done = |s: &[RectificationStatus]| tasks.iter().filter(|t| s.contains(&t.status)).count();
    let rectified = done(&[
        RectificationStatus::Rectified,
        RectificationStatus::Revisited,
    ]);
    let revisited = done(&[RectificationStatus::Revisited]);
    ok(&ListPage {
        chrome,
        open: done(&[RectificationStatus::Open]),
        rectification_rate: rate(rectified, tasks.len()),
        revisit_rate: rate(revisited, tasks.len()),
        rows: tasks
            .iter()
            .map(|t| row(t, user.role(), today, &catalog.catalog))
            .collect(),
    })
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct StepForm {
    #[serde(default)]
    note: String,
    #[serde(default)]
    outcome: String,
}

pub(crate) async fn step(
    State(state): State<AppState>,
    Signed { user, .. }: Signed,
    PagePath((id, step)): PagePath<(RectificationId, String)>,
    body: Bytes,
) -> Result<Response, PageError> {
    let form: StepForm = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let svc = state.services();
    let invalid = |e: onething_services::Invalid| ApiError::from(ServiceError::from(e));
    let note = || {
        Note::try_from(NoteInput {
            note: Some(form.note.clone()),
        })
        .map_err(invalid)
    };
    match step.as_str() {
        "investigate" | "rectify" => {
            let actor = permit(&state, &user, UseCase::HandleRectification)?;
            let note = note()?;
            let done = if step == "investigate" {
                service::investigate(&svc, &actor, id.as_str(), note).await
            } else {
                service::rectify(&svc, &actor, id.as_str(), note).await
            };
            done.map_err(ApiError::from)?;
        }
        "revisit" => {
            let actor = permit(&state, &user, UseCase::RevisitRectification)?;
            let visit = Revisit::try_from(RevisitInput {
                outcome: Some(form.outcome.clone()),
                note: Some(form.note.clone()),
            })
            .map_err(invalid)?;
            service::revisit(&svc, &actor, id.as_str(), visit)
                .await
                .map_err(ApiError::from)?;
        }
        _ => return Err(ApiError::not_found().into()),
    }
    Ok(redirect_with(
        &format!("/supervision/rectifications#task-{id}"),
        None,
    ))
}

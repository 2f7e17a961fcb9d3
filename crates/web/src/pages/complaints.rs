//! 投诉 on the page (`/complaints`): citizens and employers file a complaint about one of
//! their cases or an office and follow it; the office's clerks and supervisors answer,
//! with the due date and the escalation shown. The same use cases as the API.

use crate::extract::PagePath;
use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use onething_domain::access::UseCase;
use onething_domain::ids::ComplaintId;
use onething_services::ServiceError;
use onething_services::supervision::{
    self as service, ComplaintInput, FileComplaint, Note, NoteInput,
};
use onething_store::supervision::Complaint;
use serde::Deserialize;

use super::chrome::{Chrome, Signed, redirect_with};
use super::{PageError, china_time, ok, permit};
use crate::{ApiError, AppState};

struct Row {
    id: String,
    subject: String,
    body: String,
    filed_at: String,
    due_on: String,
    overdue: bool,
    escalated: bool,
    answer: String,
    in_time: bool,
    may_answer: bool,
}

#[derive(Template)]
#[template(path = "complaints.html")]
struct ListPage {
    chrome: Chrome,
    rows: Vec<Row>,
    may_file: bool,
}

fn row(c: &Complaint, may_answer: bool, today: chrono::NaiveDate) -> Row {
    let subject = match (c.subject.as_str(), &c.case_id, &c.item) {
        ("item", Some(case), Some(item)) => format!("办件 {case} 的事项 {item}"),
        ("case", Some(case), _) => format!("办件 {case}"),
        _ => format!("窗口（地区 {}）", c.region.as_deref().unwrap_or("—")),
    };
    Row {
        id: c.id.clone(),
        subject,
        body: c.body.clone(),
        filed_at: china_time(c.filed_at),
        due_on: super::due_day(Some(c.due_on), c.due_on_provisional),
        overdue: c.answer.is_none() && today > c.due_on,
        escalated: c.escalated_at.is_some(),
        answer: c
            .answer
            .as_ref()
            .map(|a| format!("{}（{}，{}）", a.answer, a.by, china_time(a.at)))
            .unwrap_or_default(),
        in_time: c.answer.as_ref().is_some_and(|a| a.on <= c.due_on),
        may_answer: may_answer && c.answer.is_none(),
    }
}

pub(crate) async fn list(
    State(state): State<AppState>,
    Signed { user, chrome }: Signed,
) -> Result<Response, PageError> {
    let actor = permit(&state, &user, UseCase::ViewComplaints)?;
    let list = service::complaints(&state.services(), &actor)
        .await
        .map_err(ApiError::from)?;
    let answers = UseCase::AnswerComplaint.permits(user.role());
    let today = actor.today();
    ok(&ListPage {
        chrome,
        rows: list.iter().map(|c| row(c, answers, today)).collect(),
        may_file: UseCase::FileComplaint.permits(user.role()),
    })
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct FileForm {
    #[serde(default)]
    subject: String,
    #[serde(default)]
    case_id: String,
    #[serde(default)]
    item: String,
    #[serde(default)]
    region: String,
    #[serde(default)]
    body: String,
}

fn invalid(e: onething_services::Invalid) -> ApiError {
    ApiError::from(ServiceError::from(e))
}

pub(crate) async fn file(
    State(state): State<AppState>,
    Signed { user, .. }: Signed,
    body: Bytes,
) -> Result<Response, PageError> {
    let actor = permit(&state, &user, UseCase::FileComplaint)?;
    let form: FileForm = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let some = |s: String| Some(s).filter(|s| !s.trim().is_empty());
    let input = ComplaintInput {
        subject: some(form.subject),
        case_id: some(form.case_id),
        item: some(form.item),
        region: some(form.region),
        body: some(form.body),
    };
    let complaint = FileComplaint::try_from(input).map_err(invalid)?;
    let filed = service::file_complaint(&state.services(), &actor, complaint)
        .await
        .map_err(ApiError::from)?;
    Ok(redirect_with(&format!("/complaints#c-{}", filed.id), None))
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct AnswerForm {
    #[serde(default)]
    note: String,
}

pub(crate) async fn answer(
    State(state): State<AppState>,
    Signed { user, .. }: Signed,
    PagePath(id): PagePath<ComplaintId>,
    body: Bytes,
) -> Result<Response, PageError> {
    let actor = permit(&state, &user, UseCase::AnswerComplaint)?;
    let form: AnswerForm = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let note = Note::try_from(NoteInput {
        note: Some(form.note),
    })
    .map_err(invalid)?;
    service::answer_complaint(&state.services(), &actor, id.as_str(), note)
        .await
        .map_err(ApiError::from)?;
    Ok(redirect_with(&format!("/complaints#c-{id}"), None))
}

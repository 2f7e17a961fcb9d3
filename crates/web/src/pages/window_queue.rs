//! The service hall's 取号/叫号 page (`/clerk/queue`, SV-4): the clerk issues a ticket (id,
//! name, case, disability), sees the day's waiting tickets priority first with the elderly
//! age in force and its source, and serves one (the case's visit recorded with the
//! priority) or marks it 过号 (missed: served later from the missed list). The same use
//! cases as the API.

use crate::extract::PagePath;
use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use onething_domain::access::UseCase;
use onething_domain::ids::TicketId;
use onething_services::ServiceError;
use onething_services::supervision::{self as service, Serve, ServeInput, TakeTicket, TicketInput};
use serde::Deserialize;
use serde_json::Value;

use super::chrome::{Chrome, Signed, redirect_with};
use super::{PageError, ok, permit};
use crate::routes::supervision::ticket_view;
use crate::{ApiError, AppState};

struct Row {
    id: String,
    number: String,
    name: String,
    id_masked: String,
    age: String,
    case_id: String,
    priority: String,
    issued_at: String,
}

#[derive(Template)]
#[template(path = "window_queue.html")]
struct QueuePage {
    chrome: Chrome,
    office: String,
    day: String,
    elderly_age: u32,
    elderly_age_source: String,
    rows: Vec<Row>,
    missed: Vec<Row>,
    issued: String,
}

fn text(v: &Value, key: &str) -> String {
    match &v[key] {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => String::new(),
    }
}

fn row(t: &onething_store::supervision::Ticket) -> Row {
    let v = ticket_view(t);
    Row {
        id: t.id.clone(),
        number: t.number.clone(),
        name: t.name.clone(),
        id_masked: text(&v, "citizen_id_masked"),
        age: text(&v, "age"),
        case_id: t.case_id.clone().unwrap_or_default(),
        priority: text(&v, "priority_label"),
        issued_at: super::china_time(t.issued_at),
    }
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ShowQuery {
    #[serde(default)]
    issued: String,
}

/// `GET /clerk/queue`.
pub(crate) async fn show(
    State(state): State<AppState>,
    Signed { user, chrome }: Signed,
    axum::extract::Query(q): axum::extract::Query<ShowQuery>,
) -> Result<Response, PageError> {
    let actor = permit(&state, &user, UseCase::WindowQueue)?;
    let queue = service::window_queue(&state.services(), &actor)
        .await
        .map_err(ApiError::from)?;
    ok(&QueuePage {
        chrome,
        office: queue.office,
        day: queue.day.to_string(),
        elderly_age: queue.elderly_age,
        elderly_age_source: queue.elderly_age_source,
        rows: queue.waiting.iter().map(row).collect(),
        missed: queue.missed.iter().map(row).collect(),
        issued: q.issued.chars().take(8).collect(),
    })
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct IssueForm {
    #[serde(default)]
    citizen_id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    case_id: String,
    #[serde(default)]
    disabled: Option<String>,
}

fn invalid(e: onething_services::Invalid) -> ApiError {
    ApiError::from(ServiceError::from(e))
}

/// `POST /clerk/queue`: issue a ticket.
pub(crate) async fn issue(
    State(state): State<AppState>,
    Signed { user, .. }: Signed,
    body: Bytes,
) -> Result<Response, PageError> {
    let actor = permit(&state, &user, UseCase::WindowQueue)?;
    let form: IssueForm = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let take = TakeTicket::try_from(TicketInput {
        citizen_id: Some(form.citizen_id),
        name: Some(form.name),
        case_id: Some(form.case_id),
        disabled: form.disabled.is_some(),
    })
    .map_err(invalid)?;
    let t = service::issue_ticket(&state.services(), &actor, take)
        .await
        .map_err(ApiError::from)?;
    Ok(redirect_with(
        &format!("/clerk/queue?issued={}", t.number),
        None,
    ))
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ServeForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    case_id: String,
    #[serde(default)]
    note: String,
}

/// `POST /clerk/queue/{id}/miss`: 过号.
pub(crate) async fn miss(
    State(state): State<AppState>,
    Signed { user, .. }: Signed,
    PagePath(id): PagePath<TicketId>,
) -> Result<Response, PageError> {
    let actor = permit(&state, &user, UseCase::WindowQueue)?;
    service::miss_ticket(&state.services(), &actor, id.as_str())
        .await
        .map_err(ApiError::from)?;
    Ok(redirect_with("/clerk/queue", None))
}

/// `POST /clerk/queue/{id}/serve`: serve a ticket.
pub(crate) async fn serve(
    State(state): State<AppState>,
    Signed { user, .. }: Signed,
    PagePath(id): PagePath<TicketId>,
    body: Bytes,
) -> Result<Response, PageError> {
    let actor = permit(&state, &user, UseCase::WindowQueue)?;
    let form: ServeForm = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let serve = Serve::try_from(ServeInput {
        kind: Some(form.kind),
        case_id: Some(form.case_id),
        note: Some(form.note),
    })
    .map_err(invalid)?;
    service::serve_ticket(&state.services(), &actor, id.as_str(), serve)
        .await
        .map_err(ApiError::from)?;
    Ok(redirect_with("/clerk/queue", None))
}

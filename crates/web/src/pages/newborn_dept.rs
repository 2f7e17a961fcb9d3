//! The departments' officers' pages for newborn items: the queue of the officer's kind with
//! due dates (overdue ones stand out), one item with exactly what a department system would
//! receive for it, and the forms to complete it with its result or deny it with a reason:
//! the same use cases as `POST /api/v1/cases/{id}/items/{item}/complete|deny` and the
//! signed results endpoint.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use chrono::NaiveDate;
use onething_domain::access::UseCase;
use onething_domain::ids::CaseId;
use onething_domain::newborn::NewbornItem;
use onething_services::cases;
use onething_services::newborn::{ItemResult, Reason, ReasonInput, ResultInput};
use serde::Deserialize;

use super::chrome::{Chrome, Signed, redirect_with};
use super::{PageError, day, ok, permit};
use crate::extract::PagePath;
use crate::{ApiError, AppState};

struct QueueRow {
    case_id: String,
    item: String,
    name: &'static str,
    state: &'static str,
    accepted_on: String,
    due_on: String,
    finished_on: String,
    overdue: bool,
    open: bool,
}

#[derive(Template)]
#[template(path = "newborn_dept.html")]
struct QueuePage {
    chrome: Chrome,
    rows: Vec<QueueRow>,
    overdue: usize,
}

pub(crate) async fn queue(
    State(state): State<AppState>,
    Signed { user, chrome }: Signed,
) -> Result<Response, PageError> {
    let actor = permit(&state, &user, UseCase::ViewDepartmentQueue)?;
    let items = cases::department_queue(&state.services(), &actor)
        .await
        .map_err(ApiError::from)?;
    let today = actor.today();
    let late = |due: Option<NaiveDate>, open: bool| open && due.is_some_and(|d| d < today);
    let rows: Vec<QueueRow> = items
        .into_iter()
        .map(|i| {
            let open = !i.state.is_terminal();
            QueueRow {
                name: NewbornItem::parse(&i.item).map_or("", |n| n.label_zh()),
                state: i.state.label_zh(),
                accepted_on: day(i.accepted_on),
                due_on: day(i.due_on),
                finished_on: day(i.finished_on),
                overdue: late(i.due_on, open),
                open,
                case_id: i.case_id,
                item: i.item,
            }
        })
        .collect();
    let overdue = rows.iter().filter(|r| r.overdue).count();
    ok(&QueuePage {
        chrome,
        rows,
        overdue,
    })
}

#[derive(Template)]
#[template(path = "newborn_item.html")]
struct ItemPage {
    chrome: Chrome,
    case_id: String,
    item: String,
    name: &'static str,
    state: &'static str,
    due_on: String,
    open: bool,
    payload: String,
}

pub(crate) async fn item(
    State(state): State<AppState>,
    Signed { user, chrome }: Signed,
    PagePath((case_id, item)): PagePath<(CaseId, String)>,
) -> Result<Response, PageError> {
    let actor = permit(&state, &user, UseCase::ViewDepartmentQueue)?;
    let (snapshot, payload) = cases::department_item(&state.services(), &actor, &case_id, &item)
        .await
        .map_err(ApiError::from)?;
    ok(&ItemPage {
        chrome,
        name: NewbornItem::parse(&item).map_or("", |n| n.label_zh()),
        state: snapshot.state.label_zh(),
        due_on: day(snapshot.due_on),
        open: !snapshot.state.is_terminal(),
        payload: serde_json::to_string_pretty(&payload).unwrap_or_default(),
        case_id: case_id.to_string(),
        item,
    })
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct CompleteForm {
    #[serde(default)]
    certificate_ref: String,
    /// One `key=value` per line: the item's result data.
    #[serde(default)]
    data: String,
}

/// `key=value` lines as a JSON object (the officer's result data).
fn data_of(lines: &str) -> serde_json::Value {
    let map: serde_json::Map<String, serde_json::Value> = lines
        .lines()
        .filter_map(|line| line.split_once(['=', '：', ':']))
        .map(|(k, v)| {
            (
                k.trim().to_owned(),
                serde_json::Value::String(v.trim().to_owned()),
            )
        })
        .filter(|(k, _)| !k.is_empty())
        .collect();
    serde_json::Value::Object(map)
}

pub(crate) async fn complete(
    State(state): State<AppState>,
    Signed { user, .. }: Signed,
    PagePath((case_id, item)): PagePath<(CaseId, String)>,
    body: Bytes,
) -> Result<Response, PageError> {
    let actor = permit(&state, &user, UseCase::CompleteItem)?;
    let form: CompleteForm = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let result = ItemResult::try_from(ResultInput {
        certificate_ref: Some(form.certificate_ref),
        data: Some(data_of(&form.data)),
    })
    .map_err(|e| ApiError::from(onething_services::ServiceError::from(e)))?;
    cases::complete_item(&state.services(), &actor, &case_id, &item, result)
        .await
        .map_err(ApiError::from)?;
    Ok(redirect_with(
        &format!("/dept/newborn/{case_id}/{item}"),
        None,
    ))
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct DenyForm {
    #[serde(default)]
    reason: String,
}

pub(crate) async fn deny(
    State(state): State<AppState>,
    Signed { user, .. }: Signed,
    PagePath((case_id, item)): PagePath<(CaseId, String)>,
    body: Bytes,
) -> Result<Response, PageError> {
    let actor = permit(&state, &user, UseCase::DenyItem)?;
    let form: DenyForm = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let reason = Reason::try_from(ReasonInput {
        reason: Some(form.reason),
    })
    .map_err(|e| ApiError::from(onething_services::ServiceError::from(e)))?;
    cases::deny_item(&state.services(), &actor, &case_id, &item, reason)
        .await
        .map_err(ApiError::from)?;
    Ok(redirect_with(
        &format!("/dept/newborn/{case_id}/{item}"),
        None,
    ))
}

#[derive(Template)]
#[template(path = "newborn_counterfoils.html")]
struct CounterfoilPage {
    chrome: Chrome,
    quarter: String,
    rows: Vec<onething_services::newborn::counterfoil::CounterfoilView>,
    may_confirm: bool,
    late_only: bool,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct QuarterQuery {
    quarter: Option<String>,
    late: Option<String>,
}

/// The counterfoils' quarterly handover (NB-11): the hospital clerk records handing them
/// over, the police officer receiving them; supervisors see the late ones.
pub(crate) async fn counterfoils(
    State(state): State<AppState>,
    Signed { user, chrome }: Signed,
    axum::extract::Query(query): axum::extract::Query<QuarterQuery>,
) -> Result<Response, PageError> {
    use onething_services::newborn::counterfoil as service;
    let actor = permit(&state, &user, UseCase::ViewCounterfoils)?;
    let q = match query.quarter.as_deref().filter(|q| !q.is_empty()) {
        Some(text) => service::quarter(text)
            .map_err(|e| ApiError::from(onething_services::ServiceError::from(e)))?,
        None => onething_domain::newborn::counterfoil::Quarter::of(actor.today()),
    };
    let late_only = query.late.as_deref() == Some("1");
    let svc = state.services();
    let rows = if late_only {
        service::late_counterfoils(&svc, &actor, q).await
    } else {
        service::counterfoils(&svc, &actor, q).await
    }
    .map_err(ApiError::from)?;
    ok(&CounterfoilPage {
        chrome,
        quarter: q.to_string(),
        rows,
        may_confirm: UseCase::ConfirmCounterfoil.permits(user.role()),
        late_only,
    })
}

pub(crate) async fn confirm_counterfoil(
    State(state): State<AppState>,
    Signed { user, .. }: Signed,
    Path((institution, quarter)): Path<(String, String)>,
) -> Result<Response, PageError> {
    use onething_services::newborn::counterfoil as service;
    let actor = permit(&state, &user, UseCase::ConfirmCounterfoil)?;
    let q = service::quarter(&quarter)
        .map_err(|e| ApiError::from(onething_services::ServiceError::from(e)))?;
    service::confirm_counterfoil(&state.services(), &actor, &institution, q)
        .await
        .map_err(ApiError::from)?;
    Ok(redirect_with(
        &format!("/newborn/counterfoils?quarter={q}"),
        None,
    ))
}

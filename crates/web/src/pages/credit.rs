//! 信用记录 on the page (`/supervision/credit-records`): the supervisor records and removes
//! entries (with the reason) and exports the register as CSV; administrators read it. The
//! same use cases as the API; ids masked.

use crate::extract::PagePath;
use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use onething_domain::access::UseCase;
use onething_domain::ids::CreditRecordId;
use onething_services::ServiceError;
use onething_services::supervision::{self as service, CreditInput, NewCredit, Note, NoteInput};
use onething_store::supervision::CreditRecord;
use serde::Deserialize;

use super::chrome::{Chrome, Signed, redirect_with};
use super::{PageError, china_time, day, ok, permit};
use crate::routes::supervision::masked_subject;
use crate::{ApiError, AppState};

struct Row {
    id: String,
    kind: &'static str,
    subject: String,
    name: String,
    decision: String,
    basis: String,
    period: String,
    recorded: String,
    removed: String,
}

#[derive(Template)]
#[template(path = "credit_records.html")]
struct ListPage {
    chrome: Chrome,
    rows: Vec<Row>,
    may_manage: bool,
}

fn row(r: &CreditRecord) -> Row {
    Row {
        id: r.id.clone(),
        kind: if r.subject_kind == "person" {
            "个人"
        } else {
            "机构"
        },
        subject: masked_subject(r),
        name: r.subject_name.clone().unwrap_or_default(),
        decision: r.decision.clone(),
        basis: r.basis.clone(),
        period: format!(
            "{} 至 {}",
            r.valid_from,
            day(r.valid_to).replace('—', "长期")
        ),
        recorded: format!("{}（{}）", china_time(r.recorded_at), r.recorded_by),
        removed: r
            .removed
            .as_ref()
            .map(|(by, at, reason)| format!("已移除：{reason}（{by}，{}）", china_time(*at)))
            .unwrap_or_default(),
    }
}

fn invalid(e: onething_services::Invalid) -> ApiError {
    ApiError::from(ServiceError::from(e))
}

pub(crate) async fn list(
    State(state): State<AppState>,
    Signed { user, chrome }: Signed,
) -> Result<Response, PageError> {
    let actor = permit(&state, &user, UseCase::ViewCreditRecords)?;
    let list = service::credit_records(&state.services(), &actor)
        .await
        .map_err(ApiError::from)?;
    ok(&ListPage {
        chrome,
        rows: list.iter().map(row).collect(),
        may_manage: UseCase::ManageCreditRecords.permits(user.role()),
    })
}

/// `GET /supervision/credit-records.csv`: the register, ids masked.
pub(crate) async fn export(
    State(state): State<AppState>,
    Signed { user, .. }: Signed,
) -> Result<Response, PageError> {
    let actor = permit(&state, &user, UseCase::ViewCreditRecords)?;
    let list = service::credit_records(&state.services(), &actor)
        .await
        .map_err(ApiError::from)?;
    let header = [
        "id",
        "subject_kind",
        "subject_id_masked",
        "subject_name",
        "decision",
        "basis",
        "valid_from",
        "valid_to",
        "recorded_by",
        "recorded_at",
        "removed_at",
        "removal_reason",
    ];
    let mut text = csv_line(&header.map(str::to_owned));
    for r in &list {
        let removed = r.removed.as_ref();
        text.push_str(&csv_line(&[
            r.id.clone(),
            r.subject_kind.clone(),
            masked_subject(r),
            r.subject_name.clone().unwrap_or_default(),
            r.decision.clone(),
            r.basis.clone(),
            r.valid_from.to_string(),
            r.valid_to.map(|d| d.to_string()).unwrap_or_default(),
            r.recorded_by.clone(),
            r.recorded_at.to_rfc3339(),
            removed
                .map(|(_, at, _)| at.to_rfc3339())
                .unwrap_or_default(),
            removed.map(|(_, _, why)| why.clone()).unwrap_or_default(),
        ]));
    }
    let bytes = text.into_bytes();
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"credit-records.csv\"",
            ),
        ],
        bytes,
    )
        .into_response())
}

/// One CSV line (RFC 4180): every field quoted, quotes doubled; a field starting with a
/// formula character gets a leading apostrophe so a spreadsheet never evaluates it.
fn csv_line(cells: &[String]) -> String {
    let quoted: Vec<String> = cells
        .iter()
        .map(|c| {
            let safe = if c.starts_with(['=', '+', '-', '@']) {
                format!("'{c}")
            } else {
                c.clone()
            };
            format!("\"{}\"", safe.replace('"', "\"\""))
        })
        .collect();
    format!("{}\r\n", quoted.join(","))
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct RecordForm {
    #[serde(default)]
    subject_kind: String,
    #[serde(default)]
    subject_id: String,
    #[serde(default)]
    subject_name: String,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    basis: String,
    #[serde(default)]
    valid_from: String,
    #[serde(default)]
    valid_to: String,
}

pub(crate) async fn record(
    State(state): State<AppState>,
    Signed { user, .. }: Signed,
    body: Bytes,
) -> Result<Response, PageError> {
    let actor = permit(&state, &user, UseCase::ManageCreditRecords)?;
    let f: RecordForm = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let some = |s: String| Some(s).filter(|s| !s.trim().is_empty());
    let input = CreditInput {
        subject_kind: some(f.subject_kind),
        subject_id: some(f.subject_id),
        subject_name: some(f.subject_name),
        decision: some(f.decision),
        basis: some(f.basis),
        valid_from: some(f.valid_from),
        valid_to: some(f.valid_to),
    };
    let entry = NewCredit::try_from(input).map_err(invalid)?;
    let r = service::record_credit(&state.services(), &actor, entry)
        .await
        .map_err(ApiError::from)?;
    Ok(redirect_with(
        &format!("/supervision/credit-records#r-{}", r.id),
        None,
    ))
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct RemoveForm {
    #[serde(default)]
    note: String,
}

pub(crate) async fn remove(
    State(state): State<AppState>,
    Signed { user, .. }: Signed,
    PagePath(id): PagePath<CreditRecordId>,
    body: Bytes,
) -> Result<Response, PageError> {
    let actor = permit(&state, &user, UseCase::ManageCreditRecords)?;
    let f: RemoveForm = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let note = Note::try_from(NoteInput { note: Some(f.note) }).map_err(invalid)?;
    service::remove_credit(&state.services(), &actor, id.as_str(), note)
        .await
        .map_err(ApiError::from)?;
    Ok(redirect_with(
        &format!("/supervision/credit-records#r-{id}"),
        None,
    ))
}

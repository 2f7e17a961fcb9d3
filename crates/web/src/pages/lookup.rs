//! The clerk's person lookup (窗口查询): by citizen id, the shared data found for the person
//! (insurance enrollment and employment today, every birth and delivery pushed, the
//! region's application limit for the event and claims refused as too late) — every record read is audited with the clerk as actor — and the person's claims
//! in the clerk's region. Ids are masked everywhere; a person insured outside the clerk's
//! region shows nothing.

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use onething_domain::access::{AccessDenied, UseCase};
use onething_services::ServiceError;
use onething_services::allowance as service;
use onething_services::input::citizen_id;
use onething_store::shared_records::SharedRecord;
use serde::Deserialize;

use super::chrome::{Chrome, Signed};
use super::claims::{dataset_label, fact_value, mask_ids};
use super::employer::{ClaimRow, claim_row};
use super::{PageError, day, html};
use crate::{ApiError, AppState};

#[derive(Debug, Default, Deserialize)]
pub(crate) struct LookupQuery {
    #[serde(default)]
    id: String,
}

struct RecordRow {
    dataset: String,
    key: String,
    date: String,
    fields: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "ma_lookup.html")]
struct LookupPage {
    chrome: Chrome,
    id: String,
    searched: bool,
    masked: String,
    records: Vec<RecordRow>,
    claims: Vec<ClaimRow>,
    /// The application limit of the event found: "申领截止日期 2025-03-05（已超过）".
    limit: Option<String>,
    /// Claims refused as too late: "2026-03-05 14:03 hr_a：生育日期 2024-03-05，截止 2025-03-05".
    refused_too_late: Vec<String>,
    error: Option<String>,
}

impl LookupPage {
    /// The form before any result: `searched` once an id was entered.
    fn blank(chrome: Chrome, id: String) -> Self {
        LookupPage {
            chrome,
            searched: !id.is_empty(),
            id,
            masked: String::new(),
            records: Vec::new(),
            claims: Vec::new(),
            limit: None,
            refused_too_late: Vec::new(),
            error: None,
        }
    }
}

/// `GET /clerk/lookup`: the search form.
pub(crate) async fn form(
    State(state): State<AppState>,
    Signed { user, chrome }: Signed,
) -> Result<Response, PageError> {
    let actor = user.actor(&state, None);
    actor
        .authorize(UseCase::LookupPerson)
        .map_err(ApiError::from)?;
    html(StatusCode::OK, &LookupPage::blank(chrome, String::new()))
}

/// `POST /clerk/lookup` with `id`: a form post, so the full id stays out of addresses,
/// history and access logs.
pub(crate) async fn lookup(
    State(state): State<AppState>,
    Signed { user, chrome }: Signed,
    body: Bytes,
) -> Result<Response, PageError> {
    let actor = user.actor(&state, None);
    actor
        .authorize(UseCase::LookupPerson)
        .map_err(ApiError::from)?;
    let query: LookupQuery = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let id = query.id.trim().to_owned();
    let mut page = LookupPage::blank(chrome, id.clone());
    let person = match citizen_id(&id, "id") {
        Ok(person) => person,
        Err(e) => {
            page.error = Some(format!("公民身份号码：{}", e.message));
            return html(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    page.masked = person.masked();
    // A person insured outside the clerk's region shows nothing (the API answers 404).
    match service::lookup_person(&state.services(), &actor, &person).await {
        Ok(found) => {
            page.records = found.records.iter().map(record_row).collect();
            page.claims = found.claims.iter().map(claim_row).collect();
            let today = actor.today();
            page.limit = found.application_limit.map(|l| {
                let past = if l.is_past(today) {
                    "（已超过）"
                } else {
                    ""
                };
                format!(
                    "生育之日起{}个月内，截至{}{past}",
                    l.months,
                    day(Some(l.deadline))
                )
            });
            page.refused_too_late = found.refused_too_late.iter().map(refused_row).collect();
        }
        Err(ServiceError::Access(AccessDenied::NotFound)) => {}
        Err(e) => return Err(ApiError::from(e).into()),
    }
    // The typed id is not echoed back in full.
    page.id = page.masked.clone();
    html(StatusCode::OK, &page)
}

fn refused_row(entry: &onething_store::audit::AuditEntry) -> String {
    let detail = &entry.entry.detail;
    let text = |key: &str| detail[key].as_str().unwrap_or("—").to_owned();
    format!(
        "{} {}：生育日期 {}，申领截止 {}",
        super::china_time(entry.entry.at),
        entry.entry.actor,
        text("event_date"),
        text("deadline")
    )
}

fn record_row(record: &SharedRecord) -> RecordRow {
    let fields = record
        .content
        .as_object()
        .map(|map| {
            map.iter()
                .map(|(k, v)| (k.clone(), mask_ids(&fact_value(v))))
                .collect()
        })
        .unwrap_or_default();
    RecordRow {
        dataset: dataset_label(record.dataset.as_str()).to_owned(),
        key: mask_ids(&record.key),
        date: day(record.event_date),
        fields,
    }
}

//! The clerk's person lookup (窗口查询): by citizen id, the shared data found for the person
//! (insurance enrollment and employment today, births and deliveries of the last twelve
//! months) — every record read is audited with the clerk as actor — and the person's claims
//! in the clerk's region. Ids are masked everywhere; a person insured outside the clerk's
//! region shows nothing.

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Duration;
use onething_domain::access::Scope;
use onething_domain::china_time::date_in_china;
use onething_domain::{CitizenId, RegionCode};
use onething_store::allowance::claims::LOOKBACK_DAYS;
use onething_store::shared_data::DataUse;
use onething_store::shared_records::SharedRecord;
use serde::Deserialize;

use super::chrome::{Chrome, Signed};
use super::claims::{dataset_label, fact_value, mask_ids, scope_filter};
use super::employer::{ClaimRow, claim_row};
use super::review::CLERKS;
use super::{PageError, day, html};
use crate::AppState;
use crate::auth::CurrentUser;

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
    error: Option<String>,
}

/// `GET /clerk/lookup`: the search form.
pub(crate) async fn form(Signed { user, chrome }: Signed) -> Result<Response, PageError> {
    user.require(CLERKS)?;
    let page = LookupPage {
        chrome,
        id: String::new(),
        searched: false,
        masked: String::new(),
        records: Vec::new(),
        claims: Vec::new(),
        error: None,
    };
    html(StatusCode::OK, &page)
}

/// `POST /clerk/lookup` with `id`: a form post, so the full id stays out of addresses,
/// history and access logs.
pub(crate) async fn lookup(
    State(state): State<AppState>,
    Signed { user, chrome }: Signed,
    body: Bytes,
) -> Result<Response, PageError> {
    user.require(CLERKS)?;
    let query: LookupQuery = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let id = query.id.trim().to_owned();
    let mut page = LookupPage {
        chrome,
        id: id.clone(),
        searched: !id.is_empty(),
        masked: String::new(),
        records: Vec::new(),
        claims: Vec::new(),
        error: None,
    };
    let person = match CitizenId::parse(&id) {
        Ok(person) => person,
        Err(e) => {
            page.error = Some(format!("公民身份号码：{e}"));
            return html(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    page.masked = person.masked();
    let records = shared_records(&state, &user, &person).await?;
    if in_scope(&user, &person, &records) {
        page.records = records.iter().map(record_row).collect();
        if let Some(mut filter) = scope_filter(&user, None) {
            filter.person_id = Some(person.as_str().to_owned());
            page.claims = state
                .store
                .claims(&filter)
                .await?
                .iter()
                .map(claim_row)
                .collect();
        }
    }
    // The typed id is not echoed back in full.
    page.id = page.masked.clone();
    html(StatusCode::OK, &page)
}

/// The person's shared records a window needs, each read audited.
async fn shared_records(
    state: &AppState,
    user: &CurrentUser,
    person: &CitizenId,
) -> Result<Vec<SharedRecord>, PageError> {
    let data_use = DataUse {
        actor: user.username().to_owned(),
        case_id: None,
        purpose: "窗口查询：核对参保人共享信息".to_owned(),
    };
    let today = date_in_china(state.now());
    let store = &state.store;
    let id = person.as_str();
    let mut out = Vec::new();
    out.extend(store.insurance_enrollment_on(&data_use, id, today).await?);
    out.extend(store.employment_status_on(&data_use, id, today).await?);
    let since = today - Duration::days(LOOKBACK_DAYS);
    out.extend(
        store
            .birth_certificates_of_mother(&data_use, id, since, today)
            .await?,
    );
    out.extend(
        store
            .delivery_records_of(&data_use, id)
            .await?
            .into_iter()
            .filter(|r| r.event_date.is_some_and(|d| d >= since)),
    );
    Ok(out)
}

/// Insured in the clerk's region (by the enrollment's region, else the id's).
fn in_scope(user: &CurrentUser, person: &CitizenId, records: &[SharedRecord]) -> bool {
    let Scope::Region(mine) = user.scope() else {
        return true;
    };
    let enrolled = records
        .iter()
        .find(|r| r.content["region_code"].is_string())
        .and_then(|r| r.content["region_code"].as_str())
        .and_then(|code| RegionCode::parse(code).ok());
    enrolled.unwrap_or_else(|| person.region()).is_within(*mine)
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

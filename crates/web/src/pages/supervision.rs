//! The supervisor's record of refused duplicate claims (重复申领拦截记录, RB-6), within the
//! supervisor's region (decided by the employer's registration region in the USCC).

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use onething_services::allowance as service;

use super::chrome::{Chrome, Signed};
use super::{PageError, china_time, ok};
use crate::AppState;

struct DuplicateRow {
    at: String,
    claimant: String,
    event_date: String,
    existing: String,
    employer: String,
    channel: &'static str,
    by: String,
}

#[derive(Template)]
#[template(path = "ma_duplicates.html")]
struct DuplicatesPage {
    chrome: Chrome,
    rows: Vec<DuplicateRow>,
}

/// `GET /supervision/duplicates`.
pub(crate) async fn duplicates(
    State(state): State<AppState>,
    Signed { user, chrome }: Signed,
) -> Result<Response, PageError> {
    let actor = user.actor(&state, None);
    let attempts = service::duplicate_attempts(&state.services(), &actor, 500)
        .await
        .map_err(crate::ApiError::from)?;
    let rows = attempts
        .into_iter()
        .map(|d| DuplicateRow {
            at: china_time(d.attempted_at),
            claimant: d.claimant_masked,
            event_date: d.event_date,
            existing: d.existing_claim,
            employer: d.employer_uscc,
            channel: match d.channel.as_str() {
                "window" => "窗口代办",
                "hospital" => "医院窗口",
                _ => "网上申报",
            },
            by: d.attempted_by,
        })
        .collect();
    ok(&DuplicatesPage { chrome, rows })
}

//! `/admin/calendar`: the holiday notices in force and the upload of a new year's notice
//! (administrators), through the same use case as `POST /api/v1/calendar/notices`.

use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use onething_domain::access::{Role, UseCase};
use onething_domain::china_time::date_in_china;
use onething_services::calendar::{self as service, CalendarNotice, NoticeLoaded};

use super::chrome::{Chrome, Signed};
use super::{PageError, day, html};
use crate::AppState;

struct ChangeRow {
    case_id: String,
    item: String,
    from: String,
    to: String,
}

#[derive(Template)]
#[template(path = "admin_calendar.html")]
struct CalendarPage {
    chrome: Chrome,
    years: String,
    missing: Option<i32>,
    upload_action: String,
    error: Option<String>,
    loaded: Option<String>,
    changes: Vec<ChangeRow>,
}

/// `GET /admin/calendar`.
pub(crate) async fn show(
    State(state): State<AppState>,
    Signed { user, chrome }: Signed,
) -> Result<Response, PageError> {
    user.require(&[Role::Admin])?;
    render(&state, chrome, None, StatusCode::OK)
}

/// `POST /admin/calendar` (multipart, field `file`; the CSRF token in the query).
pub(crate) async fn upload(
    State(state): State<AppState>,
    Signed { user, chrome }: Signed,
    multipart: Option<Multipart>,
) -> Result<Response, PageError> {
    let actor = super::permit(&state, &user, UseCase::LoadCalendarNotice)?;
    let text = read_file(multipart).await;
    let notice = crate::routes::calendar::notice_text(&text)
        .and_then(CalendarNotice::try_from)
        .map_err(crate::ApiError::from);
    let done = match notice {
        Ok(notice) => service::load_notice(&state.services(), &actor, notice)
            .await
            .map_err(crate::ApiError::from),
        Err(e) => Err(e),
    };
    match done {
        Ok(loaded) => render(&state, chrome, Some(Ok(loaded)), StatusCode::OK),
        Err(e) if e.status.is_client_error() => {
            let status = e.status;
            render(&state, chrome, Some(Err(e.message)), status)
        }
        Err(e) => Err(e.into()),
    }
}

async fn read_file(multipart: Option<Multipart>) -> Vec<u8> {
    let Some(mut multipart) = multipart else {
        return Vec::new();
    };
    while let Ok(Some(field)) = multipart.next_field().await {
        if field.name() == Some("file") {
            return field.bytes().await.map(|b| b.to_vec()).unwrap_or_default();
        }
    }
    Vec::new()
}

fn render(
    state: &AppState,
    chrome: Chrome,
    outcome: Option<Result<NoticeLoaded, String>>,
    status: StatusCode,
) -> Result<Response, PageError> {
    // Read after a load, so the page shows the calendar now in force.
    let calendar = state.calendar();
    let years: Vec<String> = calendar
        .published_years()
        .iter()
        .map(i32::to_string)
        .collect();
    let (loaded, changes, error) = match outcome {
        Some(Ok(loaded)) => (
            Some(format!("{:?}", loaded.years)),
            loaded
                .changes
                .into_iter()
                .map(|c| ChangeRow {
                    case_id: c.case_id,
                    item: c.item,
                    from: day(Some(c.from)),
                    to: super::due_day(Some(c.to), c.provisional),
                })
                .collect(),
            None,
        ),
        Some(Err(message)) => (None, Vec::new(), Some(message)),
        None => (None, Vec::new(), None),
    };
    html(
        status,
        &CalendarPage {
            missing: calendar.next_notice_missing(date_in_china(state.now())),
            chrome,
            years: years.join("、"),
            // The CSRF token is the form's first field, never in the address.
            upload_action: "/admin/calendar".to_owned(),
            error,
            loaded,
            changes,
        },
    )
}

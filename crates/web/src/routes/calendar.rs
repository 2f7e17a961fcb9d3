//! `POST /api/v1/calendar/notices` (administrators): a year's holiday notice loaded at run
//! time, through the same use case as the `/admin/calendar` page
//! (`services::calendar::load_notice`).

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use chrono::NaiveDate;
use onething_domain::access::UseCase;
use onething_services::calendar::{self as service, CalendarNotice, NoticeLoaded};
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::CurrentUser;
use crate::{ApiError, AppState};

#[derive(OpenApi)]
#[openapi(tags((name = "calendar", description = "the working-day calendar: holiday notices loaded at run time")))]
struct CalendarDoc;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(CalendarDoc::openapi()).routes(routes!(load_notice))
}

/// One provisional due date recomputed by the load.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Recomputed {
    case_id: String,
    item: String,
    from: NaiveDate,
    to: NaiveDate,
    /// Still provisional: the walk reaches yet another year without a notice.
    provisional: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct NoticeLoadedBody {
    /// The notice years added or replaced.
    years: Vec<i32>,
    /// Every provisional due date recomputed (each also a `DueDateRecomputed` case event).
    recomputed: Vec<Recomputed>,
}

impl From<NoticeLoaded> for NoticeLoadedBody {
    fn from(loaded: NoticeLoaded) -> Self {
        NoticeLoadedBody {
            years: loaded.years,
            recomputed: loaded
                .changes
                .into_iter()
                .map(|c| Recomputed {
                    case_id: c.case_id,
                    item: c.item,
                    from: c.from,
                    to: c.to,
                    provisional: c.provisional,
                })
                .collect(),
        }
    }
}

/// The body as the notice's text: it must be UTF-8 (a JSON file is).
pub(crate) fn notice_text(bytes: &[u8]) -> Result<String, onething_services::Invalid> {
    String::from_utf8(bytes.to_vec()).map_err(|_| {
        onething_services::Invalid::new(
            "INVALID_NOTICE",
            "notice",
            "节假日安排文件（notice）须为 UTF-8 编码的 JSON",
        )
    })
}

/// Loads a holiday notice (the shape of `data/calendar/cn-holidays.json`, sent as the
/// request body): validated against the calendar in force, kept in the database, in force
/// at once, every provisional due date recomputed, the load audited.
#[utoipa::path(post, path = "/calendar/notices", tag = "calendar",
    request_body(content = String, content_type = "application/json",
        description = "a notice file: {\"years\": {\"2027\": {\"notice_urls\": [...], \"off_days\": [...], \"working_days\": [...]}}}"),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = NoticeLoadedBody),
              (status = 400, body = crate::error::ErrorBody, description = "INVALID_NOTICE or MISSING_FIELD (field `notice`)"),
              (status = 401, body = crate::error::ErrorBody, description = "UNAUTHENTICATED"),
              (status = 403, body = crate::error::ErrorBody, description = "FORBIDDEN: administrators only")))]
pub(crate) async fn load_notice(
    State(state): State<AppState>,
    user: CurrentUser,
    body: Bytes,
) -> Result<Json<NoticeLoadedBody>, ApiError> {
    let actor = user.permit(&state, UseCase::LoadCalendarNotice)?;
    let notice = CalendarNotice::try_from(notice_text(&body)?)?;
    let loaded = service::load_notice(&state.services(), &actor, notice).await?;
    Ok(Json(loaded.into()))
}

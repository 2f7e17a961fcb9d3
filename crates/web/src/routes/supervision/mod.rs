//! Supervision over HTTP (contract.md "Supervision"; docs/supervision.md): the measures of
//! a period, every bad rating's rectification and the moves that take it to its revisit,
//! window visits on a case, and complaints. Each handler parses, calls the one use case in
//! `onething_services::supervision` (which checks the policy table and the scope) and
//! renders its JSON.

mod credit;
mod home_visits;
mod queue;
mod reports;
mod views;

pub(crate) use queue::ticket as ticket_view;
pub(crate) use views::{
    claim_credit_flags, credit_flag, credit_flag_line, labelled, masked_subject,
};

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use onething_domain::access::UseCase;
use onething_domain::china_time::date_in_china;
use onething_domain::ids::{CaseId, ComplaintId, RectificationId};
use onething_domain::supervision::RectificationStatus;
use onething_services::supervision::{
    self as service, ComplaintInput, FileComplaint, Note, NoteInput, Period, PeriodInput, Revisit,
    RevisitInput, VisitInput, WindowVisit,
};
use serde::Deserialize;
use serde_json::Value;
use utoipa::{IntoParams, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::CurrentUser;
use crate::auth::json::parse_json;
use crate::extract::ApiPath;
use crate::extract::ApiQuery;
use crate::routes::newborn::idempotency_key;
use crate::{ApiError, AppState};
use onething_services::{Actor, ServiceError, Services};

#[derive(OpenApi)]
#[openapi(tags((name = "supervision", description = "好差评 rectifications, window visits, complaints and the measures of seed 004")))]
struct SupervisionDoc;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(SupervisionDoc::openapi())
        .routes(routes!(measures))
        .routes(routes!(rectifications))
        .routes(routes!(investigate))
        .routes(routes!(rectify))
        .routes(routes!(revisit))
        .routes(routes!(record_visit, visits))
        .routes(routes!(queue::issue_ticket, queue::window_queue))
        .routes(routes!(queue::serve_ticket))
        .routes(routes!(queue::miss_ticket))
        .routes(routes!(
            home_visits::publish_home_visit_slot,
            home_visits::home_visit_office_slots
        ))
        .routes(routes!(home_visits::home_visit_case_slots))
        .routes(routes!(home_visits::book_home_visit))
        .routes(routes!(home_visits::home_visit_bookings))
        .routes(routes!(home_visits::cancel_home_visit))
        .routes(routes!(home_visits::record_home_visit))
        .routes(routes!(file_complaint, complaints))
        .routes(routes!(answer_complaint))
        .routes(routes!(urge))
        .routes(routes!(credit::record_credit, credit::credit_records))
        .routes(routes!(credit::remove_credit))
        .routes(routes!(credit::change_item))
        .routes(routes!(reports::reports))
        .routes(routes!(reports::report))
        .routes(routes!(reports::report_pdf))
        .routes(routes!(reports::report_xlsx))
}

/// An optional note as a body (催办, a home visit): none, `null`, `{}` or `{"note"}`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct OptionalNote {
    #[schema(max_length = 2000)]
    note: Option<String>,
}

impl OptionalNote {
    /// The note of an optional body: blank counts as none; a note given is checked as any
    /// note is (at most 2,000 characters, named `note` when refused).
    pub(crate) fn read(headers: &HeaderMap, body: &Bytes) -> Result<Option<String>, ApiError> {
        let input: OptionalNote = crate::auth::json::optional_json(headers, body)?;
        match input.note {
            Some(text) if !text.trim().is_empty() => {
                Ok(Some(Note::try_from(NoteInput { note: Some(text) })?.0))
            }
            _ => Ok(None),
        }
    }
}

/// 催办: a supervisor urges an open item of a case in his region (`{"note"}` optional); the
/// urge is recorded on the case (step `urged`) and audited. A finished item → `409`.
#[utoipa::path(post, path = "/cases/{id}/items/{item}/urge", tag = "supervision",
    params(("id" = CaseId, Path, description = "case id"), ("item" = String, Path, description = "item code")),
    request_body(content = Option<OptionalNote>, description = "optional: `{\"note\"}`"),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = Object), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody)))]
pub(crate) async fn urge(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((case_id, item)): ApiPath<(CaseId, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let actor = user.actor(&state, idempotency_key(&headers));
    actor.authorize(onething_domain::access::UseCase::UrgeItem)?;
    let note = OptionalNote::read(&headers, &body)?;
    let record = service::urge(&state.services(), &actor, case_id.as_str(), &item, note).await?;
    Ok(Json(serde_json::json!({
        "case_id": record.id, "item": item, "urged_at": actor.at, "case_version": record.version,
    })))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct MeasuresQuery {
    /// First day of the period (YYYY-MM-DD).
    #[param(value_type = String, required = true, format = Date)]
    from: Option<String>,
    /// Last day of the period, included (at most ten years after `from`).
    #[param(value_type = String, required = true, format = Date)]
    to: Option<String>,
    /// GB/T 2260 region inside the supervisor's (default: the supervisor's own).
    region: Option<String>,
}

/// The measures of the cases that ended in the period (shares 0–1, `null` over no
/// cases), with the catalogue's shares beside them (an addition).
#[utoipa::path(get, path = "/supervision/measures", tag = "supervision",
    params(MeasuresQuery),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = Object), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn measures(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<MeasuresQuery>,
) -> Result<Json<service::MeasuresReport>, ApiError> {
    let actor = user.actor(&state, None);
    actor.authorize(onething_domain::access::UseCase::ViewMeasures)?;
    let period = Period::try_from(PeriodInput {
        from: query.from,
        to: query.to,
        region: query.region,
    })?;
    Ok(Json(
        service::measures(&state.services(), &actor, period).await?,
    ))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct RectificationQuery {
    /// `open`, `rectified` or `revisited` (default: all).
    #[param(pattern = "^(open|rectified|revisited)?$")]
    status: Option<String>,
}

/// Every bad rating (score ≤ 2) with its owner, `due_on` and `status` (`open`,
/// `rectified`, `revisited`): a supervisor's region; an officer's department (an addition).
#[utoipa::path(get, path = "/supervision/rectifications", tag = "supervision",
    params(RectificationQuery),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = [Object], description = "the rectifications"),
              (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)))]
pub(crate) async fn rectifications(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<RectificationQuery>,
) -> Result<Json<Vec<Value>>, ApiError> {
    let actor = user.actor(&state, None);
    let status = match query
        .status
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(s) => Some(RectificationStatus::parse(s).ok_or_else(|| {
            ApiError::bad_request(
                "INVALID_ENUM",
                "status 须为 open、rectified、revisited 之一",
                "status",
            )
        })?),
    };
    let tasks = service::rectifications(&state.services(), &actor, status).await?;
    let today = actor.today();
    Ok(Json(
        tasks
            .iter()
            .map(|t| views::rectification(t, today))
            .collect(),
    ))
}

pub(super) async fn note_of(headers: &HeaderMap, body: &Bytes) -> Result<Note, ApiError> {
    let input: NoteInput = parse_json(headers, body)?;
    Ok(Note::try_from(input)?)
}

/// The shape of every move that takes a `{"note"}` (investigate, rectify, answer a
/// complaint, remove a credit record): the policy table first, then the note, then the use
/// case; answers its result and the actor.
pub(super) async fn noted<T>(
    state: &AppState,
    user: &CurrentUser,
    use_case: UseCase,
    (headers, body): (&HeaderMap, &Bytes),
    action: impl AsyncFnOnce(&Services, &Actor, Note) -> Result<T, ServiceError>,
) -> Result<(T, Actor), ApiError> {
    let actor = user.permit(state, use_case)?;
    let note = note_of(headers, body).await?;
    let out = action(&state.services(), &actor, note).await?;
    Ok((out, actor))
}

/// The owner department's officer records the investigation (`{"note"}`); amendable
/// while the task is open.
#[utoipa::path(post, path = "/supervision/rectifications/{id}/investigate", tag = "supervision",
    params(("id" = RectificationId, Path, description = "rectification id")),
    request_body = onething_services::supervision::NoteInput,
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = Object), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody, description = "INVALID_STATE")))]
pub(crate) async fn investigate(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<RectificationId>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let (t, actor) = noted(
        &state,
        &user,
        UseCase::HandleRectification,
        (&headers, &body),
        async |svc, actor, note| service::investigate(svc, actor, id.as_str(), note).await,
    )
    .await?;
    Ok(Json(views::rectification(&t, actor.today())))
}

/// The owner's officer records the rectification (`{"note"}`) after the investigation:
/// `rectified`.
#[utoipa::path(post, path = "/supervision/rectifications/{id}/rectify", tag = "supervision",
    params(("id" = RectificationId, Path, description = "rectification id")),
    request_body = onething_services::supervision::NoteInput,
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = Object), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody, description = "INVALID_STATE")))]
pub(crate) async fn rectify(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<RectificationId>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let (t, actor) = noted(
        &state,
        &user,
        UseCase::HandleRectification,
        (&headers, &body),
        async |svc, actor, note| service::rectify(svc, actor, id.as_str(), note).await,
    )
    .await?;
    Ok(Json(views::rectification(&t, actor.today())))
}

/// The supervisor records the revisit (`{"outcome": "satisfied"|"unsatisfied"|
/// "unreachable", "note"}`) of a rectified task: `revisited`, closed.
#[utoipa::path(post, path = "/supervision/rectifications/{id}/revisit", tag = "supervision",
    params(("id" = RectificationId, Path, description = "rectification id")),
    request_body = onething_services::supervision::RevisitInput,
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = Object), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody, description = "INVALID_STATE")))]
pub(crate) async fn revisit(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<RectificationId>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let actor = user.permit(
        &state,
        onething_domain::access::UseCase::RevisitRectification,
    )?;
    let input: RevisitInput = parse_json(&headers, &body)?;
    let visit = Revisit::try_from(input)?;
    let t = service::revisit(&state.services(), &actor, id.as_str(), visit).await?;
    Ok(Json(views::rectification(&t, actor.today())))
}

/// A clerk records a window visit on a case in the clerk's region (`{"kind":
/// "submission"|"supplement"|"pickup"|"consultation", "priority", "note"}`); the same
/// `Idempotency-Key` records nothing twice.
#[utoipa::path(post, path = "/cases/{id}/visits", tag = "supervision",
    params(("id" = CaseId, Path, description = "case id")),
    request_body = onething_services::supervision::VisitInput,
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 201, body = Object), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn record_visit(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(case_id): ApiPath<CaseId>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let actor = user.actor(&state, idempotency_key(&headers));
    actor.authorize(onething_domain::access::UseCase::RecordVisit)?;
    let input: VisitInput = parse_json(&headers, &body)?;
    let visit = WindowVisit::try_from(input)?;
    let v = service::record_visit(&state.services(), &actor, case_id.as_str(), visit).await?;
    Ok((StatusCode::CREATED, Json(views::visit(&v))))
}

/// A case's window visits (跑动次数).
#[utoipa::path(get, path = "/cases/{id}/visits", tag = "supervision",
    params(("id" = CaseId, Path, description = "case id")),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = [Object], description = "the case's visits"),
              (status = 400, body = crate::error::ErrorBody, description = "INVALID_ID"),
              (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn visits(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(case_id): ApiPath<CaseId>,
) -> Result<Json<Vec<Value>>, ApiError> {
    let actor = user.actor(&state, None);
    let list = service::visits_of_case(&state.services(), &actor, case_id.as_str()).await?;
    Ok(Json(list.iter().map(views::visit).collect()))
}

/// A citizen or employer files a complaint (`{"subject": "case"|"item"|"office",
/// "case_id", "item", "region", "body"}`); answer due in working days.
#[utoipa::path(post, path = "/complaints", tag = "supervision",
    request_body(content = Object, description = "subject, case_id, item, region, body"),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 201, body = Object), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn file_complaint(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let actor = user.permit(&state, onething_domain::access::UseCase::FileComplaint)?;
    let input: ComplaintInput = parse_json(&headers, &body)?;
    let complaint = FileComplaint::try_from(input)?;
    let c = service::file_complaint(&state.services(), &actor, complaint).await?;
    Ok((
        StatusCode::CREATED,
        Json(views::complaint(&c, actor.today())),
    ))
}

/// Complaints: one's own (citizens, employers), a region's (clerks, supervisors), all
/// (administrators); open ones first.
#[utoipa::path(get, path = "/complaints", tag = "supervision",
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = [Object], description = "the complaints"), (status = 403, body = crate::error::ErrorBody)))]
pub(crate) async fn complaints(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Vec<Value>>, ApiError> {
    let actor = user.actor(&state, None);
    let list = service::complaints(&state.services(), &actor).await?;
    let today = date_in_china(actor.at);
    Ok(Json(
        list.iter().map(|c| views::complaint(c, today)).collect(),
    ))
}

/// The office answers a complaint once (`{"note"}`): `409 INVALID_STATE` the second time.
#[utoipa::path(post, path = "/complaints/{id}/answer", tag = "supervision",
    params(("id" = ComplaintId, Path, description = "complaint id")),
    request_body = onething_services::supervision::NoteInput,
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = Object), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody)))]
pub(crate) async fn answer_complaint(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<ComplaintId>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let (c, actor) = noted(
        &state,
        &user,
        UseCase::AnswerComplaint,
        (&headers, &body),
        async |svc, actor, note| service::answer_complaint(svc, actor, id.as_str(), note).await,
    )
    .await?;
    Ok(Json(views::complaint(&c, actor.today())))
}

//! Home-visit appointments over HTTP (预约上门服务, SV-4; docs/supervision.md): slots
//! published per office, booked for a case by its applicant or a clerk on her behalf,
//! cancelled, and the visit recorded on the case. Each handler parses and calls the one use
//! case in `onething_services::supervision`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use onething_domain::access::{Applicant, UseCase};
use onething_domain::ids::BookingId;
use onething_domain::ids::CaseId;
use onething_services::supervision::{self as service, Book, BookingInput, PublishSlot, SlotInput};
use onething_store::supervision::{Booking, Slot};
use serde_json::{Value, json};

use crate::auth::CurrentUser;
use crate::auth::json::parse_json;
use crate::extract::ApiPath;
use crate::{ApiError, AppState};

pub(crate) fn slot(s: &Slot) -> Value {
    json!({
        "id": s.id, "region": s.region, "date": s.day, "starts": s.starts, "ends": s.ends,
        "capacity": s.capacity, "booked": s.booked, "free": s.capacity - s.booked,
        "published_by": s.published_by, "published_at": s.published_at,
    })
}

pub(crate) fn booking(b: &Booking) -> Value {
    json!({
        "id": b.id,
        "slot": slot(&b.slot),
        "case_id": b.case_id,
        "applicant_masked": Applicant::parse(&b.applicant).masked().id_masked,
        "address": b.address,
        "phone": b.phone,
        "booked_by": b.booked_by,
        "booked_at": b.booked_at,
        "status": b.status,
        "cancelled_by": b.cancelled_by,
        "cancelled_at": b.cancelled_at,
        "visit_id": b.visit_id,
    })
}

/// An office publishes a home-visit slot (`{"date", "starts", "ends", "capacity",
/// "region"}`): a working day, not started, 1–20 places.
#[utoipa::path(post, path = "/home-visits/slots", tag = "supervision",
    request_body = onething_services::supervision::SlotInput,
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 201, body = Object), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody)))]
pub(crate) async fn publish_home_visit_slot(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let actor = user.permit(&state, UseCase::PublishHomeVisitSlots)?;
    let input: SlotInput = parse_json(&headers, &body)?;
    let s = service::publish_slot(&state.services(), &actor, PublishSlot::try_from(input)?).await?;
    Ok((StatusCode::CREATED, Json(slot(&s))))
}

/// The office's slots from today on.
#[utoipa::path(get, path = "/home-visits/slots", tag = "supervision",
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = [Object]), (status = 403, body = crate::error::ErrorBody)))]
pub(crate) async fn home_visit_office_slots(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Vec<Value>>, ApiError> {
    let actor = user.permit(&state, UseCase::PublishHomeVisitSlots)?;
    let list = service::office_slots(&state.services(), &actor).await?;
    Ok(Json(list.iter().map(slot).collect()))
}

/// The slots a case can be booked into (its office's, not started).
#[utoipa::path(get, path = "/cases/{id}/home-visit-slots", tag = "supervision",
    params(("id" = CaseId, Path, description = "case id")),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = [Object]), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn home_visit_case_slots(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(case_id): ApiPath<CaseId>,
) -> Result<Json<Vec<Value>>, ApiError> {
    let actor = user.permit(&state, UseCase::ViewHomeVisits)?;
    let list = service::slots_for_case(&state.services(), &actor, case_id.as_str()).await?;
    Ok(Json(list.iter().map(slot).collect()))
}

/// Books a home visit for a case (`{"slot_id", "address", "phone"}`): full → `409
/// SLOT_FULL`, a live booking already → `409 ALREADY_BOOKED`.
#[utoipa::path(post, path = "/cases/{id}/home-visits", tag = "supervision",
    params(("id" = CaseId, Path, description = "case id")),
    request_body = onething_services::supervision::BookingInput,
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 201, body = Object), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody)))]
pub(crate) async fn book_home_visit(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(case_id): ApiPath<CaseId>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let actor = user.permit(&state, UseCase::BookHomeVisit)?;
    let input: BookingInput = parse_json(&headers, &body)?;
    let b = service::book_home_visit(
        &state.services(),
        &actor,
        case_id.as_str(),
        Book::try_from(input)?,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(booking(&b))))
}

/// The bookings the user sees: a person her own, a clerk or supervisor the office's.
#[utoipa::path(get, path = "/home-visits", tag = "supervision",
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = [Object]), (status = 403, body = crate::error::ErrorBody)))]
pub(crate) async fn home_visit_bookings(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Vec<Value>>, ApiError> {
    let actor = user.permit(&state, UseCase::ViewHomeVisits)?;
    let list = service::home_visits(&state.services(), &actor).await?;
    Ok(Json(list.iter().map(booking).collect()))
}

/// Cancels a live booking (its applicant or a clerk of the office); the place is freed.
#[utoipa::path(post, path = "/home-visits/{id}/cancel", tag = "supervision",
    params(("id" = BookingId, Path, description = "booking id")),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = Object), (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub(crate) async fn cancel_home_visit(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<BookingId>,
) -> Result<Json<Value>, ApiError> {
    let actor = user.permit(&state, UseCase::BookHomeVisit)?;
    let b = service::cancel_home_visit(&state.services(), &actor, id.as_str()).await?;
    Ok(Json(booking(&b)))
}

/// The clerk records the home visit on the case (`{"note"}`, optional): a `home_visit`
/// case visit, no run for the applicant.
#[utoipa::path(post, path = "/home-visits/{id}/visit", tag = "supervision",
    params(("id" = BookingId, Path, description = "booking id")),
    request_body(content = Option<super::OptionalNote>, description = "optional: `{\"note\"}`"),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = Object), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody)))]
pub(crate) async fn record_home_visit(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<BookingId>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let actor = user.permit(&state, UseCase::RecordVisit)?;
    let note = super::OptionalNote::read(&headers, &body)?;
    let b = service::record_home_visit(&state.services(), &actor, id.as_str(), note).await?;
    Ok(Json(booking(&b)))
}

//! The service hall's 取号/叫号 queue over HTTP (SV-4; docs/supervision.md): issue a ticket,
//! read the office's queue (priority first), serve a ticket (its case's visit recorded with
//! the priority). Each handler parses and calls the one use case in
//! `onething_services::supervision`; citizen ids are masked in every answer.

use crate::extract::ApiPath;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use onething_domain::CitizenId;
use onething_domain::ids::TicketId;
use onething_domain::supervision::PriorityReason;
use onething_domain::supervision::queue::age_on;
use onething_services::supervision::{self as service, Serve, ServeInput, TakeTicket, TicketInput};
use onething_store::supervision::Ticket;
use serde_json::{Value, json};

use crate::auth::CurrentUser;
use crate::auth::json::parse_json;
use crate::{ApiError, AppState};

/// A ticket as the API and the page show it: the id masked, the age on the ticket's day.
pub(crate) fn ticket(t: &Ticket) -> Value {
    let id = CitizenId::parse(&t.citizen_id).ok();
    let reason = t.priority_reason.as_deref().and_then(PriorityReason::parse);
    json!({
        "id": t.id,
        "number": t.number,
        "office": t.region,
        "day": t.day,
        "citizen_id_masked": id.as_ref().map(CitizenId::masked),
        "age": id.as_ref().map(|c| age_on(c.birth_date(), t.day)),
        "name": t.name,
        "case_id": t.case_id,
        "disabled": t.disabled,
        "priority": t.priority(),
        "priority_reason": t.priority_reason,
        "priority_label": reason.map(PriorityReason::label_zh),
        "issued_at": t.issued_at,
        "issued_by": t.issued_by,
        "status": t.status,
        "served_at": t.served_at,
        "served_by": t.served_by,
        "visit_id": t.visit_id,
    })
}

/// 取号: a clerk issues a ticket at his office (`{"citizen_id", "name", "case_id",
/// "disabled"}`); the elderly (age from the id against the dated `elderly_age`) and the
/// disabled get a priority ticket (`Y…`), others an ordinary one (`A…`).
#[utoipa::path(post, path = "/window/queue", tag = "supervision",
    request_body = onething_services::supervision::TicketInput,
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 201, body = Object), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn issue_ticket(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let actor = user.permit(&state, onething_domain::access::UseCase::WindowQueue)?;
    let input: TicketInput = parse_json(&headers, &body)?;
    let take = TakeTicket::try_from(input)?;
    let t = service::issue_ticket(&state.services(), &actor, take).await?;
    Ok((StatusCode::CREATED, Json(ticket(&t))))
}

/// 叫号: the office's waiting tickets of today in calling order (priority first, then the
/// order taken), with the elderly age in force and its source.
#[utoipa::path(get, path = "/window/queue", tag = "supervision",
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = Object), (status = 403, body = crate::error::ErrorBody)))]
pub(crate) async fn window_queue(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Value>, ApiError> {
    let actor = user.permit(&state, onething_domain::access::UseCase::WindowQueue)?;
    let q = service::window_queue(&state.services(), &actor).await?;
    Ok(Json(json!({
        "office": q.office,
        "day": q.day,
        "elderly_age": q.elderly_age,
        "elderly_age_source": q.elderly_age_source,
        "waiting": q.waiting.iter().map(ticket).collect::<Vec<_>>(),
        "missed": q.missed.iter().map(ticket).collect::<Vec<_>>(),
    })))
}

/// 过号: the visitor called is not there; the waiting ticket moves to the day's missed
/// list (`missed`), from which it is served when he comes back. Not waiting → 409.
#[utoipa::path(post, path = "/window/queue/{id}/miss", tag = "supervision",
    params(("id" = TicketId, Path, description = "ticket id")),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = Object), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody)))]
pub(crate) async fn miss_ticket(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<TicketId>,
) -> Result<Json<Value>, ApiError> {
    let actor = user.permit(&state, onething_domain::access::UseCase::WindowQueue)?;
    let t = service::miss_ticket(&state.services(), &actor, id.as_str()).await?;
    Ok(Json(ticket(&t)))
}

/// Serves a waiting or missed ticket (`{"kind", "case_id", "note"}`): for a case, its window visit
/// is recorded with the ticket's priority. Served already → `409 INVALID_STATE`.
#[utoipa::path(post, path = "/window/queue/{id}/serve", tag = "supervision",
    params(("id" = TicketId, Path, description = "ticket id")),
    request_body = onething_services::supervision::ServeInput,
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = Object), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody)))]
pub(crate) async fn serve_ticket(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<TicketId>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let actor = user.permit(&state, onething_domain::access::UseCase::WindowQueue)?;
    let input: ServeInput = parse_json(&headers, &body)?;
    let serve = Serve::try_from(input)?;
    let t = service::serve_ticket(&state.services(), &actor, id.as_str(), serve).await?;
    Ok(Json(ticket(&t)))
}

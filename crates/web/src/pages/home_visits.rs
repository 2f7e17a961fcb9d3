//! 预约上门服务 on the page (`/home-visits`, SV-4): the office's clerks and supervisors
//! publish slots and see the office's bookings (a clerk cancels one or records the visit);
//! a person sees her bookings and cancels; with `?case=ID`, the case's applicant or a clerk
//! on her behalf picks a free slot and books it. The same use cases as the API.

use crate::extract::PagePath;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::response::Response;
use onething_domain::access::UseCase;
use onething_domain::ids::BookingId;
use onething_services::ServiceError;
use onething_services::supervision::{self as service, Book, BookingInput, PublishSlot, SlotInput};
use onething_store::supervision::{Booking, Slot};
use serde::Deserialize;

use super::chrome::{Chrome, Signed, redirect_with};
use super::{PageError, china_time, ok, permit};
use crate::{ApiError, AppState};

struct SlotRow {
    id: String,
    when: String,
    capacity: i64,
    free: i64,
}

struct BookingRow {
    id: String,
    when: String,
    case_id: String,
    address: String,
    status: &'static str,
    live: bool,
    booked: String,
}

#[derive(Template)]
#[template(path = "home_visits.html")]
struct HomeVisitsPage {
    chrome: Chrome,
    may_publish: bool,
    may_record: bool,
    office_slots: Vec<SlotRow>,
    case_id: String,
    case_slots: Vec<SlotRow>,
    bookings: Vec<BookingRow>,
}

fn slot_row(s: &Slot) -> SlotRow {
    SlotRow {
        id: s.id.clone(),
        when: format!("{} {}–{}", s.day, s.starts, s.ends),
        capacity: s.capacity,
        free: s.capacity - s.booked,
    }
}

fn booking_row(b: &Booking) -> BookingRow {
    BookingRow {
        id: b.id.clone(),
        when: format!("{} {}–{}", b.slot.day, b.slot.starts, b.slot.ends),
        case_id: b.case_id.clone(),
        address: b.address.clone(),
        status: match b.status.as_str() {
            "booked" => "已预约",
            "cancelled" => "已取消",
            _ => "已上门办理",
        },
        live: b.status == "booked",
        booked: format!("{}（{}）", china_time(b.booked_at), b.booked_by),
    }
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ShowQuery {
    #[serde(default)]
    case: String,
}

/// `GET /home-visits[?case=ID]`.
pub(crate) async fn show(
    State(state): State<AppState>,
    Signed { user, chrome }: Signed,
    Query(q): Query<ShowQuery>,
) -> Result<Response, PageError> {
    let actor = permit(&state, &user, UseCase::ViewHomeVisits)?;
    let svc = state.services();
    let may_publish = UseCase::PublishHomeVisitSlots.permits(user.role());
    let office_slots = if may_publish {
        service::office_slots(&svc, &actor)
            .await
            .map_err(ApiError::from)?
    } else {
        Vec::new()
    };
    let case_id = q.case.trim().to_owned();
    let case_slots = if case_id.is_empty() || !UseCase::BookHomeVisit.permits(user.role()) {
        Vec::new()
    } else {
        service::slots_for_case(&svc, &actor, &case_id)
            .await
            .map_err(ApiError::from)?
    };
    let bookings = service::home_visits(&svc, &actor)
        .await
        .map_err(ApiError::from)?;
    ok(&HomeVisitsPage {
        chrome,
        may_publish,
        may_record: UseCase::RecordVisit.permits(user.role()),
        office_slots: office_slots.iter().map(slot_row).collect(),
        case_id,
        case_slots: case_slots
            .iter()
            .filter(|s| s.booked < s.capacity)
            .map(slot_row)
            .collect(),
        bookings: bookings.iter().map(booking_row).collect(),
    })
}

fn invalid(e: onething_services::Invalid) -> ApiError {
    ApiError::from(ServiceError::from(e))
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct SlotForm {
    #[serde(default)]
    date: String,
    #[serde(default)]
    starts: String,
    #[serde(default)]
    ends: String,
    #[serde(default)]
    capacity: String,
    /// An office inside the publisher's jurisdiction (blank: his own).
    #[serde(default)]
    region: String,
}

/// `POST /home-visits/slots`: publish a slot for the office.
pub(crate) async fn publish(
    State(state): State<AppState>,
    Signed { user, .. }: Signed,
    body: Bytes,
) -> Result<Response, PageError> {
    let actor = permit(&state, &user, UseCase::PublishHomeVisitSlots)?;
    let form: SlotForm = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let capacity = form.capacity.trim().parse::<i64>().map_err(|_| {
        invalid(onething_services::Invalid::new(
            "OUT_OF_RANGE",
            "capacity",
            "名额（capacity）须为 1 至 20",
        ))
    })?;
    let slot = PublishSlot::try_from(SlotInput {
        date: Some(form.date),
        starts: Some(form.starts),
        ends: Some(form.ends),
        capacity: Some(capacity),
        region: Some(form.region),
    })
    .map_err(invalid)?;
    service::publish_slot(&state.services(), &actor, slot)
        .await
        .map_err(ApiError::from)?;
    Ok(redirect_with("/home-visits", None))
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct BookForm {
    #[serde(default)]
    case_id: String,
    #[serde(default)]
    slot_id: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    phone: String,
}

/// `POST /home-visits/book`: book a slot for a case.
pub(crate) async fn book(
    State(state): State<AppState>,
    Signed { user, .. }: Signed,
    body: Bytes,
) -> Result<Response, PageError> {
    let actor = permit(&state, &user, UseCase::BookHomeVisit)?;
    let form: BookForm = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let book = Book::try_from(BookingInput {
        slot_id: Some(form.slot_id),
        address: Some(form.address),
        phone: Some(form.phone),
    })
    .map_err(invalid)?;
    let b = service::book_home_visit(&state.services(), &actor, form.case_id.trim(), book)
        .await
        .map_err(ApiError::from)?;
    Ok(redirect_with(&format!("/home-visits#b-{}", b.id), None))
}

/// `POST /home-visits/{id}/cancel`.
pub(crate) async fn cancel(
    State(state): State<AppState>,
    Signed { user, .. }: Signed,
    PagePath(id): PagePath<BookingId>,
) -> Result<Response, PageError> {
    let actor = permit(&state, &user, UseCase::BookHomeVisit)?;
    service::cancel_home_visit(&state.services(), &actor, id.as_str())
        .await
        .map_err(ApiError::from)?;
    Ok(redirect_with(&format!("/home-visits#b-{id}"), None))
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct VisitForm {
    #[serde(default)]
    note: String,
}

/// `POST /home-visits/{id}/visit`: the clerk records the visit on the case.
pub(crate) async fn visit(
    State(state): State<AppState>,
    Signed { user, .. }: Signed,
    PagePath(id): PagePath<BookingId>,
    body: Bytes,
) -> Result<Response, PageError> {
    let actor = permit(&state, &user, UseCase::RecordVisit)?;
    let form: VisitForm = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let note = Some(form.note.trim().to_owned()).filter(|n| !n.is_empty());
    service::record_home_visit(&state.services(), &actor, id.as_str(), note)
        .await
        .map_err(ApiError::from)?;
    Ok(redirect_with(&format!("/home-visits#b-{id}"), None))
}

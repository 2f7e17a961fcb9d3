//! Home-visit appointments (预约上门服务, SV-4). An office's clerk or supervisor publishes
//! slots (a working day, a time range, a capacity); the applicant of a case — or a clerk of
//! the region on behalf of an elderly or disabled person — books one for the case and may
//! cancel it; the clerk goes and records the visit on the case (a case visit of kind
//! `home_visit`, no run for the applicant). Overbooking and a second live booking of a case
//! are refused by the database (409); booking and cancelling tell the applicant in-site and
//! by SMS (the notifications outbox) in the same transaction.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use onething_domain::RegionCode;
use onething_domain::access::{Applicant, Scope, UseCase};
use onething_domain::calendar::CalendarError;
use onething_domain::china_time::china_offset;
use onething_domain::supervision::home_visit::{SlotShape, check_not_started, check_publish};
use onething_store::StoreError;
use onething_store::allowance::steps::{NewNotification, Recipient};
use onething_store::cases::CaseRecord;
use onething_store::supervision::{
    BOOKING_EXISTS, Booking, NewBooking, NewVisit, SLOT_EXISTS, SLOT_FULL, Slot,
};
use serde::Deserialize;
use serde_json::json;

use super::ratings::own_case;
use super::{audit, fresh_id, in_jurisdiction, jurisdiction};
use crate::input::{date, optional_text, required_text};
use crate::{Actor, Invalid, ServiceError, Services};

/// A slot as sent: `{"date", "starts": "HH:MM", "ends": "HH:MM", "capacity", "region"}`
/// (`region` optional: the publisher's own).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SlotInput {
    #[cfg_attr(feature = "openapi", schema(value_type = String, required = true, format = Date))]
    pub date: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, required = true, pattern = "^[0-2][0-9]:[0-5][0-9]$"))]
    pub starts: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, required = true, pattern = "^[0-2][0-9]:[0-5][0-9]$"))]
    pub ends: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = i64, required = true, minimum = 1, maximum = 20))]
    pub capacity: Option<i64>,
    pub region: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishSlot {
    pub shape: SlotShape,
    pub region: Option<RegionCode>,
}

fn time(value: Option<&str>, field: &str, label: &str) -> Result<NaiveTime, Invalid> {
    let text = required_text(value, field, label, 5)?;
    NaiveTime::parse_from_str(&text, "%H:%M").map_err(|_| {
        Invalid::new(
            "INVALID_FORMAT",
            field,
            format!("{label}（{field}）须为 HH:MM，如 09:30"),
        )
    })
}

impl TryFrom<SlotInput> for PublishSlot {
    type Error = Invalid;

    fn try_from(input: SlotInput) -> Result<PublishSlot, Invalid> {
        let day = date(input.date.as_deref(), "date", "日期")?;
        let starts = time(input.starts.as_deref(), "starts", "开始时间")?;
        let ends = time(input.ends.as_deref(), "ends", "结束时间")?;
        let capacity = input
            .capacity
            .ok_or_else(|| Invalid::missing("capacity", "名额（capacity）不能为空"))?;
        let capacity = u32::try_from(capacity).unwrap_or(0);
        let region = match optional_text(input.region.as_deref()) {
            Some(r) => Some(RegionCode::parse(&r).map_err(|_| {
                Invalid::new(
                    "INVALID_REGION",
                    "region",
                    "地区（region）须为6位行政区划代码",
                )
            })?),
            None => None,
        };
        Ok(PublishSlot {
            shape: SlotShape {
                day,
                starts,
                ends,
                capacity,
            },
            region,
        })
    }
}

/// A booking as sent: `{"slot_id", "address", "phone"}` (`phone` optional).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BookingInput {
    #[cfg_attr(feature = "openapi", schema(value_type = String, required = true, min_length = 1))]
    pub slot_id: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, required = true, min_length = 1, max_length = 200))]
    pub address: Option<String>,
    #[cfg_attr(feature = "openapi", schema(max_length = 20))]
    pub phone: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Book {
    pub slot_id: String,
    pub address: String,
    pub phone: Option<String>,
}

impl TryFrom<BookingInput> for Book {
    type Error = Invalid;

    fn try_from(input: BookingInput) -> Result<Book, Invalid> {
        let phone = optional_text(input.phone.as_deref());
        if phone.as_ref().is_some_and(|p| {
            p.chars().count() > 20 || !p.chars().all(|c| c.is_ascii_digit() || c == '-')
        }) {
            return Err(Invalid::new(
                "INVALID_FORMAT",
                "phone",
                "联系电话（phone）只能是数字和“-”，不超过20位",
            ));
        }
        Ok(Book {
            slot_id: required_text(input.slot_id.as_deref(), "slot_id", "上门服务时段", 64)?,
            address: required_text(input.address.as_deref(), "address", "上门地址", 200)?,
            phone,
        })
    }
}

fn china_now(at: DateTime<Utc>) -> (NaiveDate, NaiveTime) {
    let local = at.with_timezone(&china_offset());
    (local.date_naive(), local.time())
}

fn slot_error(e: onething_domain::supervision::home_visit::SlotError) -> ServiceError {
    Invalid::new(e.code(), e.field(), e.message_zh()).into()
}

/// Publishes a slot for the actor's office (or an office inside his jurisdiction).
pub async fn publish_slot(
    svc: &Services,
    actor: &Actor,
    slot: PublishSlot,
) -> Result<Slot, ServiceError> {
    actor.authorize(UseCase::PublishHomeVisitSlots)?;
    let region = match slot.region.or_else(|| actor.scope.region()) {
        Some(r) if in_jurisdiction(actor, Some(&r.to_string())) => r.to_string(),
        _ => return Err(ServiceError::not_found()),
    };
    let (today, now) = china_now(actor.at);
    // A past day is refused whatever its year; then no slots on days off: the calendar
    // decides, and a year without a published notice is the client's date to change.
    check_not_started(slot.shape.day, slot.shape.starts, today, now).map_err(slot_error)?;
    let working = match svc.calendar.is_working_day(slot.shape.day) {
        Err(CalendarError::YearNotPublished { year }) => {
            let message = format!("{year}年的节假日安排尚未发布，暂不能发布该日的上门服务时段");
            return Err(Invalid::new("CALENDAR_YEAR_NOT_PUBLISHED", "date", message).into());
        }
        other => other?,
    };
    check_publish(&slot.shape, working, today, now).map_err(slot_error)?;
    let new = Slot {
        id: fresh_id("SM", actor.at),
        region,
        day: slot.shape.day,
        starts: slot.shape.starts.format("%H:%M").to_string(),
        ends: slot.shape.ends.format("%H:%M").to_string(),
        capacity: i64::from(slot.shape.capacity),
        booked: 0,
        published_by: actor.username.clone(),
        published_at: actor.at,
    };
    let detail = json!({"region": new.region, "day": new.day, "starts": new.starts,
                        "ends": new.ends, "capacity": new.capacity});
    let entry = audit(
        actor,
        "home_visit_slot_published",
        "home_visit_slot",
        &new.id,
        None,
        detail,
    );
    match svc.store.publish_slot(&new, &entry).await {
        Err(StoreError::Conflict { what, .. }) if what == SLOT_EXISTS => Err(ServiceError::NotNow(
            format!("{} {} 已发布过该开始时间的时段", new.day, new.starts),
        )),
        other => Ok(other?),
    }
}

/// The case if the actor may book for it: its applicant (a person), or a clerk of its
/// region on the applicant's behalf; 404 otherwise.
async fn bookable_case(
    svc: &Services,
    actor: &Actor,
    case_id: &str,
) -> Result<CaseRecord, ServiceError> {
    if let Scope::Person(_) = actor.scope {
        return own_case(svc, actor, case_id).await;
    }
    let record = match svc.store.load_case(case_id).await {
        Ok(r) => r,
        Err(StoreError::NotFound { .. }) => return Err(ServiceError::not_found()),
        Err(e) => return Err(e.into()),
    };
    if in_jurisdiction(actor, record.region.as_deref()) {
        Ok(record)
    } else {
        Err(ServiceError::not_found())
    }
}

/// The slots of a case's office not yet started (with their places taken).
pub async fn slots_for_case(
    svc: &Services,
    actor: &Actor,
    case_id: &str,
) -> Result<Vec<Slot>, ServiceError> {
    actor.authorize(UseCase::ViewHomeVisits)?;
    let record = bookable_case(svc, actor, case_id).await?;
    let Some(region) = record.region else {
        return Ok(Vec::new());
    };
    let (today, now) = china_now(actor.at);
    let slots = svc.store.slots_of(&region, today).await?;
    Ok(slots
        .into_iter()
        .filter(|s| starts_at(s).is_some_and(|t| check_not_started(s.day, t, today, now).is_ok()))
        .collect())
}

fn starts_at(slot: &Slot) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(&slot.starts, "%H:%M").ok()
}

/// The applicant's in-site message and SMS about a booking.
fn tell_applicant(applicant: &str, booking_id: &str, body: String) -> Vec<NewNotification> {
    let Applicant::Person(id) = Applicant::parse(applicant) else {
        return Vec::new();
    };
    ["in_site", "sms"]
        .into_iter()
        .map(|channel| NewNotification {
            recipient: Recipient::Person(id.to_string()),
            channel,
            subject_type: "home_visit",
            subject_id: booking_id.to_owned(),
            body: body.clone(),
        })
        .collect()
}

/// Books a place in a slot of the case's office for the case.
pub async fn book_home_visit(
    svc: &Services,
    actor: &Actor,
    case_id: &str,
    book: Book,
) -> Result<Booking, ServiceError> {
    actor.authorize(UseCase::BookHomeVisit)?;
    let record = bookable_case(svc, actor, case_id).await?;
    let slot = match svc.store.slot(&book.slot_id).await {
        Ok(s) if record.region.as_deref() == Some(s.region.as_str()) => s,
        Ok(_) | Err(StoreError::NotFound { .. }) => {
            return Err(Invalid::new(
                "UNKNOWN_SLOT",
                "slot_id",
                "上门服务时段（slot_id）不存在或不属于办件所在地区",
            )
            .into());
        }
        Err(e) => return Err(e.into()),
    };
    let (today, now) = china_now(actor.at);
    let starts = starts_at(&slot).ok_or_else(|| ServiceError::NotNow("时段时间无效".into()))?;
    check_not_started(slot.day, starts, today, now).map_err(|_| {
        ServiceError::from(Invalid::new(
            "SLOT_IN_PAST",
            "slot_id",
            "上门服务时段（slot_id）已开始或已过，不能预约",
        ))
    })?;
    let id = fresh_id("YY", actor.at);
    let body = format!(
        "已预约上门服务：{} {}–{}，办件 {case_id}，预约号 {id}。如需取消，请在办件页面操作。",
        slot.day, slot.starts, slot.ends
    );
    let notes = tell_applicant(&record.state.applicant, &id, body);
    let new = NewBooking {
        id: id.clone(),
        slot_id: slot.id.clone(),
        case_id: case_id.to_owned(),
        applicant: record.state.applicant.clone(),
        address: book.address,
        phone: book.phone,
        booked_by: actor.username.clone(),
        at: actor.at,
    };
    let detail = json!({"slot_id": slot.id, "day": slot.day, "starts": slot.starts,
                        "on_behalf": !matches!(actor.scope, Scope::Person(_))});
    let entry = audit(
        actor,
        "home_visit_booked",
        "home_visit",
        &id,
        Some(case_id),
        detail,
    );
    match svc.store.book_home_visit(&new, &entry, &notes).await {
        Err(StoreError::Conflict { what, .. }) if what == SLOT_FULL => Err(ServiceError::SlotFull),
        Err(StoreError::Conflict { what, .. }) if what == BOOKING_EXISTS => {
            Err(ServiceError::AlreadyBooked)
        }
        other => Ok(other?),
    }
}

/// The booking if the actor reaches it: its applicant, or a clerk or supervisor of its
/// office's region; 404 otherwise.
async fn reachable_booking(
    svc: &Services,
    actor: &Actor,
    id: &str,
) -> Result<Booking, ServiceError> {
    let booking = match svc.store.home_visit_booking(id).await {
        Ok(b) => b,
        Err(StoreError::NotFound { .. }) => return Err(ServiceError::not_found()),
        Err(e) => return Err(e.into()),
    };
    let reachable = match &actor.scope {
        Scope::Person(me) => booking.applicant == Applicant::person_ref(me),
        _ => in_jurisdiction(actor, Some(&booking.slot.region)),
    };
    if reachable {
        Ok(booking)
    } else {
        Err(ServiceError::not_found())
    }
}

/// Cancels a live booking (its applicant, or a clerk of the office) and frees the place.
pub async fn cancel_home_visit(
    svc: &Services,
    actor: &Actor,
    id: &str,
) -> Result<Booking, ServiceError> {
    actor.authorize(UseCase::BookHomeVisit)?;
    let booking = reachable_booking(svc, actor, id).await?;
    if booking.status != "booked" {
        return Err(not_live(&booking));
    }
    let body = format!(
        "上门服务预约已取消：{} {}–{}，办件 {}，预约号 {id}。",
        booking.slot.day, booking.slot.starts, booking.slot.ends, booking.case_id
    );
    let notes = tell_applicant(&booking.applicant, id, body);
    let detail = json!({"slot_id": booking.slot.id});
    let entry = audit(
        actor,
        "home_visit_cancelled",
        "home_visit",
        id,
        Some(&booking.case_id),
        detail,
    );
    match svc
        .store
        .cancel_home_visit(id, &actor.username, actor.at, &entry, &notes)
        .await
    {
        Err(StoreError::Conflict { .. }) => Err(not_live(&booking)),
        other => Ok(other?),
    }
}

/// The clerk records the home visit on the case: a case visit of kind `home_visit` (no
/// run for the applicant), the booking closed.
pub async fn record_home_visit(
    svc: &Services,
    actor: &Actor,
    id: &str,
    note: Option<String>,
) -> Result<Booking, ServiceError> {
    actor.authorize(UseCase::RecordVisit)?;
    let booking = reachable_booking(svc, actor, id).await?;
    if booking.status != "booked" {
        return Err(not_live(&booking));
    }
    let visit = NewVisit {
        id: fresh_id("PD", actor.at),
        case_id: booking.case_id.clone(),
        kind: "home_visit".into(),
        at: actor.at,
        region: Some(booking.slot.region.clone()),
        recorded_by: actor.username.clone(),
        priority: false,
        note,
        idempotency_key: format!("home_visit:{id}"),
    };
    let detail = json!({"visit_id": visit.id, "slot_id": booking.slot.id});
    let entry = audit(
        actor,
        "home_visit_recorded",
        "home_visit",
        id,
        Some(&booking.case_id),
        detail,
    );
    match svc.store.record_home_visit(id, &visit, &entry).await {
        Err(StoreError::Conflict { .. }) => Err(not_live(&booking)),
        other => Ok(other?),
    }
}

/// The bookings the actor sees: a person her own, a clerk or supervisor his office's.
pub async fn home_visits(svc: &Services, actor: &Actor) -> Result<Vec<Booking>, ServiceError> {
    actor.authorize(UseCase::ViewHomeVisits)?;
    match &actor.scope {
        Scope::Person(me) => Ok(svc
            .store
            .home_visit_bookings(None, Some(&Applicant::person_ref(me)))
            .await?),
        _ => {
            let prefix = jurisdiction(actor)?;
            Ok(svc
                .store
                .home_visit_bookings(prefix.as_deref(), None)
                .await?)
        }
    }
}

/// The slots of the offices in the actor's jurisdiction from today on (clerks and
/// supervisors): a city's clerk sees his counties' slots.
pub async fn office_slots(svc: &Services, actor: &Actor) -> Result<Vec<Slot>, ServiceError> {
    actor.authorize(UseCase::PublishHomeVisitSlots)?;
    let prefix = jurisdiction(actor)?;
    Ok(svc
        .store
        .slots_within(prefix.as_deref(), actor.today())
        .await?)
}

fn not_live(b: &Booking) -> ServiceError {
    let state = match b.status.as_str() {
        "cancelled" => "已取消",
        "visited" => "已上门办理",
        _ => "不可操作",
    };
    ServiceError::NotNow(format!("预约 {} {state}", b.id))
}

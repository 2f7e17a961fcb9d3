//! The service hall's 取号/叫号 queue (SV-4: 老年人、残疾人优先办理). A clerk issues a ticket to
//! a visitor (citizen id, name, the case if there is one, the disability flag the clerk or
//! the shared data states); the elderly — age from the citizen id against the dated
//! parameter `elderly_age` — and the disabled get a priority ticket. The queue lists the
//! day's waiting tickets priority first, each class in the order taken; serving a ticket
//! for a case records its window visit with the ticket's priority (the same visit record as
//! `record_visit`), in one transaction with the ticket. A called visitor who is not there
//! is 过号 (missed): his ticket leaves the queue for the day's missed list, from which he is
//! served when he comes back.

use onething_domain::CitizenId;
use onething_domain::access::UseCase;
use onething_domain::supervision::queue::{calling_order, priority_of};
use onething_store::StoreError;
use onething_store::supervision::{NewTicket, NewVisit, ServeTicket, Ticket};
use serde::Deserialize;
use serde_json::json;

use super::visits::case_region;
use super::{VisitInput, WindowVisit, audit, fresh_id, period_for};
use crate::input::{citizen_id, optional_text, required_text};
use crate::{Actor, Invalid, ServiceError, Services};

/// A ticket as asked for: `{"citizen_id", "name", "case_id", "disabled"}` (`case_id` and
/// `disabled` optional).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TicketInput {
    #[cfg_attr(feature = "openapi", schema(value_type = String, required = true))]
    pub citizen_id: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, required = true, max_length = 50))]
    pub name: Option<String>,
    pub case_id: Option<String>,
    /// A disabled visitor (stated by the clerk from the card shown, or by shared data).
    #[serde(default)]
    pub disabled: bool,
}

/// A validated ticket request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TakeTicket {
    pub citizen: CitizenId,
    pub name: String,
    pub case_id: Option<String>,
    pub disabled: bool,
}

impl TryFrom<TicketInput> for TakeTicket {
    type Error = Invalid;

    fn try_from(input: TicketInput) -> Result<TakeTicket, Invalid> {
        let id = required_text(input.citizen_id.as_deref(), "citizen_id", "身份证号", 18)?;
        Ok(TakeTicket {
            citizen: citizen_id(&id, "citizen_id")?,
            name: required_text(input.name.as_deref(), "name", "姓名", 50)?,
            case_id: optional_text(input.case_id.as_deref()),
            disabled: input.disabled,
        })
    }
}

/// Serving a ticket: `{"kind", "case_id", "note"}` — the visit's kind as on a case's
/// visit; `case_id` when the ticket named none (absent: the ticket's case, if any).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ServeInput {
    #[cfg_attr(
        feature = "openapi",
        schema(value_type = String, required = true, pattern = "^(submission|supplement|pickup|consultation)$")
    )]
    pub kind: Option<String>,
    pub case_id: Option<String>,
    #[cfg_attr(feature = "openapi", schema(max_length = 500))]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Serve {
    /// Kind and note validated as a window visit's.
    pub visit: WindowVisit,
    pub case_id: Option<String>,
}

impl TryFrom<ServeInput> for Serve {
    type Error = Invalid;

    fn try_from(input: ServeInput) -> Result<Serve, Invalid> {
        let visit = WindowVisit::try_from(VisitInput {
            kind: input.kind,
            priority: false,
            note: input.note,
        })?;
        Ok(Serve {
            visit,
            case_id: optional_text(input.case_id.as_deref()),
        })
    }
}

/// The office's queue of the day.
#[derive(Debug, Clone)]
pub struct WindowQueue {
    pub office: String,
    pub day: chrono::NaiveDate,
    /// The age from which a visitor is served first, and its source (dated parameter).
    pub elderly_age: u32,
    pub elderly_age_source: String,
    /// Waiting tickets in calling order: priority first, then the order taken.
    pub waiting: Vec<Ticket>,
    /// Tickets called with nobody there (过号), in the order taken.
    pub missed: Vec<Ticket>,
}

/// The clerk's office: the region of his service hall.
fn office(actor: &Actor) -> Result<String, ServiceError> {
    actor
        .scope
        .region()
        .map(|r| r.to_string())
        .ok_or_else(ServiceError::not_found)
}

/// Issues a ticket at the clerk's office; priority from the age and the disability flag.
pub async fn issue_ticket(
    svc: &Services,
    actor: &Actor,
    take: TakeTicket,
) -> Result<Ticket, ServiceError> {
    actor.authorize(UseCase::WindowQueue)?;
    let office = office(actor)?;
    if let Some(case) = &take.case_id {
        case_region(svc, actor, case).await?;
    }
    let today = actor.today();
    let period = period_for(Some(&office), today)?;
    let reason = priority_of(&take.citizen, take.disabled, today, period.elderly_age);
    let new = NewTicket {
        id: fresh_id("QH", actor.at),
        region: office,
        day: today,
        citizen_id: take.citizen.as_str().to_owned(),
        name: take.name,
        case_id: take.case_id.clone(),
        disabled: take.disabled,
        priority_reason: reason.map(|r| r.as_str()),
        at: actor.at,
        issued_by: actor.username.clone(),
    };
    let detail = json!({
        "citizen_id": take.citizen.masked(),
        "priority_reason": reason.map(|r| r.as_str()),
        "elderly_age": period.elderly_age,
    });
    let entry = audit(
        actor,
        "window_ticket_issued",
        "window_ticket",
        &new.id,
        take.case_id.as_deref(),
        detail,
    );
    Ok(svc.store.issue_ticket(&new, &entry).await?)
}

/// The clerk's office's waiting tickets of today, in calling order.
pub async fn window_queue(svc: &Services, actor: &Actor) -> Result<WindowQueue, ServiceError> {
    actor.authorize(UseCase::WindowQueue)?;
    let office = office(actor)?;
    let day = actor.today();
    let period = period_for(Some(&office), day)?;
    let mut waiting = svc.store.day_tickets(&office, day, "waiting").await?;
    waiting.sort_by(|a, b| calling_order(a, b, |t| (t.priority(), t.seq)));
    let missed = svc.store.day_tickets(&office, day, "missed").await?;
    Ok(WindowQueue {
        office,
        day,
        elderly_age: period.elderly_age,
        elderly_age_source: period.elderly_age_source.clone(),
        waiting,
        missed,
    })
}

/// A ticket of the clerk's office, else 404 (another office's ticket included).
async fn office_ticket(
    svc: &Services,
    actor: &Actor,
    ticket_id: &str,
) -> Result<Ticket, ServiceError> {
    let office = office(actor)?;
    match svc.store.ticket(ticket_id).await {
        Ok(t) if t.region == office => Ok(t),
        Ok(_) | Err(StoreError::NotFound { .. }) => Err(ServiceError::not_found()),
        Err(e) => Err(e.into()),
    }
}

/// 过号: the visitor called is not there; his waiting ticket goes to the missed list
/// (served from there when he comes back). Not waiting → 409.
pub async fn miss_ticket(
    svc: &Services,
    actor: &Actor,
    ticket_id: &str,
) -> Result<Ticket, ServiceError> {
    actor.authorize(UseCase::WindowQueue)?;
    let ticket = office_ticket(svc, actor, ticket_id).await?;
    if ticket.status != "waiting" {
        return Err(not_waiting(&ticket));
    }
    let detail = json!({"number": ticket.number, "priority": ticket.priority()});
    let entry = audit(
        actor,
        "window_ticket_missed",
        "window_ticket",
        &ticket.id,
        ticket.case_id.as_deref(),
        detail,
    );
    match svc
        .store
        .miss_ticket(&ticket.id, &actor.username, actor.at, &entry)
        .await
    {
        Err(StoreError::Conflict { .. }) => Err(not_waiting(&ticket)),
        other => Ok(other?),
    }
}

/// Serves a waiting or missed ticket of the clerk's office: for a case (the ticket's or the
/// one given), its window visit is recorded with the ticket's priority. Served already →
/// 409.
pub async fn serve_ticket(
    svc: &Services,
    actor: &Actor,
    ticket_id: &str,
    serve: Serve,
) -> Result<Ticket, ServiceError> {
    actor.authorize(UseCase::WindowQueue)?;
    let ticket = office_ticket(svc, actor, ticket_id).await?;
    if ticket.status == "served" {
        return Err(already_served(&ticket));
    }
    let case = serve.case_id.or_else(|| ticket.case_id.clone());
    let visit = match &case {
        Some(case_id) => Some(NewVisit {
            id: fresh_id("PD", actor.at),
            case_id: case_id.clone(),
            kind: serve.visit.kind.to_owned(),
            at: actor.at,
            region: case_region(svc, actor, case_id).await?,
            recorded_by: actor.username.clone(),
            priority: ticket.priority(),
            note: serve.visit.note.clone(),
            idempotency_key: format!("ticket:{}", ticket.id),
        }),
        None => None,
    };
    let detail = json!({
        "number": ticket.number,
        "kind": serve.visit.kind,
        "priority": ticket.priority(),
        "visit_id": visit.as_ref().map(|v| v.id.clone()),
    });
    let entry = audit(
        actor,
        "window_ticket_served",
        "window_ticket",
        &ticket.id,
        case.as_deref(),
        detail,
    );
    let serve = ServeTicket {
        ticket_id: ticket.id.clone(),
        by: actor.username.clone(),
        at: actor.at,
        visit,
    };
    match svc.store.serve_ticket(&serve, &entry).await {
        Err(StoreError::Conflict { .. }) => Err(already_served(&ticket)),
        other => Ok(other?),
    }
}

fn not_waiting(ticket: &Ticket) -> ServiceError {
    ServiceError::NotNow(format!("{} 号不在等候中，不能过号", ticket.number))
}

fn already_served(ticket: &Ticket) -> ServiceError {
    ServiceError::NotNow(format!("{} 号已办理，不能再次叫号办理", ticket.number))
}

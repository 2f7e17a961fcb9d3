//! Supervision and evaluation (seed 004, seed 003 八; SV-1, SV-2): 好差评 per case and per
//! item with the rectification every bad rating opens (investigation, rectification,
//! revisit), window visits (跑动次数), complaints (投诉) and the measures computed from
//! cases and the catalogue. Periods the seeds leave open come from the dated supervision
//! parameters (`data/params/supervision.toml`), never from constants here.

mod catalog;
mod commands;
mod complaints;
mod credit;
mod due_notices;
mod home_visits;
mod measures;
mod queue;
mod ratings;
mod rectifications;
mod reports;
mod urge;
mod visits;

use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use onething_domain::access::Scope;
use onething_domain::allowance::visibility::region_prefix;
use onething_domain::supervision::{SupervisionParams, SupervisionPeriod};
use onething_domain::{Dated, RegionCode};
use onething_store::audit::NewAuditEntry;
use serde_json::Value;

pub use catalog::{ItemChange, ItemChangeInput, change_catalog_item};
pub use commands::{
    ComplaintInput, FileComplaint, ItemRatingInput, Note, NoteInput, Period, PeriodInput, Rate,
    RatingInput, Revisit, RevisitInput, Score, VisitInput, WindowVisit,
};
pub use complaints::{answer_complaint, complaints, escalate_late_complaints, file_complaint};
pub use credit::{
    CreditInput, NewCredit, credit_flags, credit_records, record_credit, remove_credit,
};
pub use due_notices::{DueNotices, notify_due_items};
pub use home_visits::{
    Book, BookingInput, PublishSlot, SlotInput, book_home_visit, cancel_home_visit, home_visits,
    office_slots, publish_slot, record_home_visit, slots_for_case,
};
pub use measures::{MeasuresReport, measures, measures_by_region};
pub use queue::{
    Serve, ServeInput, TakeTicket, TicketInput, WindowQueue, issue_ticket, miss_ticket,
    serve_ticket, window_queue,
};
pub use ratings::{rate, rating_invitation, rating_of_case};
pub use rectifications::{investigate, rectifications, rectify, revisit};
pub use reports::{
    PeriodReport, generate_due_reports, generate_period_report, period_report, period_reports,
};
pub use urge::{URGED_STEP, urge};
pub use visits::{record_visit, visits_of_case};

use crate::{Actor, ServiceError, Services};

/// The supervision parameters shipped with this build (parsed once).
pub fn params() -> &'static SupervisionParams {
    static PARAMS: OnceLock<SupervisionParams> = OnceLock::new();
    PARAMS.get_or_init(SupervisionParams::shipped)
}

/// The period in force for a region on a date.
fn period_for(
    region: Option<&str>,
    on: chrono::NaiveDate,
) -> Result<&'static SupervisionPeriod, ServiceError> {
    let code = region.and_then(|r| RegionCode::parse(r).ok());
    params().in_force(code, on).ok_or_else(|| {
        ServiceError::NotNow(format!(
            "{on} 无生效的监督参数（data/params/supervision.toml）"
        ))
    })
}

/// `n` working days after `from` (provisional over a year without a published notice).
fn due_after(svc: &Services, from: chrono::NaiveDate, n: u32) -> Result<Dated, ServiceError> {
    Ok(svc.calendar.add_working_days_provisional(from, n)?)
}

/// The `LIKE` prefix of a region-scoped actor's jurisdiction; `None` for the platform.
fn jurisdiction(actor: &Actor) -> Result<Option<String>, ServiceError> {
    match &actor.scope {
        Scope::Region(r) => Ok(Some(region_prefix(*r))),
        Scope::Platform => Ok(None),
        _ => Err(ServiceError::not_found()),
    }
}

/// Whether a stored region lies in the actor's jurisdiction.
fn in_jurisdiction(actor: &Actor, region: Option<&str>) -> bool {
    match &actor.scope {
        Scope::Platform => true,
        // A hospital clerk serves the cases of the region its hospital serves, as on the
        // case pages (docs/hospital-window.md).
        scope => match (
            scope.region(),
            region.and_then(|r| RegionCode::parse(r).ok()),
        ) {
            (Some(mine), Some(r)) => r.is_within(mine),
            _ => false,
        },
    }
}

fn audit(
    actor: &Actor,
    action: &str,
    kind: &str,
    id: &str,
    case: Option<&str>,
    detail: Value,
) -> NewAuditEntry {
    NewAuditEntry {
        at: actor.at,
        actor: actor.username.clone(),
        role: Some(actor.role),
        action: action.into(),
        subject_type: kind.into(),
        subject_id: id.into(),
        case_id: case.map(str::to_owned),
        detail,
    }
}

fn fresh_id(prefix: &str, at: DateTime<Utc>) -> String {
    format!(
        "{prefix}-{}-{}",
        at.format("%Y%m%d"),
        &uuid::Uuid::new_v4().simple().to_string()[..8]
    )
}

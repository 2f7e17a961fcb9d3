//! The working-day calendar in force, and loading a year's holiday notice at run time
//! (issue 13; docs/case-engine.md, "Provisional due dates").
//!
//! The calendar is read on every request and replaced only when an administrator loads a
//! notice, so it lives behind a lock holding an `Arc`: a reader clones the `Arc` and lets
//! go of the lock at once, and a use case works with that one snapshot from start to end.

use std::sync::{Arc, PoisonError, RwLock};

use onething_domain::Calendar;
use onething_domain::access::UseCase;
use onething_store::audit::NewAuditEntry;
use onething_store::calendar_notices::DueDateChange;
use serde_json::json;

use crate::{Actor, Invalid, ServiceError, Services};

/// The calendar in force, shared by every handler and background task of one server.
#[derive(Debug, Clone)]
pub struct CalendarInForce(Arc<RwLock<Arc<Calendar>>>);

impl CalendarInForce {
    pub fn new(calendar: Calendar) -> CalendarInForce {
        CalendarInForce(Arc::new(RwLock::new(Arc::new(calendar))))
    }

    /// The calendar as it stands now (a snapshot: a later load does not change it).
    pub fn current(&self) -> Arc<Calendar> {
        // A panic while the lock was held cannot leave a half-swapped `Arc` behind.
        self.0
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Merges `text` into the calendar in force, under the lock so that two loads at the
    /// same time both land. Returns the years added or replaced and the new calendar.
    fn merge(&self, text: &str) -> Result<(Vec<i32>, Arc<Calendar>), ServiceError> {
        let mut guard = self.0.write().unwrap_or_else(PoisonError::into_inner);
        let mut next = Calendar::clone(&guard);
        let years = next.merge_json(text).map_err(invalid_notice)?;
        let next = Arc::new(next);
        *guard = next.clone();
        Ok((years, next))
    }
}

/// A holiday notice file (the shape of `data/calendar/cn-holidays.json`), checked on its own
/// and against the calendar in force before anything is stored.
#[derive(Debug, Clone)]
pub struct CalendarNotice {
    text: String,
    years: Vec<i32>,
}

impl TryFrom<String> for CalendarNotice {
    type Error = Invalid;

    fn try_from(text: String) -> Result<Self, Invalid> {
        if text.trim().is_empty() {
            return Err(Invalid::missing("notice", "请上传节假日安排文件（JSON）"));
        }
        let years = Calendar::from_json(&text)
            .map_err(invalid_notice)?
            .published_years();
        Ok(CalendarNotice { text, years })
    }
}

impl CalendarNotice {
    pub fn years(&self) -> &[i32] {
        &self.years
    }
}

fn invalid_notice(e: onething_domain::CalendarError) -> Invalid {
    Invalid::new(
        "INVALID_NOTICE",
        "notice",
        format!("节假日安排文件（notice）无效：{}", e.message_zh()),
    )
}

/// What a load did.
#[derive(Debug, Clone)]
pub struct NoticeLoaded {
    pub years: Vec<i32>,
    /// Every provisional due date recomputed, as recorded on its case.
    pub changes: Vec<DueDateChange>,
}

/// Loads a year's notice (administrators): checks it against the calendar in force, keeps
/// it in the database (every later start merges it), puts it in force for every request
/// from now on, recomputes every provisional due date (each change a `DueDateRecomputed`
/// event on its case) and audits the load with the changes.
///
/// The recomputation is idempotent and runs again at every start, so should it fail after
/// the notice was stored, the next start finishes it.
pub async fn load_notice(
    svc: &Services,
    actor: &Actor,
    notice: CalendarNotice,
) -> Result<NoticeLoaded, ServiceError> {
    actor.authorize(UseCase::LoadCalendarNotice)?;
    // A conflict with a neighbouring year already in force is found before anything is kept.
    let mut check = Calendar::clone(&svc.calendar_in_force.current());
    check.merge_json(&notice.text).map_err(invalid_notice)?;
    svc.store
        .save_calendar_notice(&notice.years, &notice.text, &actor.username, actor.at)
        .await?;
    let (years, calendar) = svc.calendar_in_force.merge(&notice.text)?;
    let changes = svc
        .store
        .recompute_provisional_due_dates(&calendar, "system:calendar", actor.at)
        .await?;
    svc.store
        .append_audit(&NewAuditEntry {
            at: actor.at,
            actor: actor.username.clone(),
            role: Some(actor.role),
            action: "calendar_notice_loaded".into(),
            subject_type: "calendar".into(),
            subject_id: years
                .iter()
                .map(i32::to_string)
                .collect::<Vec<_>>()
                .join(","),
            case_id: None,
            detail: json!({
                "years": years,
                "recomputed": changes.iter().map(|c| json!({
                    "case_id": c.case_id, "item": c.item, "from": c.from, "to": c.to,
                    "provisional": c.provisional,
                })).collect::<Vec<_>>(),
            }),
        })
        .await?;
    Ok(NoticeLoaded { years, changes })
}

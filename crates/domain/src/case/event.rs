//! The events a case is made of. Events are appended, never updated or deleted; the
//! case's current state is the projection `CaseState::replay` rebuilds from them.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::state::{Action, ActorRole};

/// One appended fact about a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseEvent {
    /// 1-based and contiguous within the case: a gap or repeat is a corrupt history.
    pub seq: u64,
    /// When it happened. Its date in China (`china_time::date_in_china`) is the working day the
    /// projection records (accepted_on, started_on, finished_on).
    pub at: DateTime<Utc>,
    /// Opaque reference of the person or system that acted, for the audit trail.
    pub actor: String,
    pub role: ActorRole,
    /// Unique within the case: a retried request carrying the same key does nothing twice.
    pub idempotency_key: String,
    pub body: EventBody,
}

/// What happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventBody {
    /// The application: always the first event. The bundle's item plan is copied in, so
    /// the case keeps the rules of the catalogue version it was opened under.
    Opened {
        bundle: String,
        catalog_version: i64,
        /// Opaque reference to the applicant; the store decides what it points to.
        applicant: String,
        items: Vec<OpenedItem>,
    },
    /// One item moved.
    ItemChanged {
        item: String,
        action: Action,
        /// Copy of the action's reason (refusal, denial, withdrawal), or a free note.
        reason: Option<String>,
        /// The due date decided at this moment (on accept and start), frozen here so
        /// replay needs no calendar and a later calendar fix never rewrites history.
        due_on: Option<NaiveDate>,
        /// The due date ran into a year without a published holiday notice and was
        /// computed from the regulation's festival days only (`calendar::statutory`).
        /// Absent in older events (= false).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        due_on_provisional: bool,
    },
    /// A provisional due date recomputed once the year's notice was loaded: the old and
    /// new date are kept, so the history shows what was promised and what it became.
    DueDateRecomputed {
        item: String,
        from: NaiveDate,
        to: NaiveDate,
        /// Still provisional (the walk reaches another year without a notice).
        provisional: bool,
    },
    /// A step of the service that runs the case (a claim's wage confirmation, its smart
    /// review, its settlement and payment): kept in the case's append-only history, in
    /// order, with the same idempotency guarantee. The engine moves no item for it; the
    /// service gives it meaning (e.g. `allowance::ClaimStatus::replay` rebuilds a claim's
    /// status from these steps).
    Service {
        /// The service's step name (`submitted`, `approved`, `settled`, …).
        step: String,
        /// What the step recorded (amounts, reasons, the payment), as the service wrote it.
        #[cfg_attr(feature = "openapi", schema(value_type = Object))]
        detail: serde_json::Value,
    },
}

/// One item of the plan copied into `Opened`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpenedItem {
    pub item: String,
    pub limit_working_days: Option<u32>,
    pub depends_on: Vec<String>,
}

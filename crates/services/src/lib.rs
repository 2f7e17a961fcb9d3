//! The services layer: one function per use case. Pages, the JSON API and the command line
//! are thin adapters over it, so they cannot disagree on who may do what or on what is
//! checked. Every use case
//!
//! 1. takes an [`Actor`] (who asks, in which role and scope, when) and a validated command
//!    built with `TryFrom` from the raw input both front doors share;
//! 2. asks the one policy table (`domain::access::UseCase`), then the scope (404 outside);
//! 3. decides with the pure domain rules;
//! 4. hands the decided change to the store, which writes it in one transaction: the detail
//!    row, the case's events, the notifications (an outbox) and the audit entry.
//!
//! Chinese texts the platform sends people (notifications) are written here, not in the
//! store. Errors are [`ServiceError`]; `crates/web/src/error.rs` maps them to HTTP.

mod actor;
pub mod allowance;
pub mod calendar;
pub mod cases;
mod error;
pub mod guide;
pub mod hospital;
pub mod input;
pub mod newborn;
pub mod notify;
pub mod supervision;

use std::sync::Arc;

use onething_domain::Calendar;
use onething_domain::rules::MaternityParams;
use onething_store::Store;

pub use actor::Actor;
pub use calendar::CalendarInForce;
pub use error::{Invalid, InvalidKind, ServiceError};

/// What every use case needs: the store, and the rules and calendar in force.
#[derive(Clone)]
pub struct Services {
    pub store: Store,
    pub params: Arc<MaternityParams>,
    /// The calendar in force when the use case started; one use case uses one calendar.
    pub calendar: Arc<Calendar>,
    /// Where a loaded notice is put in force (`calendar::load_notice`).
    pub calendar_in_force: CalendarInForce,
}

impl Services {
    pub fn new(
        store: Store,
        params: Arc<MaternityParams>,
        calendar_in_force: &CalendarInForce,
    ) -> Services {
        Services {
            store,
            params,
            calendar: calendar_in_force.current(),
            calendar_in_force: calendar_in_force.clone(),
        }
    }

    /// Services over a fixed calendar (tests, the demo and the benchmarks).
    pub fn with_calendar(store: Store, params: Arc<MaternityParams>, calendar: Calendar) -> Self {
        Services::new(store, params, &CalendarInForce::new(calendar))
    }
}

/// The SHA-256 of some bytes as lower-case hex.
pub(crate) fn hex_sha256(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

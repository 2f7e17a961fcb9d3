//! Who asks: the signed-in user (or the command line) with role, scope and the moment.

use chrono::{DateTime, Utc};
use onething_domain::access::{Role, Scope, UseCase};
use onething_domain::china_time::date_in_china;
use uuid::Uuid;

use crate::ServiceError;

/// The user a use case acts for.
#[derive(Debug, Clone)]
pub struct Actor {
    pub username: String,
    pub role: Role,
    pub scope: Scope,
    pub at: DateTime<Utc>,
    /// The client's `Idempotency-Key`: the same key again does nothing twice.
    pub idempotency_key: Option<String>,
}

impl Actor {
    /// Refuses (403) a use case the policy table does not give this role.
    pub fn authorize(&self, use_case: UseCase) -> Result<(), ServiceError> {
        if use_case.permits(self.role) {
            Ok(())
        } else {
            Err(ServiceError::Access(
                onething_domain::access::AccessDenied::Forbidden,
            ))
        }
    }

    /// The China date of the request.
    pub fn today(&self) -> chrono::NaiveDate {
        date_in_china(self.at)
    }

    /// The request's idempotency key, or a fresh one, naming what it changes (`subject`
    /// carries the action too, so one client key on two different actions does both).
    pub fn key_for(&self, subject: &str) -> String {
        match &self.idempotency_key {
            Some(key) => format!("{subject}:{key}"),
            None => format!("{subject}:{}", Uuid::new_v4().simple()),
        }
    }
}

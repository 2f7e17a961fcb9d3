//! What a use case can refuse. `crates/web/src/error.rs` is the one place that turns these
//! into HTTP statuses and the contract's error body.

use onething_domain::access::AccessDenied;
use onething_domain::allowance::{ClaimStatus, Missing};
use onething_domain::rules::Reason;
use onething_store::StoreError;

/// How an invalid input is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvalidKind {
    /// 400: a field is missing or malformed.
    BadRequest,
    /// 413: a file is too large.
    TooLarge,
    /// 415: a file of a type not accepted.
    UnsupportedType,
    /// 422: well-formed but not acceptable (a cut-off date in the future).
    Unprocessable,
}

/// An input the client must correct, naming the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct Invalid {
    pub kind: InvalidKind,
    /// SNAKE_CASE machine code.
    pub code: &'static str,
    /// The field's path (`bank_account.number`).
    pub field: String,
    /// 中文说明, naming the field.
    pub message: String,
}

impl Invalid {
    pub fn new(code: &'static str, field: &str, message: impl Into<String>) -> Invalid {
        Invalid {
            kind: InvalidKind::BadRequest,
            code,
            field: field.to_owned(),
            message: message.into(),
        }
    }

    pub fn missing(field: &str, message: impl Into<String>) -> Invalid {
        Invalid::new("MISSING_FIELD", field, message)
    }

    pub fn with_kind(mut self, kind: InvalidKind) -> Invalid {
        self.kind = kind;
        self
    }
}

/// Why a use case was refused.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The role may not (403) or the record is outside the scope (404).
    #[error(transparent)]
    Access(#[from] AccessDenied),
    #[error(transparent)]
    Invalid(#[from] Invalid),
    /// The clerk who filed or submitted a claim may not review it (403 `FOUR_EYES`).
    #[error("the reviewer filed or submitted this claim")]
    FourEyes,
    /// The same claimant and event already has a claim (409 `CLAIM_EXISTS`).
    #[error("claim {existing} already exists")]
    ClaimExists { existing: String },
    /// The child already has an application that was not refused (409 `APPLICATION_EXISTS`).
    #[error("application {existing} already exists for this child")]
    ApplicationExists { existing: String },
    /// The delivery was reimbursed at the window already (409 `REIMBURSEMENT_EXISTS`).
    #[error("reimbursement {existing} already exists for this delivery")]
    ReimbursementExists { existing: String },
    /// The claim's status does not allow this (409 `INVALID_STATE`).
    #[error("a claim in status {from:?} cannot be {action}")]
    InvalidState {
        from: ClaimStatus,
        action: &'static str,
    },
    /// The person is not insured through the employer named (404: nothing about her leaks).
    #[error("the person is not the employer's insured employee")]
    NotEmployee,
    /// No birth certificate or delivery record for the claimant (422 `NO_BIRTH_RECORD`).
    #[error("no birth or delivery found for the claimant")]
    NoEvent,
    /// The region's application limit for the event has passed (422
    /// `APPLICATION_TOO_LATE`); the attempt is kept in the audit log for the window.
    #[error("the application limit of {months} months ended on {deadline}")]
    ApplicationTooLate {
        months: u32,
        deadline: chrono::NaiveDate,
        event_date: chrono::NaiveDate,
    },
    /// Approval needs complete facts (409 `FACTS_INCOMPLETE`).
    #[error("facts incomplete")]
    FactsIncomplete(Vec<Missing>),
    /// Approval of a claim the rules find ineligible (409 `NOT_ELIGIBLE`).
    #[error("not eligible")]
    NotEligible(Vec<Reason>),
    /// Submit without an account given or on file (400 `BANK_ACCOUNT_REQUIRED`).
    #[error("no bank account")]
    NoBankAccount,
    /// A newborn application or case is not in a state that allows this (409
    /// `INVALID_STATE`); the message says why, in Chinese.
    #[error("{0}")]
    NotNow(String),
    /// The case was rated already (409 `ALREADY_RATED`).
    #[error("the case was already rated")]
    AlreadyRated,
    /// The home-visit slot has no place left: the database refused the booking (409
    /// `SLOT_FULL`).
    #[error("the home-visit slot is full")]
    SlotFull,
    /// The case already has a live home-visit booking (409 `ALREADY_BOOKED`).
    #[error("the case already has a home-visit booking")]
    AlreadyBooked,
    /// The rating period after the case ended is over (409 `RATING_PERIOD_OVER`).
    #[error("the case could be rated until {until}")]
    RatingPeriodOver { until: chrono::NaiveDate },
    /// A deadline runs into a year whose holiday notice is not loaded.
    #[error(transparent)]
    Calendar(#[from] onething_domain::CalendarError),
    /// Settlement refused (not found, a claim not in a failed payment, …).
    #[error(transparent)]
    Settlement(#[from] onething_store::allowance::settlements::SettlementError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<onething_store::allowance::claims::ClaimError> for ServiceError {
    fn from(e: onething_store::allowance::claims::ClaimError) -> Self {
        use onething_store::allowance::claims::ClaimError;
        match e {
            ClaimError::Exists { existing } => ServiceError::ClaimExists { existing },
            ClaimError::Store(e) => ServiceError::Store(e),
        }
    }
}

impl ServiceError {
    /// 404, as if the record did not exist.
    pub fn not_found() -> ServiceError {
        ServiceError::Access(AccessDenied::NotFound)
    }
}

/// A text that cannot be a record id (a claim, case, settlement or payment id).
impl From<onething_domain::ids::RecordIdError> for ServiceError {
    fn from(e: onething_domain::ids::RecordIdError) -> Self {
        ServiceError::Invalid(Invalid::new("INVALID_ID", "id", e.message_zh()))
    }
}

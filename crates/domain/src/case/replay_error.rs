//! Why a history cannot be replayed. Any of these means the stored events are corrupt
//! or a caller tried to append an event the rules forbid.

use thiserror::Error;

use super::graph::PlanDefect;
use super::transition::TransitionError;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ReplayError {
    #[error("the history has no events")]
    Empty,
    #[error("the history does not start with an Opened event")]
    NotOpenedFirst,
    #[error("event {seq} opens the case again")]
    OpenedAgain { seq: u64 },
    #[error("expected event seq {expected}, found {found}")]
    SeqGap { expected: u64, found: u64 },
    #[error("the opened item plan is invalid: {0}")]
    InvalidPlan(PlanDefect),
    #[error("event {seq} changes item {item}, which is not in the case")]
    UnknownItem { seq: u64, item: String },
    #[error("event {seq} on item {item}: {source}")]
    Transition {
        seq: u64,
        item: String,
        source: TransitionError,
    },
    #[error("event {seq} on item {item} carries a due date where none is planned, or lacks one")]
    DueDateMismatch { seq: u64, item: String },
    #[error("event {seq} promises a due date it does not carry")]
    BadPromise { seq: u64 },
    #[error("event {seq} repeats idempotency key {key}")]
    DuplicateIdempotencyKey { seq: u64, key: String },
}

impl ReplayError {
    /// `INVALID_STATE` etc. when an appended event broke a rule (the caller's fault);
    /// `CORRUPT_HISTORY` for anything only a broken store can produce.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Transition { source, .. } => source.code(),
            Self::UnknownItem { .. } => "UNKNOWN_ITEM",
            _ => "CORRUPT_HISTORY",
        }
    }
}

/// A change's fault before it is placed at a seq.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum ChangeFault {
    UnknownItem,
    Transition(TransitionError),
    DueDateMismatch,
}

impl ChangeFault {
    pub(super) fn at(self, seq: u64, item: &str) -> ReplayError {
        let item = item.to_string();
        match self {
            Self::UnknownItem => ReplayError::UnknownItem { seq, item },
            Self::Transition(source) => ReplayError::Transition { seq, item, source },
            Self::DueDateMismatch => ReplayError::DueDateMismatch { seq, item },
        }
    }
}

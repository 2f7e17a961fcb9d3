//! The case engine's pure core: one case per application, made of items (事项) that
//! move through states by actions. Nothing here does I/O.
//!
//! - `transition`: the one table of allowed moves; `decide` and `available_actions`.
//! - `event`: the append-only events; `projection`: the state rebuilt from them.
//! - `plan`: what the store calls before appending (rules + due dates from the calendar).
//! - `due`: the near-due / overdue watch.
//!
//! The store's loop: load the events, `CaseState::replay`, `plan_item_change` (or
//! `plan_accept_all`), wrap each body in a `CaseEvent` with `seq = last_seq + 1`,
//! `CaseState::apply` it (which checks it again), then persist event and projection.

mod due;
mod event;
mod graph;
mod plan;
mod projection;
mod replay_error;
mod state;
mod transition;

pub use due::{DueStatus, due_status};
pub use event::{CaseEvent, EventBody, OpenedItem};
pub use graph::PlanDefect;
pub use plan::{
    PlanError, plan_accept_all, plan_item_change, plan_open, plan_open_with, plan_recompute,
};
pub use projection::{CaseState, CaseStatus, ItemSnapshot, PROMISE_STEP};
pub use replay_error::ReplayError;
pub use state::{Action, ActionKind, ActorRole, ItemState, MissingMaterial};
pub use transition::{TransitionError, available_actions, decide};

#[cfg(test)]
mod tests;

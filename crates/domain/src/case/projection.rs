//! The case's current state, rebuilt from its events. Every `ItemChanged` is checked
//! again with `decide`, so a history that could not have happened is refused, not shown.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::event::{CaseEvent, EventBody, OpenedItem};
use super::graph::dependency_order;
use super::replay_error::{ChangeFault, ReplayError};
use super::state::{Action, ActorRole, ItemState, MissingMaterial};
use super::transition::decide;
use crate::china_time::date_in_china;

/// The projection of one case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseState {
    pub bundle: String,
    pub catalog_version: i64,
    pub applicant: String,
    pub opened_at: DateTime<Utc>,
    /// Keyed by item code.
    pub items: BTreeMap<String, ItemSnapshot>,
    /// `seq` of the last applied event; the next event must carry `last_seq + 1`.
    pub last_seq: u64,
    /// The bundle's promise to the applicant, fixed when the case was accepted (a
    /// [`PROMISE_STEP`] service step): the case's due date whatever its items forecast.
    #[serde(default)]
    pub promised_due_on: Option<NaiveDate>,
    /// The promise was computed for a year whose holiday notice was not out (national
    /// festival days only), and is shown as such.
    #[serde(default)]
    pub promised_due_provisional: bool,
}

/// The service step that fixes a case's promised due date: `{"due_on": "YYYY-MM-DD"}`.
/// A bundle with a promised limit (the newborn bundle's 33 working days) records it at
/// acceptance, so replay needs no calendar and early or late items never move the promise.
pub const PROMISE_STEP: &str = "promised";

impl EventBody {
    /// Whether [`CaseState::apply`] leaves a case as it was but for its sequence number: a
    /// service's own step other than the promise. A writer appending only such events needs
    /// the case's head (version, status, due date), not the replay of its whole history.
    pub fn leaves_state_unchanged(&self) -> bool {
        matches!(self, EventBody::Service { step, .. } if step != PROMISE_STEP)
    }
}

/// Where one item stands, with the dates a supervisor and the applicant need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemSnapshot {
    pub state: ItemState,
    /// From the plan copied into `Opened`.
    pub limit_working_days: Option<u32>,
    pub depends_on: Vec<String>,
    pub accepted_on: Option<NaiveDate>,
    pub started_on: Option<NaiveDate>,
    /// Set when the item reaches any terminal state.
    pub finished_on: Option<NaiveDate>,
    /// The due date in force: planned at acceptance, re-planned at start.
    pub due_on: Option<NaiveDate>,
    /// `due_on` is a forecast over a year without a published holiday notice ("预计").
    #[serde(default)]
    pub due_on_provisional: bool,
    /// The open one-time supplement notice; cleared once the applicant resubmits.
    pub missing: Vec<MissingMaterial>,
    pub certificate_ref: Option<String>,
    /// The last reason given (refusal, denial, withdrawal or a note).
    pub reason: Option<String>,
}

/// The case as a whole, as lists and the applicant's page show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    /// Some item is not terminal.
    Open,
    /// Every item is terminal and at least one was decided (done or denied).
    Done,
    /// Every item is terminal, none decided, at least one refused.
    Refused,
    /// Every item was withdrawn.
    Withdrawn,
}

impl CaseStatus {
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Open => "未办结",
            Self::Done => "已办结",
            Self::Refused => "不予受理",
            Self::Withdrawn => "已撤回",
        }
    }
}

/// One item change, as an event carries it, before it has a seq.
pub(super) struct Change<'a> {
    pub item: &'a str,
    pub action: &'a Action,
    pub reason: Option<&'a str>,
    pub due_on: Option<NaiveDate>,
    pub due_on_provisional: bool,
    pub role: ActorRole,
    pub on: NaiveDate,
}

impl ItemSnapshot {
    fn planned(item: &OpenedItem) -> Self {
        Self {
            state: ItemState::Submitted,
            limit_working_days: item.limit_working_days,
            depends_on: item.depends_on.clone(),
            accepted_on: None,
            started_on: None,
            finished_on: None,
            due_on: None,
            due_on_provisional: false,
            missing: Vec::new(),
            certificate_ref: None,
            reason: None,
        }
    }

    /// Records the move to `next`, already allowed by `decide`.
    pub(super) fn record(&mut self, next: ItemState, change: &Change<'_>) {
        self.state = next;
        match (next, change.action) {
            (ItemState::Accepted, _) => self.accepted_on = Some(change.on),
            (ItemState::InProgress, _) => self.started_on = Some(change.on),
            (_, Action::RequestSupplement { missing }) => self.missing = missing.clone(),
            (_, Action::Resubmit) => self.missing.clear(),
            (_, Action::Complete { certificate_ref }) => {
                self.certificate_ref = certificate_ref.clone()
            }
            _ => {}
        }
        if next.is_terminal() {
            self.finished_on = Some(change.on);
        }
        if change.due_on.is_some() {
            self.due_on = change.due_on;
            self.due_on_provisional = change.due_on_provisional;
        }
        if let Some(reason) = change.action.reason().or(change.reason) {
            self.reason = Some(reason.to_string());
        }
    }
}

impl CaseState {
    /// Rebuilds the state from a whole history. No calendar: due dates are in the events.
    pub fn replay(events: &[CaseEvent]) -> Result<CaseState, ReplayError> {
        let (first, rest) = events.split_first().ok_or(ReplayError::Empty)?;
        let mut state = Self::open(first)?;
        let mut keys = BTreeMap::from([(first.idempotency_key.as_str(), first.seq)]);
        for event in rest {
            if keys.insert(&event.idempotency_key, event.seq).is_some() {
                return Err(ReplayError::DuplicateIdempotencyKey {
                    seq: event.seq,
                    key: event.idempotency_key.clone(),
                });
            }
            state.apply(event)?;
        }
        Ok(state)
    }

    fn open(event: &CaseEvent) -> Result<CaseState, ReplayError> {
        let EventBody::Opened {
            bundle,
            catalog_version,
            applicant,
            items,
        } = &event.body
        else {
            return Err(ReplayError::NotOpenedFirst);
        };
        if event.seq != 1 {
            return Err(ReplayError::SeqGap {
                expected: 1,
                found: event.seq,
            });
        }
        let plan: Vec<(&str, &[String])> = items
            .iter()
            .map(|i| (i.item.as_str(), i.depends_on.as_slice()))
            .collect();
        dependency_order(&plan).map_err(ReplayError::InvalidPlan)?;
        Ok(CaseState {
            bundle: bundle.clone(),
            catalog_version: *catalog_version,
            applicant: applicant.clone(),
            opened_at: event.at,
            items: items
                .iter()
                .map(|i| (i.item.clone(), ItemSnapshot::planned(i)))
                .collect(),
            last_seq: 1,
            promised_due_on: None,
            promised_due_provisional: false,
        })
    }

    /// Applies the next event. On error the state is unchanged.
    pub fn apply(&mut self, event: &CaseEvent) -> Result<(), ReplayError> {
        let expected = self.last_seq + 1;
        if event.seq != expected {
            return Err(ReplayError::SeqGap {
                expected,
                found: event.seq,
            });
        }
        let (item, action, reason, due_on, due_on_provisional) = match &event.body {
            EventBody::ItemChanged {
                item,
                action,
                reason,
                due_on,
                due_on_provisional,
            } => (item, action, reason, due_on, *due_on_provisional),
            EventBody::DueDateRecomputed {
                item,
                from,
                to,
                provisional,
            } => {
                self.recompute(item, *from, *to, *provisional)
                    .map_err(|fault| fault.at(event.seq, item))?;
                self.last_seq = event.seq;
                return Ok(());
            }
            // A service's own step moves no item; it only takes its place in the history.
            EventBody::Service { step, detail } => {
                if step == PROMISE_STEP {
                    self.promised_due_on = promised_date(detail)
                        .ok_or(ReplayError::BadPromise { seq: event.seq })?
                        .into();
                    self.promised_due_provisional =
                        detail["provisional"].as_bool().unwrap_or(false);
                }
                self.last_seq = event.seq;
                return Ok(());
            }
            EventBody::Opened { .. } => return Err(ReplayError::OpenedAgain { seq: event.seq }),
        };
        let change = Change {
            item,
            action,
            reason: reason.as_deref(),
            due_on: *due_on,
            due_on_provisional,
            role: event.role,
            on: date_in_china(event.at),
        };
        self.apply_change(&change)
            .map_err(|fault| fault.at(event.seq, item))?;
        self.last_seq = event.seq;
        Ok(())
    }

    /// Checks one change against the rules and records it.
    pub(super) fn apply_change(&mut self, change: &Change<'_>) -> Result<(), ChangeFault> {
        let deps_done = self.deps_done(change.item);
        let snapshot = self
            .items
            .get_mut(change.item)
            .ok_or(ChangeFault::UnknownItem)?;
        let next = decide(snapshot.state, change.action, change.role, deps_done)
            .map_err(ChangeFault::Transition)?;
        // A due date belongs exactly to the moves that plan one, for items with a limit.
        let plans_due = matches!(next, ItemState::Accepted | ItemState::InProgress)
            && snapshot.limit_working_days.is_some();
        if plans_due != change.due_on.is_some() {
            return Err(ChangeFault::DueDateMismatch);
        }
        snapshot.record(next, change);
        Ok(())
    }

    /// Replaces a provisional due date: only an item whose due date is `from` and
    /// provisional can be recomputed, so a replayed history can't move a final date.
    fn recompute(
        &mut self,
        item: &str,
        from: NaiveDate,
        to: NaiveDate,
        provisional: bool,
    ) -> Result<(), ChangeFault> {
        let snapshot = self.items.get_mut(item).ok_or(ChangeFault::UnknownItem)?;
        if snapshot.due_on != Some(from) || !snapshot.due_on_provisional {
            return Err(ChangeFault::DueDateMismatch);
        }
        snapshot.due_on = Some(to);
        snapshot.due_on_provisional = provisional;
        Ok(())
    }

    /// Whether the case's due date (the promise, or the latest of its items) is still a
    /// forecast.
    pub fn due_on_provisional(&self) -> bool {
        if self.promised_due_on.is_some() {
            return self.promised_due_provisional;
        }
        let due = self.due_on();
        self.items
            .values()
            .any(|i| i.due_on_provisional && i.due_on == due)
    }

    /// Whether every item `item` depends on is done (false for an unknown item).
    pub fn deps_done(&self, item: &str) -> bool {
        self.items.get(item).is_some_and(|snapshot| {
            snapshot.depends_on.iter().all(|dep| {
                self.items
                    .get(dep)
                    .is_some_and(|d| d.state == ItemState::Done)
            })
        })
    }

    pub fn status(&self) -> CaseStatus {
        let states: Vec<ItemState> = self.items.values().map(|i| i.state).collect();
        if states.iter().any(|s| !s.is_terminal()) {
            CaseStatus::Open
        } else if states
            .iter()
            .any(|s| matches!(s, ItemState::Done | ItemState::Denied))
        {
            CaseStatus::Done
        } else if states.contains(&ItemState::Refused) {
            CaseStatus::Refused
        } else {
            CaseStatus::Withdrawn
        }
    }

    /// The case's due date: the promise fixed at acceptance when the bundle makes one,
    /// else the latest due date of its items (the critical path's end).
    pub fn due_on(&self) -> Option<NaiveDate> {
        self.promised_due_on
            .or_else(|| self.items.values().filter_map(|i| i.due_on).max())
    }
}

/// The date a promise step carries.
fn promised_date(detail: &serde_json::Value) -> Option<NaiveDate> {
    detail["due_on"].as_str()?.parse().ok()
}

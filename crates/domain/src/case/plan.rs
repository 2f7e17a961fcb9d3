//! Planning events: what the store calls before appending. Planning checks the rules
//! and decides the due date with the calendar; the event then freezes that date.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use thiserror::Error;

use super::event::{EventBody, OpenedItem};
use super::graph::{PlanDefect, dependency_order};
use super::projection::{CaseState, Change, ItemSnapshot};
use super::state::{Action, ActorRole, ItemState};
use super::transition::{TransitionError, decide};
use crate::calendar::{Calendar, CalendarError, Dated};
use crate::catalog::model::Bundle;

/// Why a change cannot be planned.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PlanError {
    #[error(transparent)]
    Transition(#[from] TransitionError),
    #[error(transparent)]
    Calendar(#[from] CalendarError),
    #[error("item {0} is not in the case")]
    UnknownItem(String),
    #[error("invalid item plan: {0}")]
    InvalidPlan(#[from] PlanDefect),
}

impl PlanError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Transition(e) => e.code(),
            Self::Calendar(e) => e.code(),
            Self::UnknownItem(_) => "UNKNOWN_ITEM",
            Self::InvalidPlan(_) => "INVALID_PLAN",
        }
    }

    /// The Chinese message shown to the person who asked for the change.
    pub fn message_zh(&self) -> String {
        match self {
            Self::Transition(e) => e.message_zh(),
            Self::Calendar(e) => e.message_zh(),
            Self::UnknownItem(item) => format!("该办件不包含事项 {item}"),
            Self::InvalidPlan(defect) => format!("事项依赖关系无效：{defect}"),
        }
    }
}

/// The `Opened` event for a new case of `bundle`, with its item plan copied in.
pub fn plan_open(
    bundle: &Bundle,
    catalog_version: i64,
    applicant: &str,
) -> Result<EventBody, PlanError> {
    plan_open_with(bundle, catalog_version, applicant, &[])
}

/// As [`plan_open`], with the optional items `with` names (`Bundle::items_for`).
pub fn plan_open_with(
    bundle: &Bundle,
    catalog_version: i64,
    applicant: &str,
    with: &[String],
) -> Result<EventBody, PlanError> {
    let items = bundle.items_for(with);
    let plan: Vec<(&str, &[String])> = items
        .iter()
        .map(|i| (i.item.as_str(), i.depends_on.as_slice()))
        .collect();
    dependency_order(&plan)?;
    Ok(EventBody::Opened {
        bundle: bundle.code.clone(),
        catalog_version,
        applicant: applicant.to_string(),
        items: items
            .iter()
            .map(|i| OpenedItem {
                item: i.item.clone(),
                limit_working_days: i.limit_working_days,
                depends_on: i.depends_on.clone(),
            })
            .collect(),
    })
}

/// Plans `action` by `role` on `item`, on the working day `on` (the China date of the
/// event's `at`: `china_time::date_in_china`). Returns the `ItemChanged` body to append.
pub fn plan_item_change(
    state: &CaseState,
    item: &str,
    action: Action,
    role: ActorRole,
    on: NaiveDate,
    calendar: &Calendar,
) -> Result<EventBody, PlanError> {
    let (_, due) = plan_move(state, item, &action, role, on, calendar)?;
    Ok(EventBody::ItemChanged {
        item: item.to_string(),
        reason: action.reason().map(str::to_string),
        action,
        due_on: due.map(|d| d.date),
        due_on_provisional: due.is_some_and(|d| d.provisional),
    })
}

/// Accepts every `Submitted` item at once, dependencies first, so each item's due date
/// follows the due dates just planned for the items it waits for (NB-5, NB-6). Items in
/// other states are left alone; an empty result means nothing was waiting.
pub fn plan_accept_all(
    state: &CaseState,
    role: ActorRole,
    on: NaiveDate,
    calendar: &Calendar,
) -> Result<Vec<EventBody>, PlanError> {
    let mut scratch = state.clone();
    let mut bodies = Vec::new();
    for code in dependency_order(&plan_of(state))? {
        let submitted = scratch
            .items
            .get(&code)
            .is_some_and(|i| i.state == ItemState::Submitted);
        if !submitted {
            continue;
        }
        let body = plan_item_change(&scratch, &code, Action::Accept, role, on, calendar)?;
        if let EventBody::ItemChanged {
            due_on,
            due_on_provisional,
            ..
        } = &body
        {
            let change = Change {
                item: &code,
                action: &Action::Accept,
                reason: None,
                due_on: *due_on,
                due_on_provisional: *due_on_provisional,
                role,
                on,
            };
            if let Some(snapshot) = scratch.items.get_mut(&code) {
                snapshot.record(ItemState::Accepted, &change);
            }
        }
        bodies.push(body);
    }
    Ok(bodies)
}

/// Checks the move and decides the due date to freeze with it.
fn plan_move(
    state: &CaseState,
    item: &str,
    action: &Action,
    role: ActorRole,
    on: NaiveDate,
    calendar: &Calendar,
) -> Result<(ItemState, Option<Dated>), PlanError> {
    let snapshot = state
        .items
        .get(item)
        .ok_or_else(|| PlanError::UnknownItem(item.to_string()))?;
    let next = decide(snapshot.state, action, role, state.deps_done(item))?;
    let Some(limit) = snapshot.limit_working_days else {
        return Ok((next, None));
    };
    let due = match next {
        ItemState::Accepted => Some(accept_due(state, snapshot, limit, on, calendar)?),
        ItemState::InProgress => Some(start_due(state, snapshot, limit, on, calendar)?),
        _ => None,
    };
    Ok((next, due))
}

/// At acceptance: the limit counts from the day the item's dependencies are due to
/// finish (their planned chain), or from acceptance if it has none. So the newborn
/// card accepted on D is due D+1+2+30 = D+33 working days, the bundle's promise.
fn accept_due(
    state: &CaseState,
    snapshot: &ItemSnapshot,
    limit: u32,
    on: NaiveDate,
    calendar: &Calendar,
) -> Result<Dated, PlanError> {
    let ends = chain_ends(state, on, calendar)?;
    let start = latest(&snapshot.depends_on, &ends, on);
    Ok(walk(calendar, start, limit)?)
}

/// The latest end among `deps`, or `on`; provisional if the one chosen is.
fn latest(deps: &[String], ends: &BTreeMap<String, Dated>, on: NaiveDate) -> Dated {
    deps.iter()
        .filter_map(|dep| ends.get(dep).copied())
        .fold(Dated::final_date(on), |a, b| {
            if b.date > a.date || (b.date == a.date && b.provisional) {
                b
            } else {
                a
            }
        })
}

/// `limit` working days after `start`; provisional if `start` was or the walk reaches a
/// year without a published notice (work goes on at the year end, the date is marked).
fn walk(calendar: &Calendar, start: Dated, limit: u32) -> Result<Dated, CalendarError> {
    let due = calendar.add_working_days_provisional(start.date, limit)?;
    Ok(Dated {
        date: due.date,
        provisional: due.provisional || start.provisional,
    })
}

/// At start: an item with dependencies is re-planned from the day its last dependency
/// actually finished (not before its acceptance), so a late dependency shifts it and
/// is not blamed on its department. The clock starts when the result arrived, not
/// when the handler pressed Start, so sitting on a ready item still shows as late.
/// An item without dependencies keeps the due date planned at acceptance.
fn start_due(
    state: &CaseState,
    snapshot: &ItemSnapshot,
    limit: u32,
    on: NaiveDate,
    calendar: &Calendar,
) -> Result<Dated, PlanError> {
    let accepted = snapshot.accepted_on.unwrap_or(on);
    if snapshot.depends_on.is_empty() {
        if let Some(due) = snapshot.due_on {
            return Ok(Dated {
                date: due,
                provisional: snapshot.due_on_provisional,
            });
        }
        return Ok(walk(calendar, Dated::final_date(accepted), limit)?);
    }
    let start = snapshot
        .depends_on
        .iter()
        .filter_map(|dep| state.items.get(dep).and_then(|d| d.finished_on))
        .fold(accepted, Ord::max);
    Ok(walk(calendar, Dated::final_date(start), limit)?)
}

/// The day each item is expected to finish: its finish date if terminal, its frozen due
/// date if it has one, else planned from its dependencies (no limit: it adds no days).
fn chain_ends(
    state: &CaseState,
    on: NaiveDate,
    calendar: &Calendar,
) -> Result<BTreeMap<String, Dated>, PlanError> {
    let mut ends = BTreeMap::new();
    for code in dependency_order(&plan_of(state))? {
        let Some(item) = state.items.get(&code) else {
            continue;
        };
        let end = match (item.finished_on, item.due_on) {
            (Some(end), _) => Dated::final_date(end),
            (None, Some(due)) => Dated {
                date: due,
                provisional: item.due_on_provisional,
            },
            (None, None) => {
                let start = latest(&item.depends_on, &ends, on);
                walk(calendar, start, item.limit_working_days.unwrap_or(0))?
            }
        };
        ends.insert(code, end);
    }
    Ok(ends)
}

/// Once a missing year's notice is loaded: every open item whose due date is provisional
/// gets it recomputed by the same rule that planned it (from acceptance and the chain of
/// its dependencies, or from the day its dependencies finished if it has started),
/// dependencies first so a recomputed registration moves the card after it. Returns one
/// `DueDateRecomputed` per item whose date or flag changed; empty if nothing was
/// provisional or the notice still doesn't reach.
pub fn plan_recompute(state: &CaseState, calendar: &Calendar) -> Result<Vec<EventBody>, PlanError> {
    let mut scratch = state.clone();
    let mut bodies = Vec::new();
    for code in dependency_order(&plan_of(state))? {
        let Some(item) = scratch.items.get(&code) else {
            continue;
        };
        let (Some(from), Some(limit), Some(accepted)) =
            (item.due_on, item.limit_working_days, item.accepted_on)
        else {
            continue;
        };
        if !item.due_on_provisional || item.state.is_terminal() {
            continue;
        }
        let mut fresh = item.clone();
        fresh.due_on = None;
        let due = match item.started_on {
            Some(started) => start_due(&scratch, &fresh, limit, started, calendar)?,
            None => {
                let mut without = scratch.clone();
                if let Some(own) = without.items.get_mut(&code) {
                    own.due_on = None;
                }
                accept_due(&without, &fresh, limit, accepted, calendar)?
            }
        };
        if due.date == from && due.provisional {
            continue;
        }
        if let Some(own) = scratch.items.get_mut(&code) {
            own.due_on = Some(due.date);
            own.due_on_provisional = due.provisional;
        }
        bodies.push(EventBody::DueDateRecomputed {
            item: code,
            from,
            to: due.date,
            provisional: due.provisional,
        });
    }
    Ok(bodies)
}

fn plan_of(state: &CaseState) -> Vec<(&str, &[String])> {
    state
        .items
        .iter()
        .map(|(code, item)| (code.as_str(), item.depends_on.as_slice()))
        .collect()
}

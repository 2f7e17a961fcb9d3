//! The one table of allowed transitions, and the two functions read from it:
//! `decide` (may this happen, and where does it lead) and `available_actions` (which
//! buttons to show). Both read `RULES`, so they cannot disagree.

use thiserror::Error;

use super::state::{Action, ActionKind, ActorRole, ItemState};

use ActorRole::{Acceptor, Applicant, Handler, System};

/// One allowed move: from a state, by an action kind, by one of some roles, to a state.
struct Rule {
    from: ItemState,
    action: ActionKind,
    roles: &'static [ActorRole],
    /// The item's dependencies must all be done (NB-7: a result feeds the next item).
    needs_deps: bool,
    to: ItemState,
}

const WINDOW: &[ActorRole] = &[Acceptor, System];
const DEPARTMENT: &[ActorRole] = &[Handler, System];
const APPLICANT: &[ActorRole] = &[Applicant];

const fn rule(
    from: ItemState,
    action: ActionKind,
    roles: &'static [ActorRole],
    to: ItemState,
) -> Rule {
    Rule {
        from,
        action,
        roles,
        needs_deps: false,
        to,
    }
}

/// Supervisors appear nowhere: they urge (催办), they do not move items.
const RULES: &[Rule] = &[
    rule(
        ItemState::Submitted,
        ActionKind::Accept,
        WINDOW,
        ItemState::Accepted,
    ),
    rule(
        ItemState::Submitted,
        ActionKind::RequestSupplement,
        WINDOW,
        ItemState::NeedsSupplement,
    ),
    rule(
        ItemState::Submitted,
        ActionKind::Refuse,
        WINDOW,
        ItemState::Refused,
    ),
    rule(
        ItemState::NeedsSupplement,
        ActionKind::Resubmit,
        APPLICANT,
        ItemState::Submitted,
    ),
    Rule {
        from: ItemState::Accepted,
        action: ActionKind::Start,
        roles: DEPARTMENT,
        needs_deps: true,
        to: ItemState::InProgress,
    },
    rule(
        ItemState::InProgress,
        ActionKind::Complete,
        DEPARTMENT,
        ItemState::Done,
    ),
    rule(
        ItemState::InProgress,
        ActionKind::Deny,
        DEPARTMENT,
        ItemState::Denied,
    ),
    // A department may decide against the applicant before it starts: the bureau refusing a
    // claim whose data never came, or a department whose prerequisite was denied.
    rule(
        ItemState::Accepted,
        ActionKind::Deny,
        DEPARTMENT,
        ItemState::Denied,
    ),
    // Withdrawal stops once a department is working on the item: its work is not undone.
    rule(
        ItemState::Submitted,
        ActionKind::Withdraw,
        APPLICANT,
        ItemState::Withdrawn,
    ),
    rule(
        ItemState::NeedsSupplement,
        ActionKind::Withdraw,
        APPLICANT,
        ItemState::Withdrawn,
    ),
    rule(
        ItemState::Accepted,
        ActionKind::Withdraw,
        APPLICANT,
        ItemState::Withdrawn,
    ),
];

/// Why an action was refused. `code()` is the stable machine code for the API.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TransitionError {
    #[error("{action:?} by {role:?} is not allowed on an item in state {from:?}")]
    NotAllowed {
        from: ItemState,
        action: ActionKind,
        role: ActorRole,
    },
    #[error("the item's state {state:?} is terminal")]
    AlreadyTerminal { state: ItemState },
    #[error("the item's dependencies are not all done")]
    DependenciesPending,
    #[error("a supplement request must list at least one missing material")]
    EmptyMissingList,
    #[error("a reason is required")]
    EmptyReason,
}

impl TransitionError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotAllowed { .. } | Self::AlreadyTerminal { .. } => "INVALID_STATE",
            Self::DependenciesPending => "DEPENDENCIES_PENDING",
            Self::EmptyMissingList => "MISSING_LIST_EMPTY",
            Self::EmptyReason => "REASON_REQUIRED",
        }
    }

    pub fn message_zh(&self) -> String {
        match self {
            Self::NotAllowed { from, action, role } => format!(
                "事项处于“{}”状态，{}不能执行“{}”",
                from.label_zh(),
                role.label_zh(),
                action.label_zh()
            ),
            Self::AlreadyTerminal { state } => {
                format!("事项已是“{}”状态，不能再变更", state.label_zh())
            }
            Self::DependenciesPending => "前置事项尚未办结，暂不能开始办理".to_string(),
            Self::EmptyMissingList => "一次性告知补正须列明全部缺少的材料".to_string(),
            Self::EmptyReason => "请填写理由".to_string(),
        }
    }
}

fn find_rule(from: ItemState, action: ActionKind, role: ActorRole) -> Option<&'static Rule> {
    RULES
        .iter()
        .find(|r| r.from == from && r.action == action && r.roles.contains(&role))
}

/// Checks the action's own payload, independent of state.
fn check_payload(action: &Action) -> Result<(), TransitionError> {
    if let Action::RequestSupplement { missing } = action
        && missing.is_empty()
    {
        return Err(TransitionError::EmptyMissingList);
    }
    match action.reason() {
        Some(reason) if reason.trim().is_empty() => Err(TransitionError::EmptyReason),
        _ => Ok(()),
    }
}

/// Decides whether `role` may take `action` on an item in `state`, and returns the new
/// state. `deps_done`: every item this one depends on is `Done`.
pub fn decide(
    state: ItemState,
    action: &Action,
    role: ActorRole,
    deps_done: bool,
) -> Result<ItemState, TransitionError> {
    if state.is_terminal() {
        return Err(TransitionError::AlreadyTerminal { state });
    }
    let kind = action.kind();
    let rule = find_rule(state, kind, role).ok_or(TransitionError::NotAllowed {
        from: state,
        action: kind,
        role,
    })?;
    check_payload(action)?;
    if rule.needs_deps && !deps_done {
        return Err(TransitionError::DependenciesPending);
    }
    Ok(rule.to)
}

/// The actions `role` can take now, in `ActionKind::ALL` order. An action that would be
/// refused only for an empty payload (reason, missing list) is listed: the form asks.
pub fn available_actions(state: ItemState, role: ActorRole, deps_done: bool) -> Vec<ActionKind> {
    ActionKind::ALL
        .into_iter()
        .filter(|&kind| find_rule(state, kind, role).is_some_and(|r| deps_done || !r.needs_deps))
        .collect()
}

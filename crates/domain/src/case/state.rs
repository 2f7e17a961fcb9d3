//! The vocabulary of the case engine: an item's states, the actions that move it and
//! the roles that may take them. Plain data; the rules live in `transition`.

use serde::{Deserialize, Serialize};

/// Where one item of a case stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ItemState {
    /// 已提交: applied for, not yet looked at by the window.
    Submitted,
    /// 已受理: accepted; waits for its department (and its dependencies) to start.
    Accepted,
    /// 待补正: the applicant was told all missing materials at once (一次性告知补正).
    NeedsSupplement,
    /// 不予受理: the window refused the application, with reasons (NB-5).
    Refused,
    /// 办理中: the owning department is handling it.
    InProgress,
    /// 已办结: finished with a result.
    Done,
    /// 不予办理: the department decided against the applicant, with reasons.
    Denied,
    /// 已撤回: the applicant withdrew it before handling began.
    Withdrawn,
}

impl ItemState {
    pub const ALL: [ItemState; 8] = [
        Self::Submitted,
        Self::Accepted,
        Self::NeedsSupplement,
        Self::Refused,
        Self::InProgress,
        Self::Done,
        Self::Denied,
        Self::Withdrawn,
    ];

    /// A terminal state allows no further action.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            Self::Refused | Self::Done | Self::Denied | Self::Withdrawn
        )
    }

    /// The clerk-facing name of the state.
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Submitted => "已提交",
            Self::Accepted => "已受理",
            Self::NeedsSupplement => "待补正",
            Self::Refused => "不予受理",
            Self::InProgress => "办理中",
            Self::Done => "已办结",
            Self::Denied => "不予办理",
            Self::Withdrawn => "已撤回",
        }
    }

    /// The applicant-facing progress pushed to the mother (NB-8): only two values,
    /// because the applicant cares whether anything is still pending.
    pub fn progress_zh(self) -> &'static str {
        if self.is_terminal() {
            "已办结"
        } else {
            "未办结"
        }
    }
}

/// One material the applicant still has to supply, with the reason it is needed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MissingMaterial {
    /// Stable material code, used by the notice template and the applicant's page.
    pub code: String,
    pub name: String,
    pub reason: String,
}

/// Something a person or system does to an item. The payload travels in the event,
/// so the history shows what was asked for, not only where the item ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Action {
    Accept,
    /// 一次性告知补正: every missing material in one list, never one at a time.
    RequestSupplement {
        missing: Vec<MissingMaterial>,
    },
    /// The applicant supplies the requested materials.
    Resubmit,
    Refuse {
        reason: String,
    },
    Start,
    Complete {
        /// Reference of the electronic certificate (电子证照) the next item can use (EX-6).
        certificate_ref: Option<String>,
    },
    Deny {
        reason: String,
    },
    Withdraw {
        reason: String,
    },
}

impl Action {
    pub fn kind(&self) -> ActionKind {
        match self {
            Self::Accept => ActionKind::Accept,
            Self::RequestSupplement { .. } => ActionKind::RequestSupplement,
            Self::Resubmit => ActionKind::Resubmit,
            Self::Refuse { .. } => ActionKind::Refuse,
            Self::Start => ActionKind::Start,
            Self::Complete { .. } => ActionKind::Complete,
            Self::Deny { .. } => ActionKind::Deny,
            Self::Withdraw { .. } => ActionKind::Withdraw,
        }
    }

    /// The reason carried by refusals, denials and withdrawals.
    pub fn reason(&self) -> Option<&str> {
        match self {
            Self::Refuse { reason } | Self::Deny { reason } | Self::Withdraw { reason } => {
                Some(reason)
            }
            _ => None,
        }
    }
}

/// The fieldless mirror of `Action`, for tables, buttons and error messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    Accept,
    RequestSupplement,
    Resubmit,
    Refuse,
    Start,
    Complete,
    Deny,
    Withdraw,
}

impl ActionKind {
    pub const ALL: [ActionKind; 8] = [
        Self::Accept,
        Self::RequestSupplement,
        Self::Resubmit,
        Self::Refuse,
        Self::Start,
        Self::Complete,
        Self::Deny,
        Self::Withdraw,
    ];

    /// The button label.
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Accept => "受理",
            Self::RequestSupplement => "一次性告知补正",
            Self::Resubmit => "提交补正材料",
            Self::Refuse => "不予受理",
            Self::Start => "开始办理",
            Self::Complete => "办结",
            Self::Deny => "不予办理",
            Self::Withdraw => "撤回",
        }
    }
}

/// Who acts on a case. Mapping signed-in users to a role is the web layer's job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ActorRole {
    /// The mother, the insured person or the employer who applied.
    Applicant,
    /// The window clerk (agency or hospital one-window counter) who accepts applications.
    Acceptor,
    /// The officer or system of the department that owns the item.
    Handler,
    /// Watches deadlines and urges; never changes an item's state.
    Supervisor,
    /// The platform itself, e.g. automatic acceptance when all shared data is present.
    System,
}

impl ActorRole {
    pub const ALL: [ActorRole; 5] = [
        Self::Applicant,
        Self::Acceptor,
        Self::Handler,
        Self::Supervisor,
        Self::System,
    ];

    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Applicant => "申请人",
            Self::Acceptor => "受理人员",
            Self::Handler => "承办人员",
            Self::Supervisor => "监督人员",
            Self::System => "系统",
        }
    }
}

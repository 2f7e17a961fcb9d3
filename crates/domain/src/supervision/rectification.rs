//! A bad rating's rectification (差评整改, SV-1; seed 004 二(二)): opened `open` by the
//! rating, owned by the department and office that handled the case (or the rated item);
//! the owner records its investigation (调查核实) and then the rectification (整改), which
//! makes it `rectified`; the revisit of the citizen (回访) makes it `revisited`, the only
//! closed state. No move skips a step, so a task can't be closed without its revisit.

use serde::Serialize;

/// Where a rectification stands (contract.md "Supervision": `open`, `rectified`,
/// `revisited`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RectificationStatus {
    Open,
    Rectified,
    Revisited,
}

impl RectificationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Rectified => "rectified",
            Self::Revisited => "revisited",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::Open, Self::Rectified, Self::Revisited]
            .into_iter()
            .find(|s| s.as_str() == text)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Open => "待整改",
            Self::Rectified => "已整改待回访",
            Self::Revisited => "已回访",
        }
    }
}

/// What the citizen said at the revisit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RevisitOutcome {
    Satisfied,
    Unsatisfied,
    /// The citizen could not be reached after the attempts the note records.
    Unreachable,
}

impl RevisitOutcome {
    pub const ALL: [RevisitOutcome; 3] = [Self::Satisfied, Self::Unsatisfied, Self::Unreachable];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Satisfied => "satisfied",
            Self::Unsatisfied => "unsatisfied",
            Self::Unreachable => "unreachable",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.as_str() == text)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Satisfied => "满意",
            Self::Unsatisfied => "不满意",
            Self::Unreachable => "联系不上",
        }
    }
}

/// A move on a rectification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RectificationMove {
    /// The owner records (or amends) what the investigation found.
    Investigate,
    /// The owner records what was put right.
    Rectify,
    /// The supervisor's office records the revisit.
    Revisit,
}

impl RectificationMove {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Investigate => "investigate",
            Self::Rectify => "rectify",
            Self::Revisit => "revisit",
        }
    }
}

/// The status after `step`, or why it can't be taken now (a Chinese message).
pub fn decide(
    status: RectificationStatus,
    investigated: bool,
    step: RectificationMove,
) -> Result<RectificationStatus, &'static str> {
    use RectificationMove as M;
    use RectificationStatus as S;
    match (status, step) {
        (S::Open, M::Investigate) => Ok(S::Open),
        (S::Open, M::Rectify) if investigated => Ok(S::Rectified),
        (S::Open, M::Rectify) => Err("请先记录调查核实情况，再记录整改"),
        (S::Open, M::Revisit) => Err("尚未整改，整改后才能回访"),
        (S::Rectified, M::Revisit) => Ok(S::Revisited),
        (S::Rectified, _) => Err("已整改，只能回访"),
        (S::Revisited, _) => Err("已回访，整改任务已办结"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use RectificationMove as M;
    use RectificationStatus as S;

    #[test]
    fn the_only_way_to_close_is_investigate_rectify_revisit() {
        assert_eq!(decide(S::Open, false, M::Investigate), Ok(S::Open));
        assert!(decide(S::Open, false, M::Rectify).is_err());
        assert_eq!(decide(S::Open, true, M::Rectify), Ok(S::Rectified));
        assert!(decide(S::Open, true, M::Revisit).is_err());
        assert_eq!(decide(S::Rectified, true, M::Revisit), Ok(S::Revisited));
        for step in [M::Investigate, M::Rectify, M::Revisit] {
            assert!(decide(S::Revisited, true, step).is_err());
        }
        assert!(decide(S::Rectified, true, M::Rectify).is_err());
    }

    #[test]
    fn names_round_trip() {
        for s in [S::Open, S::Rectified, S::Revisited] {
            assert_eq!(S::parse(s.as_str()), Some(s));
        }
        for o in RevisitOutcome::ALL {
            assert_eq!(RevisitOutcome::parse(o.as_str()), Some(o));
        }
    }
}

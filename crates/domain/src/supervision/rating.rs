//! 好差评 (SV-1, seed 003 八): a score from 1 to 5 (一次一评 for the case, 一事一评 for each
//! item), reasons from a fixed dictionary, and a comment. A score of 2 or less is a bad
//! rating (差评), which opens a rectification.

use serde::Serialize;

/// The highest score that is a bad rating (非常不满意 1, 不满意 2).
pub const BAD_AT_MOST: i64 = 2;

/// The lowest score that is a good rating (满意 4, 非常满意 5); 3 is 基本满意.
pub const GOOD_AT_LEAST: i64 = 4;

/// Whether a score is a bad rating (差评).
pub fn is_bad(score: i64) -> bool {
    score <= BAD_AT_MOST
}

/// Whether a score is a good rating (好评).
pub fn is_good(score: i64) -> bool {
    score >= GOOD_AT_LEAST
}

/// The reason dictionary the rating form offers. Praise reasons go with scores of 3 or
/// more, complaints with scores of 3 or less, so a reason never contradicts its score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RatingReason {
    // Praise.
    Fast,
    NoVisit,
    FewMaterials,
    Courteous,
    ClearGuide,
    // Complaints.
    Slow,
    ManyVisits,
    TooManyMaterials,
    Discourteous,
    UnclearGuide,
    SystemTrouble,
    ResultWrong,
    Other,
}

impl RatingReason {
    pub const ALL: [RatingReason; 13] = [
        Self::Fast,
        Self::NoVisit,
        Self::FewMaterials,
        Self::Courteous,
        Self::ClearGuide,
        Self::Slow,
        Self::ManyVisits,
        Self::TooManyMaterials,
        Self::Discourteous,
        Self::UnclearGuide,
        Self::SystemTrouble,
        Self::ResultWrong,
        Self::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Fast => "FAST",
            Self::NoVisit => "NO_VISIT",
            Self::FewMaterials => "FEW_MATERIALS",
            Self::Courteous => "COURTEOUS",
            Self::ClearGuide => "CLEAR_GUIDE",
            Self::Slow => "SLOW",
            Self::ManyVisits => "MANY_VISITS",
            Self::TooManyMaterials => "TOO_MANY_MATERIALS",
            Self::Discourteous => "DISCOURTEOUS",
            Self::UnclearGuide => "UNCLEAR_GUIDE",
            Self::SystemTrouble => "SYSTEM_TROUBLE",
            Self::ResultWrong => "RESULT_WRONG",
            Self::Other => "OTHER",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Fast => "办理快捷",
            Self::NoVisit => "不用跑腿",
            Self::FewMaterials => "材料精简",
            Self::Courteous => "服务热情",
            Self::ClearGuide => "指南清楚",
            Self::Slow => "办理时间长",
            Self::ManyVisits => "多次跑动",
            Self::TooManyMaterials => "材料多或要求不清",
            Self::Discourteous => "服务态度差",
            Self::UnclearGuide => "办事指南不清楚",
            Self::SystemTrouble => "系统不好用",
            Self::ResultWrong => "办理结果有误",
            Self::Other => "其他",
        }
    }

    pub fn parse(code: &str) -> Option<RatingReason> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    /// A praise reason (else a complaint).
    pub fn is_praise(self) -> bool {
        matches!(
            self,
            Self::Fast | Self::NoVisit | Self::FewMaterials | Self::Courteous | Self::ClearGuide
        )
    }

    /// Whether the reason may go with `score`: praise with 3..5, complaints with 1..3,
    /// `OTHER` with any.
    pub fn fits(self, score: i64) -> bool {
        match self {
            Self::Other => true,
            r if r.is_praise() => score >= 3,
            _ => score <= 3,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_or_less_is_bad_four_or_more_is_good() {
        let bad: Vec<i64> = (1..=5).filter(|s| is_bad(*s)).collect();
        let good: Vec<i64> = (1..=5).filter(|s| is_good(*s)).collect();
        assert_eq!(bad, [1, 2]);
        assert_eq!(good, [4, 5]);
    }

    #[test]
    fn reasons_round_trip_and_fit_their_side() {
        for r in RatingReason::ALL {
            assert_eq!(RatingReason::parse(r.code()), Some(r));
        }
        assert!(RatingReason::Fast.fits(5) && !RatingReason::Fast.fits(2));
        assert!(RatingReason::Slow.fits(1) && !RatingReason::Slow.fits(4));
        assert!(RatingReason::Other.fits(1) && RatingReason::Other.fits(5));
        assert_eq!(RatingReason::parse("fast"), None);
    }
}

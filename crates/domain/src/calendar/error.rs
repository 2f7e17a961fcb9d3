//! Errors of the working-day calendar.

/// Why a working-day question could not be answered.
///
/// Both variants mean "no trustworthy answer": callers must surface them, never
/// fall back to the plain Monday–Friday rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// The State Council notice for this calendar year is not loaded, so any answer
    /// would be a guess.
    #[error("no holiday notice is published for {year}")]
    YearNotPublished { year: i32 },
    /// A notice file could not be used (bad JSON, bad date, contradictory entries...).
    #[error("invalid holiday calendar data: {reason}")]
    InvalidData { reason: String },
}

impl CalendarError {
    /// Stable machine-readable code, used by the API and the logs.
    pub fn code(&self) -> &'static str {
        match self {
            CalendarError::YearNotPublished { .. } => "CALENDAR_YEAR_NOT_PUBLISHED",
            CalendarError::InvalidData { .. } => "CALENDAR_DATA_INVALID",
        }
    }

    /// The message shown to staff and applicants.
    pub fn message_zh(&self) -> String {
        match self {
            CalendarError::YearNotPublished { year } => {
                format!("{year}年的节假日安排尚未发布，无法计算工作日")
            }
            CalendarError::InvalidData { reason } => {
                format!("节假日安排数据无效：{reason}")
            }
        }
    }

    pub(super) fn invalid(reason: impl Into<String>) -> CalendarError {
        CalendarError::InvalidData {
            reason: reason.into(),
        }
    }
}

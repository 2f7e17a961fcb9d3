//! The due-date watch (SV-3): where each item stands against its frozen due date, for
//! near-due and overdue lists and escalation.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::projection::ItemSnapshot;
use super::state::ItemState;
use crate::calendar::{Calendar, CalendarError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DueStatus {
    /// No due date: no limit, not yet accepted, or refused / withdrawn (nothing to watch).
    NoDeadline,
    OnTime,
    /// Open and due within the watch window (due today counts as near, not overdue).
    NearDue,
    /// Open and past its due date.
    Overdue,
    /// Decided (done or denied) on or before its due date.
    DoneOnTime,
    DoneLate,
}

impl DueStatus {
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::NoDeadline => "无时限",
            Self::OnTime => "正常",
            Self::NearDue => "即将到期",
            Self::Overdue => "已超期",
            Self::DoneOnTime => "按时办结",
            Self::DoneLate => "超期办结",
        }
    }
}

/// Classifies `item` on `today`. Near-due: at most `near_within_working_days` working
/// days left (0 = only items due today). Fails only if the calendar lacks a year.
pub fn due_status(
    item: &ItemSnapshot,
    today: NaiveDate,
    near_within_working_days: u32,
    calendar: &Calendar,
) -> Result<DueStatus, CalendarError> {
    let Some(due) = item.due_on else {
        return Ok(DueStatus::NoDeadline);
    };
    match item.state {
        // The applicant withdrew or the window refused: no department owes a result.
        ItemState::Refused | ItemState::Withdrawn => Ok(DueStatus::NoDeadline),
        ItemState::Done | ItemState::Denied => Ok(match item.finished_on {
            Some(finished) if finished > due => DueStatus::DoneLate,
            _ => DueStatus::DoneOnTime,
        }),
        _ if today > due => Ok(DueStatus::Overdue),
        _ => {
            let left = calendar.working_days_between(today, due)?;
            Ok(if left <= i64::from(near_within_working_days) {
                DueStatus::NearDue
            } else {
                DueStatus::OnTime
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    fn snapshot(state: ItemState, due: &str, finished: Option<&str>) -> ItemSnapshot {
        ItemSnapshot {
            state,
            limit_working_days: Some(2),
            depends_on: vec![],
            accepted_on: Some(date("2024-09-26")),
            started_on: None,
            finished_on: finished.map(date),
            due_on: Some(date(due)),
            due_on_provisional: false,
            missing: vec![],
            certificate_ref: None,
            reason: None,
        }
    }

    #[test]
    fn due_status_at_the_boundaries() {
        let cal = Calendar::shipped();
        let open = snapshot(ItemState::InProgress, "2024-09-30", None);
        let status = |item: &ItemSnapshot, today: &str, near| {
            due_status(item, date(today), near, &cal).expect("2024")
        };
        assert_eq!(
            status(&open, "2024-09-30", 0),
            DueStatus::NearDue,
            "due today is near, not overdue"
        );
        assert_eq!(status(&open, "2024-09-29", 0), DueStatus::OnTime);
        assert_eq!(status(&open, "2024-09-29", 1), DueStatus::NearDue);
        assert_eq!(
            status(&open, "2024-09-27", 1),
            DueStatus::OnTime,
            "Sat 09-28 is no working day"
        );
        assert_eq!(status(&open, "2024-09-27", 2), DueStatus::NearDue);
        assert_eq!(
            status(&open, "2024-10-08", 5),
            DueStatus::Overdue,
            "the next working day"
        );
        let done = |day| snapshot(ItemState::Done, "2024-09-30", Some(day));
        assert_eq!(
            status(&done("2024-09-30"), "2024-12-02", 0),
            DueStatus::DoneOnTime
        );
        assert_eq!(
            status(&done("2024-10-08"), "2024-12-02", 0),
            DueStatus::DoneLate
        );
        let withdrawn = snapshot(ItemState::Withdrawn, "2024-09-30", Some("2024-09-27"));
        assert_eq!(status(&withdrawn, "2024-12-02", 0), DueStatus::NoDeadline);
        let mut none = open.clone();
        none.due_on = None;
        assert_eq!(status(&none, "2024-12-02", 0), DueStatus::NoDeadline);
    }
}

//! The certificate counterfoil's handover (NB-11, 附件2 一(二)1.4): for bundle
//! certificates the issuing hospital gives the family the main page and hands the
//! counterfoil (副页) to the police station of its area each quarter, by the 30th of the
//! quarter's last month; both sides record the handover.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// A calendar quarter (`2025Q1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Quarter {
    year: i32,
    number: u32,
}

impl Quarter {
    pub fn of(date: NaiveDate) -> Quarter {
        Quarter {
            year: date.year(),
            number: (date.month() - 1) / 3 + 1,
        }
    }

    /// `2025Q1` (also `2025q1`).
    pub fn parse(text: &str) -> Option<Quarter> {
        let (year, number) = text.trim().split_once(['Q', 'q'])?;
        let year: i32 = year.parse().ok()?;
        let number: u32 = number.parse().ok()?;
        ((1..=4).contains(&number) && (2000..=2100).contains(&year))
            .then_some(Quarter { year, number })
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.number * 3 - 2, 1).unwrap_or(NaiveDate::MIN)
    }

    pub fn last_day(self) -> NaiveDate {
        let next = if self.number == 4 {
            NaiveDate::from_ymd_opt(self.year + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(self.year, self.number * 3 + 1, 1)
        };
        next.and_then(|d| d.pred_opt()).unwrap_or(NaiveDate::MAX)
    }

    /// The 30th of the quarter's last month (every such month has one): the deadline as
    /// the seed states it, a calendar date, not moved by holidays.
    pub fn handover_due(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.number * 3, 30).unwrap_or(NaiveDate::MAX)
    }

    pub fn previous(self) -> Quarter {
        if self.number == 1 {
            Quarter {
                year: self.year - 1,
                number: 4,
            }
        } else {
            Quarter {
                year: self.year,
                number: self.number - 1,
            }
        }
    }
}

impl std::fmt::Display for Quarter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}Q{}", self.year, self.number)
    }
}

/// Where a quarter's handover stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HandoverStatus {
    /// Not yet handed over, not yet due.
    Open,
    /// The hospital recorded handing it over; the police station has not confirmed.
    HandedOver,
    /// Both sides recorded it, on time.
    Received,
    /// Past the 30th without both records, or recorded after it.
    Late,
}

impl HandoverStatus {
    pub fn label_zh(self) -> &'static str {
        match self {
            HandoverStatus::Open => "待移交",
            HandoverStatus::HandedOver => "已移交待签收",
            HandoverStatus::Received => "已交接",
            HandoverStatus::Late => "逾期",
        }
    }
}

/// The status on `today` of a handover due on `due`.
pub fn handover_status(
    due: NaiveDate,
    handed_on: Option<NaiveDate>,
    received_on: Option<NaiveDate>,
    today: NaiveDate,
) -> HandoverStatus {
    let late = |d: Option<NaiveDate>| d.is_some_and(|d| d > due);
    match (handed_on, received_on) {
        _ if late(handed_on) || late(received_on) => HandoverStatus::Late,
        (Some(_), Some(_)) => HandoverStatus::Received,
        _ if today > due => HandoverStatus::Late,
        (Some(_), None) => HandoverStatus::HandedOver,
        _ => HandoverStatus::Open,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    #[test]
    fn quarters_and_their_deadlines() {
        let q = Quarter::of(day("2025-02-14"));
        assert_eq!(q.to_string(), "2025Q1");
        assert_eq!(Quarter::parse("2025q1"), Some(q));
        assert_eq!(q.first_day(), day("2025-01-01"));
        assert_eq!(q.last_day(), day("2025-03-31"));
        assert_eq!(q.handover_due(), day("2025-03-30"));
        assert_eq!(
            Quarter::parse("2024Q4").expect("q").handover_due(),
            day("2024-12-30")
        );
        assert_eq!(
            Quarter::parse("2024Q4").expect("q").last_day(),
            day("2024-12-31")
        );
        assert_eq!(q.previous().to_string(), "2024Q4");
        assert_eq!(Quarter::parse("2025Q5"), None);
    }

    #[test]
    fn status_by_both_sides_records() {
        let due = day("2025-03-30");
        let s = |h: Option<&str>, r: Option<&str>, today: &str| {
            handover_status(due, h.map(day), r.map(day), day(today))
        };
        assert_eq!(s(None, None, "2025-03-30"), HandoverStatus::Open);
        assert_eq!(s(None, None, "2025-03-31"), HandoverStatus::Late);
        assert_eq!(
            s(Some("2025-03-28"), None, "2025-03-29"),
            HandoverStatus::HandedOver
        );
        assert_eq!(
            s(Some("2025-03-28"), None, "2025-04-02"),
            HandoverStatus::Late
        );
        assert_eq!(
            s(Some("2025-03-28"), Some("2025-03-30"), "2025-06-01"),
            HandoverStatus::Received
        );
        assert_eq!(
            s(Some("2025-03-28"), Some("2025-04-01"), "2025-06-01"),
            HandoverStatus::Late
        );
    }
}

//! The reporting periods seed 004 三(三) names (周通报、月考评、季分析、年考核): weeks
//! (Monday to Sunday), months, quarters and years, and the ones before them for trends.

use chrono::{Datelike, Days, NaiveDate};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    Week,
    Month,
    Quarter,
    Year,
}

impl PeriodKind {
    pub const ALL: [PeriodKind; 4] = [Self::Week, Self::Month, Self::Quarter, Self::Year];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Week => "week",
            Self::Month => "month",
            Self::Quarter => "quarter",
            Self::Year => "year",
        }
    }

    pub fn parse(text: &str) -> Option<PeriodKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// The report's name in the seed.
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Week => "周通报",
            Self::Month => "月考评",
            Self::Quarter => "季分析",
            Self::Year => "年考核",
        }
    }

    /// The period of this kind containing `day`: `(first, last)`.
    pub fn containing(self, day: NaiveDate) -> (NaiveDate, NaiveDate) {
        let first = match self {
            Self::Week => day - Days::new(u64::from(day.weekday().num_days_from_monday())),
            Self::Month => day.with_day(1).unwrap_or(day),
            Self::Quarter => {
                let month = (day.month0() / 3) * 3 + 1;
                NaiveDate::from_ymd_opt(day.year(), month, 1).unwrap_or(day)
            }
            Self::Year => NaiveDate::from_ymd_opt(day.year(), 1, 1).unwrap_or(day),
        };
        (first, self.last_of(first))
    }

    fn last_of(self, first: NaiveDate) -> NaiveDate {
        let next = match self {
            Self::Week => first + Days::new(7),
            Self::Month => first
                .checked_add_months(chrono::Months::new(1))
                .unwrap_or(first),
            Self::Quarter => first
                .checked_add_months(chrono::Months::new(3))
                .unwrap_or(first),
            Self::Year => first
                .checked_add_months(chrono::Months::new(12))
                .unwrap_or(first),
        };
        next.pred_opt().unwrap_or(first)
    }

    /// The last period of this kind that closed before `today` (the one containing the day
    /// before the current period began): on a Monday, last week; on 1 April, March and the
    /// first quarter; on any day of 2025, the year 2024.
    pub fn last_closed(self, today: NaiveDate) -> (NaiveDate, NaiveDate) {
        let (first, _) = self.containing(today);
        self.containing(first.pred_opt().unwrap_or(first))
    }

    /// The period before the one beginning on `first` (for the trend).
    pub fn previous(self, first: NaiveDate) -> (NaiveDate, NaiveDate) {
        self.containing(first.pred_opt().unwrap_or(first))
    }

    /// The `n` periods ending with the one containing `day`, oldest first.
    pub fn trailing(self, day: NaiveDate, n: usize) -> Vec<(NaiveDate, NaiveDate)> {
        let mut out = vec![self.containing(day)];
        while out.len() < n {
            let (first, _) = out[out.len() - 1];
            let Some(before) = first.pred_opt() else {
                break;
            };
            out.push(self.containing(before));
        }
        out.reverse();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    #[test]
    fn periods_contain_the_day_and_trail_back() {
        let d = day("2024-09-11");
        assert_eq!(
            PeriodKind::Week.containing(d),
            (day("2024-09-09"), day("2024-09-15"))
        );
        assert_eq!(
            PeriodKind::Month.containing(d),
            (day("2024-09-01"), day("2024-09-30"))
        );
        assert_eq!(
            PeriodKind::Quarter.containing(d),
            (day("2024-07-01"), day("2024-09-30"))
        );
        assert_eq!(
            PeriodKind::Year.containing(d),
            (day("2024-01-01"), day("2024-12-31"))
        );
        // Closed periods: a Monday closes last week; 1 April closes March and Q1.
        let monday = day("2024-09-09");
        assert_eq!(
            PeriodKind::Week.last_closed(monday),
            (day("2024-09-02"), day("2024-09-08"))
        );
        assert_eq!(
            PeriodKind::Week.last_closed(day("2024-09-08")),
            (day("2024-08-26"), day("2024-09-01"))
        );
        let april = day("2024-04-01");
        assert_eq!(
            PeriodKind::Month.last_closed(april),
            (day("2024-03-01"), day("2024-03-31"))
        );
        assert_eq!(
            PeriodKind::Quarter.last_closed(april),
            (day("2024-01-01"), day("2024-03-31"))
        );
        assert_eq!(
            PeriodKind::Quarter.last_closed(day("2024-03-31")),
            (day("2023-10-01"), day("2023-12-31"))
        );
        assert_eq!(
            PeriodKind::Year.last_closed(april),
            (day("2023-01-01"), day("2023-12-31"))
        );
        assert_eq!(
            PeriodKind::Month.previous(day("2024-03-01")),
            (day("2024-02-01"), day("2024-02-29"))
        );
        let months = PeriodKind::Month.trailing(day("2024-02-29"), 3);
        assert_eq!(
            months,
            [
                (day("2023-12-01"), day("2023-12-31")),
                (day("2024-01-01"), day("2024-01-31")),
                (day("2024-02-01"), day("2024-02-29")),
            ]
        );
    }
}

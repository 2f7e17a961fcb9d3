//! A calendar month (`2024-03`): contribution months, settlement periods and the
//! "months contributed before birth" rule are all counted in whole months.

use std::fmt;

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// Why a month could not be built or moved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum YearMonthError {
    #[error("{input:?} is not a month of the form YYYY-MM")]
    Malformed { input: String },
    #[error("month {month} is outside 1..=12")]
    MonthOutOfRange { month: u32 },
    #[error("year {year} is outside the supported calendar")]
    YearOutOfRange { year: i32 },
}

impl YearMonthError {
    /// Stable SCREAMING_SNAKE code for API responses.
    pub fn code(&self) -> &'static str {
        "INVALID_YEAR_MONTH"
    }

    /// The message shown to applicants and window staff.
    pub fn message_zh(&self) -> String {
        match self {
            Self::Malformed { input } => format!("年月“{input}”格式不正确，应如 2024-03"),
            Self::MonthOutOfRange { month } => format!("月份{month}应在1–12之间"),
            Self::YearOutOfRange { year } => format!("年份{year}超出支持范围"),
        }
    }
}

/// One calendar month. Any month chrono can represent is valid; years outside
/// 0000–9999 print in ISO 8601 expanded form (`+10000-01`) and parse back.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct YearMonth(
    /// Always the first day of the month, so ordering and equality are the date's.
    NaiveDate,
);

impl YearMonth {
    pub fn new(year: i32, month: u32) -> Result<Self, YearMonthError> {
        if !(1..=12).contains(&month) {
            return Err(YearMonthError::MonthOutOfRange { month });
        }
        NaiveDate::from_ymd_opt(year, month, 1)
            .map(Self)
            .ok_or(YearMonthError::YearOutOfRange { year })
    }

    /// The month a date falls in.
    pub fn of(date: NaiveDate) -> Self {
        // Day 1 exists in every month, so the fallback is never taken.
        Self(date.with_day(1).unwrap_or(date))
    }

    /// Parses `YYYY-MM` (and the signed expanded years that `Display` writes).
    pub fn parse(text: &str) -> Result<Self, YearMonthError> {
        let malformed = || YearMonthError::Malformed {
            input: text.to_owned(),
        };
        let (year_text, month_text) = text.rsplit_once('-').ok_or_else(malformed)?;
        if month_text.len() != 2 || !is_year_text(year_text) {
            return Err(malformed());
        }
        let year = year_text.parse().map_err(|_| malformed())?;
        let month = month_text.parse().map_err(|_| malformed())?;
        Self::new(year, month)
    }

    pub fn year(self) -> i32 {
        self.0.year()
    }

    pub fn month(self) -> u32 {
        self.0.month()
    }

    pub fn first_day(self) -> NaiveDate {
        self.0
    }

    pub fn last_day(self) -> NaiveDate {
        // Every month has its num_days_in_month-th day, so the fallback is never taken.
        let days = u32::from(self.0.num_days_in_month());
        self.0.with_day(days).unwrap_or(self.0)
    }

    /// The next month; fails only at the end of chrono's calendar.
    pub fn succ(self) -> Result<Self, YearMonthError> {
        self.0
            .checked_add_months(Months::new(1))
            .map(Self)
            .ok_or(YearMonthError::YearOutOfRange {
                year: self.year().saturating_add(1),
            })
    }

    /// The previous month; fails only at the start of chrono's calendar.
    pub fn pred(self) -> Result<Self, YearMonthError> {
        self.0
            .checked_sub_months(Months::new(1))
            .map(Self)
            .ok_or(YearMonthError::YearOutOfRange {
                year: self.year().saturating_sub(1),
            })
    }

    /// Months from `self` to `other`: `2024-03` → `2024-05` is 2, backwards negative.
    pub fn months_until(self, other: YearMonth) -> i32 {
        (other.year() - self.year()) * 12 + (other.month() as i32 - self.month() as i32)
    }

    pub fn contains(self, date: NaiveDate) -> bool {
        Self::of(date) == self
    }
}

/// Four digits, or a sign and at least four digits (ISO 8601 expanded year).
fn is_year_text(text: &str) -> bool {
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    match text.strip_prefix(['+', '-']) {
        Some(digits) => digits.len() >= 4 && all_digits(digits),
        None => text.len() == 4 && all_digits(text),
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (year, month) = (self.year(), self.month());
        if (0..=9999).contains(&year) {
            write!(f, "{year:04}-{month:02}")
        } else {
            write!(f, "{year:+05}-{month:02}")
        }
    }
}

impl fmt::Debug for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "YearMonth({self})")
    }
}

crate::ids::string_value!(
    YearMonth,
    YearMonthError,
    "A calendar month, YYYY-MM",
    "^[0-9]{4}-(0[1-9]|1[0-2])$",
    "2024-03"
);

#[cfg(test)]
mod tests {
    use super::*;

    fn ym(text: &str) -> YearMonth {
        YearMonth::parse(text).expect("valid month")
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    #[test]
    fn parse_and_display() {
        let march = ym("2024-03");
        assert_eq!((march.year(), march.month()), (2024, 3));
        assert_eq!(march.to_string(), "2024-03");
        assert_eq!(YearMonth::new(2024, 3), Ok(march));
        assert_eq!(format!("{march:?}"), "YearMonth(2024-03)");
    }

    #[test]
    fn rejects_malformed_text() {
        for bad in [
            "",
            "2024",
            "2024-3",
            "2024-003",
            "24-03",
            "2024/03",
            "2024-0a",
            "２０２４-03",
        ] {
            let err = YearMonth::parse(bad).expect_err(bad);
            assert_eq!(err.code(), "INVALID_YEAR_MONTH");
        }
        assert_eq!(
            YearMonth::parse("2024-13"),
            Err(YearMonthError::MonthOutOfRange { month: 13 })
        );
        assert_eq!(
            YearMonth::new(2024, 0),
            Err(YearMonthError::MonthOutOfRange { month: 0 })
        );
        assert!(YearMonth::new(i32::MAX, 1).is_err());
    }

    #[test]
    fn first_and_last_days() {
        assert_eq!(ym("2024-02").first_day(), date(2024, 2, 1));
        assert_eq!(ym("2024-02").last_day(), date(2024, 2, 29));
        assert_eq!(ym("2023-02").last_day(), date(2023, 2, 28));
        assert_eq!(ym("2024-12").last_day(), date(2024, 12, 31));
        assert_eq!(YearMonth::of(date(2024, 2, 17)), ym("2024-02"));
        assert!(ym("2024-02").contains(date(2024, 2, 29)));
        assert!(!ym("2024-02").contains(date(2024, 3, 1)));
    }

    #[test]
    fn stepping_and_counting() {
        assert_eq!(ym("2024-12").succ(), Ok(ym("2025-01")));
        assert_eq!(ym("2024-01").pred(), Ok(ym("2023-12")));
        assert_eq!(ym("2024-03").months_until(ym("2024-05")), 2);
        assert_eq!(ym("2024-03").months_until(ym("2023-03")), -12);
        assert_eq!(ym("2024-03").months_until(ym("2024-03")), 0);
        assert!(ym("2023-12") < ym("2024-01"));
        let last = YearMonth::of(NaiveDate::MAX);
        assert!(last.succ().is_err());
        assert!(YearMonth::of(NaiveDate::MIN).pred().is_err());
    }

    #[test]
    fn extreme_years_round_trip() {
        for month in [YearMonth::of(NaiveDate::MAX), YearMonth::of(NaiveDate::MIN)] {
            assert_eq!(YearMonth::parse(&month.to_string()), Ok(month), "{month}");
        }
        assert_eq!(ym("0000-01").to_string(), "0000-01");
    }

    #[test]
    fn serde_as_string() {
        let json = serde_json::to_string(&ym("2024-03")).expect("serialize");
        assert_eq!(json, "\"2024-03\"");
        assert_eq!(
            serde_json::from_str::<YearMonth>(&json).expect("back"),
            ym("2024-03")
        );
        assert!(serde_json::from_str::<YearMonth>("\"2024-13\"").is_err());
    }

    proptest::proptest! {
        #[test]
        fn stepping_is_consistent(year in 1i32..=9999, month in 1u32..=12) {
            let this = YearMonth::new(year, month).expect("valid");
            let next = this.succ().expect("inside range");
            proptest::prop_assert_eq!(next.pred(), Ok(this));
            proptest::prop_assert_eq!(this.months_until(next), 1);
            proptest::prop_assert_eq!(this.last_day().succ_opt(), Some(next.first_day()));
            proptest::prop_assert_eq!(YearMonth::of(this.last_day()), this);
            proptest::prop_assert_eq!(YearMonth::parse(&this.to_string()), Ok(this));
        }
    }
}

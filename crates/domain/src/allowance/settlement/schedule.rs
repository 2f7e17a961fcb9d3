//! The settlement days (结算日, MA-5: twice a month). Each configured day of the month — a
//! number from 1 to 28, or the month's last day — moves back to the previous working day
//! when it falls on a rest day, so the bank always receives the file on a working day.

use std::fmt;

use chrono::{Datelike, Months, NaiveDate};

use crate::{Calendar, CalendarError};

/// One configured day of the month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SettlementDay {
    /// A fixed day, 1–28 (every month has it).
    Day(u8),
    /// The month's last day (28th–31st).
    Last,
}

/// Why a schedule is refused at start.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    #[error("settlement days must not be empty")]
    Empty,
    #[error("settlement day {0} is out of range: use 1–28, or \"last\" for the month's end")]
    OutOfRange(i64),
    #[error("settlement day {0:?} is not a number or \"last\"")]
    Unknown(String),
    #[error("settlement day {0} is listed twice")]
    Repeated(SettlementDay),
}

impl ScheduleError {
    pub fn message_zh(&self) -> String {
        match self {
            ScheduleError::Empty => "[settlement] days 不能为空".to_owned(),
            ScheduleError::OutOfRange(n) => {
                format!("结算日 {n} 超出范围：应为 1–28，月末请写 \"last\"")
            }
            ScheduleError::Unknown(text) => format!("结算日“{text}”无效：应为数字或 \"last\""),
            ScheduleError::Repeated(day) => format!("结算日 {day} 重复"),
        }
    }
}

impl fmt::Display for SettlementDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SettlementDay::Day(n) => write!(f, "{n}"),
            SettlementDay::Last => f.write_str("last"),
        }
    }
}

impl SettlementDay {
    /// A day number from the config file.
    pub fn from_number(n: i64) -> Result<SettlementDay, ScheduleError> {
        match u8::try_from(n) {
            Ok(day @ 1..=28) => Ok(SettlementDay::Day(day)),
            _ => Err(ScheduleError::OutOfRange(n)),
        }
    }

    /// `"last"`, or a number written as text.
    pub fn parse(text: &str) -> Result<SettlementDay, ScheduleError> {
        let text = text.trim();
        if text == "last" {
            return Ok(SettlementDay::Last);
        }
        let n: i64 = text
            .parse()
            .map_err(|_| ScheduleError::Unknown(text.to_owned()))?;
        SettlementDay::from_number(n)
    }

    /// The nominal date in a month, before moving off rest days.
    fn in_month(self, year: i32, month: u32) -> Option<NaiveDate> {
        match self {
            SettlementDay::Day(day) => NaiveDate::from_ymd_opt(year, month, u32::from(day)),
            SettlementDay::Last => NaiveDate::from_ymd_opt(year, month, 1)?
                .checked_add_months(Months::new(1))?
                .pred_opt(),
        }
    }
}

/// The validated settlement days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettlementSchedule {
    days: Vec<SettlementDay>,
}

impl Default for SettlementSchedule {
    /// The 15th and the last day of the month (MA-5: settlement twice a month).
    fn default() -> Self {
        SettlementSchedule {
            days: vec![SettlementDay::Day(15), SettlementDay::Last],
        }
    }
}

impl SettlementSchedule {
    pub fn new(days: Vec<SettlementDay>) -> Result<SettlementSchedule, ScheduleError> {
        if days.is_empty() {
            return Err(ScheduleError::Empty);
        }
        let mut sorted = days.clone();
        sorted.sort();
        if let Some(pair) = sorted.windows(2).find(|pair| pair[0] == pair[1]) {
            return Err(ScheduleError::Repeated(pair[0]));
        }
        Ok(SettlementSchedule { days: sorted })
    }

    pub fn days(&self) -> &[SettlementDay] {
        &self.days
    }

    /// The actual settlement dates for the configured days of one month, ascending, each
    /// moved back to the previous working day if needed (possibly into the month before).
    pub fn dates_of_month(
        &self,
        year: i32,
        month: u32,
        calendar: &Calendar,
    ) -> Result<Vec<NaiveDate>, CalendarError> {
        let mut dates = Vec::with_capacity(self.days.len());
        for day in &self.days {
            let nominal = day
                .in_month(year, month)
                .ok_or(CalendarError::YearNotPublished { year })?;
            dates.push(calendar.on_or_before_working_day(nominal)?);
        }
        dates.sort();
        dates.dedup();
        Ok(dates)
    }

    /// Whether `date` is a settlement date.
    pub fn is_settlement_date(
        &self,
        calendar: &Calendar,
        date: NaiveDate,
    ) -> Result<bool, CalendarError> {
        Ok(self.next_on_or_after(calendar, date)? == date)
    }

    /// The first settlement date on or after `date`. A date moved back can land in the month
    /// before its nominal one, so the next month is looked at too.
    pub fn next_on_or_after(
        &self,
        calendar: &Calendar,
        date: NaiveDate,
    ) -> Result<NaiveDate, CalendarError> {
        let first = date
            .with_day(1)
            .ok_or(CalendarError::YearNotPublished { year: date.year() })?;
        for offset in 0..3 {
            let month = first.checked_add_months(Months::new(offset)).ok_or(
                CalendarError::YearNotPublished {
                    year: date.year() + 1,
                },
            )?;
            let dates = self.dates_of_month(month.year(), month.month(), calendar)?;
            if let Some(found) = dates.into_iter().find(|d| *d >= date) {
                return Ok(found);
            }
        }
        // Every month has at least one configured day, so three months always hold one.
        Err(CalendarError::YearNotPublished {
            year: date.year() + 1,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn default_is_the_15th_and_the_last_day_moved_to_working_days() {
        let cal = Calendar::shipped();
        let schedule = SettlementSchedule::default();
        // 2024-06-15 is a Saturday → Friday 14th; 2024-06-30 a Sunday → Friday 28th.
        assert_eq!(
            schedule.dates_of_month(2024, 6, &cal),
            Ok(vec![d("2024-06-14"), d("2024-06-28")])
        );
        // 2024-03-15 a Friday, 2024-03-31 a Sunday → Friday 29th.
        assert_eq!(
            schedule.dates_of_month(2024, 3, &cal),
            Ok(vec![d("2024-03-15"), d("2024-03-29")])
        );
        // February of a leap year ends on the 29th (a Thursday).
        assert_eq!(
            schedule.dates_of_month(2024, 2, &cal),
            Ok(vec![d("2024-02-09"), d("2024-02-29")])
        );
    }

    #[test]
    fn holidays_move_the_day_back_and_make_up_days_count() {
        let cal = Calendar::shipped();
        let schedule = SettlementSchedule::default();
        // 2023-09-30 (Saturday) is in the 国庆 holiday (29 Sep – 6 Oct off) → Thursday 28th.
        let september = schedule.dates_of_month(2023, 9, &cal).expect("dates");
        assert_eq!(september[1], d("2023-09-28"));
        // 2024-02-15 is in 春节 (10–17 Feb off) → Friday 2024-02-09.
        assert_eq!(
            schedule.dates_of_month(2024, 2, &cal).expect("dates")[0],
            d("2024-02-09")
        );
        // 2024-09-14 (Saturday) is a make-up working day: the 15th (off, 中秋) moves to it.
        assert_eq!(
            schedule.dates_of_month(2024, 9, &cal).expect("dates")[0],
            d("2024-09-14")
        );
    }

    #[test]
    fn a_day_can_move_into_the_previous_month() {
        let cal = Calendar::shipped();
        let schedule = SettlementSchedule::new(vec![SettlementDay::Day(1)]).expect("schedule");
        // 2024-10-01 is 国庆节: the previous working day is Monday 30 September.
        assert_eq!(
            schedule.dates_of_month(2024, 10, &cal),
            Ok(vec![d("2024-09-30")])
        );
        assert_eq!(
            schedule.next_on_or_after(&cal, d("2024-09-02")),
            Ok(d("2024-09-30"))
        );
        assert_eq!(schedule.is_settlement_date(&cal, d("2024-09-30")), Ok(true));
    }

    #[test]
    fn next_and_is_settlement_date() {
        let cal = Calendar::shipped();
        let schedule = SettlementSchedule::default();
        assert_eq!(
            schedule.next_on_or_after(&cal, d("2024-06-01")),
            Ok(d("2024-06-14"))
        );
        assert_eq!(
            schedule.next_on_or_after(&cal, d("2024-06-14")),
            Ok(d("2024-06-14"))
        );
        assert_eq!(
            schedule.next_on_or_after(&cal, d("2024-06-15")),
            Ok(d("2024-06-28"))
        );
        assert_eq!(
            schedule.next_on_or_after(&cal, d("2024-06-29")),
            Ok(d("2024-07-15"))
        );
        assert_eq!(
            schedule.is_settlement_date(&cal, d("2024-06-15")),
            Ok(false)
        );
        assert_eq!(schedule.is_settlement_date(&cal, d("2024-06-28")), Ok(true));
    }

    #[test]
    fn an_unpublished_year_is_an_error() {
        let cal = Calendar::shipped();
        let schedule = SettlementSchedule::default();
        assert_eq!(
            schedule.dates_of_month(2027, 1, &cal),
            Err(CalendarError::YearNotPublished { year: 2027 })
        );
        assert_eq!(
            schedule.is_settlement_date(&cal, d("2027-01-15")),
            Err(CalendarError::YearNotPublished { year: 2027 })
        );
    }

    #[test]
    fn configuration_is_validated() {
        assert_eq!(SettlementDay::parse("last"), Ok(SettlementDay::Last));
        assert_eq!(SettlementDay::parse("15"), Ok(SettlementDay::Day(15)));
        assert_eq!(
            SettlementDay::from_number(29),
            Err(ScheduleError::OutOfRange(29))
        );
        assert_eq!(
            SettlementDay::from_number(0),
            Err(ScheduleError::OutOfRange(0))
        );
        assert!(matches!(
            SettlementDay::parse("end"),
            Err(ScheduleError::Unknown(_))
        ));
        assert_eq!(SettlementSchedule::new(vec![]), Err(ScheduleError::Empty));
        assert_eq!(
            SettlementSchedule::new(vec![SettlementDay::Last, SettlementDay::Last]),
            Err(ScheduleError::Repeated(SettlementDay::Last))
        );
        for error in [ScheduleError::Empty, ScheduleError::OutOfRange(31)] {
            assert!(!error.message_zh().is_empty());
        }
    }
}

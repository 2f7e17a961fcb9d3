//! The working-day calendar: which dates are working days under the State Council's
//! (国务院办公厅) yearly holiday notices, and deadline arithmetic over them.
//!
//! # Rule
//!
//! A day is a working day if a notice lists it as a make-up working day (调休上班,
//! always a Saturday or Sunday), or if it is a Monday–Friday that no notice lists as
//! an off day. Weekends that merely adjoin a holiday are not listed; they are rest
//! days by the weekday rule.
//!
//! # Why an unknown year is an error
//!
//! Time limits for administrative licensing are counted in working days, excluding
//! statutory holidays (《行政许可法》第八十二条). The holidays and the make-up days of a
//! year are fixed only by that year's notice, usually published in October–December
//! of the previous year. Guessing with the plain Monday–Friday rule would give a
//! wrong deadline around every holiday, and a deadline that is too early or too late
//! is a legal error for the bureau. So any date whose calendar year has no loaded
//! notice gives [`CalendarError::YearNotPublished`], also when a walk such as
//! [`Calendar::add_working_days`] merely passes through that year. A new year's
//! notice is loaded at run time with [`Calendar::merge_json`], no rebuild needed.
//!
//! # Grouping
//!
//! Notices are grouped by notice year, and a notice may list a date of the
//! neighbouring year (the 2023 notice starts 元旦 on 2022-12-31). Listed dates are
//! indexed by the date itself; the *published* years are the notice years.
//! `data/calendar/SOURCE.md` describes the data and how to add a year.
//!
//! # Provisional answers
//!
//! Work does not stop at the year end while next year's notice is missing: the
//! `*_provisional` methods answer for such a year from the festival days the national
//! holiday regulation itself fixes (`statutory`), without the make-up working days only a
//! notice sets, and say so ([`Dated::provisional`]). Callers freeze the flag with the date
//! and recompute it once the notice is loaded. The strict methods never do this.

mod error;
mod notice;
mod provisional;
pub mod statutory;

use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};

pub use error::CalendarError;
use notice::{ListedDay, Listing, Notice, is_weekend};
pub use provisional::Dated;

/// The notices shipped with the platform.
const SHIPPED_JSON: &str = include_str!("../../../../data/calendar/cn-holidays.json");

/// Parsed once; [`Calendar::shipped`] hands out clones.
static SHIPPED: LazyLock<Calendar> = LazyLock::new(|| {
    // The file is embedded at compile time and the test `shipped_data_parses` (and the
    // integration tests) parse it, so a failure here cannot reach a release build.
    Calendar::from_json(SHIPPED_JSON).expect("embedded cn-holidays.json is validated by tests")
});

/// What kind of day a date is.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum DayKind {
    /// Monday–Friday, not listed by any notice.
    Workday,
    /// Saturday or Sunday, not listed by any notice.
    Weekend,
    /// An official off day; `name` is the holiday, e.g. "国庆节".
    Holiday { name: String },
    /// A weekend day worked in exchange for a holiday (调休上班); `name` is that holiday.
    MakeUpWorkday { name: String },
}

impl DayKind {
    pub fn is_working_day(&self) -> bool {
        matches!(self, DayKind::Workday | DayKind::MakeUpWorkday { .. })
    }
}

/// A listed date as indexed: borrowed when answering, so walks never allocate.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    listing: Listing,
    name: String,
    /// The notice that listed it, for error messages about conflicts.
    notice_year: i32,
}

/// The working-day calendar built from one or more notice files.
#[derive(Debug, Clone)]
pub struct Calendar {
    /// Validated notices by notice year; these are the published years.
    notices: BTreeMap<i32, Notice>,
    /// Every listed date of every notice, by the date itself.
    index: HashMap<NaiveDate, Entry>,
}

impl Calendar {
    /// The notices shipped with the platform (`data/calendar/cn-holidays.json`).
    pub fn shipped() -> Calendar {
        SHIPPED.clone()
    }

    /// A calendar from a notice file of the same shape as `cn-holidays.json`.
    pub fn from_json(json: &str) -> Result<Calendar, CalendarError> {
        let mut calendar = Calendar {
            notices: BTreeMap::new(),
            index: HashMap::new(),
        };
        calendar.merge_json(json)?;
        Ok(calendar)
    }

    /// Adds the years of another notice file (a new year's notice loaded at run time
    /// without a rebuild). A year already present is replaced by the new data.
    /// Returns the years added or replaced, ascending. On error nothing changes.
    pub fn merge_json(&mut self, json: &str) -> Result<Vec<i32>, CalendarError> {
        let incoming = notice::parse_file(json)?;
        let years: Vec<i32> = incoming.iter().map(|n| n.year).collect();
        let mut notices = self.notices.clone();
        notices.extend(incoming.into_iter().map(|n| (n.year, n)));
        // Build the whole index before touching `self`, so a conflict leaves the
        // calendar as it was.
        self.index = build_index(&notices)?;
        self.notices = notices;
        Ok(years)
    }

    /// The notice years loaded, ascending.
    pub fn published_years(&self) -> Vec<i32> {
        self.notices.keys().copied().collect()
    }

    /// Whether the notice of `year` is loaded.
    pub fn is_published(&self, year: i32) -> bool {
        self.notices.contains_key(&year)
    }

    pub fn is_working_day(&self, date: NaiveDate) -> Result<bool, CalendarError> {
        Ok(self.status(date)?.is_working_day())
    }

    /// The date `n` working days after `date`; `n = 0` returns `date` itself.
    /// E.g. 2024-09-30 + 1 = 2024-10-08. Every date walked over, `date` included,
    /// must be in a published year.
    pub fn add_working_days(&self, date: NaiveDate, n: u32) -> Result<NaiveDate, CalendarError> {
        self.status(date)?;
        let mut day = date;
        let mut remaining = n;
        while remaining > 0 {
            day = next_day(day)?;
            if self.is_working_day(day)? {
                remaining -= 1;
            }
        }
        Ok(day)
    }

    /// Working days in `(from, to]`: 0 when equal, negative (minus the working days
    /// in `(to, from]`) when `to < from`. Both ends must be in published years.
    pub fn working_days_between(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<i64, CalendarError> {
        if to < from {
            return self.count_after(to, from).map(|count| -count);
        }
        self.count_after(from, to)
    }

    /// The date itself if it is a working day, else the nearest earlier working day
    /// (settlement days that fall on a rest day move back).
    pub fn on_or_before_working_day(&self, date: NaiveDate) -> Result<NaiveDate, CalendarError> {
        let mut day = date;
        while !self.is_working_day(day)? {
            day = day.pred_opt().ok_or(CalendarError::YearNotPublished {
                year: day.year() - 1,
            })?;
        }
        Ok(day)
    }

    /// The kind of day, with the holiday name for listed dates: "国庆节" for an
    /// official off day, or the holiday a make-up working day is worked for.
    pub fn day_kind(&self, date: NaiveDate) -> Result<DayKind, CalendarError> {
        Ok(match self.status(date)? {
            Status::Workday => DayKind::Workday,
            Status::Weekend => DayKind::Weekend,
            Status::Holiday(name) => DayKind::Holiday {
                name: name.to_owned(),
            },
            Status::MakeUp(name) => DayKind::MakeUpWorkday {
                name: name.to_owned(),
            },
        })
    }

    /// The allocation-free core of every question.
    fn status(&self, date: NaiveDate) -> Result<Status<'_>, CalendarError> {
        let year = date.year();
        if !self.notices.contains_key(&year) {
            return Err(CalendarError::YearNotPublished { year });
        }
        Ok(match self.index.get(&date) {
            Some(entry) if entry.listing == Listing::Off => Status::Holiday(&entry.name),
            Some(entry) => Status::MakeUp(&entry.name),
            None if is_weekend(date) => Status::Weekend,
            None => Status::Workday,
        })
    }

    /// Working days in `(after, upto]`, for `after <= upto`.
    fn count_after(&self, after: NaiveDate, upto: NaiveDate) -> Result<i64, CalendarError> {
        self.status(after)?;
        let mut count = 0;
        let mut day = after;
        while day < upto {
            day = next_day(day)?;
            if self.is_working_day(day)? {
                count += 1;
            }
        }
        Ok(count)
    }
}

/// [`DayKind`] borrowing the name from the index.
enum Status<'a> {
    Workday,
    Weekend,
    Holiday(&'a str),
    MakeUp(&'a str),
}

impl Status<'_> {
    fn is_working_day(&self) -> bool {
        matches!(self, Status::Workday | Status::MakeUp(_))
    }
}

/// The next day; past chrono's last date no year can be published anyway.
fn next_day(day: NaiveDate) -> Result<NaiveDate, CalendarError> {
    day.succ_opt().ok_or(CalendarError::YearNotPublished {
        year: day.year() + 1,
    })
}

/// Indexes every listed date by itself. Two notices may list the same date (a
/// neighbouring year's 元旦) only with the same meaning; the later notice's name wins.
fn build_index(
    notices: &BTreeMap<i32, Notice>,
) -> Result<HashMap<NaiveDate, Entry>, CalendarError> {
    let mut index: HashMap<NaiveDate, Entry> = HashMap::new();
    for notice in notices.values() {
        for day in &notice.days {
            let entry = entry_for(notice.year, day);
            if let Some(previous) = index.insert(day.date, entry)
                && previous.listing != day.listing
            {
                return Err(CalendarError::invalid(format!(
                    "notices {} and {} disagree on {}: off day in one, make-up working day in the other",
                    previous.notice_year, notice.year, day.date
                )));
            }
        }
    }
    Ok(index)
}

fn entry_for(notice_year: i32, day: &ListedDay) -> Entry {
    Entry {
        listing: day.listing,
        name: day.name.clone(),
        notice_year,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_data_parses() {
        let calendar = Calendar::from_json(SHIPPED_JSON).expect("shipped data must parse");
        assert_eq!(
            calendar.published_years(),
            vec![2021, 2022, 2023, 2024, 2025, 2026]
        );
    }
}

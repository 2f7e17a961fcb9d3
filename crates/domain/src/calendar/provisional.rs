//! Provisional answers for a year whose notice is not loaded (see the module doc of
//! `calendar` and `statutory`).

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::notice::{Listing, is_weekend};
use super::{Calendar, CalendarError, next_day, statutory};

/// A date computed over the calendar, and whether a year without a published notice was
/// involved (then it is a forecast to be recomputed when the notice is loaded).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dated {
    pub date: NaiveDate,
    pub provisional: bool,
}

impl Dated {
    /// A date that involved no provisional year.
    pub fn final_date(date: NaiveDate) -> Dated {
        Dated {
            date,
            provisional: false,
        }
    }
}

impl Calendar {
    /// [`Calendar::add_working_days`], answering a year without a notice from the
    /// regulation's festival days (provisional). Fails only for a year the statutory table
    /// does not cover either.
    pub fn add_working_days_provisional(
        &self,
        date: NaiveDate,
        n: u32,
    ) -> Result<Dated, CalendarError> {
        let (_, mut provisional) = self.lenient(date)?;
        let mut day = date;
        let mut remaining = n;
        while remaining > 0 {
            day = next_day(day)?;
            let (working, guessed) = self.lenient(day)?;
            provisional |= guessed;
            if working {
                remaining -= 1;
            }
        }
        Ok(Dated {
            date: day,
            provisional,
        })
    }

    /// [`Calendar::is_working_day`] with the same provisional fallback: `(working,
    /// provisional)`.
    pub fn is_working_day_provisional(
        &self,
        date: NaiveDate,
    ) -> Result<(bool, bool), CalendarError> {
        self.lenient(date)
    }

    /// From 1 October, the next year if its notice is still missing: administrators and
    /// supervisors are warned, as deadlines start to run into it.
    pub fn next_notice_missing(&self, today: NaiveDate) -> Option<i32> {
        let next = today.year() + 1;
        (today.month() >= 10 && !self.is_published(next)).then_some(next)
    }

    /// Whether `date` is a working day, and whether the answer is provisional.
    fn lenient(&self, date: NaiveDate) -> Result<(bool, bool), CalendarError> {
        let year = date.year();
        if self.is_published(year) {
            return Ok((self.status(date)?.is_working_day(), false));
        }
        if !statutory::covers(year) {
            return Err(CalendarError::YearNotPublished { year });
        }
        // A neighbouring year's notice may already list this date (a 元旦 break that
        // starts on 12-31); what a notice says wins over the regulation's minimum.
        let working = match self.index.get(&date) {
            Some(entry) => entry.listing == Listing::MakeUp,
            None => statutory::off_day(date).is_none() && !is_weekend(date),
        };
        Ok((working, true))
    }
}

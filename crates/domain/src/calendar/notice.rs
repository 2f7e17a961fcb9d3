//! Reading and validating a notice file (the shape of `data/calendar/cn-holidays.json`).
//!
//! Validation is strict on purpose: a silently dropped make-up day or a mistyped
//! date would shift every deadline that crosses it, so anything doubtful is
//! rejected with [`CalendarError::InvalidData`] instead of being ignored.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{Datelike, NaiveDate, Weekday};
use serde::Deserialize;

use super::CalendarError;

/// Whether a listed date is an official off day or a make-up working day (调休上班).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Listing {
    Off,
    MakeUp,
}

impl Listing {
    fn describe(self) -> &'static str {
        match self {
            Listing::Off => "an off day",
            Listing::MakeUp => "a make-up working day",
        }
    }
}

/// One date listed by a notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ListedDay {
    pub(super) date: NaiveDate,
    pub(super) listing: Listing,
    pub(super) name: String,
}

/// One year's validated notice: every date it lists, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Notice {
    pub(super) year: i32,
    pub(super) days: Vec<ListedDay>,
}

#[derive(Deserialize)]
struct FileJson {
    years: BTreeMap<String, NoticeJson>,
    /// Optional flat copies of all listed dates (the shipped file carries them for
    /// quick reading); when present they must agree with `years`.
    off_days: Option<Vec<String>>,
    make_up_workdays: Option<Vec<String>>,
}

// Unknown fields are refused below the top level: a misspelt "make_up_workday"
// must not make a year look as if it had no make-up days.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NoticeJson {
    notice_urls: Vec<String>,
    off_days: Vec<DayJson>,
    make_up_workdays: Vec<DayJson>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DayJson {
    date: String,
    name: String,
}

/// Parses and validates a whole notice file; the notices come out in year order.
pub(super) fn parse_file(json: &str) -> Result<Vec<Notice>, CalendarError> {
    let file: FileJson = serde_json::from_str(json)
        .map_err(|e| CalendarError::invalid(format!("not a notice file: {e}")))?;
    if file.years.is_empty() {
        return Err(CalendarError::invalid("the file holds no notice years"));
    }
    let notices = file
        .years
        .iter()
        .map(|(key, notice)| parse_notice(key, notice))
        .collect::<Result<Vec<_>, _>>()?;
    check_flat_list(&notices, Listing::Off, file.off_days.as_deref())?;
    check_flat_list(&notices, Listing::MakeUp, file.make_up_workdays.as_deref())?;
    Ok(notices)
}

fn parse_notice(key: &str, json: &NoticeJson) -> Result<Notice, CalendarError> {
    let year = parse_year(key)?;
    // Every year must cite the official notice it was transcribed from.
    if json.notice_urls.is_empty() || json.notice_urls.iter().any(|u| u.trim().is_empty()) {
        return Err(CalendarError::invalid(format!(
            "notice {year}: notice_urls must list the gov.cn notice"
        )));
    }
    // A notice without a single off day is an empty placeholder (holiday-cn
    // publishes one before the real notice), not a year without holidays.
    if json.off_days.is_empty() {
        return Err(CalendarError::invalid(format!(
            "notice {year}: no off days listed"
        )));
    }
    let off = json.off_days.iter().map(|d| (d, Listing::Off));
    let make_up = json.make_up_workdays.iter().map(|d| (d, Listing::MakeUp));
    let mut seen: HashMap<NaiveDate, Listing> = HashMap::new();
    let mut days = Vec::with_capacity(json.off_days.len() + json.make_up_workdays.len());
    for (day, listing) in off.chain(make_up) {
        let listed = parse_day(year, day, listing)?;
        if let Some(previous) = seen.insert(listed.date, listing) {
            return Err(duplicate(year, listed.date, previous, listing));
        }
        days.push(listed);
    }
    Ok(Notice { year, days })
}

fn duplicate(year: i32, date: NaiveDate, first: Listing, second: Listing) -> CalendarError {
    let reason = if first == second {
        format!(
            "notice {year}: {date} is listed twice as {}",
            first.describe()
        )
    } else {
        format!("notice {year}: {date} is listed both as an off day and as a make-up working day")
    };
    CalendarError::invalid(reason)
}

fn parse_year(key: &str) -> Result<i32, CalendarError> {
    let four_digits = key.len() == 4 && key.bytes().all(|b| b.is_ascii_digit());
    match key.parse::<i32>() {
        Ok(year) if four_digits => Ok(year),
        _ => Err(CalendarError::invalid(format!(
            "notice year {key:?} is not a four-digit year"
        ))),
    }
}

fn parse_day(year: i32, day: &DayJson, listing: Listing) -> Result<ListedDay, CalendarError> {
    let date = parse_date(&day.date)
        .ok_or_else(|| CalendarError::invalid(format!("notice {year}: bad date {:?}", day.date)))?;
    // A notice covers its own year; it may reach one year either side (the 2023
    // notice starts its 元旦 break on 2022-12-31), never further.
    if (date.year() - year).abs() > 1 {
        return Err(CalendarError::invalid(format!(
            "notice {year}: {date} is outside the years {}..={}",
            year - 1,
            year + 1
        )));
    }
    if day.name.trim().is_empty() {
        return Err(CalendarError::invalid(format!(
            "notice {year}: {date} has no holiday name"
        )));
    }
    // Make-up days exist only to turn a weekend day into a working day; one on a
    // weekday would be a transcription error.
    if listing == Listing::MakeUp && !is_weekend(date) {
        return Err(CalendarError::invalid(format!(
            "notice {year}: make-up working day {date} is not a Saturday or Sunday"
        )));
    }
    Ok(ListedDay {
        date,
        listing,
        name: day.name.clone(),
    })
}

/// Only the canonical `YYYY-MM-DD` form, so "2024-1-5" cannot slip through.
fn parse_date(text: &str) -> Option<NaiveDate> {
    if text.len() != 10 {
        return None;
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

pub(super) fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The optional flat list must name exactly the dates of that kind in `years`.
fn check_flat_list(
    notices: &[Notice],
    listing: Listing,
    flat: Option<&[String]>,
) -> Result<(), CalendarError> {
    let Some(flat) = flat else {
        return Ok(());
    };
    let mut listed = BTreeSet::new();
    for text in flat {
        let date = parse_date(text)
            .ok_or_else(|| CalendarError::invalid(format!("flat list: bad date {text:?}")))?;
        listed.insert(date);
    }
    let in_years: BTreeSet<NaiveDate> = notices
        .iter()
        .flat_map(|n| &n.days)
        .filter(|d| d.listing == listing)
        .map(|d| d.date)
        .collect();
    match listed.symmetric_difference(&in_years).next() {
        None => Ok(()),
        Some(date) => Err(CalendarError::invalid(format!(
            "the flat list of {} and the per-year notices disagree on {date}",
            listing.describe()
        ))),
    }
}

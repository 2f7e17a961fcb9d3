//! The festival days fixed by the national holiday regulation, for a year whose State
//! Council notice is not published yet (a *provisional* calendar).
//!
//! 《全国年节及纪念日放假办法》 as amended by the State Council on 2024-11-10 (in force
//! 2025-01-01), 第二条: days off for all citizens — 元旦 1 day (1 January), 春节 4 days
//! (农历除夕 and 正月初一 to 初三), 清明节 1 day (the day of the 清明 solar term),
//! 劳动节 2 days (1–2 May), 端午节 1 day (农历五月初五), 中秋节 1 day (农历八月十五),
//! 国庆节 3 days (1–3 October). 第六条: a festival day of all citizens that falls on a
//! Saturday or Sunday is given back on a working day (应当在工作日补假); the days of
//! part of the citizens (妇女节, 青年节, …) are not, and are not in this calendar at all.
//!
//! The regulation does not say which working day; the yearly notices give the following
//! Monday–Friday (2025 端午 on Saturday 05-31 → Monday 06-02; 2026 清明 on Sunday 04-05 →
//! Monday 04-06). So here each festival day on a weekend adds the first Monday–Friday
//! after its festival that is not already a festival day or given back.
//!
//! What only the yearly notice sets is left out: the swapped working weekends (调休上班)
//! and the longer bridged breaks. A provisional calendar therefore has *fewer* days off
//! than the notice will give (every statutory day is in every notice), so a provisional
//! due date is never later than the final one for the same walk; due dates computed from
//! it are marked provisional and recomputed when the notice is loaded.
//!
//! Lunar dates come from the table below (正月初一, 五月初五, 八月十五 and the 清明 solar
//! term by Gregorian date), transcribed from the Purple Mountain Observatory's published
//! lunar calendar and checked against an independent implementation (the Python `borax`
//! package); the tests also check that every statutory day of 2025 and 2026 is an off day
//! in those years' published notices.

use std::collections::HashMap;
use std::sync::LazyLock;

use chrono::{Datelike, Duration, NaiveDate};

use super::notice::is_weekend;

/// (year, 正月初一, 清明, 端午 五月初五, 中秋 八月十五), each as (month, day).
type LunarRow = (i32, (u32, u32), (u32, u32), (u32, u32), (u32, u32));

/// The years a provisional calendar can be given for: the amended regulation's first year
/// to the end of the table. A later year stays `CALENDAR_YEAR_NOT_PUBLISHED`.
const LUNAR: [LunarRow; 16] = [
    (2025, (1, 29), (4, 4), (5, 31), (10, 6)),
    (2026, (2, 17), (4, 5), (6, 19), (9, 25)),
    (2027, (2, 6), (4, 5), (6, 9), (9, 15)),
    (2028, (1, 26), (4, 4), (5, 28), (10, 3)),
    (2029, (2, 13), (4, 4), (6, 16), (9, 22)),
    (2030, (2, 3), (4, 5), (6, 5), (9, 12)),
    (2031, (1, 23), (4, 5), (6, 24), (10, 1)),
    (2032, (2, 11), (4, 4), (6, 12), (9, 19)),
    (2033, (1, 31), (4, 4), (6, 1), (9, 8)),
    (2034, (2, 19), (4, 5), (6, 20), (9, 27)),
    (2035, (2, 8), (4, 5), (6, 10), (9, 16)),
    (2036, (1, 28), (4, 4), (5, 30), (10, 4)),
    (2037, (2, 15), (4, 4), (6, 18), (9, 24)),
    (2038, (2, 4), (4, 5), (6, 7), (9, 13)),
    (2039, (1, 24), (4, 5), (5, 27), (10, 2)),
    (2040, (2, 12), (4, 4), (6, 14), (9, 20)),
];

/// One provisional off day: a festival day or a weekday given back for one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatutoryDay {
    pub date: NaiveDate,
    /// The festival, e.g. "春节"; a given-back day says "春节（补假）".
    pub name: &'static str,
}

static TABLE: LazyLock<HashMap<i32, HashMap<NaiveDate, &'static str>>> = LazyLock::new(|| {
    LUNAR
        .iter()
        .map(|row| {
            let days = off_days_of(row).into_iter().map(|d| (d.date, d.name));
            (row.0, days.collect())
        })
        .collect()
});

/// Whether the table covers `year`.
pub fn covers(year: i32) -> bool {
    LUNAR.iter().any(|row| row.0 == year)
}

/// The provisional off day on `date`, if its year is covered and it is one.
pub(super) fn off_day(date: NaiveDate) -> Option<&'static str> {
    TABLE.get(&date.year())?.get(&date).copied()
}

/// Every provisional off day of `year`, ascending; `None` if the table does not cover it.
pub fn statutory_off_days(year: i32) -> Option<Vec<StatutoryDay>> {
    let row = LUNAR.iter().find(|row| row.0 == year)?;
    let mut days = off_days_of(row);
    days.sort_by_key(|d| d.date);
    Some(days)
}

/// The festivals of one year, each as its consecutive days, then the days given back.
fn off_days_of(row: &LunarRow) -> Vec<StatutoryDay> {
    let (year, spring, qingming, duanwu, mid_autumn) = *row;
    let on = |(m, d): (u32, u32)| NaiveDate::from_ymd_opt(year, m, d);
    let festivals: [(&'static str, &'static str, Option<NaiveDate>, i64); 7] = [
        ("元旦", "元旦（补假）", on((1, 1)), 1),
        // 除夕 is the day before 正月初一.
        (
            "春节",
            "春节（补假）",
            on(spring).map(|d| d - Duration::days(1)),
            4,
        ),
        ("清明节", "清明节（补假）", on(qingming), 1),
        ("劳动节", "劳动节（补假）", on((5, 1)), 2),
        ("端午节", "端午节（补假）", on(duanwu), 1),
        ("中秋节", "中秋节（补假）", on(mid_autumn), 1),
        ("国庆节", "国庆节（补假）", on((10, 1)), 3),
    ];
    let mut days: Vec<StatutoryDay> = Vec::new();
    for (name, _, first, len) in festivals {
        // The table holds only real dates (tested), so `first` is always Some.
        let Some(first) = first else { continue };
        days.extend((0..len).map(|i| StatutoryDay {
            date: first + Duration::days(i),
            name,
        }));
    }
    for (_, given_back, first, len) in festivals {
        let Some(first) = first else { continue };
        let weekend = (0..len)
            .filter(|i| is_weekend(first + Duration::days(*i)))
            .count();
        let mut day = first + Duration::days(len - 1);
        for _ in 0..weekend {
            day = next_free_weekday(&days, day);
            days.push(StatutoryDay {
                date: day,
                name: given_back,
            });
        }
    }
    days
}

/// The first Monday–Friday after `after` that is not already off.
fn next_free_weekday(days: &[StatutoryDay], after: NaiveDate) -> NaiveDate {
    let mut day = after + Duration::days(1);
    while is_weekend(day) || days.iter().any(|d| d.date == day) {
        day += Duration::days(1);
    }
    day
}

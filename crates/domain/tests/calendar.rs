//! Integration tests of the working-day calendar against the shipped notices
//! (`data/calendar/cn-holidays.json`), a hand-written table of every holiday block,
//! and properties of the deadline arithmetic.

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate, Weekday};
use onething_domain::calendar::{Calendar, CalendarError, DayKind};
use proptest::prelude::*;

const SHIPPED_JSON: &str = include_str!("../../../data/calendar/cn-holidays.json");

fn d(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("test dates are valid")
}

fn cal() -> Calendar {
    Calendar::shipped()
}

fn not_published(year: i32) -> CalendarError {
    CalendarError::YearNotPublished { year }
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

// ---------------------------------------------------------------------------
// The data file, read independently of the calendar's own parser.

/// One date as the JSON lists it: (notice year, date, holiday name, is an off day).
type Listed = (i32, NaiveDate, String, bool);

fn listed_in_json() -> Vec<Listed> {
    let file: serde_json::Value = serde_json::from_str(SHIPPED_JSON).expect("shipped JSON");
    let years = file["years"].as_object().expect("years object");
    let mut listed = Vec::new();
    for (year, notice) in years {
        let year: i32 = year.parse().expect("year key");
        for (field, off) in [("off_days", true), ("make_up_workdays", false)] {
            for day in notice[field].as_array().expect("day list") {
                let date = d(day["date"].as_str().expect("date"));
                let name = day["name"].as_str().expect("name").to_owned();
                listed.push((year, date, name, off));
            }
        }
    }
    listed
}

#[test]
fn shipped_calendar_publishes_2021_to_2026() {
    assert_eq!(
        cal().published_years(),
        vec![2021, 2022, 2023, 2024, 2025, 2026]
    );
    let parsed = Calendar::from_json(SHIPPED_JSON).expect("shipped data parses");
    assert_eq!(parsed.published_years(), cal().published_years());
}

#[test]
fn every_listed_off_day_is_a_named_rest_day() {
    let off: Vec<Listed> = listed_in_json().into_iter().filter(|l| l.3).collect();
    assert_eq!(off.len(), 178, "off days in the snapshot");
    for (notice, date, name, _) in off {
        assert_eq!(
            cal().is_working_day(date),
            Ok(false),
            "{date} (notice {notice})"
        );
        assert_eq!(
            cal().day_kind(date),
            Ok(DayKind::Holiday { name }),
            "{date}"
        );
    }
}

#[test]
fn every_listed_make_up_day_is_a_named_working_day() {
    let make_up: Vec<Listed> = listed_in_json().into_iter().filter(|l| !l.3).collect();
    assert_eq!(make_up.len(), 40, "make-up working days in the snapshot");
    for (notice, date, name, _) in make_up {
        assert!(is_weekend(date), "{date} make-up days are weekend days");
        assert_eq!(
            cal().is_working_day(date),
            Ok(true),
            "{date} (notice {notice})"
        );
        assert_eq!(
            cal().day_kind(date),
            Ok(DayKind::MakeUpWorkday { name }),
            "{date}"
        );
    }
}

/// Every day of 2021–2026 against the rule, evaluated straight from the JSON lists.
#[test]
fn every_day_2021_to_2026_follows_the_rule() {
    let listed = listed_in_json();
    let off: BTreeSet<NaiveDate> = listed.iter().filter(|l| l.3).map(|l| l.1).collect();
    let make_up: BTreeSet<NaiveDate> = listed.iter().filter(|l| !l.3).map(|l| l.1).collect();
    let calendar = cal();
    for date in d("2021-01-01").iter_days().take_while(|x| x.year() <= 2026) {
        let expected = make_up.contains(&date) || (!is_weekend(date) && !off.contains(&date));
        assert_eq!(calendar.is_working_day(date), Ok(expected), "{date}");
        let kind = calendar.day_kind(date).expect("published year");
        assert_eq!(kind.is_working_day(), expected, "{date} {kind:?}");
    }
}

// ---------------------------------------------------------------------------
// The hand-written table: each holiday block of each notice, transcribed from the
// notices (via the JSON). `every_block_of_the_data_is_in_the_hand_table` fails if
// the data file and this table ever drift apart.

struct Block {
    notice: i32,
    name: &'static str,
    first: &'static str,
    last: &'static str,
    make_up: &'static [&'static str],
}

const fn block(
    notice: i32,
    name: &'static str,
    first: &'static str,
    last: &'static str,
    make_up: &'static [&'static str],
) -> Block {
    Block {
        notice,
        name,
        first,
        last,
        make_up,
    }
}

#[rustfmt::skip]
const BLOCKS: &[Block] = &[
    block(2021, "元旦", "2021-01-01", "2021-01-03", &[]),
    block(2021, "春节", "2021-02-11", "2021-02-17", &["2021-02-07", "2021-02-20"]),
    block(2021, "清明节", "2021-04-03", "2021-04-05", &[]),
    block(2021, "劳动节", "2021-05-01", "2021-05-05", &["2021-04-25", "2021-05-08"]),
    block(2021, "端午节", "2021-06-12", "2021-06-14", &[]),
    block(2021, "中秋节", "2021-09-19", "2021-09-21", &["2021-09-18"]),
    block(2021, "国庆节", "2021-10-01", "2021-10-07", &["2021-09-26", "2021-10-09"]),
    block(2022, "元旦", "2022-01-01", "2022-01-03", &[]),
    block(2022, "春节", "2022-01-31", "2022-02-06", &["2022-01-29", "2022-01-30"]),
    block(2022, "清明节", "2022-04-03", "2022-04-05", &["2022-04-02"]),
    block(2022, "劳动节", "2022-04-30", "2022-05-04", &["2022-04-24", "2022-05-07"]),
    block(2022, "端午节", "2022-06-03", "2022-06-05", &[]),
    block(2022, "中秋节", "2022-09-10", "2022-09-12", &[]),
    block(2022, "国庆节", "2022-10-01", "2022-10-07", &["2022-10-08", "2022-10-09"]),
    // The 2023 notice starts 元旦 in 2022.
    block(2023, "元旦", "2022-12-31", "2023-01-02", &[]),
    block(2023, "春节", "2023-01-21", "2023-01-27", &["2023-01-28", "2023-01-29"]),
    block(2023, "清明节", "2023-04-05", "2023-04-05", &[]),
    block(2023, "劳动节", "2023-04-29", "2023-05-03", &["2023-04-23", "2023-05-06"]),
    block(2023, "端午节", "2023-06-22", "2023-06-24", &["2023-06-25"]),
    block(2023, "中秋节、国庆节", "2023-09-29", "2023-10-06", &["2023-10-07", "2023-10-08"]),
    block(2024, "元旦", "2024-01-01", "2024-01-01", &[]),
    block(2024, "春节", "2024-02-10", "2024-02-17", &["2024-02-04", "2024-02-18"]),
    block(2024, "清明节", "2024-04-04", "2024-04-06", &["2024-04-07"]),
    block(2024, "劳动节", "2024-05-01", "2024-05-05", &["2024-04-28", "2024-05-11"]),
    block(2024, "端午节", "2024-06-10", "2024-06-10", &[]),
    block(2024, "中秋节", "2024-09-15", "2024-09-17", &["2024-09-14"]),
    block(2024, "国庆节", "2024-10-01", "2024-10-07", &["2024-09-29", "2024-10-12"]),
    block(2025, "元旦", "2025-01-01", "2025-01-01", &[]),
    block(2025, "春节", "2025-01-28", "2025-02-04", &["2025-01-26", "2025-02-08"]),
    block(2025, "清明节", "2025-04-04", "2025-04-06", &[]),
    block(2025, "劳动节", "2025-05-01", "2025-05-05", &["2025-04-27"]),
    block(2025, "端午节", "2025-05-31", "2025-06-02", &[]),
    block(2025, "国庆节、中秋节", "2025-10-01", "2025-10-08", &["2025-09-28", "2025-10-11"]),
    block(2026, "元旦", "2026-01-01", "2026-01-03", &["2026-01-04"]),
    block(2026, "春节", "2026-02-15", "2026-02-23", &["2026-02-14", "2026-02-28"]),
    block(2026, "清明节", "2026-04-04", "2026-04-06", &[]),
    block(2026, "劳动节", "2026-05-01", "2026-05-05", &["2026-05-09"]),
    block(2026, "端午节", "2026-06-19", "2026-06-21", &[]),
    block(2026, "中秋节", "2026-09-25", "2026-09-27", &[]),
    block(2026, "国庆节", "2026-10-01", "2026-10-07", &["2026-09-20", "2026-10-10"]),
];

fn block_days(block: &Block) -> impl Iterator<Item = NaiveDate> {
    let last = d(block.last);
    d(block.first).iter_days().take_while(move |x| *x <= last)
}

/// The hand table, flattened into the same shape as `listed_in_json`.
fn listed_in_hand_table() -> BTreeSet<Listed> {
    let mut listed = BTreeSet::new();
    for block in BLOCKS {
        for date in block_days(block) {
            listed.insert((block.notice, date, block.name.to_owned(), true));
        }
        for make_up in block.make_up {
            listed.insert((block.notice, d(make_up), block.name.to_owned(), false));
        }
    }
    listed
}

#[test]
fn every_block_of_the_data_is_in_the_hand_table() {
    let from_json: BTreeSet<Listed> = listed_in_json().into_iter().collect();
    let from_table = listed_in_hand_table();
    let only_json: Vec<_> = from_json.difference(&from_table).collect();
    let only_table: Vec<_> = from_table.difference(&from_json).collect();
    assert!(
        only_json.is_empty(),
        "in the data but not the table: {only_json:?}"
    );
    assert!(
        only_table.is_empty(),
        "in the table but not the data: {only_table:?}"
    );
}

#[test]
fn hand_table_blocks_are_rest_days_and_their_make_up_days_are_worked() {
    let calendar = cal();
    for block in BLOCKS {
        let name = block.name.to_owned();
        for date in block_days(block) {
            assert_eq!(calendar.is_working_day(date), Ok(false), "{date}");
            let holiday = DayKind::Holiday { name: name.clone() };
            assert_eq!(calendar.day_kind(date), Ok(holiday), "{date}");
        }
        for make_up in block.make_up {
            let date = d(make_up);
            assert_eq!(calendar.is_working_day(date), Ok(true), "{date}");
            let worked = DayKind::MakeUpWorkday { name: name.clone() };
            assert_eq!(calendar.day_kind(date), Ok(worked), "{date}");
        }
    }
}

/// Each notice year has the seven (or, when 中秋 and 国庆 are merged, six) blocks.
#[test]
fn hand_table_has_every_festival_each_year() {
    for year in 2021..=2026 {
        let names: Vec<&str> = BLOCKS
            .iter()
            .filter(|b| b.notice == year)
            .map(|b| b.name)
            .collect();
        let festivals = names.iter().map(|n| n.split('、').count()).sum::<usize>();
        assert_eq!(festivals, 7, "{year}: {names:?}");
    }
}

// ---------------------------------------------------------------------------
// Contract examples and day kinds.

#[test]
fn contract_examples() {
    let calendar = cal();
    assert_eq!(
        calendar.add_working_days(d("2024-09-30"), 1),
        Ok(d("2024-10-08"))
    );
    assert_eq!(calendar.is_working_day(d("2024-10-12")), Ok(true));
    let err = calendar
        .is_working_day(d("2030-01-02"))
        .expect_err("2030 has no notice");
    assert_eq!(err, not_published(2030));
    assert_eq!(err.code(), "CALENDAR_YEAR_NOT_PUBLISHED");
    assert_eq!(
        err.message_zh(),
        "2030年的节假日安排尚未发布，无法计算工作日"
    );
}

#[test]
fn day_kinds() {
    let cases = [
        (
            "2024-10-01",
            DayKind::Holiday {
                name: "国庆节".into(),
            },
        ),
        (
            "2024-10-12",
            DayKind::MakeUpWorkday {
                name: "国庆节".into(),
            },
        ),
        ("2024-10-13", DayKind::Weekend),
        ("2024-10-14", DayKind::Workday),
        // 除夕 2024 was not an off day: a plain Friday.
        ("2024-02-09", DayKind::Workday),
        (
            "2023-10-01",
            DayKind::Holiday {
                name: "中秋节、国庆节".into(),
            },
        ),
        // A holiday on a Saturday is reported as the holiday, not as a weekend.
        (
            "2021-01-02",
            DayKind::Holiday {
                name: "元旦".into(),
            },
        ),
        // A Sunday next to a holiday but not listed is a plain weekend.
        ("2024-06-09", DayKind::Weekend),
    ];
    for (date, kind) in cases {
        assert_eq!(cal().day_kind(d(date)), Ok(kind), "{date}");
    }
}

#[test]
fn every_query_refuses_an_unpublished_year() {
    let calendar = cal();
    for (date, year) in [
        ("2020-12-31", 2020),
        ("2027-01-04", 2027),
        ("2030-01-02", 2030),
    ] {
        let date = d(date);
        let err = not_published(year);
        assert_eq!(calendar.is_working_day(date), Err(err.clone()), "{date}");
        assert_eq!(calendar.day_kind(date), Err(err.clone()), "{date}");
        assert_eq!(
            calendar.add_working_days(date, 0),
            Err(err.clone()),
            "{date}"
        );
        let back = calendar.on_or_before_working_day(date);
        assert_eq!(back, Err(err.clone()), "{date}");
        assert_eq!(
            calendar.working_days_between(date, date),
            Err(err),
            "{date}"
        );
    }
}

#[test]
fn error_codes_and_messages() {
    let invalid = CalendarError::InvalidData { reason: "x".into() };
    assert_eq!(invalid.code(), "CALENDAR_DATA_INVALID");
    assert!(invalid.message_zh().contains("节假日安排数据无效"));
    assert_eq!(
        not_published(2027).to_string(),
        "no holiday notice is published for 2027"
    );
}

// ---------------------------------------------------------------------------
// add_working_days, year boundaries and run-time notices.

#[test]
fn add_working_days_table() {
    let cases = [
        // n = 0 is the date itself, even on a rest day.
        ("2024-10-01", 0, "2024-10-01"),
        ("2024-09-30", 1, "2024-10-08"),
        // The Saturday make-up day counts.
        ("2024-10-11", 1, "2024-10-12"),
        ("2024-10-08", 4, "2024-10-12"),
        // 2024-01-01 (Monday) is 元旦.
        ("2023-12-29", 1, "2024-01-02"),
        // 2022-12-31 belongs to the 2023 notice; 2023-01-01..02 are off too.
        ("2022-12-30", 1, "2023-01-03"),
        ("2022-12-31", 1, "2023-01-03"),
        // Spring Festival 2026: off 02-15..02-23, make-up Saturdays 02-14 and 02-28.
        ("2026-02-13", 1, "2026-02-14"),
        ("2026-02-14", 1, "2026-02-24"),
        ("2026-02-24", 4, "2026-02-28"),
        // Twenty working days over 国庆节 2025 (off 10-01..10-08, make-up 10-11).
        ("2025-09-26", 20, "2025-10-30"),
    ];
    for (from, n, expected) in cases {
        assert_eq!(
            cal().add_working_days(d(from), n),
            Ok(d(expected)),
            "{from} + {n}"
        );
    }
}

#[test]
fn the_2022_12_31_of_the_2023_notice_is_indexed_by_its_own_date() {
    let calendar = cal();
    assert_eq!(calendar.is_working_day(d("2022-12-31")), Ok(false));
    assert_eq!(
        calendar.day_kind(d("2022-12-31")),
        Ok(DayKind::Holiday {
            name: "元旦".into()
        })
    );
    assert!(!calendar.published_years().contains(&2027));
}

#[test]
fn walking_into_2027_fails_until_its_notice_is_merged() {
    let mut calendar = cal();
    let start = d("2026-12-20");
    assert_eq!(
        calendar.add_working_days(start, 30),
        Err(not_published(2027))
    );
    // The last working day of 2026 is still reachable.
    assert_eq!(calendar.add_working_days(start, 9), Ok(d("2026-12-31")));
    assert_eq!(
        calendar.add_working_days(start, 10),
        Err(not_published(2027))
    );

    assert_eq!(calendar.merge_json(SYNTHETIC_2027), Ok(vec![2027]));
    assert_eq!(
        calendar.published_years(),
        vec![2021, 2022, 2023, 2024, 2025, 2026, 2027]
    );
    // Without the make-up Saturday 2027-01-09 this would be 2027-02-01.
    assert_eq!(calendar.add_working_days(start, 30), Ok(d("2027-01-29")));
    assert_eq!(calendar.is_working_day(d("2027-01-09")), Ok(true));
    assert_eq!(
        calendar.day_kind(d("2027-01-09")),
        Ok(DayKind::MakeUpWorkday {
            name: "元旦".into()
        })
    );
    assert_eq!(calendar.is_working_day(d("2027-01-01")), Ok(false));
    assert_eq!(
        calendar.working_days_between(start, d("2027-01-29")),
        Ok(30)
    );
    // The shipped calendar itself is untouched by a merge into a clone.
    assert_eq!(
        cal().is_working_day(d("2027-01-04")),
        Err(not_published(2027))
    );
}

/// A made-up 2027 notice for the tests only (the real one is not yet published):
/// 元旦 off 01-01..01-03 with a make-up working Saturday 01-09.
const SYNTHETIC_2027: &str = r#"{
  "description": "synthetic test notice, not the real 2027 arrangement",
  "years": {
    "2027": {
      "notice_urls": ["https://example.invalid/2027"],
      "off_days": [
        {"date": "2027-01-01", "name": "元旦"},
        {"date": "2027-01-02", "name": "元旦"},
        {"date": "2027-01-03", "name": "元旦"}
      ],
      "make_up_workdays": [
        {"date": "2027-01-09", "name": "元旦"}
      ]
    }
  }
}"#;

#[test]
fn merging_a_year_again_replaces_it() {
    let mut calendar = cal();
    // A corrected 2024 notice in which 10-07 is no longer off and 10-12 not worked.
    let corrected = r#"{"years": {"2024": {
        "notice_urls": ["https://example.invalid/2024-corrected"],
        "off_days": [{"date": "2024-10-01", "name": "国庆节"}],
        "make_up_workdays": []
    }}}"#;
    assert_eq!(calendar.merge_json(corrected), Ok(vec![2024]));
    assert_eq!(calendar.is_working_day(d("2024-10-07")), Ok(true));
    assert_eq!(calendar.is_working_day(d("2024-10-12")), Ok(false));
    assert_eq!(calendar.is_working_day(d("2024-10-01")), Ok(false));
    // Dates of other notices are kept.
    assert_eq!(calendar.is_working_day(d("2023-10-01")), Ok(false));
    assert_eq!(calendar.published_years(), cal().published_years());
}

#[test]
fn a_rejected_merge_changes_nothing() {
    let mut calendar = cal();
    // Valid on its own, but 2026-10-10 is a make-up working day of the 2026 notice.
    let conflicting = SYNTHETIC_2027.replace(
        r#"{"date": "2027-01-03", "name": "元旦"}"#,
        r#"{"date": "2026-10-10", "name": "国庆节"}"#,
    );
    assert!(Calendar::from_json(&conflicting).is_ok());
    let err = calendar.merge_json(&conflicting).expect_err("conflict");
    assert_eq!(err.code(), "CALENDAR_DATA_INVALID");
    assert_eq!(calendar.published_years(), cal().published_years());
    assert_eq!(calendar.is_working_day(d("2026-10-10")), Ok(true));
}

// ---------------------------------------------------------------------------
// working_days_between and on_or_before_working_day.

#[test]
fn working_days_between_table() {
    let cases = [
        ("2024-10-08", "2024-10-08", 0),
        ("2024-10-01", "2024-10-01", 0),
        ("2024-09-30", "2024-10-08", 1),
        ("2024-10-08", "2024-09-30", -1),
        // Spring Festival 2024: (02-08, 02-19] = 02-09 (Fri, 除夕 not off),
        // 02-18 (Sun, make-up), 02-19 (Mon).
        ("2024-02-08", "2024-02-19", 3),
        ("2024-02-19", "2024-02-08", -3),
        // Spring Festival 2025: 01-26 (Sun, make-up), 01-27, 02-05..02-07,
        // 02-08 (Sat, make-up), 02-10.
        ("2025-01-24", "2025-02-10", 7),
        // Across New Year: 2022-12-31 .. 2023-01-02 off.
        ("2022-12-30", "2023-01-03", 1),
    ];
    for (from, to, expected) in cases {
        assert_eq!(
            cal().working_days_between(d(from), d(to)),
            Ok(expected),
            "({from}, {to}]"
        );
    }
}

/// Working days per calendar year, a regression guard over the whole data set
/// (2025 has two more statutory holidays than 2024).
#[test]
fn working_days_per_year() {
    let expected = [
        (2021, 250),
        (2022, 249),
        (2023, 249),
        (2024, 251),
        (2025, 248),
        (2026, 248),
    ];
    let calendar = cal();
    for (year, days) in expected {
        let start = NaiveDate::from_ymd_opt(year, 1, 1).expect("date");
        let end = NaiveDate::from_ymd_opt(year, 12, 31).expect("date");
        let first_day = i64::from(calendar.is_working_day(start) == Ok(true));
        let counted = calendar
            .working_days_between(start, end)
            .map(|n| n + first_day);
        assert_eq!(counted, Ok(days), "{year}");
    }
    assert_eq!(
        calendar.working_days_between(d("2021-01-01"), d("2026-12-31")),
        Ok(1495)
    );
}

#[test]
fn between_needs_both_ends_published() {
    let calendar = cal();
    assert_eq!(
        calendar.working_days_between(d("2020-12-31"), d("2021-01-05")),
        Err(not_published(2020))
    );
    assert_eq!(
        calendar.working_days_between(d("2026-12-30"), d("2027-01-05")),
        Err(not_published(2027))
    );
    assert_eq!(
        calendar.working_days_between(d("2027-01-05"), d("2026-12-30")),
        Err(not_published(2027))
    );
}

#[test]
fn on_or_before_working_day_table() {
    let cases = [
        // A working day is itself, make-up Saturdays included.
        ("2024-10-08", "2024-10-08"),
        ("2024-10-12", "2024-10-12"),
        // A plain Saturday moves to Friday.
        ("2024-06-08", "2024-06-07"),
        // The last day of 国庆节 2024 moves before the whole block.
        ("2024-10-07", "2024-09-30"),
        // The last day of 春节 2026 moves back to the make-up Saturday 02-14.
        ("2026-02-23", "2026-02-14"),
        // 元旦 2023 reaches back into 2022 (2022-12-31 is off, 12-30 a Friday).
        ("2023-01-02", "2022-12-30"),
    ];
    for (date, expected) in cases {
        assert_eq!(
            cal().on_or_before_working_day(d(date)),
            Ok(d(expected)),
            "{date}"
        );
    }
    // 2021-01-01..03 are off, and the walk back would need 2020.
    assert_eq!(
        cal().on_or_before_working_day(d("2021-01-03")),
        Err(not_published(2020))
    );
}

// ---------------------------------------------------------------------------
// Invalid notice files.

/// A one-year notice with the given off days and make-up days (JSON fragments).
fn notice_2024(off_days: &str, make_up: &str) -> String {
    format!(
        r#"{{"years": {{"2024": {{"notice_urls": ["https://example.invalid"],
            "off_days": [{off_days}], "make_up_workdays": [{make_up}]}}}}}}"#
    )
}

#[test]
fn invalid_data_is_rejected() {
    let ok_off = r#"{"date": "2024-10-01", "name": "国庆节"}"#;
    let cases: Vec<(&str, String)> = vec![
        ("not JSON", "{ years: ".into()),
        ("empty object", "{}".into()),
        ("no years", r#"{"years": {}}"#.into()),
        (
            "year key",
            notice_2024(ok_off, "").replace("\"2024\"", "\"24\""),
        ),
        (
            "impossible date",
            notice_2024(r#"{"date": "2024-02-30", "name": "春节"}"#, ""),
        ),
        (
            "non-canonical date",
            notice_2024(r#"{"date": "2024-2-3", "name": "春节"}"#, ""),
        ),
        (
            "off and make-up",
            notice_2024(ok_off, r#"{"date": "2024-10-01", "name": "国庆节"}"#),
        ),
        (
            "listed twice",
            notice_2024(&format!("{ok_off}, {ok_off}"), ""),
        ),
        (
            "two years away",
            notice_2024(r#"{"date": "2026-01-01", "name": "元旦"}"#, ""),
        ),
        (
            "make-up on a weekday",
            notice_2024(ok_off, r#"{"date": "2024-10-08", "name": "国庆节"}"#),
        ),
        (
            "empty name",
            notice_2024(r#"{"date": "2024-10-01", "name": " "}"#, ""),
        ),
        ("no off days", notice_2024("", "")),
        (
            "misspelt field",
            notice_2024(ok_off, "").replace("make_up_workdays", "make_up_workday"),
        ),
        (
            "no notice url",
            notice_2024(ok_off, "").replace(r#""https://example.invalid""#, ""),
        ),
        (
            "flat list disagrees",
            notice_2024(ok_off, "").replacen(
                "{\"years\"",
                r#"{"off_days": ["2024-10-02"], "years""#,
                1,
            ),
        ),
    ];
    assert!(Calendar::from_json(&notice_2024(ok_off, "")).is_ok());
    for (what, json) in cases {
        let err = Calendar::from_json(&json).expect_err(what);
        assert!(
            matches!(err, CalendarError::InvalidData { .. }),
            "{what}: {err:?}"
        );
        assert_eq!(err.code(), "CALENDAR_DATA_INVALID", "{what}");
        let mut calendar = cal();
        assert_eq!(calendar.merge_json(&json), Err(err), "{what}");
    }
}

#[test]
fn invalid_data_names_the_offending_date() {
    let json = notice_2024(
        r#"{"date": "2024-10-01", "name": "国庆节"}"#,
        r#"{"date": "2024-10-01", "name": "国庆节"}"#,
    );
    let err = Calendar::from_json(&json).expect_err("both off and make-up");
    assert!(err.to_string().contains("2024-10-01"), "{err}");
    assert!(
        err.message_zh().contains("2024-10-01"),
        "{}",
        err.message_zh()
    );
}

// ---------------------------------------------------------------------------
// Properties.

const FIRST: &str = "2021-01-01";
/// Starts stop here so that most walks of up to 40 working days stay in 2026.
const LAST_START: &str = "2026-11-30";

fn date_in_range() -> impl Strategy<Value = NaiveDate> {
    let span = (d(LAST_START) - d(FIRST)).num_days();
    (0..=span).prop_map(|offset| d(FIRST) + chrono::Duration::days(offset))
}

proptest! {
    /// For every d in [2021-01-01, 2026-11-30] and n in 0..40, r = add_working_days(d, n)
    /// is either Err(YearNotPublished{2027}) (the walk left 2026) or Ok(r) with:
    /// working_days_between(d, r) == n and (r, d) == -n; for n = 0, r == d; for n > 0,
    /// r is a working day and r is the first date reaching n:
    /// working_days_between(d, r - 1 day) == n - 1. This holds whether or not d itself
    /// is a working day, because (d, r] excludes d.
    #[test]
    fn add_and_between_are_inverse(date in date_in_range(), n in 0u32..40) {
        let calendar = cal();
        match calendar.add_working_days(date, n) {
            Err(err) => prop_assert_eq!(err, not_published(2027)),
            Ok(r) => {
                let n = i64::from(n);
                prop_assert_eq!(calendar.working_days_between(date, r), Ok(n));
                prop_assert_eq!(calendar.working_days_between(r, date), Ok(-n));
                if n == 0 {
                    prop_assert_eq!(r, date);
                } else {
                    prop_assert_eq!(calendar.is_working_day(r), Ok(true));
                    let before = r.pred_opt().expect("in range");
                    prop_assert_eq!(calendar.working_days_between(date, before), Ok(n - 1));
                }
            }
        }
    }

    /// For every d in [2021-01-04, 2026-11-30] (from the first working day of 2021),
    /// p = on_or_before_working_day(d) is a working day, p <= d, and no working day
    /// lies in (p, d].
    #[test]
    fn on_or_before_is_the_latest_working_day(date in date_in_range()) {
        let calendar = cal();
        prop_assume!(date >= d("2021-01-04"));
        let p = calendar.on_or_before_working_day(date).expect("published");
        prop_assert!(p <= date);
        prop_assert_eq!(calendar.is_working_day(p), Ok(true));
        prop_assert_eq!(calendar.working_days_between(p, date), Ok(0));
    }

    /// working_days_between is additive: (a, c] = (a, b] + (b, c] for any order of a, b, c.
    #[test]
    fn between_is_additive(a in date_in_range(), b in date_in_range(), c in date_in_range()) {
        let calendar = cal();
        let ab = calendar.working_days_between(a, b).expect("published");
        let bc = calendar.working_days_between(b, c).expect("published");
        prop_assert_eq!(calendar.working_days_between(a, c), Ok(ab + bc));
    }
}

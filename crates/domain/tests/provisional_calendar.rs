//! The provisional calendar: a year without a published notice is answered from the
//! festival days of 《全国年节及纪念日放假办法》 (2024 amendment), flagged provisional,
//! and the strict calendar still refuses it.

use chrono::{Datelike, NaiveDate, Weekday};
use onething_domain::calendar::statutory::statutory_off_days;
use onething_domain::calendar::{Calendar, CalendarError, Dated};

const FIXTURE_2027: &str = include_str!("data/holidays-2027.json");

fn d(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("test dates are valid")
}

fn off_2027() -> Vec<(NaiveDate, &'static str)> {
    statutory_off_days(2027)
        .expect("2027 is in the table")
        .into_iter()
        .map(|day| (day.date, day.name))
        .collect()
}

#[test]
fn statutory_days_of_2027_with_weekend_days_given_back() {
    let days = off_2027();
    let expect = [
        ("2027-01-01", "元旦"),
        // 除夕 Fri 02-05, 初一–初三 Sat–Mon; Sat and Sun given back on Tue and Wed.
        ("2027-02-05", "春节"),
        ("2027-02-06", "春节"),
        ("2027-02-07", "春节"),
        ("2027-02-08", "春节"),
        ("2027-02-09", "春节（补假）"),
        ("2027-02-10", "春节（补假）"),
        ("2027-04-05", "清明节"),
        // 劳动节 Sat–Sun, given back Mon and Tue.
        ("2027-05-01", "劳动节"),
        ("2027-05-02", "劳动节"),
        ("2027-05-03", "劳动节（补假）"),
        ("2027-05-04", "劳动节（补假）"),
        ("2027-06-09", "端午节"),
        ("2027-09-15", "中秋节"),
        ("2027-10-01", "国庆节"),
        ("2027-10-02", "国庆节"),
        ("2027-10-03", "国庆节"),
        ("2027-10-04", "国庆节（补假）"),
        ("2027-10-05", "国庆节（补假）"),
    ];
    let expect: Vec<(NaiveDate, &str)> = expect.iter().map(|(t, n)| (d(t), *n)).collect();
    assert_eq!(days, expect);
}

#[test]
fn every_year_of_the_table_has_thirteen_festival_days_and_real_lunar_dates() {
    for year in 2025..=2040 {
        let days = statutory_off_days(year).expect("covered");
        let festival = days.iter().filter(|d| !d.name.contains("补假")).count();
        assert_eq!(festival, 13, "{year}: 1+4+1+2+1+1+3 festival days");
        for day in &days {
            assert_eq!(day.date.year(), year, "{year}: {:?}", day.date);
            if day.name.contains("补假") {
                assert!(!matches!(day.date.weekday(), Weekday::Sat | Weekday::Sun));
            }
        }
        // 春节 falls between 01-21 and 02-20 every year.
        let spring = days.iter().find(|d| d.name == "春节").expect("春节");
        assert!((d(&format!("{year}-01-20"))..d(&format!("{year}-02-20"))).contains(&spring.date));
    }
    assert!(statutory_off_days(2024).is_none(), "before the amendment");
    assert!(statutory_off_days(2041).is_none(), "past the table");
}

/// Every day the regulation fixes is an off day of the notices actually published under
/// it (2025, 2026): the table and the given-back rule agree with the State Council.
#[test]
fn statutory_days_are_off_days_of_the_published_2025_and_2026_notices() {
    let cal = Calendar::shipped();
    for year in [2025, 2026] {
        for day in statutory_off_days(year).expect("covered") {
            assert_eq!(
                cal.is_working_day(day.date),
                Ok(false),
                "{} ({}) must be off in the {year} notice",
                day.date,
                day.name
            );
        }
    }
}

#[test]
fn strict_calendar_still_refuses_an_unpublished_year() {
    let cal = Calendar::shipped();
    assert_eq!(
        cal.add_working_days(d("2026-12-20"), 33),
        Err(CalendarError::YearNotPublished { year: 2027 })
    );
}

#[test]
fn a_walk_into_2027_is_provisional_and_a_walk_inside_2026_is_not() {
    let cal = Calendar::shipped();
    assert_eq!(
        cal.add_working_days_provisional(d("2026-12-01"), 5),
        Ok(Dated::final_date(d("2026-12-08")))
    );
    // 12-21..12-31: 9 working days; 2027-01-01 off; then 24 more up to 02-04.
    let due = cal
        .add_working_days_provisional(d("2026-12-20"), 33)
        .expect("provisional");
    assert_eq!(
        due,
        Dated {
            date: d("2027-02-04"),
            provisional: true
        }
    );
    // Across the Spring Festival the regulation's 6 days off give 02-11.
    let due = cal.add_working_days_provisional(d("2026-12-20"), 34);
    assert_eq!(due.map(|d| d.date), Ok(d("2027-02-11")));
    assert_eq!(
        cal.is_working_day_provisional(d("2027-02-09")),
        Ok((false, true))
    );
    assert_eq!(
        cal.add_working_days_provisional(d("2040-12-20"), 30),
        Err(CalendarError::YearNotPublished { year: 2041 })
    );
}

#[test]
fn loading_the_notice_makes_the_answer_final_and_may_move_it() {
    let mut cal = Calendar::shipped();
    assert_eq!(cal.merge_json(FIXTURE_2027), Ok(vec![2027]));
    let due = cal
        .add_working_days_provisional(d("2026-12-20"), 34)
        .expect("final");
    // The notice's longer break (02-05..02-12) and the swapped Sunday 02-14 move it.
    assert_eq!(due, Dated::final_date(d("2027-02-14")));
    assert_eq!(
        cal.add_working_days(d("2026-12-20"), 34),
        Ok(d("2027-02-14"))
    );
}

#[test]
fn warning_from_october_while_next_years_notice_is_missing() {
    let cal = Calendar::shipped();
    assert_eq!(cal.next_notice_missing(d("2026-09-30")), None);
    assert_eq!(cal.next_notice_missing(d("2026-10-01")), Some(2027));
    assert_eq!(
        cal.next_notice_missing(d("2025-10-01")),
        None,
        "2026 is published"
    );
    let mut cal = cal;
    cal.merge_json(FIXTURE_2027).expect("fixture");
    assert_eq!(cal.next_notice_missing(d("2026-12-02")), None);
}

//! The window's 取号/叫号 queue (SV-4: 老年人、残疾人优先办理). A visitor takes a ticket at
//! the office; the elderly (by the age in their citizen id against the dated parameter
//! `elderly_age`) and the disabled get a priority ticket (`Y…`), everyone else an ordinary
//! one (`A…`); the clerk calls priority tickets first, each class in the order taken. Pure:
//! the store numbers and keeps the tickets, the services layer decides with these.

use std::cmp::Ordering;

use chrono::{Datelike, NaiveDate};

use crate::CitizenId;

/// Why a ticket is served first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PriorityReason {
    Elderly,
    Disabled,
}

impl PriorityReason {
    pub fn as_str(self) -> &'static str {
        match self {
            PriorityReason::Elderly => "elderly",
            PriorityReason::Disabled => "disabled",
        }
    }

    pub fn parse(text: &str) -> Option<PriorityReason> {
        match text {
            "elderly" => Some(PriorityReason::Elderly),
            "disabled" => Some(PriorityReason::Disabled),
            _ => None,
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            PriorityReason::Elderly => "老年人",
            PriorityReason::Disabled => "残疾人",
        }
    }
}

/// Full years of age on `on` (a person born on 29 February turns a year older on 1 March
/// in common years, as the day after 28 February).
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> u32 {
    let years = on.year() - birth.year();
    let had_birthday = (on.month(), on.day()) >= (birth.month(), birth.day());
    let age = if had_birthday { years } else { years - 1 };
    u32::try_from(age).unwrap_or(0)
}

/// Whether the visitor is served first, and why: disability (stated by the clerk or the
/// shared data) or age at least `elderly_age` on `on`; both → elderly first named.
pub fn priority_of(
    who: &CitizenId,
    disabled: bool,
    on: NaiveDate,
    elderly_age: u32,
) -> Option<PriorityReason> {
    if age_on(who.birth_date(), on) >= elderly_age {
        Some(PriorityReason::Elderly)
    } else if disabled {
        Some(PriorityReason::Disabled)
    } else {
        None
    }
}

/// The ticket's printed number: `Y003` for the third priority ticket of the day at the
/// office, `A012` for the twelfth ordinary one.
pub fn ticket_number(priority: bool, seq: u32) -> String {
    let letter = if priority { 'Y' } else { 'A' };
    format!("{letter}{seq:03}")
}

/// The calling order: priority tickets before ordinary ones, then the order they were
/// taken (`seq` breaks ties within one class and instant).
pub fn calling_order<T>(a: &T, b: &T, key: impl Fn(&T) -> (bool, i64)) -> Ordering {
    let (pa, ta) = key(a);
    let (pb, tb) = key(b);
    pb.cmp(&pa).then(ta.cmp(&tb))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RegionCode;

    fn day(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    fn born(s: &str) -> CitizenId {
        CitizenId::from_parts(RegionCode::new(500114).expect("region"), day(s), 21)
            .expect("citizen id")
    }

    #[test]
    fn age_counts_full_years_and_turns_on_the_birthday() {
        assert_eq!(age_on(day("1964-12-03"), day("2024-12-02")), 59);
        assert_eq!(age_on(day("1964-12-03"), day("2024-12-03")), 60);
        assert_eq!(age_on(day("1964-02-29"), day("2024-02-28")), 59);
        assert_eq!(age_on(day("1964-02-29"), day("2023-03-01")), 59);
        assert_eq!(age_on(day("1963-02-28"), day("2023-03-01")), 60);
        assert_eq!(age_on(day("2030-01-01"), day("2024-01-01")), 0);
    }

    #[test]
    fn the_elderly_from_the_parameter_and_the_disabled_go_first() {
        let on = day("2024-12-03");
        assert_eq!(
            priority_of(&born("1964-12-03"), false, on, 60),
            Some(PriorityReason::Elderly)
        );
        assert_eq!(priority_of(&born("1964-12-04"), false, on, 60), None);
        // The age is the parameter's, not a constant: 65 makes the same visitor ordinary.
        assert_eq!(priority_of(&born("1964-12-03"), false, on, 65), None);
        assert_eq!(
            priority_of(&born("1990-05-01"), true, on, 60),
            Some(PriorityReason::Disabled)
        );
        assert_eq!(
            priority_of(&born("1950-05-01"), true, on, 60),
            Some(PriorityReason::Elderly)
        );
    }

    #[test]
    fn priority_tickets_are_called_first_then_in_the_order_taken() {
        let mut tickets = vec![(false, 1), (true, 3), (false, 2), (true, 4)];
        tickets.sort_by(|a, b| calling_order(a, b, |t| (t.0, t.1)));
        assert_eq!(tickets, vec![(true, 3), (true, 4), (false, 1), (false, 2)]);
        assert_eq!(ticket_number(true, 3), "Y003");
        assert_eq!(ticket_number(false, 12), "A012");
        assert_eq!(
            PriorityReason::parse("disabled"),
            Some(PriorityReason::Disabled)
        );
        assert_eq!(PriorityReason::parse("x"), None);
    }
}

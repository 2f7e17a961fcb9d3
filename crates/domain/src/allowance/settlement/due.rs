//! When a claim must be paid (MA-5: within 10 working days of approval) and how late it is.

use chrono::NaiveDate;

use crate::{Calendar, CalendarError};

/// Working days between approval and the payment due date (seed 001 二(五)).
pub const PAYMENT_WORKING_DAYS: u32 = 10;

/// The date by which an approved claim must be paid: 10 working days after approval.
/// An approval in (or a walk into) a year without a published notice is an error.
pub fn payment_due(
    calendar: &Calendar,
    approved_on: NaiveDate,
) -> Result<NaiveDate, CalendarError> {
    calendar.add_working_days(approved_on, PAYMENT_WORKING_DAYS)
}

/// How many working days past `due` an unpaid claim is on `today`, or `None` when it is not
/// late. A claim is late from the day after its due date, so a claim due on a Friday and
/// still unpaid on Saturday is late by 0 working days (flagged, the count starts on Monday).
pub fn overdue_working_days(
    calendar: &Calendar,
    due: NaiveDate,
    today: NaiveDate,
) -> Result<Option<i64>, CalendarError> {
    if today <= due {
        return Ok(None);
    }
    calendar.working_days_between(due, today).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn due_is_ten_working_days_after_approval() {
        let cal = Calendar::shipped();
        // Thursday 2024-08-01 + 10 working days, no holiday in between.
        assert_eq!(payment_due(&cal, d("2024-08-01")), Ok(d("2024-08-15")));
        // Across 国庆节 2024 (1–7 October off, 29 Sep and 12 Oct worked):
        // 27 Sep → 29 Sep(1), 30 Sep(2), 8–11 Oct(3–6), 12 Oct(7), 14–16 Oct(8–10).
        assert_eq!(payment_due(&cal, d("2024-09-27")), Ok(d("2024-10-16")));
    }

    #[test]
    fn an_unpublished_year_is_an_error() {
        let cal = Calendar::shipped();
        assert_eq!(
            payment_due(&cal, d("2026-12-28")),
            Err(CalendarError::YearNotPublished { year: 2027 })
        );
    }

    #[test]
    fn late_from_the_day_after_due() {
        let cal = Calendar::shipped();
        let due = d("2024-09-13"); // a Friday before a make-up Saturday
        assert_eq!(overdue_working_days(&cal, due, d("2024-09-13")), Ok(None));
        assert_eq!(overdue_working_days(&cal, due, d("2024-09-01")), Ok(None));
        // Friday 2024-09-20, unpaid on Saturday: late, by 0 working days until Monday.
        let friday = d("2024-09-20");
        assert_eq!(
            overdue_working_days(&cal, friday, d("2024-09-21")),
            Ok(Some(0))
        );
        assert_eq!(
            overdue_working_days(&cal, friday, d("2024-09-23")),
            Ok(Some(1))
        );
        // 中秋节 2024: 15–17 September off, 14 September (Saturday) worked.
        assert_eq!(
            overdue_working_days(&cal, due, d("2024-09-18")),
            Ok(Some(2))
        );
    }
}

//! How late an unpaid payable is. When it is due comes from the paying item's limit on the
//! case engine (MA-5: 10 working days for the allowance's PS-05), fixed at approval.

use chrono::NaiveDate;

use crate::{Calendar, CalendarError};

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

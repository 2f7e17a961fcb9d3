//! China Standard Time (UTC+8, no daylight saving): deadlines and "today" are Beijing dates,
//! whatever the server's own time zone.

use chrono::{DateTime, FixedOffset, NaiveDate, Offset, Utc};

/// UTC+8.
pub fn china_offset() -> FixedOffset {
    const EIGHT_HOURS: i32 = 8 * 3600;
    // Within FixedOffset's ±24 h range, so the fallback is unreachable.
    FixedOffset::east_opt(EIGHT_HOURS).unwrap_or(Utc.fix())
}

/// The calendar date in China at instant `at`.
pub fn date_in_china(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&china_offset()).date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn late_evening_utc_is_next_day_in_china() {
        let at = DateTime::parse_from_rfc3339("2024-09-30T16:30:00Z")
            .expect("instant")
            .to_utc();
        assert_eq!(
            date_in_china(at),
            NaiveDate::from_ymd_opt(2024, 10, 1).expect("date")
        );
        let before = DateTime::parse_from_rfc3339("2024-09-30T15:59:59Z")
            .expect("instant")
            .to_utc();
        assert_eq!(
            date_in_china(before),
            NaiveDate::from_ymd_opt(2024, 9, 30).expect("date")
        );
    }
}

//! Home-visit appointments (预约上门服务, SV-4): an office publishes slots (a working day, a
//! time range, a capacity); a citizen — or a clerk for an elderly or disabled person —
//! books one for a case; the clerk goes and records the visit on the case. Pure rules on a
//! slot's shape and time; the store enforces capacity and one booking per case.

use chrono::{NaiveDate, NaiveTime};

/// The most places one slot may offer (a clerk's half day of visits, with margin).
pub const MAX_CAPACITY: u32 = 20;

/// Why a slot cannot be published or booked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SlotError {
    #[error("the slot is in the past")]
    Past,
    #[error("the day is not a working day")]
    NotWorkingDay,
    #[error("the slot ends before it starts")]
    Range,
    #[error("the capacity is outside 1..=20")]
    Capacity,
}

impl SlotError {
    pub fn code(self) -> &'static str {
        match self {
            SlotError::Past => "SLOT_IN_PAST",
            SlotError::NotWorkingDay => "NOT_WORKING_DAY",
            SlotError::Range => "INVALID_RANGE",
            SlotError::Capacity => "OUT_OF_RANGE",
        }
    }

    /// The field the error names, as sent.
    pub fn field(self) -> &'static str {
        match self {
            SlotError::Past | SlotError::NotWorkingDay => "date",
            SlotError::Range => "ends",
            SlotError::Capacity => "capacity",
        }
    }

    pub fn message_zh(self) -> &'static str {
        match self {
            SlotError::Past => "日期（date）：上门服务时段已过，不能发布或预约",
            SlotError::NotWorkingDay => "日期（date）：该日不是工作日，不安排上门服务",
            SlotError::Range => "结束时间（ends）须晚于开始时间（starts）",
            SlotError::Capacity => "名额（capacity）须为 1 至 20",
        }
    }
}

/// A slot as published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlotShape {
    pub day: NaiveDate,
    pub starts: NaiveTime,
    pub ends: NaiveTime,
    pub capacity: u32,
}

/// Whether a slot may be published now (China date and time): on a working day, not
/// started yet, ending after it starts, with 1..=20 places.
pub fn check_publish(
    slot: &SlotShape,
    working_day: bool,
    today: NaiveDate,
    now: NaiveTime,
) -> Result<(), SlotError> {
    if slot.ends <= slot.starts {
        return Err(SlotError::Range);
    }
    if slot.capacity == 0 || slot.capacity > MAX_CAPACITY {
        return Err(SlotError::Capacity);
    }
    check_not_started(slot.day, slot.starts, today, now)?;
    if !working_day {
        return Err(SlotError::NotWorkingDay);
    }
    Ok(())
}

/// A slot can be booked (or published) only before it starts.
pub fn check_not_started(
    day: NaiveDate,
    starts: NaiveTime,
    today: NaiveDate,
    now: NaiveTime,
) -> Result<(), SlotError> {
    if (day, starts) <= (today, now) {
        Err(SlotError::Past)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> NaiveTime {
        NaiveTime::parse_from_str(s, "%H:%M").expect("time")
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    fn slot(day: &str, starts: &str, ends: &str, capacity: u32) -> SlotShape {
        SlotShape {
            day: d(day),
            starts: t(starts),
            ends: t(ends),
            capacity,
        }
    }

    #[test]
    fn a_slot_is_a_future_working_day_range_with_places() {
        let (today, now) = (d("2024-12-03"), t("10:00"));
        let ok = slot("2024-12-04", "09:00", "11:30", 3);
        assert_eq!(check_publish(&ok, true, today, now), Ok(()));
        let later_today = slot("2024-12-03", "14:00", "16:00", 1);
        assert_eq!(check_publish(&later_today, true, today, now), Ok(()));
        let started = slot("2024-12-03", "10:00", "12:00", 1);
        assert_eq!(
            check_publish(&started, true, today, now),
            Err(SlotError::Past)
        );
        let yesterday = slot("2024-12-02", "14:00", "16:00", 1);
        assert_eq!(
            check_publish(&yesterday, true, today, now),
            Err(SlotError::Past)
        );
        assert_eq!(
            check_publish(&ok, false, today, now),
            Err(SlotError::NotWorkingDay)
        );
        let backwards = slot("2024-12-04", "11:00", "09:00", 1);
        assert_eq!(
            check_publish(&backwards, true, today, now),
            Err(SlotError::Range)
        );
        for bad in [0, 21] {
            let s = slot("2024-12-04", "09:00", "11:00", bad);
            assert_eq!(
                check_publish(&s, true, today, now),
                Err(SlotError::Capacity)
            );
        }
        assert_eq!(SlotError::Past.field(), "date");
        assert_eq!(SlotError::Capacity.code(), "OUT_OF_RANGE");
    }
}

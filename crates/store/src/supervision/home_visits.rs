//! Home-visit appointments (预约上门服务, migration `0024_window_service.sql`): slots per
//! office and the bookings on them. The database refuses an overbooking (the slot's
//! `booked` within its capacity) and a second live booking of a case (a partial unique
//! index); each write goes with its audit entry and its in-site messages in one
//! transaction.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row;

use super::NewVisit;
use super::visits::insert_visit_in;
use crate::allowance::steps::{NewNotification, notify_in};
use crate::audit::{NewAuditEntry, append_audit_in};
use crate::text::{date, instant, parse_date, parse_instant};
use crate::{Store, StoreError};

/// What [`StoreError::Conflict`] names when a slot has no place left.
pub const SLOT_FULL: &str = "home_visit_slot";
/// What it names when the case already has a live booking, or the slot exists already.
pub const BOOKING_EXISTS: &str = "home_visit_booking";
pub const SLOT_EXISTS: &str = "home_visit_slot_time";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    pub id: String,
    pub region: String,
    pub day: NaiveDate,
    /// `HH:MM`, China time.
    pub starts: String,
    pub ends: String,
    pub capacity: i64,
    pub booked: i64,
    pub published_by: String,
    pub published_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Booking {
    pub id: String,
    pub slot: Slot,
    pub case_id: String,
    /// `person:<id>`: the case's applicant.
    pub applicant: String,
    pub address: String,
    pub phone: Option<String>,
    pub booked_by: String,
    pub booked_at: DateTime<Utc>,
    /// `booked`, `cancelled` or `visited`.
    pub status: String,
    pub cancelled_by: Option<String>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub visit_id: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewBooking {
    pub id: String,
    pub slot_id: String,
    pub case_id: String,
    pub applicant: String,
    pub address: String,
    pub phone: Option<String>,
    pub booked_by: String,
    pub at: DateTime<Utc>,
}

const SLOT_COLUMNS: &str =
    "s.id, s.region, s.day, s.starts, s.ends, s.capacity, s.booked, s.published_by, s.published_at";
const BOOKING_COLUMNS: &str = "b.id AS booking_id, b.case_id, b.applicant, b.address, b.phone, \
     b.booked_by, b.booked_at, b.status, b.cancelled_by, b.cancelled_at, b.visit_id";

impl Store {
    /// Publishes a slot (its `booked` 0) with its audit entry; the office's slot at the same
    /// day and start already → `Conflict` naming [`SLOT_EXISTS`].
    pub async fn publish_slot(
        &self,
        slot: &Slot,
        audit: &NewAuditEntry,
    ) -> Result<Slot, StoreError> {
        let mut tx = self.begin_write().await?;
        let inserted = sqlx::query(
            "INSERT INTO home_visit_slots (id, region, day, starts, ends, capacity, booked,
                 published_by, published_at)
             VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $8)",
        )
        .bind(&slot.id)
        .bind(&slot.region)
        .bind(date(slot.day))
        .bind(&slot.starts)
        .bind(&slot.ends)
        .bind(slot.capacity)
        .bind(&slot.published_by)
        .bind(instant(slot.published_at))
        .execute(&mut *tx)
        .await
        .map_err(StoreError::from);
        match inserted {
            Err(e) if e.is_unique_violation() => {
                return Err(StoreError::Conflict {
                    what: SLOT_EXISTS,
                    id: slot.id.clone(),
                });
            }
            other => {
                other?;
            }
        }
        append_audit_in(&mut tx, audit).await?;
        tx.commit().await?;
        self.slot(&slot.id).await
    }

    pub async fn slot(&self, id: &str) -> Result<Slot, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {SLOT_COLUMNS} FROM home_visit_slots s WHERE s.id = $1"
        )))
        .bind(id)
        .fetch_optional(self.pool())
        .await?
        .ok_or_else(|| StoreError::NotFound {
            what: "home visit slot",
            id: id.to_owned(),
        })?;
        read_slot(&row)
    }

    /// The slots of the offices inside a region (`LIKE` prefix; `None`: all) from `from`
    /// on, by day and start: a city's clerk sees his counties' slots.
    pub async fn slots_within(
        &self,
        region_prefix: Option<&str>,
        from: NaiveDate,
    ) -> Result<Vec<Slot>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {SLOT_COLUMNS} FROM home_visit_slots s
             WHERE ($1 IS NULL OR s.region LIKE $1) AND s.day >= $2
             ORDER BY s.day, s.starts, s.region, s.id"
        )))
        .bind(super::like(region_prefix))
        .bind(date(from))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(read_slot).collect()
    }

    /// An office's slots from `from` on, by day and start.
    pub async fn slots_of(&self, region: &str, from: NaiveDate) -> Result<Vec<Slot>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {SLOT_COLUMNS} FROM home_visit_slots s
             WHERE s.region = $1 AND s.day >= $2 ORDER BY s.day, s.starts, s.id"
        )))
        .bind(region)
        .bind(date(from))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(read_slot).collect()
    }

    /// Books a place: the slot's count raised only while below its capacity (else
    /// `Conflict` naming [`SLOT_FULL`]), the booking written (a second live booking of the
    /// case → `Conflict` naming [`BOOKING_EXISTS`]), audited and announced, all or nothing.
    pub async fn book_home_visit(
        &self,
        booking: &NewBooking,
        audit: &NewAuditEntry,
        notes: &[NewNotification],
    ) -> Result<Booking, StoreError> {
        let mut tx = self.begin_write().await?;
        let took = sqlx::query(
            "UPDATE home_visit_slots SET booked = booked + 1 WHERE id = $1 AND booked < capacity",
        )
        .bind(&booking.slot_id)
        .execute(&mut *tx)
        .await?;
        if took.rows_affected() != 1 {
            tx.rollback().await?;
            return Err(StoreError::Conflict {
                what: SLOT_FULL,
                id: booking.slot_id.clone(),
            });
        }
        let inserted = sqlx::query(
            "INSERT INTO home_visit_bookings (id, slot_id, case_id, applicant, address, phone,
                 booked_by, booked_at, status)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'booked')",
        )
        .bind(&booking.id)
        .bind(&booking.slot_id)
        .bind(&booking.case_id)
        .bind(&booking.applicant)
        .bind(&booking.address)
        .bind(booking.phone.as_deref())
        .bind(&booking.booked_by)
        .bind(instant(booking.at))
        .execute(&mut *tx)
        .await;
        if let Err(e) = inserted {
            let e = StoreError::from(e);
            if e.is_unique_violation() {
                tx.rollback().await?;
                return Err(StoreError::Conflict {
                    what: BOOKING_EXISTS,
                    id: booking.case_id.clone(),
                });
            }
            return Err(e);
        }
        append_audit_in(&mut tx, audit).await?;
        notify_in(&mut tx, notes, booking.at).await?;
        tx.commit().await?;
        self.home_visit_booking(&booking.id).await
    }

    /// Cancels a live booking and frees its place; not live → `Conflict`.
    pub async fn cancel_home_visit(
        &self,
        id: &str,
        by: &str,
        at: DateTime<Utc>,
        audit: &NewAuditEntry,
        notes: &[NewNotification],
    ) -> Result<Booking, StoreError> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE home_visit_bookings SET status = 'cancelled', cancelled_by = $2, cancelled_at = $3
             WHERE id = $1 AND status = 'booked'",
        )
        .bind(id)
        .bind(by)
        .bind(instant(at))
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            tx.rollback().await?;
            return Err(StoreError::Conflict {
                what: "home_visit_cancel",
                id: id.to_owned(),
            });
        }
        sqlx::query(
            "UPDATE home_visit_slots SET booked = booked - 1
             WHERE id = (SELECT slot_id FROM home_visit_bookings WHERE id = $1)",
        )
        .bind(id)
        .execute(&mut *tx)
        .await?;
        append_audit_in(&mut tx, audit).await?;
        notify_in(&mut tx, notes, at).await?;
        tx.commit().await?;
        self.home_visit_booking(id).await
    }

    /// Records the home visit on the case (a `home_visit` case visit) and closes the
    /// booking; not live → `Conflict`, nothing written.
    pub async fn record_home_visit(
        &self,
        id: &str,
        visit: &NewVisit,
        audit: &NewAuditEntry,
    ) -> Result<Booking, StoreError> {
        let mut tx = self.begin_write().await?;
        insert_visit_in(&mut tx, visit).await?;
        let done = sqlx::query(
            "UPDATE home_visit_bookings SET status = 'visited', visit_id = $2
             WHERE id = $1 AND status = 'booked'",
        )
        .bind(id)
        .bind(&visit.id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            tx.rollback().await?;
            return Err(StoreError::Conflict {
                what: "home_visit_record",
                id: id.to_owned(),
            });
        }
        append_audit_in(&mut tx, audit).await?;
        tx.commit().await?;
        self.home_visit_booking(id).await
    }

    pub async fn home_visit_booking(&self, id: &str) -> Result<Booking, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {SLOT_COLUMNS}, {BOOKING_COLUMNS}
             FROM home_visit_bookings b JOIN home_visit_slots s ON s.id = b.slot_id WHERE b.id = $1"
        )))
        .bind(id)
        .fetch_optional(self.pool())
        .await?
        .ok_or_else(|| StoreError::NotFound {
            what: "home visit booking",
            id: id.to_owned(),
        })?;
        read_booking(&row)
    }

    /// Bookings of the offices inside a region (`LIKE` prefix) or of one applicant, newest
    /// slot first.
    pub async fn home_visit_bookings(
        &self,
        region_prefix: Option<&str>,
        applicant: Option<&str>,
    ) -> Result<Vec<Booking>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {SLOT_COLUMNS}, {BOOKING_COLUMNS}
             FROM home_visit_bookings b JOIN home_visit_slots s ON s.id = b.slot_id
             WHERE ($1 IS NULL OR s.region LIKE $1) AND ($2 IS NULL OR b.applicant = $2)
             ORDER BY s.day DESC, s.starts DESC, b.id"
        )))
        .bind(super::like(region_prefix))
        .bind(applicant)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(read_booking).collect()
    }
}

fn read_slot(row: &sqlx::any::AnyRow) -> Result<Slot, StoreError> {
    Ok(Slot {
        id: row.try_get("id")?,
        region: row.try_get("region")?,
        day: parse_date(&row.try_get::<String, _>("day")?)?,
        starts: row.try_get("starts")?,
        ends: row.try_get("ends")?,
        capacity: row.try_get("capacity")?,
        booked: row.try_get("booked")?,
        published_by: row.try_get("published_by")?,
        published_at: parse_instant(&row.try_get::<String, _>("published_at")?)?,
    })
}

fn read_booking(row: &sqlx::any::AnyRow) -> Result<Booking, StoreError> {
    let cancelled_at: Option<String> = row.try_get("cancelled_at")?;
    Ok(Booking {
        id: row.try_get("booking_id")?,
        slot: read_slot(row)?,
        case_id: row.try_get("case_id")?,
        applicant: row.try_get("applicant")?,
        address: row.try_get("address")?,
        phone: row.try_get("phone")?,
        booked_by: row.try_get("booked_by")?,
        booked_at: parse_instant(&row.try_get::<String, _>("booked_at")?)?,
        status: row.try_get("status")?,
        cancelled_by: row.try_get("cancelled_by")?,
        cancelled_at: cancelled_at.as_deref().map(parse_instant).transpose()?,
        visit_id: row.try_get("visit_id")?,
    })
}

//! The window's 取号/叫号 queue (migration `0024_window_queue.sql`): tickets numbered per
//! office, day and class in the transaction that issues them, and the serve that marks a
//! ticket served and records its case's window visit together. Who goes first is decided
//! in `domain::supervision::queue`.

use chrono::{DateTime, NaiveDate, Utc};
use onething_domain::supervision::queue::ticket_number;
use sqlx::Row;

use super::NewVisit;
use super::visits::insert_visit_in;
use crate::audit::{NewAuditEntry, append_audit_in};
use crate::text::{date, instant, parse_date, parse_instant};
use crate::{Store, StoreError};

/// Two clerks numbering at the same instant on PostgreSQL: the unique number refuses the
/// second, which numbers again.
const ATTEMPTS: u32 = 3;

#[derive(Debug, Clone)]
pub struct NewTicket {
    pub id: String,
    /// The office: the issuing clerk's region.
    pub region: String,
    /// The office's (China) date.
    pub day: NaiveDate,
    pub citizen_id: String,
    pub name: String,
    pub case_id: Option<String>,
    pub disabled: bool,
    /// `elderly` or `disabled` (served first); none for an ordinary ticket.
    pub priority_reason: Option<&'static str>,
    pub at: DateTime<Utc>,
    pub issued_by: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ticket {
    pub id: String,
    pub region: String,
    pub day: NaiveDate,
    pub number: String,
    pub seq: i64,
    pub citizen_id: String,
    pub name: String,
    pub case_id: Option<String>,
    pub disabled: bool,
    pub priority_reason: Option<String>,
    pub issued_at: DateTime<Utc>,
    pub issued_by: String,
    pub status: String,
    pub served_at: Option<DateTime<Utc>>,
    pub served_by: Option<String>,
    pub visit_id: Option<String>,
}

impl Ticket {
    pub fn priority(&self) -> bool {
        self.priority_reason.is_some()
    }
}

/// How a waiting ticket is served: by whom and when, and the visit to record when the
/// ticket is for a case.
#[derive(Debug, Clone)]
pub struct ServeTicket {
    pub ticket_id: String,
    pub by: String,
    pub at: DateTime<Utc>,
    pub visit: Option<NewVisit>,
}

const COLUMNS: &str = "id, region, day, number, seq, citizen_id, name, case_id, disabled, \
     priority_reason, issued_at, issued_by, status, served_at, served_by, visit_id";

impl Store {
    /// Issues a ticket with the office's next number of its class, with its audit entry.
    pub async fn issue_ticket(
        &self,
        ticket: &NewTicket,
        audit: &NewAuditEntry,
    ) -> Result<Ticket, StoreError> {
        let mut attempt = 1;
        loop {
            match self.issue_ticket_once(ticket, audit).await {
                Err(e) if e.is_unique_violation() && attempt < ATTEMPTS => attempt += 1,
                Err(e) => return Err(e),
                Ok(()) => return self.ticket(&ticket.id).await,
            }
        }
    }

    async fn issue_ticket_once(
        &self,
        ticket: &NewTicket,
        audit: &NewAuditEntry,
    ) -> Result<(), StoreError> {
        let priority = ticket.priority_reason.is_some();
        let class = if priority {
            "priority_reason IS NOT NULL"
        } else {
            "priority_reason IS NULL"
        };
        let mut tx = self.begin_write().await?;
        let last: i64 = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT COALESCE(MAX(seq), 0) AS last FROM window_tickets
             WHERE region = $1 AND day = $2 AND {class}"
        )))
        .bind(&ticket.region)
        .bind(date(ticket.day))
        .fetch_one(&mut *tx)
        .await?
        .try_get("last")?;
        let seq = last + 1;
        let number = ticket_number(priority, u32::try_from(seq).unwrap_or(u32::MAX));
        sqlx::query(
            "INSERT INTO window_tickets (id, region, day, number, seq, citizen_id, name, case_id,
                 disabled, priority_reason, issued_at, issued_by, status)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'waiting')",
        )
        .bind(&ticket.id)
        .bind(&ticket.region)
        .bind(date(ticket.day))
        .bind(&number)
        .bind(seq)
        .bind(&ticket.citizen_id)
        .bind(&ticket.name)
        .bind(ticket.case_id.as_deref())
        .bind(i64::from(ticket.disabled))
        .bind(ticket.priority_reason)
        .bind(instant(ticket.at))
        .bind(&ticket.issued_by)
        .execute(&mut *tx)
        .await?;
        let mut entry = audit.clone();
        entry.subject_id.clone_from(&ticket.id);
        if let Some(d) = entry.detail.as_object_mut() {
            d.insert("number".into(), number.into());
        }
        append_audit_in(&mut tx, &entry).await?;
        tx.commit().await?;
        Ok(())
    }

    /// One ticket.
    pub async fn ticket(&self, id: &str) -> Result<Ticket, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM window_tickets WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(self.pool())
        .await?
        .ok_or_else(|| StoreError::NotFound {
            what: "ticket",
            id: id.to_owned(),
        })?;
        read(&row)
    }

    /// The office's tickets of a day in `status` (`waiting`, `missed`), in the order taken
    /// (the services layer puts priority first).
    pub async fn day_tickets(
        &self,
        region: &str,
        day: NaiveDate,
        status: &str,
    ) -> Result<Vec<Ticket>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM window_tickets
             WHERE region = $1 AND day = $2 AND status = $3 ORDER BY issued_at, id"
        )))
        .bind(region)
        .bind(date(day))
        .bind(status)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(read).collect()
    }

    /// 过号: a waiting ticket called with nobody there is marked missed (who called, when)
    /// with its audit entry. A ticket no longer waiting → `Conflict`, nothing written.
    pub async fn miss_ticket(
        &self,
        id: &str,
        by: &str,
        at: DateTime<Utc>,
        audit: &NewAuditEntry,
    ) -> Result<Ticket, StoreError> {
        let mut tx = self.begin_write().await?;
        let updated = sqlx::query(
            "UPDATE window_tickets SET status = 'missed', served_at = $2, served_by = $3
             WHERE id = $1 AND status = 'waiting'",
        )
        .bind(id)
        .bind(instant(at))
        .bind(by)
        .execute(&mut *tx)
        .await?;
        StoreError::unless_one_row(updated.rows_affected(), "ticket", id)?;
        append_audit_in(&mut tx, audit).await?;
        tx.commit().await?;
        self.ticket(id).await
    }

    /// Serves a waiting or missed ticket: its case's visit (if any), the ticket marked
    /// served and the audit entry in one transaction. A ticket served already →
    /// `Conflict`, nothing written.
    pub async fn serve_ticket(
        &self,
        serve: &ServeTicket,
        audit: &NewAuditEntry,
    ) -> Result<Ticket, StoreError> {
        let mut tx = self.begin_write().await?;
        if let Some(visit) = &serve.visit {
            insert_visit_in(&mut tx, visit).await?;
        }
        let visit_id = serve.visit.as_ref().map(|v| v.id.as_str());
        let updated = sqlx::query(
            "UPDATE window_tickets SET status = 'served', served_at = $2, served_by = $3,
                 visit_id = $4
             WHERE id = $1 AND status IN ('waiting', 'missed')",
        )
        .bind(&serve.ticket_id)
        .bind(instant(serve.at))
        .bind(&serve.by)
        .bind(visit_id)
        .execute(&mut *tx)
        .await?;
        StoreError::unless_one_row(updated.rows_affected(), "ticket", &serve.ticket_id)?;
        append_audit_in(&mut tx, audit).await?;
        tx.commit().await?;
        self.ticket(&serve.ticket_id).await
    }
}

fn read(row: &sqlx::any::AnyRow) -> Result<Ticket, StoreError> {
    let served_at: Option<String> = row.try_get("served_at")?;
    Ok(Ticket {
        id: row.try_get("id")?,
        region: row.try_get("region")?,
        day: parse_date(&row.try_get::<String, _>("day")?)?,
        number: row.try_get("number")?,
        seq: row.try_get("seq")?,
        citizen_id: row.try_get("citizen_id")?,
        name: row.try_get("name")?,
        case_id: row.try_get("case_id")?,
        disabled: row.try_get::<i64, _>("disabled")? != 0,
        priority_reason: row.try_get("priority_reason")?,
        issued_at: parse_instant(&row.try_get::<String, _>("issued_at")?)?,
        issued_by: row.try_get("issued_by")?,
        status: row.try_get("status")?,
        served_at: served_at.as_deref().map(parse_instant).transpose()?,
        served_by: row.try_get("served_by")?,
        visit_id: row.try_get("visit_id")?,
    })
}

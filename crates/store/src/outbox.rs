//! The outbox (EX-6): a message to a department is a `deliveries` row written in the same
//! transaction as the case change that causes it, so a change is never made without its
//! message nor a message sent for a change that was rolled back. A sender claims due rows
//! with a conditional `UPDATE … RETURNING` (no `SKIP LOCKED`, so it works on SQLite and
//! PostgreSQL alike); a claim is a lease, so a row whose sender died is claimed again.
//! Delivery is at least once: receivers de-duplicate by delivery id.

use chrono::{DateTime, Utc};
use onething_domain::Calendar;
use onething_domain::case::Action;
use onething_domain::case::plan_item_change;
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;
use uuid::Uuid;

use crate::cases::{Actor, CaseRecord, append_in};
use crate::text::{instant, parse_instant};
use crate::{Store, StoreError};

/// One delivery as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    pub id: String,
    pub dept_id: String,
    pub case_id: String,
    pub item: String,
    pub payload: String,
    pub status: String,
    pub attempts: i64,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<String>,
}

/// What happened to a claimed delivery's attempt.
#[derive(Debug, Clone, PartialEq)]
pub enum AttemptOutcome {
    Delivered,
    /// Try again at the given instant.
    Retry {
        error: String,
        at: DateTime<Utc>,
    },
    /// Give up: the delivery is `failed`.
    Failed {
        error: String,
    },
}

pub(crate) const COLUMNS: &str =
    "id, dept_id, case_id, item, payload, status, attempts, next_attempt_at, last_error";

impl Store {
    /// Starts an item (the department takes it up) and queues its delivery to the department
    /// of the item's kind that has a webhook, in one transaction. The delivery's id is
    /// returned with the case; a retried request (same idempotency key) queues nothing new.
    pub async fn route_item(
        &self,
        case_id: &str,
        item: &str,
        actor: &Actor,
        calendar: &Calendar,
    ) -> Result<(CaseRecord, String), StoreError> {
        if let Some(existing) = self.replayed(case_id, actor).await? {
            let delivery = self.delivery_for_item(case_id, item).await?;
            return Ok((existing, delivery.map(|d| d.id).unwrap_or_default()));
        }
        let record = self.load_case(case_id).await?;
        let on = actor.working_date();
        let body = plan_item_change(&record.state, item, Action::Start, actor.role, on, calendar)?;
        let dept_id = self.webhook_department_of(case_id, item).await?;
        let id = Uuid::new_v4().simple().to_string();
        let payload = json!({"delivery_id": id, "case_id": case_id, "item": item}).to_string();
        let mut tx = self.begin_write().await?;
        let written = append_in(&mut tx, &record, vec![body], actor).await?;
        sqlx::query(
            "INSERT INTO deliveries (id, dept_id, case_id, item, payload, status, attempts,
                 next_attempt_at, created_at)
             VALUES ($1, $2, $3, $4, $5, 'pending', 0, $6, $6)",
        )
        .bind(&id)
        .bind(&dept_id)
        .bind(case_id)
        .bind(item)
        .bind(&payload)
        .bind(instant(actor.at))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok((written, id))
    }

    /// The department of the item's kind with a webhook (the first by id).
    async fn webhook_department_of(&self, case_id: &str, item: &str) -> Result<String, StoreError> {
        let id: Option<String> = sqlx::query_scalar(
            "SELECT d.id FROM case_items i JOIN departments d ON d.kind = i.department
             WHERE i.case_id = $1 AND i.item = $2 AND d.webhook_url IS NOT NULL
             ORDER BY d.id LIMIT 1",
        )
        .bind(case_id)
        .bind(item)
        .fetch_optional(self.pool())
        .await?;
        id.ok_or_else(|| StoreError::NotFound {
            what: "webhook department of item",
            id: format!("{case_id}/{item}"),
        })
    }

    /// Claims the most overdue due delivery until `lease_until`, counting the attempt.
    pub async fn claim_delivery(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
    ) -> Result<Option<Delivery>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE deliveries SET status = 'sending', attempts = attempts + 1, next_attempt_at = $2
             WHERE id = (SELECT id FROM deliveries
                         WHERE status IN ('pending', 'sending') AND next_attempt_at <= $1
                         ORDER BY next_attempt_at, id LIMIT 1)
               AND status IN ('pending', 'sending') AND next_attempt_at <= $1
             RETURNING {COLUMNS}"
        )))
        .bind(instant(now))
        .bind(instant(lease_until))
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(delivery_of).transpose()
    }

    /// Records the outcome of a claimed delivery's attempt.
    pub async fn finish_attempt(
        &self,
        id: &str,
        outcome: &AttemptOutcome,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let (status, error, next, delivered) = match outcome {
            AttemptOutcome::Delivered => ("delivered", None, now, Some(instant(now))),
            AttemptOutcome::Retry { error, at } => ("pending", Some(error.as_str()), *at, None),
            AttemptOutcome::Failed { error } => ("failed", Some(error.as_str()), now, None),
        };
        sqlx::query(
            "UPDATE deliveries SET status = $1, last_error = COALESCE($2, last_error),
                 next_attempt_at = $3, delivered_at = $4
             WHERE id = $5 AND status = 'sending'",
        )
        .bind(status)
        .bind(error)
        .bind(instant(next))
        .bind(delivered)
        .bind(id)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// One delivery by id.
    pub async fn delivery(&self, id: &str) -> Result<Option<Delivery>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM deliveries WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(delivery_of).transpose()
    }

    /// The latest delivery asking a department to handle an item (not a result handed over).
    pub async fn delivery_for_item(
        &self,
        case_id: &str,
        item: &str,
    ) -> Result<Option<Delivery>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM deliveries WHERE case_id = $1 AND item = $2 AND purpose = 'item'
             ORDER BY created_at DESC, id LIMIT 1"
        )))
        .bind(case_id)
        .bind(item)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(delivery_of).transpose()
    }

    /// The platform key an earlier version kept in the database (`platform_keys`):
    /// `onething serve` writes it to the key file on its first start after the upgrade (so
    /// departments keep verifying deliveries with the key they know), then forgets it here.
    pub async fn legacy_platform_key(&self) -> Result<Option<String>, StoreError> {
        let pem: Option<String> =
            sqlx::query_scalar("SELECT private_pem FROM platform_keys WHERE id = 'platform'")
                .fetch_optional(self.pool())
                .await?;
        Ok(pem)
    }

    /// Deletes the legacy key once it is safely in its file.
    pub async fn forget_legacy_platform_key(&self) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM platform_keys")
            .execute(self.pool())
            .await?;
        Ok(())
    }
}

pub(crate) fn delivery_of(row: &AnyRow) -> Result<Delivery, StoreError> {
    Ok(Delivery {
        id: row.try_get("id")?,
        dept_id: row.try_get("dept_id")?,
        case_id: row.try_get("case_id")?,
        item: row.try_get("item")?,
        payload: row.try_get("payload")?,
        status: row.try_get("status")?,
        attempts: row.try_get("attempts")?,
        next_attempt_at: parse_instant(&row.try_get::<String, _>("next_attempt_at")?)?,
        last_error: row.try_get("last_error")?,
    })
}

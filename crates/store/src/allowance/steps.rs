//! A claim's steps (MA-6: submitted, reviewed, settled, paid, each with its date and actor)
//! and the notifications they send. Both are written inside the transaction that changes
//! the claim.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::{Any, Row, Transaction};
use uuid::Uuid;

use crate::text::{instant, parse_instant, parse_json};
use crate::{Store, StoreError};

/// One step in a claim's history.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimStep {
    pub seq: i64,
    /// `created`, `submitted`, `approved`, `rejected`, `settled`, `paid`, `payment_failed`, …
    pub step: String,
    pub at: DateTime<Utc>,
    pub by: String,
    pub detail: Value,
}

/// Who a notification is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recipient {
    Person(String),
    Employer(String),
}

impl Recipient {
    pub fn key(&self) -> String {
        match self {
            Recipient::Person(id) => format!("person:{id}"),
            Recipient::Employer(uscc) => format!("employer:{uscc}"),
        }
    }
}

/// A message to write: in-site always; SMS rows are sent by the SMS adapter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNotification {
    pub recipient: Recipient,
    /// `in_site` or `sms`.
    pub channel: &'static str,
    pub subject_type: &'static str,
    pub subject_id: String,
    pub body: String,
}

/// A stored notification.
#[derive(Debug, Clone, PartialEq)]
pub struct Notification {
    pub id: String,
    pub recipient: String,
    pub channel: String,
    pub subject_type: String,
    pub subject_id: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

/// Appends the next step of a claim.
pub async fn append_step_in(
    tx: &mut Transaction<'static, Any>,
    claim_id: &str,
    step: &str,
    at: DateTime<Utc>,
    by: &str,
    detail: &Value,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO ma_claim_steps (claim_id, seq, step, at, by_actor, detail)
         VALUES ($1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM ma_claim_steps WHERE claim_id = $1),
                 $2, $3, $4, $5)",
    )
    .bind(claim_id)
    .bind(step)
    .bind(instant(at))
    .bind(by)
    .bind(crate::text::json(detail)?)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Writes notifications in the caller's transaction.
pub async fn notify_in(
    tx: &mut Transaction<'static, Any>,
    notes: &[NewNotification],
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    for note in notes {
        sqlx::query(
            "INSERT INTO notifications (id, recipient, channel, subject_type, subject_id, body, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(Uuid::new_v4().simple().to_string())
        .bind(note.recipient.key())
        .bind(note.channel)
        .bind(note.subject_type)
        .bind(&note.subject_id)
        .bind(&note.body)
        .bind(instant(at))
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

impl Store {
    /// A claim's steps, oldest first.
    pub async fn claim_steps(&self, claim_id: &str) -> Result<Vec<ClaimStep>, StoreError> {
        let rows = sqlx::query(
            "SELECT seq, step, at, by_actor, detail FROM ma_claim_steps
             WHERE claim_id = $1 ORDER BY seq",
        )
        .bind(claim_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(ClaimStep {
                    seq: row.try_get("seq")?,
                    step: row.try_get("step")?,
                    at: parse_instant(&row.try_get::<String, _>("at")?)?,
                    by: row.try_get("by_actor")?,
                    detail: parse_json(&row.try_get::<String, _>("detail")?)?,
                })
            })
            .collect()
    }

    /// A recipient's notifications of one channel, newest first.
    pub async fn notifications_for(
        &self,
        recipient: &Recipient,
        channel: &str,
        limit: u32,
    ) -> Result<Vec<Notification>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, recipient, channel, subject_type, subject_id, body, created_at, read_at
             FROM notifications WHERE recipient = $1 AND channel = $2
             ORDER BY created_at DESC, id LIMIT $3",
        )
        .bind(recipient.key())
        .bind(channel)
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                let read_at: Option<String> = row.try_get("read_at")?;
                Ok(Notification {
                    id: row.try_get("id")?,
                    recipient: row.try_get("recipient")?,
                    channel: row.try_get("channel")?,
                    subject_type: row.try_get("subject_type")?,
                    subject_id: row.try_get("subject_id")?,
                    body: row.try_get("body")?,
                    created_at: parse_instant(&row.try_get::<String, _>("created_at")?)?,
                    read_at: read_at.as_deref().map(parse_instant).transpose()?,
                })
            })
            .collect()
    }
}

//! Near-due notices and daily digests (SV-3), each sent once: the marker row (kind, key)
//! and the message are written in one transaction, and a marker already there means the
//! message went before — nothing is written.

use chrono::{DateTime, Utc};

use crate::allowance::steps::{NewNotification, notify_in};
use crate::text::instant;
use crate::{Store, StoreError};

impl Store {
    /// Writes `notes` unless a notice of `kind` (`near_due` or `digest`) and `key` was sent;
    /// `true` when this call sent them.
    pub async fn notify_once(
        &self,
        kind: &str,
        key: &str,
        at: DateTime<Utc>,
        notes: &[NewNotification],
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let marked = sqlx::query(
            "INSERT INTO due_notices (kind, key, sent_at) VALUES ($1, $2, $3)
             ON CONFLICT (kind, key) DO NOTHING",
        )
        .bind(kind)
        .bind(key)
        .bind(instant(at))
        .execute(&mut *tx)
        .await?;
        if marked.rows_affected() != 1 {
            tx.rollback().await?;
            return Ok(false);
        }
        notify_in(&mut tx, notes, at).await?;
        tx.commit().await?;
        Ok(true)
    }
}

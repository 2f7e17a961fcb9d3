//! Record ownership: a shared record's key belongs to the department that first pushed it,
//! unless an administrator transferred it (`record_owners`, migration 0010). Only the owner
//! may correct the record; ingest refuses the others' records (`RecordOutcome::NotOwner`).

use chrono::{DateTime, Utc};
use onething_exchange::Dataset;
use serde_json::json;

use crate::audit::{NewAuditEntry, append_audit_in};
use crate::text::instant;
use crate::{Store, StoreError};

impl Store {
    /// The department a record's key belongs to, `None` for a key never pushed.
    pub async fn record_owner(
        &self,
        dataset: Dataset,
        key: &str,
    ) -> Result<Option<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT COALESCE(o.dept_id, s.pushed_by) FROM shared_records s
             LEFT JOIN record_owners o ON o.dataset = s.dataset AND o.record_key = s.record_key
             WHERE s.dataset = $1 AND s.record_key = $2 AND s.is_current = 1",
        )
        .bind(dataset.as_str())
        .bind(key)
        .fetch_optional(self.pool())
        .await?)
    }

    /// Gives a record's key to another registered department (an administrator's decision,
    /// audited as `record_transferred`). `NotFound` for a key never pushed or an unknown
    /// department.
    pub async fn transfer_record(
        &self,
        dataset: Dataset,
        key: &str,
        to_dept: &str,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let from = self
            .record_owner(dataset, key)
            .await?
            .ok_or_else(|| StoreError::NotFound {
                what: "shared record",
                id: format!("{dataset}/{key}"),
            })?;
        if self.department(to_dept).await?.is_none() {
            return Err(StoreError::NotFound {
                what: "department",
                id: to_dept.to_owned(),
            });
        }
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO record_owners (dataset, record_key, dept_id, since) VALUES ($1, $2, $3, $4)
             ON CONFLICT (dataset, record_key) DO UPDATE SET dept_id = $3, since = $4",
        )
        .bind(dataset.as_str())
        .bind(key)
        .bind(to_dept)
        .bind(instant(at))
        .execute(&mut *tx)
        .await?;
        let entry = NewAuditEntry {
            at,
            actor: actor.to_owned(),
            role: None,
            action: "record_transferred".to_owned(),
            subject_type: "record".to_owned(),
            subject_id: format!("{dataset}/{key}"),
            case_id: None,
            detail: json!({ "dataset": dataset.as_str(), "record_key": key,
                            "from": from, "to": to_dept }),
        };
        append_audit_in(&mut tx, &entry).await?;
        tx.commit().await?;
        Ok(())
    }
}

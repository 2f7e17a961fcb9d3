//! The steps and attachments of many claims at once, for lists: two queries for a page of
//! claims instead of three per claim.

use std::collections::HashMap;

use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};

use super::ClaimStep;
use super::claims::{AttachmentMeta, attachment_from_row};
use super::steps::step_of;
use crate::cases::event_from_row;
use crate::{Store, StoreError};

impl Store {
    /// The steps of the claims whose cases are `case_ids`, by case id, each oldest first.
    /// The caller bounds the list (a page of claims, at most 500).
    pub async fn steps_by_case(
        &self,
        case_ids: &[&str],
    ) -> Result<HashMap<String, Vec<ClaimStep>>, StoreError> {
        let select = "SELECT case_id, seq, at, actor, role, idempotency_key, body
                      FROM case_events WHERE case_id IN";
        let mut out: HashMap<String, Vec<ClaimStep>> = HashMap::new();
        for row in self.rows_in(select, case_ids, "case_id, seq").await? {
            let steps = out.entry(row.try_get("case_id")?).or_default();
            steps.extend(step_of(event_from_row(&row)?));
        }
        Ok(out)
    }

    /// The attachments of `claim_ids`, by claim id, each in upload order.
    pub async fn attachments_by_claim(
        &self,
        claim_ids: &[&str],
    ) -> Result<HashMap<String, Vec<AttachmentMeta>>, StoreError> {
        let select = "SELECT claim_id, id, kind, filename, content_type, sha256,
                             CAST(LENGTH(bytes) AS BIGINT) AS size, uploaded_by, uploaded_at
                      FROM ma_attachments WHERE claim_id IN";
        let mut out: HashMap<String, Vec<AttachmentMeta>> = HashMap::new();
        for row in self.rows_in(select, claim_ids, "uploaded_at, id").await? {
            let files = out.entry(row.try_get("claim_id")?).or_default();
            files.push(attachment_from_row(&row)?);
        }
        Ok(out)
    }

    /// `select` (ending in `… IN`) over `ids`, in `order`; no query for no ids.
    async fn rows_in(
        &self,
        select: &str,
        ids: &[&str],
        order: &str,
    ) -> Result<Vec<AnyRow>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let marks: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
        let sql = format!("{select} ({}) ORDER BY {order}", marks.join(", "));
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for id in ids {
            query = query.bind(*id);
        }
        Ok(query.fetch_all(self.pool()).await?)
    }
}

//! 免申即享 as storage: which mothers may have a claim the platform should open itself, the
//! duplicate keys already claimed among a set, and a set of claims written in ONE
//! transaction (each claim's row, case, events, notifications, payable and audit entries,
//! with the set's data-use entries in multi-row statements). A set either commits whole or
//! not at all, so a run stopped by a crash is simply run again: what committed has its
//! claims (the candidates and the keys exclude them), what did not is found again. The
//! decisions are the services layer's; this writes what it is given.

use std::collections::HashSet;

use chrono::NaiveDate;
use onething_domain::Calendar;
use onething_exchange::Dataset;
use sqlx::{Any, Transaction};

use super::read::{CLAIM_COLUMNS, claim_of};
use super::write::{ClaimWrite, NewClaim, insert_in, update_in};
use super::{Claim, ClaimError};
use crate::audit::{NewAuditEntry, append_audits_in};
use crate::cases::CaseRecord;
use crate::catalog::CatalogVersion;
use crate::text::date;
use crate::{Store, StoreError};

/// Claims written in one transaction ([`Store::begin_claim_set`]).
pub struct ClaimSet {
    tx: Transaction<'static, Any>,
    catalog: CatalogVersion,
}

impl Store {
    /// Mothers with a current birth certificate or delivery record dated up to `until` and
    /// no claim (not rejected) on that date, after `after` in id order, at most `limit`:
    /// one page of the people 免申即享 looks at.
    pub async fn automatic_claim_candidates(
        &self,
        until: NaiveDate,
        after: &str,
        limit: u32,
    ) -> Result<Vec<String>, StoreError> {
        let ids: Vec<String> = sqlx::query_scalar(
            "SELECT DISTINCT s.subject_id FROM shared_records s
             WHERE s.is_current = 1 AND s.dataset IN ($1, $2) AND s.event_date <= $3
               AND s.subject_id > $4
               AND NOT EXISTS (SELECT 1 FROM ma_claims c WHERE c.person_id = s.subject_id
                   AND c.event_date = s.event_date AND c.status <> 'rejected')
             ORDER BY s.subject_id LIMIT $5",
        )
        .bind(Dataset::BirthCertificates.as_str())
        .bind(Dataset::DeliveryRecords.as_str())
        .bind(date(until))
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await?;
        Ok(ids)
    }

    /// Which of `keys` (`claimant | event date`) already have a claim that is not rejected.
    pub async fn claimed_keys(&self, keys: &[&str]) -> Result<HashSet<String>, StoreError> {
        if keys.is_empty() {
            return Ok(HashSet::new());
        }
        let list = serde_json::to_string(keys).map_err(StoreError::corrupt)?;
        let members = self.backend().json_text_array("$1");
        let found: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT duplicate_key FROM ma_claims
             WHERE status <> 'rejected' AND duplicate_key IN ({members})"
        )))
        .bind(list)
        .fetch_all(self.pool())
        .await?;
        Ok(found.into_iter().collect())
    }

    /// Starts a set of claim writes in one write transaction.
    pub async fn begin_claim_set(&self) -> Result<ClaimSet, StoreError> {
        let catalog = self.current_catalog().await?;
        let tx = self.begin_write().await?;
        Ok(ClaimSet { tx, catalog })
    }
}

impl ClaimSet {
    /// Inserts a claim with its case and its `created` step; answers the claim row and the
    /// case as they stand in the set. A claimant and event already claimed is
    /// [`ClaimError::Exists`] (with no id: the set must then be rolled back).
    pub async fn insert(
        &mut self,
        new: &NewClaim,
        write: &ClaimWrite<'_>,
        calendar: &Calendar,
    ) -> Result<(Claim, CaseRecord), ClaimError> {
        let case = match insert_in(&mut self.tx, &self.catalog, new, write, calendar).await {
            Err(ClaimError::Store(e)) if e.is_unique_violation() => {
                return Err(ClaimError::Exists {
                    existing: String::new(),
                });
            }
            other => other?,
        };
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {CLAIM_COLUMNS} FROM ma_claims WHERE id = $1"
        )))
        .bind(&new.id)
        .fetch_one(&mut *self.tx)
        .await?;
        Ok((claim_of(&row)?, case))
    }

    /// Saves a claim of the set with its next change.
    pub async fn update(
        &mut self,
        claim: &Claim,
        write: &ClaimWrite<'_>,
        calendar: &Calendar,
    ) -> Result<(), StoreError> {
        update_in(&mut self.tx, claim, write, calendar).await
    }

    /// Appends audit entries (the set's data reads) in multi-row statements.
    pub async fn audit(&mut self, entries: &[NewAuditEntry]) -> Result<(), StoreError> {
        append_audits_in(&mut self.tx, entries).await
    }

    /// Commits the whole set.
    pub async fn commit(self) -> Result<(), StoreError> {
        Ok(self.tx.commit().await?)
    }
}

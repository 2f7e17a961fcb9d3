//! An employer's standing consent to 免申即享 (automatic claims), where the region's
//! parameters do not turn them on for every employer. Giving and withdrawing are audited in
//! the same transaction as the change.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use sqlx::Row;

use crate::audit::{NewAuditEntry, commit_audited};
use crate::text::{instant, parse_instant};
use crate::{Store, StoreError};

/// A consent that stands: when and by whom it was given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StandingConsent {
    pub given_at: DateTime<Utc>,
    pub given_by: String,
}

impl Store {
    /// The employer's standing consent, if it gave one and has not withdrawn it.
    pub async fn automatic_consent(
        &self,
        uscc: &str,
    ) -> Result<Option<StandingConsent>, StoreError> {
        let sql =
            "SELECT given_at, given_by FROM automatic_claim_consents WHERE employer_uscc = $1";
        self.read_row(sql.to_owned(), &[uscc], |row| {
            Ok(StandingConsent {
                given_at: parse_instant(&row.get::<String>("given_at")?)?,
                given_by: row.get("given_by")?,
            })
        })
        .await
    }

    /// Every employer whose consent stands (read once per 免申即享 run).
    pub async fn automatic_consents(&self) -> Result<HashSet<String>, StoreError> {
        let rows = sqlx::query("SELECT employer_uscc FROM automatic_claim_consents")
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| Ok(r.try_get("employer_uscc")?))
            .collect()
    }

    /// Whether any employer's consent stands: the server asks after every push and every
    /// hour whether a 免申即享 run could decide anything, so it asks the index, not the list.
    pub async fn any_automatic_consent(&self) -> Result<bool, StoreError> {
        let found: i64 = sqlx::query_scalar(
            "SELECT CAST(CASE WHEN EXISTS (SELECT 1 FROM automatic_claim_consents)
                 THEN 1 ELSE 0 END AS BIGINT)",
        )
        .fetch_one(self.pool())
        .await?;
        Ok(found != 0)
    }

    /// Gives (`Some`) or withdraws (`None`) the employer's consent and appends `audit`, in
    /// one transaction. Giving it again keeps the first time it was given.
    pub async fn set_automatic_consent(
        &self,
        uscc: &str,
        given: Option<&StandingConsent>,
        audit: &NewAuditEntry,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        match given {
            Some(consent) => {
                sqlx::query(
                    "INSERT INTO automatic_claim_consents (employer_uscc, given_at, given_by)
                     VALUES ($1, $2, $3) ON CONFLICT (employer_uscc) DO NOTHING",
                )
                .bind(uscc)
                .bind(instant(consent.given_at))
                .bind(&consent.given_by)
                .execute(&mut *tx)
                .await?;
            }
            None => {
                sqlx::query("DELETE FROM automatic_claim_consents WHERE employer_uscc = $1")
                    .bind(uscc)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        commit_audited(tx, audit).await
    }
}

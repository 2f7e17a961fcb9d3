//! The replay cache of department requests: every accepted signature is remembered for
//! longer than a signed timestamp stays fresh, so the same signed request arriving again
//! (a captured request resent by anyone) is recognised. Shared through the database, so it
//! holds across several app servers.

use chrono::{DateTime, TimeDelta, Utc};

use crate::text::instant;
use crate::{Store, StoreError};

impl Store {
    /// Remembers `signature` of `dept_id` as seen at `at`; `false` when it was already seen
    /// (a replay). Entries older than `keep` are forgotten on the way.
    pub async fn remember_signature(
        &self,
        dept_id: &str,
        signature: &str,
        at: DateTime<Utc>,
        keep: TimeDelta,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO seen_signatures (dept_id, signature, at) VALUES ($1, $2, $3)
             ON CONFLICT (dept_id, signature) DO NOTHING",
        )
        .bind(dept_id)
        .bind(signature)
        .bind(instant(at))
        .execute(self.pool())
        .await?;
        sqlx::query("DELETE FROM seen_signatures WHERE at < $1")
            .bind(instant(at - keep))
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() == 1)
    }
}

//! Sign-in attempts, counted per account and per client address for throttling.
//!
//! An attempt is *reserved* (written as a failure) before the password is checked, then
//! counted; only then is the password hashed, and the reservation is settled as a success or
//! left as the failure it already is. Counting after writing is what makes the limit hold
//! under parallel guesses, on one server or several sharing the database: a reservation
//! counts the failures reserved before it (lower ids), so the first `limit` of a burst are
//! answered and every later one refused, whatever the timing. (On PostgreSQL an id taken by
//! an insert not yet committed is not seen, which can let a burst through by as many extra
//! answers as inserts were in flight at that instant; the per-client limit still applies.)

use chrono::{DateTime, TimeDelta, Utc};

use crate::text::{instant, parse_instant};
use crate::{Store, StoreError};

/// Attempts older than this are deleted: far beyond any throttling window.
const KEEP_ATTEMPTS: TimeDelta = TimeDelta::days(1);

/// Whose failed sign-ins to count.
#[derive(Debug, Clone, Copy)]
pub enum AttemptKey<'a> {
    /// Failures for one username since its last successful sign-in.
    Account(&'a str),
    /// Failures from one client address, whatever the username.
    Client(&'a str),
}

impl Store {
    /// Records one finished sign-in attempt, and forgets attempts too old to matter.
    pub async fn record_sign_in_attempt(
        &self,
        username: &str,
        client: &str,
        succeeded: bool,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let id = self.reserve_sign_in_attempt(username, client, at).await?;
        if succeeded {
            self.settle_sign_in_attempt(id).await?;
        }
        Ok(())
    }

    /// Writes an attempt as a failure before its password is checked, and returns its id.
    /// Until settled it counts against both limits, like any failure.
    pub async fn reserve_sign_in_attempt(
        &self,
        username: &str,
        client: &str,
        at: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO sign_in_attempts (username, client, at, succeeded)
             VALUES ($1, $2, $3, 0) RETURNING id",
        )
        .bind(username)
        .bind(client)
        .bind(instant(at))
        .fetch_one(self.pool())
        .await?;
        sqlx::query("DELETE FROM sign_in_attempts WHERE at < $1")
            .bind(instant(at - KEEP_ATTEMPTS))
            .execute(self.pool())
            .await?;
        Ok(id)
    }

    /// Marks a reserved attempt as the successful sign-in it turned out to be.
    pub async fn settle_sign_in_attempt(&self, id: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE sign_in_attempts SET succeeded = 1 WHERE id = $1")
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Forgets a reservation refused by the throttle: refused attempts are not recorded, so
    /// the stored failures per key stay bounded by the limit.
    pub async fn withdraw_sign_in_attempt(&self, id: i64) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sign_in_attempts WHERE id = $1 AND succeeded = 0")
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// The instants of failed sign-ins for `key` after `since`, oldest first. For an
    /// account, failures before its last successful sign-in no longer count.
    pub async fn failed_sign_ins(
        &self,
        key: AttemptKey<'_>,
        since: DateTime<Utc>,
    ) -> Result<Vec<DateTime<Utc>>, StoreError> {
        Ok(self
            .failed_sign_ins_with_ids(key, since)
            .await?
            .into_iter()
            .map(|(_, at)| at)
            .collect())
    }

    /// [`Store::failed_sign_ins`] with each attempt's id (to tell one's own reservation).
    pub async fn failed_sign_ins_with_ids(
        &self,
        key: AttemptKey<'_>,
        since: DateTime<Utc>,
    ) -> Result<Vec<(i64, DateTime<Utc>)>, StoreError> {
        let (sql, value) = match key {
            AttemptKey::Account(username) => (
                "SELECT id, at FROM sign_in_attempts
                 WHERE username = $1 AND succeeded = 0 AND at > $2
                   AND at > COALESCE((SELECT MAX(at) FROM sign_in_attempts
                                      WHERE username = $1 AND succeeded = 1), '')
                 ORDER BY at, id LIMIT 1000",
                username,
            ),
            AttemptKey::Client(client) => (
                "SELECT id, at FROM sign_in_attempts
                 WHERE client = $1 AND succeeded = 0 AND at > $2 ORDER BY at, id LIMIT 1000",
                client,
            ),
        };
        let rows: Vec<(i64, String)> = sqlx::query_as(sql)
            .bind(value)
            .bind(instant(since))
            .fetch_all(self.pool())
            .await?;
        rows.into_iter()
            .map(|(id, at)| Ok((id, parse_instant(&at)?)))
            .collect()
    }
}

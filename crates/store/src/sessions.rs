//! Sessions (sign-in attempts: `attempts.rs`). A session token is 256 random bits handed to the client
//! once; only its SHA-256 is stored, so reading the database does not let anyone sign in.
//! A session ends at its absolute expiry, after its idle timeout without use, on sign-out,
//! or when its account is disabled.

use chrono::{DateTime, SubsecRound, TimeDelta, Utc};
use sha2::{Digest, Sha256};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::accounts::{User, user_from_row};
use crate::text::{instant, parse_instant};
use crate::{Store, StoreError};

/// `last_seen_at` is rewritten at most this often, so a busy client does not turn every read
/// into a write; a session may therefore time out up to this much early.
const TOUCH_EVERY: TimeDelta = TimeDelta::seconds(60);

/// How long sessions live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionLimits {
    /// From sign-in, whatever the use.
    pub absolute: TimeDelta,
    /// Without a request.
    pub idle: TimeDelta,
}

/// A session just created: the only time the token exists outside the client.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub token: String,
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
}

/// A live session and its account.
#[derive(Debug, Clone)]
pub struct ActiveSession {
    pub user: User,
    /// The per-session token that state-changing cookie requests must echo.
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// When the session ends if unused from now on.
    pub idle_expires_at: DateTime<Utc>,
}

pub use crate::attempts::AttemptKey;

/// The SHA-256 (hex) of a token: the only form in which tokens are stored.
pub fn token_digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn random_token() -> Result<String, StoreError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| StoreError::corrupt(format!("no operating-system randomness: {e}")))?;
    Ok(hex::encode(bytes))
}

const SESSION_SQL: &str =
    "SELECT u.id, u.username, u.role, u.employer_uscc, u.person_id, u.dept_id,
        u.dept_kind, u.region, u.disabled, u.created_at, s.csrf_token,
        s.created_at AS session_created_at, s.last_seen_at, s.expires_at,
        s.idle_timeout_secs, s.revoked_at
 FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_sha256 = $1";

impl Store {
    /// Starts a session for `user_id` at `now`.
    pub async fn create_session(
        &self,
        user_id: &str,
        now: DateTime<Utc>,
        limits: SessionLimits,
    ) -> Result<NewSession, StoreError> {
        let token = random_token()?;
        let csrf_token = random_token()?;
        // Stored instants have microseconds; answer the same value that a later read gives.
        let expires_at = (now + limits.absolute).trunc_subsecs(6);
        sqlx::query(
            "INSERT INTO sessions (token_sha256, user_id, csrf_token, created_at, last_seen_at, expires_at, idle_timeout_secs, revoked_at)
             VALUES ($1, $2, $3, $4, $4, $5, $6, NULL)",
        )
        .bind(token_digest(&token))
        .bind(user_id)
        .bind(&csrf_token)
        .bind(instant(now))
        .bind(instant(expires_at))
        .bind(limits.idle.num_seconds())
        .execute(self.pool())
        .await?;
        Ok(NewSession {
            token,
            csrf_token,
            expires_at,
        })
    }

    /// The session of `token` if it is live at `now`, marking it used.
    pub async fn active_session(
        &self,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<ActiveSession>, StoreError> {
        let digest = token_digest(token);
        let cache = self.session_cache();
        // A session read a moment ago and still live, not due a touch: no query.
        if let Some(cached) = cache.get(&digest)
            && live(&cached.session, now)
            && now - cached.last_seen < TOUCH_EVERY
        {
            return Ok(Some(idle_from(cached.session, cached.last_seen, now)));
        }
        let generation = cache.generation();
        let row = sqlx::query(SESSION_SQL)
            .bind(&digest)
            .fetch_optional(self.pool())
            .await?;
        let Some(row) = row else { return Ok(None) };
        let (mut session, mut last_seen) = session_from_row(&row)?;
        let revoked: Option<String> = row.try_get("revoked_at")?;
        if revoked.is_some() || !live(&session, now) {
            return Ok(None);
        }
        if now - last_seen >= TOUCH_EVERY {
            sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_sha256 = $2")
                .bind(instant(now))
                .bind(&digest)
                .execute(self.pool())
                .await?;
            session.idle_expires_at += now - last_seen;
            last_seen = now;
        }
        cache.keep(&digest, &session, last_seen, generation);
        Ok(Some(idle_from(session, last_seen, now)))
    }

    /// Ends the session of `token` (sign-out). False if there was none to end.
    pub async fn revoke_session(
        &self,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE sessions SET revoked_at = $1 WHERE token_sha256 = $2 AND revoked_at IS NULL",
        )
        .bind(instant(now))
        .bind(token_digest(token))
        .execute(self.pool())
        .await?;
        self.accounts_changed().await?;
        Ok(done.rows_affected() == 1)
    }

    /// Ends every session of an account (password change, account disabled).
    pub async fn revoke_user_sessions(
        &self,
        user_id: &str,
        now: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
        )
        .bind(instant(now))
        .bind(user_id)
        .execute(self.pool())
        .await?;
        self.accounts_changed().await?;
        Ok(done.rows_affected())
    }

    /// Deletes sessions that expired or were revoked before `before`.
    pub async fn prune_sessions(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "DELETE FROM sessions WHERE expires_at < $1 OR (revoked_at IS NOT NULL AND revoked_at < $1)",
        )
        .bind(instant(before))
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected())
    }
}

/// The session read back, and when it was last seen.
fn session_from_row(row: &AnyRow) -> Result<(ActiveSession, DateTime<Utc>), StoreError> {
    let text = |name: &str| -> Result<DateTime<Utc>, StoreError> {
        let value: String = row.try_get(name)?;
        parse_instant(&value)
    };
    let last_seen = text("last_seen_at")?;
    let idle_secs: i64 = row.try_get("idle_timeout_secs")?;
    let session = ActiveSession {
        user: user_from_row(row)?,
        csrf_token: row.try_get("csrf_token")?,
        created_at: text("session_created_at")?,
        expires_at: text("expires_at")?,
        idle_expires_at: last_seen + TimeDelta::seconds(idle_secs),
    };
    Ok((session, last_seen))
}

/// Enabled and within both limits at `now` (a revocation is checked where it is read).
fn live(session: &ActiveSession, now: DateTime<Utc>) -> bool {
    !session.user.disabled && now < session.expires_at && now < session.idle_expires_at
}

/// The session as answered at `now`: it ends after its idle time from now, at the latest at
/// its absolute expiry.
fn idle_from(
    session: ActiveSession,
    last_seen: DateTime<Utc>,
    now: DateTime<Utc>,
) -> ActiveSession {
    let idle = session.idle_expires_at - last_seen;
    ActiveSession {
        idle_expires_at: (now + idle).min(session.expires_at),
        ..session
    }
}

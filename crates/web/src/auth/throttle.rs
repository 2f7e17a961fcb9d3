//! Sign-in throttling: after too many failures within the window, per account and per client
//! address, sign-ins are refused (429 with `Retry-After`) without checking the password, so
//! guessing gets no answers. Attempts refused this way are not recorded, which keeps the
//! stored failures per key bounded by the limit. The counts live in the database, so the
//! limits hold across several app servers.

use chrono::{DateTime, TimeDelta, Utc};
use onething_store::Store;
use onething_store::sessions::AttemptKey;

use super::{AuthError, ThrottleLimits};

/// Reserves a sign-in attempt (written as a failure), then refuses it if, counting itself,
/// the account or the client address is over its limit; the refused reservation is
/// withdrawn. Returns the reservation's id, to settle once the password is checked.
///
/// Writing before counting makes the check atomic across requests and servers: of any
/// burst, at most `limit` reservations see a count within the limit (`attempts.rs` in the
/// store explains why).
pub(crate) async fn reserve(
    store: &Store,
    limits: ThrottleLimits,
    username: &str,
    client: &str,
    now: DateTime<Utc>,
) -> Result<i64, AuthError> {
    let id = store.reserve_sign_in_attempt(username, client, now).await?;
    let since = now - limits.window;
    let keys = [
        (AttemptKey::Account(username), limits.per_account),
        (AttemptKey::Client(client), limits.per_client),
    ];
    for (key, limit) in keys {
        let failures = store.failed_sign_ins_with_ids(key, since).await?;
        let limit_len = usize::try_from(limit).unwrap_or(usize::MAX).max(1);
        // Only reservations made before this one (lower ids) count against it: the first
        // `limit` of a burst are answered, every later one is refused, whatever the timing.
        let ahead = failures.iter().filter(|(other, _)| *other <= id).count();
        if ahead > limit_len {
            let others: Vec<DateTime<Utc>> = failures
                .iter()
                .filter(|(other, _)| *other != id)
                .map(|(_, at)| *at)
                .collect();
            let retry_after_secs = retry_after(&others, limit, limits.window, now).unwrap_or(1);
            store.withdraw_sign_in_attempt(id).await?;
            return Err(AuthError::TooManyAttempts { retry_after_secs });
        }
    }
    Ok(id)
}

/// Seconds until fewer than `limit` of `failures` (oldest first, all inside the window) remain
/// inside the window, or `None` when there are already fewer.
pub(crate) fn retry_after(
    failures: &[DateTime<Utc>],
    limit: u32,
    window: TimeDelta,
    now: DateTime<Utc>,
) -> Option<u64> {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX).max(1);
    if failures.len() < limit {
        return None;
    }
    // Once the failure `limit` places from the newest leaves the window, one slot is free.
    let decisive = failures[failures.len() - limit];
    let wait = (decisive + window - now).num_milliseconds();
    let secs = u64::try_from(wait.max(0)).unwrap_or(0).div_ceil(1000);
    Some(secs.max(1))
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(minute: u32, second: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 1, 1, 9, minute, second)
            .single()
            .expect("instant")
    }

    #[test]
    fn retry_after_counts_from_the_decisive_failure() {
        let window = TimeDelta::minutes(15);
        let failures = [at(0, 0), at(1, 0), at(2, 0), at(3, 0), at(4, 0)];
        assert_eq!(retry_after(&failures[..4], 5, window, at(5, 0)), None);
        assert_eq!(retry_after(&failures, 5, window, at(5, 0)), Some(10 * 60));
        assert_eq!(
            retry_after(&failures[1..], 3, window, at(5, 0)),
            Some(12 * 60)
        );
        assert_eq!(retry_after(&failures, 5, window, at(14, 59)), Some(1));
        assert_eq!(
            retry_after(&failures, 5, window, at(15, 0)),
            Some(1),
            "never 0"
        );
    }
}

//! Settings of sign-in and sessions. The defaults are the platform's policy; tests shorten
//! nothing but the password hashing cost (and inject a clock through `AppState`).

use chrono::TimeDelta;
use onething_store::accounts::Passwords;
use onething_store::sessions::SessionLimits;

use super::HashLimiter;

/// A session ends this long after sign-in, however busy.
pub const SESSION_ABSOLUTE: TimeDelta = TimeDelta::hours(12);
/// A session ends after this long without a request.
pub const SESSION_IDLE: TimeDelta = TimeDelta::minutes(30);
/// Failed sign-ins per account within [`THROTTLE_WINDOW`] before it is throttled.
pub const FAILURES_PER_ACCOUNT: u32 = 5;
/// Failed sign-ins per client address within [`THROTTLE_WINDOW`] before it is throttled.
pub const FAILURES_PER_CLIENT: u32 = 20;
pub const THROTTLE_WINDOW: TimeDelta = TimeDelta::minutes(15);
/// Password hashes (19 MiB each) running at once; more sign-ins wait for a slot.
pub const CONCURRENT_HASHES: usize = 4;

/// How many failed sign-ins are tolerated, and over what window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottleLimits {
    pub per_account: u32,
    pub per_client: u32,
    pub window: TimeDelta,
}

/// Sign-in and session settings held in `AppState`.
#[derive(Debug, Clone)]
pub struct AuthConfig {
    /// Always mark the session cookie `Secure` (set when TLS ends at a proxy that does not
    /// send `X-Forwarded-Proto`). Without it, the flag follows `X-Forwarded-Proto: https`.
    pub secure_cookies: bool,
    /// Take the client address for throttling from the last `X-Forwarded-For` entry. Only
    /// behind a reverse proxy that sets it: otherwise clients could choose their address.
    pub trust_forwarded_for: bool,
    pub sessions: SessionLimits,
    pub throttle: ThrottleLimits,
    pub passwords: Passwords,
    /// Bounds the password hashes running at once ([`CONCURRENT_HASHES`]).
    pub hashing: HashLimiter,
}

impl Default for AuthConfig {
    fn default() -> Self {
        AuthConfig {
            secure_cookies: false,
            trust_forwarded_for: false,
            sessions: SessionLimits {
                absolute: SESSION_ABSOLUTE,
                idle: SESSION_IDLE,
            },
            throttle: ThrottleLimits {
                per_account: FAILURES_PER_ACCOUNT,
                per_client: FAILURES_PER_CLIENT,
                window: THROTTLE_WINDOW,
            },
            passwords: Passwords::new(),
            hashing: HashLimiter::new(CONCURRENT_HASHES),
        }
    }
}

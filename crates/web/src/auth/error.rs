/// Why authentication failed. Mapped to HTTP in `crate::error`, like every other error.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// No credential, or one that names no live session (401 `UNAUTHENTICATED`).
    #[error("not signed in, or the session has ended")]
    Unauthenticated,
    /// Unknown username or wrong password: one answer for both (401 `INVALID_CREDENTIALS`).
    #[error("invalid username or password")]
    InvalidCredentials,
    /// Too many failed sign-ins (429 `TOO_MANY_ATTEMPTS` with `Retry-After`).
    #[error("too many failed sign-ins; retry after {retry_after_secs} s")]
    TooManyAttempts { retry_after_secs: u64 },
    /// A cookie-authenticated state change without a valid CSRF token, or from another
    /// site (403 `CSRF_FAILED`).
    #[error("cross-site request check failed: {0}")]
    CsrfFailed(&'static str),
    /// Every password-hashing slot stayed busy (503 `SERVER_BUSY` with `Retry-After`).
    #[error("too many sign-ins at once")]
    Busy,
    #[error(transparent)]
    Store(#[from] onething_store::StoreError),
}

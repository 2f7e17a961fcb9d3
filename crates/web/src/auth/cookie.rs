//! The session cookie: `onething_session=TOKEN; HttpOnly; SameSite=Lax; Path=/` plus `Secure`
//! when the request came over TLS. HttpOnly keeps scripts from reading the token; Lax keeps
//! other sites' forms and scripts from sending it with state-changing requests (the CSRF
//! middleware checks the rest).

use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue};

use crate::auth::AuthConfig;

pub(crate) const SESSION_COOKIE: &str = "onething_session";

/// The session token from the `Cookie` header, if any.
pub(crate) fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.trim().to_owned())
        .filter(|value| !value.is_empty())
}

/// True when the request reached the platform over TLS (as far as it can tell).
pub(crate) fn over_tls(headers: &HeaderMap, config: &AuthConfig) -> bool {
    config.secure_cookies
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("https"))
}

/// `Set-Cookie` starting a session that lasts `max_age_secs`.
pub(crate) fn set_session(
    token: &str,
    max_age_secs: i64,
    secure: bool,
) -> (axum::http::HeaderName, HeaderValue) {
    cookie_header(
        &format!("{SESSION_COOKIE}={token}; Max-Age={max_age_secs}"),
        secure,
    )
}

/// `Set-Cookie` that removes the session cookie (sign-out).
pub(crate) fn clear_session(secure: bool) -> (axum::http::HeaderName, HeaderValue) {
    cookie_header(&format!("{SESSION_COOKIE}=; Max-Age=0"), secure)
}

fn cookie_header(start: &str, secure: bool) -> (axum::http::HeaderName, HeaderValue) {
    let secure = if secure { "; Secure" } else { "" };
    let text = format!("{start}; HttpOnly; SameSite=Lax; Path=/{secure}");
    // Tokens are hex, so the value is always a valid header value.
    let value = HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(""));
    (SET_COOKIE, value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_session_cookie_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            COOKIE,
            HeaderValue::from_static("a=1; onething_session=abc ; b=2"),
        );
        assert_eq!(session_cookie(&headers).as_deref(), Some("abc"));
        headers.insert(COOKIE, HeaderValue::from_static("onething_session="));
        assert_eq!(session_cookie(&headers), None);
    }

    #[test]
    fn cookie_flags() {
        let (_, value) = set_session("ff00", 60, true);
        assert_eq!(
            value.to_str().ok(),
            Some("onething_session=ff00; Max-Age=60; HttpOnly; SameSite=Lax; Path=/; Secure")
        );
        let (_, value) = clear_session(false);
        assert_eq!(
            value.to_str().ok(),
            Some("onething_session=; Max-Age=0; HttpOnly; SameSite=Lax; Path=/")
        );
    }
}

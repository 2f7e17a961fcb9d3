//! The session cookie. Over TLS (as far as the platform can tell: `X-Forwarded-Proto: https`
//! or `secure_cookies`) it is `__Host-onething_session=TOKEN; HttpOnly; SameSite=Lax; Path=/;
//! Secure`: browsers accept a `__Host-` cookie only from a secure origin, for this host
//! alone, so a sibling subdomain cannot plant ("toss") a session cookie, and over TLS only
//! that name is read. Over plain HTTP (local development on `http://127.0.0.1`) the cookie is
//! `onething_session` without `Secure`, which browsers would refuse to send back otherwise.
//! HttpOnly keeps scripts from reading the token; Lax keeps other sites' forms and scripts
//! from sending it with state-changing requests (the CSRF middleware checks the rest).

use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue};

use crate::auth::AuthConfig;

/// The cookie's name over plain HTTP (local development).
pub(crate) const SESSION_COOKIE: &str = "onething_session";
/// The cookie's name over TLS.
pub(crate) const SECURE_SESSION_COOKIE: &str = "__Host-onething_session";

/// The session token from the `Cookie` header, if any. Over TLS only the `__Host-` cookie
/// counts; over plain HTTP either (the `__Host-` one first).
pub(crate) fn session_cookie(headers: &HeaderMap, tls: bool) -> Option<String> {
    let find = |wanted: &str| {
        cookie_value(headers, wanted)
            .map(str::to_owned)
            .filter(|value| !value.is_empty())
    };
    find(SECURE_SESSION_COOKIE).or_else(|| if tls { None } else { find(SESSION_COOKIE) })
}

/// The (trimmed) value of the first cookie called `wanted` in the request's `Cookie` headers.
pub(crate) fn cookie_value<'h>(headers: &'h HeaderMap, wanted: &str) -> Option<&'h str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == wanted)
        .map(|(_, value)| value.trim())
}

fn cookie_name(secure: bool) -> &'static str {
    if secure {
        SECURE_SESSION_COOKIE
    } else {
        SESSION_COOKIE
    }
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
        &format!("{}={token}; Max-Age={max_age_secs}", cookie_name(secure)),
        secure,
    )
}

/// `Set-Cookie` that removes the session cookie (sign-out).
pub(crate) fn clear_session(secure: bool) -> (axum::http::HeaderName, HeaderValue) {
    cookie_header(&format!("{}=; Max-Age=0", cookie_name(secure)), secure)
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
        assert_eq!(session_cookie(&headers, false).as_deref(), Some("abc"));
        assert_eq!(
            session_cookie(&headers, true),
            None,
            "over TLS only __Host-"
        );
        headers.insert(COOKIE, HeaderValue::from_static("onething_session="));
        assert_eq!(session_cookie(&headers, false), None);
        headers.insert(
            COOKIE,
            HeaderValue::from_static("onething_session=tossed; __Host-onething_session=mine"),
        );
        assert_eq!(session_cookie(&headers, true).as_deref(), Some("mine"));
        assert_eq!(session_cookie(&headers, false).as_deref(), Some("mine"));
    }

    #[test]
    fn cookie_flags() {
        let (_, value) = set_session("ff00", 60, true);
        assert_eq!(
            value.to_str().ok(),
            Some(
                "__Host-onething_session=ff00; Max-Age=60; HttpOnly; SameSite=Lax; Path=/; Secure"
            )
        );
        let (_, value) = clear_session(false);
        assert_eq!(
            value.to_str().ok(),
            Some("onething_session=; Max-Age=0; HttpOnly; SameSite=Lax; Path=/")
        );
    }
}

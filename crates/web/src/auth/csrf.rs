//! CSRF protection for every state-changing request a browser could be tricked into sending.
//!
//! 1. Requests with `Authorization: Bearer` are exempt: browsers never add that header to a
//!    cross-site request on their own, and such a request is authenticated by it alone.
//! 2. Any other POST/PUT/PATCH/DELETE from another site is refused: `Sec-Fetch-Site` must be
//!    `same-origin` or `none` when present, and `Origin`, when present, must name this host.
//!    Clients that send neither (scripts, department systems) pass this step.
//! 3. When the request carries a live session cookie, it must also echo the session's CSRF
//!    token, in the `X-CSRF-Token` header or the `csrf_token` field of a urlencoded or
//!    multipart form (in a multipart form, before the file). Never in the URL.
//!    Sign-in (`POST /api/v1/session`) is authenticated by the password, not the cookie, so a
//!    stale or live cookie does not make it need a token.

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::header::{CONTENT_TYPE, HOST, ORIGIN};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::AuthError;
use super::cookie::{over_tls, session_cookie};
use super::current_user::{Credential, ResolvedSession, credential};
use crate::AppState;

const TOKEN_HEADER: &str = "x-csrf-token";
const TOKEN_FIELD: &str = "csrf_token";
/// Larger urlencoded forms are not read for the token (send the header instead).
const MAX_FORM_BYTES: usize = 1 << 20;
/// Multipart uploads are read up to this size to find the token (uploads are 5 MiB at most).
const MAX_MULTIPART_BYTES: usize = 6 << 20;
const SIGN_IN_PATH: &str = "/api/v1/session";

/// The middleware (`axum::middleware::from_fn_with_state`).
pub(crate) async fn protect(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    match check(&state, request).await {
        Ok(request) => next.run(request).await,
        Err(refusal) => refusal.into_response(),
    }
}

async fn check(state: &AppState, request: Request) -> Result<Request, AuthError> {
    if is_safe(request.method()) {
        return Ok(request);
    }
    let (mut parts, body) = request.into_parts();
    let tls = over_tls(&parts.headers, &state.auth);
    if matches!(credential(&parts, tls), Ok(Some((_, Credential::Bearer)))) {
        return Ok(Request::from_parts(parts, body));
    }
    same_origin(&parts.headers)?;
    let Some(token) = session_cookie(&parts.headers, tls) else {
        return Ok(Request::from_parts(parts, body));
    };
    if parts.method == Method::POST && parts.uri.path() == SIGN_IN_PATH {
        return Ok(Request::from_parts(parts, body));
    }
    let Some(session) = state.store.active_session(&token, state.now()).await? else {
        // Not signed in after all: the handler answers 401 (or serves a public route).
        return Ok(Request::from_parts(parts, body));
    };
    let (presented, body) = presented_token(&parts, body).await?;
    if !presented.is_some_and(|p| constant_time_eq(p.as_bytes(), session.csrf_token.as_bytes())) {
        return Err(AuthError::CsrfFailed("missing or wrong csrf_token"));
    }
    parts.extensions.insert(ResolvedSession { token, session });
    Ok(Request::from_parts(parts, body))
}

fn is_safe(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    )
}

/// Refuses requests a browser marks as coming from another site.
fn same_origin(headers: &HeaderMap) -> Result<(), AuthError> {
    if let Some(site) = headers.get("sec-fetch-site") {
        let site = site.to_str().unwrap_or_default();
        if !matches!(site, "same-origin" | "none") {
            return Err(AuthError::CsrfFailed("cross-site request (Sec-Fetch-Site)"));
        }
    }
    let Some(origin) = headers.get(ORIGIN) else {
        return Ok(());
    };
    let origin_host = origin
        .to_str()
        .ok()
        .and_then(|o| o.split_once("://"))
        .map(|(_, authority)| authority.trim_end_matches('/'));
    let host = headers.get(HOST).and_then(|h| h.to_str().ok());
    match (origin_host, host) {
        (Some(origin), Some(host)) if origin.eq_ignore_ascii_case(host) => Ok(()),
        _ => Err(AuthError::CsrfFailed("cross-site request (Origin)")),
    }
}

/// The token from the header, or else from a urlencoded form body (which is read and put
/// back for the handler).
async fn presented_token(parts: &Parts, body: Body) -> Result<(Option<String>, Body), AuthError> {
    if let Some(value) = parts.headers.get(TOKEN_HEADER) {
        return Ok((value.to_str().ok().map(str::to_owned), body));
    }
    let content_type = parts
        .headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if content_type.starts_with("multipart/form-data") {
        return multipart_token(parts, body).await;
    }
    if !content_type.starts_with("application/x-www-form-urlencoded") {
        return Ok((None, body));
    }
    let bytes: Bytes = axum::body::to_bytes(body, MAX_FORM_BYTES)
        .await
        .map_err(|_| AuthError::CsrfFailed("form too large to find csrf_token"))?;
    let token = form_urlencoded::parse(&bytes)
        .find(|(name, _)| name == TOKEN_FIELD)
        .map(|(_, value)| value.into_owned());
    Ok((token, Body::from(bytes)))
}

/// Compares without stopping at the first difference, so timing does not reveal how much of
/// a guessed token was right.
/// A file upload from a page without JavaScript cannot set the header: the token travels as
/// the form's `csrf_token` field, before the file (never in the URL, which access logs and
/// the `Referer` keep). The body is read (at most [`MAX_MULTIPART_BYTES`]) and put back.
async fn multipart_token(parts: &Parts, body: Body) -> Result<(Option<String>, Body), AuthError> {
    let bytes: Bytes = axum::body::to_bytes(body, MAX_MULTIPART_BYTES)
        .await
        .map_err(|_| AuthError::CsrfFailed("upload too large to find csrf_token"))?;
    let mut probe = Request::new(Body::from(bytes.clone()));
    if let Some(content_type) = parts.headers.get(CONTENT_TYPE) {
        probe
            .headers_mut()
            .insert(CONTENT_TYPE, content_type.clone());
    }
    let mut token = None;
    if let Ok(mut form) = Multipart::from_request(probe, &()).await {
        while let Ok(Some(field)) = form.next_field().await {
            if field.name() == Some(TOKEN_FIELD) {
                token = field.text().await.ok();
                break;
            }
        }
    }
    Ok((token, Body::from(bytes)))
}

/// Compares without stopping at the first difference, so timing does not reveal how much of
/// a guessed token was right.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn origin_must_match_the_host() {
        assert!(same_origin(&headers(&[])).is_ok(), "non-browser clients");
        let same = headers(&[
            ("origin", "https://yb.example.cn"),
            ("host", "yb.example.cn"),
        ]);
        assert!(same_origin(&same).is_ok());
        let other = headers(&[
            ("origin", "https://evil.example"),
            ("host", "yb.example.cn"),
        ]);
        assert!(same_origin(&other).is_err());
        assert!(same_origin(&headers(&[("origin", "null"), ("host", "a")])).is_err());
        assert!(same_origin(&headers(&[("sec-fetch-site", "cross-site")])).is_err());
        assert!(same_origin(&headers(&[("sec-fetch-site", "same-site")])).is_err());
        assert!(same_origin(&headers(&[("sec-fetch-site", "same-origin")])).is_ok());
    }

    #[tokio::test]
    async fn multipart_forms_carry_the_token_as_a_field_never_in_the_url() {
        let request = |uri: &str, body: &'static str| {
            axum::http::Request::builder()
                .uri(uri)
                .header(CONTENT_TYPE, "multipart/form-data; boundary=XyZ")
                .body(Body::from(body))
                .expect("request")
                .into_parts()
        };
        let form = "--XyZ\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\nt0k+\r\n\
                    --XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\nx\r\n--XyZ--\r\n";
        let (parts, _) = request("/employer/claims/MA1/photo", "");
        let (token, body) = multipart_token(&parts, Body::from(form))
            .await
            .expect("read");
        assert_eq!(token.as_deref(), Some("t0k+"));
        let kept = axum::body::to_bytes(body, usize::MAX).await.expect("body");
        assert_eq!(
            kept,
            form.as_bytes(),
            "the handler gets the whole body back"
        );
        let no_field = "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\nx\r\n--XyZ--\r\n";
        let (parts, _) = request("/employer/claims/MA1/photo?csrf_token=t0k%2B", "");
        let (token, _) = multipart_token(&parts, Body::from(no_field))
            .await
            .expect("read");
        assert_eq!(token, None, "a token in the URL is not accepted");
    }

    #[test]
    fn tokens_compare_whole() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}

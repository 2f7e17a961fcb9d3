//! Security headers on every answer, whatever produced it (handlers, the 404 fallback,
//! refusals, panics, timeouts):
//!
//! - `Strict-Transport-Security: max-age=31536000; includeSubDomains`: once a browser has
//!   reached the platform over HTTPS it never tries plain HTTP again (browsers ignore the
//!   header on plain HTTP, so local development is unaffected);
//! - `Referrer-Policy: same-origin`: no page address (case ids, claim ids) leaks to other
//!   sites or their logs through `Referer`. Not `no-referrer`: under it browsers send
//!   `Origin: null` with the platform's own form posts, which the CSRF check must refuse;
//! - `X-Content-Type-Options: nosniff`, `X-Frame-Options: DENY`;
//! - `Cache-Control: no-store` on every API answer (personal data, payment files, tokens) and
//!   on any other answer that did not choose its own caching (the stylesheet and script do).

use axum::extract::Request;
use axum::http::header::{
    CACHE_CONTROL, REFERRER_POLICY, STRICT_TRANSPORT_SECURITY, X_CONTENT_TYPE_OPTIONS,
    X_FRAME_OPTIONS,
};
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

const HSTS: &str = "max-age=31536000; includeSubDomains";

/// The middleware (`axum::middleware::from_fn`), outermost.
pub(crate) async fn security_headers(request: Request, next: Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let mut response = next.run(request).await;
    add_security_headers(response.headers_mut(), api);
    response
}

fn add_security_headers(headers: &mut HeaderMap, api: bool) {
    let fixed: [(HeaderName, &'static str); 4] = [
        (STRICT_TRANSPORT_SECURITY, HSTS),
        (REFERRER_POLICY, "same-origin"),
        (X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (X_FRAME_OPTIONS, "DENY"),
    ];
    for (name, value) in fixed {
        headers.insert(name, HeaderValue::from_static(value));
    }
    if api || !headers.contains_key(CACHE_CONTROL) {
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_answers_are_never_cached_and_assets_keep_their_choice() {
        let mut api = HeaderMap::new();
        api.insert(CACHE_CONTROL, HeaderValue::from_static("max-age=60"));
        add_security_headers(&mut api, true);
        assert_eq!(api[CACHE_CONTROL], "no-store");
        assert_eq!(api[STRICT_TRANSPORT_SECURITY], HSTS);
        assert_eq!(api[REFERRER_POLICY], "same-origin");
        let mut asset = HeaderMap::new();
        asset.insert(CACHE_CONTROL, HeaderValue::from_static("max-age=60"));
        add_security_headers(&mut asset, false);
        assert_eq!(asset[CACHE_CONTROL], "max-age=60");
        let mut page = HeaderMap::new();
        add_security_headers(&mut page, false);
        assert_eq!(page[CACHE_CONTROL], "no-store");
    }
}

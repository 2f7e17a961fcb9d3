//! The client address that sign-in throttling counts per. Taken from the TCP peer (the server
//! runs with `into_make_service_with_connect_info`), or from the last `X-Forwarded-For`
//! entry when the configuration says a reverse proxy sets it.

use std::net::SocketAddr;

use axum::extract::ConnectInfo;
use axum::http::request::Parts;

use crate::auth::AuthConfig;

/// Text naming the client, e.g. `203.0.113.7`; `unknown` when the server was started without
/// connection info (tests driving the router directly).
pub(crate) fn client_address(parts: &Parts, config: &AuthConfig) -> String {
    if config.trust_forwarded_for
        && let Some(forwarded) = last_forwarded_for(parts)
    {
        return forwarded;
    }
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip().to_string())
        .unwrap_or_else(|| "unknown".to_owned())
}

/// The proxy appends the address it saw last; earlier entries are the client's to choose.
fn last_forwarded_for(parts: &Parts) -> Option<String> {
    let value = parts.headers.get("x-forwarded-for")?.to_str().ok()?;
    let last = value.rsplit(',').next()?.trim();
    (!last.is_empty()).then(|| last.to_owned())
}

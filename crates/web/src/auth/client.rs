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
/// A client may also send its own `X-Forwarded-For` header, to which the proxy adds another
/// header rather than appending: the last entry of the *last* header is the proxy's.
fn last_forwarded_for(parts: &Parts) -> Option<String> {
    let value = parts
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .next_back()?
        .to_str()
        .ok()?;
    let last = value.rsplit(',').next()?.trim();
    (!last.is_empty()).then(|| last.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_entry_of_the_last_header_is_the_proxys() {
        let parts = axum::http::Request::builder()
            .header("x-forwarded-for", "6.6.6.6")
            .header("x-forwarded-for", "1.1.1.1, 203.0.113.7")
            .body(())
            .expect("request")
            .into_parts()
            .0;
        assert_eq!(last_forwarded_for(&parts).as_deref(), Some("203.0.113.7"));
    }
}

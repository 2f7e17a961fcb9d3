//! JSON request bodies read after the route's role check, so a caller without the role gets
//! 403 whatever it sent, and a malformed body is a 400 naming the field in the contract's
//! error body (axum's own `Json` rejection is plain text).

use axum::body::Bytes;
use axum::http::HeaderMap;
use axum::http::header::CONTENT_TYPE;
use serde::de::DeserializeOwned;

use crate::ApiError;

/// An optional JSON body: none (or only white space), `null`, or a `T`; the first two
/// give `T::default()`.
pub(crate) fn optional_json<T: DeserializeOwned + Default>(
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<T, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    Ok(parse_json::<Option<T>>(headers, body)?.unwrap_or_default())
}

/// Parses `body` as JSON into `T`. The content type, when given, must be JSON.
pub(crate) fn parse_json<T: DeserializeOwned>(
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<T, ApiError> {
    let content_type = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/json");
    if !content_type.trim_start().starts_with("application/json") {
        return Err(ApiError::bad_request(
            "INVALID_BODY",
            format!("请求体须为 JSON（Content-Type: application/json），实为 {content_type}"),
            "body",
        ));
    }
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
        let field = match e.path().to_string() {
            path if path == "." => "body".to_owned(),
            path => path,
        };
        ApiError::bad_request(
            "INVALID_BODY",
            format!("请求体字段 {field} 无效：{}", e.inner()),
            &field,
        )
    })
}

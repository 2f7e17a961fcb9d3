//! Extractors that turn malformed requests into the contract's error body, naming the
//! offending field, instead of axum's plain-text rejections.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::ApiError;

/// A query string deserialized into `T`; a bad one is a 400 `INVALID_QUERY` with the
/// parameter's name in `field`.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        let deserializer =
            serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(deserializer)
            .map(ApiQuery)
            .map_err(|e| {
                let field = e.path().to_string();
                let field = if field == "." {
                    "query".to_owned()
                } else {
                    field
                };
                ApiError::bad_request(
                    "INVALID_QUERY",
                    format!("查询参数 {field} 无效：{}", e.inner()),
                    &field,
                )
            })
    }
}

/// A page size or offset from the query string: `default` when absent, else it must lie in
/// `range` (the API document declares the same bounds), or 400 `OUT_OF_RANGE` naming it.
pub(crate) fn bounded(
    value: Option<u32>,
    default: u32,
    range: std::ops::RangeInclusive<u32>,
    field: &str,
) -> Result<u32, ApiError> {
    let value = value.unwrap_or(default);
    if range.contains(&value) {
        Ok(value)
    } else {
        Err(ApiError::bad_request(
            "OUT_OF_RANGE",
            format!(
                "查询参数 {field} 应在{}到{}之间，实为{value}",
                range.start(),
                range.end()
            ),
            field,
        ))
    }
}

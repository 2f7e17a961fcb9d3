//! Extractors that turn malformed requests into the contract's error body, naming the
//! offending field, instead of axum's plain-text rejections.

use axum::extract::{FromRequestParts, Path};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use onething_domain::ids::{
    BookingId, CaseId, ClaimId, ComplaintId, CreditRecordId, FilingId, PaymentId, RecordIdError,
    RectificationId, ReimbursementId, ReportId, SettlementId, TicketId,
};
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

/// Path parameters parsed into validated ids (`ClaimId`, `CaseId`, …); a text that cannot be
/// one is a 400 `INVALID_ID` naming the path parameter, instead of axum's plain-text answer
/// or a look-up of garbage.
pub struct ApiPath<T>(pub T);

/// What a route's path parameters parse into.
pub trait FromPathParams: Sized {
    fn from_params(params: &[(String, String)]) -> Result<Self, ApiError>;
}

fn id_param<T>(params: &[(String, String)], at: usize) -> Result<T, ApiError>
where
    T: TryFrom<String, Error = RecordIdError>,
{
    let (name, value) = params.get(at).ok_or_else(ApiError::not_found)?;
    T::try_from(value.clone())
        .map_err(|e| ApiError::bad_request("INVALID_ID", e.message_zh(), name))
}

macro_rules! single_id_path {
    ($($ty:ty),*) => {$(
        impl FromPathParams for $ty {
            fn from_params(params: &[(String, String)]) -> Result<Self, ApiError> {
                id_param(params, 0)
            }
        }
    )*};
}
single_id_path!(
    ClaimId,
    CaseId,
    SettlementId,
    PaymentId,
    RectificationId,
    ComplaintId,
    CreditRecordId,
    ReportId,
    FilingId,
    ReimbursementId,
    TicketId,
    BookingId
);

/// A rectification and the step taken on it (`/supervision/rectifications/{id}/{step}`):
/// the step is matched by the page itself.
impl FromPathParams for (RectificationId, String) {
    fn from_params(params: &[(String, String)]) -> Result<Self, ApiError> {
        let id = id_param(params, 0)?;
        let (_, step) = params.get(1).ok_or_else(ApiError::not_found)?;
        Ok((id, step.clone()))
    }
}

/// A case and one of its items (`/cases/{case_id}/items/{item}/…`): the item code is checked
/// against the case's bundle by the use case itself.
impl FromPathParams for (CaseId, String) {
    fn from_params(params: &[(String, String)]) -> Result<Self, ApiError> {
        let case = id_param(params, 0)?;
        let (_, item) = params.get(1).ok_or_else(ApiError::not_found)?;
        Ok((case, item.clone()))
    }
}

/// A claim and one of its attachments (`/claims/{id}/attachments/{file}`).
impl FromPathParams for (ClaimId, String) {
    fn from_params(params: &[(String, String)]) -> Result<Self, ApiError> {
        let claim = id_param(params, 0)?;
        let (_, file) = params.get(1).ok_or_else(ApiError::not_found)?;
        Ok((claim, file.clone()))
    }
}

impl<S: Send + Sync, T: FromPathParams> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(params) = Path::<Vec<(String, String)>>::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::not_found())?;
        T::from_params(&params).map(ApiPath)
    }
}

/// The same validated path ids for the pages: a bad one is the error page, not JSON.
pub(crate) struct PagePath<T>(pub T);

impl<S: Send + Sync, T: FromPathParams> FromRequestParts<S> for PagePath<T> {
    type Rejection = crate::pages::PageError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let ApiPath(value) = ApiPath::<T>::from_request_parts(parts, state).await?;
        Ok(PagePath(value))
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

/// The request's `Idempotency-Key` (at most 128 printable characters): a retried change
/// with the same key does nothing twice.
pub(crate) fn idempotency_key(headers: &HeaderMap) -> Option<String> {
    headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.len() <= 128)
        .map(str::to_owned)
}

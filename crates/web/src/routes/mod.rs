pub(crate) mod allowance;
pub(crate) mod audit;
pub(crate) mod calendar;
pub(crate) mod cases;
pub(crate) mod catalog;
pub(crate) mod exchange;
pub(crate) mod exchange_results;
pub(crate) mod health;
pub(crate) mod hospital;
pub(crate) mod newborn;
pub(crate) mod session;
pub(crate) mod supervision;

use axum::http::StatusCode;

use crate::ApiError;

pub(crate) async fn not_found() -> ApiError {
    ApiError::not_found()
}

pub(crate) async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "METHOD_NOT_ALLOWED",
        "不支持该请求方法",
    )
}

//! The one place where errors become HTTP responses. Handlers return `Result<_, ApiError>`;
//! lower layers return their own `thiserror` enums, converted here. A client mistake is a
//! 4xx with a machine-readable code, a Chinese message and the field it concerns; anything
//! else is a 5xx whose detail goes to the log, never to the client.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use onething_domain::CalendarError;
use onething_store::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

/// The error body of the contract: `{"error":{"code","message","field"}}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// SNAKE_CASE code, stable for integrators.
    #[schema(example = "NOT_FOUND")]
    pub code: String,
    /// 中文说明.
    pub message: String,
    /// Path of the field concerned, or null.
    pub field: Option<String>,
}

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: String,
    pub message: String,
    pub field: Option<String>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code: code.to_owned(),
            message: message.into(),
            field: None,
        }
    }

    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    pub fn bad_request(code: &str, message: impl Into<String>, field: &str) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message).with_field(field)
    }

    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "NOT_FOUND", "未找到请求的资源")
    }

    fn internal(detail: &dyn std::fmt::Display) -> Self {
        tracing::error!(error = %detail, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "INTERNAL",
            "服务器内部错误，请稍后重试",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code,
                message: self.message,
                field: self.field,
            },
        };
        (self.status, Json(body)).into_response()
    }
}

impl From<CalendarError> for ApiError {
    fn from(e: CalendarError) -> Self {
        // An unpublished year is the bureau's configuration to complete, not the client's fault.
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, e.code(), e.message_zh())
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        use StatusCode as S;
        match e {
            StoreError::NotFound { .. } => ApiError::not_found(),
            StoreError::Conflict { .. } => ApiError::new(
                S::CONFLICT,
                "CONCURRENT_MODIFICATION",
                "该办件已被其他操作修改，请刷新后重试",
            ),
            StoreError::IdempotencyKeyReused(_) => ApiError::new(
                S::CONFLICT,
                "IDEMPOTENCY_KEY_REUSED",
                "幂等键已用于另一请求，请使用新的 Idempotency-Key",
            )
            .with_field("Idempotency-Key"),
            StoreError::Plan(p) => {
                let status = if p.code() == "INVALID_STATE" || p.code() == "DEPENDENCIES_PENDING" {
                    S::CONFLICT
                } else {
                    S::UNPROCESSABLE_ENTITY
                };
                ApiError::new(status, p.code(), p.message_zh())
            }
            StoreError::Calendar(c) => c.into(),
            StoreError::Catalog(c) => {
                ApiError::new(S::UNPROCESSABLE_ENTITY, c.code(), c.message_zh())
            }
            other => ApiError::internal(&other),
        }
    }
}

/// A handler that panicked answers like any other server error (and the panic is logged).
pub fn panic_response(detail: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let text = detail
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| detail.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_default();
    ApiError::internal(&format!("panic: {text}")).into_response()
}

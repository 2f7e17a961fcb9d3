//! The one place where errors become HTTP responses. Handlers return `Result<_, ApiError>`;
//! lower layers return their own `thiserror` enums, converted here. A client mistake is a
//! 4xx with a machine-readable code, a Chinese message and the field it concerns; anything
//! else is a 5xx whose detail goes to the log, never to the client.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use onething_domain::CalendarError;
use onething_domain::access::AccessDenied;
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
    /// `CLAIM_EXISTS` only: the id of the earlier claim for the same claimant and event.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub existing_claim_id: Option<String>,
}

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: String,
    pub message: String,
    pub field: Option<String>,
    /// The earlier claim a `CLAIM_EXISTS` refusal points to.
    pub existing_claim_id: Option<String>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code: code.to_owned(),
            message: message.into(),
            field: None,
            existing_claim_id: None,
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

    pub(crate) fn internal(detail: &dyn std::fmt::Display) -> Self {
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
                existing_claim_id: self.existing_claim_id,
            },
        };
        let busy = body.error.code == "SERVER_BUSY";
        let mut response = (self.status, Json(body)).into_response();
        if busy {
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from_static("1"),
            );
        }
        response
    }
}

/// 503 `SERVER_BUSY` (answered with `Retry-After: 1`): a bounded resource (password
/// hashing, unverified department uploads) is fully in use; nothing was done.
pub(crate) fn busy() -> ApiError {
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "SERVER_BUSY",
        "服务器繁忙，请稍后重试",
    )
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

impl From<onething_services::ServiceError> for ApiError {
    fn from(e: onething_services::ServiceError) -> Self {
        use StatusCode as S;
        use onething_services::{InvalidKind, ServiceError as E};
        match e {
            E::Access(denied) => denied.into(),
            E::Invalid(invalid) => {
                let status = match invalid.kind {
                    InvalidKind::BadRequest => S::BAD_REQUEST,
                    InvalidKind::TooLarge => S::PAYLOAD_TOO_LARGE,
                    InvalidKind::UnsupportedType => S::UNSUPPORTED_MEDIA_TYPE,
                    InvalidKind::Unprocessable => S::UNPROCESSABLE_ENTITY,
                };
                ApiError::new(status, invalid.code, invalid.message).with_field(invalid.field)
            }
            E::FourEyes => ApiError::new(
                S::FORBIDDEN,
                "FOUR_EYES",
                "本人受理或提交的申领须由其他经办人员审核（双人复核）",
            ),
            E::ClaimExists { existing } => {
                let mut error = ApiError::new(
                    S::CONFLICT,
                    "CLAIM_EXISTS",
                    format!("该职工的同一生育事件已有申领（申领号{existing}），不能重复申领"),
                )
                .with_field("person_id");
                error.existing_claim_id = Some(existing);
                error
            }
            E::ReimbursementExists { existing } => ApiError::new(
                S::CONFLICT,
                "REIMBURSEMENT_EXISTS",
                format!("该次分娩（生育）已在窗口报销（报销号{existing}），不能重复报销"),
            )
            .with_field("delivery_record_id"),
            E::ApplicationExists { existing } => ApiError::new(
                S::CONFLICT,
                "APPLICATION_EXISTS",
                format!("该新生儿已有办理中的申请（申请号{existing}），不能重复申请"),
            )
            .with_field("birth_certificate_no"),
            E::InvalidState { from, .. } => ApiError::new(
                S::CONFLICT,
                "INVALID_STATE",
                format!("申领当前状态为“{}”，不能进行此操作", from.label_zh()),
            ),
            E::NotEmployee => ApiError::new(
                S::NOT_FOUND,
                "NOT_FOUND",
                "未找到该职工在该单位的参保或缴费记录",
            )
            .with_field("person_id"),
            E::NoEvent => ApiError::new(
                S::UNPROCESSABLE_ENTITY,
                "NO_BIRTH_RECORD",
                "未找到该人员的出生医学证明或分娩记录，请待卫生健康部门或医疗机构推送后再申领",
            )
            .with_field("person_id"),
            E::ApplicationTooLate {
                months,
                deadline,
                event_date,
            } => ApiError::new(
                S::UNPROCESSABLE_ENTITY,
                "APPLICATION_TOO_LATE",
                format!(
                    "已超过本地区规定的申领期限（生育之日起{months}个月内）：生育日期{event_date}，申领截止日期{deadline}"
                ),
            )
            .with_field("event_date"),
            E::FactsIncomplete(missing) => {
                let list: Vec<String> = missing.into_iter().map(|m| m.message).collect();
                ApiError::new(
                    S::CONFLICT,
                    "FACTS_INCOMPLETE",
                    format!("共享数据不全，不能核准：{}", list.join("；")),
                )
            }
            E::NotEligible(reasons) => {
                let list: Vec<&str> = reasons.iter().map(|r| r.name_zh()).collect();
                ApiError::new(
                    S::CONFLICT,
                    "NOT_ELIGIBLE",
                    format!("不符合享受条件（{}），请以 NOT_ELIGIBLE 原因不予支付", list.join("、")),
                )
                .with_field("decision")
            }
            E::NoBankAccount => ApiError::bad_request(
                "BANK_ACCOUNT_REQUIRED",
                "请填写单位银行账户（户名、开户行、账号），或先登记单位账户",
                "bank_account",
            ),
            E::NotNow(message) => ApiError::new(S::CONFLICT, "INVALID_STATE", message),
            E::AlreadyRated => ApiError::new(
                S::CONFLICT,
                "ALREADY_RATED",
                "该办件已评价，每个办件只能评价一次",
            ),
            E::SlotFull => ApiError::new(
                S::CONFLICT,
                "SLOT_FULL",
                "该上门服务时段已约满，请选择其他时段",
            ),
            E::AlreadyBooked => ApiError::new(
                S::CONFLICT,
                "ALREADY_BOOKED",
                "该办件已有上门服务预约，请先取消原预约",
            ),
            E::RatingPeriodOver { until } => ApiError::new(
                S::CONFLICT,
                "RATING_PERIOD_OVER",
                format!("评价期限已过：本办件可在 {until} 前（含当日）评价"),
            ),
            E::Calendar(c) => c.into(),
            E::Settlement(s) => s.into(),
            E::Store(s) => s.into(),
        }
    }
}

impl From<onething_services::Invalid> for ApiError {
    fn from(e: onething_services::Invalid) -> Self {
        onething_services::ServiceError::Invalid(e).into()
    }
}

impl From<AccessDenied> for ApiError {
    fn from(e: AccessDenied) -> Self {
        match e {
            // The route is public knowledge (OpenAPI), so refusing the role openly reveals nothing.
            AccessDenied::Forbidden => ApiError::new(
                StatusCode::FORBIDDEN,
                "FORBIDDEN",
                "当前账号的角色无权执行此操作",
            ),
            // Data outside the user's scope answers exactly like data that does not exist.
            AccessDenied::NotFound => ApiError::not_found(),
        }
    }
}

impl From<crate::auth::AuthError> for ApiError {
    fn from(e: crate::auth::AuthError) -> Self {
        use crate::auth::AuthError as A;
        match e {
            A::Unauthenticated => ApiError::new(
                StatusCode::UNAUTHORIZED,
                "UNAUTHENTICATED",
                "未登录或会话已过期，请重新登录",
            ),
            A::InvalidCredentials => ApiError::new(
                StatusCode::UNAUTHORIZED,
                "INVALID_CREDENTIALS",
                "用户名或密码错误",
            ),
            A::TooManyAttempts { retry_after_secs } => ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "TOO_MANY_ATTEMPTS",
                format!("登录失败次数过多，请{retry_after_secs}秒后再试"),
            ),
            A::CsrfFailed(_) => ApiError::new(
                StatusCode::FORBIDDEN,
                "CSRF_FAILED",
                "跨站请求校验失败：请从本站页面提交，并附上 csrf_token 表单字段或 X-CSRF-Token 请求头",
            )
            .with_field("csrf_token"),
            A::Busy => busy(),
            A::Store(store) => store.into(),
        }
    }
}

impl IntoResponse for crate::auth::AuthError {
    fn into_response(self) -> Response {
        use axum::http::header::{RETRY_AFTER, WWW_AUTHENTICATE};
        let header = match &self {
            Self::TooManyAttempts { retry_after_secs } => {
                Some((RETRY_AFTER, retry_after_secs.to_string()))
            }
            Self::Unauthenticated => Some((WWW_AUTHENTICATE, "Bearer".to_owned())),
            _ => None,
        };
        let mut response = ApiError::from(self).into_response();
        if let Some((name, value)) = header
            && let Ok(value) = axum::http::HeaderValue::from_str(&value)
        {
            response.headers_mut().insert(name, value);
        }
        response
    }
}

impl From<crate::routes::exchange::PushRefusal> for ApiError {
    fn from(e: crate::routes::exchange::PushRefusal) -> Self {
        use crate::routes::exchange::PushRefusal as P;
        use StatusCode as S;
        // `field` names the headers as the contract writes them.
        const HEADER_DEPT: &str = "X-Onething-Dept";
        const HEADER_TIMESTAMP: &str = "X-Onething-Timestamp";
        const HEADER_SIGNATURE: &str = "X-Onething-Signature";
        // Refusals are logged: a department's engineer asks "why 401?" and the log answers.
        tracing::warn!(refusal = %e, "push refused");
        match e {
            P::UnknownDataset(name) => ApiError::new(
                S::NOT_FOUND,
                "UNKNOWN_DATASET",
                format!("没有名为“{name}”的数据集"),
            )
            .with_field("dataset"),
            P::UnknownDepartment(id) if id.is_empty() => ApiError::new(
                S::UNAUTHORIZED,
                "UNKNOWN_DEPARTMENT",
                "缺少请求头 X-Onething-Dept（部门编号）",
            )
            .with_field(HEADER_DEPT),
            P::UnknownDepartment(id) => ApiError::new(
                S::UNAUTHORIZED,
                "UNKNOWN_DEPARTMENT",
                format!("部门“{id}”未登记"),
            )
            .with_field(HEADER_DEPT),
            P::BadHeader(name) if name == onething_exchange::signature::HEADER_TIMESTAMP => {
                ApiError::new(
                    S::UNAUTHORIZED,
                    "BAD_SIGNATURE",
                    "缺少请求头 X-Onething-Timestamp 或其值不是Unix整数秒",
                )
                .with_field(HEADER_TIMESTAMP)
            }
            P::BadHeader(_) => ApiError::new(
                S::UNAUTHORIZED,
                "BAD_SIGNATURE",
                "缺少请求头 X-Onething-Signature（签名）",
            )
            .with_field(HEADER_SIGNATURE),
            P::NoMatchingKey(_) => ApiError::new(
                S::UNAUTHORIZED,
                "BAD_SIGNATURE",
                "签名验证失败：请检查签名串（方法、路径、时间戳、请求体SHA-256）与所用私钥是否为当前有效密钥",
            )
            .with_field(HEADER_SIGNATURE),
            P::Signature(s) => {
                let field = if s.code() == "STALE_TIMESTAMP" {
                    HEADER_TIMESTAMP
                } else {
                    HEADER_SIGNATURE
                };
                ApiError::new(S::UNAUTHORIZED, s.code(), s.message_zh()).with_field(field)
            }
            P::DatasetNotAllowed { kind, dataset, .. } => ApiError::new(
                S::FORBIDDEN,
                "DATASET_NOT_ALLOWED",
                format!(
                    "{}不能推送数据集“{}”（{}）",
                    kind.label_zh(),
                    dataset.as_str(),
                    dataset.label_zh()
                ),
            )
            .with_field("dataset"),
            P::UnsupportedMediaType(found) => ApiError::new(
                S::UNSUPPORTED_MEDIA_TYPE,
                "UNSUPPORTED_MEDIA_TYPE",
                format!("不支持的Content-Type“{found}”：应为 application/json 或 application/x-ndjson"),
            )
            .with_field("Content-Type"),
            P::PayloadTooLarge => ApiError::new(
                S::PAYLOAD_TOO_LARGE,
                "PAYLOAD_TOO_LARGE",
                format!(
                    "请求体超过{}MiB，请分批推送",
                    onething_exchange::batch::MAX_BODY_BYTES >> 20
                ),
            ),
            P::UnreadableBody(_) => ApiError::new(
                S::BAD_REQUEST,
                "INVALID_BODY",
                "请求体读取失败，请重试",
            ),
            P::Replayed(_) => ApiError::new(
                S::UNAUTHORIZED,
                "REPLAYED_REQUEST",
                "该签名的请求已被接收过（重放）：重试时请用新的时间戳重新签名",
            )
            .with_field(HEADER_SIGNATURE),
            P::Busy => busy(),
            P::Batch(b) => {
                let status = match b {
                    onething_exchange::batch::BatchError::TooManyRecords { .. } => {
                        S::PAYLOAD_TOO_LARGE
                    }
                    onething_exchange::batch::BatchError::InvalidJson { .. } => S::BAD_REQUEST,
                };
                ApiError::new(status, b.code(), b.message_zh()).with_field("records")
            }
            P::Internal(detail) => ApiError::internal(&detail),
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

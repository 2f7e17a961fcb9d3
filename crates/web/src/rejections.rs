//! Answers that axum's extractors and tower's layers make by themselves — a body over the
//! size limit (413, plain text), a request past the time limit (408, empty) — become the
//! contract's error body under `/api/`, so every API answer is `{"error":{…}}`. Pages keep
//! theirs (a browser shows them).

use axum::extract::Request;
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::ApiError;

/// The largest JSON (or other non-upload) request body: axum's default limit.
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

pub(crate) async fn json_errors(request: Request, next: Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    let status = response.status();
    let failed = status.is_client_error() || status.is_server_error();
    if !api || !failed || is_json(&response) {
        return response;
    }
    let (code, message) = match status {
        StatusCode::PAYLOAD_TOO_LARGE => (
            "BODY_TOO_LARGE",
            "请求体超过大小上限（JSON 请求体至多 2 MiB，上传文件见接口说明）",
        ),
        StatusCode::REQUEST_TIMEOUT => ("REQUEST_TIMEOUT", "请求处理超时，请稍后重试"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ("UNSUPPORTED_MEDIA_TYPE", "不支持的请求内容类型"),
        s if s.is_server_error() => ("INTERNAL", "服务器内部错误，请稍后重试"),
        _ => ("BAD_REQUEST", "请求无法处理，请检查请求格式"),
    };
    let mut replaced = ApiError::new(status, code, message).into_response();
    for name in [axum::http::header::RETRY_AFTER, axum::http::header::ALLOW] {
        if let Some(value) = response.headers().get(&name) {
            replaced.headers_mut().insert(name, value.clone());
        }
    }
    replaced
}

fn is_json(response: &Response) -> bool {
    response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"))
}

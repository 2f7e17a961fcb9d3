//! Settlement errors as HTTP answers.

use axum::http::StatusCode;
use onething_domain::allowance::settlement::ResultsRejected;
use onething_store::allowance::settlements::SettlementError;

use crate::ApiError;

impl From<SettlementError> for ApiError {
    fn from(e: SettlementError) -> Self {
        match e {
            SettlementError::NotFound { .. } => ApiError::not_found(),
            SettlementError::InvalidState { status, .. } => ApiError::new(
                StatusCode::CONFLICT,
                "INVALID_STATE",
                format!(
                    "该申领当前状态为“{}”，只有支付失败的申领可以更正收款账户",
                    status.label_zh()
                ),
            ),
            SettlementError::Store(store) => store.into(),
            // Overflowing sums and broken control totals are the platform's fault: logged,
            // answered as a server error, and nothing was committed.
            other => internal(&other),
        }
    }
}

/// A server fault: the detail goes to the log, the client gets the generic answer.
pub(super) fn internal(detail: &dyn std::fmt::Display) -> ApiError {
    tracing::error!(error = %detail, "settlement failed");
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "INTERNAL",
        "服务器内部错误，请稍后重试",
    )
}

/// A refused results file: 422 with the first problem's code, line and column; the message
/// says how many problems there are in all.
pub(super) fn rejected_file(rejected: &ResultsRejected) -> ApiError {
    let first = &rejected.errors[0];
    let more = rejected.errors.len() - 1;
    let message = if more == 0 {
        first.message_zh()
    } else {
        format!("{}（另有{more}处错误）", first.message_zh())
    };
    let field = match first.column() {
        Some(column) => format!("file[{}].{column}", first.line()),
        None => format!("file[{}]", first.line()),
    };
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, first.code(), message).with_field(field)
}

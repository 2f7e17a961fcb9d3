//! Importing the bank's results: the CSV as the request body (`text/csv`) or as the
//! multipart field `file`. A file with any bad row is refused as a whole (422, the first
//! problem's code, line and column); a good file is applied in one transaction.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use onething_domain::allowance::settlement::parse_results;
use onething_domain::ids::SettlementId;
use onething_services::allowance as service;

use super::errors::rejected_file;
use super::views::ImportView;
use crate::auth::CurrentUser;
use crate::extract::ApiPath;
use crate::{ApiError, AppState};
use onething_domain::access::UseCase;

/// Imports the bank's results for the settlement's payments: `paid` marks the payment and
/// its claims paid (paid on the import date, China time); `failed` with a reason marks them
/// `payment_failed` until the account is corrected. Rows naming no payment of this settlement
/// are reported as `unknown`, rows whose payment already has a result as `duplicates`.
#[utoipa::path(post, path = "/settlements/{id}/results", tag = "settlements",
    params(("id" = SettlementId, Path, description = "settlement id")),
    request_body(content(
        (String = "text/csv", example = "payment_id,result,reason\nST20241115-3f2a9c1b-P0001,paid,\n"),
        (String = "multipart/form-data")),
        description = "CSV `payment_id,result,reason`, as the body or the multipart field `file`"),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = ImportView),
              (status = 400, body = crate::error::ErrorBody, description = "INVALID_BODY: no `file` field in the multipart body"),
              (status = 401, body = crate::error::ErrorBody, description = "UNAUTHENTICATED"),
              (status = 403, body = crate::error::ErrorBody, description = "FORBIDDEN: agency clerks and administrators only"),
              (status = 404, body = crate::error::ErrorBody, description = "NOT_FOUND, also outside the caller's region"),
              (status = 415, body = crate::error::ErrorBody, description = "UNSUPPORTED_MEDIA_TYPE"),
              (status = 422, body = crate::error::ErrorBody, description = "a bad file: EMPTY_FILE, UNKNOWN_COLUMN, MISSING_COLUMN, REPEATED_COLUMN, FIELD_COUNT, MISSING_FIELD, INVALID_ENUM, INVALID_CSV; `field` is `file[LINE].COLUMN`")))]
pub(crate) async fn import_results(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<SettlementId>,
    request: Request,
) -> Result<Json<ImportView>, ApiError> {
    let actor = user.permit(&state, UseCase::ImportBankResults)?;
    let svc = state.services();
    // Outside the caller's region the settlement does not exist for it (before the body).
    service::settlement(&svc, &actor, &id).await?;
    let bytes = read_file(request, &state).await?;
    let rows = parse_results(&bytes).map_err(|rejected| rejected_file(&rejected))?;
    let report = service::import_results(&svc, &actor, &id, &rows).await?;
    Ok(Json(report.into()))
}

/// The CSV bytes, from the body or from the multipart field `file`.
async fn read_file(request: Request, state: &AppState) -> Result<Bytes, ApiError> {
    let content_type = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    if content_type.starts_with("multipart/form-data") {
        let multipart = Multipart::from_request(request, state)
            .await
            .map_err(|_| invalid_body("multipart 请求体无法解析"))?;
        return file_field(multipart).await;
    }
    if ["text/csv", "application/csv", "text/plain"]
        .iter()
        .any(|t| content_type.starts_with(t))
    {
        return Bytes::from_request(request, state)
            .await
            .map_err(|_| invalid_body("请求体读取失败或过大"));
    }
    Err(ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "UNSUPPORTED_MEDIA_TYPE",
        format!("不支持的Content-Type“{content_type}”：应为 text/csv，或 multipart/form-data 的 file 字段"),
    )
    .with_field("Content-Type"))
}

async fn file_field(mut multipart: Multipart) -> Result<Bytes, ApiError> {
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| invalid_body("multipart 请求体无法解析"))?
    {
        if field.name() == Some("file") {
            return field
                .bytes()
                .await
                .map_err(|_| invalid_body("file 字段读取失败"));
        }
    }
    Err(ApiError::bad_request(
        "INVALID_BODY",
        "multipart 请求体缺少 file 字段（银行回盘CSV）",
        "file",
    ))
}

fn invalid_body(message: &str) -> ApiError {
    ApiError::bad_request("INVALID_BODY", message, "file")
}

//! The current notice as a sealed PDF, and the public notice check.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use onething_exchange::seal::seal;
use onething_services::newborn::{self as service, NoticeCheck, notice_form};
use onething_store::newborn::Notice;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::CurrentUser;
use crate::extract::ApiQuery;
use crate::{ApiError, AppState};

/// Where people check a notice (printed on it).
const VERIFY_HINT: &str = "可在平台“文书核验”页面（/notices/核验）输入编号和核验码，或请求 GET /api/v1/notices/{编号}?code={核验码} 核验真伪。";

/// The notice's PDF with the platform's electronic seal (docs/newborn.md: how to verify it
/// offline).
pub(crate) async fn sealed_notice_pdf(
    state: &AppState,
    notice: &Notice,
) -> Result<Vec<u8>, ApiError> {
    let fonts = state.fonts.get().map_err(ApiError::from)?.clone();
    let form = notice_form(notice, VERIFY_HINT);
    let pdf = tokio::task::spawn_blocking(move || onething_documents::notice_pdf(&form, &fonts))
        .await
        .map_err(|e| ApiError::internal(&e))?
        .map_err(|e| ApiError::from(&e))?;
    Ok(seal(state.platform.signing_key(), &pdf))
}

/// The application's current notice (受理通知书 / 一次性告知书 / 不予受理通知书), sealed.
#[utoipa::path(get, path = "/newborn/applications/{id}/notice.pdf", tag = "newborn",
    params(("id" = String, Path, description = "application id")),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, content_type = "application/pdf", description = "the notice; its last line is the platform's Ed25519 seal"),
              (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody),
              (status = 503, body = crate::error::ErrorBody, description = "FONT_MISSING")))]
pub(crate) async fn notice_pdf(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let actor = user.actor(&state, None);
    let (_, notice) = service::current_notice(&state.services(), &actor, &id).await?;
    let pdf = sealed_notice_pdf(&state, &notice).await?;
    Ok(crate::documents::pdf_response(
        &format!("{}.pdf", notice.number),
        pdf,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct CodeQuery {
    /// The verification code printed on the notice.
    code: Option<String>,
}

/// Anyone may check a notice: `200 {"number","kind","issued_on","applicant_masked"}` for a
/// genuine one, `404` for an unknown number or a wrong code alike.
#[utoipa::path(get, path = "/notices/{number}", tag = "newborn",
    params(("number" = String, Path, description = "the notice's number"), CodeQuery),
    responses((status = 200, body = Object), (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn verify(
    State(state): State<AppState>,
    Path(number): Path<String>,
    ApiQuery(query): ApiQuery<CodeQuery>,
) -> Result<Json<NoticeCheck>, ApiError> {
    let code = query.code.unwrap_or_default();
    if code.is_empty() || code.len() > 32 || number.len() > 64 {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            "未找到该文书，请核对编号和核验码",
        ));
    }
    Ok(Json(
        service::verify_notice(&state.services(), &number, &code).await?,
    ))
}

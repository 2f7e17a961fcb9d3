//! `POST/GET /api/v1/hospital/spouse-filings`: the spouse filing (备案登记, RB-2).

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use onething_domain::access::UseCase;
use onething_domain::ids::FilingId;
use onething_services::hospital::{self as service, FileSpouse, FilingView, SpouseFilingInput};

use crate::auth::CurrentUser;
use crate::auth::json::parse_json;
use crate::extract::ApiPath;
use crate::routes::newborn::idempotency_key;
use crate::{ApiError, AppState};

/// The hospital clerk files the unemployed spouse of an insured man: `filed` at once when
/// civil-affairs, HR and enrollment data agree; `refused` with every reason (`NOT_MARRIED`,
/// `SPOUSE_EMPLOYED`, `HUSBAND_NOT_INSURED`); `needs_supplement` when a record is missing.
#[utoipa::path(post, path = "/hospital/spouse-filings", tag = "hospital",
    request_body(content = Object, description = "husband_id, wife_id; optional 附件1 fields phone, pregnant_since, fetuses, service"),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 201, body = Object, description = "{id, status, reasons, missing, …}"),
              (status = 400, body = crate::error::ErrorBody, description = "a field, named"),
              (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)))]
pub(crate) async fn file(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<FilingView>), ApiError> {
    let actor = user.actor(&state, idempotency_key(&headers));
    actor.authorize(UseCase::FileSpouse)?;
    let input: SpouseFilingInput = parse_json(&headers, &body)?;
    let cmd = FileSpouse::try_from(input)?;
    let view = service::file_spouse(&state.services(), &actor, cmd).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// The hospital's own filings, newest first.
#[utoipa::path(get, path = "/hospital/spouse-filings", tag = "hospital", operation_id = "list_spouse_filings",
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = [Object], description = "the filings"), (status = 401, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Vec<FilingView>>, ApiError> {
    let actor = user.actor(&state, None);
    Ok(Json(
        service::spouse_filings(&state.services(), &actor).await?,
    ))
}

/// The filing's 附件1 (备案登记表) as a PDF, ids masked.
#[utoipa::path(get, path = "/hospital/spouse-filings/{id}/form.pdf", tag = "hospital",
    params(("id" = FilingId, Path, description = "filing id")),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, content_type = "application/pdf", description = "the 备案登记表"),
              (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
              (status = 400, body = crate::error::ErrorBody, description = "INVALID_ID"),
              (status = 404, body = crate::error::ErrorBody),
              (status = 503, body = crate::error::ErrorBody, description = "FONT_MISSING")))]
pub(crate) async fn form_pdf(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<FilingId>,
) -> Result<Response, ApiError> {
    let actor = user.actor(&state, None);
    let form = service::filing_form(&state.services(), &actor, &id).await?;
    let fonts = state.fonts.get().map_err(ApiError::from)?.clone();
    let pdf =
        tokio::task::spawn_blocking(move || onething_documents::filing_form_pdf(&form, &fonts))
            .await
            .map_err(|e| ApiError::internal(&e))?
            .map_err(|e| ApiError::from(&e))?;
    Ok((
        [
            (CONTENT_TYPE, "application/pdf".to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("inline; filename=\"filing-{id}.pdf\""),
            ),
            (CACHE_CONTROL, "no-store".to_owned()),
        ],
        pdf,
    )
        .into_response())
}

#[utoipa::path(get, path = "/hospital/spouse-filings/{id}", tag = "hospital", operation_id = "spouse_filing",
    params(("id" = FilingId, Path, description = "filing id")),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = Object), (status = 401, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 400, body = crate::error::ErrorBody, description = "INVALID_ID"),
              (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn one(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<FilingId>,
) -> Result<Json<FilingView>, ApiError> {
    let actor = user.actor(&state, None);
    Ok(Json(
        service::spouse_filing(&state.services(), &actor, &id).await?,
    ))
}

//! `POST/GET /api/v1/newborn/applications`, one application, its materials, and a clerk's
//! acceptance or refusal after checking them.

use axum::Json;
use axum::body::Bytes;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, StatusCode};
use onething_domain::access::UseCase;
use onething_services::newborn::{
    self as service, ApplicationInput, ApplicationView, Apply, MaterialInput, Refuse, RefuseInput,
    SupplyMaterial, commands::MAX_MATERIAL_BYTES,
};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{configured, idempotency_key};
use crate::auth::CurrentUser;
use crate::auth::json::parse_json;
use crate::{ApiError, AppState};

/// The one form (附件1): only what no department holds; see docs/newborn.md for the fields.
/// Decided at once: `accepted` (with `case_id`), `needs_supplement` (every missing material)
/// or `refused` (every reason), each with its notice.
#[utoipa::path(post, path = "/newborn/applications", tag = "newborn",
    request_body(content = Object, description = "mother_id (window), father_id, birth_certificate_no, household, ethnicity, premium_channel, reimbursement, card_bank, delivery"),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 201, body = Object, description = "the application"),
              (status = 400, body = crate::error::ErrorBody, description = "a field, named"),
              (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
              (status = 503, body = crate::error::ErrorBody, description = "NEWBORN_NOT_CONFIGURED")))]
pub(crate) async fn apply(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<ApplicationView>), ApiError> {
    let actor = user.actor(&state, idempotency_key(&headers));
    actor.authorize(UseCase::ApplyNewborn)?;
    let nb = configured(&state)?;
    let input: ApplicationInput = parse_json(&headers, &body)?;
    let cmd = Apply::try_from(input)?;
    let view = service::apply(&state.services(), &nb, &actor, cmd).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// The applications the user may see: the mother her own, clerks and supervisors their
/// region's, newest first.
#[utoipa::path(get, path = "/newborn/applications", tag = "newborn",
    operation_id = "list_newborn_applications",
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = [Object], description = "the applications the caller may see"), (status = 401, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Vec<ApplicationView>>, ApiError> {
    let actor = user.actor(&state, None);
    Ok(Json(
        service::applications(&state.services(), &actor).await?,
    ))
}

#[utoipa::path(get, path = "/newborn/applications/{id}", tag = "newborn",
    params(("id" = String, Path, description = "application id")),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = Object), (status = 401, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn one(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<ApplicationView>, ApiError> {
    let actor = user.actor(&state, None);
    Ok(Json(
        service::application(&state.services(), &actor, &id).await?,
    ))
}

/// After checking the uploaded materials: accepted, the case opens (hospital or agency clerk).
#[utoipa::path(post, path = "/newborn/applications/{id}/accept", tag = "newborn",
    params(("id" = String, Path, description = "application id")),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = Object), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody, description = "INVALID_STATE: not waiting, or a material not uploaded"),
              (status = 503, body = crate::error::ErrorBody, description = "NEWBORN_NOT_CONFIGURED")))]
pub(crate) async fn accept(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<ApplicationView>, ApiError> {
    let actor = user.actor(&state, idempotency_key(&headers));
    actor.authorize(UseCase::AcceptApplication)?;
    let nb = configured(&state)?;
    Ok(Json(
        service::accept(&state.services(), &nb, &actor, &id).await?,
    ))
}

/// After checking the uploaded materials: refused with the conditions they show failing
/// (`{"reasons": ["NOT_IN_WEDLOCK"], "note"}`). An addition to the contract.
#[utoipa::path(post, path = "/newborn/applications/{id}/refuse", tag = "newborn",
    params(("id" = String, Path, description = "application id")),
    request_body(content = Object, description = "reasons (codes), note"),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = Object), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody),
              (status = 503, body = crate::error::ErrorBody, description = "NEWBORN_NOT_CONFIGURED")))]
pub(crate) async fn refuse(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<ApplicationView>, ApiError> {
    let actor = user.actor(&state, idempotency_key(&headers));
    actor.authorize(UseCase::RefuseApplication)?;
    let nb = configured(&state)?;
    let input: RefuseInput = parse_json(&headers, &body)?;
    let cmd = Refuse::try_from(input)?;
    Ok(Json(
        service::refuse(&state.services(), &nb, &actor, &id, cmd).await?,
    ))
}

pub(crate) fn upload_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(materials))
        .layer(DefaultBodyLimit::max(MAX_MATERIAL_BYTES + 64 * 1024))
}

/// A material the one-time notice asked for: multipart `file` (JPEG, PNG or PDF, at most
/// 10 MiB) and field `material` (a code from the application's `missing`).
#[utoipa::path(post, path = "/newborn/applications/{id}/materials", tag = "newborn",
    params(("id" = String, Path, description = "application id")),
    request_body(content_type = "multipart/form-data", description = "fields `material` and `file`"),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 201, body = Object, description = "the application"),
              (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody),
              (status = 413, body = crate::error::ErrorBody), (status = 415, body = crate::error::ErrorBody)))]
pub(crate) async fn materials(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<(StatusCode, Json<ApplicationView>), ApiError> {
    let actor = user.actor(&state, None);
    actor.authorize(UseCase::SupplyMaterial)?;
    let svc = state.services();
    service::application(&svc, &actor, &id).await?;
    let mut multipart = multipart.map_err(|_| {
        ApiError::bad_request(
            "INVALID_UPLOAD",
            "请以 multipart/form-data 上传，字段为 material 与 file",
            "file",
        )
    })?;
    let cmd = SupplyMaterial::try_from(read_fields(&mut multipart).await?)?;
    let view = service::supply_material(&svc, &actor, &id, cmd).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

async fn read_fields(multipart: &mut Multipart) -> Result<MaterialInput, ApiError> {
    let bad = |message: &str| ApiError::bad_request("INVALID_UPLOAD", message, "file");
    let mut input = MaterialInput::default();
    while let Some(field) = multipart.next_field().await.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(e.status(), "FILE_TOO_LARGE", "文件（file）不能超过10MB")
                .with_field("file")
        } else {
            bad("上传内容无法解析，请重新上传")
        }
    })? {
        match field.name() {
            Some("material") => {
                let text = field
                    .text()
                    .await
                    .map_err(|_| bad("material 字段无法读取"))?;
                input.material = Some(text);
            }
            Some("file") => {
                input.filename = field.file_name().map(str::to_owned);
                input.content_type = field.content_type().map(str::to_owned);
                input.bytes = field
                    .bytes()
                    .await
                    .map_err(|_| bad("文件读取失败，请重新上传"))?
                    .to_vec();
            }
            _ => {}
        }
    }
    Ok(input)
}

/// What the mother follows: the messages sent about the application (newest first) and the
/// finished items' electronic results. An addition to the contract.
#[utoipa::path(get, path = "/newborn/applications/{id}/progress", tag = "newborn",
    params(("id" = String, Path, description = "application id")),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = Object), (status = 401, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn progress(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<service::Progress>, ApiError> {
    let actor = user.actor(&state, None);
    Ok(Json(
        service::progress(&state.services(), &actor, &id).await?,
    ))
}

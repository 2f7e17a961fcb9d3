//! `POST /api/v1/hospital/claims/{id}/documents/{kind}`: the hospital window uploads the
//! scanned 申报表 (`declaration_form`) or 出院记录 (`discharge_record`) of its own claim
//! (seed 002 三(二)2); the claim then goes to the bureau's review queue when submitted.

use axum::Json;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use onething_domain::access::UseCase;
use onething_domain::ids::ClaimId;
use onething_services::allowance::{self as service, HospitalDocument, MAX_PHOTO_BYTES, Photo};
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::CurrentUser;
use crate::extract::ApiPath;
use crate::routes::allowance::claims::read_file;
use crate::routes::newborn::idempotency_key;
use crate::{ApiError, AppState};

#[derive(Debug, Serialize)]
pub(crate) struct DocumentView {
    id: String,
    kind: String,
    filename: String,
    content_type: String,
    sha256: String,
    size: i64,
}

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(upload))
        .layer(DefaultBodyLimit::max(MAX_PHOTO_BYTES + 64 * 1024))
}

/// A scan (JPEG, PNG or PDF, at most 5 MiB) of the claim's 申报表 or 出院记录, in the
/// multipart field `file`.
#[utoipa::path(post, path = "/hospital/claims/{id}/documents/{kind}", tag = "hospital", operation_id = "upload_hospital_document",
    params(("id" = ClaimId, Path, description = "claim id"),
           ("kind" = String, Path, description = "declaration_form or discharge_record")),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 201, body = Object),
              (status = 400, body = crate::error::ErrorBody, description = "INVALID_UPLOAD naming the field"),
              (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody),
              (status = 413, body = crate::error::ErrorBody), (status = 415, body = crate::error::ErrorBody)))]
pub(crate) async fn upload(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, kind)): ApiPath<(ClaimId, String)>,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<(StatusCode, Json<DocumentView>), ApiError> {
    let actor = user.actor(&state, idempotency_key(&headers));
    actor.authorize(UseCase::AttachPhoto)?;
    let kind = HospitalDocument::parse(&kind).ok_or_else(ApiError::not_found)?;
    let mut multipart = multipart.map_err(|_| {
        ApiError::bad_request(
            "INVALID_UPLOAD",
            "请以 multipart/form-data 上传，文件字段名为 file",
            "file",
        )
    })?;
    let file = Photo::try_from(read_file(&mut multipart).await?)?;
    let meta =
        service::attach_hospital_document(&state.services(), &actor, &id, kind, file).await?;
    Ok((
        StatusCode::CREATED,
        Json(DocumentView {
            id: meta.id,
            kind: meta.kind,
            filename: meta.filename,
            content_type: meta.content_type,
            sha256: meta.sha256,
            size: meta.size,
        }),
    ))
}

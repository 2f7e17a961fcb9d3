//! The claim's steps: the wage confirmation, photo uploads, submission (smart review) and
//! a clerk's review.

use axum::Json;
use axum::body::Bytes;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use onething_domain::access::UseCase;
use onething_domain::allowance::WageBasis;
use onething_domain::allowance::settlement::AccountKind;
use onething_domain::ids::ClaimId;
use onething_services::allowance::{
    self as service, AccountInput, ConfirmWage, MAX_PHOTO_BYTES, Photo, PhotoInput, Review,
    ReviewInput, Submit,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::idempotency_key;
use super::view::{ClaimView, claim_view};
use crate::auth::CurrentUser;
use crate::auth::json::parse_json;
use crate::extract::ApiPath;
use crate::{ApiError, AppState};

/// The services and the actor for a change of claim `id`: the role (403), then the scope
/// (404) are checked before the body is read, so a stranger learns nothing from its errors.
async fn on_claim(
    state: &AppState,
    user: &CurrentUser,
    headers: &HeaderMap,
    id: &ClaimId,
    use_case: UseCase,
) -> Result<(onething_services::Services, onething_services::Actor), ApiError> {
    let actor = user.actor(state, idempotency_key(headers));
    actor.authorize(use_case)?;
    let svc = state.services();
    service::visible_claim(&svc, &actor, id).await?;
    Ok((svc, actor))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ConfirmWageBody {
    /// `avg_wage` (上年度月平均工资) or `avg_base` (上年度月平均缴费基数).
    basis: WageBasis,
}

/// The employer confirms the previous-year average monthly wage (or base) tax pushed; on a
/// claim 免申即享 decided, it corrects the basis before settlement (the amount decided again).
#[utoipa::path(post, path = "/maternity-allowance/claims/{id}/confirm-wage", tag = "maternity-allowance",
    params(("id" = ClaimId, Path, description = "claim id")), request_body = ConfirmWageBody,
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = ClaimView),
              (status = 400, body = crate::error::ErrorBody), (status = 401, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody, description = "INVALID_STATE (neither a draft nor a 免申即享 claim before settlement)"),
              (status = 422, body = crate::error::ErrorBody, description = "WAGE_BASIS_UNAVAILABLE: a 免申即享 claim's basis corrected to one the pushed data cannot support")))]
pub(crate) async fn confirm_wage(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<ClaimId>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<ClaimView>, ApiError> {
    let (svc, actor) = on_claim(&state, &user, &headers, &id, UseCase::ConfirmWage).await?;
    let body: ConfirmWageBody = parse_json(&headers, &body)?;
    let cmd = ConfirmWage::try_from(Some(body.basis.as_str()))?;
    let claim = service::confirm_wage(&svc, &actor, &id, cmd).await?;
    Ok(Json(claim_view(service::with_history(&svc, claim).await?)))
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct UploadedView {
    id: String,
    filename: String,
    content_type: String,
    sha256: String,
    size: i64,
}

/// The upload route, with a body limit above the photo limit (the default is 2 MiB).
pub(crate) fn upload_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(upload))
        .layer(DefaultBodyLimit::max(MAX_PHOTO_BYTES + 64 * 1024))
}

/// A photo of the birth medical certificate when it cannot be fetched (拍照上传, EX-5):
/// multipart field `file` (image/jpeg, image/png or application/pdf, at most 5 MiB). The
/// claim then goes to a clerk's review.
#[utoipa::path(post, path = "/maternity-allowance/claims/{id}/attachments", tag = "maternity-allowance",
    params(("id" = ClaimId, Path, description = "claim id")),
    request_body(content_type = "multipart/form-data", description = "field `file`: the photo"),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 201, body = UploadedView),
              (status = 400, body = crate::error::ErrorBody, description = "INVALID_UPLOAD naming the field"),
              (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody),
              (status = 413, body = crate::error::ErrorBody, description = "FILE_TOO_LARGE (over 5 MiB), FILES_TOO_LARGE (the claim's photos over 20 MiB in all)"),
              (status = 422, body = crate::error::ErrorBody, description = "TOO_MANY_FILES: the claim has 5 already"),
              (status = 415, body = crate::error::ErrorBody, description = "UNSUPPORTED_MEDIA_TYPE")))]
pub(crate) async fn upload(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<ClaimId>,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<(StatusCode, Json<UploadedView>), ApiError> {
    let (svc, actor) = on_claim(&state, &user, &headers, &id, UseCase::AttachPhoto).await?;
    let mut multipart = multipart.map_err(|_| {
        ApiError::bad_request(
            "INVALID_UPLOAD",
            "请以 multipart/form-data 上传，文件字段名为 file",
            "file",
        )
    })?;
    let photo = Photo::try_from(read_file(&mut multipart).await?)?;
    let meta = service::attach_photo(&svc, &actor, &id, photo).await?;
    Ok((
        StatusCode::CREATED,
        Json(UploadedView {
            id: meta.id,
            filename: meta.filename,
            content_type: meta.content_type,
            sha256: meta.sha256,
            size: meta.size,
        }),
    ))
}

/// The multipart field `file` as raw upload input (its checks are the command's).
pub(crate) async fn read_file(multipart: &mut Multipart) -> Result<PhotoInput, ApiError> {
    let bad = |message: &str| ApiError::bad_request("INVALID_UPLOAD", message, "file");
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| too_large_or(e.status(), bad("上传内容无法解析，请重新上传")))?
    {
        if field.name() != Some("file") {
            continue;
        }
        let filename = field.file_name().map(str::to_owned);
        let content_type = field.content_type().map(str::to_owned);
        let bytes = field
            .bytes()
            .await
            .map_err(|e| too_large_or(e.status(), bad("文件读取失败，请重新上传")))?;
        return Ok(PhotoInput {
            filename,
            content_type,
            bytes: bytes.to_vec(),
        });
    }
    Err(bad("缺少文件字段 file"))
}

fn too_large_or(status: StatusCode, other: ApiError) -> ApiError {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "FILE_TOO_LARGE",
            format!("file 超过{}MB，请压缩后上传", MAX_PHOTO_BYTES >> 20),
        )
        .with_field("file")
    } else {
        other
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct AccountBody {
    /// 户名.
    #[schema(min_length = 1)]
    pub name: String,
    /// 开户行.
    #[schema(min_length = 1)]
    pub bank: String,
    #[schema(min_length = 1)]
    pub number: String,
    /// `corporate` (default, the employer's account) or `personal` (a debit card, Luhn-checked).
    #[serde(default)]
    pub kind: AccountKind,
}

impl From<AccountBody> for AccountInput {
    fn from(body: AccountBody) -> Self {
        AccountInput {
            name: Some(body.name),
            bank: Some(body.bank),
            number: Some(body.number),
            kind: body.kind,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct SubmitBody {
    /// The account to pay into; optional when the employer has one on file.
    bank_account: Option<AccountBody>,
}

/// Submits the claim: smart review approves it at once when the shared data is complete,
/// nothing was uploaded and the wage was confirmed (decision, amount and parameters
/// frozen), rejects it when the rules find it ineligible on complete data, and otherwise
/// puts it in the agency's review queue.
#[utoipa::path(post, path = "/maternity-allowance/claims/{id}/submit", tag = "maternity-allowance",
    params(("id" = ClaimId, Path, description = "claim id")), request_body = SubmitBody,
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = ClaimView, description = "the claim after smart review"),
              (status = 400, body = crate::error::ErrorBody, description = "bank account invalid or missing"),
              (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody, description = "INVALID_STATE")))]
pub(crate) async fn submit(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<ClaimId>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<ClaimView>, ApiError> {
    let (svc, actor) = on_claim(&state, &user, &headers, &id, UseCase::SubmitClaim).await?;
    let body: SubmitBody = if body.is_empty() {
        SubmitBody::default()
    } else {
        parse_json(&headers, &body)?
    };
    let cmd = Submit::try_from(body.bank_account.map(AccountInput::from))?;
    let claim = service::submit(&svc, &actor, &id, cmd).await?;
    Ok(Json(claim_view(service::with_history(&svc, claim).await?)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Verdict {
    Approve,
    Reject,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReviewBody {
    decision: Verdict,
    /// Required to reject: a code of the rejection dictionary (`CERTIFICATE_INVALID`, …).
    reason_code: Option<String>,
    /// Free text; required with `OTHER`.
    note: Option<String>,
    /// Approving an uploaded photo: the certificate number read from it.
    certificate_no: Option<String>,
}

/// A clerk approves or rejects a claim in review. Approval evaluates the rules on the
/// facts (a reviewed photo stands in for the certificate) and freezes the amount with the
/// parameters used; rejection takes a reason from the dictionary and a note.
#[utoipa::path(post, path = "/maternity-allowance/claims/{id}/review", tag = "maternity-allowance",
    params(("id" = ClaimId, Path, description = "claim id")), request_body = ReviewBody,
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = ClaimView),
              (status = 400, body = crate::error::ErrorBody, description = "reason_code missing or unknown"),
              (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody, description = "INVALID_STATE, FACTS_INCOMPLETE or NOT_ELIGIBLE")))]
pub(crate) async fn review(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<ClaimId>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<ClaimView>, ApiError> {
    let (svc, actor) = on_claim(&state, &user, &headers, &id, UseCase::ReviewClaim).await?;
    let body: ReviewBody = parse_json(&headers, &body)?;
    let cmd = Review::try_from(ReviewInput::from(body))?;
    let claim = service::review(&svc, &actor, &id, cmd).await?;
    Ok(Json(claim_view(service::with_history(&svc, claim).await?)))
}

impl From<ReviewBody> for ReviewInput {
    fn from(body: ReviewBody) -> Self {
        ReviewInput {
            decision: Some(
                match body.decision {
                    Verdict::Approve => "approve",
                    Verdict::Reject => "reject",
                }
                .to_owned(),
            ),
            reason_code: body.reason_code,
            note: body.note,
            certificate_no: body.certificate_no,
        }
    }
}

//! The claim's steps: the wage confirmation, photo uploads, submission (smart review) and
//! a clerk's review.

use axum::Json;
use axum::body::Bytes;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, StatusCode};
use onething_domain::allowance::settlement::{AccountKind, PayeeAccount};
use onething_domain::allowance::{RejectionReason, WageBasis};
use onething_store::allowance::claims::{Acting, BankAccount, NewAttachment, ReviewDecision};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::view::{ClaimView, claim_view};
use super::{FILERS, REVIEWERS, send_sms, visible_claim};
use crate::auth::CurrentUser;
use crate::auth::json::parse_json;
use crate::{ApiError, AppState};

/// The largest photo accepted.
pub(crate) const MAX_UPLOAD_BYTES: usize = 5 * 1024 * 1024;
const ALLOWED_TYPES: &[&str] = &["image/jpeg", "image/png", "application/pdf"];

fn acting(
    user: &CurrentUser,
    state: &AppState,
) -> (
    String,
    onething_domain::access::Role,
    chrono::DateTime<chrono::Utc>,
) {
    (user.username().to_owned(), user.role(), state.now())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ConfirmWageBody {
    /// `avg_wage` (上年度月平均工资) or `avg_base` (上年度月平均缴费基数).
    basis: WageBasis,
}

/// The employer confirms the previous-year average monthly wage (or base) tax pushed.
#[utoipa::path(post, path = "/maternity-allowance/claims/{id}/confirm-wage", tag = "maternity-allowance",
    params(("id" = String, Path, description = "claim id")), request_body = ConfirmWageBody,
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = ClaimView),
              (status = 400, body = crate::error::ErrorBody), (status = 401, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody, description = "INVALID_STATE")))]
pub(crate) async fn confirm_wage(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<ClaimView>, ApiError> {
    user.require(FILERS)?;
    visible_claim(&state, &user, &id).await?;
    let body: ConfirmWageBody = parse_json(&headers, &body)?;
    let (actor, role, at) = acting(&user, &state);
    let claim = state
        .store
        .confirm_wage(
            &id,
            body.basis,
            &Acting {
                actor: &actor,
                role,
                at,
            },
        )
        .await?;
    Ok(Json(claim_view(&state, claim).await?))
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
        .layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES + 64 * 1024))
}

/// A photo of the birth medical certificate when it cannot be fetched (拍照上传, EX-5):
/// multipart field `file` (image/jpeg, image/png or application/pdf, at most 5 MiB). The
/// claim then goes to a clerk's review.
#[utoipa::path(post, path = "/maternity-allowance/claims/{id}/attachments", tag = "maternity-allowance",
    params(("id" = String, Path, description = "claim id")),
    request_body(content_type = "multipart/form-data", description = "field `file`: the photo"),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 201, body = UploadedView),
              (status = 400, body = crate::error::ErrorBody, description = "INVALID_UPLOAD naming the field"),
              (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody),
              (status = 413, body = crate::error::ErrorBody, description = "FILE_TOO_LARGE"),
              (status = 415, body = crate::error::ErrorBody, description = "UNSUPPORTED_MEDIA_TYPE")))]
pub(crate) async fn upload(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<(StatusCode, Json<UploadedView>), ApiError> {
    user.require(FILERS)?;
    visible_claim(&state, &user, &id).await?;
    let mut multipart = multipart.map_err(|_| {
        ApiError::bad_request(
            "INVALID_UPLOAD",
            "请以 multipart/form-data 上传，文件字段名为 file",
            "file",
        )
    })?;
    let file = read_file(&mut multipart).await?;
    let (actor, role, at) = acting(&user, &state);
    let meta = state
        .store
        .add_attachment(
            &id,
            &file,
            &Acting {
                actor: &actor,
                role,
                at,
            },
        )
        .await?;
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

async fn read_file(multipart: &mut Multipart) -> Result<NewAttachment, ApiError> {
    let bad = |message: &str| ApiError::bad_request("INVALID_UPLOAD", message, "file");
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| too_large_or(e.status(), bad("上传内容无法解析，请重新上传")))?
    {
        if field.name() != Some("file") {
            continue;
        }
        let filename = field
            .file_name()
            .unwrap_or("upload")
            .chars()
            .take(200)
            .collect();
        let content_type = field.content_type().unwrap_or("").to_owned();
        if !ALLOWED_TYPES.contains(&content_type.as_str()) {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "UNSUPPORTED_MEDIA_TYPE",
                format!("file 的类型“{content_type}”不支持：只接受 JPEG、PNG 图片或 PDF"),
            )
            .with_field("file"));
        }
        let bytes = field
            .bytes()
            .await
            .map_err(|e| too_large_or(e.status(), bad("文件读取失败，请重新上传")))?;
        if bytes.len() > MAX_UPLOAD_BYTES {
            return Err(too_large());
        }
        if bytes.is_empty() {
            return Err(bad("file 为空文件"));
        }
        return Ok(NewAttachment {
            filename,
            content_type,
            bytes: bytes.to_vec(),
        });
    }
    Err(bad("缺少文件字段 file"))
}

fn too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "FILE_TOO_LARGE",
        format!("file 超过{}MB，请压缩后上传", MAX_UPLOAD_BYTES >> 20),
    )
    .with_field("file")
}

fn too_large_or(status: StatusCode, other: ApiError) -> ApiError {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        too_large()
    } else {
        other
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct AccountBody {
    /// 户名.
    pub name: String,
    /// 开户行.
    pub bank: String,
    pub number: String,
    /// `corporate` (default, the employer's account) or `personal` (a debit card, Luhn-checked).
    #[serde(default)]
    pub kind: AccountKind,
}

impl AccountBody {
    /// Checks every field by the settlement's account rules (so an account accepted here is
    /// one the payment file can carry), naming the field under `prefix` (`bank_account.`).
    pub(crate) fn validate(self, prefix: &str) -> Result<BankAccount, ApiError> {
        let account = PayeeAccount::parse(&self.name, &self.bank, &self.number, self.kind.payee())
            .map_err(|e| {
                let field = format!("{prefix}{}", e.field());
                let code = match e.field() {
                    "number" => "INVALID_BANK_ACCOUNT",
                    _ => "INVALID_BODY",
                };
                ApiError::bad_request(code, format!("{field}：{}", e.message_zh()), &field)
            })?;
        Ok(BankAccount {
            name: account.name().to_owned(),
            bank: account.bank().to_owned(),
            number: account.number().to_owned(),
        })
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
    params(("id" = String, Path, description = "claim id")), request_body = SubmitBody,
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = ClaimView, description = "the claim after smart review"),
              (status = 400, body = crate::error::ErrorBody, description = "bank account invalid or missing"),
              (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody, description = "INVALID_STATE")))]
pub(crate) async fn submit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<ClaimView>, ApiError> {
    user.require(FILERS)?;
    visible_claim(&state, &user, &id).await?;
    let body: SubmitBody = if body.is_empty() {
        SubmitBody::default()
    } else {
        parse_json(&headers, &body)?
    };
    let account = body
        .bank_account
        .map(|a| a.validate("bank_account."))
        .transpose()?;
    let (actor, role, at) = acting(&user, &state);
    let claim = state
        .store
        .submit_claim(
            &id,
            account,
            &Acting {
                actor: &actor,
                role,
                at,
            },
            &state.params,
            &state.calendar,
        )
        .await?;
    send_sms(&state, &claim).await;
    Ok(Json(claim_view(&state, claim).await?))
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
    params(("id" = String, Path, description = "claim id")), request_body = ReviewBody,
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = ClaimView),
              (status = 400, body = crate::error::ErrorBody, description = "reason_code missing or unknown"),
              (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody, description = "INVALID_STATE, FACTS_INCOMPLETE or NOT_ELIGIBLE")))]
pub(crate) async fn review(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<ClaimView>, ApiError> {
    user.require(REVIEWERS)?;
    visible_claim(&state, &user, &id).await?;
    let body: ReviewBody = parse_json(&headers, &body)?;
    let note = body
        .note
        .map(|n| n.trim().to_owned())
        .filter(|n| !n.is_empty());
    if note.as_ref().is_some_and(|n| n.chars().count() > 500) {
        return Err(ApiError::bad_request(
            "INVALID_BODY",
            "审核意见（note）不超过500个字符",
            "note",
        ));
    }
    let decision = match body.decision {
        Verdict::Approve => {
            if let Some(no) = &body.certificate_no {
                onething_domain::BirthCertificateNo::parse(no.trim()).map_err(|e| {
                    ApiError::bad_request(
                        e.code(),
                        format!("certificate_no：{}", e.message_zh()),
                        "certificate_no",
                    )
                })?;
            }
            ReviewDecision::Approve {
                certificate_no: body.certificate_no.map(|c| c.trim().to_owned()),
                note,
            }
        }
        Verdict::Reject => {
            let code = body.reason_code.as_deref().ok_or_else(|| {
                ApiError::bad_request(
                    "MISSING_FIELD",
                    "不予支付须选择原因（reason_code）",
                    "reason_code",
                )
            })?;
            let reason = RejectionReason::parse(code).ok_or_else(|| {
                let known: Vec<&str> = RejectionReason::ALL.iter().map(|r| r.code()).collect();
                ApiError::bad_request(
                    "INVALID_ENUM",
                    format!("reason_code“{code}”不在原因字典中：{}", known.join("、")),
                    "reason_code",
                )
            })?;
            if reason.needs_note() && note.is_none() {
                return Err(ApiError::bad_request(
                    "MISSING_FIELD",
                    "原因为“其他”时须填写审核意见（note）",
                    "note",
                ));
            }
            ReviewDecision::Reject { reason, note }
        }
    };
    let (actor, role, at) = acting(&user, &state);
    let claim = state
        .store
        .review_claim(
            &id,
            &decision,
            &Acting {
                actor: &actor,
                role,
                at,
            },
            &state.params,
            &state.calendar,
        )
        .await?;
    send_sms(&state, &claim).await;
    Ok(Json(claim_view(&state, claim).await?))
}

//! `POST /api/v1/exchange/{dataset}`: signed department pushes (EX-1..EX-3).
//!
//! The request is authenticated over its raw bytes before anything is parsed: the
//! department is looked up, the timestamp checked, the body read (at most 64 MiB) and its
//! signature verified against the department's keys valid now; only then is the dataset
//! checked against the department's kind and the body split into records. Each record is
//! validated on its own; the valid ones are ingested in one transaction with the push's
//! receipt. A request refused as a whole stores nothing.
//!
//! Replays: a captured request can be sent again only while its timestamp is within 300 s
//! of the server's clock, and within that window its signature is remembered (the
//! `seen_signatures` table), so the copy is refused with 401 `REPLAYED_REQUEST`: a replay
//! cannot make older content current again after a correction. Clients sign every retry
//! afresh. Until a signature verifies, only a few bodies are read at once (503
//! `SERVER_BUSY` beyond), each at most 64 MiB and within 30 s.

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::{OriginalUri, Path, State};
use axum::http::HeaderMap;
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use onething_domain::department::DepartmentKind;
use onething_exchange::batch::{BatchError, BodyFormat, MAX_BODY_BYTES, PushedRecord, parse_batch};
use onething_exchange::signature::{self, SignatureError};
use onething_exchange::{Dataset, FieldCode, FieldError, ValidRecord};
use onething_store::departments::Department;
use onething_store::shared_records::{Push, RecordOutcome};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::metrics::Metrics;
use crate::{ApiError, AppState};

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(super::exchange_results::platform_key))
        .routes(routes!(super::exchange_results::platform_keys))
        .routes(routes!(super::exchange_results::results))
        .routes(routes!(push))
}

/// Why a push is refused as a whole (mapped to HTTP in `error.rs`).
#[derive(Debug, thiserror::Error)]
pub enum PushRefusal {
    #[error("unknown dataset {0:?}")]
    UnknownDataset(String),
    #[error("unknown department {0:?}")]
    UnknownDepartment(String),
    #[error("missing or malformed header {0}")]
    BadHeader(&'static str),
    #[error("no key of department {0} verifies the signature")]
    NoMatchingKey(String),
    #[error(transparent)]
    Signature(#[from] SignatureError),
    #[error("department {dept} of kind {kind:?} may not push {dataset}")]
    DatasetNotAllowed {
        dept: String,
        kind: DepartmentKind,
        dataset: Dataset,
    },
    #[error("unsupported content type {0:?}")]
    UnsupportedMediaType(String),
    #[error("body larger than {MAX_BODY_BYTES} bytes")]
    PayloadTooLarge,
    #[error("body could not be read: {0}")]
    UnreadableBody(String),
    #[error("signature of department {0} already accepted once")]
    Replayed(String),
    #[error("too many unverified requests at once")]
    Busy,
    #[error(transparent)]
    Batch(#[from] BatchError),
    #[error("validation task failed: {0}")]
    Internal(String),
}

/// The JSON body: the records, each an object of the dataset's fields.
#[derive(ToSchema)]
#[expect(
    dead_code,
    reason = "documents the body; onething_exchange::batch parses it"
)]
pub(crate) struct PushBody {
    /// At most 10,000 records.
    #[schema(value_type = Vec<Object>)]
    records: Vec<serde_json::Value>,
}

/// The outcome of a push (contract: "Response `200`").
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct PushResponse {
    /// Records stored: new keys, and corrections of known keys (the old version is kept).
    accepted: usize,
    /// Records identical to the stored current version: nothing changed.
    duplicates: usize,
    /// Records refused, each with every problem found.
    rejected: Vec<RejectedRecord>,
    /// Id of the push's receipt (an addition to the contract), for reconciliation.
    receipt: String,
}

/// One refused record.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct RejectedRecord {
    /// 0-based position in `records`; for NDJSON the 0-based line.
    index: usize,
    /// The record's key as sent (composite keys joined by `|`); null if it has none.
    key: Option<String>,
    errors: Vec<FieldError>,
}

/// Push records of one dataset (department systems).
///
/// Authentication is by signature, not session. Headers:
/// `X-Onething-Dept` (department id), `X-Onething-Timestamp` (Unix seconds, within 300 s of
/// the server's clock), `X-Onething-Signature`: base64 (standard, padded) of the Ed25519
/// signature over the UTF-8 bytes of
/// `ONETHING-V1\n{METHOD}\n{PATH}\n{TIMESTAMP}\n{hex lowercase sha256 of body}`
/// (METHOD `POST`, PATH e.g. `/api/v1/exchange/birth-certificates`, without query; no
/// trailing newline). During a key rotation every key valid at the time of the request is
/// tried.
///
/// Body: `{"records":[…]}` (`application/json`, the default) or one record per line
/// (`application/x-ndjson`; blank lines are skipped but keep the line numbering), at most
/// 10,000 records and 64 MiB. Integer fields may be JSON strings of digits and booleans the
/// strings `"true"`/`"false"` (CSV exports); strings are trimmed; `null` or `""` is an
/// absent field.
///
/// Idempotent: a record identical to the stored one counts as a duplicate and changes
/// nothing; a known key with new content is a correction (new version, history kept). A
/// request whose exact signature was already accepted is refused (401 `REPLAYED_REQUEST`):
/// sign every retry afresh. A key belongs to the department that first pushed it: another
/// department's record of that key is rejected (`NOT_RECORD_OWNER`).
///
/// Record error codes: `MISSING_FIELD`, `UNKNOWN_FIELD`, `INVALID_TYPE`, `OUT_OF_RANGE`,
/// `INVALID_ENUM`, `INVALID_DATE`, `INVALID_TIME`, `INVALID_CITIZEN_ID`, `INVALID_USCC`,
/// `INVALID_REGION_CODE`, `INVALID_CERTIFICATE_NO`, `INVALID_RECORD`. See docs/exchange.md.
#[utoipa::path(post, path = "/exchange/{dataset}", tag = "exchange",
    params(
        ("dataset" = String, Path, description = "`birth-certificates` (health), `employer-wages` (tax), \
            `delivery-records` (hospital), `marriages` (civil_affairs), `employment-status` (hr), \
            `household-registrations` (public_security), `insurance-enrollments` (medical_insurance), \
            `contributions` (medical_insurance, tax)", example = "birth-certificates"),
        ("X-Onething-Dept" = String, Header, description = "the department id given at `onething dept add`"),
        ("X-Onething-Timestamp" = i64, Header, description = "Unix seconds, the value signed; at most 300 s from the server's clock"),
        ("X-Onething-Signature" = String, Header, description = "base64 (standard, padded) Ed25519 signature of the signing string"),
    ),
    request_body(description = "`{\"records\":[…]}` or NDJSON", content(
        (PushBody = "application/json"),
        (String = "application/x-ndjson"),
    )),
    responses(
        (status = 200, body = PushResponse, description = "pushed; every record accepted, duplicate or rejected"),
        (status = 400, body = crate::error::ErrorBody, description = "INVALID_JSON (the body or an NDJSON line is not JSON: line and column named), INVALID_BODY"),
        (status = 401, body = crate::error::ErrorBody, description = "UNKNOWN_DEPARTMENT, BAD_SIGNATURE (missing, malformed or not verifying; also a missing or non-numeric timestamp), STALE_TIMESTAMP, REPLAYED_REQUEST (this exact signature was already accepted: sign again)"),
        (status = 403, body = crate::error::ErrorBody, description = "DATASET_NOT_ALLOWED: the dataset is not one of the department's kind"),
        (status = 404, body = crate::error::ErrorBody, description = "UNKNOWN_DATASET"),
        (status = 413, body = crate::error::ErrorBody, description = "PAYLOAD_TOO_LARGE (over 64 MiB), TOO_MANY_RECORDS (over 10,000)"),
        (status = 415, body = crate::error::ErrorBody, description = "UNSUPPORTED_MEDIA_TYPE: neither application/json nor application/x-ndjson"),
        (status = 503, body = crate::error::ErrorBody, description = "SERVER_BUSY: too many unverified uploads at once; retry after `Retry-After`"),
    ))]
pub(crate) async fn push(
    State(state): State<AppState>,
    Path(dataset): Path<String>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<PushResponse>, ApiError> {
    let answer = receive(&state, dataset, uri.path(), &headers, body).await;
    if answer.is_err() {
        Metrics::add(&state.metrics.pushes_refused, 1);
    }
    answer
}

async fn receive(
    state: &AppState,
    dataset: String,
    path: &str,
    headers: &HeaderMap,
    body: Body,
) -> Result<Json<PushResponse>, ApiError> {
    let dataset =
        Dataset::from_path_segment(&dataset).ok_or(PushRefusal::UnknownDataset(dataset))?;
    let format = body_format(headers)?;
    let now = state.now();
    let Authenticated {
        dept,
        key_id,
        body,
        signature: signature_b64,
    } = authenticate(state, headers, path, body).await?;
    if !dataset.allows(dept.kind) {
        return Err(PushRefusal::DatasetNotAllowed {
            dept: dept.id,
            kind: dept.kind,
            dataset,
        }
        .into());
    }
    let body_sha256 = signature::body_sha256_hex(&body);
    let checked = tokio::task::spawn_blocking(move || check_records(dataset, format, &body))
        .await
        .map_err(|e| PushRefusal::Internal(e.to_string()))??;
    let push = Push {
        dept_id: dept.id.clone(),
        dataset,
        at: now,
        key_id: Some(key_id),
        body_sha256: Some(body_sha256),
        signature: Some(signature_b64),
        received: checked.valid.len() + checked.rejected.len(),
        rejected: checked.rejected.len(),
    };
    let outcome = state.store.ingest(&push, &checked.valid).await?;
    let mut rejected = checked.rejected;
    rejected.extend(not_owned(
        dataset,
        &checked.valid,
        &checked.indexes,
        &outcome.outcomes,
    ));
    rejected.sort_by_key(|r| r.index);
    let metrics = &state.metrics;
    Metrics::add(&metrics.records_accepted, outcome.accepted);
    Metrics::add(&metrics.records_duplicate, outcome.duplicates);
    Metrics::add(&metrics.records_rejected, rejected.len());
    tracing::info!(dept = %dept.id, %dataset, accepted = outcome.accepted,
        duplicates = outcome.duplicates, rejected = rejected.len(), "push ingested");
    crate::automatic::after_push(state, dataset, outcome.accepted);
    Ok(Json(PushResponse {
        accepted: outcome.accepted,
        duplicates: outcome.duplicates,
        rejected,
        receipt: outcome.push_id,
    }))
}

fn body_format(headers: &HeaderMap) -> Result<BodyFormat, PushRefusal> {
    let content_type = headers
        .get(CONTENT_TYPE)
        .map(|v| v.to_str().unwrap_or("(not text)"));
    BodyFormat::from_content_type(content_type)
        .ok_or_else(|| PushRefusal::UnsupportedMediaType(content_type.unwrap_or_default().into()))
}

fn header<'h>(headers: &'h HeaderMap, name: &'static str) -> Result<&'h str, PushRefusal> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .ok_or(PushRefusal::BadHeader(name))
}

async fn department(state: &AppState, headers: &HeaderMap) -> Result<Department, ApiError> {
    let id = header(headers, signature::HEADER_DEPT)
        .map_err(|_| PushRefusal::UnknownDepartment(String::new()))?;
    match state.store.department(id).await? {
        Some(dept) => Ok(dept),
        None => Err(PushRefusal::UnknownDepartment(id.to_owned()).into()),
    }
}

fn timestamp(headers: &HeaderMap) -> Result<i64, PushRefusal> {
    let text = header(headers, signature::HEADER_TIMESTAMP)?;
    text.parse()
        .map_err(|_| PushRefusal::BadHeader(signature::HEADER_TIMESTAMP))
}

/// A request whose signature a key of its department verified.
pub(crate) struct Authenticated {
    pub(crate) dept: Department,
    /// The id of the key that verified.
    pub(crate) key_id: String,
    pub(crate) body: Bytes,
    /// The signature as sent (base64).
    pub(crate) signature: String,
}

/// Authenticates a signed department request over its raw bytes before anything is parsed:
/// the department, the timestamp's freshness, then the signature of `POST {path}`. Shared
/// by pushes and result callbacks.
pub(crate) async fn authenticate(
    state: &AppState,
    headers: &HeaderMap,
    path: &str,
    body: Body,
) -> Result<Authenticated, ApiError> {
    let now = state.now();
    let dept = department(state, headers).await?;
    let timestamp = timestamp(headers)?;
    signature::check_timestamp(timestamp, now.timestamp()).map_err(PushRefusal::from)?;
    let signature_b64 = header(headers, signature::HEADER_SIGNATURE)?.to_owned();
    // Until the signature verifies, anyone who knows a department id can send a body: only
    // a few such bodies are read at once, each at most 64 MiB and within READ_TIMEOUT, so
    // unauthenticated uploads are bounded in memory and time. Over the bound: 503 at once.
    let gate = state
        .unverified
        .clone()
        .try_acquire_owned()
        .map_err(|_| PushRefusal::Busy)?;
    let body = tokio::time::timeout(READ_TIMEOUT, read_body(headers, body))
        .await
        .map_err(|_| PushRefusal::UnreadableBody("timed out".to_owned()))??;
    let signed = Signed {
        path,
        timestamp,
        body: &body,
        signature: &signature_b64,
    };
    let key_id = verify(state, &dept, &signed, now).await?;
    drop(gate);
    // Ed25519 signatures are deterministic: the same signature means the same request.
    let fresh = state
        .store
        .remember_signature(&dept.id, &signature_b64, now, REPLAY_MEMORY)
        .await?;
    if !fresh {
        return Err(PushRefusal::Replayed(dept.id).into());
    }
    Ok(Authenticated {
        dept,
        key_id,
        body,
        signature: signature_b64,
    })
}

/// How long reading an unverified body may take (a slow sender holds a scarce slot).
const READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// How long accepted signatures are remembered: longer than a timestamp stays fresh
/// (300 s either way of the server's clock, so a signature can verify for at most 600 s).
const REPLAY_MEMORY: chrono::TimeDelta = chrono::TimeDelta::minutes(15);

/// Reads at most [`MAX_BODY_BYTES`], refusing early when `Content-Length` says more.
async fn read_body(headers: &HeaderMap, body: Body) -> Result<Bytes, PushRefusal> {
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        return Err(PushRefusal::PayloadTooLarge);
    }
    match Limited::new(body, MAX_BODY_BYTES).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => {
            Err(PushRefusal::PayloadTooLarge)
        }
        Err(e) => Err(PushRefusal::UnreadableBody(e.to_string())),
    }
}

/// What the signature covers.
struct Signed<'a> {
    path: &'a str,
    timestamp: i64,
    body: &'a [u8],
    signature: &'a str,
}

/// Tries every key of the department valid at `now`; the id of the key that verified.
async fn verify(
    state: &AppState,
    dept: &Department,
    signed: &Signed<'_>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<String, ApiError> {
    let keys = state.store.verifying_keys_at(&dept.id, now).await?;
    let mut malformed = None;
    for active in keys {
        let checked = signature::verify(
            &active.key,
            "POST",
            signed.path,
            signed.timestamp,
            signed.body,
            signed.signature,
        );
        match checked {
            Ok(()) => return Ok(active.key_id),
            Err(SignatureError::Malformed) => malformed = Some(SignatureError::Malformed),
            Err(_) => {}
        }
    }
    Err(match malformed {
        Some(e) => PushRefusal::Signature(e),
        None => PushRefusal::NoMatchingKey(dept.id.clone()),
    }
    .into())
}

struct Checked {
    valid: Vec<ValidRecord>,
    /// The position in the request of each valid record.
    indexes: Vec<usize>,
    rejected: Vec<RejectedRecord>,
}

/// The records ingest refused because another department owns their key.
fn not_owned(
    dataset: Dataset,
    valid: &[ValidRecord],
    indexes: &[usize],
    outcomes: &[RecordOutcome],
) -> Vec<RejectedRecord> {
    let field = dataset.key_fields().first().copied().unwrap_or("records");
    outcomes
        .iter()
        .zip(valid.iter().zip(indexes))
        .filter(|(outcome, _)| **outcome == RecordOutcome::NotOwner)
        .map(|(_, (record, index))| RejectedRecord {
            index: *index,
            key: Some(record.key().to_owned()),
            errors: vec![FieldError::new(
                field,
                FieldCode::NotRecordOwner,
                format!(
                    "记录“{}”由其他部门首次推送，只有该部门可以更正；如需移交请联系平台管理员",
                    record.key()
                ),
            )],
        })
        .collect()
}

/// Splits the body and validates every record (CPU work: run off the async threads).
/// Validation (field checks, canonical content, SHA-256) is spread over the machine's cores
/// in contiguous parts, joined in order: a push's records come back in the same order and
/// with the same outcomes as one after another, in a fraction of the time.
fn check_records(
    dataset: Dataset,
    format: BodyFormat,
    body: &[u8],
) -> Result<Checked, PushRefusal> {
    let records = parse_batch(format, body)?;
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let part = records.len().div_ceil(cores).max(MIN_RECORDS_PER_THREAD);
    let parts: Vec<Checked> = std::thread::scope(|scope| {
        let running: Vec<_> = records
            .chunks(part)
            .map(|chunk| scope.spawn(move || check_part(dataset, chunk)))
            .collect();
        running
            .into_iter()
            .map(|t| t.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    let mut checked = Checked {
        valid: Vec::with_capacity(records.len()),
        indexes: Vec::with_capacity(records.len()),
        rejected: Vec::new(),
    };
    for one in parts {
        checked.valid.extend(one.valid);
        checked.indexes.extend(one.indexes);
        checked.rejected.extend(one.rejected);
    }
    Ok(checked)
}

/// Below this many records a thread costs more than it saves.
const MIN_RECORDS_PER_THREAD: usize = 512;

fn check_part(dataset: Dataset, records: &[PushedRecord]) -> Checked {
    let mut checked = Checked {
        valid: Vec::with_capacity(records.len()),
        indexes: Vec::with_capacity(records.len()),
        rejected: Vec::new(),
    };
    for record in records {
        match dataset.validate(&record.value) {
            Ok(valid) => {
                checked.valid.push(valid);
                checked.indexes.push(record.index);
            }
            Err(errors) => checked.rejected.push(RejectedRecord {
                index: record.index,
                key: dataset.key_of(&record.value),
                errors,
            }),
        }
    }
    checked
}

//! `POST /api/v1/exchange/results`: a department reports the result of an item the platform
//! delivered to it (EX-6), signed like a push; `GET /api/v1/exchange/platform-key`: the
//! public key that verifies the platform's own deliveries.

use axum::Json;
use axum::body::Body;
use axum::extract::{OriginalUri, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use onething_domain::case::{Action, ActorRole};
use onething_exchange::signature;
use onething_store::cases::Actor;
use onething_store::outbox::Delivery;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::exchange::authenticate;
use crate::{ApiError, AppState};

/// What the department decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum ResultKind {
    Done,
    Denied,
}

/// The result of one delivered item: by `delivery_id`, or by `case_id` and `item`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ResultBody {
    delivery_id: Option<String>,
    case_id: Option<onething_domain::ids::CaseId>,
    item: Option<String>,
    result: ResultKind,
    /// The electronic certificate (电子证照) the next item can use; with `done`.
    certificate_ref: Option<String>,
    /// The item's result (e.g. the registration's household number), handed to the items
    /// that depend on it; with `done`, an object.
    #[schema(value_type = Object)]
    data: Option<serde_json::Value>,
    /// Required with `denied`.
    reason: Option<String>,
}

/// The item after the result.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct ResultResponse {
    delivery_id: String,
    case_id: String,
    item: String,
    /// The case's version after the change (unchanged for a repeat).
    case_version: i64,
}

/// Report the result of a delivered item (department systems).
///
/// Signed exactly like a push (`X-Onething-Dept`, `X-Onething-Timestamp`,
/// `X-Onething-Signature` over `ONETHING-V1\nPOST\n/api/v1/exchange/results\n…`). Only the
/// department the item was delivered to may report it. `done` completes the item (with
/// `certificate_ref`), `denied` denies it (with `reason`). The idempotency key is the delivery
/// id and the result, so a repeated callback changes nothing.
#[utoipa::path(post, path = "/exchange/results", tag = "exchange",
    request_body = ResultBody,
    responses(
        (status = 200, body = ResultResponse, description = "the item moved (or had already)"),
        (status = 400, body = crate::error::ErrorBody, description = "INVALID_BODY"),
        (status = 401, body = crate::error::ErrorBody, description = "UNKNOWN_DEPARTMENT, BAD_SIGNATURE, STALE_TIMESTAMP"),
        (status = 403, body = crate::error::ErrorBody, description = "NOT_YOUR_DELIVERY"),
        (status = 404, body = crate::error::ErrorBody, description = "no such delivery"),
        (status = 409, body = crate::error::ErrorBody, description = "the item cannot take this result now"),
    ))]
pub(crate) async fn results(
    State(state): State<AppState>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<ResultResponse>, ApiError> {
    let signed = authenticate(&state, &headers, uri.path(), body).await?;
    let report: ResultBody = serde_json::from_slice(&signed.body)
        .map_err(|e| ApiError::bad_request("INVALID_BODY", format!("请求体无效：{e}"), "body"))?;
    let delivery = find_delivery(&state, &report).await?;
    if delivery.dept_id != signed.dept.id {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "NOT_YOUR_DELIVERY",
            "该事项并未投递给本部门",
        ));
    }
    let key = format!("{}:{}", delivery.id, result_text(report.result));
    // A case filed with the newborn bundle's one form goes through its use cases (results
    // handed on, the family told); any other case moves its item by the engine alone.
    let filed = state
        .store
        .newborn_application_of_case(&delivery.case_id)
        .await?;
    if filed.is_some() {
        let record = newborn_result(&state, &signed.dept, &delivery, report, key).await?;
        return Ok(Json(ResultResponse {
            delivery_id: delivery.id,
            case_id: delivery.case_id,
            item: delivery.item,
            case_version: record.version,
        }));
    }
    // 卫健局's family-planning review of a maternity claim: the same use case as its
    // officers' page and API (the review row and the case item, in one transaction).
    if delivery.item == onething_domain::hospital::FAMILY_PLANNING_ITEM {
        let version = family_planning_result(&state, &signed.dept, &delivery, &report, key).await?;
        return Ok(Json(ResultResponse {
            delivery_id: delivery.id,
            case_id: delivery.case_id,
            item: delivery.item,
            case_version: version,
        }));
    }
    let action = action_of(&report)?;
    let actor = Actor {
        name: signed.dept.id.clone(),
        role: ActorRole::Handler,
        idempotency_key: format!("{}:{}", delivery.id, result_text(report.result)),
        at: state.now(),
    };
    let record = state
        .store
        .change_item(
            &delivery.case_id,
            &delivery.item,
            action,
            &actor,
            &state.calendar(),
        )
        .await?;
    Ok(Json(ResultResponse {
        delivery_id: delivery.id,
        case_id: delivery.case_id,
        item: delivery.item,
        case_version: record.version,
    }))
}

/// A newborn item's result goes through the same use cases as the officers' page: the
/// department system acts as its kind's officer, the delivery and result its idempotency key.
async fn newborn_result(
    state: &AppState,
    dept: &onething_store::departments::Department,
    delivery: &Delivery,
    report: ResultBody,
    key: String,
) -> Result<onething_store::cases::CaseRecord, ApiError> {
    use onething_services::cases;
    use onething_services::newborn::{ItemResult, Reason, ReasonInput, ResultInput};
    let actor = super::newborn::dept_actor(state, dept, key);
    let svc = state.services();
    // The delivery row holds an id the platform issued; one that does not parse is unknown.
    let case_id = &onething_domain::ids::CaseId::parse(&delivery.case_id)
        .map_err(|_| ApiError::not_found())?;
    let item = &delivery.item;
    let record = match report.result {
        ResultKind::Done => {
            let result = ItemResult::try_from(ResultInput {
                certificate_ref: report.certificate_ref,
                data: report.data,
            })?;
            cases::complete_item(&svc, &actor, case_id, item, result).await?
        }
        ResultKind::Denied => {
            let reason = Reason::try_from(ReasonInput {
                reason: report.reason,
            })?;
            cases::deny_item(&svc, &actor, case_id, item, reason).await?
        }
    };
    Ok(record)
}

/// The health department system's review result, as its officer's decision (a denial
/// needs its `reason`, kept as the review's note); answers the case's version after it.
async fn family_planning_result(
    state: &AppState,
    dept: &onething_store::departments::Department,
    delivery: &Delivery,
    report: &ResultBody,
    key: String,
) -> Result<i64, ApiError> {
    use onething_services::hospital::{FamilyPlanningDecision, family_planning_result};
    let note = match action_of(report)? {
        Action::Deny { reason } => Some(reason),
        _ => report
            .data
            .as_ref()
            .and_then(|d| d.get("note"))
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned),
    };
    let cmd = FamilyPlanningDecision {
        confirmed: report.result == ResultKind::Done,
        note,
    };
    let actor = super::newborn::dept_actor(state, dept, key);
    family_planning_result(&state.services(), &actor, &delivery.case_id, cmd).await?;
    Ok(state.store.load_case(&delivery.case_id).await?.version)
}

fn result_text(kind: ResultKind) -> &'static str {
    match kind {
        ResultKind::Done => "done",
        ResultKind::Denied => "denied",
    }
}

async fn find_delivery(state: &AppState, report: &ResultBody) -> Result<Delivery, ApiError> {
    let found = match (&report.delivery_id, &report.case_id, &report.item) {
        (Some(id), _, _) => state.store.delivery(id).await?,
        (None, Some(case_id), Some(item)) => {
            state
                .store
                .delivery_for_item(case_id.as_str(), item)
                .await?
        }
        _ => {
            return Err(ApiError::bad_request(
                "INVALID_BODY",
                "须提供 delivery_id，或同时提供 case_id 与 item",
                "delivery_id",
            ));
        }
    };
    found.ok_or_else(ApiError::not_found)
}

fn action_of(report: &ResultBody) -> Result<Action, ApiError> {
    match report.result {
        ResultKind::Done => Ok(Action::Complete {
            certificate_ref: report.certificate_ref.clone(),
        }),
        ResultKind::Denied => match report.reason.as_deref().map(str::trim) {
            Some(reason) if !reason.is_empty() => Ok(Action::Deny {
                reason: reason.to_owned(),
            }),
            _ => Err(ApiError::bad_request(
                "INVALID_BODY",
                "结果为 denied 时须说明理由（reason）",
                "reason",
            )),
        },
    }
}

/// The platform's public key (SPKI PEM) that verifies its deliveries to departments.
///
/// Deliveries carry `X-Onething-Dept: platform` and are signed with the push signing
/// string over the webhook URL's path.
#[utoipa::path(get, path = "/exchange/platform-key", tag = "exchange",
    responses((status = 200, body = String, content_type = "application/x-pem-file",
        description = "SPKI PEM of the platform's Ed25519 key")))]
pub(crate) async fn platform_key(
    State(state): State<AppState>,
) -> Result<impl IntoResponse, ApiError> {
    let key = state.platform.signing_key().verifying_key();
    let pem = signature::verifying_key_to_pem(&key)
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL", e.to_string()))?;
    Ok(([(header::CONTENT_TYPE, "application/x-pem-file")], pem))
}

/// Every public key of the platform a delivery may be signed with: the current one, and
/// during a rotation the retired ones (a receiver accepts a signature by any of them).
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct PlatformKeysView {
    keys: Vec<PlatformKeyView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct PlatformKeyView {
    /// The first 16 hex digits of the SHA-256 of the raw public key.
    key_id: String,
    /// SPKI PEM.
    public_key_pem: String,
    /// True for the key that signs new deliveries.
    current: bool,
}

/// The platform's public keys (current first), for receivers that follow key rotation.
#[utoipa::path(get, path = "/exchange/platform-keys", tag = "exchange",
    responses((status = 200, body = PlatformKeysView)))]
pub(crate) async fn platform_keys(State(state): State<AppState>) -> Json<PlatformKeysView> {
    let keys = state
        .platform
        .published()
        .into_iter()
        .map(|k| PlatformKeyView {
            key_id: k.key_id,
            public_key_pem: k.public_key_pem,
            current: k.current,
        })
        .collect();
    Json(PlatformKeysView { keys })
}

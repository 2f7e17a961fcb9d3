//! `GET /api/v1/audit`: the audit log for administrators (all of it) and supervisors (entries
//! about the cases of their region). Filters naming a citizen id go in a POST body
//! (`…/search`), never in a URL.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{FromRequestParts, State};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use chrono::{DateTime, Utc};
use onething_domain::CitizenId;
use onething_domain::access::Role;
use onething_domain::access::Scope;
use onething_domain::access::policy::{
    AccessDenied, CaseFacts, MAY_READ_AUDIT, MAY_READ_DATA_USE, can_see_audit_entry,
    can_see_data_use,
};
use onething_store::audit::{AuditEntry, AuditFilter};
use onething_store::shared_data::DATA_READ;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::CurrentUser;
use crate::auth::json::parse_json;
use crate::extract::ApiQuery;
use crate::{ApiError, AppState};

const DEFAULT_LIMIT: u32 = 100;
const MAX_LIMIT: u32 = 1000;

#[derive(OpenApi)]
#[openapi(tags((name = "audit", description = "the append-only audit log: sign-ins, reveals of personal data, account changes")))]
struct AuditDoc;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(AuditDoc::openapi())
        .routes(routes!(list_audit))
        .routes(routes!(search_audit))
        .routes(routes!(list_data_use))
        .routes(routes!(search_data_use))
}

#[derive(Debug, Deserialize, IntoParams, ToSchema)]
#[into_params(parameter_in = Query)]
pub(crate) struct AuditQuery {
    /// `TYPE:ID` (e.g. `case:3f2a…`, `user:clerk01`), or an id of any type.
    subject: Option<String>,
    /// The username that acted.
    actor: Option<String>,
    /// e.g. `reveal_applicant_id`, `sign_in`, `sign_in_failed`, `sign_out`, `user_added`.
    action: Option<String>,
    case_id: Option<String>,
    /// Entries older than this id (the `next_before` of the previous page).
    before: Option<i64>,
    /// At most this many entries are read (default 100, at most 1000).
    #[param(minimum = 1, maximum = 1000)]
    #[schema(minimum = 1, maximum = 1000)]
    limit: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct AuditEntryView {
    id: i64,
    at: DateTime<Utc>,
    actor: String,
    role: Option<Role>,
    action: String,
    subject_type: String,
    subject_id: String,
    case_id: Option<String>,
    detail: serde_json::Value,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct AuditPage {
    /// Newest first. For a supervisor, entries outside its region are left out, so a page
    /// may hold fewer than `limit`.
    entries: Vec<AuditEntryView>,
    /// Pass as `before` for the next page; null when this was the last.
    next_before: Option<i64>,
}

/// Audit entries, newest first, filtered by subject, actor, action or case.
#[utoipa::path(get, path = "/audit", tag = "audit", params(AuditQuery),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = AuditPage),
              (status = 400, body = crate::error::ErrorBody, description = "bad query parameter"),
              (status = 401, body = crate::error::ErrorBody, description = "UNAUTHENTICATED"),
              (status = 403, body = crate::error::ErrorBody, description = "FORBIDDEN: administrators and supervisors only")))]
pub(crate) async fn list_audit(
    State(state): State<AppState>,
    user: CurrentUser,
    mut parts: Parts,
) -> Result<Json<AuditPage>, ApiError> {
    user.require(MAY_READ_AUDIT)?;
    let ApiQuery(query) = ApiQuery::<AuditQuery>::from_request_parts(&mut parts, &state).await?;
    refuse_id_in_url(query.subject.as_deref(), "subject")?;
    audit_page(&state, &user, query).await
}

/// The same as `GET /audit`, the filters in a JSON body: for a subject that is a citizen id,
/// which must not travel in a URL (proxies and access logs keep URLs).
#[utoipa::path(post, path = "/audit/search", tag = "audit", request_body = AuditQuery,
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = AuditPage),
              (status = 400, body = crate::error::ErrorBody, description = "bad body"),
              (status = 401, body = crate::error::ErrorBody, description = "UNAUTHENTICATED"),
              (status = 403, body = crate::error::ErrorBody, description = "FORBIDDEN: administrators and supervisors only; CSRF_FAILED")))]
pub(crate) async fn search_audit(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<AuditPage>, ApiError> {
    user.require(MAY_READ_AUDIT)?;
    let query: AuditQuery = parse_json(&headers, &body)?;
    audit_page(&state, &user, query).await
}

async fn audit_page(
    state: &AppState,
    user: &CurrentUser,
    query: AuditQuery,
) -> Result<Json<AuditPage>, ApiError> {
    let filter = filter_of(query)?;
    let entries = state.store.list_audit(&filter).await?;
    let next_before = (entries.len() == filter.limit as usize)
        .then(|| entries.last().map(|e| e.id))
        .flatten();
    let visible = visible_entries(state, user, entries, can_see_audit_entry).await?;
    Ok(Json(AuditPage {
        entries: visible.into_iter().map(view).collect(),
        next_before,
    }))
}

fn filter_of(query: AuditQuery) -> Result<AuditFilter, ApiError> {
    let (subject_type, subject_id) = match query.subject {
        Some(subject) => match subject.split_once(':') {
            Some((kind, id)) => (Some(kind.to_owned()), Some(id.to_owned())),
            None => (None, Some(subject)),
        },
        None => (None, None),
    };
    Ok(AuditFilter {
        subject_type,
        subject_id,
        actor: query.actor,
        action: query.action,
        case_id: query.case_id,
        before_id: query.before,
        limit: crate::extract::bounded(query.limit, DEFAULT_LIMIT, 1..=MAX_LIMIT, "limit")?,
    })
}

/// The entries the policy lets the user see (supervisors: those about their region's cases).
/// The audit page uses it too, so the rule lives in one place.
pub(crate) async fn visible_entries(
    state: &AppState,
    user: &CurrentUser,
    entries: Vec<AuditEntry>,
    may_see: fn(&Scope, Option<&CaseFacts<'_>>) -> Result<(), AccessDenied>,
) -> Result<Vec<AuditEntry>, ApiError> {
    let mut ids: Vec<String> = entries
        .iter()
        .filter_map(|e| e.entry.case_id.clone())
        .collect();
    ids.sort();
    ids.dedup();
    let cases = state.store.case_summaries(&ids).await?;
    Ok(entries
        .into_iter()
        .filter(|e| {
            let case = e
                .entry
                .case_id
                .as_ref()
                .and_then(|id| cases.iter().find(|c| &c.id == id));
            may_see(user.scope(), case.map(|c| c.facts()).as_ref()).is_ok()
        })
        .collect())
}

#[derive(Debug, Deserialize, IntoParams, ToSchema)]
#[into_params(parameter_in = Query)]
pub(crate) struct DataUseQuery {
    /// The case the records were read for.
    case_id: Option<String>,
    /// The citizen id (or employer USCC) the records are about.
    person: Option<String>,
    /// Entries older than this id (the `next_before` of the previous page).
    before: Option<i64>,
    /// At most this many entries are read (default 100, at most 1000).
    #[param(minimum = 1, maximum = 1000)]
    #[schema(minimum = 1, maximum = 1000)]
    limit: Option<u32>,
}

/// Data-use audit (EX-4): who read which shared records, for which case and why, newest
/// first: one entry per read of one dataset about one subject. `detail` holds `dataset`,
/// `purpose` and `records`, a list of `{record_key, version}`.
#[utoipa::path(get, path = "/audit/data-use", tag = "audit", params(DataUseQuery),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = AuditPage),
              (status = 400, body = crate::error::ErrorBody, description = "bad query parameter"),
              (status = 401, body = crate::error::ErrorBody, description = "UNAUTHENTICATED"),
              (status = 403, body = crate::error::ErrorBody, description = "FORBIDDEN: administrators, supervisors and department officers only")))]
pub(crate) async fn list_data_use(
    State(state): State<AppState>,
    user: CurrentUser,
    mut parts: Parts,
) -> Result<Json<AuditPage>, ApiError> {
    user.require(MAY_READ_DATA_USE)?;
    let ApiQuery(query) = ApiQuery::<DataUseQuery>::from_request_parts(&mut parts, &state).await?;
    refuse_id_in_url(query.person.as_deref(), "person")?;
    data_use_page(&state, &user, query).await
}

/// The same as `GET /audit/data-use`, the filters in a JSON body: the way to ask about one
/// person, whose citizen id must not travel in a URL.
#[utoipa::path(post, path = "/audit/data-use/search", tag = "audit", request_body = DataUseQuery,
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = AuditPage),
              (status = 400, body = crate::error::ErrorBody, description = "bad body"),
              (status = 401, body = crate::error::ErrorBody, description = "UNAUTHENTICATED"),
              (status = 403, body = crate::error::ErrorBody, description = "FORBIDDEN: administrators, supervisors and department officers only; CSRF_FAILED")))]
pub(crate) async fn search_data_use(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<AuditPage>, ApiError> {
    user.require(MAY_READ_DATA_USE)?;
    let query: DataUseQuery = parse_json(&headers, &body)?;
    data_use_page(&state, &user, query).await
}

async fn data_use_page(
    state: &AppState,
    user: &CurrentUser,
    query: DataUseQuery,
) -> Result<Json<AuditPage>, ApiError> {
    let filter = AuditFilter {
        subject_type: None,
        subject_id: query.person,
        actor: None,
        action: Some(DATA_READ.to_owned()),
        case_id: query.case_id,
        before_id: query.before,
        limit: crate::extract::bounded(query.limit, DEFAULT_LIMIT, 1..=MAX_LIMIT, "limit")?,
    };
    let entries = state.store.list_audit(&filter).await?;
    let next_before = (entries.len() == filter.limit as usize)
        .then(|| entries.last().map(|e| e.id))
        .flatten();
    let visible = visible_entries(state, user, entries, can_see_data_use).await?;
    Ok(Json(AuditPage {
        entries: visible.into_iter().map(view).collect(),
        next_before,
    }))
}

/// Full citizen ids never travel in a URL (proxies and access logs keep URLs): a GET whose
/// filter holds one is refused, pointing to the POST form of the same query.
fn refuse_id_in_url(value: Option<&str>, field: &str) -> Result<(), ApiError> {
    let holds_id = value.is_some_and(|text| {
        text.split(|c: char| !c.is_ascii_alphanumeric())
            .any(|part| CitizenId::parse(part).is_ok())
    });
    if holds_id {
        return Err(ApiError::bad_request(
            "ID_IN_QUERY_STRING",
            format!(
                "查询参数 {field} 含完整公民身份号码：请改用 POST …/search，在请求体中提交查询条件"
            ),
            field,
        ));
    }
    Ok(())
}

fn view(entry: AuditEntry) -> AuditEntryView {
    let AuditEntry { id, entry } = entry;
    AuditEntryView {
        id,
        at: entry.at,
        actor: entry.actor,
        role: entry.role,
        action: entry.action,
        subject_type: entry.subject_type,
        subject_id: entry.subject_id,
        case_id: entry.case_id,
        detail: entry.detail,
    }
}

//! Read access to cases, through the authorization policy: `GET /api/v1/cases` (the cases the
//! user's scope reaches), `GET /api/v1/cases/{id}` (404 outside the scope),
//! `POST /api/v1/cases/{id}/reveal` (the applicant's full id, audited) and `GET /api/v1/due`
//! (near-due and overdue items for supervisors). Person ids are always masked except in the
//! audited reveal.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{FromRequestParts, State};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use chrono::{DateTime, NaiveDate, Utc};
use onething_domain::RegionCode;
use onething_domain::access::policy::{MAY_REVEAL, can_see_case};
use onething_domain::access::{Applicant, MaskedApplicant, Role};
use onething_domain::case::{
    CaseStatus, DueStatus, ItemSnapshot, ItemState, MissingMaterial, due_status,
};
use onething_domain::china_time::date_in_china;
use onething_domain::department::DepartmentKind;
use onething_domain::ids::CaseId;
use onething_store::accounts::scoped_cases::{CaseItemRow, CaseSummary, Page};
use onething_store::accounts::scoped_due::{DueCursor, DueQuery as StoreDueQuery};
use onething_store::audit::NewAuditEntry;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::CurrentUser;
use crate::auth::json::parse_json;
use crate::extract::{ApiPath, ApiQuery, bounded};
use crate::{ApiError, AppState};

/// Every role may list and read cases; each sees only its scope.
const READ_ROLES: &[Role] = &Role::ALL;
/// The due-date watch is the supervisors' (and administrators') tool.
const DEFAULT_DUE_WITHIN: u32 = 3;
const MAX_DUE_WITHIN: u32 = 60;
const DEFAULT_DUE_LIMIT: u32 = 100;
const MAX_DUE_LIMIT: u32 = 500;

#[derive(OpenApi)]
#[openapi(tags((name = "cases", description = "cases (办件) the signed-in user may see; ids masked, reveals audited")))]
struct CasesDoc;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(CasesDoc::openapi())
        .routes(routes!(list_cases))
        .routes(routes!(get_case))
        .routes(routes!(reveal_applicant))
        .routes(routes!(due))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ListQuery {
    /// At most this many cases (default 50).
    #[param(minimum = 1, maximum = 200)]
    limit: Option<u32>,
    /// Skip this many (newest first).
    #[param(minimum = 0, maximum = 1000000)]
    offset: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ItemBrief {
    item: String,
    department: DepartmentKind,
    state: ItemState,
    state_label: String,
    /// The applicant-facing progress: 未办结 / 已办结.
    progress: String,
    due_on: Option<NaiveDate>,
    /// `due_on` is a forecast over a year without a published holiday notice (shown "预计").
    due_on_provisional: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct CaseListItem {
    id: String,
    bundle: String,
    applicant: MaskedApplicant,
    region: Option<RegionCode>,
    status: CaseStatus,
    status_label: String,
    opened_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    due_on: Option<NaiveDate>,
    /// `due_on` is a forecast over a year without a published holiday notice (shown "预计").
    due_on_provisional: bool,
    items: Vec<ItemBrief>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct CaseList {
    cases: Vec<CaseListItem>,
    limit: u32,
    offset: u32,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ItemDetail {
    item: String,
    /// The catalogue name of the item (of the version the case was opened under).
    name: Option<String>,
    department: Option<DepartmentKind>,
    department_label: Option<String>,
    state: ItemState,
    state_label: String,
    progress: String,
    limit_working_days: Option<u32>,
    depends_on: Vec<String>,
    accepted_on: Option<NaiveDate>,
    started_on: Option<NaiveDate>,
    finished_on: Option<NaiveDate>,
    due_on: Option<NaiveDate>,
    /// `due_on` is a forecast over a year without a published holiday notice (shown "预计").
    due_on_provisional: bool,
    /// Against today, with a near-due window of 3 working days; absent if the calendar
    /// cannot tell (an unpublished year).
    due_status: Option<DueStatus>,
    due_label: Option<String>,
    missing: Vec<MissingMaterial>,
    reason: Option<String>,
    /// The electronic certificate (电子证照) a finished item produced.
    certificate_ref: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct CaseDetail {
    id: String,
    bundle: String,
    catalog_version: i64,
    version: i64,
    applicant: MaskedApplicant,
    region: Option<RegionCode>,
    status: CaseStatus,
    status_label: String,
    opened_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    due_on: Option<NaiveDate>,
    /// `due_on` is a forecast over a year without a published holiday notice (shown "预计").
    due_on_provisional: bool,
    items: Vec<ItemDetail>,
}

/// The cases the signed-in user may see, newest first: a person her own, an employer its
/// own, a department officer those with an item of its kind, clerks and supervisors those of
/// their region, administrators all.
#[utoipa::path(get, path = "/cases", tag = "cases", params(ListQuery),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = CaseList),
              (status = 400, body = crate::error::ErrorBody, description = "bad query parameter"),
              (status = 401, body = crate::error::ErrorBody, description = "UNAUTHENTICATED")))]
pub(crate) async fn list_cases(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Json<CaseList>, ApiError> {
    user.require(READ_ROLES)?;
    let page = Page {
        limit: bounded(query.limit, 50, 1..=200, "limit")?,
        offset: bounded(query.offset, 0, 0..=1_000_000, "offset")?,
    };
    let cases = visible_cases(&state, &user, page)
        .await?
        .iter()
        .map(list_item)
        .collect();
    Ok(Json(CaseList {
        cases,
        limit: page.limit,
        offset: page.offset,
    }))
}

fn list_item(case: &CaseSummary) -> CaseListItem {
    CaseListItem {
        id: case.id.clone(),
        bundle: case.bundle.clone(),
        applicant: Applicant::parse(&case.applicant).masked(),
        region: case.region,
        status: case.status,
        status_label: case.status.label_zh().to_owned(),
        opened_at: case.opened_at,
        updated_at: case.updated_at,
        due_on: case.due_on,
        due_on_provisional: case.due_on_provisional(),
        items: case.items.iter().map(item_brief).collect(),
    }
}

fn item_brief(item: &CaseItemRow) -> ItemBrief {
    ItemBrief {
        item: item.item.clone(),
        department: item.department,
        state: item.state,
        state_label: item.state.label_zh().to_owned(),
        progress: item.state.progress_zh().to_owned(),
        due_on: item.due_on,
        due_on_provisional: item.due_on_provisional,
    }
}

/// A page of the cases the user may see. The query already narrows by scope; the policy
/// has the last word. The pages use it too, so the rule lives in one place.
pub(crate) async fn visible_cases(
    state: &AppState,
    user: &CurrentUser,
    page: Page,
) -> Result<Vec<CaseSummary>, ApiError> {
    let cases = state.store.cases_in_scope(user.scope(), page).await?;
    Ok(cases
        .into_iter()
        .filter(|c| can_see_case(user.scope(), &c.facts()).is_ok())
        .collect())
}

/// The case, if the user's scope reaches it; 404 otherwise (as if it did not exist).
pub(crate) async fn visible_case(
    state: &AppState,
    user: &CurrentUser,
    id: &CaseId,
) -> Result<CaseSummary, ApiError> {
    let summary = state.store.case_summary(id.as_str()).await?;
    can_see_case(user.scope(), &summary.facts())?;
    Ok(summary)
}

/// One case with its items, states, due dates and progress labels.
#[utoipa::path(get, path = "/cases/{id}", tag = "cases",
    params(("id" = CaseId, Path, description = "case id")),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 400, body = crate::error::ErrorBody, description = "INVALID_ID: the path's id cannot be one the platform issues"),
              (status = 200, body = CaseDetail),
              (status = 401, body = crate::error::ErrorBody, description = "UNAUTHENTICATED"),
              (status = 404, body = crate::error::ErrorBody, description = "no such case, or not in the user's scope")))]
pub(crate) async fn get_case(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<CaseId>,
) -> Result<Json<CaseDetail>, ApiError> {
    user.require(READ_ROLES)?;
    let summary = visible_case(&state, &user, &id).await?;
    let record = state.store.load_case(id.as_str()).await?;
    let catalog = state
        .store
        .catalog_version(record.state.catalog_version)
        .await?;
    let today = date_in_china(state.now());
    let items = record
        .state
        .items
        .iter()
        .map(|(code, snapshot)| {
            let department = summary
                .items
                .iter()
                .find(|row| row.item == *code)
                .map(|row| row.department);
            let entry = catalog.catalog.item(code);
            let department = department.or(entry.map(|e| e.department));
            item_detail(
                &state,
                entry.map(|e| e.name.clone()),
                department,
                code,
                snapshot,
                today,
            )
        })
        .collect();
    Ok(Json(CaseDetail {
        id: summary.id,
        bundle: summary.bundle,
        catalog_version: record.state.catalog_version,
        version: record.version,
        applicant: Applicant::parse(&summary.applicant).masked(),
        region: summary.region,
        status: summary.status,
        status_label: summary.status.label_zh().to_owned(),
        opened_at: summary.opened_at,
        updated_at: summary.updated_at,
        due_on: record.state.due_on(),
        due_on_provisional: record.state.due_on_provisional(),
        items,
    }))
}

fn item_detail(
    state: &AppState,
    name: Option<String>,
    department: Option<DepartmentKind>,
    code: &str,
    item: &ItemSnapshot,
    today: NaiveDate,
) -> ItemDetail {
    // The due label is a convenience: a calendar without next year's notice must not make
    // the case unreadable, so the status is then left out.
    let due = due_status(item, today, DEFAULT_DUE_WITHIN, &state.calendar()).ok();
    ItemDetail {
        item: code.to_owned(),
        name,
        department,
        department_label: department.map(|d| d.label_zh().to_owned()),
        state: item.state,
        state_label: item.state.label_zh().to_owned(),
        progress: item.state.progress_zh().to_owned(),
        limit_working_days: item.limit_working_days,
        depends_on: item.depends_on.clone(),
        accepted_on: item.accepted_on,
        started_on: item.started_on,
        finished_on: item.finished_on,
        due_on: item.due_on,
        due_on_provisional: item.due_on_provisional,
        due_status: due,
        due_label: due.map(|d| d.label_zh().to_owned()),
        missing: item.missing.clone(),
        reason: item.reason.clone(),
        certificate_ref: item.certificate_ref.clone(),
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct RevealRequest {
    /// Why the full id is needed (2–500 characters); kept in the audit log.
    #[schema(min_length = 2, max_length = 500)]
    reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct RevealResponse {
    case_id: String,
    /// `person`, `employer` or `other`.
    applicant_kind: String,
    /// The full, unmasked identifier.
    applicant_id: String,
    /// The audit entry recording this reveal.
    audit_id: i64,
    revealed_at: DateTime<Utc>,
}

/// The applicant's full id, for window clerks and supervisors within their region. Every
/// reveal is written to the audit log (who, when, which case, why) before the id is sent.
#[utoipa::path(post, path = "/cases/{id}/reveal", tag = "cases",
    params(("id" = CaseId, Path, description = "case id")),
    request_body = RevealRequest,
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = RevealResponse),
              (status = 400, body = crate::error::ErrorBody, description = "missing or bad `reason`"),
              (status = 401, body = crate::error::ErrorBody, description = "UNAUTHENTICATED"),
              (status = 403, body = crate::error::ErrorBody, description = "FORBIDDEN (role) or CSRF_FAILED"),
              (status = 404, body = crate::error::ErrorBody, description = "no such case, or not in the user's scope")))]
pub(crate) async fn reveal_applicant(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<CaseId>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<RevealResponse>, ApiError> {
    user.require(MAY_REVEAL)?;
    let request: RevealRequest = parse_json(&headers, &body)?;
    let reason = checked_reason(&request.reason)?;
    let summary = visible_case(&state, &user, &id).await?;
    let applicant = Applicant::parse(&summary.applicant);
    let now = state.now();
    let entry = NewAuditEntry {
        at: now,
        actor: user.username().to_owned(),
        role: Some(user.role()),
        action: "reveal_applicant_id".to_owned(),
        subject_type: "case".to_owned(),
        subject_id: summary.id.clone(),
        case_id: Some(summary.id.clone()),
        detail: serde_json::json!({ "field": "applicant", "reason": reason }),
    };
    let audit_id = state.store.append_audit(&entry).await?;
    Ok(Json(RevealResponse {
        case_id: summary.id,
        applicant_kind: applicant.masked().kind.to_owned(),
        applicant_id: applicant.full_id(),
        audit_id,
        revealed_at: now,
    }))
}

fn checked_reason(reason: &str) -> Result<String, ApiError> {
    let reason = reason.trim();
    let chars = reason.chars().count();
    if chars < 2 {
        return Err(ApiError::bad_request(
            "MISSING_FIELD",
            "请填写查看完整证件号码的事由（reason），至少2个字",
            "reason",
        ));
    }
    if chars > 500 {
        return Err(ApiError::bad_request(
            "OUT_OF_RANGE",
            format!("事由（reason）不能超过500个字，实为{chars}个"),
            "reason",
        ));
    }
    Ok(reason.to_owned())
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct DueQuery {
    /// Near-due window in working days (default 3, at most 60).
    #[param(minimum = 0, maximum = 60)]
    within: Option<u32>,
    /// At most this many items (default 100, at most 500).
    #[param(minimum = 1, maximum = 500)]
    limit: Option<u32>,
    /// Continue after this item: the `next_after` of the previous page.
    #[param(min_length = 1)]
    after: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct DueView {
    case_id: String,
    bundle: String,
    item: String,
    department: DepartmentKind,
    state: ItemState,
    due_on: NaiveDate,
    /// `due_on` is a forecast over a year without a published holiday notice (shown "预计").
    due_on_provisional: bool,
    overdue: bool,
    region: Option<RegionCode>,
    applicant: MaskedApplicant,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct DueList {
    today: NaiveDate,
    until: NaiveDate,
    /// Overdue first, then by due date (then case and item).
    items: Vec<DueView>,
    /// Pass as `after` for the next page; null on the last page.
    next_after: Option<String>,
}

/// Open items overdue or due within `within` working days, in the supervisor's region
/// (administrators: everywhere).
#[utoipa::path(get, path = "/due", tag = "cases", params(DueQuery),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = DueList),
              (status = 400, body = crate::error::ErrorBody, description = "bad `within`, `limit` or `after`"),
              (status = 401, body = crate::error::ErrorBody, description = "UNAUTHENTICATED"),
              (status = 403, body = crate::error::ErrorBody, description = "FORBIDDEN: supervisors and administrators only"),
              (status = 503, body = crate::error::ErrorBody, description = "the calendar lacks a year")))]
pub(crate) async fn due(
    State(state): State<AppState>,
    user: CurrentUser,
    mut parts: Parts,
) -> Result<Json<DueList>, ApiError> {
    user.permit(&state, onething_domain::access::UseCase::ViewDue)?;
    let ApiQuery(query) = ApiQuery::<DueQuery>::from_request_parts(&mut parts, &state).await?;
    let within = query.within.unwrap_or(DEFAULT_DUE_WITHIN);
    if within > MAX_DUE_WITHIN {
        return Err(ApiError::bad_request(
            "OUT_OF_RANGE",
            format!("查询参数 within 不能超过{MAX_DUE_WITHIN}个工作日，实为{within}"),
            "within",
        ));
    }
    let today = date_in_china(state.now());
    // The window's end may be forecast across a year without a notice (a list's reach,
    // not a deadline), so the list still answers late in December.
    let until = state
        .calendar()
        .add_working_days_provisional(today, within)?
        .date;
    let limit = query.limit.unwrap_or(DEFAULT_DUE_LIMIT);
    if limit == 0 || limit > MAX_DUE_LIMIT {
        return Err(ApiError::bad_request(
            "OUT_OF_RANGE",
            format!("查询参数 limit 应在1到{MAX_DUE_LIMIT}之间，实为{limit}"),
            "limit",
        ));
    }
    let after = match query.after.as_deref() {
        None => None,
        Some(text) => Some(DueCursor::decode(text).ok_or_else(|| {
            ApiError::bad_request(
                "INVALID_CURSOR",
                "查询参数 after 无效：请使用上一页的 next_after",
                "after",
            )
        })?),
    };
    let page = state
        .store
        .due_in_scope(&StoreDueQuery {
            scope: user.scope(),
            today,
            until,
            department: None,
            after,
            limit,
        })
        .await?;
    let items: Vec<DueView> = page
        .items
        .into_iter()
        .filter_map(|(d, case)| {
            can_see_case(user.scope(), &case.facts()).ok()?;
            Some(DueView {
                applicant: Applicant::parse(&case.applicant).masked(),
                region: case.region,
                case_id: d.case_id,
                bundle: d.bundle,
                item: d.item,
                department: d.department,
                state: d.state,
                due_on: d.due_on,
                due_on_provisional: d.due_on_provisional,
                overdue: d.overdue,
            })
        })
        .collect();
    Ok(Json(DueList {
        today,
        until,
        items,
        next_after: page.next.map(|c| c.encode()),
    }))
}

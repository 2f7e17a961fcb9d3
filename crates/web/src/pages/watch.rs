//! Deadline lists: `/due` (supervisors and administrators: overdue and near-due items of
//! their region, overdue first, filtered by department) and `/dept/items` (a department
//! officer: the open items routed to its department kind, soonest deadline first).

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use chrono::{Duration, NaiveDate};
use onething_domain::access::policy::can_see_case;
use onething_domain::access::{Applicant, Role, Scope};
use onething_domain::china_time::date_in_china;
use onething_domain::department::DepartmentKind;
use onething_domain::ids::CaseId;
use onething_store::accounts::scoped_cases::CaseSummary;
use onething_store::accounts::scoped_due::{DueCursor, DueQuery as StoreDueQuery};
use onething_store::cases::DueItem;
use serde::Deserialize;

use super::chrome::{Chrome, Signed};
use super::{PageError, day, due_day, ok};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::extract::PagePath;

/// The near-due window. Across a year without a notice it is forecast like the due dates
/// (a list's reach, not a deadline): late in December the lists must still answer.
const NEAR_DUE_WORKING_DAYS: u32 = 3;
/// The officer's list reaches this far ahead (calendar days): every open item with a deadline.
const DEPT_HORIZON_DAYS: i64 = 400;

struct DueRow {
    case_id: String,
    item_code: String,
    item: String,
    department: &'static str,
    state: &'static str,
    due: String,
    overdue: bool,
    near: bool,
    applicant: String,
}

struct DeptOption {
    value: &'static str,
    label: &'static str,
    selected: bool,
}

#[derive(Template)]
#[template(path = "due.html")]
struct DuePage {
    chrome: Chrome,
    today: String,
    until: String,
    departments: Vec<DeptOption>,
    rows: Vec<DueRow>,
    /// Over the whole scope, not just this page.
    overdue: i64,
    /// The next page, if any.
    next: Option<String>,
    /// Supervisors urge (催办) open items from the list.
    may_urge: bool,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct DueQuery {
    dept: Option<String>,
    /// The next page starts after this item (`DueCursor::encode`).
    after: Option<String>,
}

/// Rows per page of the deadline lists.
const PAGE_ROWS: u32 = 200;

fn due_query<'a>(
    user: &'a CurrentUser,
    today: NaiveDate,
    until: NaiveDate,
    department: Option<DepartmentKind>,
    after: Option<&str>,
) -> StoreDueQuery<'a> {
    StoreDueQuery {
        scope: user.scope(),
        today,
        until,
        department,
        after: after.and_then(DueCursor::decode),
        limit: PAGE_ROWS,
    }
}

/// The link to the page after `cursor` (query values percent-encoded).
fn next_link(
    path: &str,
    dept: Option<DepartmentKind>,
    cursor: Option<DueCursor>,
) -> Option<String> {
    let cursor = cursor?;
    let mut query = form_urlencoded::Serializer::new(String::new());
    if let Some(dept) = dept {
        query.append_pair("dept", dept.as_str());
    }
    query.append_pair("after", &cursor.encode());
    Some(format!("{path}?{}", query.finish()))
}

/// `GET /due?dept=`.
pub(crate) async fn due(
    State(state): State<AppState>,
    Signed { user, chrome }: Signed,
    Query(query): Query<DueQuery>,
) -> Result<Response, PageError> {
    super::permit(&state, &user, onething_domain::access::UseCase::ViewDue)?;
    let dept = query.dept.as_deref().and_then(DepartmentKind::parse);
    let today = date_in_china(state.now());
    let until = state
        .calendar()
        .add_working_days_provisional(today, NEAR_DUE_WORKING_DAYS)?
        .date;
    let page = state
        .store
        .due_in_scope(&due_query(
            &user,
            today,
            until,
            dept,
            query.after.as_deref(),
        ))
        .await?;
    let (_, overdue) = state
        .store
        .due_counts_in_scope(user.scope(), today, until, dept)
        .await?;
    let rows = visible_rows(&state, &user, page.items, until).await?;
    let next = next_link("/due", dept, page.next);
    let departments = DepartmentKind::ALL
        .into_iter()
        .map(|d| DeptOption {
            value: d.as_str(),
            label: d.label_zh(),
            selected: Some(d) == dept,
        })
        .collect();
    ok(&DuePage {
        chrome,
        today: day(Some(today)),
        until: day(Some(until)),
        departments,
        overdue,
        rows,
        next,
        may_urge: onething_domain::access::UseCase::UrgeItem.permits(user.role()),
    })
}

#[derive(Template)]
#[template(path = "dept_items.html")]
struct DeptPage {
    chrome: Chrome,
    department: &'static str,
    today: String,
    rows: Vec<DueRow>,
    next: Option<String>,
    may_urge: bool,
}

/// `GET /dept/items`: department officers only.
pub(crate) async fn dept_items(
    State(state): State<AppState>,
    Signed { user, chrome }: Signed,
    Query(query): Query<DueQuery>,
) -> Result<Response, PageError> {
    user.require(&[Role::DeptOfficer])?;
    let Scope::Department { kind, .. } = user.scope() else {
        return Err(crate::ApiError::from(onething_domain::access::AccessDenied::Forbidden).into());
    };
    let kind = *kind;
    let today = date_in_china(state.now());
    let near = state
        .calendar()
        .add_working_days_provisional(today, NEAR_DUE_WORKING_DAYS)?
        .date;
    let horizon = today + Duration::days(DEPT_HORIZON_DAYS);
    let page = state
        .store
        .due_in_scope(&due_query(
            &user,
            today,
            horizon,
            Some(kind),
            query.after.as_deref(),
        ))
        .await?;
    let rows = visible_rows(&state, &user, page.items, near).await?;
    ok(&DeptPage {
        chrome,
        department: kind.label_zh(),
        today: day(Some(today)),
        rows,
        next: next_link("/dept/items", None, page.next),
        may_urge: false,
    })
}

/// The rows whose case the user may see (the policy has the last word), in the page's order.
async fn visible_rows(
    state: &AppState,
    user: &CurrentUser,
    due: Vec<(DueItem, CaseSummary)>,
    near_until: NaiveDate,
) -> Result<Vec<DueRow>, PageError> {
    let current = state.store.current_catalog().await?;
    let catalog = &current.catalog;
    Ok(due
        .into_iter()
        .filter_map(|(d, case)| {
            can_see_case(user.scope(), &case.facts()).ok()?;
            Some(DueRow {
                item_code: d.item.clone(),
                item: catalog
                    .item(&d.item)
                    .map_or_else(|| d.item.clone(), |e| e.name.clone()),
                department: d.department.label_zh(),
                state: d.state.label_zh(),
                due: due_day(Some(d.due_on), d.due_on_provisional),
                near: !d.overdue && d.due_on <= near_until,
                overdue: d.overdue,
                applicant: Applicant::parse(&case.applicant).masked().id_masked,
                case_id: d.case_id,
            })
        })
        .collect())
}

/// `POST /due/{case}/{item}/urge`: the supervisor's one click to urge (催办) an item.
pub(crate) async fn urge(
    State(state): State<AppState>,
    Signed { user, .. }: Signed,
    PagePath((case_id, item)): PagePath<(CaseId, String)>,
) -> Result<Response, PageError> {
    let actor = super::permit(&state, &user, onething_domain::access::UseCase::UrgeItem)?;
    onething_services::supervision::urge(&state.services(), &actor, case_id.as_str(), &item, None)
        .await
        .map_err(crate::ApiError::from)?;
    Ok(super::chrome::redirect_with("/due", None))
}

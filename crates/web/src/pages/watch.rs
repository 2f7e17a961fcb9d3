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
use onething_store::cases::DueItem;
use serde::Deserialize;

use super::chrome::{Chrome, Signed};
use super::{PageError, day, ok};
use crate::AppState;
use crate::auth::CurrentUser;

const NEAR_DUE_WORKING_DAYS: u32 = 3;
/// The officer's list reaches this far ahead (calendar days): every open item with a deadline.
const DEPT_HORIZON_DAYS: i64 = 400;

struct DueRow {
    case_id: String,
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
    overdue: usize,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct DueQuery {
    dept: Option<String>,
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
        .calendar
        .add_working_days(today, NEAR_DUE_WORKING_DAYS)?;
    let due = state.store.list_due(today, until, dept).await?;
    let mut rows = visible_rows(&state, &user, due, until).await?;
    rows.sort_by(|a, b| (!a.overdue, &a.due).cmp(&(!b.overdue, &b.due)));
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
        overdue: rows.iter().filter(|r| r.overdue).count(),
        rows,
    })
}

#[derive(Template)]
#[template(path = "dept_items.html")]
struct DeptPage {
    chrome: Chrome,
    department: &'static str,
    today: String,
    rows: Vec<DueRow>,
}

/// `GET /dept/items`: department officers only.
pub(crate) async fn dept_items(
    State(state): State<AppState>,
    Signed { user, chrome }: Signed,
) -> Result<Response, PageError> {
    user.require(&[Role::DeptOfficer])?;
    let Scope::Department { kind, .. } = user.scope() else {
        return Err(crate::ApiError::from(onething_domain::access::AccessDenied::Forbidden).into());
    };
    let kind = *kind;
    let today = date_in_china(state.now());
    let near = state
        .calendar
        .add_working_days(today, NEAR_DUE_WORKING_DAYS)?;
    let horizon = today + Duration::days(DEPT_HORIZON_DAYS);
    let due = state.store.list_due(today, horizon, Some(kind)).await?;
    let rows = visible_rows(&state, &user, due, near).await?;
    ok(&DeptPage {
        chrome,
        department: kind.label_zh(),
        today: day(Some(today)),
        rows,
    })
}

/// The rows whose case the user may see (the policy has the last word), soonest first.
async fn visible_rows(
    state: &AppState,
    user: &CurrentUser,
    due: Vec<DueItem>,
    near_until: NaiveDate,
) -> Result<Vec<DueRow>, PageError> {
    let mut ids: Vec<String> = due.iter().map(|d| d.case_id.clone()).collect();
    ids.sort();
    ids.dedup();
    let cases = state.store.case_summaries(&ids).await?;
    let catalog = state.store.current_catalog().await?.catalog;
    Ok(due
        .into_iter()
        .filter_map(|d| {
            let case = cases.iter().find(|c| c.id == d.case_id)?;
            can_see_case(user.scope(), &case.facts()).ok()?;
            Some(DueRow {
                item: catalog
                    .item(&d.item)
                    .map_or_else(|| d.item.clone(), |e| e.name.clone()),
                department: d.department.label_zh(),
                state: d.state.label_zh(),
                due: day(Some(d.due_on)),
                near: !d.overdue && d.due_on <= near_until,
                overdue: d.overdue,
                applicant: Applicant::parse(&case.applicant).masked().id_masked,
                case_id: d.case_id,
            })
        })
        .collect())
}

//! `/cases` (the cases the user may see, masked ids; clerks search by case id or the last
//! digits of the applicant's id) and `/cases/{id}` (each item's progress, dates, the one-time
//! notice of missing materials, certificates and reasons).

use crate::extract::PagePath;
use crate::routes::cases::{visible_case, visible_cases};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use onething_domain::access::{Applicant, Role, UseCase};
use onething_domain::case::{ItemSnapshot, due_status};
use onething_domain::catalog::Catalog;
use onething_domain::china_time::date_in_china;
use onething_domain::ids::CaseId;
use onething_store::accounts::scoped_cases::{CaseSummary, Page};
use serde::Deserialize;

use super::chrome::{Chrome, Signed};
use super::{PageError, china_time, day, due_day, ok};
use crate::AppState;

const NEAR_DUE_WORKING_DAYS: u32 = 3;
const LIST_LIMIT: u32 = 200;

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ListQuery {
    q: Option<String>,
}

struct CaseRow {
    id: String,
    bundle: String,
    applicant: String,
    status: &'static str,
    open: bool,
    opened: String,
    done: usize,
    total: usize,
    due: String,
}

#[derive(Template)]
#[template(path = "cases.html")]
struct CasesPage {
    chrome: Chrome,
    heading: &'static str,
    searchable: bool,
    q: String,
    rows: Vec<CaseRow>,
}

/// `GET /cases?q=`: every role, each within its scope.
pub(crate) async fn list(
    State(state): State<AppState>,
    Signed { user, chrome }: Signed,
    Query(query): Query<ListQuery>,
) -> Result<Response, PageError> {
    user.require(&Role::ALL)?;
    let page = Page {
        limit: LIST_LIMIT,
        offset: 0,
    };
    let cases = visible_cases(&state, &user, page).await?;
    let current = state.store.current_catalog().await?;
    let catalog = &current.catalog;
    let q = query.q.unwrap_or_default().trim().to_owned();
    let rows = cases
        .iter()
        .map(|c| case_row(c, catalog))
        .filter(|row| matches_query(row, &q))
        .collect();
    let heading = match user.role() {
        Role::Person | Role::Employer => "我的办件",
        _ => "办件查询",
    };
    ok(&CasesPage {
        chrome,
        heading,
        searchable: !matches!(user.role(), Role::Person),
        q,
        rows,
    })
}

/// A case id (or its beginning) or the last digits of the masked applicant id.
fn matches_query(row: &CaseRow, q: &str) -> bool {
    q.is_empty() || row.id.starts_with(q) || (q.len() >= 2 && row.applicant.ends_with(q))
}

fn bundle_name(catalog: &Catalog, code: &str) -> String {
    catalog
        .bundle(code)
        .map_or_else(|| code.to_owned(), |b| b.name.clone())
}

fn case_row(case: &CaseSummary, catalog: &Catalog) -> CaseRow {
    CaseRow {
        id: case.id.clone(),
        bundle: bundle_name(catalog, &case.bundle),
        applicant: Applicant::parse(&case.applicant).masked().id_masked,
        status: case.status.label_zh(),
        open: case.status == onething_domain::case::CaseStatus::Open,
        opened: china_time(case.opened_at),
        done: case.items.iter().filter(|i| i.state.is_terminal()).count(),
        total: case.items.len(),
        due: due_day(case.due_on, case.due_on_provisional()),
    }
}

struct ItemView {
    name: String,
    department: String,
    state: &'static str,
    progress: &'static str,
    finished: bool,
    accepted: String,
    due: String,
    finished_on: String,
    due_label: &'static str,
    due_class: &'static str,
    certificate: Option<String>,
    reason: Option<String>,
}

struct Missing {
    item: String,
    name: String,
    reason: String,
}

#[derive(Template)]
#[template(path = "case.html")]
struct CasePage {
    chrome: Chrome,
    id: String,
    bundle: String,
    applicant: String,
    status: &'static str,
    opened: String,
    due: String,
    items: Vec<ItemView>,
    missing: Vec<Missing>,
    rating: super::rating_form::RatingSection,
    visits: super::visits::VisitSection,
    may_book_home_visit: bool,
}

/// `GET /cases/{id}`: 404 page for a case outside the user's scope, as for a missing one.
pub(crate) async fn show(
    State(state): State<AppState>,
    Signed { user, chrome }: Signed,
    PagePath(id): PagePath<CaseId>,
) -> Result<Response, PageError> {
    user.require(&Role::ALL)?;
    let summary = visible_case(&state, &user, &id).await?;
    let record = state.store.load_case(id.as_str()).await?;
    let version = state
        .store
        .catalog_version(record.state.catalog_version)
        .await?;
    let catalog = &version.catalog;
    let today = date_in_china(state.now());
    let rating = super::rating_form::section(&state, &user, &record, catalog).await;
    let visits = super::visits::section(&state, &user, id.as_str()).await;
    let mut items = Vec::new();
    let mut missing = Vec::new();
    for (code, snapshot) in &record.state.items {
        let entry = catalog.item(code);
        let name = entry.map_or_else(|| code.clone(), |e| e.name.clone());
        missing.extend(snapshot.missing.iter().map(|m| Missing {
            item: name.clone(),
            name: m.name.clone(),
            reason: m.reason.clone(),
        }));
        let department = summary
            .items
            .iter()
            .find(|row| row.item == *code)
            .map(|row| row.department)
            .or(entry.map(|e| e.department));
        items.push(item_view(&state, name, department, snapshot, today));
    }
    ok(&CasePage {
        chrome,
        id: summary.id,
        bundle: bundle_name(catalog, &summary.bundle),
        applicant: Applicant::parse(&summary.applicant).masked().id_masked,
        status: summary.status.label_zh(),
        opened: china_time(summary.opened_at),
        due: due_day(record.state.due_on(), record.state.due_on_provisional()),
        items,
        missing,
        rating,
        visits,
        may_book_home_visit: UseCase::BookHomeVisit.permits(user.role())
            && summary.status == onething_domain::case::CaseStatus::Open,
    })
}

fn item_view(
    state: &AppState,
    name: String,
    department: Option<onething_domain::department::DepartmentKind>,
    item: &ItemSnapshot,
    today: chrono::NaiveDate,
) -> ItemView {
    use onething_domain::case::DueStatus as D;
    // "No deadline" says nothing to the applicant; it is left out.
    let due = due_status(item, today, NEAR_DUE_WORKING_DAYS, &state.calendar())
        .ok()
        .filter(|d| *d != D::NoDeadline);
    ItemView {
        name,
        department: department.map_or_else(|| "—".to_owned(), |d| d.label_zh().to_owned()),
        state: item.state.label_zh(),
        progress: item.state.progress_zh(),
        finished: item.state.is_terminal(),
        accepted: day(item.accepted_on),
        due: due_day(item.due_on, item.due_on_provisional),
        finished_on: day(item.finished_on),
        due_label: due.map_or("—", |d| d.label_zh()),
        due_class: match due {
            Some(D::Overdue | D::DoneLate) => "bad",
            Some(D::NearDue) => "warn",
            Some(D::OnTime | D::DoneOnTime) => "good",
            _ => "plain",
        },
        certificate: item.certificate_ref.clone(),
        reason: item.reason.clone(),
    }
}

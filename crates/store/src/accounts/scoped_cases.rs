//! The case rows an account's scope reaches, for lists and for the policy check on one case.
//! The SQL narrows by scope so a list never reads other tenants' rows; the web layer still
//! runs every row through the pure policy (`access::policy::can_see_case`), so a mistake here
//! can only hide a case, never show one.

use chrono::{DateTime, NaiveDate, Utc};
use onething_domain::RegionCode;
use onething_domain::access::{Applicant, CaseFacts, Scope};
use onething_domain::case::{CaseStatus, ItemState};
use onething_domain::department::DepartmentKind;
use serde::de::DeserializeOwned;

use crate::columns::Columns;
use crate::text::{parse_instant, parse_opt_date};
use crate::{Store, StoreError};

/// A case as lists show it, with the facts the policy needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseSummary {
    pub id: String,
    pub bundle: String,
    /// The opaque applicant reference (`person:…`, `employer:…`): mask before showing.
    pub applicant: String,
    /// Who filed on the applicant's behalf (`employer:…` for an employee's claim), if anyone.
    pub filer: Option<String>,
    /// The case's region, when it has a valid one; a case without one is in no region.
    pub region: Option<RegionCode>,
    pub status: CaseStatus,
    pub opened_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub due_on: Option<NaiveDate>,
    pub items: Vec<CaseItemRow>,
    /// Every department kind owning an item, sorted, for [`CaseFacts::departments`].
    pub departments: Vec<DepartmentKind>,
}

/// One item of a case as the projection holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseItemRow {
    pub item: String,
    pub department: DepartmentKind,
    pub state: ItemState,
    pub due_on: Option<NaiveDate>,
    /// `due_on` is a forecast over a year without a published notice ("预计").
    pub due_on_provisional: bool,
}

impl CaseSummary {
    /// The case's own due date (its latest item's) is provisional: an item due on that date
    /// has a provisional due date (as `CaseState::due_on_provisional`).
    pub fn due_on_provisional(&self) -> bool {
        self.items
            .iter()
            .any(|i| i.due_on_provisional && i.due_on.is_some() && i.due_on == self.due_on)
    }

    pub fn facts(&self) -> CaseFacts<'_> {
        CaseFacts {
            applicant: &self.applicant,
            filer: self.filer.as_deref(),
            region: self.region,
            departments: &self.departments,
        }
    }
}

/// Which slice of a list to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub limit: u32,
    pub offset: u32,
}

const CASE_COLUMNS: &str =
    "id, bundle, applicant, filer, region, status, opened_at, updated_at, due_on";

/// The list query: the scoped page of cases, joined to their items. Fragments are static
/// strings chosen by the scope's kind; every value is a bind parameter.
fn scoped_sql(condition: &str) -> String {
    format!(
        "SELECT c.*, i.item, i.department, i.state AS item_state, i.due_on AS item_due_on,
                i.due_on_provisional AS item_due_on_provisional
         FROM (SELECT {CASE_COLUMNS} FROM cases c WHERE {condition}
               ORDER BY opened_at DESC, id LIMIT $2 OFFSET $3) c
         LEFT JOIN case_items i ON i.case_id = c.id
         ORDER BY c.opened_at DESC, c.id, i.item"
    )
}

/// The WHERE condition (on `$1`) and its value for a scope.
pub(crate) fn scope_condition(scope: &Scope) -> (&'static str, Option<String>) {
    match scope {
        Scope::Platform => ("$1 IS NULL", None),
        Scope::Person(id) => ("c.applicant = $1", Some(Applicant::person_ref(id))),
        Scope::Employer(uscc) => (
            "(c.applicant = $1 OR c.filer = $1)",
            Some(Applicant::employer_ref(uscc)),
        ),
        Scope::Department { kind, .. } => (
            "EXISTS (SELECT 1 FROM case_items d WHERE d.case_id = c.id AND d.department = $1)",
            Some(kind.as_str().to_owned()),
        ),
        // The newborn window serves the region's families (docs/hospital-window.md).
        Scope::Region(code) | Scope::Hospital { region: code, .. } => {
            let text = code.to_string();
            match code.level() {
                onething_domain::ids::RegionLevel::County => ("c.region = $1", Some(text)),
                onething_domain::ids::RegionLevel::City => {
                    ("c.region LIKE $1", Some(format!("{}%", &text[..4])))
                }
                onething_domain::ids::RegionLevel::Province => {
                    ("c.region LIKE $1", Some(format!("{}%", &text[..2])))
                }
            }
        }
    }
}

impl Store {
    /// The cases `scope` reaches, newest first.
    pub async fn cases_in_scope(
        &self,
        scope: &Scope,
        page: Page,
    ) -> Result<Vec<CaseSummary>, StoreError> {
        let (condition, value) = scope_condition(scope);
        let rows = sqlx::query(sqlx::AssertSqlSafe(scoped_sql(condition)))
            .bind(value)
            .bind(i64::from(page.limit))
            .bind(i64::from(page.offset))
            .fetch_all(self.pool())
            .await?;
        let mut out = Vec::new();
        for row in &rows {
            fold_summary(&mut out, row)?;
        }
        Ok(out)
    }

    /// One case's summary (with its items); `NotFound` if there is no such case.
    pub async fn case_summary(&self, case_id: &str) -> Result<CaseSummary, StoreError> {
        let mut found = self.case_summaries(&[case_id.to_owned()]).await?;
        found.pop().ok_or_else(|| StoreError::NotFound {
            what: "case",
            id: case_id.to_owned(),
        })
    }

    /// The summaries of the given cases that exist, in no particular order.
    pub async fn case_summaries(&self, ids: &[String]) -> Result<Vec<CaseSummary>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let placeholders: Vec<String> = (1..=ids.len()).map(|n| format!("${n}")).collect();
        let sql = format!(
            "SELECT c.{}, i.item, i.department, i.state AS item_state, i.due_on AS item_due_on,
                i.due_on_provisional AS item_due_on_provisional
             FROM cases c LEFT JOIN case_items i ON i.case_id = c.id
             WHERE c.id IN ({}) ORDER BY c.id, i.item",
            CASE_COLUMNS.replace(", ", ", c."),
            placeholders.join(", ")
        );
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        let mut out = Vec::new();
        self.read_rows(sql, &ids, |row| fold_summary(&mut out, row))
            .await?;
        Ok(out)
    }
}

/// Folds one of the joined rows (one per item, ordered by case) into `out`, one summary
/// per case.
fn fold_summary(out: &mut Vec<CaseSummary>, row: &dyn Columns) -> Result<(), StoreError> {
    let id: String = row.get("id")?;
    if out.last().is_none_or(|c| c.id != id) {
        out.push(case_from_row(row, id)?);
    }
    if let (Some(item), Some(case)) = (item_from_row(row)?, out.last_mut()) {
        if !case.departments.contains(&item.department) {
            case.departments.push(item.department);
            case.departments.sort();
        }
        case.items.push(item);
    }
    Ok(())
}

fn case_from_row(row: &dyn Columns, id: String) -> Result<CaseSummary, StoreError> {
    let region: Option<String> = row.get("region")?;
    let status: String = row.get("status")?;
    let opened_at: String = row.get("opened_at")?;
    let updated_at: String = row.get("updated_at")?;
    Ok(CaseSummary {
        id,
        bundle: row.get("bundle")?,
        applicant: row.get("applicant")?,
        filer: row.get("filer")?,
        // An unparsable region is no region: only administrators see such a case.
        region: region.and_then(|r| RegionCode::parse(&r).ok()),
        status: parse_enum(&status)?,
        opened_at: parse_instant(&opened_at)?,
        updated_at: parse_instant(&updated_at)?,
        due_on: parse_opt_date(row.get("due_on")?)?,
        items: Vec::new(),
        departments: Vec::new(),
    })
}

fn item_from_row(row: &dyn Columns) -> Result<Option<CaseItemRow>, StoreError> {
    let Some(item) = row.get::<Option<String>>("item")? else {
        return Ok(None);
    };
    let department: String = row.get("department")?;
    let state: String = row.get("item_state")?;
    Ok(Some(CaseItemRow {
        item,
        department: DepartmentKind::parse(&department)
            .ok_or_else(|| StoreError::corrupt(format!("department {department:?}")))?,
        state: parse_enum(&state)?,
        due_on: parse_opt_date(row.get("item_due_on")?)?,
        due_on_provisional: row.get::<i64>("item_due_on_provisional")? != 0,
    }))
}

fn parse_enum<T: DeserializeOwned>(text: &str) -> Result<T, StoreError> {
    serde_json::from_value(serde_json::Value::String(text.to_owned())).map_err(StoreError::corrupt)
}

//! The open items whose deadline is near or past, narrowed to an account's scope and read a
//! page at a time in SQL: a supervisor of one county never makes the database read the
//! whole platform's items, and no list of case ids ever grows with the platform (the old
//! `IN (…)` look-up failed past ~32,000 ids). Order: due date, then case, then item, so
//! overdue items come first; a page continues after the last row of the previous one.

use std::collections::HashMap;

use chrono::NaiveDate;
use onething_domain::access::Scope;
use onething_domain::department::DepartmentKind;

use super::scoped_cases::{CaseSummary, scope_condition};
use crate::cases::{DueItem, due_item_from_row};
use crate::text::date;
use crate::{Store, StoreError};

/// Where a page of due items continues: after this row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueCursor {
    pub due_on: NaiveDate,
    pub case_id: String,
    pub item: String,
}

impl DueCursor {
    /// `YYYY-MM-DD~CASE~ITEM`, for a query parameter.
    pub fn encode(&self) -> String {
        format!("{}~{}~{}", self.due_on, self.case_id, self.item)
    }

    pub fn decode(text: &str) -> Option<DueCursor> {
        let mut parts = text.splitn(3, '~');
        let due_on = NaiveDate::parse_from_str(parts.next()?, "%Y-%m-%d").ok()?;
        Some(DueCursor {
            due_on,
            case_id: parts.next()?.to_owned(),
            item: parts.next()?.to_owned(),
        })
    }
}

/// Which due items to read.
#[derive(Debug, Clone)]
pub struct DueQuery<'a> {
    pub scope: &'a Scope,
    pub today: NaiveDate,
    /// Items due on or before this date.
    pub until: NaiveDate,
    pub department: Option<DepartmentKind>,
    pub after: Option<DueCursor>,
    pub limit: u32,
}

/// One page: each item with its case (for the policy check and the applicant's mask).
#[derive(Debug, Clone)]
pub struct DuePage {
    pub items: Vec<(DueItem, CaseSummary)>,
    /// Set when more items follow.
    pub next: Option<DueCursor>,
}

const DUE_FROM: &str = "FROM case_items i JOIN cases c ON c.id = i.case_id
     WHERE i.state IN ('accepted', 'in_progress') AND i.due_on IS NOT NULL
       AND i.due_on <= $2 AND ($3 IS NULL OR i.department = $3)";

impl Store {
    /// A page of the open items due by `query.until` that the scope reaches.
    pub async fn due_in_scope(&self, query: &DueQuery<'_>) -> Result<DuePage, StoreError> {
        let (condition, value) = scope_condition(query.scope);
        let sql = format!(
            "SELECT i.case_id, c.bundle, c.region, i.item, i.department, i.state, i.due_on, i.due_on_provisional {DUE_FROM}
               AND {condition}
               AND ($4 IS NULL OR i.due_on > $4
                    OR (i.due_on = $4 AND (i.case_id > $5 OR (i.case_id = $5 AND i.item > $6))))
             ORDER BY i.due_on, i.case_id, i.item LIMIT $7"
        );
        let after = query.after.as_ref();
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(value)
            .bind(date(query.until))
            .bind(query.department.map(|d| d.as_str()))
            .bind(after.map(|a| date(a.due_on)))
            .bind(after.map(|a| a.case_id.clone()))
            .bind(after.map(|a| a.item.clone()))
            .bind(i64::from(query.limit) + 1)
            .fetch_all(self.pool())
            .await?;
        let mut due = rows
            .iter()
            .map(|r| due_item_from_row(r, query.today))
            .collect::<Result<Vec<_>, _>>()?;
        let more = due.len() > query.limit as usize;
        due.truncate(query.limit as usize);
        let next = more.then(|| due.last()).flatten().map(|d| DueCursor {
            due_on: d.due_on,
            case_id: d.case_id.clone(),
            item: d.item.clone(),
        });
        let mut ids: Vec<String> = due.iter().map(|d| d.case_id.clone()).collect();
        ids.sort();
        ids.dedup();
        let cases: HashMap<String, CaseSummary> = self
            .case_summaries(&ids)
            .await?
            .into_iter()
            .map(|c| (c.id.clone(), c))
            .collect();
        let items = due
            .into_iter()
            .filter_map(|d| {
                let case = cases.get(&d.case_id)?.clone();
                Some((d, case))
            })
            .collect();
        Ok(DuePage { items, next })
    }

    /// How many open items the scope reaches are due by `until`, and how many of them are
    /// already past `today`: `(due, overdue)`.
    pub async fn due_counts_in_scope(
        &self,
        scope: &Scope,
        today: NaiveDate,
        until: NaiveDate,
        department: Option<DepartmentKind>,
    ) -> Result<(i64, i64), StoreError> {
        let (condition, value) = scope_condition(scope);
        let sql = format!(
            "SELECT COUNT(*) AS due,
                    COALESCE(SUM(CASE WHEN i.due_on < $4 THEN 1 ELSE 0 END), 0) AS overdue
             {DUE_FROM} AND {condition}"
        );
        let (due, overdue): (i64, i64) = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(value)
            .bind(date(until))
            .bind(department.map(|d| d.as_str()))
            .bind(date(today))
            .fetch_one(self.pool())
            .await?;
        Ok((due, overdue))
    }
}

//! Holiday notices loaded at run time, and the recomputation of provisional due dates they
//! make possible (issue 13; docs/case-engine.md, "Provisional due dates").
//!
//! A notice is validated by the calendar before it gets here; the store keeps its text so
//! every later start merges it over the shipped notices, whichever way it was loaded (the
//! admin page, `onething calendar load`).

use chrono::{DateTime, NaiveDate, Utc};
use onething_domain::Calendar;
use onething_domain::case::{ActorRole, EventBody, plan_recompute};
use sqlx::Row;

use crate::cases::Actor;
use crate::text::instant;
use crate::{Store, StoreError};

/// One due date recomputed, as recorded on its case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueDateChange {
    pub case_id: String,
    pub item: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Still provisional (the walk reaches yet another year without a notice).
    pub provisional: bool,
}

impl Store {
    /// The texts of the notices loaded at run time, by year.
    pub async fn calendar_notices(&self) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query("SELECT notice FROM calendar_notices ORDER BY year")
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| r.try_get("notice").map_err(StoreError::from))
            .collect()
    }

    /// Keeps a validated notice file for each of its `years` (a year loaded again is
    /// replaced, as `Calendar::merge_json` replaces it).
    pub async fn save_calendar_notice(
        &self,
        years: &[i32],
        text: &str,
        by: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        for year in years {
            sqlx::query("DELETE FROM calendar_notices WHERE year = $1")
                .bind(i64::from(*year))
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO calendar_notices (year, notice, loaded_at, loaded_by)
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(i64::from(*year))
            .bind(text)
            .bind(instant(at))
            .bind(by)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Recomputes every provisional due date of an open item with `calendar` (after a
    /// notice was loaded) and records each change as a `DueDateRecomputed` event on its
    /// case, with the old and the new date. Cases with nothing to change are left alone,
    /// so running it again (every start does) changes nothing.
    pub async fn recompute_provisional_due_dates(
        &self,
        calendar: &Calendar,
        by: &str,
        at: DateTime<Utc>,
    ) -> Result<Vec<DueDateChange>, StoreError> {
        let cases: Vec<String> = sqlx::query_scalar(
            "SELECT DISTINCT case_id FROM case_items WHERE due_on_provisional = 1 ORDER BY case_id",
        )
        .fetch_all(self.pool())
        .await?;
        let mut changes = Vec::new();
        for case_id in cases {
            let record = self.load_case(&case_id).await?;
            let bodies = plan_recompute(&record.state, calendar)?;
            if bodies.is_empty() {
                continue;
            }
            changes.extend(bodies.iter().filter_map(|b| change_of(&case_id, b)));
            let actor = Actor {
                name: by.to_owned(),
                role: ActorRole::System,
                idempotency_key: format!("recompute:{case_id}:{}", record.version),
                at,
            };
            self.append(&record, bodies, &actor).await?;
            self.sync_payment_due(&case_id).await?;
        }
        Ok(changes)
    }
}

fn change_of(case_id: &str, body: &EventBody) -> Option<DueDateChange> {
    match body {
        EventBody::DueDateRecomputed {
            item,
            from,
            to,
            provisional,
        } => Some(DueDateChange {
            case_id: case_id.to_owned(),
            item: item.clone(),
            from: *from,
            to: *to,
            provisional: *provisional,
        }),
        _ => None,
    }
}

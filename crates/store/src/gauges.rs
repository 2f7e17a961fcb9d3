//! Counts read from the database at each metrics scrape (`GET /metrics`): they are the
//! platform's state, the same whichever app server answers.

use chrono::NaiveDate;

use crate::text::date;
use crate::{Store, StoreError};

/// The database-backed gauges of `/metrics`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Gauges {
    /// Deliveries by status (`pending`, `sending`, `delivered`, `failed`).
    pub deliveries: Vec<(String, i64)>,
    /// Settlement batches run so far.
    pub settlements: i64,
    /// Open items due by `until`, and those already past `today`.
    pub due: i64,
    pub overdue: i64,
}

impl Store {
    /// True when the database answers and holds this version's schema (`/readyz`): a
    /// server started against a database not yet migrated is not ready.
    pub async fn schema_ready(&self) -> bool {
        sqlx::query("SELECT 1 FROM seen_signatures LIMIT 1")
            .fetch_optional(self.pool())
            .await
            .is_ok()
    }

    pub async fn gauges(&self, today: NaiveDate, until: NaiveDate) -> Result<Gauges, StoreError> {
        let deliveries: Vec<(String, i64)> = sqlx::query_as(
            "SELECT status, COUNT(*) FROM deliveries GROUP BY status ORDER BY status",
        )
        .fetch_all(self.pool())
        .await?;
        let settlements: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM settlements")
            .fetch_one(self.pool())
            .await?;
        let (due, overdue): (i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), COALESCE(SUM(CASE WHEN due_on < $2 THEN 1 ELSE 0 END), 0)
             FROM case_items WHERE state IN ('accepted', 'in_progress')
               AND due_on IS NOT NULL AND due_on <= $1",
        )
        .bind(date(until))
        .bind(date(today))
        .fetch_one(self.pool())
        .await?;
        Ok(Gauges {
            deliveries,
            settlements,
            due,
            overdue,
        })
    }
}

//! The periodic reports (周通报、月考评、季分析、年考核): one row per kind, period and region
//! (the database's unique key), so a report made twice — two servers, a restart, the
//! schedule and the command line — is kept once.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::like;
use crate::text::{date, instant, parse_date, parse_instant};
use crate::{Store, StoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodReportRow {
    pub id: String,
    /// `week`, `month`, `quarter` or `year`.
    pub kind: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub region: String,
    pub generated_at: DateTime<Utc>,
    pub generated_by: String,
    /// The frozen figures (JSON).
    pub content: String,
    pub content_sha256: String,
}

const COLUMNS: &str = "id, kind, period_from, period_to, region, generated_at, generated_by,
    content, content_sha256";

impl Store {
    /// Keeps a report unless one of its kind, period and region is kept already; `true`
    /// when this call wrote it.
    pub async fn insert_period_report(&self, r: &PeriodReportRow) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "INSERT INTO period_reports (id, kind, period_from, period_to, region, generated_at,
                 generated_by, content, content_sha256)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
             ON CONFLICT (kind, period_from, region) DO NOTHING",
        )
        .bind(&r.id)
        .bind(&r.kind)
        .bind(date(r.from))
        .bind(date(r.to))
        .bind(&r.region)
        .bind(instant(r.generated_at))
        .bind(&r.generated_by)
        .bind(&r.content)
        .bind(&r.content_sha256)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }

    /// The report of a kind, period and region, if it was made.
    pub async fn period_report_of(
        &self,
        kind: &str,
        from: NaiveDate,
        region: &str,
    ) -> Result<Option<PeriodReportRow>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM period_reports
             WHERE kind = $1 AND period_from = $2 AND region = $3"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(kind)
            .bind(date(from))
            .bind(region)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(read).transpose()
    }

    pub async fn period_report(&self, id: &str) -> Result<PeriodReportRow, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM period_reports WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| StoreError::NotFound {
                what: "period report",
                id: id.to_owned(),
            })?;
        read(&row)
    }

    /// Reports of regions inside a prefix (`None`: all), newest period first.
    pub async fn period_reports(
        &self,
        region_prefix: Option<&str>,
    ) -> Result<Vec<PeriodReportRow>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM period_reports
             WHERE ($1 IS NULL OR region LIKE $1)
             ORDER BY period_to DESC, kind, region"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(like(region_prefix))
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(read).collect()
    }
}

fn read(row: &AnyRow) -> Result<PeriodReportRow, StoreError> {
    Ok(PeriodReportRow {
        id: row.try_get("id")?,
        kind: row.try_get("kind")?,
        from: parse_date(&row.try_get::<String, _>("period_from")?)?,
        to: parse_date(&row.try_get::<String, _>("period_to")?)?,
        region: row.try_get("region")?,
        generated_at: parse_instant(&row.try_get::<String, _>("generated_at")?)?,
        generated_by: row.try_get("generated_by")?,
        content: row.try_get("content")?,
        content_sha256: row.try_get("content_sha256")?,
    })
}

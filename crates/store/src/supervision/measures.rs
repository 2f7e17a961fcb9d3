//! The rows the measures are computed from: every case that ended (all items terminal) in a
//! period, with its dates, its window visits and its ratings with their rectifications'
//! status, in two set queries whatever the number of cases.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use onething_domain::case::CaseStatus;
use onething_domain::supervision::RectificationStatus;
use sqlx::Row;

use super::like;
use crate::text::{date, parse_date, parse_instant, parse_opt_date};
use crate::{Store, StoreError};

/// One ended case. Its visits are the recorded ones, where an application filed at a window
/// (a claim of channel `window` or `hospital`, a newborn application of channel `window`)
/// counts as its submission visit even when no clerk recorded it, and a recorded submission
/// for it is not counted twice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeasureRow {
    pub case_id: String,
    pub bundle: String,
    pub catalog_version: i64,
    pub status: CaseStatus,
    /// The earliest acceptance of an item, else the day the case was opened (China date).
    pub opened_on: NaiveDate,
    pub ended_on: NaiveDate,
    pub due_on: Option<NaiveDate>,
    pub visits: u32,
    pub ratings: Vec<(i64, Option<RectificationStatus>)>,
}

/// The ended cases of a period (cases whose last item finished in `from..=to`), in a
/// region (`LIKE` prefix) or everywhere.
const ENDED: &str = "WITH ended AS (
    SELECT * FROM (
        SELECT c.id, c.bundle, c.catalog_version, c.status, c.opened_at, c.due_on,
               (SELECT MAX(i.finished_on) FROM case_items i WHERE i.case_id = c.id) AS ended_on,
               (SELECT MIN(i.accepted_on) FROM case_items i WHERE i.case_id = c.id) AS accepted_on
        FROM cases c
        WHERE c.status <> 'open' AND ($1 IS NULL OR c.region LIKE $1)
    ) x WHERE x.ended_on >= $2 AND x.ended_on <= $3
)";

impl Store {
    pub async fn measure_rows(
        &self,
        region_prefix: Option<&str>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<MeasureRow>, StoreError> {
        // A home visit (预约上门服务) is the office going to the applicant: no run of hers.
        let cases = format!(
            "{ENDED}, counted AS (
                SELECT e.*,
                    (SELECT COUNT(*) FROM case_visits v WHERE v.case_id = e.id AND v.kind NOT IN ('submission', 'home_visit')) AS other,
                    (SELECT COUNT(*) FROM case_visits v WHERE v.case_id = e.id AND v.kind = 'submission') AS handed,
                    (SELECT COUNT(*) FROM ma_claims m WHERE m.case_id = e.id AND m.channel <> 'online')
                  + (SELECT COUNT(*) FROM newborn_applications a WHERE a.case_id = e.id AND a.channel = 'window') AS implied
                FROM ended e
             )
             SELECT c.*, c.other + CASE WHEN c.handed > c.implied THEN c.handed ELSE c.implied END AS visits
             FROM counted c ORDER BY c.id"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(cases))
            .bind(like(region_prefix))
            .bind(date(from))
            .bind(date(to))
            .fetch_all(self.pool())
            .await?;
        let mut ratings = self.ratings_of_ended(region_prefix, from, to).await?;
        rows.iter()
            .map(|r| {
                let id: String = r.try_get("id")?;
                let status: String = r.try_get("status")?;
                let opened_at = parse_instant(&r.try_get::<String, _>("opened_at")?)?;
                let accepted = parse_opt_date(r.try_get("accepted_on")?)?;
                Ok(MeasureRow {
                    ratings: ratings.remove(&id).unwrap_or_default(),
                    case_id: id,
                    bundle: r.try_get("bundle")?,
                    catalog_version: r.try_get("catalog_version")?,
                    status: serde_json::from_value(serde_json::Value::String(status))
                        .map_err(StoreError::corrupt)?,
                    opened_on: accepted
                        .unwrap_or_else(|| onething_domain::china_time::date_in_china(opened_at)),
                    ended_on: parse_date(&r.try_get::<String, _>("ended_on")?)?,
                    due_on: parse_opt_date(r.try_get("due_on")?)?,
                    visits: u32::try_from(r.try_get::<i64, _>("visits")?).unwrap_or(0),
                })
            })
            .collect()
    }

    /// The distinct regions of cases inside a region (`LIKE` prefix) or everywhere.
    pub async fn case_regions(
        &self,
        region_prefix: Option<&str>,
    ) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT DISTINCT region FROM cases
             WHERE region IS NOT NULL AND ($1 IS NULL OR region LIKE $1) ORDER BY region",
        )
        .bind(like(region_prefix))
        .fetch_all(self.pool())
        .await?)
    }

    async fn ratings_of_ended(
        &self,
        region_prefix: Option<&str>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<BTreeMap<String, Vec<(i64, Option<RectificationStatus>)>>, StoreError> {
        let sql = format!(
            "{ENDED} SELECT r.case_id, r.score, t.status FROM (
                 SELECT case_id, '' AS item, score FROM case_ratings
                 UNION ALL SELECT case_id, item, score FROM item_ratings
             ) r JOIN ended e ON e.id = r.case_id
             LEFT JOIN rectifications t ON t.case_id = r.case_id AND t.item = r.item
             ORDER BY r.case_id, r.item"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(like(region_prefix))
            .bind(date(from))
            .bind(date(to))
            .fetch_all(self.pool())
            .await?;
        let mut out: BTreeMap<String, Vec<_>> = BTreeMap::new();
        for r in rows {
            let status: Option<String> = r.try_get("status")?;
            out.entry(r.try_get("case_id")?).or_default().push((
                r.try_get("score")?,
                status.as_deref().and_then(RectificationStatus::parse),
            ));
        }
        Ok(out)
    }
}

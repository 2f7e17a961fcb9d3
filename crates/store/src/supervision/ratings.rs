//! 好差评 rows: the case's rating (`case_ratings`, with its reasons) and each item's
//! (`item_ratings`), written with the rectifications the bad ones open and the audit entry
//! in one transaction.

use chrono::{DateTime, Utc};
use sqlx::Row;

use super::rectifications::{NewRectification, insert_in};
use crate::audit::{NewAuditEntry, append_audit_in};
use crate::text::{instant, json, parse_instant, parse_json};
use crate::{Store, StoreError};

/// One item's rating.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemRatingRow {
    pub item: String,
    pub score: i64,
    pub reasons: Vec<String>,
    pub comment: Option<String>,
}

/// A case's rating with its items' ratings and what they open.
#[derive(Debug, Clone)]
pub struct NewRating {
    pub case_id: String,
    pub score: i64,
    pub reasons: Vec<String>,
    pub comment: Option<String>,
    pub items: Vec<ItemRatingRow>,
    pub by: String,
    pub at: DateTime<Utc>,
    pub rectifications: Vec<NewRectification>,
    pub audit: NewAuditEntry,
}

/// A case's rating as stored, with its items'.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRating {
    pub case_id: String,
    pub score: i64,
    pub reasons: Vec<String>,
    pub comment: Option<String>,
    pub rated_by: String,
    pub rated_at: DateTime<Utc>,
    pub items: Vec<ItemRatingRow>,
}

impl Store {
    /// Writes the rating, its items' ratings, the rectifications and the audit entry;
    /// `Ok(false)` (nothing written) when the case was rated already.
    pub async fn rate_case_with_items(&self, rating: &NewRating) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let inserted = sqlx::query(
            "INSERT INTO case_ratings (case_id, score, comment, rated_by, rated_at, reasons)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (case_id) DO NOTHING",
        )
        .bind(&rating.case_id)
        .bind(rating.score)
        .bind(rating.comment.as_deref())
        .bind(&rating.by)
        .bind(instant(rating.at))
        .bind(json(&rating.reasons)?)
        .execute(&mut *tx)
        .await?;
        if inserted.rows_affected() != 1 {
            return Ok(false);
        }
        for item in &rating.items {
            sqlx::query(
                "INSERT INTO item_ratings (case_id, item, score, reasons, comment, rated_by, rated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(&rating.case_id)
            .bind(&item.item)
            .bind(item.score)
            .bind(json(&item.reasons)?)
            .bind(item.comment.as_deref())
            .bind(&rating.by)
            .bind(instant(rating.at))
            .execute(&mut *tx)
            .await?;
        }
        for task in &rating.rectifications {
            insert_in(&mut tx, task).await?;
        }
        append_audit_in(&mut tx, &rating.audit).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The case's rating with its items' ratings, if rated.
    pub async fn rating_of_case(&self, case_id: &str) -> Result<Option<StoredRating>, StoreError> {
        let Some(row) = sqlx::query(
            "SELECT score, reasons, comment, rated_by, rated_at FROM case_ratings WHERE case_id = $1",
        )
        .bind(case_id)
        .fetch_optional(self.pool())
        .await?
        else {
            return Ok(None);
        };
        let items = sqlx::query(
            "SELECT item, score, reasons, comment FROM item_ratings WHERE case_id = $1 ORDER BY item",
        )
        .bind(case_id)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| -> Result<ItemRatingRow, StoreError> {
            Ok(ItemRatingRow {
                item: r.try_get("item")?,
                score: r.try_get("score")?,
                reasons: parse_json(&r.try_get::<String, _>("reasons")?)?,
                comment: r.try_get("comment")?,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
        Ok(Some(StoredRating {
            case_id: case_id.to_owned(),
            score: row.try_get("score")?,
            reasons: parse_json(&row.try_get::<String, _>("reasons")?)?,
            comment: row.try_get("comment")?,
            rated_by: row.try_get("rated_by")?,
            rated_at: parse_instant(&row.try_get::<String, _>("rated_at")?)?,
            items,
        }))
    }
}

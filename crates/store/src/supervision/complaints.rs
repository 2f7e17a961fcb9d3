//! Complaints (投诉, seed 004 二(六), 二(九)): filed about a case, an item or an office, due
//! for an answer by a date in working days; answered once; escalated to the supervisor
//! when still open after the due date.

use chrono::{DateTime, NaiveDate, Utc};
use onething_domain::supervision::ComplaintFact;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::like;
use crate::audit::{NewAuditEntry, append_audit_in};
use crate::text::{date, instant, parse_date, parse_instant, parse_opt_date};
use crate::{Store, StoreError};

#[derive(Debug, Clone)]
pub struct NewComplaint {
    pub id: String,
    pub filed_by: String,
    /// `person:…` / `employer:…`: who may read it back.
    pub complainant: String,
    /// `case`, `item` or `office`.
    pub subject: String,
    pub case_id: Option<String>,
    pub item: Option<String>,
    pub region: Option<String>,
    pub body: String,
    pub filed_at: DateTime<Utc>,
    pub filed_on: NaiveDate,
    pub due_on: NaiveDate,
    pub due_on_provisional: bool,
    pub due_source: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComplaintAnswer {
    pub answer: String,
    pub by: String,
    pub at: DateTime<Utc>,
    pub on: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Complaint {
    pub id: String,
    pub filed_by: String,
    pub complainant: String,
    pub subject: String,
    pub case_id: Option<String>,
    pub item: Option<String>,
    pub region: Option<String>,
    pub body: String,
    pub filed_at: DateTime<Utc>,
    pub filed_on: NaiveDate,
    pub due_on: NaiveDate,
    pub due_on_provisional: bool,
    pub due_source: String,
    pub answer: Option<ComplaintAnswer>,
    pub escalated_at: Option<DateTime<Utc>>,
}

const COLUMNS: &str = "id, filed_by, complainant, subject, case_id, item, region, body, filed_at,
    filed_on, due_on, due_on_provisional, due_source, answer, answered_by, answered_at,
    answered_on, escalated_at";

impl Store {
    pub async fn file_complaint(
        &self,
        c: &NewComplaint,
        audit: &NewAuditEntry,
    ) -> Result<Complaint, StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO complaints (id, filed_by, complainant, subject, case_id, item, region, body,
                 filed_at, filed_on, due_on, due_on_provisional, due_source, status)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'open')",
        )
        .bind(&c.id)
        .bind(&c.filed_by)
        .bind(&c.complainant)
        .bind(&c.subject)
        .bind(c.case_id.as_deref())
        .bind(c.item.as_deref())
        .bind(c.region.as_deref())
        .bind(&c.body)
        .bind(instant(c.filed_at))
        .bind(date(c.filed_on))
        .bind(date(c.due_on))
        .bind(i64::from(c.due_on_provisional))
        .bind(&c.due_source)
        .execute(&mut *tx)
        .await?;
        append_audit_in(&mut tx, audit).await?;
        tx.commit().await?;
        self.complaint(&c.id).await
    }

    pub async fn complaint(&self, id: &str) -> Result<Complaint, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM complaints WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| StoreError::NotFound {
                what: "complaint",
                id: id.to_owned(),
            })?;
        read(&row)
    }

    /// Complaints in a region (`LIKE` prefix) or of one complainant; open ones first.
    pub async fn complaints(
        &self,
        region_prefix: Option<&str>,
        complainant: Option<&str>,
    ) -> Result<Vec<Complaint>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM complaints
             WHERE ($1 IS NULL OR region LIKE $1) AND ($2 IS NULL OR complainant = $2)
             ORDER BY status DESC, due_on, id"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(like(region_prefix))
            .bind(complainant)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(read).collect()
    }

    /// Answers an open complaint, telling the complainant (`notes`, same transaction);
    /// `Conflict` when it was answered already.
    pub async fn answer_complaint(
        &self,
        id: &str,
        answer: &ComplaintAnswer,
        audit: &NewAuditEntry,
        notes: &[crate::allowance::NewNotification],
    ) -> Result<Complaint, StoreError> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE complaints SET status = 'answered', answer = $2, answered_by = $3,
                 answered_at = $4, answered_on = $5
             WHERE id = $1 AND status = 'open'",
        )
        .bind(id)
        .bind(&answer.answer)
        .bind(&answer.by)
        .bind(instant(answer.at))
        .bind(date(answer.on))
        .execute(&mut *tx)
        .await?;
        StoreError::unless_one_row(done.rows_affected(), "complaint", id)?;
        append_audit_in(&mut tx, audit).await?;
        crate::allowance::steps::notify_in(&mut tx, notes, answer.at).await?;
        tx.commit().await?;
        self.complaint(id).await
    }

    /// Marks every open complaint due before `today` and not yet escalated as escalated at
    /// `at`, each with its audit entry (`audit_of` the id), in one transaction; returns the
    /// ids.
    pub async fn escalate_late_complaints(
        &self,
        today: NaiveDate,
        at: DateTime<Utc>,
        audit_of: &(dyn Fn(&str) -> NewAuditEntry + Sync),
    ) -> Result<Vec<String>, StoreError> {
        let mut tx = self.begin_write().await?;
        let ids: Vec<String> = sqlx::query_scalar(
            "UPDATE complaints SET escalated_at = $2
             WHERE status = 'open' AND due_on < $1 AND escalated_at IS NULL RETURNING id",
        )
        .bind(date(today))
        .bind(instant(at))
        .fetch_all(&mut *tx)
        .await?;
        for id in &ids {
            append_audit_in(&mut tx, &audit_of(id)).await?;
        }
        tx.commit().await?;
        Ok(ids)
    }

    /// Who filed the case on the applicant's behalf (`employer:…`), if anyone.
    pub async fn case_filer(&self, case_id: &str) -> Result<Option<String>, StoreError> {
        let filer: Option<Option<String>> =
            sqlx::query_scalar("SELECT filer FROM cases WHERE id = $1")
                .bind(case_id)
                .fetch_optional(self.pool())
                .await?;
        Ok(filer.flatten())
    }

    /// Complaints filed in `from..=to` (region prefix or everywhere), as the measures see them.
    pub async fn complaint_facts(
        &self,
        region_prefix: Option<&str>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<ComplaintFact>, StoreError> {
        let rows = sqlx::query(
            "SELECT filed_on, due_on, answered_on FROM complaints
             WHERE ($1 IS NULL OR region LIKE $1) AND filed_on >= $2 AND filed_on <= $3",
        )
        .bind(like(region_prefix))
        .bind(date(from))
        .bind(date(to))
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let due = parse_date(&r.try_get::<String, _>("due_on")?)?;
                let answered = parse_opt_date(r.try_get("answered_on")?)?;
                Ok(ComplaintFact {
                    filed_on: parse_date(&r.try_get::<String, _>("filed_on")?)?,
                    answered_in_time: answered.is_some_and(|a| a <= due),
                })
            })
            .collect()
    }
}

fn read(r: &AnyRow) -> Result<Complaint, StoreError> {
    let answer = match r.try_get::<Option<String>, _>("answer")? {
        None => None,
        Some(text) => Some(ComplaintAnswer {
            answer: text,
            by: r
                .try_get::<Option<String>, _>("answered_by")?
                .unwrap_or_default(),
            at: parse_instant(
                &r.try_get::<Option<String>, _>("answered_at")?
                    .unwrap_or_default(),
            )?,
            on: parse_date(
                &r.try_get::<Option<String>, _>("answered_on")?
                    .unwrap_or_default(),
            )?,
        }),
    };
    let escalated: Option<String> = r.try_get("escalated_at")?;
    Ok(Complaint {
        id: r.try_get("id")?,
        filed_by: r.try_get("filed_by")?,
        complainant: r.try_get("complainant")?,
        subject: r.try_get("subject")?,
        case_id: r.try_get("case_id")?,
        item: r.try_get("item")?,
        region: r.try_get("region")?,
        body: r.try_get("body")?,
        filed_at: parse_instant(&r.try_get::<String, _>("filed_at")?)?,
        filed_on: parse_date(&r.try_get::<String, _>("filed_on")?)?,
        due_on: parse_date(&r.try_get::<String, _>("due_on")?)?,
        due_on_provisional: r.try_get::<i64, _>("due_on_provisional")? != 0,
        due_source: r.try_get("due_source")?,
        answer,
        escalated_at: escalated.as_deref().map(parse_instant).transpose()?,
    })
}

//! Writing newborn applications and their cases, one decided change per transaction.

use chrono::{DateTime, Utc};
use onething_domain::Calendar;
use onething_domain::access::Role;
use serde_json::Value;
use sqlx::{Any, Transaction};

use super::route::{Handover, Routing, hand_over_in, route_ready_in};
use super::{Application, Material, Notice};
use crate::allowance::steps::{NewNotification, notify_in};
use crate::audit::{NewAuditEntry, append_audit_in};
use crate::cases::{Actor, CaseRecord, CaseWrite, NewCase, advance_in, load_case_in, open_case_in};
use crate::text::{date, instant, json, opt_date};
use crate::{Store, StoreError};

/// One decided change: the case's events, then routing, hand-overs, the notice, the
/// notifications and the audit entry.
pub struct NewbornWrite<'a> {
    /// The case actor (name, case role, idempotency key, instant).
    pub actor: Actor,
    /// The user's platform role, for the audit entry.
    pub role: Option<Role>,
    pub case: Vec<CaseWrite>,
    pub routing: Option<Routing<'a>>,
    pub handovers: Vec<Handover>,
    pub notice: Option<Notice>,
    pub notifications: Vec<NewNotification>,
    /// Action and detail of the audit entry, and the subject (`newborn_application`, id).
    pub audit: Option<(String, Value)>,
}

impl Store {
    /// Inserts a new application (opening its case when `case` is given) and writes
    /// `write`. The same request key again returns the application already filed.
    pub async fn file_newborn_application(
        &self,
        app: &Application,
        case: Option<&NewCase>,
        write: &NewbornWrite<'_>,
        calendar: &Calendar,
    ) -> Result<Application, StoreError> {
        if let Some(existing) = self.newborn_application_of_key(&app.request_key).await? {
            return Ok(existing);
        }
        let catalog = self.current_catalog().await?;
        let mut tx = self.begin_write().await?;
        // The case first: the row refers to it.
        open_in(&mut tx, &catalog, case, write, calendar).await?;
        insert_row(&mut tx, app).await?;
        finish_in(&mut tx, app, write).await?;
        tx.commit().await?;
        self.newborn_application(&app.id).await
    }

    /// Saves `app` (read at `app.version`; refused if it changed since) and writes `write`.
    pub async fn update_newborn_application(
        &self,
        app: &Application,
        case: Option<&NewCase>,
        write: &NewbornWrite<'_>,
        calendar: &Calendar,
    ) -> Result<Application, StoreError> {
        let catalog = self.current_catalog().await?;
        let mut tx = self.begin_write().await?;
        open_in(&mut tx, &catalog, case, write, calendar).await?;
        let updated = sqlx::query(
            "UPDATE newborn_applications SET status = $1, reasons = $2, missing = $3,
                 prefilled = $4, case_id = $5, born_on = $6, version = version + 1,
                 updated_at = $7
             WHERE id = $8 AND version = $9",
        )
        .bind(app.status.as_str())
        .bind(json(&app.reasons)?)
        .bind(json(&app.missing)?)
        .bind(json(&app.prefilled)?)
        .bind(app.case_id.as_deref())
        .bind(opt_date(app.born_on))
        .bind(instant(write.actor.at))
        .bind(&app.id)
        .bind(app.version)
        .execute(&mut *tx)
        .await?;
        StoreError::unless_one_row(updated.rows_affected(), "newborn application", &app.id)?;
        if app.status == super::ApplicationStatus::Accepted {
            sqlx::query(
                "UPDATE newborn_materials SET checked_by = $1, checked_at = $2
                 WHERE application_id = $3 AND checked_by IS NULL",
            )
            .bind(&write.actor.name)
            .bind(instant(write.actor.at))
            .bind(&app.id)
            .execute(&mut *tx)
            .await?;
        }
        finish_in(&mut tx, app, write).await?;
        tx.commit().await?;
        self.newborn_application(&app.id).await
    }

    /// A change of an accepted application's case (an item completed or denied, the
    /// family withdrawing): the events, routing, hand-overs, notifications, audit. A
    /// retried request (same key on the same case) writes nothing.
    pub async fn change_newborn_case(
        &self,
        case_id: &str,
        write: &NewbornWrite<'_>,
        calendar: &Calendar,
    ) -> Result<CaseRecord, StoreError> {
        if let Some(existing) = self.replayed(case_id, &write.actor).await? {
            return Ok(existing);
        }
        let mut tx = self.begin_write().await?;
        let record = case_writes_in(&mut tx, case_id, write, calendar).await?;
        side_effects_in(&mut tx, case_id, write, Some(case_id)).await?;
        tx.commit().await?;
        Ok(record)
    }

    /// Stores an uploaded material of an application.
    pub async fn add_newborn_material(
        &self,
        application_id: &str,
        meta: &Material,
        bytes: &[u8],
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO newborn_materials (id, application_id, material, filename, content_type,
                 sha256, size, bytes, uploaded_by, uploaded_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(&meta.id)
        .bind(application_id)
        .bind(meta.material.code())
        .bind(&meta.filename)
        .bind(&meta.content_type)
        .bind(&meta.sha256)
        .bind(meta.size)
        .bind(bytes.to_vec())
        .bind(&meta.uploaded_by)
        .bind(instant(meta.uploaded_at))
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Records the applicant's rating; `Ok(false)` when the case was already rated.
    pub async fn rate_case(
        &self,
        case_id: &str,
        score: i64,
        comment: Option<&str>,
        by: &str,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let inserted = sqlx::query(
            "INSERT INTO case_ratings (case_id, score, comment, rated_by, rated_at)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (case_id) DO NOTHING",
        )
        .bind(case_id)
        .bind(score)
        .bind(comment)
        .bind(by)
        .bind(instant(at))
        .execute(self.pool())
        .await?;
        Ok(inserted.rows_affected() == 1)
    }
}

/// Opens the case of an accepted application and writes its events.
async fn open_in(
    tx: &mut Transaction<'static, Any>,
    catalog: &crate::catalog::CatalogVersion,
    case: Option<&NewCase>,
    write: &NewbornWrite<'_>,
    calendar: &Calendar,
) -> Result<(), StoreError> {
    let Some(new_case) = case else {
        return Ok(());
    };
    let mut opener = write.actor.clone();
    opener.idempotency_key = format!("{}:open", write.actor.idempotency_key);
    let record = open_case_in(tx, catalog, new_case, &opener).await?;
    case_writes_in(tx, &record.id, write, calendar).await?;
    Ok(())
}

/// The notice, notifications and audit entry of an application's change.
async fn finish_in(
    tx: &mut Transaction<'static, Any>,
    app: &Application,
    write: &NewbornWrite<'_>,
) -> Result<(), StoreError> {
    if let Some(notice) = &write.notice {
        insert_notice(tx, notice).await?;
    }
    side_effects_in(tx, &app.id, write, app.case_id.as_deref()).await
}

/// The case's events, then routing of the items that became ready.
async fn case_writes_in(
    tx: &mut Transaction<'static, Any>,
    case_id: &str,
    write: &NewbornWrite<'_>,
    calendar: &Calendar,
) -> Result<CaseRecord, StoreError> {
    let mut record = if write.case.is_empty() {
        load_case_in(tx, case_id).await?
    } else {
        advance_in(tx, case_id, &write.case, &write.actor, calendar).await?
    };
    if let Some(routing) = &write.routing {
        record = route_ready_in(tx, record, &write.actor, calendar, routing).await?;
    }
    for handover in &write.handovers {
        hand_over_in(tx, case_id, handover, &write.actor).await?;
    }
    Ok(record)
}

async fn side_effects_in(
    tx: &mut Transaction<'static, Any>,
    subject_id: &str,
    write: &NewbornWrite<'_>,
    case_id: Option<&str>,
) -> Result<(), StoreError> {
    notify_in(tx, &write.notifications, write.actor.at).await?;
    if let Some((action, detail)) = &write.audit {
        let entry = NewAuditEntry {
            at: write.actor.at,
            actor: write.actor.name.clone(),
            role: write.role,
            action: action.clone(),
            subject_type: "newborn".into(),
            subject_id: subject_id.to_owned(),
            case_id: case_id.map(str::to_owned),
            detail: detail.clone(),
        };
        append_audit_in(tx, &entry).await?;
    }
    Ok(())
}

async fn insert_row(
    tx: &mut Transaction<'static, Any>,
    app: &Application,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO newborn_applications (id, request_key, mother_id, father_id,
             birth_certificate_no, born_on, region, channel, filed_by, status, form, reasons,
             missing, prefilled, case_id, version, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 1, $16, $16)",
    )
    .bind(&app.id)
    .bind(&app.request_key)
    .bind(&app.mother_id)
    .bind(&app.father_id)
    .bind(app.birth_certificate_no.as_deref())
    .bind(opt_date(app.born_on))
    .bind(&app.region)
    .bind(&app.channel)
    .bind(&app.filed_by)
    .bind(app.status.as_str())
    .bind(json(&app.form)?)
    .bind(json(&app.reasons)?)
    .bind(json(&app.missing)?)
    .bind(json(&app.prefilled)?)
    .bind(app.case_id.as_deref())
    .bind(instant(app.created_at))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn insert_notice(
    tx: &mut Transaction<'static, Any>,
    notice: &Notice,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO newborn_notices (number, application_id, seq, kind, verification_code,
             issued_on, issued_at, applicant_masked, content)
         SELECT $1, $2, COALESCE(MAX(seq), 0) + 1, $3, $4, $5, $6, $7, $8
         FROM newborn_notices WHERE application_id = $2",
    )
    .bind(&notice.number)
    .bind(&notice.application_id)
    .bind(notice.kind.as_str())
    .bind(&notice.verification_code)
    .bind(date(notice.issued_on))
    .bind(instant(notice.issued_at))
    .bind(&notice.applicant_masked)
    .bind(json(&notice.content)?)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

//! Reading applications, notices, materials, ratings and a department's items.

use chrono::NaiveDate;
use onething_domain::case::ItemState;
use onething_domain::department::DepartmentKind;
use onething_domain::newborn::{MissingMaterial, NoticeKind};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Application, ApplicationStatus, Material, Notice, Rating};
use crate::text::{parse_date, parse_instant, parse_json, parse_opt_date};
use crate::{Store, StoreError};

const APP_COLUMNS: &str = "id, request_key, mother_id, father_id, birth_certificate_no, born_on,
    region, channel, filed_by, status, form, reasons, missing, prefilled, case_id, version,
    created_at, updated_at";

const NOTICE_COLUMNS: &str = "number, application_id, kind, verification_code, issued_on,
    issued_at, applicant_masked, content";

/// An item in a department's queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DepartmentItem {
    pub case_id: String,
    pub bundle: String,
    pub item: String,
    pub state: ItemState,
    pub accepted_on: Option<NaiveDate>,
    pub due_on: Option<NaiveDate>,
    pub finished_on: Option<NaiveDate>,
}

impl Store {
    pub async fn newborn_application(&self, id: &str) -> Result<Application, StoreError> {
        self.one_application("id", id)
            .await?
            .ok_or_else(|| StoreError::NotFound {
                what: "newborn application",
                id: id.to_owned(),
            })
    }

    pub(crate) async fn newborn_application_of_key(
        &self,
        key: &str,
    ) -> Result<Option<Application>, StoreError> {
        self.one_application("request_key", key).await
    }

    /// The application (not refused) of the child with certificate `certificate_no`, if any.
    pub async fn newborn_application_of_certificate(
        &self,
        certificate_no: &str,
    ) -> Result<Option<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT id FROM newborn_applications
             WHERE birth_certificate_no = $1 AND status <> 'refused'",
        )
        .bind(certificate_no)
        .fetch_optional(self.pool())
        .await?)
    }

    /// The application whose case this is.
    pub async fn newborn_application_of_case(
        &self,
        case_id: &str,
    ) -> Result<Option<Application>, StoreError> {
        self.one_application("case_id", case_id).await
    }

    async fn one_application(
        &self,
        column: &'static str,
        value: &str,
    ) -> Result<Option<Application>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {APP_COLUMNS} FROM newborn_applications WHERE {column} = $1"
        )))
        .bind(value)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(application_of).transpose()
    }

    /// Applications newest first: of one mother, or (None) all (the caller filters by scope).
    pub async fn newborn_applications(
        &self,
        mother_id: Option<&str>,
    ) -> Result<Vec<Application>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {APP_COLUMNS} FROM newborn_applications
             WHERE ($1 IS NULL OR mother_id = $1) ORDER BY created_at DESC, id"
        )))
        .bind(mother_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(application_of).collect()
    }

    /// A notice by its number.
    pub async fn newborn_notice(&self, number: &str) -> Result<Option<Notice>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {NOTICE_COLUMNS} FROM newborn_notices WHERE number = $1"
        )))
        .bind(number)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(notice_of).transpose()
    }

    /// The application's latest notice.
    pub async fn current_newborn_notice(
        &self,
        application_id: &str,
    ) -> Result<Option<Notice>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {NOTICE_COLUMNS} FROM newborn_notices WHERE application_id = $1
             ORDER BY seq DESC LIMIT 1"
        )))
        .bind(application_id)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(notice_of).transpose()
    }

    /// The materials uploaded for an application, oldest first (without their bytes).
    pub async fn newborn_materials(
        &self,
        application_id: &str,
    ) -> Result<Vec<Material>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, material, filename, content_type, sha256, size, uploaded_by, uploaded_at,
                 checked_by
             FROM newborn_materials WHERE application_id = $1 ORDER BY uploaded_at, id",
        )
        .bind(application_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(material_of).collect()
    }

    pub async fn case_rating(&self, case_id: &str) -> Result<Option<Rating>, StoreError> {
        let row = sqlx::query(
            "SELECT case_id, score, comment, rated_by, rated_at FROM case_ratings WHERE case_id = $1",
        )
        .bind(case_id)
        .fetch_optional(self.pool())
        .await?;
        row.map(|r| -> Result<Rating, StoreError> {
            Ok(Rating {
                case_id: r.try_get("case_id")?,
                score: r.try_get("score")?,
                comment: r.try_get("comment")?,
                rated_by: r.try_get("rated_by")?,
                rated_at: parse_instant(&r.try_get::<String, _>("rated_at")?)?,
            })
        })
        .transpose()
    }

    /// A department kind's items (accepted onward) of cases filed with the one form, open
    /// ones first, soonest due first.
    pub async fn department_items(
        &self,
        kind: DepartmentKind,
        bundle: &str,
    ) -> Result<Vec<DepartmentItem>, StoreError> {
        let rows = sqlx::query(
            "SELECT i.case_id, c.bundle, i.item, i.state, i.accepted_on, i.due_on, i.finished_on
             FROM case_items i JOIN cases c ON c.id = i.case_id
             WHERE i.department = $1 AND c.bundle = $2
               AND i.state IN ('accepted', 'in_progress', 'done', 'denied')
               AND EXISTS (SELECT 1 FROM newborn_applications a WHERE a.case_id = i.case_id)
             ORDER BY CASE WHEN i.state IN ('accepted', 'in_progress') THEN 0 ELSE 1 END,
                      i.due_on, i.case_id, i.item",
        )
        .bind(kind.as_str())
        .bind(bundle)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let state: String = r.try_get("state")?;
                Ok(DepartmentItem {
                    case_id: r.try_get("case_id")?,
                    bundle: r.try_get("bundle")?,
                    item: r.try_get("item")?,
                    state: serde_json::from_value(serde_json::Value::String(state))
                        .map_err(StoreError::corrupt)?,
                    accepted_on: parse_opt_date(r.try_get("accepted_on")?)?,
                    due_on: parse_opt_date(r.try_get("due_on")?)?,
                    finished_on: parse_opt_date(r.try_get("finished_on")?)?,
                })
            })
            .collect()
    }
}

fn application_of(row: &AnyRow) -> Result<Application, StoreError> {
    let status: String = row.try_get("status")?;
    Ok(Application {
        id: row.try_get("id")?,
        request_key: row.try_get("request_key")?,
        mother_id: row.try_get("mother_id")?,
        father_id: row.try_get("father_id")?,
        birth_certificate_no: row.try_get("birth_certificate_no")?,
        born_on: parse_opt_date(row.try_get("born_on")?)?,
        region: row.try_get("region")?,
        channel: row.try_get("channel")?,
        filed_by: row.try_get("filed_by")?,
        status: ApplicationStatus::parse(&status)
            .ok_or_else(|| StoreError::corrupt(format!("application status {status:?}")))?,
        form: parse_json(&row.try_get::<String, _>("form")?)?,
        reasons: parse_json(&row.try_get::<String, _>("reasons")?)?,
        missing: parse_json(&row.try_get::<String, _>("missing")?)?,
        prefilled: parse_json(&row.try_get::<String, _>("prefilled")?)?,
        case_id: row.try_get("case_id")?,
        version: row.try_get("version")?,
        created_at: parse_instant(&row.try_get::<String, _>("created_at")?)?,
        updated_at: parse_instant(&row.try_get::<String, _>("updated_at")?)?,
    })
}

fn notice_of(row: &AnyRow) -> Result<Notice, StoreError> {
    let kind: String = row.try_get("kind")?;
    Ok(Notice {
        number: row.try_get("number")?,
        application_id: row.try_get("application_id")?,
        kind: NoticeKind::parse(&kind)
            .ok_or_else(|| StoreError::corrupt(format!("notice kind {kind:?}")))?,
        verification_code: row.try_get("verification_code")?,
        issued_on: parse_date(&row.try_get::<String, _>("issued_on")?)?,
        issued_at: parse_instant(&row.try_get::<String, _>("issued_at")?)?,
        applicant_masked: row.try_get("applicant_masked")?,
        content: parse_json(&row.try_get::<String, _>("content")?)?,
    })
}

fn material_of(row: &AnyRow) -> Result<Material, StoreError> {
    let code: String = row.try_get("material")?;
    Ok(Material {
        id: row.try_get("id")?,
        material: MissingMaterial::parse(&code)
            .ok_or_else(|| StoreError::corrupt(format!("material {code:?}")))?,
        filename: row.try_get("filename")?,
        content_type: row.try_get("content_type")?,
        sha256: row.try_get("sha256")?,
        size: row.try_get("size")?,
        uploaded_by: row.try_get("uploaded_by")?,
        uploaded_at: parse_instant(&row.try_get::<String, _>("uploaded_at")?)?,
        checked_by: row.try_get("checked_by")?,
    })
}

impl Store {
    /// Every delivery of a case, oldest first, with its purpose (`item` or `result`).
    pub async fn case_deliveries(
        &self,
        case_id: &str,
    ) -> Result<Vec<(crate::outbox::Delivery, String)>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {}, purpose FROM deliveries WHERE case_id = $1 ORDER BY created_at, id",
            crate::outbox::COLUMNS
        )))
        .bind(case_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| Ok((crate::outbox::delivery_of(r)?, r.try_get("purpose")?)))
            .collect()
    }
}

//! Spouse filings (备案登记, RB-2).

use chrono::{DateTime, Utc};
use onething_domain::access::Role;
use onething_domain::hospital::{FilingMaterial, FilingReason, FilingStatus};
use serde_json::Value;
use sqlx::Row;
use sqlx::any::AnyRow;

use onething_domain::Calendar;

use super::{WindowCase, open_window_case_in};
use crate::audit::{NewAuditEntry, append_audit_in};
use crate::text::{instant, json, parse_instant, parse_json};
use crate::{Store, StoreError};

/// A filing as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct SpouseFiling {
    pub id: String,
    pub request_key: String,
    pub hospital_id: String,
    pub region: String,
    pub husband_id: String,
    pub wife_id: String,
    pub status: FilingStatus,
    /// Reason codes (`NOT_MARRIED`, …).
    pub reasons: Vec<String>,
    /// Missing-record codes (`MARRIAGE_CERTIFICATE`, …).
    pub missing: Vec<String>,
    pub marriage_certificate_no: Option<String>,
    /// The 附件1 fields as filled (names from shared data, the clerk's additions).
    pub form: Value,
    /// The case it opened (none for filings recorded before cases were opened).
    pub case_id: Option<String>,
    pub filed_by: String,
    pub created_at: DateTime<Utc>,
}

/// A decided filing to insert, with who did it.
#[derive(Debug, Clone)]
pub struct NewFiling {
    pub filing: SpouseFiling,
    pub role: Role,
}

impl NewFiling {
    pub fn reasons(reasons: &[FilingReason]) -> Vec<String> {
        reasons.iter().map(|r| r.code().to_owned()).collect()
    }

    pub fn missing(missing: &[FilingMaterial]) -> Vec<String> {
        missing.iter().map(|m| m.code().to_owned()).collect()
    }
}

const COLUMNS: &str = "id, request_key, hospital_id, region, husband_id, wife_id, status, reasons,
    missing, marriage_certificate_no, form, case_id, filed_by, created_at";

impl Store {
    /// Inserts the filing with its case and audit entry (the decision, EX-4 keeps the
    /// reads). The same request key again, or the couple already filed, returns the filing
    /// on record.
    pub async fn record_spouse_filing(
        &self,
        new: &NewFiling,
        window_case: &WindowCase,
        calendar: &Calendar,
    ) -> Result<SpouseFiling, StoreError> {
        let f = &new.filing;
        if let Some(existing) = self.one_filing("request_key = $1", &f.request_key).await? {
            return Ok(existing);
        }
        if let Some(existing) = self.current_filing(&f.husband_id, &f.wife_id).await? {
            return Ok(existing);
        }
        let catalog = self.current_catalog().await?;
        let mut tx = self.begin_write().await?;
        open_window_case_in(&mut tx, &catalog, window_case, calendar).await?;
        let inserted = sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO hospital_spouse_filings ({COLUMNS})
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
        )))
        .bind(&f.id)
        .bind(&f.request_key)
        .bind(&f.hospital_id)
        .bind(&f.region)
        .bind(&f.husband_id)
        .bind(&f.wife_id)
        .bind(f.status.as_str())
        .bind(json(&f.reasons)?)
        .bind(json(&f.missing)?)
        .bind(f.marriage_certificate_no.as_deref())
        .bind(json(&f.form)?)
        .bind(f.case_id.as_deref())
        .bind(&f.filed_by)
        .bind(instant(f.created_at))
        .execute(&mut *tx)
        .await
        .map_err(StoreError::from);
        match inserted {
            Ok(_) => {}
            // A concurrent filing of the same couple won: answer with it.
            Err(e) if e.is_unique_violation() => {
                drop(tx);
                return self
                    .current_filing(&f.husband_id, &f.wife_id)
                    .await?
                    .ok_or_else(|| StoreError::Corrupt("filing vanished".into()));
            }
            Err(e) => return Err(e),
        }
        let entry = NewAuditEntry {
            at: f.created_at,
            actor: f.filed_by.clone(),
            role: Some(new.role),
            action: format!("spouse_filing_{}", f.status.as_str()),
            subject_type: "spouse_filing".into(),
            subject_id: f.id.clone(),
            case_id: f.case_id.clone(),
            detail: serde_json::json!({
                "hospital_id": f.hospital_id,
                "reasons": f.reasons,
                "missing": f.missing,
            }),
        };
        append_audit_in(&mut tx, &entry).await?;
        tx.commit().await?;
        self.spouse_filing(&f.id).await
    }

    pub async fn spouse_filing(&self, id: &str) -> Result<SpouseFiling, StoreError> {
        self.one_filing("id = $1", id)
            .await?
            .ok_or_else(|| StoreError::NotFound {
                what: "spouse filing",
                id: id.to_owned(),
            })
    }

    /// The couple's filing in force (`filed`), if any.
    pub async fn current_filing(
        &self,
        husband_id: &str,
        wife_id: &str,
    ) -> Result<Option<SpouseFiling>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM hospital_spouse_filings
             WHERE husband_id = $1 AND wife_id = $2 AND status = 'filed'"
        )))
        .bind(husband_id)
        .bind(wife_id)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(filing_of).transpose()
    }

    /// The wife's filing in force with any husband (what makes her costs reimbursable).
    pub async fn filing_of_wife(&self, wife_id: &str) -> Result<Option<SpouseFiling>, StoreError> {
        self.one_filing("wife_id = $1 AND status = 'filed'", wife_id)
            .await
    }

    /// A hospital's filings, newest first.
    pub async fn spouse_filings_of_hospital(
        &self,
        hospital_id: &str,
        limit: u32,
    ) -> Result<Vec<SpouseFiling>, StoreError> {
        let table = ("hospital_spouse_filings", COLUMNS);
        super::of_hospital(self, table, hospital_id, limit, filing_of).await
    }

    async fn one_filing(
        &self,
        condition: &'static str,
        value: &str,
    ) -> Result<Option<SpouseFiling>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM hospital_spouse_filings WHERE {condition}
             ORDER BY created_at DESC LIMIT 1"
        )))
        .bind(value)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(filing_of).transpose()
    }
}

fn filing_of(row: &AnyRow) -> Result<SpouseFiling, StoreError> {
    let status: String = row.try_get("status")?;
    Ok(SpouseFiling {
        id: row.try_get("id")?,
        request_key: row.try_get("request_key")?,
        hospital_id: row.try_get("hospital_id")?,
        region: row.try_get("region")?,
        husband_id: row.try_get("husband_id")?,
        wife_id: row.try_get("wife_id")?,
        status: FilingStatus::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("filing status {status:?}")))?,
        reasons: parse_json(&row.try_get::<String, _>("reasons")?)?,
        missing: parse_json(&row.try_get::<String, _>("missing")?)?,
        marriage_certificate_no: row.try_get("marriage_certificate_no")?,
        form: parse_json(&row.try_get::<String, _>("form")?)?,
        case_id: row.try_get("case_id")?,
        filed_by: row.try_get("filed_by")?,
        created_at: parse_instant(&row.try_get::<String, _>("created_at")?)?,
    })
}

//! The counterfoil handover's records (NB-11) and the certificates they cover.

use chrono::NaiveDate;
use onething_exchange::Dataset;
use sqlx::Row;

use crate::text::{date, parse_opt_date};
use crate::{Store, StoreError};

/// The birth certificates one hospital issued in a period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedCertificates {
    pub institution_code: String,
    pub institution_name: String,
    /// The GB/T 2260 code of the births (the hospital's area).
    pub region: String,
    pub count: i64,
}

/// One hospital's record for a quarter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandoverRecord {
    pub institution_code: String,
    pub quarter: String,
    pub due_on: NaiveDate,
    pub certificates: i64,
    pub handed_by: Option<String>,
    pub handed_on: Option<NaiveDate>,
    pub received_by: Option<String>,
    pub received_on: Option<NaiveDate>,
}

impl Store {
    /// Certificates issued between `from` and `to` (their `issued_on`), per hospital.
    /// Counts only: no person's record is read, so nothing enters the data-use audit.
    pub async fn issued_certificates(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<IssuedCertificates>, StoreError> {
        // A certificate is issued on or after the birth: births before `to` can be in it.
        let rows = sqlx::query(
            "SELECT content FROM shared_records
             WHERE dataset = $1 AND is_current = 1 AND event_date <= $2",
        )
        .bind(Dataset::BirthCertificates.as_str())
        .bind(date(to))
        .fetch_all(self.pool())
        .await?;
        let mut out: Vec<IssuedCertificates> = Vec::new();
        for row in rows {
            let content: serde_json::Value =
                serde_json::from_str(&row.try_get::<String, _>("content")?)
                    .map_err(StoreError::corrupt)?;
            let issued = content["issued_on"]
                .as_str()
                .and_then(|d| d.parse::<NaiveDate>().ok());
            if !issued.is_some_and(|d| d >= from && d <= to) {
                continue;
            }
            let code = content["institution_code"].as_str().unwrap_or_default();
            match out.iter_mut().find(|i| i.institution_code == code) {
                Some(entry) => entry.count += 1,
                None => out.push(IssuedCertificates {
                    institution_code: code.to_owned(),
                    institution_name: content["institution_name"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned(),
                    region: content["birth_region"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned(),
                    count: 1,
                }),
            }
        }
        out.sort_by(|a, b| a.institution_code.cmp(&b.institution_code));
        Ok(out)
    }

    /// The handover records of a quarter.
    pub async fn handover_records(&self, quarter: &str) -> Result<Vec<HandoverRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT institution_code, quarter, due_on, certificates, handed_by, handed_on,
                 received_by, received_on
             FROM counterfoil_handovers WHERE quarter = $1 ORDER BY institution_code",
        )
        .bind(quarter)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(HandoverRecord {
                    institution_code: r.try_get("institution_code")?,
                    quarter: r.try_get("quarter")?,
                    due_on: crate::text::parse_date(&r.try_get::<String, _>("due_on")?)?,
                    certificates: r.try_get("certificates")?,
                    handed_by: r.try_get("handed_by")?,
                    handed_on: parse_opt_date(r.try_get("handed_on")?)?,
                    received_by: r.try_get("received_by")?,
                    received_on: parse_opt_date(r.try_get("received_on")?)?,
                })
            })
            .collect()
    }

    /// The hospital records handing over `certificates` counterfoils (the first record
    /// stands; `Ok(false)` when it was already recorded).
    pub async fn record_handed_over(
        &self,
        record: &HandoverRecord,
        by: &str,
        on: NaiveDate,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO counterfoil_handovers (institution_code, quarter, due_on, certificates,
                 handed_by, handed_on)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (institution_code, quarter) DO NOTHING",
        )
        .bind(&record.institution_code)
        .bind(&record.quarter)
        .bind(date(record.due_on))
        .bind(record.certificates)
        .bind(by)
        .bind(date(on))
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The police station records receiving them; `Ok(false)` when nothing was handed
    /// over yet or the receipt was already recorded.
    pub async fn record_received(
        &self,
        institution_code: &str,
        quarter: &str,
        by: &str,
        on: NaiveDate,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE counterfoil_handovers SET received_by = $1, received_on = $2
             WHERE institution_code = $3 AND quarter = $4 AND received_by IS NULL",
        )
        .bind(by)
        .bind(date(on))
        .bind(institution_code)
        .bind(quarter)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }
}

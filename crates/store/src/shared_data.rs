//! The audited query layer over shared records (EX-4): the one way the rest of the platform
//! reads what departments pushed. Every function takes a [`DataUse`] (who reads, for which
//! case, why) and appends one `data_read` entry to the audit log per dataset it returns
//! records of, naming the dataset, the case, the purpose and every record read (key and
//! version). A query that finds nothing reads nothing and writes no entry.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use onething_domain::YearMonth;
use onething_exchange::Dataset;
use serde_json::json;

use crate::audit::{NewAuditEntry, append_audits_in};
use crate::shared_records::{RECORD_COLUMNS, SharedRecord, record_of};
use crate::{Store, StoreError};

/// The audit action of a read through this module.
pub const DATA_READ: &str = "data_read";

/// Who reads shared data, for which case, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataUse {
    pub actor: String,
    pub case_id: Option<String>,
    pub purpose: String,
}

/// Paid contribution months before a month.
#[derive(Debug, Clone, PartialEq)]
pub struct ContributionMonths {
    /// Unbroken paid months ending the month before the one asked about.
    pub continuous: u32,
    /// Paid months among the N months before.
    pub total: u32,
    /// Each of the N months, the month just before first: paid or not (the rules count
    /// them under the region's continuous or cumulative reading).
    pub paid: Vec<bool>,
    /// The records counted (each audited).
    pub records: Vec<SharedRecord>,
}

impl Store {
    /// Birth certificates naming `mother_id` as mother, born between `from` and `to` inclusive.
    pub async fn birth_certificates_of_mother(
        &self,
        data_use: &DataUse,
        mother_id: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<SharedRecord>, StoreError> {
        let found = self
            .current_shared_records_of_subject(Dataset::BirthCertificates, mother_id)
            .await?
            .into_iter()
            .filter(|r| r.event_date.is_some_and(|d| d >= from && d <= to))
            .collect();
        self.audited(data_use, ("person", mother_id), found).await
    }

    /// The employer's average wage and contribution base of the year before `on`.
    pub async fn employer_wage_previous_year(
        &self,
        data_use: &DataUse,
        employer_uscc: &str,
        on: NaiveDate,
    ) -> Result<Option<SharedRecord>, StoreError> {
        let key = format!("{employer_uscc}|{}", chrono::Datelike::year(&on) - 1);
        let found = self
            .current_shared_record(Dataset::EmployerWages, &key)
            .await?;
        self.audited_one(data_use, ("employer", employer_uscc), found)
            .await
    }

    /// A person's delivery and maternity-settlement records, by date.
    pub async fn delivery_records_of(
        &self,
        data_use: &DataUse,
        person_id: &str,
    ) -> Result<Vec<SharedRecord>, StoreError> {
        let found = self
            .current_shared_records_of_subject(Dataset::DeliveryRecords, person_id)
            .await?;
        self.audited(data_use, ("person", person_id), found).await
    }

    /// Marriages in which the person is wife or husband, by registration date.
    pub async fn marriages_of(
        &self,
        data_use: &DataUse,
        person_id: &str,
    ) -> Result<Vec<SharedRecord>, StoreError> {
        let found = self.current_marriages_of(person_id).await?;
        self.audited(data_use, ("person", person_id), found).await
    }

    /// The same marriages, not audited: for a caller that records the read itself (a
    /// claim's derivation writes its reads with the claim).
    pub(crate) async fn current_marriages_of(
        &self,
        person_id: &str,
    ) -> Result<Vec<SharedRecord>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {RECORD_COLUMNS} FROM shared_records
             WHERE dataset = $1 AND is_current = 1 AND (subject_id = $2 OR other_id = $2)
             ORDER BY event_date, record_key"
        )))
        .bind(Dataset::Marriages.as_str())
        .bind(person_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(record_of).collect()
    }

    /// The employment status in force on `on`: the latest change effective on or before it.
    pub async fn employment_status_on(
        &self,
        data_use: &DataUse,
        person_id: &str,
        on: NaiveDate,
    ) -> Result<Option<SharedRecord>, StoreError> {
        let found = self
            .latest_effective(Dataset::EmploymentStatus, person_id, on)
            .await?;
        self.audited_one(data_use, ("person", person_id), found)
            .await
    }

    /// The person's household registration.
    pub async fn household_registration(
        &self,
        data_use: &DataUse,
        person_id: &str,
    ) -> Result<Option<SharedRecord>, StoreError> {
        let found = self
            .current_shared_record(Dataset::HouseholdRegistrations, person_id)
            .await?;
        self.audited_one(data_use, ("person", person_id), found)
            .await
    }

    /// The insurance enrollment in force on `on`: the latest effective on or before it.
    pub async fn insurance_enrollment_on(
        &self,
        data_use: &DataUse,
        person_id: &str,
        on: NaiveDate,
    ) -> Result<Option<SharedRecord>, StoreError> {
        let found = self
            .latest_effective(Dataset::InsuranceEnrollments, person_id, on)
            .await?;
        self.audited_one(data_use, ("person", person_id), found)
            .await
    }

    /// Paid contribution months in the `months` months before `month`.
    pub async fn contribution_months(
        &self,
        data_use: &DataUse,
        person_id: &str,
        month: YearMonth,
        months: u32,
    ) -> Result<ContributionMonths, StoreError> {
        let records = self
            .current_shared_records_of_subject(Dataset::Contributions, person_id)
            .await?;
        let mut found = contribution_months_in(records, month, months);
        found.records = self
            .audited(data_use, ("person", person_id), found.records)
            .await?;
        Ok(found)
    }

    /// Birth certificates and delivery records up to `until` (today) of the people the employer
    /// insures or pays contributions for, with no claim yet for that person and date (the
    /// proactive offers of MA-2). Each record returned is audited.
    pub async fn employer_offer_records(
        &self,
        data_use: &DataUse,
        employer_uscc: &str,
        until: NaiveDate,
    ) -> Result<Vec<SharedRecord>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {RECORD_COLUMNS} FROM shared_records s
             WHERE s.is_current = 1 AND s.dataset IN ($1, $2) AND s.event_date <= $3
               AND s.subject_id IN (SELECT e.subject_id FROM shared_records e
                   WHERE e.is_current = 1 AND e.dataset IN ($4, $5) AND e.employer_uscc = $6)
               AND NOT EXISTS (SELECT 1 FROM ma_claims c WHERE c.person_id = s.subject_id
                   AND c.event_date = s.event_date AND c.status <> 'rejected')
             ORDER BY s.event_date DESC, s.subject_id, s.dataset"
        )))
        .bind(Dataset::BirthCertificates.as_str())
        .bind(Dataset::DeliveryRecords.as_str())
        .bind(crate::text::date(until))
        .bind(Dataset::InsuranceEnrollments.as_str())
        .bind(Dataset::Contributions.as_str())
        .bind(employer_uscc)
        .fetch_all(self.pool())
        .await?;
        let found = rows.iter().map(record_of).collect::<Result<Vec<_>, _>>()?;
        self.audited(data_use, ("employer", employer_uscc), found)
            .await
    }

    /// One record that shows the person is (or was) insured by or paid for by the employer:
    /// an enrollment or contribution naming it, the latest first.
    pub async fn employment_link(
        &self,
        data_use: &DataUse,
        person_id: &str,
        employer_uscc: &str,
    ) -> Result<Option<SharedRecord>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {RECORD_COLUMNS} FROM shared_records
             WHERE is_current = 1 AND dataset IN ($1, $2) AND subject_id = $3 AND employer_uscc = $4
             ORDER BY event_date DESC, record_key LIMIT 1"
        )))
        .bind(Dataset::InsuranceEnrollments.as_str())
        .bind(Dataset::Contributions.as_str())
        .bind(person_id)
        .bind(employer_uscc)
        .fetch_optional(self.pool())
        .await?;
        let found = row.as_ref().map(record_of).transpose()?;
        self.audited_one(data_use, ("person", person_id), found)
            .await
    }

    async fn latest_effective(
        &self,
        dataset: Dataset,
        person_id: &str,
        on: NaiveDate,
    ) -> Result<Option<SharedRecord>, StoreError> {
        let records = self
            .current_shared_records_of_subject(dataset, person_id)
            .await?;
        Ok(latest_effective_in(records, on))
    }

    async fn audited_one(
        &self,
        data_use: &DataUse,
        subject: (&str, &str),
        found: Option<SharedRecord>,
    ) -> Result<Option<SharedRecord>, StoreError> {
        let found = self
            .audited(data_use, subject, found.into_iter().collect())
            .await?;
        Ok(found.into_iter().next())
    }

    /// Appends the query's `data_read` entries (one per dataset read), then hands the records
    /// back, in one statement and one commit.
    async fn audited(
        &self,
        data_use: &DataUse,
        (subject_type, subject_id): (&str, &str),
        records: Vec<SharedRecord>,
    ) -> Result<Vec<SharedRecord>, StoreError> {
        if records.is_empty() {
            return Ok(records);
        }
        let entries = data_reads(data_use, (subject_type, subject_id), &records, Utc::now());
        let mut tx = self.begin_write().await?;
        append_audits_in(&mut tx, &entries).await?;
        tx.commit().await?;
        Ok(records)
    }
}

/// The `data_read` audit entries of `records` read under `data_use` about a subject: one
/// entry per dataset among them (in the order first met), naming every record of it read
/// with its version. One entry per read rather than per record: a claim reads some thirty
/// records, and the audit answers "who read what, for which case, when" just as well.
pub(crate) fn data_reads(
    data_use: &DataUse,
    (subject_type, subject_id): (&str, &str),
    records: &[SharedRecord],
    at: DateTime<Utc>,
) -> Vec<NewAuditEntry> {
    let mut by_dataset: Vec<(Dataset, Vec<serde_json::Value>)> = Vec::new();
    for record in records {
        let read = json!({"record_key": record.key, "version": record.version});
        match by_dataset.iter_mut().find(|(d, _)| *d == record.dataset) {
            Some((_, reads)) => reads.push(read),
            None => by_dataset.push((record.dataset, vec![read])),
        }
    }
    by_dataset
        .into_iter()
        .map(|(dataset, reads)| NewAuditEntry {
            at,
            actor: data_use.actor.clone(),
            role: None,
            action: DATA_READ.to_owned(),
            subject_type: subject_type.to_owned(),
            subject_id: subject_id.to_owned(),
            case_id: data_use.case_id.clone(),
            detail: json!({
                "dataset": dataset.as_str(),
                "purpose": data_use.purpose,
                "records": reads,
            }),
        })
        .collect()
}

/// Of a person's current records of one dataset (by event date), the one in force on `on`:
/// the latest effective on or before it.
pub(crate) fn latest_effective_in(
    records: impl IntoIterator<Item = SharedRecord>,
    on: NaiveDate,
) -> Option<SharedRecord> {
    records
        .into_iter()
        .filter(|r| r.event_date.is_some_and(|d| d <= on))
        .max_by(|a, b| (a.event_date, &a.key).cmp(&(b.event_date, &b.key)))
}

/// Paid months among a person's contribution records in the `months` months before
/// `month`; `records` keeps those in the window (the ones read).
pub(crate) fn contribution_months_in(
    records: impl IntoIterator<Item = SharedRecord>,
    month: YearMonth,
    months: u32,
) -> ContributionMonths {
    let window = months_before(month, months);
    let records: Vec<SharedRecord> = records
        .into_iter()
        .filter(|r| {
            r.event_date
                .is_some_and(|d| window.contains(&YearMonth::of(d)))
        })
        .collect();
    let paid = |m: &YearMonth| {
        records.iter().any(|r| {
            r.event_date.map(YearMonth::of) == Some(*m) && r.content["paid"] == json!(true)
        })
    };
    let continuous = window.iter().take_while(|m| paid(m)).count();
    let total = window.iter().filter(|m| paid(m)).count();
    let paid: Vec<bool> = window.iter().map(paid).collect();
    ContributionMonths {
        continuous: u32::try_from(continuous).unwrap_or(u32::MAX),
        total: u32::try_from(total).unwrap_or(u32::MAX),
        paid,
        records,
    }
}

/// The `n` months before `month`, nearest first.
fn months_before(month: YearMonth, n: u32) -> Vec<YearMonth> {
    let mut out = Vec::with_capacity(n as usize);
    let mut current = month;
    for _ in 0..n {
        current = YearMonth::of(current.first_day() - Duration::days(1));
        out.push(current);
    }
    out
}

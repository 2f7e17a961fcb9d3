//! Gathers a claim's evidence from shared data, every read audited for the claim (EX-4),
//! and hands it to the pure derivation in `domain::allowance::derive`.

use chrono::NaiveDate;
use onething_domain::allowance::derive::{
    self, BIRTH_CERTIFICATES, ContributionEvidence, DELIVERY_RECORDS, EMPLOYER_WAGES,
    EMPLOYMENT_STATUS, INSURANCE_ENROLLMENTS, MARRIAGES,
};
use onething_domain::allowance::{Derived, Evidence, SourceRecord, WageBasis};
use onething_domain::{CitizenId, Sex, Uscc, YearMonth};

use crate::shared_data::DataUse;
use crate::shared_records::SharedRecord;
use crate::{Store, StoreError};

/// Months of contributions looked at before the event month.
const CONTRIBUTION_WINDOW: u32 = 24;

/// What a claim is about.
#[derive(Debug, Clone)]
pub struct ClaimSubject<'a> {
    pub claimant: &'a CitizenId,
    pub employer: &'a Uscc,
    pub certificate_no: Option<&'a str>,
    pub basis: Option<WageBasis>,
    /// A certificate number established by a clerk from a reviewed photo.
    pub uploaded_certificate_no: Option<&'a str>,
    /// The event date already fixed on the claim (re-derivation at submit and review keeps
    /// the claim on the same delivery).
    pub event_date: Option<NaiveDate>,
    /// Today in China: births and deliveries up to today open a claim, however long ago
    /// (a region's application limit is the services layer's to apply).
    pub today: NaiveDate,
}

fn source(dataset: &'static str, record: SharedRecord) -> SourceRecord {
    SourceRecord {
        dataset,
        key: record.key,
        content: record.content,
    }
}

impl Store {
    /// Reads every shared record a claim needs (audited under `data_use`) and derives its
    /// facts and what is missing.
    pub async fn derive_claim(
        &self,
        data_use: &DataUse,
        subject: &ClaimSubject<'_>,
    ) -> Result<(Evidence, Derived), StoreError> {
        let claimant = subject.claimant;
        let (mother, marriage) = if claimant.sex() == Sex::Male {
            self.wife_of(data_use, claimant).await?
        } else {
            (Some(claimant.clone()), None)
        };
        let (certificate, delivery) = match &mother {
            Some(m) => self.birth_and_delivery(data_use, m, subject).await?,
            None => (None, None),
        };
        let mut evidence = Evidence {
            claimant: claimant.clone(),
            employer: subject.employer.clone(),
            mother,
            marriage,
            certificate,
            uploaded_certificate_no: subject.uploaded_certificate_no.map(str::to_owned),
            delivery,
            wage: None,
            enrollment: None,
            employment: None,
            contributions: None,
            basis: subject.basis,
        };
        let date = subject.event_date.or_else(|| {
            derive::event_date(evidence.delivery.as_ref(), evidence.certificate.as_ref())
        });
        if let Some(date) = date {
            self.on_event_date(data_use, &mut evidence, date).await?;
        }
        let derived = derive::derive(&evidence, data_use.case_id.as_deref().unwrap_or(""));
        Ok((evidence, derived))
    }

    /// A father's wife in a current, married marriage record.
    async fn wife_of(
        &self,
        data_use: &DataUse,
        husband: &CitizenId,
    ) -> Result<(Option<CitizenId>, Option<SourceRecord>), StoreError> {
        let marriages = self.marriages_of(data_use, husband.as_str()).await?;
        let found = marriages.into_iter().rev().find(|m| {
            m.content["status"] == "married" && m.content["husband_id"] == husband.as_str()
        });
        let wife = found
            .as_ref()
            .and_then(|m| m.content["wife_id"].as_str())
            .and_then(|w| CitizenId::parse(w).ok());
        Ok((wife, found.map(|m| source(MARRIAGES, m))))
    }

    async fn birth_and_delivery(
        &self,
        data_use: &DataUse,
        mother: &CitizenId,
        subject: &ClaimSubject<'_>,
    ) -> Result<(Option<SourceRecord>, Option<SourceRecord>), StoreError> {
        let (from, to) = match subject.event_date {
            Some(date) => (date, date),
            None => (NaiveDate::MIN, subject.today),
        };
        let certificates = self
            .birth_certificates_of_mother(data_use, mother.as_str(), from, to)
            .await?;
        let certificate = match subject.certificate_no {
            Some(no) => certificates.into_iter().find(|c| c.key == no),
            None => certificates.into_iter().next_back(),
        }
        .map(|c| source(BIRTH_CERTIFICATES, c));
        let deliveries: Vec<SourceRecord> = self
            .delivery_records_of(data_use, mother.as_str())
            .await?
            .into_iter()
            .filter(|d| d.event_date.is_some_and(|e| e >= from && e <= to))
            .map(|d| source(DELIVERY_RECORDS, d))
            .collect();
        let birth = certificate
            .as_ref()
            .and_then(derive::certificate_birth_date);
        let delivery = derive::choose_delivery(&deliveries, birth).cloned();
        Ok((certificate, delivery))
    }

    /// The employer's wage of the previous year and the claimant's enrollment, employment
    /// and contributions on the event date.
    async fn on_event_date(
        &self,
        data_use: &DataUse,
        e: &mut Evidence,
        date: NaiveDate,
    ) -> Result<(), StoreError> {
        let person = e.claimant.as_str().to_owned();
        e.wage = self
            .employer_wage_previous_year(data_use, e.employer.as_str(), date)
            .await?
            .map(|r| source(EMPLOYER_WAGES, r));
        e.enrollment = self
            .insurance_enrollment_on(data_use, &person, date)
            .await?
            .map(|r| source(INSURANCE_ENROLLMENTS, r));
        e.employment = self
            .employment_status_on(data_use, &person, date)
            .await?
            .map(|r| source(EMPLOYMENT_STATUS, r));
        let month = YearMonth::of(date);
        let months = self
            .contribution_months(data_use, &person, month, CONTRIBUTION_WINDOW)
            .await?;
        e.contributions = Some(ContributionEvidence {
            before: month,
            continuous: months.continuous,
            total: months.total,
            paid: months.paid,
            keys: months.records.into_iter().map(|r| r.key).collect(),
        });
        Ok(())
    }
}

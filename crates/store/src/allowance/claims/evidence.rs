//! Gathers a claim's evidence from shared data, every read audited for the claim (EX-4),
//! and hands it to the pure derivation in `domain::allowance::derive`.

use chrono::NaiveDate;
use onething_domain::allowance::derive::{
    self, BIRTH_CERTIFICATES, ContributionEvidence, DELIVERY_RECORDS, EMPLOYER_WAGES,
    EMPLOYMENT_STATUS, INSURANCE_ENROLLMENTS, MARRIAGES,
};
use onething_domain::allowance::{Derived, Evidence, SourceRecord, WageBasis};
use onething_domain::{CitizenId, Sex, Uscc, YearMonth};

use std::collections::HashMap;

use chrono::Utc;
use onething_exchange::Dataset;

use crate::audit::{NewAuditEntry, append_audits_in};
use crate::shared_data::{DataUse, contribution_months_in, data_reads, latest_effective_in};
use crate::shared_records::{RECORD_COLUMNS, SharedRecord, record_of};
use sha2::{Digest, Sha256};

use super::{Claim, Derivation};
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

/// The `data_read` entries of one derivation, in the order the records were read.
type Reads = Vec<NewAuditEntry>;

/// A person's current records of the datasets a claim reads (by event date each): the
/// mother's certificates and deliveries, the claimant's enrollments, employment changes and
/// contributions. Read for one claim, or for a set of people at once.
#[derive(Debug, Default, Clone)]
struct PersonRecords {
    certificates: Vec<SharedRecord>,
    deliveries: Vec<SharedRecord>,
    enrollments: Vec<SharedRecord>,
    employment: Vec<SharedRecord>,
    contributions: Vec<SharedRecord>,
}

impl PersonRecords {
    fn push(&mut self, dataset: Dataset, record: SharedRecord) {
        match dataset {
            Dataset::BirthCertificates => self.certificates.push(record),
            Dataset::DeliveryRecords => self.deliveries.push(record),
            Dataset::InsuranceEnrollments => self.enrollments.push(record),
            Dataset::EmploymentStatus => self.employment.push(record),
            _ => self.contributions.push(record),
        }
    }

    fn all(&self) -> impl Iterator<Item = &SharedRecord> {
        self.certificates
            .iter()
            .chain(&self.deliveries)
            .chain(&self.enrollments)
            .chain(&self.employment)
            .chain(&self.contributions)
    }
}

/// One claim's derivation, nothing written yet.
#[derive(Debug, Clone)]
pub struct ClaimDerivation {
    pub evidence: Evidence,
    pub derived: Derived,
    /// The `data_read` entries of the records used, in the order read: the caller writes
    /// them in the transaction of the change they are for.
    pub reads: Vec<NewAuditEntry>,
    /// What it rested on, to keep on the claim.
    pub derivation: Derivation,
    employment_link: Option<SharedRecord>,
}

impl ClaimDerivation {
    /// The claimant's latest enrollment or contribution naming the employer (the proof she
    /// is or was its employee), its read recorded first; `None`: she is not.
    pub fn employment_link(&mut self, data_use: &DataUse) -> Option<SharedRecord> {
        let link = self.employment_link.clone()?;
        let who = ("person", self.evidence.claimant.as_str());
        let entries = data_reads(data_use, who, std::slice::from_ref(&link), Utc::now());
        self.reads.splice(0..0, entries);
        Some(link)
    }
}

/// The latest (by event date, then the first key) of the claimant's enrollments and
/// contributions that name the employer.
fn employment_link_in(records: &PersonRecords, employer: &Uscc) -> Option<SharedRecord> {
    records
        .enrollments
        .iter()
        .chain(&records.contributions)
        .filter(|r| r.employer_uscc.as_deref() == Some(employer.as_str()))
        .min_by(|a, b| b.event_date.cmp(&a.event_date).then(a.key.cmp(&b.key)))
        .cloned()
}

/// SHA-256 (hex) over records' dataset, key and version, in a fixed order.
fn versions_hash<'a>(records: impl Iterator<Item = (&'a str, &'a str, i64)>) -> String {
    let mut list: Vec<_> = records.collect();
    list.sort_unstable();
    let mut hasher = Sha256::new();
    for (dataset, key, version) in list {
        hasher.update(format!("{dataset}\t{key}\t{version}\n"));
    }
    hex::encode(hasher.finalize())
}

/// Which birth a claim is about: the certificate number named, if any, and the days an
/// event may fall on (the claim's fixed date, or anything up to today).
struct BirthQuery<'a> {
    certificate_no: Option<&'a str>,
    from: NaiveDate,
    to: NaiveDate,
}

impl<'a> BirthQuery<'a> {
    fn of(subject: &ClaimSubject<'a>) -> BirthQuery<'a> {
        let (from, to) = match subject.event_date {
            Some(date) => (date, date),
            None => (NaiveDate::MIN, subject.today),
        };
        BirthQuery {
            certificate_no: subject.certificate_no,
            from,
            to,
        }
    }
}

/// The certificate and delivery a claim is about, from the mother's records; the records
/// looked at are recorded in `reads` (the certificates in the date range, every delivery).
fn birth_and_delivery_in(
    data_use: &DataUse,
    mother: &CitizenId,
    query: &BirthQuery<'_>,
    records: &PersonRecords,
    reads: &mut Reads,
) -> (Option<SourceRecord>, Option<SourceRecord>) {
    let (from, to) = (query.from, query.to);
    let certificates: Vec<&SharedRecord> = records
        .certificates
        .iter()
        .filter(|r| r.event_date.is_some_and(|d| d >= from && d <= to))
        .collect();
    let who = ("person", mother.as_str());
    let at = Utc::now();
    let read: Vec<SharedRecord> = certificates.iter().map(|r| (*r).clone()).collect();
    reads.extend(data_reads(data_use, who, &read, at));
    let certificate = match query.certificate_no {
        Some(no) => certificates.into_iter().find(|c| c.key == no),
        None => certificates.into_iter().next_back(),
    }
    .map(|c| source(BIRTH_CERTIFICATES, c.clone()));
    reads.extend(data_reads(data_use, who, &records.deliveries, at));
    let deliveries: Vec<SourceRecord> = records
        .deliveries
        .iter()
        .filter(|d| d.event_date.is_some_and(|e| e >= from && e <= to))
        .map(|d| source(DELIVERY_RECORDS, d.clone()))
        .collect();
    let birth = certificate
        .as_ref()
        .and_then(derive::certificate_birth_date);
    let delivery = derive::choose_delivery(&deliveries, birth).cloned();
    (certificate, delivery)
}

/// The employer's wage of the year before the event and the claimant's enrollment,
/// employment and contributions on the event date, each read recorded in `reads`.
fn on_event_date_in(
    data_use: &DataUse,
    e: &mut Evidence,
    date: NaiveDate,
    wage: Option<SharedRecord>,
    records: PersonRecords,
    reads: &mut Reads,
) {
    let at = Utc::now();
    let person = e.claimant.as_str().to_owned();
    let who = ("person", person.as_str());
    let mut read_one = |subject: (&str, &str), found: Option<SharedRecord>| {
        reads.extend(data_reads(data_use, subject, found.as_slice(), at));
        found
    };
    e.wage = read_one(("employer", e.employer.as_str()), wage).map(|r| source(EMPLOYER_WAGES, r));
    e.enrollment = read_one(who, latest_effective_in(records.enrollments, date))
        .map(|r| source(INSURANCE_ENROLLMENTS, r));
    e.employment = read_one(who, latest_effective_in(records.employment, date))
        .map(|r| source(EMPLOYMENT_STATUS, r));
    let month = YearMonth::of(date);
    let months = contribution_months_in(records.contributions, month, CONTRIBUTION_WINDOW);
    reads.extend(data_reads(data_use, who, &months.records, at));
    e.contributions = Some(ContributionEvidence {
        before: month,
        continuous: months.continuous,
        total: months.total,
        paid: months.paid,
        keys: months.records.into_iter().map(|r| r.key).collect(),
    });
}

/// The key of an employer's wage record for an event on `date` (the year before).
fn wage_key(employer: &Uscc, date: NaiveDate) -> String {
    format!("{}|{}", employer.as_str(), derive::wage_year(date))
}

/// One mother's evidence derived in a set (免申即享): the employer is the one of her
/// enrollment in force on the event date (`None`: no event, or no enrollment naming an
/// employer; nothing derived).
#[derive(Debug, Clone)]
pub struct SetDerived {
    pub person: CitizenId,
    pub employer: Option<Uscc>,
    pub derived: Option<Derived>,
    /// The `data_read` entries of the records read (under the `DataUse` given for her);
    /// the caller writes them with what it decides.
    pub reads: Vec<NewAuditEntry>,
}

/// A mother's records and what the first pass found: her birth and her employer.
struct FirstPass<'a> {
    mother: &'a CitizenId,
    data_use: &'a DataUse,
    records: PersonRecords,
    certificate: Option<SourceRecord>,
    delivery: Option<SourceRecord>,
    date: Option<NaiveDate>,
    employer: Option<Uscc>,
    reads: Reads,
}

impl Store {
    /// Reads every shared record a claim needs (audited under `data_use`, the entries in
    /// one statement) and derives its facts and what is missing.
    pub async fn derive_claim(
        &self,
        data_use: &DataUse,
        subject: &ClaimSubject<'_>,
    ) -> Result<(Evidence, Derived), StoreError> {
        let found = self.derive_claim_unwritten(data_use, subject).await?;
        self.record_reads(&found.reads).await?;
        Ok((found.evidence, found.derived))
    }

    /// [`Store::derive_claim`] without writing the reads: the caller writes
    /// [`ClaimDerivation::reads`] in the transaction of the change they are for. Every
    /// record of the claim's people is read in one query (a father's marriages first).
    pub async fn derive_claim_unwritten(
        &self,
        data_use: &DataUse,
        subject: &ClaimSubject<'_>,
    ) -> Result<ClaimDerivation, StoreError> {
        let claimant = subject.claimant;
        let mut reads = Reads::new();
        let (mother, marriage, marriages) = if claimant.sex() == Sex::Male {
            self.wife_of(data_use, claimant, &mut reads).await?
        } else {
            (Some(claimant.clone()), None, Vec::new())
        };
        let (records, wages) = self
            .claim_records(mother.as_ref(), claimant, subject.employer)
            .await?;
        let employment_link = employment_link_in(&records, subject.employer);
        let (certificate, delivery) = match &mother {
            Some(m) => {
                let query = BirthQuery::of(subject);
                birth_and_delivery_in(data_use, m, &query, &records, &mut reads)
            }
            None => (None, None),
        };
        let mut evidence = Evidence {
            claimant: claimant.clone(),
            employer: subject.employer.clone(),
            mother: mother.clone(),
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
        let wage = date.and_then(|d| {
            let key = wage_key(subject.employer, d);
            wages.into_iter().find(|w| w.key == key)
        });
        let versions = versions_hash(
            marriages
                .iter()
                .chain(records.all())
                .chain(wage.iter())
                .map(|r| (r.dataset.as_str(), r.key.as_str(), r.version)),
        );
        if let Some(date) = date {
            on_event_date_in(data_use, &mut evidence, date, wage, records, &mut reads);
        }
        let derived = derive::derive(&evidence, data_use.case_id.as_deref().unwrap_or(""));
        let derivation = Derivation {
            versions,
            basis: WageBasis::effective(subject.basis),
            mother: mother
                .filter(|m| m != claimant)
                .map(|m| m.as_str().to_owned()),
            input: derived.maternity.clone(),
        };
        Ok(ClaimDerivation {
            evidence,
            derived,
            reads,
            derivation,
            employment_link,
        })
    }

    /// The claim's records in one query: the mother's certificates and deliveries, the
    /// claimant's enrollments, employment changes and contributions (each by event date, as
    /// [`Store::current_shared_records_of_subject`] answers them), and the employer's wages.
    async fn claim_records(
        &self,
        mother: Option<&CitizenId>,
        claimant: &CitizenId,
        employer: &Uscc,
    ) -> Result<(PersonRecords, Vec<SharedRecord>), StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {RECORD_COLUMNS} FROM shared_records
             WHERE is_current = 1 AND dataset IN ($1, $2) AND subject_id = $3
             UNION ALL
             SELECT {RECORD_COLUMNS} FROM shared_records
             WHERE is_current = 1 AND dataset IN ($4, $5, $6) AND subject_id = $7
             UNION ALL
             SELECT {RECORD_COLUMNS} FROM shared_records
             WHERE is_current = 1 AND dataset = $8 AND employer_uscc = $9
             ORDER BY event_date, record_key"
        )))
        .bind(Dataset::BirthCertificates.as_str())
        .bind(Dataset::DeliveryRecords.as_str())
        .bind(mother.map(CitizenId::as_str))
        .bind(Dataset::InsuranceEnrollments.as_str())
        .bind(Dataset::EmploymentStatus.as_str())
        .bind(Dataset::Contributions.as_str())
        .bind(claimant.as_str())
        .bind(Dataset::EmployerWages.as_str())
        .bind(employer.as_str())
        .fetch_all(self.pool())
        .await?;
        let mut records = PersonRecords::default();
        let mut wages = Vec::new();
        for row in &rows {
            let record = record_of(row)?;
            match record.dataset {
                Dataset::EmployerWages => wages.push(record),
                dataset => records.push(dataset, record),
            }
        }
        Ok((records, wages))
    }

    /// Whether the claim's last derivation still holds: made with the wage basis the claim
    /// has now, and no current record of its people (or the wage of its year) added or
    /// corrected since — one query on the records' versions, no content read.
    pub async fn derivation_unchanged(&self, claim: &Claim) -> Result<bool, StoreError> {
        let (Some(derivation), Some(date)) = (&claim.derivation, claim.event_date) else {
            return Ok(false);
        };
        if derivation.basis != WageBasis::effective(claim.wage_basis) {
            return Ok(false);
        }
        let claimant = CitizenId::parse(&claim.person_id)
            .map_err(|e| StoreError::corrupt(format!("claim person: {e}")))?;
        let employer = Uscc::parse(&claim.employer_uscc)
            .map_err(|e| StoreError::corrupt(format!("claim employer: {e}")))?;
        let father = claimant.sex() == Sex::Male;
        let mother = if father {
            derivation.mother.as_deref()
        } else {
            Some(claimant.as_str())
        };
        let rows: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT dataset, record_key, version FROM shared_records
             WHERE is_current = 1 AND dataset IN ($1, $2) AND subject_id = $3
             UNION ALL
             SELECT dataset, record_key, version FROM shared_records
             WHERE is_current = 1 AND dataset IN ($4, $5, $6) AND subject_id = $7
             UNION ALL
             SELECT dataset, record_key, version FROM shared_records
             WHERE is_current = 1 AND dataset = $8 AND record_key = $9
             UNION ALL
             SELECT dataset, record_key, version FROM shared_records
             WHERE is_current = 1 AND dataset = $10 AND (subject_id = $11 OR other_id = $11)",
        )
        .bind(Dataset::BirthCertificates.as_str())
        .bind(Dataset::DeliveryRecords.as_str())
        .bind(mother)
        .bind(Dataset::InsuranceEnrollments.as_str())
        .bind(Dataset::EmploymentStatus.as_str())
        .bind(Dataset::Contributions.as_str())
        .bind(claimant.as_str())
        .bind(Dataset::EmployerWages.as_str())
        .bind(wage_key(&employer, date))
        .bind(Dataset::Marriages.as_str())
        .bind(father.then_some(claimant.as_str()))
        .fetch_all(self.pool())
        .await?;
        let now = versions_hash(rows.iter().map(|(d, k, v)| (d.as_str(), k.as_str(), *v)));
        Ok(now == derivation.versions)
    }

    /// Writes `data_read` entries on their own (one statement, one commit): for reads no
    /// change carries (a preview, a refused request).
    pub async fn record_reads(&self, reads: &[NewAuditEntry]) -> Result<(), StoreError> {
        if reads.is_empty() {
            return Ok(());
        }
        let mut tx = self.begin_write().await?;
        append_audits_in(&mut tx, reads).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Derives the claims of a set of mothers at once (免申即享): the records of every
    /// dataset read for the whole set in one query each, then each mother's evidence
    /// assembled as [`Store::derive_claim`] does for one claim (same choices, same reads),
    /// with `today` as the last day an event may fall on and the average wage as basis.
    /// Nothing is written: each result carries its `data_read` entries.
    pub async fn derive_claims_set(
        &self,
        mothers: &[(CitizenId, DataUse)],
        today: NaiveDate,
    ) -> Result<Vec<SetDerived>, StoreError> {
        let ids: Vec<&str> = mothers.iter().map(|(m, _)| m.as_str()).collect();
        let mut by_person: HashMap<String, PersonRecords> = HashMap::new();
        for dataset in [
            Dataset::BirthCertificates,
            Dataset::DeliveryRecords,
            Dataset::InsuranceEnrollments,
            Dataset::EmploymentStatus,
            Dataset::Contributions,
        ] {
            for record in self.current_of_subjects(dataset, &ids).await? {
                let Some(subject) = record.subject_id.clone() else {
                    continue;
                };
                by_person.entry(subject).or_default().push(dataset, record);
            }
        }
        // First each mother's birth and employer, then every wage in one query.
        let query = BirthQuery {
            certificate_no: None,
            from: NaiveDate::MIN,
            to: today,
        };
        let mut firsts = Vec::with_capacity(mothers.len());
        for (mother, data_use) in mothers {
            let records = by_person.remove(mother.as_str()).unwrap_or_default();
            let mut reads = Reads::new();
            let (certificate, delivery) =
                birth_and_delivery_in(data_use, mother, &query, &records, &mut reads);
            let date = derive::event_date(delivery.as_ref(), certificate.as_ref());
            let employer = date
                .and_then(|d| latest_effective_in(records.enrollments.iter().cloned(), d))
                .and_then(|r| r.employer_uscc)
                .and_then(|u| Uscc::parse(&u).ok());
            firsts.push(FirstPass {
                mother,
                data_use,
                records,
                certificate,
                delivery,
                date,
                employer,
                reads,
            });
        }
        let wage_keys: Vec<String> = firsts
            .iter()
            .filter_map(|f| f.date.zip(f.employer.as_ref()).map(|(d, e)| wage_key(e, d)))
            .collect();
        let keys: Vec<&str> = wage_keys.iter().map(String::as_str).collect();
        let wages: HashMap<String, SharedRecord> = self
            .current_of_keys(Dataset::EmployerWages, &keys)
            .await?
            .into_iter()
            .map(|r| (r.key.clone(), r))
            .collect();
        Ok(firsts.into_iter().map(|f| second_pass(f, &wages)).collect())
    }

    /// A father's wife in a current, married marriage record; the marriages read are
    /// recorded in `reads` and answered too (the derivation's versions cover them).
    async fn wife_of(
        &self,
        data_use: &DataUse,
        husband: &CitizenId,
        reads: &mut Reads,
    ) -> Result<(Option<CitizenId>, Option<SourceRecord>, Vec<SharedRecord>), StoreError> {
        let marriages = self.current_marriages_of(husband.as_str()).await?;
        let who = ("person", husband.as_str());
        reads.extend(data_reads(data_use, who, &marriages, Utc::now()));
        let found = marriages.iter().rev().find(|m| {
            m.content["status"] == "married" && m.content["husband_id"] == husband.as_str()
        });
        let wife = found
            .and_then(|m| m.content["wife_id"].as_str())
            .and_then(|w| CitizenId::parse(w).ok());
        let marriage = found.map(|m| source(MARRIAGES, m.clone()));
        Ok((wife, marriage, marriages))
    }
}

/// A mother's evidence on her event date, with the wage found for her employer.
fn second_pass(f: FirstPass<'_>, wages: &HashMap<String, SharedRecord>) -> SetDerived {
    let mut reads = f.reads;
    let (Some(date), Some(employer)) = (f.date, f.employer) else {
        return SetDerived {
            person: f.mother.clone(),
            employer: None,
            derived: None,
            reads,
        };
    };
    let mut evidence = Evidence {
        claimant: f.mother.clone(),
        employer: employer.clone(),
        mother: Some(f.mother.clone()),
        marriage: None,
        certificate: f.certificate,
        uploaded_certificate_no: None,
        delivery: f.delivery,
        wage: None,
        enrollment: None,
        employment: None,
        contributions: None,
        basis: Some(WageBasis::AvgWage),
    };
    let wage = wages.get(&wage_key(&employer, date)).cloned();
    on_event_date_in(f.data_use, &mut evidence, date, wage, f.records, &mut reads);
    let case_id = f.data_use.case_id.as_deref().unwrap_or("");
    SetDerived {
        person: f.mother.clone(),
        employer: Some(employer),
        derived: Some(derive::derive(&evidence, case_id)),
        reads,
    }
}

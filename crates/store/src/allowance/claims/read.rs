//! Reading claims: one claim, the claims a scope reaches, the employer's offers, and the
//! duplicate attempts kept for supervision.

use chrono::{DateTime, NaiveDate, Utc};
use onething_domain::access::mask_id_text;
use onething_domain::allowance::derive::{certificate_birth_date, grants_allowance};
use onething_domain::allowance::{ClaimStatus, SourceRecord, WageBasis};
use onething_exchange::Dataset;
use sqlx::Row;

use super::{BankAccount, Claim};
use crate::columns::Columns;
use crate::parameter_snapshots::params_used_column;
use crate::shared_data::DataUse;
use crate::text::{parse_instant, parse_json, parse_opt_date};
use crate::{Store, StoreError};

/// The claim row's own columns, read from `ma_claims c`.
const ROW_COLUMNS: &str = "c.id, c.case_id, c.employer_uscc, c.person_id, c.channel, c.status, \
    c.duplicate_key, c.certificate_no, c.event_date, c.region, c.wage_basis, c.amount_fen, \
    c.payee, c.needs_review, c.authorization_ref, c.account_name, c.bank, c.account_number, \
    c.reject_code, c.reject_note, c.created_by, c.created_at, c.submitted_at, c.reviewed_at, \
    c.reviewed_by, c.approved_on, c.payment_due, c.payment_due_provisional, c.updated_at, \
    c.version";

/// The findings' facts, what is missing and the derivation, from `ma_claim_findings f`; a
/// claim without findings has none.
const FACTS_COLUMNS: &str = "COALESCE(f.facts, '[]') AS facts, \
    COALESCE(f.missing, '[]') AS missing, f.derivation";
const NO_FACTS: &str = "'[]' AS facts, '[]' AS missing, CAST(NULL AS TEXT) AS derivation";

/// The decision (from the findings) and the parameters it used.
const DECISION_COLUMNS: &str = concat!("f.decision, ", params_used_column!());
const NO_DECISION: &str = "CAST(NULL AS TEXT) AS decision, CAST(NULL AS TEXT) AS params_used";

/// The select list and the `FROM` of a claim read with its facts and/or decision or
/// without: the findings table is joined only when something of it is read. The claim row
/// is `c`, its findings `f`.
pub(super) fn claim_select(facts: bool, decision: bool) -> (String, &'static str) {
    let columns = format!(
        "{ROW_COLUMNS}, {}, {}",
        if facts { FACTS_COLUMNS } else { NO_FACTS },
        if decision {
            DECISION_COLUMNS
        } else {
            NO_DECISION
        },
    );
    let from = if facts || decision {
        "ma_claims c LEFT JOIN ma_claim_findings f ON f.claim_id = c.id"
    } else {
        "ma_claims c"
    };
    (columns, from)
}

/// Which claims to list; `None` matches all.
#[derive(Debug, Clone, Default)]
pub struct ClaimFilter {
    pub employer_uscc: Option<String>,
    pub person_id: Option<String>,
    /// Claims whose region starts with this (a province's two digits, a city's four, a
    /// county's six): a clerk's region scope.
    pub region_prefix: Option<String>,
    pub status: Option<ClaimStatus>,
    pub limit: u32,
}

/// An employee with a pushed birth or delivery and no claim yet (MA-2's proactive list).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    pub person_id: String,
    /// An opaque handle for the person, usable in place of the id when opening a claim.
    pub person_ref: String,
    pub event_date: NaiveDate,
    pub certificate_no: Option<String>,
    /// The region's application limit has passed for this event (`application_limit_months`):
    /// still offered, since only opening the claim decides, but marked. Set by the services
    /// layer, which knows the parameters; the store leaves it false.
    pub past_limit: bool,
    /// The limit in months, when one applies to the event.
    pub limit_months: Option<u32>,
}

/// Where an offer's `person_ref` points: a shared record whose subject is the person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferSource {
    pub dataset: Dataset,
    pub key: String,
}

/// A refused duplicate (RB-6), for supervisors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateAttempt {
    pub id: String,
    /// The claimant id masked, and the event date.
    pub claimant_masked: String,
    pub event_date: String,
    pub existing_claim: String,
    pub employer_uscc: String,
    pub channel: String,
    pub attempted_by: String,
    pub attempted_at: DateTime<Utc>,
}

impl Store {
    /// One claim.
    pub async fn claim(&self, id: &str) -> Result<Claim, StoreError> {
        let (columns, from) = claim_select(true, true);
        let sql = format!("SELECT {columns} FROM {from} WHERE c.id = $1");
        self.read_claim(sql, &[id], claim_of).await
    }

    /// The claim `id` (the first of `params`) as `sql` reads it and `map` maps it;
    /// `NotFound` when there is no such claim.
    pub(super) async fn read_claim<T>(
        &self,
        sql: String,
        params: &[&str],
        map: impl FnMut(&dyn Columns) -> Result<T, StoreError> + Send,
    ) -> Result<T, StoreError> {
        self.read_row(sql, params, map)
            .await?
            .ok_or_else(|| StoreError::NotFound {
                what: "claim",
                id: params.first().copied().unwrap_or_default().to_owned(),
            })
    }

    /// The claim whose case `case_id` is (a department's result names the case).
    pub async fn claim_id_of_case(&self, case_id: &str) -> Result<Option<String>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT id FROM ma_claims WHERE case_id = $1")
                .bind(case_id)
                .fetch_optional(self.pool())
                .await?,
        )
    }

    /// Claims matching `filter`, newest first.
    pub async fn claims(&self, filter: &ClaimFilter) -> Result<Vec<Claim>, StoreError> {
        let (columns, from) = claim_select(true, true);
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {columns} FROM {from}
             WHERE ($1 IS NULL OR c.employer_uscc = $1) AND ($2 IS NULL OR c.person_id = $2)
               AND ($3 IS NULL OR c.region LIKE $3) AND ($4 IS NULL OR c.status = $4)
             ORDER BY c.created_at DESC, c.id LIMIT $5"
        )))
        .bind(filter.employer_uscc.as_deref())
        .bind(filter.person_id.as_deref())
        .bind(filter.region_prefix.as_ref().map(|p| format!("{p}%")))
        .bind(filter.status.map(ClaimStatus::as_str))
        .bind(i64::from(filter.limit))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(|row| claim_of(row)).collect()
    }

    /// The employer's offers: one per employee and event date with no claim yet, however
    /// long ago (reads audited).
    pub async fn offers(
        &self,
        data_use: &DataUse,
        employer_uscc: &str,
        today: NaiveDate,
    ) -> Result<Vec<Offer>, StoreError> {
        let records = self
            .employer_offer_records(data_use, employer_uscc, today)
            .await?;
        let mut offers: Vec<Offer> = Vec::new();
        for r in records {
            let (Some(person), Some(date)) = (r.subject_id.clone(), r.event_date) else {
                continue;
            };
            if r.dataset == Dataset::DeliveryRecords && !grants_allowance(&r.content) {
                continue;
            }
            let certificate_no = (r.dataset == Dataset::BirthCertificates).then(|| r.key.clone());
            let date = match r.dataset {
                Dataset::BirthCertificates => {
                    let source = SourceRecord {
                        dataset: "birth-certificates",
                        key: r.key.clone(),
                        content: r.content.clone(),
                    };
                    certificate_birth_date(&source).unwrap_or(date)
                }
                _ => date,
            };
            let handle = OfferSource {
                dataset: r.dataset,
                key: r.key.clone(),
            };
            match offers
                .iter_mut()
                .find(|o| o.person_id == person && o.event_date == date)
            {
                Some(existing) => {
                    if existing.certificate_no.is_none() {
                        existing.certificate_no = certificate_no;
                    }
                }
                None => offers.push(Offer {
                    person_id: person,
                    person_ref: self.offer_handle(employer_uscc, &handle).await?,
                    event_date: date,
                    certificate_no,
                    past_limit: false,
                    limit_months: None,
                }),
            }
        }
        Ok(offers)
    }

    /// The opaque handle of `source` for `employer_uscc` (made on first use): random, so it
    /// reveals and predicts nothing; the same record keeps its handle for that employer.
    async fn offer_handle(
        &self,
        employer_uscc: &str,
        source: &OfferSource,
    ) -> Result<String, StoreError> {
        sqlx::query(
            "INSERT INTO offer_handles (handle, employer_uscc, dataset, record_key, created_at)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (employer_uscc, dataset, record_key) DO NOTHING",
        )
        .bind(uuid::Uuid::new_v4().simple().to_string())
        .bind(employer_uscc)
        .bind(source.dataset.as_str())
        .bind(&source.key)
        .bind(crate::text::instant(chrono::Utc::now()))
        .execute(self.pool())
        .await?;
        Ok(sqlx::query_scalar(
            "SELECT handle FROM offer_handles
             WHERE employer_uscc = $1 AND dataset = $2 AND record_key = $3",
        )
        .bind(employer_uscc)
        .bind(source.dataset.as_str())
        .bind(&source.key)
        .fetch_one(self.pool())
        .await?)
    }

    /// The person a `person_ref` points at, if it is a handle given to `employer_uscc` and
    /// its record is still there; a handle of another employer resolves to nothing.
    pub async fn resolve_person_ref(
        &self,
        employer_uscc: &str,
        person_ref: &str,
    ) -> Result<Option<String>, StoreError> {
        let row: Option<(String, String)> = sqlx::query_as(
            "SELECT dataset, record_key FROM offer_handles WHERE handle = $1 AND employer_uscc = $2",
        )
        .bind(person_ref)
        .bind(employer_uscc)
        .fetch_optional(self.pool())
        .await?;
        let Some((dataset, key)) = row else {
            return Ok(None);
        };
        let Some(dataset) = Dataset::from_path_segment(&dataset) else {
            return Ok(None);
        };
        let record = self.current_shared_record(dataset, &key).await?;
        Ok(record.and_then(|r| r.subject_id))
    }

    /// Refused duplicates, newest first.
    pub async fn duplicate_attempts(
        &self,
        limit: u32,
    ) -> Result<Vec<DuplicateAttempt>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, duplicate_key, existing_claim, employer_uscc, channel, attempted_by, attempted_at
             FROM ma_duplicate_attempts ORDER BY attempted_at DESC, id LIMIT $1",
        )
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                let key: String = row.try_get("duplicate_key")?;
                let (claimant, date) = key.split_once('|').unwrap_or((key.as_str(), ""));
                Ok(DuplicateAttempt {
                    id: row.try_get("id")?,
                    claimant_masked: mask_id_text(claimant),
                    event_date: date.to_owned(),
                    existing_claim: row.try_get("existing_claim")?,
                    employer_uscc: row.try_get("employer_uscc")?,
                    channel: row.try_get("channel")?,
                    attempted_by: row.try_get("attempted_by")?,
                    attempted_at: parse_instant(&row.try_get::<String, _>("attempted_at")?)?,
                })
            })
            .collect()
    }
}

fn opt_instant(row: &dyn Columns, column: &str) -> Result<Option<DateTime<Utc>>, StoreError> {
    let text: Option<String> = row.get(column)?;
    text.as_deref().map(parse_instant).transpose()
}

pub(super) fn claim_of(row: &dyn Columns) -> Result<Claim, StoreError> {
    let status: String = row.get("status")?;
    let basis: Option<String> = row.get("wage_basis")?;
    let decision: Option<String> = row.get("decision")?;
    let params: Option<String> = row.get("params_used")?;
    let authorisation: Option<String> = row.get("authorization_ref")?;
    let number: Option<String> = row.get("account_number")?;
    let bank_account = match number {
        Some(number) => Some(BankAccount {
            name: row
                .get::<Option<String>>("account_name")?
                .unwrap_or_default(),
            bank: row.get::<Option<String>>("bank")?.unwrap_or_default(),
            number,
        }),
        None => None,
    };
    let id: String = row.get("id")?;
    let case_id: Option<String> = row.get("case_id")?;
    Ok(Claim {
        case_id: case_id.ok_or_else(|| StoreError::corrupt(format!("claim {id} has no case")))?,
        id,
        employer_uscc: row.get("employer_uscc")?,
        person_id: row.get("person_id")?,
        channel: row.get("channel")?,
        status: ClaimStatus::parse(&status)
            .ok_or_else(|| StoreError::corrupt(format!("claim status {status:?}")))?,
        duplicate_key: row.get("duplicate_key")?,
        certificate_no: row.get("certificate_no")?,
        event_date: parse_opt_date(row.get("event_date")?)?,
        region: row.get("region")?,
        wage_basis: basis.as_deref().and_then(WageBasis::parse),
        facts: parse_json(&row.get::<String>("facts")?)?,
        missing: parse_json(&row.get::<String>("missing")?)?,
        decision: decision.as_deref().map(parse_json).transpose()?,
        params_used: params.as_deref().map(parse_json).transpose()?,
        amount_fen: row.get("amount_fen")?,
        payee: row.get("payee")?,
        needs_review: row.get::<i64>("needs_review")? != 0,
        authorisation: authorisation.as_deref().map(parse_json).transpose()?,
        bank_account,
        reject_code: row.get("reject_code")?,
        reject_note: row.get("reject_note")?,
        created_by: row.get("created_by")?,
        created_at: parse_instant(&row.get::<String>("created_at")?)?,
        submitted_at: opt_instant(row, "submitted_at")?,
        reviewed_at: opt_instant(row, "reviewed_at")?,
        reviewed_by: row.get("reviewed_by")?,
        approved_on: parse_opt_date(row.get("approved_on")?)?,
        payment_due: parse_opt_date(row.get("payment_due")?)?,
        payment_due_provisional: row.get::<i64>("payment_due_provisional")? != 0,
        derivation: row
            .get::<Option<String>>("derivation")?
            .as_deref()
            .map(parse_json)
            .transpose()?,
        updated_at: parse_instant(&row.get::<String>("updated_at")?)?,
        version: row.get("version")?,
    })
}

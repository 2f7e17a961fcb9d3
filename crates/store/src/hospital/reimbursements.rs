//! Reimbursements at the window (RB-3) and the hospital's settlement account.

use chrono::{DateTime, NaiveDate, Utc};
use onething_domain::access::Role;
use onething_domain::hospital::CostLine;
use serde::{Deserialize, Serialize};
use sqlx::Row;
use sqlx::any::AnyRow;

use onething_domain::Calendar;

use super::{WindowCase, open_window_case_in};
use crate::audit::{NewAuditEntry, append_audit_in};
use crate::payables::{Account, NewPayable, create_payable_in};
use crate::text::{date, instant, json, parse_date, parse_instant, parse_json};
use crate::{Store, StoreError};

/// A stored line (as computed, with its explanation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredLine {
    pub kind: String,
    pub amount_fen: i64,
    pub fund_pays_fen: i64,
    pub explanation: String,
}

impl From<&CostLine> for StoredLine {
    fn from(l: &CostLine) -> Self {
        StoredLine {
            kind: l.kind.to_owned(),
            amount_fen: l.amount_fen,
            fund_pays_fen: l.fund_pays_fen,
            explanation: l.explanation.clone(),
        }
    }
}

/// A reimbursement as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Reimbursement {
    pub id: String,
    pub request_key: String,
    pub hospital_id: String,
    pub region: String,
    pub person_id: String,
    pub delivery_record_id: String,
    pub event_type: String,
    pub event_date: NaiveDate,
    /// `insured` or `filed_spouse`.
    pub coverage: String,
    pub filing_id: Option<String>,
    pub total_cost_fen: i64,
    pub fund_pays_fen: i64,
    pub person_pays_fen: i64,
    pub lines: Vec<StoredLine>,
    pub explanation: String,
    pub payable_id: String,
    /// The case it opened (none for reimbursements recorded before cases were opened).
    pub case_id: Option<String>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

/// Why a reimbursement was not recorded.
#[derive(Debug, thiserror::Error)]
pub enum ReimbursementError {
    /// The delivery was reimbursed already (the unique index).
    #[error("delivery reimbursed already by {existing}")]
    Exists { existing: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

const COLUMNS: &str = "id, request_key, hospital_id, region, person_id, delivery_record_id,
    event_type, event_date, coverage, filing_id, total_cost_fen, fund_pays_fen, person_pays_fen,
    lines, explanation, payable_id, case_id, created_by, created_at";

impl Store {
    /// Records the reimbursement, its case, its payable to the hospital and the audit entry
    /// in one transaction. The same request key again returns the reimbursement on record; the
    /// same delivery under another key is [`ReimbursementError::Exists`].
    pub async fn record_reimbursement(
        &self,
        r: &Reimbursement,
        payable: &NewPayable,
        role: Role,
        window_case: &WindowCase,
        calendar: &Calendar,
    ) -> Result<Reimbursement, ReimbursementError> {
        if let Some(done) = self
            .one_reimbursement("request_key", &r.request_key)
            .await?
        {
            return Ok(done);
        }
        let catalog = self.current_catalog().await?;
        let mut tx = self.begin_write().await?;
        // The case first: the row and the payable refer to it.
        open_window_case_in(&mut tx, &catalog, window_case, calendar).await?;
        let inserted = insert(&mut tx, r).await;
        if let Err(e) = inserted {
            drop(tx);
            if e.is_unique_violation() {
                let existing = self
                    .one_reimbursement("delivery_record_id", &r.delivery_record_id)
                    .await?
                    .map_or_else(String::new, |x| x.id);
                return Err(ReimbursementError::Exists { existing });
            }
            return Err(e.into());
        }
        create_payable_in(&mut tx, payable).await?;
        let entry = NewAuditEntry {
            at: r.created_at,
            actor: r.created_by.clone(),
            role: Some(role),
            action: "reimbursed_at_window".into(),
            subject_type: "reimbursement".into(),
            subject_id: r.id.clone(),
            case_id: r.case_id.clone(),
            detail: serde_json::json!({
                "hospital_id": r.hospital_id,
                "delivery_record_id": r.delivery_record_id,
                "fund_pays_fen": r.fund_pays_fen,
                "person_pays_fen": r.person_pays_fen,
                "payable_id": r.payable_id,
            }),
        };
        append_audit_in(&mut tx, &entry).await?;
        tx.commit().await.map_err(StoreError::from)?;
        self.one_reimbursement("id", &r.id)
            .await?
            .ok_or_else(|| StoreError::Corrupt("reimbursement vanished".into()).into())
    }

    pub async fn reimbursement(&self, id: &str) -> Result<Option<Reimbursement>, StoreError> {
        self.one_reimbursement("id", id).await
    }

    /// A hospital's reimbursements, newest first.
    pub async fn reimbursements_of_hospital(
        &self,
        hospital_id: &str,
        limit: u32,
    ) -> Result<Vec<Reimbursement>, StoreError> {
        let table = ("hospital_reimbursements", COLUMNS);
        super::of_hospital(self, table, hospital_id, limit, reimbursement_of).await
    }

    /// Whether the hospital's window reimbursed the person's delivery costs (the allowance
    /// is claimed there after the reimbursement, seed 002 三(二)1).
    pub async fn reimbursed_at(
        &self,
        hospital_id: &str,
        person_id: &str,
        except_event_type: &str,
    ) -> Result<bool, StoreError> {
        let found: Option<String> = sqlx::query_scalar(
            "SELECT id FROM hospital_reimbursements
             WHERE hospital_id = $1 AND person_id = $2 AND event_type <> $3 LIMIT 1",
        )
        .bind(hospital_id)
        .bind(person_id)
        .bind(except_event_type)
        .fetch_optional(self.pool())
        .await?;
        Ok(found.is_some())
    }

    /// The hospital's settlement account, if its window has entered one.
    pub async fn hospital_account(&self, hospital_id: &str) -> Result<Option<Account>, StoreError> {
        let row = sqlx::query(
            "SELECT account_name, bank, account_number FROM hospital_accounts WHERE hospital_id = $1",
        )
        .bind(hospital_id)
        .fetch_optional(self.pool())
        .await?;
        row.map(|r| {
            Ok(Account {
                name: r.try_get("account_name")?,
                bank: r.try_get("bank")?,
                number: r.try_get("account_number")?,
            })
        })
        .transpose()
    }

    /// Sets the hospital's account (validated by the caller), audited with the old number's
    /// tail so a change is traceable.
    pub async fn set_hospital_account(
        &self,
        hospital_id: &str,
        account: &Account,
        by: (&str, Role),
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO hospital_accounts (hospital_id, account_name, bank, account_number, updated_by, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (hospital_id) DO UPDATE SET account_name = $2, bank = $3,
                 account_number = $4, updated_by = $5, updated_at = $6",
        )
        .bind(hospital_id)
        .bind(&account.name)
        .bind(&account.bank)
        .bind(&account.number)
        .bind(by.0)
        .bind(instant(at))
        .execute(&mut *tx)
        .await?;
        let tail: String = account
            .number
            .chars()
            .rev()
            .take(4)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let entry = NewAuditEntry {
            at,
            actor: by.0.to_owned(),
            role: Some(by.1),
            action: "hospital_account_set".into(),
            subject_type: "hospital".into(),
            subject_id: hospital_id.to_owned(),
            case_id: None,
            detail: serde_json::json!({"bank": account.bank, "number_tail": tail}),
        };
        append_audit_in(&mut tx, &entry).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn one_reimbursement(
        &self,
        column: &'static str,
        value: &str,
    ) -> Result<Option<Reimbursement>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM hospital_reimbursements WHERE {column} = $1"
        )))
        .bind(value)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(reimbursement_of).transpose()
    }
}

async fn insert(tx: &mut crate::payables::Tx, r: &Reimbursement) -> Result<(), StoreError> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO hospital_reimbursements ({COLUMNS})
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
                 $19)"
    )))
    .bind(&r.id)
    .bind(&r.request_key)
    .bind(&r.hospital_id)
    .bind(&r.region)
    .bind(&r.person_id)
    .bind(&r.delivery_record_id)
    .bind(&r.event_type)
    .bind(date(r.event_date))
    .bind(&r.coverage)
    .bind(r.filing_id.as_deref())
    .bind(r.total_cost_fen)
    .bind(r.fund_pays_fen)
    .bind(r.person_pays_fen)
    .bind(json(&r.lines)?)
    .bind(&r.explanation)
    .bind(&r.payable_id)
    .bind(r.case_id.as_deref())
    .bind(&r.created_by)
    .bind(instant(r.created_at))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

fn reimbursement_of(row: &AnyRow) -> Result<Reimbursement, StoreError> {
    Ok(Reimbursement {
        id: row.try_get("id")?,
        request_key: row.try_get("request_key")?,
        hospital_id: row.try_get("hospital_id")?,
        region: row.try_get("region")?,
        person_id: row.try_get("person_id")?,
        delivery_record_id: row.try_get("delivery_record_id")?,
        event_type: row.try_get("event_type")?,
        event_date: parse_date(&row.try_get::<String, _>("event_date")?)?,
        coverage: row.try_get("coverage")?,
        filing_id: row.try_get("filing_id")?,
        total_cost_fen: row.try_get("total_cost_fen")?,
        fund_pays_fen: row.try_get("fund_pays_fen")?,
        person_pays_fen: row.try_get("person_pays_fen")?,
        lines: parse_json(&row.try_get::<String, _>("lines")?)?,
        explanation: row.try_get("explanation")?,
        payable_id: row.try_get("payable_id")?,
        case_id: row.try_get("case_id")?,
        created_by: row.try_get("created_by")?,
        created_at: parse_instant(&row.try_get::<String, _>("created_at")?)?,
    })
}

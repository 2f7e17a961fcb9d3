//! A payable's account: the copy frozen at approval and each correction after a failed
//! payment (更正收款账户), kept as history. A correction keeps the payable `failed` and marks
//! it `account_corrected_at`, which puts it into the next run.

use chrono::{DateTime, Utc};
use onething_domain::Fen;
use onething_domain::allowance::settlement::{PayeeAccount, mask_account};
use serde_json::json;
use sqlx::Row;

use super::effects::{PayableChange, PayableEvent, apply_in};
use super::sql::{AuditIn, audit_in};
use super::{Account, Acting, PayableError, PayableStatus, Subjects, Tx};
use crate::text::{instant, parse_instant};
use crate::{Store, StoreError};

/// One version of a payable's account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountVersion {
    pub account: Option<Account>,
    /// `approval` (the frozen copy) or `correction`.
    pub reason: String,
    pub changed_at: DateTime<Utc>,
    pub changed_by: String,
}

/// Appends a version of the payable's account to its history.
pub(super) async fn keep_version_in(
    tx: &mut Tx,
    payable_id: &str,
    account: Option<&Account>,
    reason: &str,
    at: DateTime<Utc>,
    by: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO payable_accounts (payable_id, seq, payee_name, bank, account_number, reason,
             changed_at, changed_by)
         VALUES ($1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM payable_accounts WHERE payable_id = $1),
                 $2, $3, $4, $5, $6, $7)",
    )
    .bind(payable_id)
    .bind(account.map(|a| a.name.clone()))
    .bind(account.map(|a| a.bank.clone()))
    .bind(account.map(|a| a.number.clone()))
    .bind(reason)
    .bind(instant(at))
    .bind(by)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

impl Store {
    /// The payable a service owes for `subject_id`: its id and status.
    pub async fn payable_of(
        &self,
        service: &str,
        subject_id: &str,
    ) -> Result<Option<(String, PayableStatus)>, StoreError> {
        let row =
            sqlx::query("SELECT id, status FROM payables WHERE service = $1 AND subject_id = $2")
                .bind(service)
                .bind(subject_id)
                .fetch_optional(self.pool())
                .await?;
        let Some(row) = row else { return Ok(None) };
        let status: String = row.try_get("status")?;
        let status = PayableStatus::parse(&status)
            .ok_or_else(|| StoreError::corrupt(format!("payable status {status:?}")))?;
        Ok(Some((row.try_get("id")?, status)))
    }

    /// Sets a new account on a `failed` payable and marks it corrected, with its history,
    /// the case step, the service's writes and an audit entry, in one transaction.
    pub async fn correct_payable_account(
        &self,
        payable_id: &str,
        account: &PayeeAccount,
        acting: &Acting,
        subjects: Subjects<'_>,
    ) -> Result<(), PayableError> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
            "UPDATE payables SET payee_name = $2, bank = $3, account_number = $4,
                    account_corrected_at = $5, updated_at = $5, version = version + 1
             WHERE id = $1 AND status = 'failed'
             RETURNING service, subject_type, subject_id, case_id, case_item, amount_fen",
        )
        .bind(payable_id)
        .bind(account.name())
        .bind(account.bank())
        .bind(account.number())
        .bind(instant(acting.at))
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            drop(tx);
            return Err(self.payable_not_failed(payable_id).await);
        };
        let copy = Account {
            name: account.name().to_owned(),
            bank: account.bank().to_owned(),
            number: account.number().to_owned(),
        };
        keep_version_in(
            &mut tx,
            payable_id,
            Some(&copy),
            "correction",
            acting.at,
            &acting.name,
        )
        .await?;
        let change = PayableChange {
            payable_id: payable_id.to_owned(),
            service: row.try_get("service")?,
            subject_type: row.try_get("subject_type")?,
            subject_id: row.try_get("subject_id")?,
            case_id: row.try_get("case_id")?,
            case_item: row.try_get("case_item")?,
            amount: Fen::new(row.try_get("amount_fen")?),
            event: PayableEvent::AccountCorrected {
                name: copy.name,
                bank: copy.bank,
                number: copy.number,
            },
        };
        audit_in(
            &mut tx,
            AuditIn {
                at: acting.at,
                actor: &acting.name,
                role: acting.role,
                action: "payee_account_corrected",
                subject_type: &change.subject_type,
                subject_id: &change.subject_id,
                detail: json!({"payable_id": payable_id, "bank": account.bank(),
                               "account": mask_account(account.number())}),
            },
        )
        .await?;
        apply_in(&mut tx, subjects, acting, std::slice::from_ref(&change)).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    /// Why a correction did not apply: no such payable, or not a failed payment.
    async fn payable_not_failed(&self, payable_id: &str) -> PayableError {
        let status: Result<Option<String>, sqlx::Error> =
            sqlx::query_scalar("SELECT status FROM payables WHERE id = $1")
                .bind(payable_id)
                .fetch_optional(self.pool())
                .await;
        match status {
            Ok(Some(text)) => match PayableStatus::parse(&text) {
                Some(status) => PayableError::InvalidState {
                    id: payable_id.to_owned(),
                    status,
                },
                None => StoreError::corrupt(format!("payable status {text:?}")).into(),
            },
            Ok(None) => PayableError::NotFound {
                what: "payable",
                id: payable_id.to_owned(),
            },
            Err(e) => e.into(),
        }
    }

    /// Every account the payable was to be paid into, oldest first.
    pub async fn payable_accounts(
        &self,
        payable_id: &str,
    ) -> Result<Vec<AccountVersion>, StoreError> {
        let rows = sqlx::query(
            "SELECT payee_name, bank, account_number, reason, changed_at, changed_by
             FROM payable_accounts WHERE payable_id = $1 ORDER BY seq",
        )
        .bind(payable_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let number: Option<String> = r.try_get("account_number")?;
                let account = match number {
                    Some(number) => Some(Account {
                        name: r
                            .try_get::<Option<String>, _>("payee_name")?
                            .unwrap_or_default(),
                        bank: r.try_get::<Option<String>, _>("bank")?.unwrap_or_default(),
                        number,
                    }),
                    None => None,
                };
                Ok(AccountVersion {
                    account,
                    reason: r.try_get("reason")?,
                    changed_at: parse_instant(&r.try_get::<String, _>("changed_at")?)?,
                    changed_by: r.try_get("changed_by")?,
                })
            })
            .collect()
    }
}

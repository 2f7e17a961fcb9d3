//! The employer's bank account on file (MA-2: the employer checks its account before it
//! submits). Validation of the number is the domain's (`settlement::PayeeAccount`); the
//! services layer checks before calling here.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::Row;

use crate::audit::{NewAuditEntry, commit_audited};
use crate::text::{instant, parse_instant};
use crate::{Store, StoreError};

/// An account a claim is paid into.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BankAccount {
    /// 户名.
    pub name: String,
    /// 开户行.
    pub bank: String,
    pub number: String,
}

impl Store {
    /// The employer's account on file, if any.
    pub async fn employer_account(&self, uscc: &str) -> Result<Option<BankAccount>, StoreError> {
        let sql =
            "SELECT account_name, bank, number FROM employer_accounts WHERE employer_uscc = $1";
        self.read_row(sql.to_owned(), &[uscc], |row| {
            Ok(BankAccount {
                name: row.get("account_name")?,
                bank: row.get("bank")?,
                number: row.get("number")?,
            })
        })
        .await
    }

    /// Records (or replaces) the employer's account, keeps the version in the account's
    /// history and appends `audit`, in one transaction. Claims already approved keep the
    /// account they were approved with (the payable's frozen copy).
    pub async fn put_employer_account(
        &self,
        uscc: &str,
        account: &BankAccount,
        audit: &NewAuditEntry,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO employer_accounts (employer_uscc, account_name, bank, number, updated_at, updated_by)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (employer_uscc) DO UPDATE SET account_name = excluded.account_name,
                 bank = excluded.bank, number = excluded.number,
                 updated_at = excluded.updated_at, updated_by = excluded.updated_by",
        )
        .bind(uscc)
        .bind(&account.name)
        .bind(&account.bank)
        .bind(&account.number)
        .bind(instant(audit.at))
        .bind(&audit.actor)
        .execute(&mut *tx)
        .await?;
        // The history copies the row just written, so both always agree.
        sqlx::query(
            "INSERT INTO employer_account_history (employer_uscc, seq, account_name, bank, number, changed_at, changed_by)
             SELECT employer_uscc,
                    (SELECT COALESCE(MAX(seq), 0) + 1 FROM employer_account_history WHERE employer_uscc = $1),
                    account_name, bank, number, updated_at, updated_by
             FROM employer_accounts WHERE employer_uscc = $1",
        )
        .bind(uscc)
        .execute(&mut *tx)
        .await?;
        commit_audited(tx, audit).await
    }

    /// Every version of the employer's account, oldest first: (account, when, by whom).
    pub async fn employer_account_history(
        &self,
        uscc: &str,
    ) -> Result<Vec<(BankAccount, DateTime<Utc>, String)>, StoreError> {
        let rows = sqlx::query(
            "SELECT account_name, bank, number, changed_at, changed_by FROM employer_account_history
             WHERE employer_uscc = $1 ORDER BY seq",
        )
        .bind(uscc)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let account = BankAccount {
                    name: r.try_get("account_name")?,
                    bank: r.try_get("bank")?,
                    number: r.try_get("number")?,
                };
                let at = parse_instant(&r.try_get::<String, _>("changed_at")?)?;
                Ok((account, at, r.try_get("changed_by")?))
            })
            .collect()
    }
}

//! The employer's bank account on file (MA-2: the employer checks its account before it
//! submits). Validation of the number is the domain's (`allowance::bank`); the web layer
//! checks before calling here.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::Row;

use crate::text::instant;
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
        let row = sqlx::query(
            "SELECT account_name, bank, number FROM employer_accounts WHERE employer_uscc = $1",
        )
        .bind(uscc)
        .fetch_optional(self.pool())
        .await?;
        row.map(|r| {
            Ok(BankAccount {
                name: r.try_get("account_name")?,
                bank: r.try_get("bank")?,
                number: r.try_get("number")?,
            })
        })
        .transpose()
    }

    /// Records (or replaces) the employer's account, audited as a change of payment data.
    pub async fn put_employer_account(
        &self,
        uscc: &str,
        account: &BankAccount,
        actor: &str,
        at: DateTime<Utc>,
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
        .bind(instant(at))
        .bind(actor)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

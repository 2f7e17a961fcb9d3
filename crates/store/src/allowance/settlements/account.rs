//! Correcting the account of a failed payment (更正收款账户): the claim keeps its status
//! `payment_failed` and is marked `account_corrected_at`, which puts it into the next run.

use onething_domain::allowance::ClaimStatus;
use onething_domain::allowance::settlement::{Payee, PayeeAccount, mask_account};
use serde_json::json;
use sqlx::Row;

use super::sql::{AuditIn, audit_in};
use super::{Acting, CLAIM_REGION, SettlementError};
use crate::allowance::steps::append_step_in;
use crate::text::instant;
use crate::{Store, StoreError};

/// What scope checks and the account rules need to know about a claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimRef {
    pub id: String,
    pub status: ClaimStatus,
    pub employer_uscc: String,
    pub person_id: String,
    /// The claim's region, else the region inside the employer's USCC.
    pub region: String,
    pub payee: Option<Payee>,
}

impl Store {
    /// The claim's facts for scope checks, or `None` if there is no such claim.
    pub async fn claim_ref(&self, id: &str) -> Result<Option<ClaimRef>, StoreError> {
        let sql = format!(
            "SELECT c.id, c.status, c.employer_uscc, c.person_id, c.payee, {CLAIM_REGION} AS scope_region
             FROM ma_claims c WHERE c.id = $1"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        let Some(row) = row else { return Ok(None) };
        let status: String = row.try_get("status")?;
        let payee: Option<String> = row.try_get("payee")?;
        Ok(Some(ClaimRef {
            id: row.try_get("id")?,
            status: ClaimStatus::parse(&status)
                .ok_or_else(|| StoreError::corrupt(format!("claim status {status:?}")))?,
            employer_uscc: row.try_get("employer_uscc")?,
            person_id: row.try_get("person_id")?,
            region: row.try_get("scope_region")?,
            payee: payee.as_deref().and_then(Payee::parse),
        }))
    }

    /// Sets a new account on a `payment_failed` claim and marks it corrected, with a step and
    /// an audit entry, in one transaction.
    pub async fn correct_account(
        &self,
        claim_id: &str,
        account: &PayeeAccount,
        acting: &Acting,
    ) -> Result<(), SettlementError> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE ma_claims SET account_name = $2, bank = $3, account_number = $4,
                    account_corrected_at = $5, updated_at = $5, version = version + 1
             WHERE id = $1 AND status = 'payment_failed'",
        )
        .bind(claim_id)
        .bind(account.name())
        .bind(account.bank())
        .bind(account.number())
        .bind(instant(acting.at))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if done != 1 {
            drop(tx);
            return Err(self.not_failed(claim_id).await);
        }
        let detail = json!({"bank": account.bank(), "account": account.masked_number()});
        append_step_in(
            &mut tx,
            claim_id,
            "account_corrected",
            acting.at,
            &acting.name,
            &detail,
        )
        .await?;
        audit_in(
            &mut tx,
            AuditIn {
                at: acting.at,
                actor: &acting.name,
                role: acting.role,
                action: "payee_account_corrected",
                subject_type: "ma_claim",
                subject_id: claim_id,
                detail: json!({"bank": account.bank(), "account": mask_account(account.number())}),
            },
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    /// Why a correction did not apply: no such claim, or not a failed payment.
    async fn not_failed(&self, claim_id: &str) -> SettlementError {
        match self.claim_ref(claim_id).await {
            Ok(Some(claim)) => SettlementError::InvalidState {
                id: claim.id,
                status: claim.status,
            },
            Ok(None) => SettlementError::NotFound {
                what: "claim",
                id: claim_id.to_owned(),
            },
            Err(e) => e.into(),
        }
    }
}

//! Correcting the account of a claim's failed payment (更正收款账户): its payable keeps the
//! status `failed` and is marked corrected, which puts it into the next run; the claim row
//! (`payment_failed`, the new account, `account_corrected_at`) follows.

use onething_domain::allowance::ClaimStatus;
use onething_domain::allowance::settlement::{Payee, PayeeAccount};
use sqlx::Row;

use super::{Acting, CLAIM_REGION, ClaimPayments, SERVICE, SettlementError};
use crate::payables::{PayableError, PayableStatus};
use crate::payables::{PayableSubjects, Subjects};
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

    /// Sets a new account on the payable of a `payment_failed` claim and marks it
    /// corrected (the claim row follows), with its account history, a step and an audit
    /// entry, in one transaction.
    pub async fn correct_account(
        &self,
        claim_id: &str,
        account: &PayeeAccount,
        acting: &Acting,
    ) -> Result<(), SettlementError> {
        let payable = self.payable_of(SERVICE, claim_id).await?;
        match payable {
            Some((id, PayableStatus::Failed)) => {
                let done = self
                    .correct_payable_account(&id, account, acting, silent())
                    .await;
                match done {
                    Err(PayableError::InvalidState { .. }) => Err(self.not_failed(claim_id).await),
                    other => Ok(other?),
                }
            }
            _ => Err(self.not_failed(claim_id).await),
        }
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

/// The claim projection without messages: a correction is known to whoever made it.
fn silent() -> Subjects<'static> {
    static CLAIMS: ClaimPayments = ClaimPayments { texts: |_| None };
    static REGISTERED: [(&str, &dyn PayableSubjects); 1] = [(SERVICE, &CLAIMS)];
    Subjects::new(&REGISTERED)
}

//! Settlement and payment of the maternity allowance (MA-5) over the generic payables
//! (`crate::payables`): a claim's approval creates its payable; runs, payment files and bank
//! results move payables. What is the allowance's own is here: [`ClaimPayments`] keeps the
//! claim row's status and payment columns (a projection) in step with its payable and writes
//! the messages to the employer and the person, in the transaction of the change; the
//! account correction and the late list by claim; and the `Store` methods the routes, pages
//! and command call, which register [`ClaimPayments`] for the `maternity_allowance` service
//! with the messages' wording the caller (the services crate) passes in.

mod account;
mod late;
mod projection;

use onething_domain::MoneyError;
use onething_domain::allowance::ClaimStatus;
use onething_domain::allowance::settlement::ResultRow;

pub use crate::payables::{
    Acting, ImportReport, Payment, RowRef, SettleRun, Settlement, SettlementHead,
    SettlementOutcome, SettlementSummary, Skipped as SkippedClaim,
};
pub use account::ClaimRef;
pub use late::LatePayment;
pub use projection::{ClaimPayments, PaymentNotice, PaymentTexts};

use crate::payables::{PayableError, PayableSubjects, Subjects};
use crate::{Store, StoreError};

/// The service name of the allowance's payables.
pub const SERVICE: &str = "maternity_allowance";
/// The subject type of the allowance's payables: a claim.
pub const SUBJECT_TYPE: &str = "ma_claim";

/// What can go wrong with settlements beyond storage itself.
#[derive(Debug, thiserror::Error)]
pub enum SettlementError {
    /// The settlement or claim does not exist, or lies outside the caller's scope.
    #[error("{what} {id} not found")]
    NotFound { what: &'static str, id: String },
    /// The claim is not in a status the action needs (a correction needs `payment_failed`).
    #[error("claim {id} is {status:?}")]
    InvalidState { id: String, status: ClaimStatus },
    #[error("amounts overflow: {0}")]
    Money(#[from] MoneyError),
    /// The batch's control totals did not hold after writing: nothing was committed.
    #[error("control totals do not hold: {0}")]
    ControlTotals(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for SettlementError {
    fn from(e: sqlx::Error) -> Self {
        SettlementError::Store(StoreError::Database(e))
    }
}

impl From<PayableError> for SettlementError {
    fn from(e: PayableError) -> Self {
        match e {
            PayableError::NotFound { what, id } => SettlementError::NotFound { what, id },
            PayableError::InvalidState { id, status } => SettlementError::Store(
                StoreError::corrupt(format!("payable {id} is {}", status.as_str())),
            ),
            PayableError::Money(e) => SettlementError::Money(e),
            PayableError::ControlTotals(e) => SettlementError::ControlTotals(e),
            PayableError::Store(e) => SettlementError::Store(e),
        }
    }
}

/// The services that have their own writes when their payables change: the allowance's
/// claims, their messages worded by `texts`. A service added later lists its own here.
fn registered(claims: &ClaimPayments) -> [(&'static str, &dyn PayableSubjects); 1] {
    [(SERVICE, claims)]
}

impl Store {
    /// Runs a settlement over every service's payables.
    pub async fn settle(
        &self,
        run: &SettleRun,
        texts: PaymentTexts,
    ) -> Result<SettlementOutcome, SettlementError> {
        let claims = ClaimPayments { texts };
        let registered = registered(&claims);
        Ok(self
            .settle_payables(run, Subjects::new(&registered))
            .await?)
    }

    /// Applies the bank's results for one settlement.
    pub async fn import_results(
        &self,
        settlement_id: &str,
        rows: &[ResultRow],
        acting: &Acting,
        texts: PaymentTexts,
    ) -> Result<ImportReport, SettlementError> {
        let claims = ClaimPayments { texts };
        let registered = registered(&claims);
        let subjects = Subjects::new(&registered);
        Ok(self
            .import_payment_results(settlement_id, rows, acting, subjects)
            .await?)
    }
}

/// The region a claim belongs to for scoping: its own region, else the one inside the
/// employer's USCC (as `access::policy::can_see_employer`). `c` is the claims table's alias.
pub(crate) const CLAIM_REGION: &str = "COALESCE(c.region, substr(c.employer_uscc, 3, 6))";

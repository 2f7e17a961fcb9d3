//! The allowance's late payments: its late payables (`Store::late_payables`) with the
//! claim's status, employer and person.

use std::collections::HashMap;

use chrono::NaiveDate;
use onething_domain::allowance::ClaimStatus;
use onething_domain::{Calendar, Fen, RegionCode};
use sqlx::{AssertSqlSafe, Row};

use super::{SERVICE, SettlementError};
use crate::payables::sql::{numbered, pieces};
use crate::{Store, StoreError};

/// An unpaid claim past its payment due date (MA-5: 10 working days after approval).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LatePayment {
    pub claim_id: String,
    pub status: ClaimStatus,
    pub employer_uscc: String,
    pub person_id: String,
    pub amount: Option<Fen>,
    pub approved_on: NaiveDate,
    pub payment_due: NaiveDate,
    pub overdue_working_days: i64,
    pub settlement_id: Option<String>,
    pub payment_id: Option<String>,
    /// The bank's reason when the payment failed.
    pub failure_reason: Option<String>,
}

impl Store {
    /// Unpaid claims in scope whose payment due date has passed on `today`, most overdue
    /// first: the allowance's late payables.
    pub async fn late_payments(
        &self,
        scope: Option<RegionCode>,
        today: NaiveDate,
        calendar: &Calendar,
    ) -> Result<Vec<LatePayment>, SettlementError> {
        let late: Vec<_> = self
            .late_payables(scope, today, calendar)
            .await?
            .into_iter()
            .filter(|l| l.service == SERVICE)
            .collect();
        let ids: Vec<&str> = late.iter().map(|l| l.subject_id.as_str()).collect();
        let claims = self.claim_parties(&ids).await?;
        let mut out = Vec::with_capacity(late.len());
        for l in late {
            let Some((status, employer, person)) = claims.get(&l.subject_id) else {
                continue;
            };
            out.push(LatePayment {
                claim_id: l.subject_id.clone(),
                status: *status,
                employer_uscc: employer.clone(),
                person_id: person.clone(),
                amount: Some(l.amount),
                approved_on: l.owed_on,
                payment_due: l.due_on,
                overdue_working_days: l.overdue_working_days,
                settlement_id: l.settlement_id,
                payment_id: l.payment_id,
                failure_reason: l.failure_reason,
            });
        }
        Ok(out)
    }

    /// id → (status, employer, person) of the claims named.
    async fn claim_parties(
        &self,
        ids: &[&str],
    ) -> Result<HashMap<String, (ClaimStatus, String, String)>, StoreError> {
        let mut out = HashMap::with_capacity(ids.len());
        for piece in pieces(ids) {
            let sql = format!(
                "SELECT id, status, employer_uscc, person_id FROM ma_claims WHERE id IN ({})",
                numbered(1, piece.len())
            );
            let mut query = sqlx::query(AssertSqlSafe(sql));
            for id in piece {
                query = query.bind(*id);
            }
            for row in query.fetch_all(self.pool()).await? {
                let text: String = row.try_get("status")?;
                let status = ClaimStatus::parse(&text)
                    .ok_or_else(|| StoreError::corrupt(format!("claim status {text:?}")))?;
                let parties = (
                    status,
                    row.try_get("employer_uscc")?,
                    row.try_get("person_id")?,
                );
                out.insert(row.try_get("id")?, parties);
            }
        }
        Ok(out)
    }
}

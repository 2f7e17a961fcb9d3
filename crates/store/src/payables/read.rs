//! Reading settlements (scoped to a region: a clerk sees a settlement when every payable in
//! it lies in the clerk's region), their payments, and the late payables.

use chrono::NaiveDate;
use onething_domain::allowance::settlement::overdue_working_days;
use onething_domain::{Calendar, Fen, RegionCode};
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};

use super::{PayableError, PayableStatus, Payment, Settlement, SettlementHead, region_pattern};
use crate::text::{date, parse_date, parse_instant, parse_opt_date};
use crate::{Store, StoreError};

/// A settlement in a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettlementSummary {
    pub head: SettlementHead,
    pub payments: i64,
    pub paid: i64,
    pub failed: i64,
}

/// An unpaid payable past its due date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LatePayable {
    pub payable_id: String,
    pub service: String,
    pub subject_type: String,
    pub subject_id: String,
    pub status: PayableStatus,
    pub amount: Fen,
    pub owed_on: NaiveDate,
    pub due_on: NaiveDate,
    pub overdue_working_days: i64,
    pub settlement_id: Option<String>,
    pub payment_id: Option<String>,
    /// The bank's reason when the payment failed.
    pub failure_reason: Option<String>,
}

/// Every payable of the settlement lies in the scope (`pattern` is the region pattern).
fn visible(settlement: &str, pattern: &str) -> String {
    format!(
        "NOT EXISTS (SELECT 1 FROM payments vp
                     JOIN payment_lines vl ON vl.payment_id = vp.id
                     JOIN payables y ON y.id = vl.payable_id
                     WHERE vp.settlement_id = {settlement} AND NOT (y.region LIKE {pattern}))"
    )
}

impl Store {
    /// Settlements in scope, newest first.
    pub async fn list_settlements(
        &self,
        scope: Option<RegionCode>,
        limit: u32,
    ) -> Result<Vec<SettlementSummary>, StoreError> {
        let sql = format!(
            "SELECT s.id, s.until, s.claims, s.total_fen, s.created_by, s.created_at,
                    (SELECT COUNT(*) FROM payments p WHERE p.settlement_id = s.id) AS payments,
                    (SELECT COUNT(*) FROM payments p WHERE p.settlement_id = s.id AND p.status = 'paid') AS paid,
                    (SELECT COUNT(*) FROM payments p WHERE p.settlement_id = s.id AND p.status = 'failed') AS failed
             FROM settlements s
             WHERE {}
             ORDER BY s.created_at DESC, s.id LIMIT $2",
            visible("s.id", "$1")
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(region_pattern(scope))
            .bind(i64::from(limit))
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(summary_from_row).collect()
    }

    /// One settlement with its payments, or `None` if unknown or outside the scope.
    pub async fn settlement(
        &self,
        id: &str,
        scope: Option<RegionCode>,
    ) -> Result<Option<Settlement>, StoreError> {
        let sql = format!(
            "SELECT s.id, s.until, s.claims, s.total_fen, s.created_by, s.created_at
             FROM settlements s WHERE s.id = $1 AND {}",
            visible("s.id", "$2")
        );
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(id)
            .bind(region_pattern(scope))
            .fetch_optional(self.pool())
            .await?;
        let Some(row) = row else { return Ok(None) };
        Ok(Some(Settlement {
            head: head_from_row(&row)?,
            payments: self.payments_of(id).await?,
        }))
    }

    async fn payments_of(&self, settlement_id: &str) -> Result<Vec<Payment>, StoreError> {
        let rows = sqlx::query(
            "SELECT p.id, p.payee_name, p.bank, p.account, p.amount_fen, p.status, p.reason,
                    p.result_at, y.subject_id
             FROM payments p JOIN payment_lines l ON l.payment_id = p.id
             JOIN payables y ON y.id = l.payable_id
             WHERE p.settlement_id = $1 ORDER BY p.id, y.subject_id",
        )
        .bind(settlement_id)
        .fetch_all(self.pool())
        .await?;
        let mut payments: Vec<Payment> = Vec::new();
        for row in &rows {
            let id: String = row.try_get("id")?;
            if payments.last().is_none_or(|p| p.id != id) {
                payments.push(payment_from_row(row)?);
            }
            if let Some(last) = payments.last_mut() {
                last.subject_ids.push(row.try_get("subject_id")?);
            }
        }
        Ok(payments)
    }

    /// Unpaid payables in scope whose due date has passed on `today`, most overdue first
    /// (each payable's own due date: its paying item's limit, fixed when it was owed).
    pub async fn late_payables(
        &self,
        scope: Option<RegionCode>,
        today: NaiveDate,
        calendar: &Calendar,
    ) -> Result<Vec<LatePayable>, PayableError> {
        let rows = sqlx::query(
            "SELECT y.id, y.service, y.subject_type, y.subject_id, y.status, y.amount_fen,
                    y.owed_on, y.due_on, y.settlement_id, y.payment_id, p.reason
             FROM payables y LEFT JOIN payments p ON p.id = y.payment_id
             WHERE y.status IN ('due', 'settled', 'failed') AND y.due_on < $1
               AND y.region LIKE $2
             ORDER BY y.owed_on, y.id",
        )
        .bind(date(today))
        .bind(region_pattern(scope))
        .fetch_all(self.pool())
        .await?;
        let mut late = Vec::new();
        for row in &rows {
            if let Some(item) = late_from_row(row, today, calendar)? {
                late.push(item);
            }
        }
        late.sort_by_key(|l| std::cmp::Reverse(l.overdue_working_days));
        Ok(late)
    }
}

fn late_from_row(
    row: &AnyRow,
    today: NaiveDate,
    calendar: &Calendar,
) -> Result<Option<LatePayable>, PayableError> {
    let owed_on = parse_date(&row.try_get::<String, _>("owed_on")?)?;
    // Migration 0020 gave every payable a due date; none is written without one.
    let due = parse_opt_date(row.try_get("due_on")?)?
        .ok_or_else(|| StoreError::corrupt(format!("payable owed on {owed_on} has no due date")))?;
    let Some(overdue) = overdue_working_days(calendar, due, today).map_err(StoreError::from)?
    else {
        return Ok(None);
    };
    let status: String = row.try_get("status")?;
    Ok(Some(LatePayable {
        payable_id: row.try_get("id")?,
        service: row.try_get("service")?,
        subject_type: row.try_get("subject_type")?,
        subject_id: row.try_get("subject_id")?,
        status: PayableStatus::parse(&status)
            .ok_or_else(|| StoreError::corrupt(format!("payable status {status:?}")))?,
        amount: Fen::new(row.try_get("amount_fen")?),
        owed_on,
        due_on: due,
        overdue_working_days: overdue,
        settlement_id: row.try_get("settlement_id")?,
        payment_id: row.try_get("payment_id")?,
        failure_reason: row.try_get("reason")?,
    }))
}

fn head_from_row(row: &AnyRow) -> Result<SettlementHead, StoreError> {
    Ok(SettlementHead {
        id: row.try_get("id")?,
        until: parse_date(&row.try_get::<String, _>("until")?)?,
        claims: row.try_get("claims")?,
        total: Fen::new(row.try_get("total_fen")?),
        created_by: row.try_get("created_by")?,
        created_at: parse_instant(&row.try_get::<String, _>("created_at")?)?,
    })
}

fn summary_from_row(row: &AnyRow) -> Result<SettlementSummary, StoreError> {
    Ok(SettlementSummary {
        head: head_from_row(row)?,
        payments: row.try_get("payments")?,
        paid: row.try_get("paid")?,
        failed: row.try_get("failed")?,
    })
}

fn payment_from_row(row: &AnyRow) -> Result<Payment, StoreError> {
    let result_at: Option<String> = row.try_get("result_at")?;
    Ok(Payment {
        id: row.try_get("id")?,
        payee_name: row.try_get("payee_name")?,
        bank: row.try_get("bank")?,
        account: row.try_get("account")?,
        amount: Fen::new(row.try_get("amount_fen")?),
        subject_ids: Vec::new(),
        status: row.try_get("status")?,
        reason: row.try_get("reason")?,
        result_at: result_at.as_deref().map(parse_instant).transpose()?,
    })
}

//! Writing a settlement: its row, its payments and their lines, the payables' pointer to
//! their payment, the case steps and the services' writes, and the control-total check.

use onething_domain::Fen;
use onething_domain::allowance::settlement::{PlannedPayment, SettlementPlan};
use sqlx::{AssertSqlSafe, Row};

use super::effects::{PayableChange, PayableEvent, apply_in};
use super::run::{SettleRun, Taken};
use super::sql::{count, numbered, pieces};
use super::{PayableError, Payment, Settlement, SettlementHead, Subjects, Tx};
use crate::text::{date, instant};

pub(super) async fn write_settlement(
    tx: &mut Tx,
    id: &str,
    run: &SettleRun,
    plan: &SettlementPlan,
    taken: &[Taken],
    subjects: Subjects<'_>,
) -> Result<Settlement, PayableError> {
    sqlx::query(
        "INSERT INTO settlements (id, until, claims, total_fen, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(date(run.until))
    .bind(count(plan.claims))
    .bind(plan.total.as_i64())
    .bind(&run.acting.name)
    .bind(instant(run.acting.at))
    .execute(&mut **tx)
    .await?;
    let by_id: std::collections::HashMap<&str, &Taken> = taken
        .iter()
        .map(|t| (t.item.payable_id.as_str(), t))
        .collect();
    let mut payments = Vec::with_capacity(plan.payments.len());
    let mut changes = Vec::with_capacity(taken.len());
    for (index, planned) in plan.payments.iter().enumerate() {
        let payment_id = format!("{id}-P{:04}", index + 1);
        insert_payment(tx, id, &payment_id, planned).await?;
        let mut subject_ids = Vec::with_capacity(planned.claims.len());
        for (payable, _) in &planned.claims {
            let t = by_id.get(payable.as_str()).ok_or_else(|| {
                PayableError::ControlTotals(format!("payable {payable} planned but not taken"))
            })?;
            subject_ids.push(t.from.subject_id.clone());
            changes.push(settled(t, id, &payment_id));
        }
        subject_ids.sort();
        payments.push(Payment {
            id: payment_id,
            payee_name: planned.account.name().to_owned(),
            bank: planned.account.bank().to_owned(),
            account: planned.account.number().to_owned(),
            amount: planned.amount,
            subject_ids,
            status: "pending".to_owned(),
            reason: None,
            result_at: None,
        });
    }
    apply_in(tx, subjects, &run.acting, &changes).await?;
    check_totals(tx, id, plan).await?;
    Ok(Settlement {
        head: SettlementHead {
            id: id.to_owned(),
            until: run.until,
            claims: count(plan.claims),
            total: plan.total,
            created_by: run.acting.name.clone(),
            created_at: run.acting.at,
        },
        payments,
    })
}

fn settled(t: &Taken, settlement_id: &str, payment_id: &str) -> PayableChange {
    PayableChange {
        payable_id: t.item.payable_id.clone(),
        service: t.from.service.clone(),
        subject_type: t.from.subject_type.clone(),
        subject_id: t.from.subject_id.clone(),
        case_id: t.from.case_id.clone(),
        case_item: t.from.case_item.clone(),
        amount: t.item.amount,
        event: PayableEvent::Settled {
            settlement_id: settlement_id.to_owned(),
            payment_id: payment_id.to_owned(),
            resettled: t.from.failed,
        },
    }
}

async fn insert_payment(
    tx: &mut Tx,
    settlement_id: &str,
    payment_id: &str,
    planned: &PlannedPayment,
) -> Result<(), PayableError> {
    sqlx::query(
        "INSERT INTO payments (id, settlement_id, payee_name, bank, account, amount_fen, claims, status)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending')",
    )
    .bind(payment_id)
    .bind(settlement_id)
    .bind(planned.account.name())
    .bind(planned.account.bank())
    .bind(planned.account.number())
    .bind(planned.amount.as_i64())
    .bind(count(planned.claims.len()))
    .execute(&mut **tx)
    .await?;
    for piece in pieces(&planned.claims) {
        link(tx, settlement_id, payment_id, piece).await?;
    }
    Ok(())
}

/// The payment's lines, and each payable's pointer to its payment.
async fn link(
    tx: &mut Tx,
    settlement_id: &str,
    payment_id: &str,
    lines: &[(String, Fen)],
) -> Result<(), PayableError> {
    let values: Vec<String> = (0..lines.len())
        .map(|i| format!("($1, ${}, ${})", 2 + 2 * i, 3 + 2 * i))
        .collect();
    let sql = format!(
        "INSERT INTO payment_lines (payment_id, payable_id, amount_fen) VALUES {}",
        values.join(", ")
    );
    let mut insert = sqlx::query(AssertSqlSafe(sql)).bind(payment_id);
    for (payable, amount) in lines {
        insert = insert.bind(payable.as_str()).bind(amount.as_i64());
    }
    insert.execute(&mut **tx).await?;
    let sql = format!(
        "UPDATE payables SET payment_id = $1 WHERE settlement_id = $2 AND id IN ({})",
        numbered(3, lines.len())
    );
    let mut update = sqlx::query(AssertSqlSafe(sql))
        .bind(payment_id)
        .bind(settlement_id);
    for (payable, _) in lines {
        update = update.bind(payable.as_str());
    }
    let done = update.execute(&mut **tx).await?.rows_affected();
    if done != lines.len() as u64 {
        return Err(PayableError::ControlTotals(format!(
            "payment {payment_id}: {done} of {} payables linked",
            lines.len()
        )));
    }
    Ok(())
}

/// The batch's control totals, read back from what was written (OpenG2P's envelope check).
async fn check_totals(tx: &mut Tx, id: &str, plan: &SettlementPlan) -> Result<(), PayableError> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n, CAST(COALESCE(SUM(l.amount_fen), 0) AS BIGINT) AS total,
                (SELECT COUNT(*) FROM payables WHERE settlement_id = $1 AND status = 'settled'
                   AND payment_id IS NOT NULL) AS taken
         FROM payment_lines l JOIN payments p ON p.id = l.payment_id
         WHERE p.settlement_id = $1",
    )
    .bind(id)
    .fetch_one(&mut **tx)
    .await?;
    let (n, total, taken): (i64, i64, i64) = (
        row.try_get("n")?,
        row.try_get("total")?,
        row.try_get("taken")?,
    );
    let expected = count(plan.claims);
    if n != expected || taken != expected || total != plan.total.as_i64() || !plan.totals_hold() {
        return Err(PayableError::ControlTotals(format!(
            "settlement {id}: planned {expected} payables / {} fen, written {n} / {total} fen, {taken} settled",
            plan.total.as_i64()
        )));
    }
    Ok(())
}

//! Writing a settlement: its row, its payments and their lines, the payables' pointer to
//! their payment, the case steps and the services' writes, and the control-total check.

use std::time::Instant;

use onething_domain::allowance::settlement::{PlannedPayment, SettlementPlan};
use sqlx::{AssertSqlSafe, Row};

use super::effects::{PayableChange, PayableEvent, apply_in};
use super::run::{SettleRun, Taken};
use super::sql::count;
use super::{PayableError, Payment, Settlement, SettlementHead, Subjects, Tx};
use crate::StoreError;
use crate::rows::{Cell, insert_rows};
use crate::text::{date, instant};

pub(super) async fn write_settlement(
    tx: &mut Tx,
    id: &str,
    run: &SettleRun,
    plan: &SettlementPlan,
    taken: &[Taken],
    subjects: Subjects<'_>,
) -> Result<Settlement, PayableError> {
    let started = Instant::now();
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
    let mut payment_rows = Vec::with_capacity(plan.payments.len());
    let mut line_rows = Vec::with_capacity(taken.len());
    for (index, planned) in plan.payments.iter().enumerate() {
        let payment_id = format!("{id}-P{:04}", index + 1);
        payment_rows.push(payment_cells(id, &payment_id, planned));
        let mut subject_ids = Vec::with_capacity(planned.claims.len());
        for (payable, amount) in &planned.claims {
            let t = by_id.get(payable.as_str()).ok_or_else(|| {
                PayableError::ControlTotals(format!("payable {payable} planned but not taken"))
            })?;
            line_rows.push(vec![
                payment_id.as_str().into(),
                payable.as_str().into(),
                amount.as_i64().into(),
            ]);
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
    let backend = crate::Backend::of_connection(tx);
    insert_rows(tx, backend, "payments", &PAYMENT_COLUMNS, &payment_rows).await?;
    insert_rows(tx, backend, "payment_lines", &LINE_COLUMNS, &line_rows).await?;
    link(tx, &line_rows).await?;
    let payments_s = started.elapsed().as_secs_f64();
    let started = Instant::now();
    apply_in(tx, subjects, &run.acting, &changes).await?;
    let steps_s = started.elapsed().as_secs_f64();
    let started = Instant::now();
    check_totals(tx, id, plan).await?;
    // Where a settlement's time goes (the bench's profile: docs/benchmarks.md).
    tracing::info!(
        payments_s,
        steps_s,
        check_totals_s = started.elapsed().as_secs_f64(),
        payables = taken.len(),
        "settlement written"
    );
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

const PAYMENT_COLUMNS: [&str; 8] = [
    "id",
    "settlement_id",
    "payee_name",
    "bank",
    "account",
    "amount_fen",
    "claims",
    "status",
];

const LINE_COLUMNS: [&str; 3] = ["payment_id", "payable_id", "amount_fen"];

fn payment_cells(settlement_id: &str, payment_id: &str, planned: &PlannedPayment) -> Vec<Cell> {
    vec![
        payment_id.into(),
        settlement_id.into(),
        planned.account.name().into(),
        planned.account.bank().into(),
        planned.account.number().into(),
        planned.amount.as_i64().into(),
        count(planned.claims.len()).into(),
        "pending".into(),
    ]
}

/// Each payable taken points to its payment, by id ([`crate::Backend::json_rows`]): the
/// payment lines `[payment, payable, amount]` in pieces of 2,048. (One `UPDATE … WHERE settlement_id = $2 AND
/// id IN (…)` per payment let SQLite walk the settlement's index, every payable of the
/// run, per payment: quadratic in the run's payables.) The payables were taken by this
/// run in this transaction; the count is checked here and the totals after.
async fn link(tx: &mut Tx, links: &[Vec<Cell>]) -> Result<(), PayableError> {
    let source = crate::Backend::of_connection(tx).json_rows("$1");
    let sql = format!(
        "UPDATE payables SET payment_id = j.value ->> 0 FROM {source}
         WHERE payables.id = j.value ->> 1"
    );
    for piece in links.chunks(2_048) {
        let list = serde_json::to_string(piece).map_err(StoreError::corrupt)?;
        let done = sqlx::query(AssertSqlSafe(sql.as_str()))
            .bind(list)
            .execute(&mut **tx)
            .await?
            .rows_affected();
        if done != piece.len() as u64 {
            return Err(PayableError::ControlTotals(format!(
                "{done} payables linked for {} payment lines",
                piece.len()
            )));
        }
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

//! Writing a settlement's payments (the payment row, which claims it carries, the claims'
//! pointer to it), the claims' steps and messages, and the control-total check.

use std::collections::HashMap;

use onething_domain::access::mask_id_text;
use onething_domain::allowance::settlement::{PlannedPayment, SettlementPlan};
use serde_json::json;
use sqlx::{Any, AssertSqlSafe, Row, Transaction};

use super::run::{SettleRun, Taken};
use super::sql::{count, numbered, pieces};
use super::{Payment, SettlementError};
use crate::allowance::steps::{NewNotification, Recipient, append_step_in, notify_in};

pub(super) async fn insert_payment(
    tx: &mut Transaction<'static, Any>,
    settlement_id: &str,
    payment_id: &str,
    planned: &PlannedPayment,
) -> Result<(), SettlementError> {
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
        link_claims(tx, settlement_id, payment_id, piece).await?;
    }
    Ok(())
}

async fn link_claims(
    tx: &mut Transaction<'static, Any>,
    settlement_id: &str,
    payment_id: &str,
    claims: &[(String, onething_domain::Fen)],
) -> Result<(), SettlementError> {
    let values: Vec<String> = (0..claims.len())
        .map(|i| format!("($1, ${}, ${})", 2 + 2 * i, 3 + 2 * i))
        .collect();
    let sql = format!(
        "INSERT INTO payment_claims (payment_id, claim_id, amount_fen) VALUES {}",
        values.join(", ")
    );
    let mut insert = sqlx::query(AssertSqlSafe(sql)).bind(payment_id);
    for (claim, amount) in claims {
        insert = insert.bind(claim.as_str()).bind(amount.as_i64());
    }
    insert.execute(&mut **tx).await?;
    let sql = format!(
        "UPDATE ma_claims SET payment_id = $1 WHERE settlement_id = $2 AND id IN ({})",
        numbered(3, claims.len())
    );
    let mut update = sqlx::query(AssertSqlSafe(sql))
        .bind(payment_id)
        .bind(settlement_id);
    for (claim, _) in claims {
        update = update.bind(claim.as_str());
    }
    let done = update.execute(&mut **tx).await?.rows_affected();
    if done != claims.len() as u64 {
        return Err(SettlementError::ControlTotals(format!(
            "payment {payment_id}: {done} of {} claims linked",
            claims.len()
        )));
    }
    Ok(())
}

/// A `settled` step and in-site messages to the employer and the person, for every claim.
pub(super) async fn record_steps(
    tx: &mut Transaction<'static, Any>,
    settlement_id: &str,
    run: &SettleRun,
    payments: &[Payment],
    taken: &[Taken],
) -> Result<(), SettlementError> {
    let payment_of: HashMap<&str, &str> = payments
        .iter()
        .flat_map(|p| p.claim_ids.iter().map(|c| (c.as_str(), p.id.as_str())))
        .collect();
    let mut notes = Vec::with_capacity(taken.len() * 2);
    for t in taken {
        let claim = &t.item.claim_id;
        let detail = json!({
            "settlement_id": settlement_id,
            "payment_id": payment_of.get(claim.as_str()),
            "amount_fen": t.item.amount.as_i64(),
            "resettled": t.resettled,
        });
        append_step_in(
            tx,
            claim,
            "settled",
            run.acting.at,
            &run.acting.name,
            &detail,
        )
        .await?;
        notes.extend(settled_notes(t, claim));
        if notes.len() >= 512 {
            notify_in(tx, &notes, run.acting.at).await?;
            notes.clear();
        }
    }
    notify_in(tx, &notes, run.acting.at).await?;
    Ok(())
}

fn settled_notes(t: &Taken, claim: &str) -> [NewNotification; 2] {
    let amount = t.item.amount;
    let note = |recipient, body| NewNotification {
        recipient,
        channel: "in_site",
        subject_type: "ma_claim",
        subject_id: claim.to_owned(),
        body,
    };
    [
        note(
            Recipient::Employer(t.employer_uscc.clone()),
            format!(
                "职工{}的生育津贴申领（{claim}）已结算，金额{amount}，等待银行到账",
                mask_id_text(&t.person_id)
            ),
        ),
        note(
            Recipient::Person(t.person_id.clone()),
            format!("您的生育津贴申领（{claim}）已结算，金额{amount}，等待银行到账"),
        ),
    ]
}

/// The batch's control totals, read back from what was written (OpenG2P's envelope check).
pub(super) async fn check_totals(
    tx: &mut Transaction<'static, Any>,
    id: &str,
    plan: &SettlementPlan,
) -> Result<(), SettlementError> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n, CAST(COALESCE(SUM(pc.amount_fen), 0) AS BIGINT) AS total,
                (SELECT COUNT(*) FROM ma_claims WHERE settlement_id = $1 AND status = 'settled'
                   AND payment_id IS NOT NULL) AS claims
         FROM payment_claims pc JOIN payments p ON p.id = pc.payment_id
         WHERE p.settlement_id = $1",
    )
    .bind(id)
    .fetch_one(&mut **tx)
    .await?;
    let (n, total, claims): (i64, i64, i64) = (
        row.try_get("n")?,
        row.try_get("total")?,
        row.try_get("claims")?,
    );
    let expected = count(plan.claims);
    if n != expected || claims != expected || total != plan.total.as_i64() || !plan.totals_hold() {
        return Err(SettlementError::ControlTotals(format!(
            "settlement {id}: planned {expected} claims / {} fen, written {n} / {total} fen, {claims} claims settled",
            plan.total.as_i64()
        )));
    }
    Ok(())
}

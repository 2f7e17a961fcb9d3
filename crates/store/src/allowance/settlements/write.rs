//! Writing one payment of a settlement: the payment row, which claims it carries, and the
//! claims' pointer to it.

use onething_domain::allowance::settlement::PlannedPayment;
use sqlx::{Any, AssertSqlSafe, Transaction};

use super::SettlementError;
use super::sql::{count, numbered, pieces};

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

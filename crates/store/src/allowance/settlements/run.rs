//! One settlement run, in one write transaction.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use onething_domain::Fen;
use onething_domain::RegionCode;
use onething_domain::access::mask_id_text;
use onething_domain::allowance::settlement::{
    Payee, PayeeAccount, SettleItem, SettlementPlan, plan_payments,
};
use onething_domain::allowance::{ClaimAction, ClaimStatus};
use serde_json::json;
use sqlx::{Any, AssertSqlSafe, Row, Transaction};
use uuid::Uuid;

use super::sql::{AuditIn, audit_in, count, numbered, pieces};
use super::{CLAIM_REGION, Settlement, SettlementError, claim_region_of, region_pattern};
use crate::allowance::steps::{NewNotification, Recipient, append_step_in, notify_in};
use crate::text::{date, instant};
use crate::{Store, StoreError};

/// What to settle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettleRun {
    /// Claims approved on or before this date.
    pub until: NaiveDate,
    /// Only claims of this region (a clerk's); `None` for the whole platform.
    pub scope: Option<RegionCode>,
    pub acting: super::Acting,
}

/// A claim that is due but could not be taken (no usable account, no amount): it stays
/// where it is and is reported, so someone fixes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedClaim {
    pub claim_id: String,
    pub code: String,
    pub message: String,
}

/// The result of a run: the settlement, or `None` when there was nothing to settle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettlementOutcome {
    pub settlement: Option<Settlement>,
    pub skipped: Vec<SkippedClaim>,
}

/// A due claim as read, before validation.
struct Candidate {
    id: String,
    status: String,
    amount: Option<i64>,
    payee: Option<String>,
    person_id: String,
    employer_uscc: String,
    account: [Option<String>; 3],
}

/// A claim that will be in the settlement.
struct Taken {
    item: SettleItem,
    person_id: String,
    employer_uscc: String,
    resettled: bool,
}

/// Approved and unsettled up to `until`, or failed with a corrected account.
const ELIGIBLE: &str =
    "((c.status = 'approved' AND c.settlement_id IS NULL AND c.approved_on <= $1)
      OR (c.status = 'payment_failed' AND c.account_corrected_at IS NOT NULL))";

impl Store {
    /// Runs a settlement (see the module documentation of `settlements`).
    pub async fn settle(&self, run: &SettleRun) -> Result<SettlementOutcome, SettlementError> {
        let mut tx = self.begin_write().await?;
        let candidates = candidates(&mut tx, run).await?;
        let (ready, skipped) = validate(candidates)?;
        let id = new_settlement_id(run.until);
        let taken = take_claims(&mut tx, &id, run, ready).await?;
        let plan = plan_payments(taken.iter().map(|t| t.item.clone()).collect())?;
        let settlement = if plan.is_empty() {
            None
        } else {
            Some(write_settlement(&mut tx, &id, run, &plan, &taken).await?)
        };
        audit_run(&mut tx, run, settlement.as_ref(), &skipped).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(SettlementOutcome {
            settlement,
            skipped,
        })
    }
}

async fn candidates(
    tx: &mut Transaction<'static, Any>,
    run: &SettleRun,
) -> Result<Vec<Candidate>, SettlementError> {
    // The employer's account on file stands in when the claim has none and pays the employer.
    let sql = format!(
        "SELECT c.id, c.status, c.amount_fen, c.payee, c.person_id, c.employer_uscc,
                COALESCE(c.account_name, e.account_name) AS account_name,
                COALESCE(c.bank, e.bank) AS bank,
                COALESCE(c.account_number, e.number) AS account_number
         FROM ma_claims c
         LEFT JOIN employer_accounts e
           ON e.employer_uscc = c.employer_uscc AND c.payee = 'employer'
         WHERE {ELIGIBLE} AND {CLAIM_REGION} LIKE $2
         ORDER BY c.id"
    );
    let rows = sqlx::query(AssertSqlSafe(sql))
        .bind(date(run.until))
        .bind(region_pattern(run.scope))
        .fetch_all(&mut **tx)
        .await?;
    rows.iter()
        .map(|row| {
            Ok(Candidate {
                id: row.try_get("id")?,
                status: row.try_get("status")?,
                amount: row.try_get("amount_fen")?,
                payee: row.try_get("payee")?,
                person_id: row.try_get("person_id")?,
                employer_uscc: row.try_get("employer_uscc")?,
                account: [
                    row.try_get("account_name")?,
                    row.try_get("bank")?,
                    row.try_get("account_number")?,
                ],
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(SettlementError::from)
}

/// Splits the candidates into claims ready to settle and claims to report.
fn validate(candidates: Vec<Candidate>) -> Result<(Vec<Taken>, Vec<SkippedClaim>), StoreError> {
    let mut ready = Vec::new();
    let mut skipped = Vec::new();
    for candidate in candidates {
        let status = ClaimStatus::parse(&candidate.status)
            .ok_or_else(|| StoreError::corrupt(format!("claim status {:?}", candidate.status)))?;
        // The one transition table decides; the query already agrees with it.
        status
            .after(ClaimAction::Settle)
            .map_err(|e| StoreError::corrupt(format!("claim {}: {e}", candidate.id)))?;
        match ready_item(&candidate) {
            Ok(item) => ready.push(Taken {
                item,
                person_id: candidate.person_id,
                employer_uscc: candidate.employer_uscc,
                resettled: status == ClaimStatus::PaymentFailed,
            }),
            Err((code, message)) => skipped.push(SkippedClaim {
                claim_id: candidate.id,
                code: code.to_owned(),
                message,
            }),
        }
    }
    Ok((ready, skipped))
}

fn ready_item(c: &Candidate) -> Result<SettleItem, (&'static str, String)> {
    let amount = c
        .amount
        .filter(|fen| *fen > 0)
        .ok_or(("NO_AMOUNT", "申领没有核定金额，无法结算".to_owned()))?;
    let payee = c
        .payee
        .as_deref()
        .and_then(Payee::parse)
        .ok_or(("NO_PAYEE", "申领没有确定发放对象，无法结算".to_owned()))?;
    let [name, bank, number] = &c.account;
    let account = PayeeAccount::parse(
        name.as_deref().unwrap_or(""),
        bank.as_deref().unwrap_or(""),
        number.as_deref().unwrap_or(""),
        payee,
    )
    .map_err(|e| {
        (
            "INVALID_ACCOUNT",
            format!("收款账户无效：{}", e.message_zh()),
        )
    })?;
    Ok(SettleItem {
        claim_id: c.id.clone(),
        amount: Fen::new(amount),
        account,
    })
}

/// `ST20241115-3f2a9c1b`: the cut-off date, readable for the bank and the clerk.
fn new_settlement_id(until: NaiveDate) -> String {
    let random = Uuid::new_v4().simple().to_string();
    format!("ST{}-{}", until.format("%Y%m%d"), &random[..8])
}

/// Moves the claims to `settled` with a conditional update; only the rows it returns are
/// this run's (another run may have taken some in the meantime).
async fn take_claims(
    tx: &mut Transaction<'static, Any>,
    settlement_id: &str,
    run: &SettleRun,
    ready: Vec<Taken>,
) -> Result<Vec<Taken>, SettlementError> {
    let settled = ClaimStatus::Approved
        .after(ClaimAction::Settle)
        .map_err(StoreError::corrupt)?;
    let ids: Vec<&str> = ready.iter().map(|t| t.item.claim_id.as_str()).collect();
    let mut taken: HashSet<String> = HashSet::with_capacity(ids.len());
    for piece in pieces(&ids) {
        let sql = format!(
            "UPDATE ma_claims SET status = $3, settlement_id = $4, payment_id = NULL,
                    account_corrected_at = NULL, updated_at = $5, version = version + 1
             WHERE {} AND {} LIKE $2 AND id IN ({})
             RETURNING id",
            ELIGIBLE.replace("c.", "ma_claims."),
            claim_region_of("ma_claims"),
            numbered(6, piece.len())
        );
        let mut query = sqlx::query(AssertSqlSafe(sql))
            .bind(date(run.until))
            .bind(region_pattern(run.scope))
            .bind(settled.as_str())
            .bind(settlement_id)
            .bind(instant(run.acting.at));
        for id in piece {
            query = query.bind(*id);
        }
        for row in query.fetch_all(&mut **tx).await? {
            taken.insert(row.try_get("id")?);
        }
    }
    Ok(ready
        .into_iter()
        .filter(|t| taken.contains(&t.item.claim_id))
        .collect())
}

async fn write_settlement(
    tx: &mut Transaction<'static, Any>,
    id: &str,
    run: &SettleRun,
    plan: &SettlementPlan,
    taken: &[Taken],
) -> Result<Settlement, SettlementError> {
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
    let mut payments = Vec::with_capacity(plan.payments.len());
    for (index, planned) in plan.payments.iter().enumerate() {
        let payment_id = format!("{id}-P{:04}", index + 1);
        super::write::insert_payment(tx, id, &payment_id, planned).await?;
        payments.push(super::Payment {
            id: payment_id,
            payee_name: planned.account.name().to_owned(),
            bank: planned.account.bank().to_owned(),
            account: planned.account.number().to_owned(),
            amount: planned.amount,
            claim_ids: planned.claims.iter().map(|(c, _)| c.clone()).collect(),
            status: "pending".to_owned(),
            reason: None,
            result_at: None,
        });
    }
    record_steps(tx, id, run, &payments, taken).await?;
    check_totals(tx, id, plan).await?;
    Ok(Settlement {
        id: id.to_owned(),
        until: run.until,
        claims: count(plan.claims),
        total: plan.total,
        created_by: run.acting.name.clone(),
        created_at: run.acting.at,
        payments,
    })
}

/// A `settled` step and in-site messages to the employer and the person, for every claim.
async fn record_steps(
    tx: &mut Transaction<'static, Any>,
    settlement_id: &str,
    run: &SettleRun,
    payments: &[super::Payment],
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
async fn check_totals(
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

async fn audit_run(
    tx: &mut Transaction<'static, Any>,
    run: &SettleRun,
    settlement: Option<&Settlement>,
    skipped: &[SkippedClaim],
) -> Result<(), StoreError> {
    let detail = json!({
        "until": date(run.until),
        "scope": run.scope.map(|r| r.to_string()),
        "claims": settlement.map_or(0, |s| s.claims),
        "total_fen": settlement.map_or(0, |s| s.total.as_i64()),
        "payments": settlement.map_or(0, |s| s.payments.len()),
        "skipped": skipped.iter().map(|s| json!({"claim_id": s.claim_id, "code": s.code})).collect::<Vec<_>>(),
    });
    let subject = settlement.map_or("none", |s| s.id.as_str());
    audit_in(
        tx,
        AuditIn {
            at: run.acting.at,
            actor: &run.acting.name,
            role: run.acting.role,
            action: "settlement_run",
            subject_type: "settlement",
            subject_id: subject,
            detail,
        },
    )
    .await
}

impl SettlementOutcome {
    pub fn claims(&self) -> i64 {
        self.settlement.as_ref().map_or(0, |s| s.claims)
    }

    pub fn total(&self) -> Fen {
        self.settlement.as_ref().map_or(Fen::ZERO, |s| s.total)
    }
}

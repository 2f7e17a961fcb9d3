//! One settlement run, in one write transaction: every due payable owed by `until` and
//! every failed one whose account was corrected since, each exactly once, one payment per
//! payee account.

use std::collections::HashSet;
use std::time::Instant;

use chrono::NaiveDate;
use onething_domain::allowance::settlement::{
    PayeeAccount, PayeeKind, SettleItem, SkipReason, plan_payments,
};
use onething_domain::{Fen, RegionCode};
use serde_json::json;
use sqlx::{AssertSqlSafe, Row};
use uuid::Uuid;

use super::sql::{AuditIn, audit_in};
use super::{Acting, PayableError, Settlement, Subjects, Tx, region_pattern};
use crate::text::{date, instant};
use crate::{Store, StoreError};

/// What to settle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettleRun {
    /// Payables owed on or before this date.
    pub until: NaiveDate,
    /// Only payables of this region (a clerk's); `None` for the whole platform.
    pub scope: Option<RegionCode>,
    pub acting: Acting,
}

/// A payable that is due but could not be taken (no usable account, no amount): it stays
/// where it is and is reported, so someone fixes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub service: String,
    pub subject_id: String,
    pub reason: SkipReason,
}

/// The result of a run: the settlement, or `None` when there was nothing to settle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettlementOutcome {
    pub settlement: Option<Settlement>,
    pub skipped: Vec<Skipped>,
}

impl SettlementOutcome {
    pub fn claims(&self) -> i64 {
        self.settlement.as_ref().map_or(0, |s| s.head.claims)
    }

    pub fn total(&self) -> Fen {
        self.settlement.as_ref().map_or(Fen::ZERO, |s| s.head.total)
    }
}

/// A due payable as read, before validation.
pub(super) struct Candidate {
    pub(super) id: String,
    pub(super) service: String,
    pub(super) subject_type: String,
    pub(super) subject_id: String,
    pub(super) case_id: Option<String>,
    pub(super) case_item: Option<String>,
    pub(super) failed: bool,
    /// The row's version as read: the take moves it only if no one moved it since.
    version: i64,
    amount: i64,
    payee: Option<String>,
    account: [Option<String>; 3],
}

/// A payable that will be in the settlement.
pub(super) struct Taken {
    pub(super) item: SettleItem,
    pub(super) from: Candidate,
}

/// Due and unsettled up to `until` (`$1`), or failed with a corrected account.
const ELIGIBLE: &str = "((status = 'due' AND settlement_id IS NULL AND owed_on <= $1)
      OR (status = 'failed' AND account_corrected_at IS NOT NULL)) AND region LIKE $2";

impl Store {
    /// Runs a settlement (see the module documentation of `payables`); `subjects` are the
    /// services' own writes for their payables.
    pub async fn settle_payables(
        &self,
        run: &SettleRun,
        subjects: Subjects<'_>,
    ) -> Result<SettlementOutcome, PayableError> {
        let mut tx = self.begin_write().await?;
        let started = Instant::now();
        let (ready, skipped) = validate(candidates(&mut tx, run).await?);
        let candidates_s = started.elapsed().as_secs_f64();
        let started = Instant::now();
        let id = new_settlement_id(run.until);
        let taken = take(&mut tx, &id, run, ready).await?;
        let take_s = started.elapsed().as_secs_f64();
        let started = Instant::now();
        let plan = plan_payments(taken.iter().map(|t| t.item.clone()).collect())?;
        let plan_s = started.elapsed().as_secs_f64();
        let started = Instant::now();
        let settlement = if plan.is_empty() {
            None
        } else {
            Some(super::write::write_settlement(&mut tx, &id, run, &plan, &taken, subjects).await?)
        };
        let write_s = started.elapsed().as_secs_f64();
        let started = Instant::now();
        audit_run(&mut tx, run, settlement.as_ref(), &skipped).await?;
        tx.commit().await.map_err(StoreError::from)?;
        // Where a settlement's time goes (the bench's profile: docs/benchmarks.md).
        tracing::info!(
            candidates_s,
            take_s,
            plan_s,
            write_s,
            commit_s = started.elapsed().as_secs_f64(),
            "settlement run"
        );
        Ok(SettlementOutcome {
            settlement,
            skipped,
        })
    }
}

async fn candidates(tx: &mut Tx, run: &SettleRun) -> Result<Vec<Candidate>, PayableError> {
    let sql = format!(
        "SELECT id, service, subject_type, subject_id, case_id, case_item, status, version, amount_fen,
                payee_kind, payee_name, bank, account_number
         FROM payables WHERE {ELIGIBLE} ORDER BY id"
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
                service: row.try_get("service")?,
                subject_type: row.try_get("subject_type")?,
                subject_id: row.try_get("subject_id")?,
                case_id: row.try_get("case_id")?,
                case_item: row.try_get("case_item")?,
                failed: row.try_get::<String, _>("status")? == "failed",
                version: row.try_get("version")?,
                amount: row.try_get("amount_fen")?,
                payee: row.try_get("payee_kind")?,
                account: [
                    row.try_get("payee_name")?,
                    row.try_get("bank")?,
                    row.try_get("account_number")?,
                ],
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(PayableError::from)
}

/// Splits the candidates into payables ready to settle and payables to report.
fn validate(candidates: Vec<Candidate>) -> (Vec<Taken>, Vec<Skipped>) {
    let mut ready = Vec::new();
    let mut skipped = Vec::new();
    for candidate in candidates {
        match ready_item(&candidate) {
            Ok(item) => ready.push(Taken {
                item,
                from: candidate,
            }),
            Err(reason) => skipped.push(Skipped {
                service: candidate.service,
                subject_id: candidate.subject_id,
                reason,
            }),
        }
    }
    (ready, skipped)
}

fn ready_item(c: &Candidate) -> Result<SettleItem, SkipReason> {
    if c.amount <= 0 {
        return Err(SkipReason::NoAmount);
    }
    let payee = c
        .payee
        .as_deref()
        .and_then(PayeeKind::parse)
        .ok_or(SkipReason::NoPayee)?;
    let [name, bank, number] = &c.account;
    let account = PayeeAccount::parse(
        name.as_deref().unwrap_or(""),
        bank.as_deref().unwrap_or(""),
        number.as_deref().unwrap_or(""),
        payee.account_rules(),
    )
    .map_err(SkipReason::InvalidAccount)?;
    Ok(SettleItem {
        payable_id: c.id.clone(),
        amount: Fen::new(c.amount),
        account,
    })
}

/// `ST20241115-3f2a9c1b`: the cut-off date, readable for the bank and the clerk.
fn new_settlement_id(until: NaiveDate) -> String {
    let random = Uuid::new_v4().simple().to_string();
    format!("ST{}-{}", until.format("%Y%m%d"), &random[..8])
}

/// Payables moved per statement: the ids travel as one JSON parameter.
const PAYABLES_PER_TAKE: usize = 2_048;

/// Moves the payables to `settled`, each only if its row is still the version read (the
/// eligibility was checked on that version, in this transaction); only the rows it returns
/// are this run's (another run may have taken some in the meantime). By id and version,
/// not by repeating the eligibility: SQLite would walk the due payables' index, every
/// due payable, for each piece of ids (quadratic in the run's payables).
async fn take(
    tx: &mut Tx,
    settlement_id: &str,
    run: &SettleRun,
    ready: Vec<Taken>,
) -> Result<Vec<Taken>, PayableError> {
    let source = crate::Backend::of_connection(tx).json_rows("$1");
    let sql = format!(
        "UPDATE payables SET status = 'settled', settlement_id = $2, payment_id = NULL,
                account_corrected_at = NULL, updated_at = $3, version = payables.version + 1
         FROM {source}
         WHERE payables.id = j.value ->> 0
           AND payables.version = CAST(j.value ->> 1 AS BIGINT)
         RETURNING payables.id"
    );
    let mut taken: HashSet<String> = HashSet::with_capacity(ready.len());
    for piece in ready.chunks(PAYABLES_PER_TAKE) {
        let rows: Vec<(&str, i64)> = piece
            .iter()
            .map(|t| (t.from.id.as_str(), t.from.version))
            .collect();
        let list = serde_json::to_string(&rows).map_err(StoreError::corrupt)?;
        let moved = sqlx::query(AssertSqlSafe(sql.as_str()))
            .bind(list)
            .bind(settlement_id)
            .bind(instant(run.acting.at))
            .fetch_all(&mut **tx)
            .await?;
        for row in moved {
            taken.insert(row.try_get("id")?);
        }
    }
    Ok(ready
        .into_iter()
        .filter(|t| taken.contains(&t.item.payable_id))
        .collect())
}

async fn audit_run(
    tx: &mut Tx,
    run: &SettleRun,
    settlement: Option<&Settlement>,
    skipped: &[Skipped],
) -> Result<(), StoreError> {
    let detail = json!({
        "until": date(run.until),
        "scope": run.scope.map(|r| r.to_string()),
        "claims": settlement.map_or(0, |s| s.head.claims),
        "total_fen": settlement.map_or(0, |s| s.head.total.as_i64()),
        "payments": settlement.map_or(0, |s| s.payments.len()),
        "skipped": skipped.iter().map(|s| json!({"service": s.service, "subject_id": s.subject_id, "claim_id": s.subject_id, "code": s.reason.code()})).collect::<Vec<_>>(),
    });
    let subject = settlement.map_or("none", |s| s.head.id.as_str());
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

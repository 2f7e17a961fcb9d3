//! Settlement (MA-5) as use cases: a clerk's run over the region's due payables, and the
//! settlements a user may see. The scheduled run (`onething serve`) and `onething settle`
//! act for the platform and call the store directly.

use chrono::NaiveDate;
use onething_domain::RegionCode;
use onething_domain::access::{Scope, UseCase};
use onething_domain::allowance::settlement::{Payee, PayeeAccount, ResultRow};
use onething_domain::ids::{ClaimId, SettlementId};
use onething_store::allowance::settlements::{
    Acting, ImportReport, SettleRun, Settlement, SettlementOutcome, SettlementSummary,
};

use crate::input::optional_text;
use crate::{Actor, Invalid, InvalidKind, ServiceError, Services};

/// A run's cut-off: a real date, not after today in China.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settle {
    pub until: NaiveDate,
}

impl Settle {
    /// The command from the raw `until` field (JSON body or form alike).
    pub fn parse(until: Option<&str>, today: NaiveDate) -> Result<Settle, Invalid> {
        let text = optional_text(until)
            .ok_or_else(|| Invalid::missing("until", "结算截止日期（until）：请填写日期"))?;
        let until = NaiveDate::parse_from_str(&text, "%Y-%m-%d").map_err(|_| {
            Invalid::new(
                "INVALID_DATE",
                "until",
                format!("结算截止日期（until）“{text}”不是有效日期，应为 YYYY-MM-DD"),
            )
        })?;
        if until > today {
            return Err(Invalid::new(
                "UNTIL_IN_FUTURE",
                "until",
                format!("结算截止日期 {until} 晚于今天（{today}），不能结算尚未到来的日期"),
            )
            .with_kind(InvalidKind::Unprocessable));
        }
        Ok(Settle { until })
    }
}

/// The region a clerk settles and sees; `None` is the whole platform (administrators).
fn region_of(actor: &Actor) -> Result<Option<RegionCode>, ServiceError> {
    match &actor.scope {
        Scope::Platform => Ok(None),
        Scope::Region(region) => Ok(Some(*region)),
        _ => Err(ServiceError::not_found()),
    }
}

/// Runs a settlement of the actor's region: every due payable up to `until` and every
/// failed one whose account was corrected, exactly once, one payment per payee account.
pub async fn settle(
    svc: &Services,
    actor: &Actor,
    cmd: Settle,
) -> Result<SettlementOutcome, ServiceError> {
    actor.authorize(UseCase::Settle)?;
    let run = SettleRun {
        until: cmd.until,
        scope: region_of(actor)?,
        acting: acting(actor),
    };
    Ok(svc.store.settle(&run, super::texts::payment).await?)
}

/// The settlements the actor may see, newest first.
pub async fn settlements(
    svc: &Services,
    actor: &Actor,
    limit: u32,
) -> Result<Vec<SettlementSummary>, ServiceError> {
    actor.authorize(UseCase::ViewSettlements)?;
    Ok(svc.store.list_settlements(region_of(actor)?, limit).await?)
}

/// Imports the bank's results (rows already parsed and checked by
/// `settlement::parse_results`) into a settlement the actor's region reaches (404 otherwise).
pub async fn import_results(
    svc: &Services,
    actor: &Actor,
    settlement_id: &SettlementId,
    rows: &[ResultRow],
) -> Result<ImportReport, ServiceError> {
    actor.authorize(UseCase::ImportBankResults)?;
    svc.store
        .settlement(settlement_id.as_str(), region_of(actor)?)
        .await?
        .ok_or_else(ServiceError::not_found)?;
    Ok(svc
        .store
        .import_results(
            settlement_id.as_str(),
            rows,
            &acting(actor),
            super::texts::payment,
        )
        .await?)
}

/// Sets a new payee account on a claim whose payment failed (the employer its own claim, a
/// clerk a claim of the region; 404 outside), checked by the payee's account rules (422
/// naming the field); the claim goes into the next settlement run, and only then. Audited,
/// the account's history kept on the claim's payable.
pub async fn correct_account(
    svc: &Services,
    actor: &Actor,
    claim_id: &ClaimId,
    raw: &super::AccountInput,
) -> Result<PayeeAccount, ServiceError> {
    actor.authorize(UseCase::CorrectPaymentAccount)?;
    let claim = super::visible_claim(svc, actor, claim_id).await?;
    let payee = claim
        .payee
        .as_deref()
        .and_then(Payee::parse)
        .unwrap_or(Payee::Employer);
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let account = PayeeAccount::parse(
        &text(&raw.name),
        &text(&raw.bank),
        &text(&raw.number),
        payee,
    )
    .map_err(|e| {
        Invalid::new(e.code(), e.field(), e.message_zh()).with_kind(InvalidKind::Unprocessable)
    })?;
    svc.store
        .correct_account(claim_id.as_str(), &account, &acting(actor))
        .await?;
    Ok(account)
}

fn acting(actor: &Actor) -> Acting {
    Acting {
        name: actor.username.clone(),
        role: Some(actor.role),
        at: actor.at,
    }
}

/// One settlement with its payments, if the actor's region reaches it (404 otherwise).
pub async fn settlement(
    svc: &Services,
    actor: &Actor,
    id: &SettlementId,
) -> Result<Settlement, ServiceError> {
    actor.authorize(UseCase::ViewSettlements)?;
    svc.store
        .settlement(id.as_str(), region_of(actor)?)
        .await?
        .ok_or_else(ServiceError::not_found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn until_must_be_a_past_or_present_date() {
        let today = NaiveDate::from_ymd_opt(2024, 11, 15).expect("date");
        assert_eq!(
            Settle::parse(Some(" 2024-11-15"), today).ok(),
            Some(Settle { until: today })
        );
        let future = Settle::parse(Some("2024-11-16"), today).expect_err("future");
        assert_eq!(
            (future.code, future.kind),
            ("UNTIL_IN_FUTURE", InvalidKind::Unprocessable)
        );
        let bad = Settle::parse(Some("2024-02-30"), today).expect_err("bad");
        assert_eq!((bad.code, bad.field.as_str()), ("INVALID_DATE", "until"));
        assert_eq!(
            Settle::parse(None, today).expect_err("none").code,
            "MISSING_FIELD"
        );
    }
}

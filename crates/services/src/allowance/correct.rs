//! The wage basis of a claim the platform opened itself (免申即享), corrected by the
//! employer before settlement. The platform chose the average wage for the employer; the
//! employer may prefer the average contribution base, as it could have when filing. Until
//! the claim's payable is taken into a settlement the amount is decided again on fresh
//! facts (each read audited with the correction) and the payable's amount follows in the same transaction;
//! afterwards the bank has been asked to pay the first amount and the correction is refused.

use onething_domain::allowance::{ClaimStatus, WageBasis};
use onething_domain::rules::evaluate;
use onething_store::StoreError;
use onething_store::allowance::claims::{Claim, ClaimError, ClaimWrite};
use serde_json::json;

use super::automatic::PLATFORM_ACTOR;
use super::decide::{keep_derivation, payable_amended};
use super::steps::{acting, case_role, rederive, step, with_claim};
use super::texts;
use crate::{Actor, Invalid, InvalidKind, ServiceError, Services};

/// Whether the employer's wage confirmation corrects the claim's basis instead of
/// confirming a draft's: 免申即享 decided it and it is approved, not yet settled. The pages
/// offer the correction where this holds and `confirm_wage` takes it there.
pub fn wage_correctable(claim: &Claim) -> bool {
    claim.created_by == PLATFORM_ACTOR && claim.status == ClaimStatus::Approved
}

/// Decides the approved claim ([`wage_correctable`]) again with `basis` and sets its
/// payable's amount to match.
pub(super) async fn correct_wage_basis(
    svc: &Services,
    actor: &Actor,
    mut claim: Claim,
    basis: WageBasis,
) -> Result<Claim, ServiceError> {
    if claim.wage_basis == Some(basis) {
        return Ok(claim);
    }
    let (from, before) = (claim.wage_basis, claim.amount_fen);
    claim.wage_basis = Some(basis);
    let found = rederive(svc, &claim, &actor.username, None).await?;
    let facts = found
        .derived
        .maternity
        .clone()
        .map(|f| with_claim(f, &claim.id));
    let decision = facts.as_ref().map(|f| evaluate(f, &svc.params));
    let Some(decision) = decision.filter(|d| d.eligible) else {
        // Refused: nothing is written, so the reads are written on their own.
        svc.store.record_reads(&found.reads).await?;
        return Err(unavailable(basis).into());
    };
    keep_derivation(&mut claim, &found);
    let amount = decision.amount_fen;
    claim.amount_fen = Some(amount.as_i64());
    claim.decision = Some(decision);
    let detail = json!({"from": from.map(WageBasis::as_str), "to": basis.as_str(),
                        "amount_fen_before": before, "amount_fen": claim.amount_fen});
    let body = texts::wage_corrected(&claim.id, amount.as_i64());
    let write = ClaimWrite {
        by: acting(actor),
        idempotency_key: actor.key_for(&format!("{}:wage_corrected:{}", claim.id, basis.as_str())),
        case: vec![step("wage_corrected", detail.clone(), case_role(actor))],
        notifications: texts::to_both(&claim.employer_uscc, &claim.person_id, &claim.id, &body),
        audit: Some(("claim_wage_corrected".into(), detail)),
        attachment: None,
        payable: Some(payable_amended(&claim, amount)),
        reads: found.reads,
    };
    let written = svc.store.update_claim(&claim, &write, &svc.calendar).await;
    match written {
        // Settled meanwhile: the payment file holds the first amount.
        Err(ClaimError::Store(StoreError::Conflict {
            what: "payable", ..
        })) => Err(ServiceError::InvalidState {
            from: ClaimStatus::Settled,
            action: "given another wage basis",
        }),
        other => Ok(other?),
    }
}

fn unavailable(basis: WageBasis) -> Invalid {
    Invalid::new(
        "WAGE_BASIS_UNAVAILABLE",
        "basis",
        format!(
            "按所选工资基数（basis：{}）无法核定生育津贴：单位该项数据未推送或不符合条件，原核定保持不变",
            basis.as_str()
        ),
    )
    .with_kind(InvalidKind::Unprocessable)
}

//! Submission with smart review, and a clerk's review: the decisions on a claim, each in
//! one transaction with its step, notifications and audit entry; an approval freezes the
//! amount with the parameters used and sets the payment due date.

use chrono::{DateTime, Utc};
use onething_domain::allowance::{
    ClaimAction, ClaimStatus, Derived, Outcome, RejectionReason, Submission, smart_review,
};
use onething_domain::china_time::date_in_china;
use onething_domain::rules::{MaternityDecision, MaternityFacts, MaternityParams, evaluate};
use onething_domain::{Calendar, CitizenId, Uscc};
use serde_json::{Value, json};

use super::evidence::ClaimSubject;
use super::persist::{audit_in, invalid, notes, save_in};
use onething_domain::allowance::settlement::payment_due;

use super::write::{Acting, PURPOSE, ReviewDecision, SMART_REVIEW};
use super::{BankAccount, Claim, ClaimError};
use crate::allowance::steps::{append_step_in, notify_in};
use crate::shared_data::DataUse;
use crate::{Store, StoreError};

impl Store {
    /// Submits a claim: the account (given, or the employer's on file), fresh facts, then
    /// smart review decides or queues it for a clerk (MA-4).
    pub async fn submit_claim(
        &self,
        id: &str,
        account: Option<BankAccount>,
        by: &Acting<'_>,
        params: &MaternityParams,
        calendar: &Calendar,
    ) -> Result<Claim, ClaimError> {
        let mut claim = self.claim(id).await?;
        claim
            .status
            .after(ClaimAction::Submit)
            .map_err(|_| invalid(&claim, "submitted"))?;
        let account = match account {
            Some(a) => a,
            None => self
                .employer_account(&claim.employer_uscc)
                .await?
                .ok_or(ClaimError::NoBankAccount)?,
        };
        claim.bank_account = Some(account);
        claim.submitted_at = Some(by.at);
        let derived = self.rederive(&claim, by.actor, None).await?;
        let facts = derived.maternity.clone().map(|f| with_case(f, id));
        let outcome = smart_review(
            Submission {
                facts: facts.as_ref(),
                has_upload: claim.needs_review,
                wage_confirmed: claim.wage_basis.is_some(),
            },
            params,
        );
        keep_facts(&mut claim, &derived);
        let mut tx = self.begin_write().await?;
        append_step_in(&mut tx, id, "submitted", by.at, by.actor, &json!({})).await?;
        let (step, detail, body) = match outcome {
            Outcome::Decided { action, decision } => {
                claim.status = claim
                    .status
                    .after(action)
                    .map_err(|_| invalid(&claim, "decided"))?;
                decide(
                    &mut claim,
                    decision,
                    facts.as_ref(),
                    params,
                    calendar,
                    by.at,
                );
                claim.reviewed_at = Some(by.at);
                claim.reviewed_by = Some(SMART_REVIEW.into());
                decided_step(&claim)
            }
            Outcome::Manual(reasons) => {
                claim.status = ClaimStatus::InReview;
                let labels: Vec<&str> = reasons.iter().map(|r| r.label_zh()).collect();
                let body = format!("生育津贴申领（申领号{id}）已提交，{}", labels.join("；"));
                ("queued_for_review", json!({"reasons": labels}), body)
            }
        };
        save_in(&mut tx, &claim, by.at).await?;
        let actor = if step == "queued_for_review" {
            by.actor
        } else {
            SMART_REVIEW
        };
        record_decision_in(&mut tx, &claim, by, actor, (step, &detail, &body)).await?;
        tx.commit().await?;
        Ok(self.claim(id).await?)
    }

    /// A clerk approves or rejects a claim in review (issue 4 item 6). Approval evaluates
    /// the rules on fresh facts and freezes the amount with the parameters used.
    pub async fn review_claim(
        &self,
        id: &str,
        review: &ReviewDecision,
        by: &Acting<'_>,
        params: &MaternityParams,
        calendar: &Calendar,
    ) -> Result<Claim, ClaimError> {
        let mut claim = self.claim(id).await?;
        let action = match review {
            ReviewDecision::Approve { .. } => ClaimAction::Approve,
            ReviewDecision::Reject { .. } => ClaimAction::Reject,
        };
        let next = claim
            .status
            .after(action)
            .map_err(|_| invalid(&claim, "reviewed"))?;
        match review {
            ReviewDecision::Approve {
                certificate_no,
                note,
            } => {
                let upload = certificate_no
                    .clone()
                    .or_else(|| claim.certificate_no.clone());
                let upload = upload.filter(|_| claim.needs_review);
                let derived = self.rederive(&claim, by.actor, upload.as_deref()).await?;
                let facts = derived.maternity.clone().map(|f| with_case(f, id));
                let Some(facts) = facts else {
                    return Err(ClaimError::FactsIncomplete(derived.missing));
                };
                let decision = evaluate(&facts, params);
                if !decision.eligible {
                    return Err(ClaimError::NotEligible(decision.reasons));
                }
                keep_facts(&mut claim, &derived);
                if upload.is_some() {
                    claim.certificate_no = upload;
                }
                decide(&mut claim, decision, Some(&facts), params, calendar, by.at);
                claim.reject_note = note.clone();
            }
            ReviewDecision::Reject { reason, note } => {
                claim.reject_code = Some(reason.code().into());
                claim.reject_note = note.clone();
            }
        }
        claim.status = next;
        claim.reviewed_at = Some(by.at);
        claim.reviewed_by = Some(by.actor.into());
        let (step, detail, body) = decided_step(&claim);
        let mut tx = self.begin_write().await?;
        save_in(&mut tx, &claim, by.at).await?;
        record_decision_in(&mut tx, &claim, by, by.actor, (step, &detail, &body)).await?;
        tx.commit().await?;
        Ok(self.claim(id).await?)
    }

    /// The claim's facts derived again from the current shared data (audited for it).
    async fn rederive(
        &self,
        claim: &Claim,
        actor: &str,
        uploaded_certificate_no: Option<&str>,
    ) -> Result<Derived, ClaimError> {
        let claimant = CitizenId::parse(&claim.person_id)
            .map_err(|e| StoreError::corrupt(format!("claim person: {e}")))?;
        let employer = Uscc::parse(&claim.employer_uscc)
            .map_err(|e| StoreError::corrupt(format!("claim employer: {e}")))?;
        let data_use = DataUse {
            actor: actor.into(),
            case_id: Some(claim.id.clone()),
            purpose: PURPOSE.into(),
        };
        let subject = ClaimSubject {
            claimant: &claimant,
            employer: &employer,
            certificate_no: claim.certificate_no.as_deref(),
            basis: claim.wage_basis,
            uploaded_certificate_no,
            event_date: claim.event_date,
            today: claim
                .event_date
                .unwrap_or_else(|| date_in_china(claim.created_at)),
        };
        Ok(self.derive_claim(&data_use, &subject).await?.1)
    }
}

fn with_case(mut facts: MaternityFacts, id: &str) -> MaternityFacts {
    facts.case_id = id.to_owned();
    facts
}

fn keep_facts(claim: &mut Claim, derived: &Derived) {
    claim.facts = derived.facts.clone();
    claim.missing = derived.missing.clone();
    if let Some(region) = derived.region {
        claim.region = Some(region.to_string());
    }
}

/// Stores a decision; on approval freezes the amount, payee and parameters and sets the
/// payment due date (null when the calendar has no notice for the year: never guessed).
fn decide(
    claim: &mut Claim,
    decision: MaternityDecision,
    facts: Option<&MaternityFacts>,
    params: &MaternityParams,
    calendar: &Calendar,
    at: DateTime<Utc>,
) {
    if decision.eligible {
        let today = date_in_china(at);
        claim.amount_fen = Some(decision.amount_fen.as_i64());
        claim.payee = decision.payee.map(|p| p.as_str().to_owned());
        claim.approved_on = Some(today);
        // An unpublished holiday year leaves it open (the claim says why), never guessed.
        claim.payment_due = payment_due(calendar, today).ok();
        claim.params_used = facts.and_then(|f| params_used(params, f));
    } else {
        claim.reject_code = Some(RejectionReason::NotEligible.code().into());
    }
    claim.decision = Some(decision);
}

fn params_used(params: &MaternityParams, facts: &MaternityFacts) -> Option<Value> {
    let chosen = params.lookup(facts.region, facts.event_date).ok()?;
    Some(json!({
        "region_code": chosen.region.code.to_string(),
        "region_name": chosen.region.name,
        "period": chosen.period,
    }))
}

/// The step, its detail and the notification text of a decided claim.
fn decided_step(claim: &Claim) -> (&'static str, Value, String) {
    let id = &claim.id;
    match claim.status {
        ClaimStatus::Approved => {
            let amount = claim.amount_fen.unwrap_or(0);
            let body = format!(
                "生育津贴申领（申领号{id}）审核通过，核定金额{}.{:02}元，待结算支付",
                amount / 100,
                amount % 100
            );
            let detail = json!({"amount_fen": amount, "payment_due": claim.payment_due});
            ("approved", detail, body)
        }
        _ => {
            let reason = claim
                .reject_code
                .as_deref()
                .and_then(RejectionReason::parse)
                .unwrap_or(RejectionReason::Other);
            let reasons: Vec<&str> = claim
                .decision
                .iter()
                .flat_map(|d| d.reasons.iter().map(|r| r.name_zh()))
                .collect();
            let body = format!("生育津贴申领（申领号{id}）不予支付：{}", reason.label_zh());
            let detail = json!({"reason_code": reason.code(), "reason": reason.label_zh(),
                                "rule_reasons": reasons, "note": claim.reject_note});
            ("rejected", detail, body)
        }
    }
}

/// A decision's step (by `actor`: a clerk, or smart review), its notifications to the
/// employer and the person, and its audit entry, in the caller's transaction.
async fn record_decision_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    claim: &Claim,
    by: &Acting<'_>,
    actor: &str,
    (step, detail, body): (&str, &serde_json::Value, &str),
) -> Result<(), ClaimError> {
    append_step_in(tx, &claim.id, step, by.at, actor, detail).await?;
    let to = notes(&claim.employer_uscc, &claim.person_id, &claim.id, body);
    notify_in(tx, &to, by.at).await?;
    audit_in(tx, claim, by, step, detail).await
}

//! A decision on a claim (smart review's or a clerk's), turned into the claim's new row
//! and the case events that record it. Approval freezes the amount, the payee and the
//! parameters used, and starts the payment item, whose limit is the payment deadline.

use chrono::NaiveDate;
use onething_domain::allowance::{Derived, RejectionReason};
use onething_domain::calendar::Dated;
use onething_domain::case::{Action, ActorRole, CaseState, ItemState};
use onething_domain::hospital::FAMILY_PLANNING_ITEM;
use onething_domain::rules::{MaternityDecision, MaternityFacts, MaternityParams};
use onething_domain::{Calendar, CalendarError};
use onething_store::allowance::claims::{Claim, PayableWrite};
use onething_store::cases::CaseWrite;
use serde_json::{Value, json};

use super::{BUNDLE, DATA_ITEMS};
use chrono::{DateTime, Utc};
use onething_domain::Fen;
use onething_domain::allowance::ClaimStatus;
use onething_domain::allowance::settlement::{Payee, PayeeKind};
use onething_domain::china_time::date_in_china;
use onething_store::allowance::settlements::SUBJECT_TYPE;
use onething_store::allowance::steps::PAYMENT_ITEM;
use onething_store::payables::{Account, NewPayable, payable_id};

/// Keeps freshly derived facts on the claim.
pub(super) fn keep_facts(claim: &mut Claim, derived: &Derived) {
    claim.facts = derived.facts.clone();
    claim.missing = derived.missing.clone();
    if let Some(region) = derived.region {
        claim.region = Some(region.to_string());
    }
}

/// Keeps a fresh derivation on the claim: its facts, and what they rested on (so a later
/// submission can tell whether they still hold).
pub(super) fn keep_derivation(
    claim: &mut Claim,
    found: &onething_store::allowance::claims::ClaimDerivation,
) {
    keep_facts(claim, &found.derived);
    claim.derivation = Some(found.derivation.clone());
}

/// The payment deadline: the payment item's limit in working days from approval (the
/// date the case engine plans when the item starts). Provisional when it runs into a year
/// whose holiday notice is not loaded: work goes on, the date is recomputed later.
pub(super) fn payment_due(
    case: &CaseState,
    calendar: &Calendar,
    approved_on: NaiveDate,
) -> Result<Option<Dated>, CalendarError> {
    let limit = case
        .items
        .get(PAYMENT_ITEM)
        .and_then(|i| i.limit_working_days);
    limit
        .map(|days| calendar.add_working_days_provisional(approved_on, days))
        .transpose()
}

/// Stores an approval or a rules rejection on the claim row.
pub(super) fn record_decision(
    claim: &mut Claim,
    decision: MaternityDecision,
    facts: Option<&MaternityFacts>,
    params: &MaternityParams,
    approved_on: NaiveDate,
    payment_due: Option<Dated>,
) {
    if decision.eligible {
        claim.amount_fen = Some(decision.amount_fen.as_i64());
        claim.payee = decision.payee.map(|p| p.as_str().to_owned());
        claim.approved_on = Some(approved_on);
        claim.payment_due = payment_due.map(|d| d.date);
        claim.payment_due_provisional = payment_due.is_some_and(|d| d.provisional);
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

/// The audit and step detail of a decided claim.
pub(super) fn decided_detail(claim: &Claim, approved: bool) -> Value {
    if approved {
        return json!({"amount_fen": claim.amount_fen, "payment_due": claim.payment_due});
    }
    let reason = rejection_reason(claim);
    let rule_reasons: Vec<&str> = claim
        .decision
        .iter()
        .flat_map(|d| d.reasons.iter().map(|r| r.name_zh()))
        .collect();
    json!({"reason_code": reason.code(), "reason": reason.label_zh(),
           "rule_reasons": rule_reasons, "note": claim.reject_note})
}

pub(super) fn rejection_reason(claim: &Claim) -> RejectionReason {
    claim
        .reject_code
        .as_deref()
        .and_then(RejectionReason::parse)
        .unwrap_or(RejectionReason::Other)
}

/// The case events of a decision: the data items whose records were found are done with
/// the record's key as result; on approval the payment item starts (its due date is the
/// payment deadline); on rejection what remains open is denied with the reason.
pub(super) fn decision_moves(
    case: &CaseState,
    claim: &Claim,
    approved: bool,
    role: ActorRole,
) -> Vec<CaseWrite> {
    let mut moves = Vec::new();
    for item in DATA_ITEMS {
        let open = case.items.get(item).is_some_and(|i| !i.state.is_terminal());
        if !open {
            continue;
        }
        let found = source_key(claim, item);
        let in_progress = case.items.get(item).map(|i| i.state) == Some(ItemState::InProgress);
        match found {
            Some(key) => {
                if !in_progress {
                    moves.push(mv(item, Action::Start, ActorRole::System));
                }
                let done = Action::Complete {
                    certificate_ref: Some(key),
                };
                moves.push(mv(item, done, ActorRole::System));
            }
            None => moves.push(mv(item, deny(claim), ActorRole::System)),
        }
    }
    if approved {
        moves.push(mv(PAYMENT_ITEM, Action::Start, role));
    } else {
        moves.push(mv(PAYMENT_ITEM, deny(claim), role));
        // A rejected claim's family-planning review, still open, is no longer needed: the
        // health department's item ends with the claim (and leaves its queue).
        let review = case.items.get(FAMILY_PLANNING_ITEM).map(|i| i.state);
        if review == Some(ItemState::InProgress) {
            moves.push(mv(FAMILY_PLANNING_ITEM, deny(claim), ActorRole::System));
        }
    }
    moves
}

fn deny(claim: &Claim) -> Action {
    Action::Deny {
        reason: rejection_reason(claim).label_zh().to_owned(),
    }
}

fn mv(item: &str, action: Action, role: ActorRole) -> CaseWrite {
    CaseWrite::Move {
        item: item.to_owned(),
        action,
        role,
    }
}

/// The key of the shared record a data item stands for, from the claim's facts (a photo's
/// certificate number counts for the birth certificate once a clerk approved it).
fn source_key(claim: &Claim, item: &str) -> Option<String> {
    let dataset = match item {
        "HEALTH-BIRTH-CERT-INFO" => "birth-certificates",
        "TAX-EMPLOYER-WAGE" => "employer-wages",
        _ => "delivery-records",
    };
    let from_facts = claim
        .facts
        .iter()
        .find(|f| f.source == dataset)
        .map(|f| f.record_key.clone());
    match (from_facts, item) {
        (None, "HEALTH-BIRTH-CERT-INFO") => {
            claim.certificate_no.clone().filter(|_| claim.needs_review)
        }
        (found, _) => found,
    }
}

/// The payable an approved claim creates: its amount, payee, account (the one given at
/// submission, else the employer's on file then) and payment deadline frozen, so a later
/// change of the employer's account reaches only a failed payment corrected by hand.
pub(super) fn payable_of(claim: &Claim, by: &str, at: DateTime<Utc>) -> Option<PayableWrite> {
    if claim.status != ClaimStatus::Approved {
        return None;
    }
    let region = claim
        .region
        .clone()
        .unwrap_or_else(|| claim.employer_uscc.get(2..8).unwrap_or_default().to_owned());
    let owed_on = claim.approved_on.unwrap_or_else(|| date_in_china(at));
    Some(PayableWrite::Create(Box::new(NewPayable {
        service: BUNDLE.to_owned(),
        subject_type: SUBJECT_TYPE.to_owned(),
        subject_id: claim.id.clone(),
        case_id: Some(claim.case_id.clone()),
        case_item: Some(PAYMENT_ITEM.to_owned()),
        payee: claim
            .payee
            .as_deref()
            .and_then(Payee::parse)
            .map(PayeeKind::from),
        account: claim.bank_account.as_ref().map(|a| Account {
            name: a.name.clone(),
            bank: a.bank.clone(),
            number: a.number.clone(),
        }),
        amount: Fen::new(claim.amount_fen.unwrap_or(0)),
        owed_on,
        // Approval records the due date first (`record_decision`); were it ever missing,
        // the payment would be due at once rather than never flagged late.
        due_on: Some(claim.payment_due.unwrap_or(owed_on)),
        due_on_provisional: claim.payment_due_provisional,
        region,
        created_by: by.to_owned(),
        at,
    })))
}

/// The approved claim's payable, its amount set to the claim's corrected amount.
pub(super) fn payable_amended(claim: &Claim, amount: Fen) -> PayableWrite {
    PayableWrite::Amend {
        id: payable_id(SUBJECT_TYPE, &claim.id),
        amount,
    }
}

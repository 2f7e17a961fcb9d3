//! The cases the window's work opens (every application is a case): the spouse filing's
//! (`spouse_filing` bundle) and the reimbursement's (`maternity_costs_*`, by what it
//! pays), so they show in the person's 我的办件, the case API and the due list. What is
//! written on the case at once is decided here; the store writes it with the row.

use onething_domain::access::Applicant;
use onething_domain::case::{Action, ActorRole, MissingMaterial};
use onething_domain::hospital::{CostEvent, FilingDecision, FilingMaterial, FilingStatus};
use onething_domain::{CitizenId, RegionCode};
use onething_store::cases::{Actor as CaseActor, CaseWrite, NewCase};
use onething_store::hospital::WindowCase;
use serde_json::Value;
use uuid::Uuid;

use crate::Actor;

/// The filing's bundle: the marriage and employment data items and the filing itself.
pub const FILING_BUNDLE: &str = "spouse_filing";
const MARRIAGE_ITEM: &str = "CIVIL-MARRIAGE-INFO";
const EMPLOYMENT_ITEM: &str = "HR-EMPLOYMENT-INFO";
const FILING_ITEM: &str = "HOSPITAL-SPOUSE-FILING";
/// The prenatal-check item of a birth's case (its quota is approved at the window).
const PRENATAL_ITEM: &str = "PS-08";

/// The bundle of a reimbursement of `event`: a birth (with its prenatal quota), another
/// maternity hospital stay, or an outpatient operation.
pub fn reimbursement_bundle(event: CostEvent) -> &'static str {
    if event.is_birth() {
        "maternity_costs_birth"
    } else if event.item() == "PS-06" {
        "maternity_costs_outpatient"
    } else {
        "maternity_costs_stay"
    }
}

/// A new case of `bundle` for `person` in the hospital's `region`, opened by the clerk.
fn opened(
    actor: &Actor,
    bundle: &str,
    person: &CitizenId,
    region: RegionCode,
    key: &str,
    writes: Vec<CaseWrite>,
) -> WindowCase {
    WindowCase {
        case: NewCase {
            bundle: bundle.to_owned(),
            applicant: Applicant::person_ref(person),
            region: Some(region.to_string()),
            filer: None,
            id: Some(Uuid::new_v4().simple().to_string()),
        },
        writes,
        actor: CaseActor {
            name: actor.username.clone(),
            role: ActorRole::System,
            idempotency_key: format!("{key}:case"),
            at: actor.at,
        },
    }
}

fn moves(item: &str, actions: Vec<Action>) -> impl Iterator<Item = CaseWrite> + '_ {
    actions.into_iter().map(move |action| CaseWrite::Move {
        item: item.to_owned(),
        action,
        role: ActorRole::System,
    })
}

fn step(name: &str, detail: Value) -> CaseWrite {
    CaseWrite::Step {
        step: name.to_owned(),
        detail,
        role: ActorRole::Acceptor,
    }
}

fn done(certificate_ref: Option<String>) -> Vec<Action> {
    vec![Action::Start, Action::Complete { certificate_ref }]
}

/// The filing's case: filed at once → every item done (the marriage record's number, the
/// filing's id as results); refused → every item refused with the reasons; records
/// missing → the one-time list of what is missing (一次性告知), the case waiting.
pub fn filing_case(
    actor: &Actor,
    wife: &CitizenId,
    region: RegionCode,
    filing_id: &str,
    decision: &FilingDecision,
    marriage_certificate_no: Option<String>,
    key: &str,
) -> WindowCase {
    let detail = serde_json::json!({"filing_id": filing_id, "status": decision.status.as_str()});
    let mut writes = vec![step(
        &format!("spouse_filing_{}", decision.status.as_str()),
        detail,
    )];
    let items = [MARRIAGE_ITEM, EMPLOYMENT_ITEM, FILING_ITEM];
    match decision.status {
        FilingStatus::Filed => {
            writes.push(CaseWrite::AcceptAll {
                role: ActorRole::System,
            });
            writes.extend(moves(MARRIAGE_ITEM, done(marriage_certificate_no)));
            writes.extend(moves(EMPLOYMENT_ITEM, done(None)));
            writes.extend(moves(FILING_ITEM, done(Some(filing_id.to_owned()))));
        }
        FilingStatus::Refused => {
            let reason = decision
                .reasons
                .iter()
                .map(|r| r.message_zh())
                .collect::<Vec<_>>()
                .join("；");
            for item in items {
                let refuse = Action::Refuse {
                    reason: reason.clone(),
                };
                writes.extend(moves(item, vec![refuse]));
            }
        }
        FilingStatus::NeedsSupplement => {
            let missing: Vec<MissingMaterial> = decision
                .missing
                .iter()
                .map(|&m| MissingMaterial {
                    code: m.code().to_owned(),
                    name: material_name(m).to_owned(),
                    reason: m.message_zh().to_owned(),
                })
                .collect();
            writes.extend(moves(
                FILING_ITEM,
                vec![Action::RequestSupplement { missing }],
            ));
        }
    }
    opened(actor, FILING_BUNDLE, wife, region, key, writes)
}

/// The reimbursement's case: accepted at once, the paying item (PS-07, PS-06) in progress
/// until the settlement pays the hospital (the payable completes it), a birth's
/// prenatal-check quota (PS-08) approved at once.
pub fn reimbursement_case(
    actor: &Actor,
    person: &CitizenId,
    region: RegionCode,
    event: CostEvent,
    detail: Value,
    key: &str,
) -> WindowCase {
    let mut writes = vec![
        step("reimbursed", detail.clone()),
        CaseWrite::AcceptAll {
            role: ActorRole::System,
        },
    ];
    writes.extend(moves(event.item(), vec![Action::Start]));
    if event.is_birth() {
        let reference = detail["reimbursement_id"].as_str().map(str::to_owned);
        writes.extend(moves(PRENATAL_ITEM, done(reference)));
    }
    opened(
        actor,
        reimbursement_bundle(event),
        person,
        region,
        key,
        writes,
    )
}

fn material_name(material: FilingMaterial) -> &'static str {
    match material {
        FilingMaterial::MarriageCertificate => "结婚证（婚姻登记信息）",
        FilingMaterial::EmploymentStatus => "配偶就业失业登记信息",
    }
}

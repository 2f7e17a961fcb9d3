//! 免申即享 (benefits without application): where the region's parameters in force on the
//! event date say `automatic_claims = true`, or the employer has given its standing consent
//! (`set_automatic_consent`), the platform opens, derives and decides the allowance claim
//! itself for every pushed birth whose facts are complete — the same rules and smart review
//! as a filed claim, the same duplicate protection (the database's unique key), every
//! shared record read audited for the claim's case, and the employer and the mother told
//! once, in-site and by SMS, that the platform opened and approved it and that the employer
//! may still correct it before settlement. The claim is one the employer filed online with
//! the average wage as its basis and its account on file; until settlement the employer
//! still corrects the account as for any claim. A birth whose facts are incomplete, whose
//! claim the rules would refuse, whose claim is past the application limit, or whose
//! employer has no account on file stays an offer: the employer files it as before.
//!
//! It works in sets: the run's candidates read once (in id order), then, per set of
//! mothers, their records read with one query per dataset, and the set's claims written in
//! one transaction (data-use entries in multi-row statements). A run stopped part-way (a
//! crash) is run again: committed sets have their claims and are not candidates any more;
//! duplicates are refused by the database, never written twice.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use onething_domain::access::UseCase;
use onething_domain::allowance::{
    ClaimAction, ClaimStatus, Outcome, Submission, WageBasis, smart_review,
};
use onething_domain::case::ActorRole;
use onething_domain::{CitizenId, Uscc};
use onething_store::allowance::claims::{
    BankAccount, Channel, ClaimError, ClaimSet, ClaimWrite, SetDerived, duplicate_key,
};
use onething_store::audit::NewAuditEntry;
use onething_store::shared_data::DataUse;
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use super::open::{Opening, new_claim_id};
use super::steps::{acting, smart_decision, step, with_claim};
use super::{PURPOSE, texts};
use crate::{Actor, ServiceError, Services};

/// The platform's own account name for 免申即享 (steps, audit entries, notifications).
pub const PLATFORM_ACTOR: &str = "automatic_claims";

/// The actor of a 免申即享 run (the command line, after a push, the server's schedule): the
/// agency's platform account over the whole platform.
pub fn platform_actor(at: chrono::DateTime<chrono::Utc>) -> Actor {
    Actor {
        username: PLATFORM_ACTOR.into(),
        role: onething_domain::access::Role::AgencyClerk,
        scope: onething_domain::access::Scope::Platform,
        at,
        idempotency_key: None,
    }
}

/// Mothers looked at per set.
pub const SET_SIZE: usize = 1000;

/// What a run of 免申即享 did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AutomaticRun {
    /// Mothers with a birth and no claim looked at.
    pub examined: u64,
    /// Claims opened and approved.
    pub approved: u64,
    /// Left as offers: facts incomplete, the rules or a person would have to decide, past
    /// the application limit, or no account on file.
    pub offers: u64,
    /// Births where the parameters in force do not turn 免申即享 on.
    pub not_enabled: u64,
    /// Already claimed meanwhile (refused by the database's unique key).
    pub duplicates: u64,
}

/// The command: decide every birth pushed up to `until` (today).
#[derive(Debug, Clone, Copy)]
pub struct AutomaticClaims {
    pub until: NaiveDate,
}

/// One claim the set will write: opened and decided at once.
struct Planned {
    opening: Opening,
    account: BankAccount,
    reads: Vec<NewAuditEntry>,
}

/// Runs 免申即享 over every mother with a pushed birth and no claim, set by set.
pub async fn automatic_claims(
    svc: &Services,
    actor: &Actor,
    cmd: AutomaticClaims,
) -> Result<AutomaticRun, ServiceError> {
    actor.authorize(UseCase::RunAutomaticClaims)?;
    let mut run = AutomaticRun::default();
    let mut accounts: HashMap<String, Option<BankAccount>> = HashMap::new();
    let mut phases = Phases::default();
    let consents = svc.store.automatic_consents().await?;
    let started = Instant::now();
    let everyone = svc.store.automatic_claim_candidates(cmd.until).await?;
    phases.candidates += started.elapsed();
    for people in everyone.chunks(SET_SIZE) {
        run.examined += people.len() as u64;
        let set = (cmd.until, people);
        let employers = Employers {
            consents: &consents,
            accounts: &mut accounts,
        };
        one_set(svc, actor, set, employers, &mut run, &mut phases).await?;
    }
    // Where a run's time goes (the bench's profile: docs/benchmarks.md).
    tracing::info!(
        candidates_s = phases.candidates.as_secs_f64(),
        read_s = phases.read.as_secs_f64(),
        plan_s = phases.plan.as_secs_f64(),
        steps_s = phases.steps.as_secs_f64(),
        write_s = phases.write.as_secs_f64(),
        approved = run.approved,
        "免申即享 run"
    );
    Ok(run)
}

/// Time spent per phase of a run, summed over its sets.
#[derive(Debug, Default)]
struct Phases {
    candidates: Duration,
    /// The set's records, wages and claimed keys.
    read: Duration,
    /// Deciding and planning the set in memory.
    plan: Duration,
    /// The set's claims taken through their steps in memory (case engine, decision, texts).
    steps: Duration,
    /// Writing and committing it.
    write: Duration,
}

async fn one_set(
    svc: &Services,
    actor: &Actor,
    (until, people): (NaiveDate, &[String]),
    mut employers: Employers<'_>,
    run: &mut AutomaticRun,
    phases: &mut Phases,
) -> Result<(), ServiceError> {
    let started = Instant::now();
    let mothers: Vec<(CitizenId, DataUse)> = people
        .iter()
        .filter_map(|p| CitizenId::parse(p).ok())
        .map(|m| {
            let data_use = DataUse {
                actor: actor.username.clone(),
                case_id: Some(Uuid::new_v4().simple().to_string()),
                purpose: PURPOSE.into(),
            };
            (m, data_use)
        })
        .collect();
    let derived = svc.store.derive_claims_set(&mothers, until).await?;
    let keys: Vec<String> = derived
        .iter()
        .filter_map(|d| {
            let date = d.derived.as_ref()?.event_date?;
            Some(duplicate_key(d.person.as_str(), date))
        })
        .collect();
    let key_refs: Vec<&str> = keys.iter().map(String::as_str).collect();
    let claimed = svc.store.claimed_keys(&key_refs).await?;
    phases.read += started.elapsed();
    let started = Instant::now();
    let mut planned = Vec::new();
    let mut unclaimed_reads = Vec::new();
    for (found, (_, data_use)) in derived.into_iter().zip(&mothers) {
        match plan(svc, until, found, data_use, &mut employers, &claimed).await? {
            Ok(p) => planned.push(p),
            Err((reads, why)) => {
                // Read, but no claim: the reads are recorded without a case.
                unclaimed_reads.extend(reads.into_iter().map(|mut r| {
                    r.case_id = None;
                    r
                }));
                match why {
                    Left::Offer => run.offers += 1,
                    Left::NotEnabled => run.not_enabled += 1,
                    Left::Claimed => run.duplicates += 1,
                }
            }
        }
    }
    phases.plan += started.elapsed();
    let whole = write_set(svc, actor, &planned, &unclaimed_reads, phases).await?;
    if whole {
        run.approved += planned.len() as u64;
        return Ok(());
    }
    // Someone filed one of these meanwhile: the set rolled back whole. Each claim again on
    // its own; the duplicate is refused by the database and counted.
    write_set(svc, actor, &[], &unclaimed_reads, phases).await?;
    for one in planned {
        if write_set(svc, actor, std::slice::from_ref(&one), &[], phases).await? {
            run.approved += 1;
        } else {
            run.duplicates += 1;
        }
    }
    Ok(())
}

/// What a run knows of employers: whose standing consent stands (read once per run) and
/// their accounts on file (looked up once each).
struct Employers<'a> {
    consents: &'a HashSet<String>,
    accounts: &'a mut HashMap<String, Option<BankAccount>>,
}

/// Why a birth is left without an automatic claim.
enum Left {
    Offer,
    NotEnabled,
    Claimed,
}

type Skip = (Vec<NewAuditEntry>, Left);

/// What to do with one mother's derived claim.
async fn plan(
    svc: &Services,
    until: NaiveDate,
    found: SetDerived,
    data_use: &DataUse,
    employers: &mut Employers<'_>,
    claimed: &HashSet<String>,
) -> Result<Result<Planned, Skip>, ServiceError> {
    let SetDerived {
        person,
        employer,
        derived,
        reads,
    } = found;
    let (Some(employer), Some(derived)) = (employer, derived) else {
        return Ok(Err((reads, Left::Offer)));
    };
    let Some(event_date) = derived.event_date else {
        return Ok(Err((reads, Left::Offer)));
    };
    let region = derived.region.unwrap_or_else(|| employer.region());
    let consented = employers.consents.contains(employer.as_str());
    if !consented && !svc.params.automatic_claims(region, event_date) {
        return Ok(Err((reads, Left::NotEnabled)));
    }
    if claimed.contains(&duplicate_key(person.as_str(), event_date)) {
        return Ok(Err((reads, Left::Claimed)));
    }
    // A claim the health department reviews first cannot be decided at once: the employer
    // is offered it and claims as usual.
    if super::hospital::review_required(svc, region, event_date) {
        return Ok(Err((reads, Left::Offer)));
    }
    let past_limit = svc
        .params
        .application_limit(region, event_date)
        .is_some_and(|l| l.is_past(until));
    let decides = derived.missing.is_empty()
        && derived.maternity.as_ref().is_some_and(|facts| {
            let outcome = smart_review(
                Submission {
                    facts: Some(facts),
                    has_upload: false,
                    wage_confirmed: true,
                },
                &svc.params,
            );
            matches!(
                outcome,
                Outcome::Decided {
                    action: ClaimAction::AutoApprove,
                    ..
                }
            )
        });
    if past_limit || !decides {
        return Ok(Err((reads, Left::Offer)));
    }
    let Some(account) = account_of(svc, employers.accounts, &employer).await? else {
        return Ok(Err((reads, Left::Offer)));
    };
    let case_id = data_use.case_id.clone().unwrap_or_default();
    Ok(Ok(Planned {
        opening: Opening {
            id: new_claim_id(until),
            case_id,
            person,
            employer,
            channel: Channel::Online,
            authorisation: None,
            hospital: None,
            family_planning_review: false,
            certificate_no: None,
            event_date,
            region,
            derived,
            derivation: None,
            detail: json!({"automatic": true}),
        },
        account,
        reads,
    }))
}

/// The employer's account on file, looked up once per run.
async fn account_of(
    svc: &Services,
    accounts: &mut HashMap<String, Option<BankAccount>>,
    employer: &Uscc,
) -> Result<Option<BankAccount>, ServiceError> {
    if let Some(known) = accounts.get(employer.as_str()) {
        return Ok(known.clone());
    }
    let found = svc.store.employer_account(employer.as_str()).await?;
    accounts.insert(employer.as_str().to_owned(), found.clone());
    Ok(found)
}

/// Writes a set's claims (each opened, then decided by smart review) and the data-use
/// entries of its reads in one transaction: planned in memory claim by claim with the same
/// steps, decision and texts as a filed claim, then written in multi-row statements;
/// `false` when one of them was claimed meanwhile (nothing written).
async fn write_set(
    svc: &Services,
    actor: &Actor,
    planned: &[Planned],
    unclaimed_reads: &[NewAuditEntry],
    phases: &mut Phases,
) -> Result<bool, ServiceError> {
    let started = Instant::now();
    let mut set = svc.store.begin_claim_set().await?;
    for p in planned {
        set.audit(&p.reads);
        plan_claim(svc, actor, &mut set, p)?;
    }
    set.audit(unclaimed_reads);
    phases.steps += started.elapsed();
    let started = Instant::now();
    let committed = set.commit().await;
    phases.write += started.elapsed();
    match committed {
        Err(ClaimError::Exists { .. }) => Ok(false),
        other => Ok(other.map(|()| true)?),
    }
}

/// One claim of the set: opened, its wage basis confirmed, submitted and decided by smart
/// review, as the employer's `open`, `confirm_wage` and `submit` would.
fn plan_claim(
    svc: &Services,
    actor: &Actor,
    set: &mut ClaimSet,
    p: &Planned,
) -> Result<(), ServiceError> {
    let basis = WageBasis::AvgWage;
    let derived = p.opening.derived.clone();
    let (new, mut created) = p.opening.clone().claim(actor);
    // Opened and decided in one go: the decision's one message says both. The opening's
    // own ("check the wage basis, then submit") asks for a step the platform has taken.
    created.notifications.clear();
    let (mut claim, case) = set.insert(&new, &created, &svc.calendar)?;
    claim.wage_basis = Some(basis);
    claim.bank_account = Some(p.account.clone());
    claim.submitted_at = Some(actor.at);
    super::decide::keep_facts(&mut claim, &derived);
    let facts = derived.maternity.clone().map(|f| with_claim(f, &claim.id));
    let Some(decision_facts) = facts.as_ref() else {
        return Ok(());
    };
    let decision = onething_domain::rules::evaluate(decision_facts, &svc.params);
    let mut writes = vec![
        step(
            "wage_confirmed",
            json!({"basis": basis.as_str()}),
            ActorRole::System,
        ),
        step("submitted", json!({}), ActorRole::System),
        onething_store::cases::CaseWrite::AcceptAll {
            role: ActorRole::System,
        },
    ];
    let decided = (ClaimAction::AutoApprove, decision, facts.as_ref());
    let (moves, name, body) = smart_decision(svc, actor, &mut claim, &case.state, decided)?;
    writes.extend(moves);
    let approved = claim.status == ClaimStatus::Approved;
    let body = match claim.amount_fen {
        Some(amount) if approved => texts::approved_automatically(&claim.id, amount),
        _ => body,
    };
    let detail = super::decide::decided_detail(&claim, approved);
    let write = ClaimWrite {
        by: acting(actor),
        idempotency_key: actor.key_for(&format!("{}:automatic", claim.id)),
        case: writes,
        notifications: texts::to_both(&claim.employer_uscc, &claim.person_id, &claim.id, &body),
        audit: Some((format!("claim_{name}"), detail)),
        attachment: None,
        payable: super::decide::payable_of(&claim, super::SMART_REVIEW, actor.at),
        reads: Vec::new(),
    };
    set.update(&claim, &write, &svc.calendar)?;
    Ok(())
}

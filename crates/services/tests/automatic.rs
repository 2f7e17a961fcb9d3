//! 免申即享 through the services layer on SQLite and (when configured) PostgreSQL: where the
//! parameters turn it on, the platform opens and decides the claims of pushed births itself
//! — identical to the same claims filed one by one by the employer —, a rerun makes no
//! doubles, an incomplete birth stays an offer, reads and decisions are audited, the
//! employer and the mother are told, and only the agency's platform account may run it.

use crate::support;

use std::sync::Arc;

use onething_domain::access::{AccessDenied, Role};
use onething_domain::allowance::{ClaimStatus, WageBasis};
use onething_domain::rules::MaternityParams;
use onething_domain::rules::params::SHIPPED_MATERNITY_TOML;
use onething_domain::{Calendar, CitizenId};
use onething_exchange::Dataset;
use onething_services::allowance::{
    self, AutomaticClaims, AutomaticRun, PLATFORM_ACTOR, automatic_claims, platform_actor,
};
use onething_services::{ServiceError, Services};
use onething_store::Store;
use onething_store::allowance::Recipient;
use onething_store::allowance::claims::{Claim, ClaimFilter};
use onething_store::audit::{AuditFilter, NewAuditEntry};
use serde_json::{Value, json};
use support::{
    account, base, clerk, confirm, day, employer_a, hr, mother, now, open, person, push, submit,
    test_dbs,
};

/// The shipped parameters with 免申即享 turned on in every period.
fn automatic_params() -> MaternityParams {
    let text = SHIPPED_MATERNITY_TOML.replace(
        "\n[[regions.periods]]\n",
        "\n[[regions.periods]]\nautomatic_claims = true\n",
    );
    MaternityParams::from_toml(&text).expect("params")
}

fn automatic_services(store: &Store) -> Services {
    Services::with_calendar(
        store.clone(),
        Arc::new(automatic_params()),
        Calendar::shipped(),
    )
}

async fn account_on_file(store: &Store) {
    let audit = NewAuditEntry {
        at: now(),
        actor: "hr_a".into(),
        role: Some(Role::Employer),
        action: "employer_account_changed".into(),
        subject_type: "employer".into(),
        subject_id: employer_a().to_string(),
        case_id: None,
        detail: json!({}),
    };
    store
        .put_employer_account(employer_a().as_str(), &account(), &audit)
        .await
        .expect("account");
}

/// Three complete mothers, one whose contributions are too short (the rules would refuse:
/// the employer files it), one with a birth but no enrollment (facts incomplete).
async fn births(store: &Store) -> (Vec<CitizenId>, CitizenId, CitizenId) {
    base(store).await;
    account_on_file(store).await;
    let mut complete = Vec::new();
    for seq in [402, 404, 406] {
        complete.push(mother(store, seq, true, 14).await);
    }
    let short = mother(store, 408, true, 2).await;
    let lone = person(410);
    push(
        store,
        Dataset::DeliveryRecords,
        &[json!({
        "record_id": "D410", "institution_code": "H50022800001", "person_id": lone.as_str(),
        "admitted_on": "2024-03-04", "discharged_on": "2024-03-08", "event_date": "2024-03-05",
        "event_type": "vaginal", "babies": 1, "pregnancy_weeks": 39,
        "settled_in_network": true, "total_cost_fen": 600000, "fund_paid_fen": 400000})],
    )
    .await;
    (complete, short, lone)
}

async fn claims_of(store: &Store, person: &CitizenId) -> Vec<Claim> {
    let filter = ClaimFilter {
        person_id: Some(person.to_string()),
        limit: 10,
        ..ClaimFilter::default()
    };
    store.claims(&filter).await.expect("claims")
}

async fn all_claims(store: &Store) -> Vec<Claim> {
    let filter = ClaimFilter {
        limit: 100,
        ..ClaimFilter::default()
    };
    store.claims(&filter).await.expect("claims")
}

/// What a claim decided, without what differs by nature between two databases (ids, the
/// moments and who acted).
fn decided(claim: &Claim) -> Value {
    let mut decision = serde_json::to_value(&claim.decision).expect("decision");
    decision["case_id"] = Value::Null;
    json!({
        "status": claim.status.as_str(), "employer": claim.employer_uscc,
        "channel": claim.channel, "duplicate_key": claim.duplicate_key,
        "certificate_no": claim.certificate_no, "event_date": claim.event_date,
        "region": claim.region, "wage_basis": claim.wage_basis.map(WageBasis::as_str),
        "facts": serde_json::to_value(&claim.facts).expect("facts"),
        "missing": serde_json::to_value(&claim.missing).expect("missing"),
        "decision": decision, "params_used": claim.params_used,
        "amount_fen": claim.amount_fen, "payee": claim.payee,
        "needs_review": claim.needs_review, "account": claim.bank_account.as_ref().map(|a| &a.number),
        "approved_on": claim.approved_on, "payment_due": claim.payment_due,
        "reviewed_by": claim.reviewed_by,
    })
}

#[tokio::test]
async fn births_are_decided_without_application_as_if_filed_one_by_one() {
    for (filed_db, auto_db) in test_dbs().await.into_iter().zip(test_dbs().await) {
        let label = auto_db.label;
        // The employer files every complete claim itself on one database...
        let filed = &filed_db.store;
        let (complete, _, _) = births(filed).await;
        let svc = automatic_services(filed);
        let hr_a = hr("hr_a", employer_a());
        let mut by_hand = Vec::new();
        for mum in &complete {
            let claim = open(&svc, &hr_a, mum).await.expect("opened");
            let claim = confirm(&svc, &hr_a, &claim, WageBasis::AvgWage)
                .await
                .expect("confirmed");
            let claim = submit(&svc, &hr_a, &claim, None).await.expect("submitted");
            assert_eq!(claim.status, ClaimStatus::Approved, "{label}");
            by_hand.push(claim);
        }

        // ...and the platform decides them itself on the other.
        let store = &auto_db.store;
        let (complete, short, lone) = births(store).await;
        let svc = automatic_services(store);
        let until = day(2024, 4, 1);
        let run = automatic_claims(&svc, &platform_actor(now()), AutomaticClaims { until })
            .await
            .expect("run");
        assert_eq!(
            run,
            AutomaticRun {
                examined: 5,
                approved: 3,
                offers: 2,
                not_enabled: 0,
                duplicates: 0
            },
            "{label}"
        );
        for (mum, hand) in complete.iter().zip(&by_hand) {
            let claims = claims_of(store, mum).await;
            assert_eq!(claims.len(), 1, "{label}");
            let auto = &claims[0];
            assert_eq!(decided(auto), decided(hand), "{label}");
            assert_eq!(auto.created_by, PLATFORM_ACTOR);
            let steps: Vec<String> = store
                .claim_steps(&auto.id)
                .await
                .expect("steps")
                .into_iter()
                .map(|s| s.step)
                .collect();
            assert_eq!(
                steps,
                ["created", "wage_confirmed", "submitted", "approved"],
                "{label}"
            );
            // The employer and the mother are told: opened, then approved.
            for recipient in [
                Recipient::Person(mum.to_string()),
                Recipient::Employer(employer_a().to_string()),
            ] {
                let notes = store
                    .notifications_for(&recipient, "in_site", 50)
                    .await
                    .expect("notes");
                let mine: Vec<_> = notes.iter().filter(|n| n.body.contains(&auto.id)).collect();
                assert_eq!(mine.len(), 2, "{label} {recipient:?}");
            }
            // Every shared record read is audited for the claim's case, and the decision.
            for (action, at_least) in [("data_read", 10), ("claim_approved", 1)] {
                let entries = store
                    .list_audit(&AuditFilter {
                        case_id: Some(auto.case_id.clone()),
                        action: Some(action.into()),
                        limit: 100,
                        ..AuditFilter::default()
                    })
                    .await
                    .expect("audit");
                assert!(
                    entries.len() >= at_least,
                    "{label} {action}: {}",
                    entries.len()
                );
            }
        }
        let chain = store.verify_audit_chain().await.expect("chain");
        assert!(chain.problems.is_empty(), "{label}: {:?}", chain.problems);

        // Left as offers: the rules would refuse one, the other's facts are incomplete.
        for mum in [&short, &lone] {
            assert!(claims_of(store, mum).await.is_empty(), "{label}");
        }
        let offers = allowance::offers(&svc, &hr_a).await.expect("offers");
        assert_eq!(offers.len(), 1, "{label}: the enrolled one is offered");
        assert_eq!(offers[0].person_id, short.as_str());

        // A rerun (or a run after a crash) makes no doubles.
        let again = automatic_claims(&svc, &platform_actor(now()), AutomaticClaims { until })
            .await
            .expect("rerun");
        assert_eq!(again.approved, 0, "{label}");
        assert_eq!(
            again.examined, 2,
            "{label}: only the offers are looked at again"
        );
        let all = all_claims(store).await;
        assert_eq!(all.len(), 3, "{label}");

        // The employer still files the offer itself (and is then refused by the rules).
        let filed_short = open(&svc, &hr_a, &short).await.expect("opened");
        assert_eq!(filed_short.status, ClaimStatus::Draft);
    }
}

#[tokio::test]
async fn off_by_default_and_only_for_the_platform_account() {
    for db in test_dbs().await {
        let store = &db.store;
        births(store).await;
        let until = day(2024, 4, 1);
        // The shipped parameters do not turn it on: nothing is opened.
        let shipped = support::services(store);
        let run = automatic_claims(&shipped, &platform_actor(now()), AutomaticClaims { until })
            .await
            .expect("run");
        assert_eq!(run.approved, 0, "{}", db.label);
        assert_eq!(run.not_enabled, 4, "{}", db.label);
        let all = all_claims(store).await;
        assert!(all.is_empty(), "{}", db.label);
        // An employer (or an administrator) may not run it; a clerk's role may.
        let svc = automatic_services(store);
        for who in [hr("hr_a", employer_a()), support::admin()] {
            let refused = automatic_claims(&svc, &who, AutomaticClaims { until }).await;
            assert!(
                matches!(refused, Err(ServiceError::Access(AccessDenied::Forbidden))),
                "{refused:?}"
            );
        }
        let by_clerk = automatic_claims(&svc, &clerk("clerk_a"), AutomaticClaims { until })
            .await
            .expect("clerk");
        assert_eq!(by_clerk.approved, 3, "{}", db.label);
    }
}

/// Where the region's parameters ask 卫健局's family-planning review (seed 002 四; the
/// reimbursement fixture's Chongqing entry), no claim can be decided at once: every birth
/// stays an offer for the employer to claim, and nothing is opened.
#[tokio::test]
async fn births_the_health_department_reviews_stay_offers() {
    const FIXTURE: &str = include_str!("../../domain/tests/data/reimbursement_fixture.toml");
    for db in test_dbs().await {
        let store = &db.store;
        births(store).await;
        let text = format!(
            "{}\n{FIXTURE}",
            SHIPPED_MATERNITY_TOML.replace(
                "\n[[regions.periods]]\n",
                "\n[[regions.periods]]\nautomatic_claims = true\n",
            )
        );
        let params = MaternityParams::from_toml(&text).expect("params");
        let svc = Services::with_calendar(store.clone(), Arc::new(params), Calendar::shipped());
        let until = day(2024, 4, 1);
        let run = automatic_claims(&svc, &platform_actor(now()), AutomaticClaims { until })
            .await
            .expect("run");
        assert_eq!(run.approved, 0, "{}", db.label);
        assert_eq!(run.not_enabled, 0, "{}", db.label);
        assert!(run.examined >= 4, "{run:?}");
        assert_eq!(run.offers, run.examined, "{run:?}");
        assert!(all_claims(store).await.is_empty(), "{}", db.label);
    }
}

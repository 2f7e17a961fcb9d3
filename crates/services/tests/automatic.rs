//! 免申即享 through the services layer on SQLite and (when configured) PostgreSQL: where the
//! parameters turn it on, the platform opens and decides the claims of pushed births itself
//! — identical to the same claims filed one by one by the employer —, a rerun makes no
//! doubles, an incomplete birth stays an offer, reads and decisions are audited, the
//! employer and the mother are told, and only the agency's platform account may run it.

use crate::support;

use std::sync::Arc;

use onething_domain::access::Applicant;
use onething_domain::access::{AccessDenied, Role};
use onething_domain::allowance::{ClaimStatus, WageBasis};
use onething_domain::case::ActorRole;
use onething_domain::rules::MaternityParams;
use onething_domain::rules::params::SHIPPED_MATERNITY_TOML;
use onething_domain::{Calendar, CitizenId, Fen};
use onething_exchange::Dataset;
use onething_services::allowance::{
    self, AutomaticClaims, AutomaticRun, PLATFORM_ACTOR, automatic_claims, platform_actor,
};
use onething_services::{ServiceError, Services};
use onething_store::allowance::Recipient;
use onething_store::allowance::claims::{
    Acting, Channel, Claim, ClaimError, ClaimFilter, ClaimWrite, NewClaim, PayableWrite,
    duplicate_key,
};
use onething_store::audit::{AuditFilter, NewAuditEntry};
use onething_store::cases::{CaseWrite, NewCase};
use onething_store::payables::NewPayable;
use onething_store::{Store, StoreError};
use onething_test_support::ClaimIdOf;
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

/// A body or detail with what differs by nature between the two paths removed: ids of the
/// claim and case, and 免申即享's own mark on its `created` step.
fn plain(mut value: Value, ids: &[&str]) -> Value {
    if let Some(map) = value.as_object_mut() {
        map.remove("automatic");
        for v in map.values_mut() {
            *v = plain(v.take(), ids);
        }
    }
    if let Some(items) = value.as_array_mut() {
        for v in items {
            *v = plain(v.take(), ids);
        }
    }
    match value {
        Value::String(text) => {
            let mut text = text;
            for id in ids {
                text = text.replace(id, "ID");
            }
            Value::String(text)
        }
        other => other,
    }
}

/// The case of a claim as its events, items and row leave it: event bodies in order (what
/// each event did), the items' projection, the case's version and status.
async fn case_of(store: &Store, claim: &Claim) -> Value {
    let ids = [claim.id.as_str(), claim.case_id.as_str()];
    let events = store.case_events(&claim.case_id).await.expect("events");
    let bodies: Vec<Value> = events
        .iter()
        .map(|e| plain(serde_json::to_value(&e.body).expect("body"), &ids))
        .collect();
    let seqs: Vec<u64> = events.iter().map(|e| e.seq).collect();
    let record = store.load_case(&claim.case_id).await.expect("case");
    let items = store.item_projection(&claim.case_id).await.expect("items");
    let items: Vec<Value> = items
        .into_iter()
        .map(|(item, state, due)| json!([item, state, due]))
        .collect();
    json!({"events": bodies, "seqs": seqs, "items": items, "version": record.version,
           "status": record.state.status(), "due_on": record.state.due_on()})
}

/// What the claim's payable owes and where it goes (the account history's first entry).
async fn payable_of(store: &Store, claim: &Claim) -> Value {
    let far = day(2024, 12, 31);
    let late = store
        .late_payables(None, far, &Calendar::shipped())
        .await
        .expect("payables");
    let mine: Vec<Value> = late
        .iter()
        .filter(|p| p.subject_id == claim.id)
        .map(|p| json!([p.status.as_str(), p.amount.as_i64(), p.owed_on, p.due_on]))
        .collect();
    let id = format!("ma_claim-{}", claim.id);
    let accounts: Vec<Value> = store
        .payable_accounts(&id)
        .await
        .expect("accounts")
        .iter()
        .map(|a| json!([a.account.as_ref().map(|a| &a.number), a.reason]))
        .collect();
    json!({"payable": mine, "accounts": accounts})
}

/// The claim's notifications to both (recipient, channel, text), oldest first.
async fn told(store: &Store, claim: &Claim) -> Vec<Value> {
    let mut out = Vec::new();
    for recipient in [
        Recipient::Person(claim.person_id.clone()),
        Recipient::Employer(claim.employer_uscc.clone()),
    ] {
        for channel in ["in_site", "sms"] {
            let notes = store
                .notifications_for(&recipient, channel, 50)
                .await
                .expect("notes");
            let mut mine: Vec<Value> = notes
                .iter()
                .filter(|n| n.subject_id == claim.id)
                .map(|n| json!([recipient.key(), channel, n.body.replace(&claim.id, "ID")]))
                .collect();
            mine.sort_by_key(|v| v.to_string());
            out.extend(mine);
        }
    }
    out
}

/// The claim case's audit entries: its decisions in order (action, subject, detail) and
/// the distinct shared records read for it.
async fn audited(store: &Store, claim: &Claim) -> Value {
    let ids = [claim.id.as_str(), claim.case_id.as_str()];
    let mut entries = store
        .list_audit(&AuditFilter {
            case_id: Some(claim.case_id.clone()),
            limit: 500,
            ..AuditFilter::default()
        })
        .await
        .expect("audit");
    entries.reverse();
    let decisions: Vec<Value> = entries
        .iter()
        .filter(|e| e.entry.action != "data_read")
        .map(|e| {
            let entry = &e.entry;
            json!([
                entry.action,
                entry.subject_type,
                plain(entry.detail.clone(), &ids)
            ])
        })
        .collect();
    let mut reads: Vec<String> = entries
        .iter()
        .filter(|e| e.entry.action == "data_read")
        .map(|e| format!("{}:{}", e.entry.subject_type, e.entry.subject_id))
        .collect();
    reads.sort();
    reads.dedup();
    json!({"decisions": decisions, "reads": reads})
}

/// The idempotency keys of a set path's case: the opening's key, its `created` step's,
/// then the decision's key and its `#2`, `#3`… — what the claim writer gives a claim
/// opened and then changed once.
async fn keys_follow_the_writer(store: &Store, claim: &Claim, label: &str) {
    let events = store.case_events(&claim.case_id).await.expect("events");
    let keys: Vec<&str> = events.iter().map(|e| e.idempotency_key.as_str()).collect();
    let open = keys[0];
    assert!(
        open.starts_with(&format!("open:{}:", claim.duplicate_key)),
        "{label}: {open}"
    );
    assert_eq!(keys[1], format!("{open}:created"), "{label}");
    let decision = keys[2];
    assert!(
        decision.starts_with(&format!("{}:automatic:", claim.id)),
        "{label}: {decision}"
    );
    for (n, key) in keys.iter().enumerate().skip(3) {
        assert_eq!(*key, format!("{decision}#{}", n - 1), "{label}");
    }
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
            // The same case (events in order, items, row), payable, messages and audit
            // entries as the claim the employer filed step by step.
            assert_eq!(
                case_of(store, auto).await,
                case_of(filed, hand).await,
                "{label}"
            );
            assert_eq!(
                payable_of(store, auto).await,
                payable_of(filed, hand).await,
                "{label}"
            );
            let payable = payable_of(store, auto).await;
            assert_eq!(
                payable["payable"].as_array().map(Vec::len),
                Some(1),
                "{label}"
            );
            // Told once, in-site and by SMS, that the platform opened and approved it; the
            // filed claim was told twice (opened, then approved).
            let amount = Fen::new(hand.amount_fen.expect("amount")).to_yuan_string();
            let text = format!(
                "平台已依据共享数据免申办理生育津贴（申领号ID），审核通过，核定金额{amount}元，\
                 待结算支付；单位如需更正工资基数或收款账户，请在结算前办理"
            );
            let mut expected = Vec::new();
            for recipient in [
                Recipient::Person(auto.person_id.clone()),
                Recipient::Employer(auto.employer_uscc.clone()),
            ] {
                for channel in ["in_site", "sms"] {
                    expected.push(json!([recipient.key(), channel, text]));
                }
            }
            assert_eq!(told(store, auto).await, expected, "{label}");
            assert_eq!(told(filed, hand).await.len(), 8, "{label}");
            assert_eq!(
                audited(store, auto).await,
                audited(filed, hand).await,
                "{label}"
            );
            keys_follow_the_writer(store, auto, label).await;
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
            // The employer and the mother are told once: opened and approved.
            for recipient in [
                Recipient::Person(mum.to_string()),
                Recipient::Employer(employer_a().to_string()),
            ] {
                let notes = store
                    .notifications_for(&recipient, "in_site", 50)
                    .await
                    .expect("notes");
                let mine: Vec<_> = notes.iter().filter(|n| n.body.contains(&auto.id)).collect();
                assert_eq!(mine.len(), 1, "{label} {recipient:?}");
                assert!(
                    mine[0].body.starts_with("平台已依据共享数据免申办理"),
                    "{label}"
                );
            }
            // Every shared record read is audited for the claim's case (one entry per
            // dataset read, naming its records), and the decision.
            let of_case = |action: &str| AuditFilter {
                case_id: Some(auto.case_id.clone()),
                action: Some(action.into()),
                limit: 100,
                ..AuditFilter::default()
            };
            let reads = store
                .list_audit(&of_case("data_read"))
                .await
                .expect("audit");
            let mut datasets: Vec<&str> = reads
                .iter()
                .map(|e| e.entry.detail["dataset"].as_str().expect("dataset"))
                .collect();
            datasets.sort_unstable();
            let expected = [
                "birth-certificates",
                "contributions",
                "delivery-records",
                "employer-wages",
                "employment-status",
                "insurance-enrollments",
            ];
            assert_eq!(datasets, expected, "{label}: one entry per dataset read");
            let records: usize = reads
                .iter()
                .map(|e| e.entry.detail["records"].as_array().map_or(0, Vec::len))
                .sum();
            assert!(records >= 10, "{label}: records read {records}");
            let decided = store
                .list_audit(&of_case("claim_approved"))
                .await
                .expect("audit");
            assert_eq!(decided.len(), 1, "{label}");
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

/// Where the region leaves 免申即享 off, an employer's standing consent turns it on for
/// that employer's births only; a withdrawn consent turns it off again; only the employer
/// itself gives or withdraws it, and both are audited.
#[tokio::test]
async fn an_employers_standing_consent_turns_it_on_for_its_own_births() {
    for db in test_dbs().await {
        let store = &db.store;
        births(store).await;
        let until = day(2024, 4, 1);
        let svc = support::services(store); // the shipped parameters: off everywhere
        let platform = platform_actor(now());
        let run_now = || automatic_claims(&svc, &platform, AutomaticClaims { until });
        let any = || store.any_automatic_consent();
        assert!(!any().await.expect("none yet"), "{}", db.label);
        // Another employer's consent does not reach employer A's births.
        let other = hr("hr_b", support::employer_b());
        allowance::set_automatic_consent(&svc, &other, true)
            .await
            .expect("b consents");
        assert!(any().await.expect("b's"), "{}", db.label);
        assert_eq!(run_now().await.expect("run").not_enabled, 4, "{}", db.label);
        // Given and withdrawn: still off.
        let hr_a = hr("hr_a", employer_a());
        let given = allowance::set_automatic_consent(&svc, &hr_a, true)
            .await
            .expect("given");
        assert_eq!(given.map(|c| c.given_by), Some("hr_a".to_owned()));
        let withdrawn = allowance::set_automatic_consent(&svc, &hr_a, false)
            .await
            .expect("withdrawn");
        assert_eq!(withdrawn, None, "{}", db.label);
        assert_eq!(run_now().await.expect("run").not_enabled, 4, "{}", db.label);
        assert!(all_claims(store).await.is_empty(), "{}", db.label);
        // Given again: the complete births are decided; the others stay offers.
        allowance::set_automatic_consent(&svc, &hr_a, true)
            .await
            .expect("given again");
        let run = run_now().await.expect("run");
        assert_eq!(
            (run.approved, run.offers, run.not_enabled),
            (3, 2, 0),
            "{run:?}"
        );
        let shown = allowance::automatic_consent(&svc, &hr_a)
            .await
            .expect("view");
        assert!(shown.is_some(), "{}", db.label);
        // Nobody else consents for an employer.
        let mum = support::insured(&support::person(402));
        for who in [clerk("clerk_a"), support::admin(), mum] {
            let refused = allowance::set_automatic_consent(&svc, &who, true).await;
            assert!(
                matches!(refused, Err(ServiceError::Access(AccessDenied::Forbidden))),
                "{refused:?}"
            );
        }
        let audit = store
            .list_audit(&AuditFilter {
                subject_id: Some(employer_a().to_string()),
                limit: 50,
                ..AuditFilter::default()
            })
            .await
            .expect("audit");
        let moves: Vec<&str> = audit
            .iter()
            .rev()
            .map(|e| e.entry.action.as_str())
            .filter(|a| a.starts_with("automatic_consent"))
            .collect();
        let expected = [
            "automatic_consent_given",
            "automatic_consent_withdrawn",
            "automatic_consent_given",
        ];
        assert_eq!(moves, expected, "{}", db.label);
        // Every consent withdrawn: the server's runs stop asking for facts.
        for who in [&hr_a, &other] {
            allowance::set_automatic_consent(&svc, who, false)
                .await
                .expect("withdrawn");
        }
        assert!(!any().await.expect("none left"), "{}", db.label);
    }
}

/// A claim 免申即享 decided with the average wage: until settlement the employer corrects
/// the basis to the average contribution base; the amount is decided again and the payable
/// follows in the same transaction; the same basis again changes nothing; after settlement
/// the correction is refused; a claim the employer filed itself is not reopened this way.
#[tokio::test]
async fn the_employer_corrects_the_wage_basis_of_an_automatic_claim_before_settlement() {
    for db in test_dbs().await {
        let store = &db.store;
        let (complete, _, _) = births(store).await;
        let svc = automatic_services(store);
        let until = day(2024, 4, 1);
        automatic_claims(&svc, &platform_actor(now()), AutomaticClaims { until })
            .await
            .expect("run");
        let claim = claims_of(store, &complete[0]).await.remove(0);
        let id = claim.claim_id();
        let (before, days) = (
            claim.amount_fen.expect("amount"),
            claim.decision.as_ref().map(|d| d.leave_days),
        );
        let hr_a = hr("hr_a", employer_a());
        let basis = |b| allowance::ConfirmWage { basis: b };
        let corrected = allowance::confirm_wage(&svc, &hr_a, &id, basis(WageBasis::AvgBase))
            .await
            .expect("corrected");
        assert_eq!(corrected.status, ClaimStatus::Approved, "{}", db.label);
        assert_eq!(corrected.wage_basis, Some(WageBasis::AvgBase));
        let days = i64::from(days.expect("days"));
        // The fixture's average base is 6,500.00 yuan a month: base × days / 30, to the fen.
        let expected = (650_000 * days + 15) / 30;
        assert_eq!(corrected.amount_fen, Some(expected), "{}", db.label);
        assert_ne!(corrected.amount_fen, Some(before));
        let owed = payable_of(store, &corrected).await;
        assert_eq!(owed["payable"][0][1], json!(expected), "{owed}");
        let steps = store.claim_steps(&corrected.id).await.expect("steps");
        assert!(
            steps.iter().any(|s| s.step == "wage_corrected"),
            "{}",
            db.label
        );
        let audit = store
            .list_audit(&AuditFilter {
                action: Some("claim_wage_corrected".into()),
                limit: 10,
                ..AuditFilter::default()
            })
            .await
            .expect("audit");
        assert_eq!(audit.len(), 1, "{}", db.label);
        assert_eq!(audit[0].entry.detail["amount_fen_before"], json!(before));
        // The same basis again: nothing changes.
        let again = allowance::confirm_wage(&svc, &hr_a, &id, basis(WageBasis::AvgBase))
            .await
            .expect("again");
        assert_eq!(again.version, corrected.version, "{}", db.label);
        // Settled: the payment file holds the amount; no more corrections.
        let settle = allowance::Settle {
            until: day(2024, 12, 31),
        };
        allowance::settle(&svc, &clerk("clerk_a"), settle)
            .await
            .expect("settled");
        let refused = allowance::confirm_wage(&svc, &hr_a, &id, basis(WageBasis::AvgWage)).await;
        assert!(
            matches!(
                refused,
                Err(ServiceError::InvalidState {
                    from: ClaimStatus::Settled,
                    ..
                })
            ),
            "{refused:?}"
        );
        let kept = claims_of(store, &complete[0]).await.remove(0);
        assert_eq!(kept.amount_fen, Some(expected), "{}", db.label);
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

/// A claim of a set as the platform writes it (only what the storage guarantees need).
fn set_claim(id: &str, mum: &CitizenId) -> NewClaim {
    let event_date = day(2024, 3, 5);
    NewClaim {
        id: id.into(),
        person_id: mum.clone(),
        employer: employer_a(),
        certificate_no: None,
        channel: Channel::Online,
        authorisation: None,
        event_date,
        region: "500228".into(),
        facts: Vec::new(),
        missing: Vec::new(),
        duplicate_key: duplicate_key(mum.as_str(), event_date),
        case: NewCase {
            bundle: "maternity_allowance".into(),
            applicant: Applicant::person_ref(mum),
            region: Some("500228".into()),
            filer: Some(Applicant::employer_ref(&employer_a())),
            id: None,
        },
        hospital: None,
        family_planning_review: false,
        derivation: None,
    }
}

fn created(key: &str) -> ClaimWrite<'static> {
    ClaimWrite {
        by: Acting {
            actor: PLATFORM_ACTOR,
            role: Role::AgencyClerk,
            at: now(),
        },
        idempotency_key: key.into(),
        case: vec![CaseWrite::Step {
            step: "created".into(),
            detail: json!({}),
            role: ActorRole::System,
        }],
        notifications: Vec::new(),
        audit: Some(("claim_created".into(), json!({}))),
        attachment: None,
        payable: None,
        reads: Vec::new(),
    }
}

async fn write_set(store: &Store, claims: &[(NewClaim, &str)]) -> Result<(), ClaimError> {
    let mut set = store.begin_claim_set().await.expect("set");
    for (new, key) in claims {
        set.insert(new, &created(key), &Calendar::shipped())?;
    }
    set.commit().await
}

async fn claim_created_entries(store: &Store) -> usize {
    let filter = AuditFilter {
        action: Some("claim_created".into()),
        limit: 100,
        ..AuditFilter::default()
    };
    store.list_audit(&filter).await.expect("audit").len()
}

#[tokio::test]
async fn a_set_is_written_whole_or_not_at_all() {
    for db in test_dbs().await {
        let (store, label) = (&db.store, db.label);
        let (complete, _, _) = births(store).await;
        let (a, b) = (&complete[0], &complete[1]);
        // A crash before the commit: nothing of the set is written.
        let mut set = store.begin_claim_set().await.expect("set");
        set.insert(
            &set_claim("MA20240401CRASH001", a),
            &created("k0"),
            &Calendar::shipped(),
        )
        .expect("planned");
        drop(set);
        assert!(all_claims(store).await.is_empty(), "{label}");
        assert_eq!(claim_created_entries(store).await, 0, "{label}");

        write_set(store, &[(set_claim("MA20240401SET00001", a), "k1")])
            .await
            .expect("first set");
        // The same mother again, beside another: the database's unique key refuses the
        // set, and the other's claim, case, events and audit entry are not written either.
        let again = write_set(
            store,
            &[
                (set_claim("MA20240401SET00002", a), "k2"),
                (set_claim("MA20240401SET00003", b), "k3"),
            ],
        )
        .await;
        assert!(
            matches!(again, Err(ClaimError::Exists { .. })),
            "{label}: {again:?}"
        );
        let all = all_claims(store).await;
        assert_eq!(all.len(), 1, "{label}");
        assert_eq!(all[0].id, "MA20240401SET00001", "{label}");
        let events = store.case_events(&all[0].case_id).await.expect("events");
        let keys: Vec<&str> = events.iter().map(|e| e.idempotency_key.as_str()).collect();
        assert_eq!(keys, ["k1", "k1:created"], "{label}");
        assert_eq!(claim_created_entries(store).await, 1, "{label}");
        let chain = store.verify_audit_chain().await.expect("chain");
        assert!(chain.problems.is_empty(), "{label}: {:?}", chain.problems);

        // Run after that partial run: the rest is decided, the claimed mother is not
        // looked at again, nothing is doubled.
        let svc = automatic_services(store);
        let until = day(2024, 4, 1);
        let run = automatic_claims(&svc, &platform_actor(now()), AutomaticClaims { until })
            .await
            .expect("run");
        assert_eq!((run.examined, run.approved), (4, 2), "{label}: {run:?}");
        assert_eq!(all_claims(store).await.len(), 3, "{label}");
    }
}

/// The payable an approval in a set creates (the fields the storage needs).
fn set_payable(claim: &Claim, amount: i64) -> NewPayable {
    NewPayable {
        service: "maternity_allowance".into(),
        subject_type: "ma_claim".into(),
        subject_id: claim.id.clone(),
        case_id: Some(claim.case_id.clone()),
        case_item: None,
        payee: None,
        account: None,
        amount: Fen::new(amount),
        owed_on: day(2024, 4, 1),
        due_on: Some(day(2024, 4, 30)),
        due_on_provisional: false,
        region: "500228".into(),
        created_by: PLATFORM_ACTOR.into(),
        at: now(),
    }
}

/// A change of a set's claim with only a payable.
fn paying(key: &str, payable: PayableWrite) -> ClaimWrite<'static> {
    let mut write = created(key);
    write.case.clear();
    write.audit = None;
    write.payable = Some(payable);
    write
}

/// A set amends the payable it planned before writing it; a payable it does not hold is
/// not found, and the claim stays as it was (a stored claim is corrected one at a time).
#[tokio::test]
async fn a_set_amends_only_the_payables_it_holds() {
    for db in test_dbs().await {
        let (store, label) = (&db.store, db.label);
        let (complete, _, _) = births(store).await;
        let calendar = Calendar::shipped();
        let mut set = store.begin_claim_set().await.expect("set");
        let new = set_claim("MA20240401AMEND001", &complete[0]);
        let (mut claim, _) = set
            .insert(&new, &created("a1"), &calendar)
            .expect("planned");
        claim.status = ClaimStatus::Approved;
        let create = PayableWrite::Create(Box::new(set_payable(&claim, 100_000)));
        set.update(&claim, &paying("a2", create), &calendar)
            .expect("approved");
        claim.version += 1;
        let elsewhere = PayableWrite::Amend {
            id: "ma_claim-MA20240401ELSEWHERE".into(),
            amount: Fen::new(1),
        };
        let refused = set.update(&claim, &paying("a3", elsewhere), &calendar);
        assert!(
            matches!(
                refused,
                Err(StoreError::NotFound {
                    what: "payable in the set",
                    ..
                })
            ),
            "{label}: {refused:?}"
        );
        let amend = PayableWrite::Amend {
            id: format!("ma_claim-{}", claim.id),
            amount: Fen::new(123_456),
        };
        set.update(&claim, &paying("a4", amend), &calendar)
            .expect("amended: the refused change left the version as it was");
        set.commit().await.expect("written");
        let owed = payable_of(store, &claim).await;
        assert_eq!(owed["payable"][0][1], json!(123_456), "{label}: {owed}");
    }
}

//! Payables (issue 10, item 4), on SQLite and (when configured) PostgreSQL: approval freezes
//! the payee's account into the claim's payable, so a later change of the employer's account
//! does not reach the payment file, while a failed payment corrected by hand is paid into
//! the corrected account (history and audit on both paths); a payable of another service
//! settles in the same run and file beside claims; a claim's status replays from its case.

use crate::support;
use onething_services::allowance::payment_texts;

use chrono::Duration;
use onething_domain::Fen;
use onething_domain::access::Role;
use onething_domain::allowance::settlement::{Payee, PayeeAccount, parse_results};
use onething_domain::allowance::{ClaimStatus, WageBasis};
use onething_domain::china_time::date_in_china;
use onething_services::allowance;
use onething_store::Store;
use onething_store::allowance::claims::BankAccount;
use onething_store::allowance::settlements::{Acting, SettleRun, Settlement};
use onething_store::audit::AuditFilter;
use onething_store::cases::{Actor as CaseActor, NewCase};
use onething_store::payables::{Account, NewPayable, create_payable_in};
use support::{
    account, base, confirm, employer_a, hr, insured, mother, now, open, services, submit, test_dbs,
};

fn acting(name: &str, days: i64) -> Acting {
    Acting {
        name: name.into(),
        role: Some(Role::AgencyClerk),
        at: now() + Duration::days(days),
    }
}

async fn settle(store: &Store, days: i64) -> Settlement {
    let run = SettleRun {
        until: date_in_china(now() + Duration::days(days)),
        scope: None,
        acting: acting("clerk", days),
    };
    let outcome = store.settle(&run, payment_texts).await.expect("settled");
    assert!(outcome.skipped.is_empty(), "{:?}", outcome.skipped);
    outcome.settlement.expect("a settlement")
}

async fn bank_says(store: &Store, settlement: &Settlement, result: &str, days: i64) {
    let csv = format!(
        "payment_id,result,reason\n{},{result},{}\n",
        settlement.payments[0].id,
        if result == "failed" {
            "账户已销户"
        } else {
            ""
        }
    );
    let rows = parse_results(csv.as_bytes()).expect("results");
    let report = store
        .import_results(
            &settlement.head.id,
            &rows,
            &acting("clerk", days),
            payment_texts,
        )
        .await
        .expect("imported");
    assert_eq!(report.matched, 1);
}

/// Mother `seq`'s claim by employer A, confirmed and submitted with its account: approved.
async fn approved(
    store: &Store,
    svc: &onething_services::Services,
    seq: u16,
) -> (
    onething_domain::CitizenId,
    onething_store::allowance::claims::Claim,
) {
    let hr_a = hr("hr_a", employer_a());
    let mum = mother(store, seq, true, 14).await;
    let claim = open(svc, &hr_a, &mum).await.expect("opened");
    confirm(svc, &hr_a, &claim, WageBasis::AvgWage)
        .await
        .expect("confirmed");
    let claim = submit(svc, &hr_a, &claim, Some(account()))
        .await
        .expect("submitted");
    assert_eq!(claim.status, ClaimStatus::Approved);
    (mum, claim)
}

/// The status the claim's case events give, and the one stored on its row.
async fn replayed_and_stored(store: &Store, id: &str) -> (ClaimStatus, ClaimStatus) {
    let steps = store.claim_steps(id).await.expect("steps");
    let replayed = ClaimStatus::replay(steps.iter().map(|s| s.step.as_str())).expect("replay");
    (replayed, store.claim(id).await.expect("claim").status)
}

async fn audit_count(store: &Store, action: &str) -> usize {
    let filter = AuditFilter {
        action: Some(action.into()),
        limit: 50,
        ..AuditFilter::default()
    };
    store.list_audit(&filter).await.expect("audit").len()
}

#[tokio::test]
async fn the_account_is_frozen_at_approval_and_changed_only_by_a_correction_after_a_failure() {
    for db in test_dbs().await {
        let store = &db.store;
        let svc = &services(store);
        let hr_a = hr("hr_a", employer_a());
        base(store).await;
        // Approved with the employer's account on file (submitted without one).
        allowance::change_employer_account(svc, &hr_a, &account())
            .await
            .expect("on file");
        let mum = mother(store, 404, true, 14).await;
        let claim = open(svc, &hr_a, &mum).await.expect("opened");
        confirm(svc, &hr_a, &claim, WageBasis::AvgWage)
            .await
            .expect("confirmed");
        let claim = submit(svc, &hr_a, &claim, None).await.expect("submitted");
        assert_eq!(claim.status, ClaimStatus::Approved, "{}", db.label);

        // The employer changes its account after approval: the payment file keeps the old.
        let changed = BankAccount {
            number: "50001000000000000009".into(),
            ..account()
        };
        allowance::change_employer_account(svc, &hr_a, &changed)
            .await
            .expect("changed");
        let first = settle(store, 0).await;
        assert_eq!(first.payments[0].account, account().number, "{}", db.label);
        assert_eq!(first.payments[0].subject_ids, vec![claim.id.clone()]);
        assert_eq!(
            replayed_and_stored(store, &claim.id).await,
            (ClaimStatus::Settled, ClaimStatus::Settled)
        );

        // The bank fails it; it is not sent again until its account is corrected.
        bank_says(store, &first, "failed", 1).await;
        assert_eq!(
            replayed_and_stored(store, &claim.id).await,
            (ClaimStatus::PaymentFailed, ClaimStatus::PaymentFailed)
        );
        let nothing = store
            .settle(
                &SettleRun {
                    until: date_in_china(now() + Duration::days(2)),
                    scope: None,
                    acting: acting("clerk", 2),
                },
                payment_texts,
            )
            .await
            .expect("run");
        assert!(nothing.settlement.is_none(), "{}", db.label);
        let corrected = PayeeAccount::parse(
            &changed.name,
            &changed.bank,
            &changed.number,
            Payee::Employer,
        )
        .expect("account");
        store
            .correct_account(&claim.id, &corrected, &acting("hr_a", 2))
            .await
            .expect("corrected");
        let second = settle(store, 3).await;
        assert_eq!(second.payments[0].account, changed.number, "{}", db.label);
        bank_says(store, &second, "paid", 4).await;
        assert_eq!(
            replayed_and_stored(store, &claim.id).await,
            (ClaimStatus::Paid, ClaimStatus::Paid),
            "{}",
            db.label
        );

        // History on both paths: the employer's account and the payable's.
        let employer_history = store
            .employer_account_history(employer_a().as_str())
            .await
            .expect("history");
        assert_eq!(employer_history.len(), 2);
        let (payable, _) = store
            .payable_of("maternity_allowance", &claim.id)
            .await
            .expect("read")
            .expect("payable");
        let versions = store.payable_accounts(&payable).await.expect("versions");
        let kept: Vec<(&str, Option<&str>)> = versions
            .iter()
            .map(|v| {
                (
                    v.reason.as_str(),
                    v.account.as_ref().map(|a| a.number.as_str()),
                )
            })
            .collect();
        assert_eq!(
            kept,
            vec![
                ("approval", Some(account().number.as_str())),
                ("correction", Some(changed.number.as_str()))
            ],
            "{}",
            db.label
        );
        assert_eq!(audit_count(store, "employer_account_changed").await, 2);
        assert_eq!(audit_count(store, "payee_account_corrected").await, 1);
    }
}

/// A payable of a service the platform has no code for: its case gets the steps, nothing
/// else happens, and it is paid in the same run and file as the claims.
#[tokio::test]
async fn a_payable_of_another_service_settles_beside_claims() {
    for db in test_dbs().await {
        let store = &db.store;
        let svc = &services(store);
        base(store).await;
        let (mum, claim) = approved(store, svc, 402).await;

        let case_actor = CaseActor {
            name: "test".into(),
            role: onething_domain::case::ActorRole::System,
            idempotency_key: format!("test-service-{}", db.label),
            at: now(),
        };
        let new_case = NewCase {
            bundle: "maternity_reimbursement".into(),
            applicant: format!("person:{mum}"),
            region: Some("500228".into()),
            filer: None,
            id: None,
        };
        let case = store.open_case(&new_case, &case_actor).await.expect("case");
        let mut tx = store.pool().begin().await.expect("tx");
        let payable = NewPayable {
            service: "test_only_service".into(),
            subject_type: "test_subject".into(),
            subject_id: "T-1".into(),
            case_id: Some(case.id.clone()),
            case_item: None,
            payee: Some(Payee::InsuredPerson.into()),
            account: Some(Account {
                name: "测试丁".into(),
                bank: "测试银行".into(),
                number: "6222020000000000000".into(),
            }),
            amount: Fen::new(12_345),
            owed_on: date_in_china(now()),
            due_on: Some(date_in_china(now())),
            due_on_provisional: false,
            region: "500228".into(),
            created_by: "test".into(),
            at: now(),
        };
        create_payable_in(&mut tx, &payable).await.expect("created");
        tx.commit().await.expect("commit");

        let settlement = settle(store, 0).await;
        assert_eq!(settlement.head.claims, 2, "{}", db.label);
        let total = claim.amount_fen.expect("amount") + 12_345;
        assert_eq!(settlement.head.total, Fen::new(total));
        let subjects: Vec<&str> = settlement
            .payments
            .iter()
            .flat_map(|p| p.subject_ids.iter().map(String::as_str))
            .collect();
        assert!(subjects.contains(&"T-1") && subjects.contains(&claim.id.as_str()));
        let events = store.case_events(&case.id).await.expect("events");
        let steps: Vec<String> = events
            .into_iter()
            .filter_map(|e| match e.body {
                onething_domain::case::EventBody::Service { step, .. } => Some(step),
                _ => None,
            })
            .collect();
        assert_eq!(steps, vec!["settled"], "{}", db.label);
        let (_, status) = store
            .payable_of("test_only_service", "T-1")
            .await
            .expect("read")
            .expect("payable");
        assert_eq!(status.as_str(), "settled");
    }
}

#[tokio::test]
async fn the_payment_ends_the_claims_case_and_invites_the_mother_to_rate_it() {
    for db in test_dbs().await {
        let store = &db.store;
        let svc = &services(store);
        base(store).await;
        let (mum, claim) = approved(store, svc, 406).await;
        let settlement = settle(store, 0).await;
        bank_says(store, &settlement, "paid", 1).await;

        // The person's message of the payment carries the invitation and her case's page.
        let notes = store
            .notifications_for(
                &onething_store::allowance::Recipient::Person(mum.to_string()),
                "in_site",
                20,
            )
            .await
            .expect("notes");
        let paid = notes
            .iter()
            .find(|n| n.body.contains("已支付到账"))
            .expect("the payment's message");
        assert!(
            paid.body.ends_with(&format!(
                "欢迎对本次服务评价（好差评）：/cases/{}",
                claim.case_id
            )),
            "{}: {}",
            db.label,
            paid.body
        );
        // The allowance's case can be rated like any other.
        let mut her = insured(&mum);
        her.at = now() + Duration::days(2);
        let input: onething_services::supervision::RatingInput =
            serde_json::from_value(serde_json::json!({"score": 5, "comment": "很快"}))
                .expect("input");
        let rate = onething_services::supervision::Rate::try_from(input).expect("rating");
        onething_services::supervision::rate(svc, &her, &claim.case_id, rate)
            .await
            .expect("rated");
    }
}

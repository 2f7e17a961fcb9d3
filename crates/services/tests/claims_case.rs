//! What the services design promises about a claim, on SQLite and (when configured)
//! PostgreSQL: every claim is a case of the `maternity_allowance` bundle whose items follow
//! the decision; its status is rebuilt from the case's events; those events cannot be
//! changed; the policy table and four eyes are checked; a retried request writes once; the
//! employer's account changes are kept and audited.

use crate::support;

use onething_domain::access::{AccessDenied, Role};
use onething_domain::allowance::{ClaimStatus, RejectionReason, WageBasis};
use onething_domain::case::ItemState;
use onething_services::allowance::{self, Review};
use onething_services::{ServiceError, Services};
use onething_store::Store;
use onething_store::allowance::claims::{BankAccount, Claim};
use onething_store::audit::AuditFilter;
use onething_test_support::ClaimIdOf;
use support::{
    account, admin, base, clerk, confirm, employer_a, hr, insured, mother, open, open_at_window,
    services, submit, test_dbs,
};

const DATA_ITEMS: [&str; 3] = [
    "HEALTH-BIRTH-CERT-INFO",
    "TAX-EMPLOYER-WAGE",
    "HOSPITAL-DELIVERY-INFO",
];

fn reject() -> Review {
    Review::Reject {
        reason: RejectionReason::NotEmployee,
        note: Some("非本单位职工".into()),
    }
}

fn approve() -> Review {
    Review::Approve {
        certificate_no: None,
        note: None,
    }
}

fn item(case: &onething_store::cases::CaseRecord, code: &str) -> ItemState {
    case.state.items.get(code).expect(code).state
}

/// The status the claim's case events give, and the one stored on its row.
async fn replayed_and_stored(store: &Store, id: &str) -> (ClaimStatus, ClaimStatus) {
    let steps = store.claim_steps(id).await.expect("steps");
    let replayed = ClaimStatus::replay(steps.iter().map(|s| s.step.as_str())).expect("replay");
    (replayed, store.claim(id).await.expect("claim").status)
}

/// A claim by employer A submitted without the wage confirmed: in review.
async fn in_review(svc: &Services, seq: u16) -> Claim {
    let hr_a = hr("hr_a", employer_a());
    let mum = mother(&svc.store, seq, true, 14).await;
    let claim = open(svc, &hr_a, &mum).await.expect("opened");
    let claim = submit(svc, &hr_a, &claim, Some(account()))
        .await
        .expect("submitted");
    assert_eq!(claim.status, ClaimStatus::InReview);
    claim
}

#[tokio::test]
async fn a_claim_is_a_case_whose_items_follow_the_decision() {
    for db in test_dbs().await {
        let store = &db.store;
        let svc = &services(store);
        let hr_a = hr("hr_a", employer_a());
        base(store).await;
        let mum = mother(store, 330, true, 14).await;
        let claim = open(svc, &hr_a, &mum).await.expect("opened");
        let case = store.load_case(&claim.case_id).await.expect("its case");
        assert_eq!(case.state.bundle, "maternity_allowance", "{}", db.label);
        assert_eq!(case.state.applicant, format!("person:{mum}"));
        assert_eq!(case.region.as_deref(), Some("500228"));
        for code in DATA_ITEMS.iter().chain(["PS-05"].iter()) {
            assert_eq!(item(&case, code), ItemState::Submitted, "{code}");
        }

        confirm(svc, &hr_a, &claim, WageBasis::AvgWage)
            .await
            .expect("confirmed");
        let approved = submit(svc, &hr_a, &claim, Some(account()))
            .await
            .expect("submitted");
        assert_eq!(approved.status, ClaimStatus::Approved);
        let case = store.load_case(&claim.case_id).await.expect("case");
        for code in DATA_ITEMS {
            assert_eq!(item(&case, code), ItemState::Done, "{}: {code}", db.label);
        }
        let payment = &case.state.items["PS-05"];
        assert_eq!(payment.state, ItemState::InProgress);
        assert!(approved.payment_due.is_some());
        assert_eq!(payment.due_on, approved.payment_due, "{}", db.label);

        let refused = in_review(svc, 332).await;
        allowance::review(svc, &clerk("clerk"), &refused.claim_id(), reject())
            .await
            .expect("rejected");
        let case = store.load_case(&refused.case_id).await.expect("case");
        assert_eq!(item(&case, "PS-05"), ItemState::Denied, "{}", db.label);
        let reason = case.state.items["PS-05"].reason.clone();
        assert_eq!(
            reason.as_deref(),
            Some(RejectionReason::NotEmployee.label_zh())
        );
    }
}

#[tokio::test]
async fn the_status_rebuilt_from_the_case_events_is_the_stored_status() {
    for db in test_dbs().await {
        let store = &db.store;
        let svc = &services(store);
        let hr_a = hr("hr_a", employer_a());
        base(store).await;
        let mum = mother(store, 334, true, 14).await;
        let claim = open(svc, &hr_a, &mum).await.expect("opened");
        let (replayed, stored) = replayed_and_stored(store, &claim.id).await;
        assert_eq!((replayed, stored), (ClaimStatus::Draft, ClaimStatus::Draft));
        confirm(svc, &hr_a, &claim, WageBasis::AvgWage)
            .await
            .expect("confirmed");
        submit(svc, &hr_a, &claim, Some(account()))
            .await
            .expect("submitted");
        let (replayed, stored) = replayed_and_stored(store, &claim.id).await;
        assert_eq!(stored, ClaimStatus::Approved, "{}", db.label);
        assert_eq!(replayed, stored, "{}", db.label);

        let queued = in_review(svc, 336).await;
        let (replayed, stored) = replayed_and_stored(store, &queued.id).await;
        assert_eq!(stored, ClaimStatus::InReview);
        assert_eq!(replayed, stored, "{}", db.label);
        allowance::review(svc, &clerk("clerk"), &queued.claim_id(), reject())
            .await
            .expect("rejected");
        let (replayed, stored) = replayed_and_stored(store, &queued.id).await;
        assert_eq!(stored, ClaimStatus::Rejected);
        assert_eq!(replayed, stored, "{}", db.label);

        // Smart review's rejection (three paid months) too.
        let short = mother(store, 338, true, 3).await;
        let claim = open(svc, &hr_a, &short).await.expect("opened");
        confirm(svc, &hr_a, &claim, WageBasis::AvgWage)
            .await
            .expect("confirmed");
        submit(svc, &hr_a, &claim, Some(account()))
            .await
            .expect("submitted");
        let (replayed, stored) = replayed_and_stored(store, &claim.id).await;
        assert_eq!(stored, ClaimStatus::Rejected);
        assert_eq!(replayed, stored, "{}", db.label);
    }
}

#[tokio::test]
async fn the_database_refuses_to_change_or_delete_a_claims_case_events() {
    for db in test_dbs().await {
        let store = &db.store;
        let svc = &services(store);
        base(store).await;
        let claim = in_review(svc, 340).await;
        let before = store.case_events(&claim.case_id).await.expect("events");
        assert!(before.len() > 2);
        let update = sqlx::query("UPDATE case_events SET actor = 'forger' WHERE case_id = $1")
            .bind(&claim.case_id)
            .execute(store.pool())
            .await;
        assert!(update.is_err(), "{}: UPDATE allowed", db.label);
        let delete = sqlx::query("DELETE FROM case_events WHERE case_id = $1")
            .bind(&claim.case_id)
            .execute(store.pool())
            .await;
        assert!(delete.is_err(), "{}: DELETE allowed", db.label);
        let after = store.case_events(&claim.case_id).await.expect("events");
        assert_eq!(after, before, "{}", db.label);
        let steps = store.claim_steps(&claim.id).await.expect("steps");
        assert_eq!(steps.first().map(|s| s.by.as_str()), Some("hr_a"));
    }
}

#[tokio::test]
async fn the_clerk_who_opened_or_submitted_a_claim_may_not_review_it() {
    for db in test_dbs().await {
        let store = &db.store;
        let svc = &services(store);
        let (opener, submitter, reviewer) = (clerk("clerk1"), clerk("clerk2"), clerk("clerk3"));
        base(store).await;
        let mum = mother(store, 342, true, 14).await;
        let claim = open_at_window(svc, &opener, &mum)
            .await
            .expect("window claim");
        assert_eq!(claim.channel, "window");
        assert_eq!(claim.created_by, "clerk1");
        let authorisation = claim.authorisation.clone().expect("authorisation recorded");
        assert_eq!(authorisation.number, "SQ-2024-0001");
        let claim = submit(svc, &submitter, &claim, Some(account()))
            .await
            .expect("submitted");
        assert_eq!(claim.status, ClaimStatus::InReview, "wage not confirmed");
        for clerk in [&opener, &submitter] {
            let refused = allowance::review(svc, clerk, &claim.claim_id(), approve()).await;
            assert!(
                matches!(refused, Err(ServiceError::FourEyes)),
                "{}: {}: {refused:?}",
                db.label,
                clerk.username
            );
        }
        let still = store.claim(&claim.id).await.expect("claim");
        assert_eq!(still.version, claim.version, "nothing written");
        let approved = allowance::review(svc, &reviewer, &claim.claim_id(), approve())
            .await
            .expect("another clerk reviews");
        assert_eq!(approved.status, ClaimStatus::Approved, "{}", db.label);
        assert_eq!(approved.reviewed_by.as_deref(), Some("clerk3"));
    }
}

#[tokio::test]
async fn the_policy_table_refuses_roles_it_does_not_list() {
    for db in test_dbs().await {
        let store = &db.store;
        let svc = &services(store);
        let hr_a = hr("hr_a", employer_a());
        base(store).await;
        let mum = mother(store, 344, true, 14).await;
        let forbidden = |r: &Result<Claim, ServiceError>| {
            matches!(r, Err(ServiceError::Access(AccessDenied::Forbidden)))
        };
        let by_admin = open(svc, &admin(), &mum).await;
        assert!(forbidden(&by_admin), "{}: {by_admin:?}", db.label);
        let claim = in_review(svc, 346).await;
        let review = allowance::review(svc, &admin(), &claim.claim_id(), approve()).await;
        assert!(forbidden(&review), "{review:?}");
        let draft = open(svc, &hr_a, &mum).await.expect("opened");
        let mine = insured(&mum);
        assert_eq!(mine.role, Role::Person);
        let by_person = submit(svc, &mine, &draft, Some(account())).await;
        assert!(forbidden(&by_person), "{by_person:?}");
        // Permitted, but outside the scope: as if the claim did not exist.
        let other = hr("hr_b", support::employer_b());
        let hidden = confirm(svc, &other, &draft, WageBasis::AvgWage).await;
        assert!(
            matches!(hidden, Err(ServiceError::Access(AccessDenied::NotFound))),
            "{hidden:?}"
        );
        let steps = store.claim_steps(&draft.id).await.expect("steps");
        assert_eq!(steps.len(), 1, "{}: only `created`", db.label);
        let all = allowance::claims(svc, &admin(), None, 10)
            .await
            .expect("all");
        assert_eq!(all.len(), 2, "administrators read");
    }
}

#[tokio::test]
async fn a_retried_request_writes_once() {
    for db in test_dbs().await {
        let store = &db.store;
        let svc = &services(store);
        base(store).await;
        let mum = mother(store, 348, true, 14).await;
        let mut hr_a = hr("hr_a", employer_a());
        let claim = open(svc, &hr_a, &mum).await.expect("opened");
        hr_a.idempotency_key = Some("req-1".into());
        let first = confirm(svc, &hr_a, &claim, WageBasis::AvgWage)
            .await
            .expect("confirmed");
        let retried = confirm(svc, &hr_a, &claim, WageBasis::AvgWage)
            .await
            .expect("retried");
        assert_eq!(retried, first, "{}", db.label);
        let count = |steps: &[onething_store::allowance::ClaimStep]| {
            steps.iter().filter(|s| s.step == "wage_confirmed").count()
        };
        let steps = store.claim_steps(&claim.id).await.expect("steps");
        assert_eq!(count(&steps), 1, "{}", db.label);
        // A new request (a new key) is a new change.
        hr_a.idempotency_key = Some("req-2".into());
        let changed = confirm(svc, &hr_a, &claim, WageBasis::AvgBase)
            .await
            .expect("changed");
        assert_eq!(changed.wage_basis, Some(WageBasis::AvgBase));
        let steps = store.claim_steps(&claim.id).await.expect("steps");
        assert_eq!(count(&steps), 2, "{}", db.label);
    }
}

#[tokio::test]
async fn the_employers_account_changes_are_kept_and_audited() {
    for db in test_dbs().await {
        let store = &db.store;
        let svc = &services(store);
        let hr_a = hr("hr_a", employer_a());
        base(store).await;
        let second = BankAccount {
            number: "50001000000000000002".into(),
            ..account()
        };
        for a in [account(), second.clone()] {
            allowance::change_employer_account(svc, &hr_a, &a)
                .await
                .expect("changed");
        }
        let on_file = allowance::employer_account(svc, &hr_a).await.expect("read");
        assert_eq!(on_file, Some(second.clone()), "{}", db.label);
        let history = store
            .employer_account_history(employer_a().as_str())
            .await
            .expect("history");
        let kept: Vec<(&BankAccount, &str)> =
            history.iter().map(|(a, _, by)| (a, by.as_str())).collect();
        assert_eq!(kept, vec![(&account(), "hr_a"), (&second, "hr_a")]);
        let audit = store
            .list_audit(&AuditFilter {
                action: Some("employer_account_changed".into()),
                subject_id: Some(employer_a().to_string()),
                limit: 10,
                ..AuditFilter::default()
            })
            .await
            .expect("audit");
        assert_eq!(audit.len(), 2, "{}", db.label);
        assert!(audit.iter().all(|e| e.entry.actor == "hr_a"));
        assert!(
            !audit[0].entry.detail.to_string().contains(&second.number),
            "the number is masked in the audit log"
        );
        // Only the employer itself keeps its account.
        let by_clerk = allowance::change_employer_account(svc, &clerk("clerk"), &account()).await;
        assert!(
            matches!(by_clerk, Err(ServiceError::Access(AccessDenied::Forbidden))),
            "{by_clerk:?}"
        );
        let history = store
            .employer_account_history(employer_a().as_str())
            .await
            .expect("history");
        assert_eq!(history.len(), 2);
    }
}

//! Maternity-allowance claims through the services layer on SQLite and (when configured)
//! PostgreSQL: every status move and refusal, smart review, the clerk's review, duplicates
//! refused by the database (also under concurrency) and recorded, offers, steps,
//! notifications and audit entries.

use crate::support;

use chrono::{TimeZone, Utc};
use onething_domain::access::{AccessDenied, Role, Scope};
use onething_domain::allowance::{ClaimStatus, RejectionReason, WageBasis};
use onething_domain::department::DepartmentKind;
use onething_domain::ids::ClaimId;
use onething_domain::rules::Reason;
use onething_domain::{Calendar, CitizenId, RegionCode};
use onething_exchange::Dataset;
use onething_services::allowance::{self, ClaimParts, OpenClaim, OpenClaimInput, Review};
use onething_services::{Actor, ServiceError};
use onething_store::allowance::Recipient;
use onething_store::allowance::claims::ClaimFilter;
use onething_store::audit::AuditFilter;
use onething_test_support::ClaimIdOf;
use serde_json::{Value, json};
use support::{
    account, admin, also_paid_by, base, clerk, confirm, county, day, employer, employer_a,
    employer_b, hr, insured, mother, now, open, person, photo, push, services, submit, test_dbs,
};

fn approve(certificate_no: Option<&str>) -> Review {
    Review::Approve {
        certificate_no: certificate_no.map(str::to_owned),
        note: None,
    }
}

fn region_actor(code: u32) -> Actor {
    Actor {
        username: "supervisor".into(),
        role: Role::Supervisor,
        scope: Scope::Region(RegionCode::new(code).expect("region")),
        at: now(),
        idempotency_key: None,
    }
}

#[tokio::test]
async fn complete_shared_data_is_approved_at_submission_with_steps_and_notices() {
    for db in test_dbs().await {
        let store = &db.store;
        let svc = &services(store);
        let hr_a = hr("hr_a", employer_a());
        assert!(!db.url.is_empty());
        base(store).await;
        let mum = mother(store, 302, true, 14).await;
        let offers = allowance::offers(svc, &hr_a).await.expect("offers");
        assert_eq!(offers.len(), 1, "{}", db.label);
        assert_eq!(offers[0].certificate_no.as_deref(), Some("Q500000302"));
        assert_eq!(offers[0].event_date, day(2024, 3, 5));
        let handle = &offers[0].person_ref;
        let resolved = store
            .resolve_person_ref(employer_a().as_str(), handle)
            .await
            .expect("resolved");
        assert_eq!(resolved.as_deref(), Some(mum.as_str()));
        // Opaque: nothing of the person or the record in it, stable for the employer, and
        // worth nothing to another employer (nor to a clerk).
        assert!(!handle.contains(mum.as_str()) && !handle.contains("Q500000302"));
        assert!(
            hex_text(handle).is_none_or(|t| !t.contains(':')),
            "not hex of dataset:key"
        );
        let again = allowance::offers(svc, &hr_a).await.expect("offers");
        assert_eq!(
            &again[0].person_ref, handle,
            "the same record keeps its handle"
        );
        let foreign = store
            .resolve_person_ref(employer_b().as_str(), handle)
            .await
            .expect("looked up");
        assert_eq!(foreign, None, "bound to the employer it was given to");
        let stolen = OpenClaim::try_from(OpenClaimInput {
            person_ref: Some(handle.clone()),
            ..OpenClaimInput::default()
        })
        .expect("command");
        let by_b = allowance::open_claim(svc, &hr("hr_b", employer_b()), stolen).await;
        assert!(
            matches!(&by_b, Err(ServiceError::Invalid(i)) if i.code == "INVALID_PERSON_REF"),
            "{by_b:?}"
        );

        // The offer's opaque handle opens the claim.
        let cmd = OpenClaim::try_from(OpenClaimInput {
            person_ref: Some(offers[0].person_ref.clone()),
            ..OpenClaimInput::default()
        })
        .expect("command");
        let claim = allowance::open_claim(svc, &hr_a, cmd)
            .await
            .expect("opened");
        assert_eq!(claim.status, ClaimStatus::Draft);
        assert_eq!(claim.person_id, mum.as_str());
        assert!(claim.missing.is_empty(), "{:?}", claim.missing);
        assert_eq!(claim.region.as_deref(), Some("500228"));
        assert!(
            allowance::offers(svc, &hr_a)
                .await
                .expect("offers")
                .is_empty()
        );

        let claim = confirm(svc, &hr_a, &claim, WageBasis::AvgWage)
            .await
            .expect("confirmed");
        let claim = submit(svc, &hr_a, &claim, Some(account()))
            .await
            .expect("submitted");
        assert_eq!(claim.status, ClaimStatus::Approved, "{}", db.label);
        // Twins by cesarean in Chongqing: 98 + 15 + 15 + 80 = 208 days × 9000 元 ÷ 30.
        assert_eq!(claim.amount_fen, Some(6_240_000));
        assert_eq!(claim.approved_on, Some(day(2024, 4, 1)));
        let due = Calendar::shipped()
            .add_working_days(day(2024, 4, 1), 10)
            .expect("due");
        assert_eq!(claim.payment_due, Some(due));
        assert_eq!(
            claim.params_used.as_ref().expect("params")["period"]["regional_extra_days"],
            80
        );
        assert_eq!(claim.decision.as_ref().expect("decision").leave_days, 208);
        assert_eq!(claim.reviewed_by.as_deref(), Some("smart_review"));
        params_are_one_snapshot_read_as_the_inline_copy_was(svc, &hr_a, &claim).await;
        let detail = allowance::claim(svc, &hr_a, &claim.claim_id(), ClaimParts::ALL)
            .await
            .expect("detail");
        let steps: Vec<&str> = detail.steps.iter().map(|s| s.step.as_str()).collect();
        assert_eq!(
            steps,
            ["created", "wage_confirmed", "submitted", "approved"]
        );
        for recipient in [
            Recipient::Person(mum.to_string()),
            Recipient::Employer(employer_a().to_string()),
        ] {
            for channel in ["in_site", "sms"] {
                let notes = store
                    .notifications_for(&recipient, channel, 10)
                    .await
                    .expect("notes");
                assert_eq!(notes.len(), 2, "{} {channel}", db.label);
                assert!(
                    notes.iter().any(|n| n.body.contains("审核通过")),
                    "{notes:?}"
                );
            }
        }
        let audit = AuditFilter {
            case_id: Some(claim.case_id.clone()),
            action: Some("claim_approved".into()),
            limit: 10,
            ..AuditFilter::default()
        };
        assert_eq!(store.list_audit(&audit).await.expect("audit").len(), 1);
        let reads = AuditFilter {
            case_id: Some(claim.case_id.clone()),
            action: Some("data_read".into()),
            limit: 200,
            ..AuditFilter::default()
        };
        assert!(store.list_audit(&reads).await.expect("audit").len() >= 6);
        // Wrong status now.
        let again = confirm(svc, &hr_a, &claim, WageBasis::AvgBase).await;
        assert!(
            matches!(
                again,
                Err(ServiceError::InvalidState {
                    from: ClaimStatus::Approved,
                    ..
                })
            ),
            "{again:?}"
        );
        assert!(matches!(
            submit(svc, &hr_a, &claim, None).await,
            Err(ServiceError::InvalidState { .. })
        ));
    }
}

#[tokio::test]
async fn duplicates_are_refused_by_the_database_and_recorded() {
    for db in test_dbs().await {
        let store = &db.store;
        let svc = &services(store);
        let (hr_a, hr_b) = (hr("hr_a", employer_a()), hr("hr_b", employer_b()));
        base(store).await;
        let mum = mother(store, 304, true, 14).await;
        // Employer B also paid for her once, so it may open a claim.
        also_paid_by(store, &mum, &employer_b()).await;
        let first = open(svc, &hr_a, &mum).await.expect("first claim");
        match open(svc, &hr_b, &mum).await {
            Err(ServiceError::ClaimExists { existing }) => assert_eq!(existing, first.id),
            other => panic!("{}: {other:?}", db.label),
        }
        let attempts = allowance::duplicate_attempts(svc, &admin(), 10)
            .await
            .expect("attempts");
        assert_eq!(attempts.len(), 1);
        assert_eq!(attempts[0].existing_claim, first.id);
        assert!(!attempts[0].claimant_masked.contains(mum.as_str()));
        assert_eq!(attempts[0].event_date, "2024-03-05");
        // Once rejected, the delivery can be claimed again.
        let first = submit(svc, &hr_a, &first, Some(account()))
            .await
            .expect("submitted");
        assert_eq!(first.status, ClaimStatus::InReview, "wage not confirmed");
        let reject = Review::Reject {
            reason: RejectionReason::NotEmployee,
            note: Some("非本单位职工".into()),
        };
        let rejected = allowance::review(svc, &clerk("clerk"), &first.claim_id(), reject)
            .await
            .expect("rejected");
        assert_eq!(rejected.status, ClaimStatus::Rejected);
        assert_eq!(rejected.reject_code.as_deref(), Some("NOT_EMPLOYEE"));
        assert!(open(svc, &hr_b, &mum).await.is_ok());
    }
}

#[tokio::test]
async fn two_simultaneous_claims_for_one_mother_make_exactly_one() {
    for db in test_dbs().await {
        let store = &db.store;
        let svc = &services(store);
        let (hr_a, hr_b) = (hr("hr_a", employer_a()), hr("hr_b", employer_b()));
        base(store).await;
        let mum = mother(store, 306, true, 14).await;
        also_paid_by(store, &mum, &employer_b()).await;
        let (ra, rb) = tokio::join!(open(svc, &hr_a, &mum), open(svc, &hr_b, &mum));
        let ok = [&ra, &rb].iter().filter(|r| r.is_ok()).count();
        assert_eq!(ok, 1, "{}: {ra:?} {rb:?}", db.label);
        let exists = [ra, rb]
            .into_iter()
            .filter(|r| matches!(r, Err(ServiceError::ClaimExists { .. })))
            .count();
        assert_eq!(exists, 1);
        let all = allowance::claims(svc, &admin(), None, 10)
            .await
            .expect("claims");
        assert_eq!(all.len(), 1);
    }
}

#[tokio::test]
async fn a_photo_goes_to_a_clerk_who_approves_with_frozen_amount() {
    for db in test_dbs().await {
        let store = &db.store;
        let svc = &services(store);
        let hr_a = hr("hr_a", employer_a());
        base(store).await;
        let mum = mother(store, 308, false, 14).await;
        let claim = open(svc, &hr_a, &mum).await.expect("opened");
        assert!(
            claim.missing.iter().any(|m| m.name == "birth_certificate"),
            "{:?}",
            claim.missing
        );
        let file = photo("cert.jpg", "image/jpeg", &[0xff, 0xd8, 0xff, 1, 2]);
        let meta = allowance::attach_photo(svc, &hr_a, &claim.claim_id(), file)
            .await
            .expect("attached");
        assert_eq!(meta.size, 5);
        assert_eq!(
            store.claim_attachments(&claim.id).await.expect("files"),
            vec![meta.clone()]
        );
        let detail = allowance::claim(svc, &hr_a, &claim.claim_id(), ClaimParts::ALL)
            .await
            .expect("detail");
        assert_eq!(detail.attachments, vec![meta]);
        confirm(svc, &hr_a, &claim, WageBasis::AvgBase)
            .await
            .expect("confirmed");
        let claim = submit(svc, &hr_a, &claim, Some(account()))
            .await
            .expect("submitted");
        assert_eq!(claim.status, ClaimStatus::InReview);
        assert!(claim.needs_review);
        let clerk = clerk("clerk");
        let approved =
            allowance::review(svc, &clerk, &claim.claim_id(), approve(Some("Q500000308")))
                .await
                .expect("approved");
        assert_eq!(approved.status, ClaimStatus::Approved, "{}", db.label);
        // The confirmed base (6500 元) is the wage used: 6500 × 208 ÷ 30.
        assert_eq!(approved.amount_fen, Some(4_506_667));
        assert_eq!(approved.certificate_no.as_deref(), Some("Q500000308"));
        assert!(approved.facts.iter().any(|f| f.source == "upload"));
        assert_eq!(approved.reviewed_by.as_deref(), Some("clerk"));
        let again =
            allowance::review(svc, &clerk, &claim.claim_id(), approve(Some("Q500000308"))).await;
        assert!(
            matches!(
                again,
                Err(ServiceError::InvalidState {
                    from: ClaimStatus::Approved,
                    ..
                })
            ),
            "{again:?}"
        );
        // A list reads every claim's history in two queries and gets what one read gets.
        let other = open(svc, &hr_a, &mother(store, 310, true, 14).await)
            .await
            .expect("second claim");
        let one_by_one = [
            allowance::claim(svc, &hr_a, &approved.claim_id(), ClaimParts::ALL)
                .await
                .expect("one"),
            allowance::claim(svc, &hr_a, &other.claim_id(), ClaimParts::ALL)
                .await
                .expect("two"),
        ];
        let listed = allowance::with_histories(svc, vec![approved.clone(), other.clone()])
            .await
            .expect("histories");
        assert_eq!(listed.len(), 2);
        for (list, one) in listed.iter().zip(&one_by_one) {
            assert_eq!(list.claim.id, one.claim.id);
            assert_eq!(list.steps, one.steps, "{}", db.label);
            assert_eq!(list.attachments, one.attachments, "{}", db.label);
        }
        assert_eq!(listed[0].attachments.len(), 1);
        assert!(listed[0].steps.len() > listed[1].steps.len());
        assert!(
            allowance::with_histories(svc, Vec::new())
                .await
                .expect("none")
                .is_empty()
        );
    }
}

#[tokio::test]
async fn refusals_name_what_is_wrong() {
    for db in test_dbs().await {
        let store = &db.store;
        let svc = &services(store);
        let (hr_a, hr_b) = (hr("hr_a", employer_a()), hr("hr_b", employer_b()));
        let clerk = clerk("clerk");
        base(store).await;
        // Not an employee of employer B.
        let mum = mother(store, 310, true, 3).await;
        let foreign = open(svc, &hr_b, &mum).await;
        assert!(
            matches!(foreign, Err(ServiceError::NotEmployee)),
            "{foreign:?}"
        );
        // No birth and no delivery for this one.
        let nobody = person(312);
        push(store, Dataset::InsuranceEnrollments, &[json!({"person_id": nobody.as_str(), "scheme": "employee",
            "employer_uscc": employer_a().as_str(), "status": "normal", "region_code": "500228", "effective_from": "2021-01-01"})]).await;
        assert!(matches!(
            open(svc, &hr_a, &nobody).await,
            Err(ServiceError::NoEvent)
        ));
        // Three months of contributions: smart review rejects on complete data with the reason.
        let claim = open(svc, &hr_a, &mum).await.expect("opened");
        assert!(matches!(
            submit(svc, &hr_a, &claim, None).await,
            Err(ServiceError::NoBankAccount)
        ));
        allowance::change_employer_account(svc, &hr_a, &account())
            .await
            .expect("account on file");
        assert_eq!(
            allowance::employer_account(svc, &hr_a)
                .await
                .expect("account"),
            Some(account())
        );
        confirm(svc, &hr_a, &claim, WageBasis::AvgWage)
            .await
            .expect("confirmed");
        let early = allowance::review(svc, &clerk, &claim.claim_id(), approve(None)).await;
        assert!(
            matches!(
                early,
                Err(ServiceError::InvalidState {
                    from: ClaimStatus::Draft,
                    ..
                })
            ),
            "{early:?}"
        );
        let rejected = submit(svc, &hr_a, &claim, None).await.expect("submitted");
        assert_eq!(rejected.status, ClaimStatus::Rejected, "{}", db.label);
        assert_eq!(
            rejected.decision.as_ref().expect("decision").reasons,
            vec![Reason::ContributionTooShort]
        );
        assert_eq!(rejected.bank_account, Some(account()));
        assert_eq!(rejected.amount_fen, None);
        // Missing wage: the clerk cannot approve, and is told what is missing.
        let other = person(314);
        let mum2 = mother(store, 314, true, 14).await;
        assert_eq!(other, mum2);
        push(store, Dataset::InsuranceEnrollments, &[json!({"person_id": mum2.as_str(), "scheme": "employee",
            "employer_uscc": employer_b().as_str(), "status": "normal", "region_code": "500228", "effective_from": "2024-01-01"})]).await;
        // Employer B's 2023 wage exists; use a third employer with none pushed.
        let employer_c = employer("MA5U7CHY");
        push(store, Dataset::Contributions, &[json!({"person_id": mum2.as_str(),
            "employer_uscc": employer_c.as_str(), "month": "2021-02", "base_fen": 1, "paid": true})]).await;
        let hr_c = hr("hr_c", employer_c.clone());
        let claim = open(svc, &hr_c, &mum2).await.expect("opened");
        let wage = claim
            .missing
            .iter()
            .find(|m| m.name == "employer_wage")
            .expect("wage missing");
        assert_eq!(
            wage.message,
            format!(
                "税务部门尚未推送该单位（{}）2023年度月平均工资",
                employer_c.as_str()
            )
        );
        let claim = submit(svc, &hr_c, &claim, Some(account()))
            .await
            .expect("submitted");
        assert_eq!(claim.status, ClaimStatus::InReview);
        match allowance::review(svc, &clerk, &claim.claim_id(), approve(None)).await {
            Err(ServiceError::FactsIncomplete(missing)) => {
                assert!(missing.iter().any(|m| m.name == "employer_wage"))
            }
            other => panic!("{other:?}"),
        }
    }
}

#[tokio::test]
async fn scoped_lists_filter_by_employer_person_region_and_status() {
    for db in test_dbs().await {
        let store = &db.store;
        let svc = &services(store);
        let (hr_a, hr_b) = (hr("hr_a", employer_a()), hr("hr_b", employer_b()));
        base(store).await;
        let mum = mother(store, 316, true, 14).await;
        let claim = open(svc, &hr_a, &mum).await.expect("opened");
        let count = |actor: Actor, status: Option<ClaimStatus>| async move {
            allowance::claims(svc, &actor, status, 10)
                .await
                .expect("claims")
                .len()
        };
        assert_eq!(count(hr_a.clone(), None).await, 1, "{}", db.label);
        assert_eq!(count(hr_b.clone(), None).await, 0);
        assert_eq!(count(insured(&mum), None).await, 1);
        assert_eq!(count(insured(&person(317)), None).await, 0);
        assert_eq!(count(region_actor(500000), None).await, 1);
        assert_eq!(count(clerk("clerk"), None).await, 1);
        assert_eq!(count(region_actor(420000), None).await, 0);
        assert_eq!(count(admin(), None).await, 1);
        assert_eq!(count(admin(), Some(ClaimStatus::Approved)).await, 0);
        assert_eq!(count(admin(), Some(ClaimStatus::Draft)).await, 1);
        // Department officers are not in the policy table for claims.
        let officer = Actor {
            username: "officer".into(),
            role: Role::DeptOfficer,
            scope: Scope::Department {
                id: "hub".into(),
                kind: DepartmentKind::Health,
            },
            at: now(),
            idempotency_key: None,
        };
        let refused = allowance::claims(svc, &officer, None, 10).await;
        assert!(
            matches!(refused, Err(ServiceError::Access(AccessDenied::Forbidden))),
            "{refused:?}"
        );
        // The store's filters the scopes stand on.
        let list = |f: ClaimFilter| async move {
            store
                .claims(&ClaimFilter { limit: 10, ..f })
                .await
                .expect("claims")
                .len()
        };
        assert_eq!(
            list(ClaimFilter {
                region_prefix: Some("42".into()),
                ..ClaimFilter::default()
            })
            .await,
            0
        );
        assert_eq!(
            list(ClaimFilter {
                person_id: Some(mum.to_string()),
                ..ClaimFilter::default()
            })
            .await,
            1
        );
        // One claim: in scope as stored, out of scope or unknown as if it did not exist.
        let read = allowance::claim(svc, &hr_a, &claim.claim_id(), ClaimParts::ALL)
            .await
            .expect("claim");
        assert_eq!(read.claim, claim);
        assert_eq!(store.claim(&claim.id).await.expect("stored"), claim);
        // The summary: the same row without the larger parts, and only the latest step.
        let summary = allowance::claim(svc, &hr_a, &claim.claim_id(), ClaimParts::SUMMARY)
            .await
            .expect("summary");
        assert!(summary.claim.facts.is_empty() && summary.claim.missing.is_empty());
        assert!(summary.claim.decision.is_none() && summary.claim.params_used.is_none());
        assert!(summary.attachments.is_empty());
        assert_eq!(
            summary.steps.as_slice(),
            &read.steps[read.steps.len() - 1..]
        );
        let light = |c: &onething_store::allowance::claims::Claim| {
            (
                c.status,
                c.amount_fen,
                c.payee.clone(),
                c.wage_basis,
                c.version,
            )
        };
        assert_eq!(light(&summary.claim), light(&claim));
        let facts_only = ClaimParts {
            facts: true,
            ..ClaimParts::SUMMARY
        };
        let with_facts = allowance::claim(svc, &hr_a, &claim.claim_id(), facts_only)
            .await
            .expect("facts");
        assert_eq!(with_facts.claim.facts, claim.facts);
        assert!(with_facts.claim.decision.is_none());
        // A reviewer reads the claimant's and her employer's credit records with the claim
        // (in its one statement): those in force today, the claimant's first. HR reads none.
        record_credits(svc, &mum).await;
        let reviewed =
            allowance::claim(svc, &clerk("clerk"), &claim.claim_id(), ClaimParts::SUMMARY)
                .await
                .expect("reviewer");
        let flags: Vec<(String, String)> = reviewed
            .credit
            .expect("a reviewer's flags")
            .into_iter()
            .map(|r| (r.subject_kind, r.valid_from.to_string()))
            .collect();
        let expected = [("person", "2024-01-01"), ("institution", "2023-06-01")]
            .map(|(k, d)| (k.to_owned(), d.to_owned()));
        assert_eq!(flags, expected, "{}", db.label);
        let theirs = allowance::claim(svc, &hr_a, &claim.claim_id(), ClaimParts::SUMMARY)
            .await
            .expect("hr");
        assert!(theirs.credit.is_none(), "{}", db.label);
        let unknown = ClaimId::parse("MA-none").expect("id");
        for (who, id) in [(&hr_b, claim.claim_id()), (&hr_a, unknown)] {
            for parts in [ClaimParts::ALL, ClaimParts::SUMMARY] {
                let hidden = allowance::claim(svc, who, &id, parts).await;
                assert!(
                    matches!(hidden, Err(ServiceError::Access(AccessDenied::NotFound))),
                    "{hidden:?}"
                );
            }
        }
        assert!(store.claim("MA-none").await.is_err());
    }
}

#[tokio::test]
async fn a_father_claims_his_paternity_leave_through_the_marriage_record() {
    for db in test_dbs().await {
        let store = &db.store;
        let svc = &services(store);
        let (hr_a, hr_b) = (hr("hr_a", employer_a()), hr("hr_b", employer_b()));
        base(store).await;
        let mum = mother(store, 318, true, 14).await;
        let dad = CitizenId::from_parts(county(), day(1992, 1, 9), 311).expect("id");
        push(store, Dataset::Marriages, &[json!({"certificate_no": "J500228-2019-000318",
            "husband_id": dad.as_str(), "wife_id": mum.as_str(), "registered_on": "2019-05-20", "status": "married"})]).await;
        push(store, Dataset::InsuranceEnrollments, &[json!({"person_id": dad.as_str(), "scheme": "employee",
            "employer_uscc": employer_b().as_str(), "status": "normal", "region_code": "500228", "effective_from": "2021-01-01"})]).await;
        push(
            store,
            Dataset::EmploymentStatus,
            &[json!({"person_id": dad.as_str(), "status": "employed",
            "employer_uscc": employer_b().as_str(), "effective_from": "2021-01-01"})],
        )
        .await;
        let months: Vec<Value> = [
            "2023-09", "2023-10", "2023-11", "2023-12", "2024-01", "2024-02",
        ]
        .iter()
        .map(|m| {
            json!({"person_id": dad.as_str(), "employer_uscc": employer_b().as_str(),
                "month": m, "base_fen": 650000, "paid": true})
        })
        .collect();
        push(store, Dataset::Contributions, &months).await;
        let claim = open(svc, &hr_b, &dad).await.expect("father's claim");
        assert_eq!(claim.channel, "online");
        assert!(
            claim.missing.is_empty(),
            "{}: {:?}",
            db.label,
            claim.missing
        );
        assert_eq!(claim.event_date, Some(day(2024, 3, 5)));
        confirm(svc, &hr_b, &claim, WageBasis::AvgWage)
            .await
            .expect("confirmed");
        let approved = submit(svc, &hr_b, &claim, Some(account()))
            .await
            .expect("submitted");
        assert_eq!(approved.status, ClaimStatus::Approved);
        // Chongqing's 20 days of paternity leave at 9000 元 a month.
        assert_eq!(approved.amount_fen, Some(600_000));
        // The mother's own claim for the same delivery is a different claimant: allowed.
        assert!(open(svc, &hr_a, &mum).await.is_ok());
    }
}

#[tokio::test]
async fn payment_due_is_provisional_across_an_unpublished_year_and_final_once_loaded() {
    for db in test_dbs().await {
        let store = &db.store;
        let svc = &services(store);
        base(store).await;
        let mum = person(320);
        let e = employer_a();
        push(
            store,
            Dataset::EmployerWages,
            &[json!({"employer_uscc": e.as_str(), "year": 2025,
            "avg_monthly_wage_fen": 900000, "avg_monthly_base_fen": 650000})],
        )
        .await;
        push(
            store,
            Dataset::BirthCertificates,
            &[json!({
            "certificate_no": "Q500000320", "child_name": "测试婴", "child_sex": "male",
            "birth_time": "2026-12-01T08:30:00+08:00", "gestational_weeks": 39, "weight_g": 3300,
            "length_cm": 50, "birth_region": "500228", "institution_code": "H50022800001",
            "institution_name": "测试医院", "mother_name": "测试甲", "mother_id": mum.as_str(),
            "issued_on": "2026-12-02"})],
        )
        .await;
        push(
            store,
            Dataset::DeliveryRecords,
            &[json!({
            "record_id": "D320", "institution_code": "H50022800001", "person_id": mum.as_str(),
            "admitted_on": "2026-11-30", "discharged_on": "2026-12-03", "event_date": "2026-12-01",
            "event_type": "vaginal", "babies": 1, "pregnancy_weeks": 39,
            "settled_in_network": true, "total_cost_fen": 600000, "fund_paid_fen": 500000})],
        )
        .await;
        push(store, Dataset::InsuranceEnrollments, &[json!({"person_id": mum.as_str(), "scheme": "employee",
            "employer_uscc": e.as_str(), "status": "normal", "region_code": "500228", "effective_from": "2021-01-01"})]).await;
        push(
            store,
            Dataset::EmploymentStatus,
            &[json!({"person_id": mum.as_str(), "status": "employed",
            "employer_uscc": e.as_str(), "effective_from": "2021-01-01"})],
        )
        .await;
        let months: Vec<Value> = (5..=11)
            .map(|m| {
                json!({"person_id": mum.as_str(), "employer_uscc": e.as_str(),
                "month": format!("2026-{m:02}"), "base_fen": 650000, "paid": true})
            })
            .collect();
        push(store, Dataset::Contributions, &months).await;
        // Monday 28 December 2026: ten working days reach into 2027, which has no notice.
        let mut by = hr("hr_a", e);
        by.at = Utc
            .with_ymd_and_hms(2026, 12, 28, 2, 0, 0)
            .single()
            .expect("at");
        let claim = open(svc, &by, &mum).await.expect("claim");
        confirm(svc, &by, &claim, WageBasis::AvgWage)
            .await
            .expect("confirmed");
        let approved = submit(svc, &by, &claim, Some(account()))
            .await
            .expect("submitted");
        assert_eq!(approved.status, ClaimStatus::Approved, "{}", db.label);
        assert_eq!(approved.approved_on, Some(day(2026, 12, 28)));
        // Dec 29–31, then 2027 by the regulation's festival days (元旦 on Friday 1 January):
        // a forecast, marked as such, never shown as final.
        assert_eq!(approved.payment_due, Some(day(2027, 1, 12)), "{}", db.label);
        assert!(approved.payment_due_provisional);
        let case = store.load_case(&approved.case_id).await.expect("case");
        let payment = &case.state.items["PS-05"];
        assert_eq!(payment.due_on, approved.payment_due, "the case item agrees");
        assert!(payment.due_on_provisional);
        // 98 + 80 = 178 days at 9000 元.
        assert_eq!(approved.amount_fen, Some(5_340_000));
        // The 2027 notice is loaded: the deadline is recomputed and final, on the claim too.
        let notice = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../domain/tests/data/holidays-2027.json"
        ))
        .expect("2027 fixture");
        let mut loaded = onething_domain::Calendar::shipped();
        loaded.merge_json(&notice).expect("2027 notice");
        store
            .recompute_provisional_due_dates(&loaded, "system", by.at)
            .await
            .expect("recomputed");
        let after = store.claim(&approved.id).await.expect("claim");
        assert!(!after.payment_due_provisional, "{}", db.label);
        let expected = loaded
            .add_working_days(day(2026, 12, 28), 10)
            .expect("2027 published now");
        assert_eq!(after.payment_due, Some(expected));
    }
}

#[tokio::test]
async fn a_clerk_cannot_approve_what_the_rules_refuse() {
    for db in test_dbs().await {
        let store = &db.store;
        let svc = &services(store);
        let hr_a = hr("hr_a", employer_a());
        base(store).await;
        let mum = mother(store, 322, false, 3).await;
        let claim = open(svc, &hr_a, &mum).await.expect("claim");
        let file = photo("c.png", "image/png", b"\x89PNG\r\n\x1a\n1");
        allowance::attach_photo(svc, &hr_a, &claim.claim_id(), file)
            .await
            .expect("photo");
        confirm(svc, &hr_a, &claim, WageBasis::AvgWage)
            .await
            .expect("wage");
        let queued = submit(svc, &hr_a, &claim, Some(account()))
            .await
            .expect("submitted");
        assert_eq!(
            queued.status,
            ClaimStatus::InReview,
            "an upload always goes to a clerk"
        );
        let clerk = clerk("clerk");
        match allowance::review(svc, &clerk, &claim.claim_id(), approve(Some("Q500000322"))).await {
            Err(ServiceError::NotEligible(reasons)) => {
                assert_eq!(reasons, vec![Reason::ContributionTooShort])
            }
            other => panic!("{}: {other:?}", db.label),
        }
        let still = store.claim(&claim.id).await.expect("claim");
        assert_eq!(still.status, ClaimStatus::InReview, "nothing half-written");
        assert_eq!(still.version, queued.version, "nothing half-written");
        let reject = Review::Reject {
            reason: RejectionReason::NotEligible,
            note: None,
        };
        let rejected = allowance::review(svc, &clerk, &claim.claim_id(), reject)
            .await
            .expect("rejected");
        assert_eq!(rejected.status, ClaimStatus::Rejected);
        let audit = AuditFilter {
            case_id: Some(claim.case_id.clone()),
            action: Some("claim_rejected".into()),
            limit: 10,
            ..AuditFilter::default()
        };
        assert_eq!(store.list_audit(&audit).await.expect("audit").len(), 1);
    }
}

/// A draft is not a file store: at most five photos, 20 MB in all; nothing is written past.
#[tokio::test]
async fn photos_per_claim_are_bounded_in_count_and_total_size() {
    for db in test_dbs().await {
        let store = &db.store;
        let svc = &services(store);
        let hr_a = hr("hr_a", employer_a());
        base(store).await;
        let mum = mother(store, 310, false, 14).await;
        let claim = open(svc, &hr_a, &mum).await.expect("opened");
        let mut big = vec![0u8; 5 * 1024 * 1024 - 16];
        big[..3].copy_from_slice(&[0xff, 0xd8, 0xff]);
        for n in 0..4 {
            let file = photo(&format!("{n}.jpg"), "image/jpeg", &big);
            allowance::attach_photo(svc, &hr_a, &claim.claim_id(), file)
                .await
                .expect("within the limits");
        }
        let fifth = photo("4.jpg", "image/jpeg", &big);
        let refused = allowance::attach_photo(svc, &hr_a, &claim.claim_id(), fifth).await;
        assert!(
            matches!(&refused, Err(ServiceError::Invalid(i)) if i.code == "FILES_TOO_LARGE"),
            "{refused:?} ({})",
            db.label
        );
        let small = photo("5.jpg", "image/jpeg", &[0xff, 0xd8, 0xff, 1]);
        allowance::attach_photo(svc, &hr_a, &claim.claim_id(), small)
            .await
            .expect("a fifth small one fits");
        let sixth = photo("6.jpg", "image/jpeg", &[0xff, 0xd8, 0xff, 2]);
        let refused = allowance::attach_photo(svc, &hr_a, &claim.claim_id(), sixth).await;
        assert!(
            matches!(&refused, Err(ServiceError::Invalid(i)) if i.code == "TOO_MANY_FILES"),
            "{refused:?}"
        );
        let stored = store.claim_attachments(&claim.id).await.expect("files");
        assert_eq!(stored.len(), 5, "nothing written past the limits");
    }
}

/// The text a hex string decodes to, if it is hex of UTF-8 (the old, decodable handles).
fn hex_text(handle: &str) -> Option<String> {
    if !handle.len().is_multiple_of(2) || !handle.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let bytes: Option<Vec<u8>> = (0..handle.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&handle[i..i + 2], 16).ok())
        .collect();
    String::from_utf8(bytes?).ok()
}

/// The parameters a decision used are stored once, under the SHA-256 of their text, and the
/// claim names them (migration 0030); a claim decided before keeps its inline copy, and
/// both read back as the same `params_used`.
async fn params_are_one_snapshot_read_as_the_inline_copy_was(
    svc: &onething_services::Services,
    hr: &Actor,
    claim: &onething_store::allowance::claims::Claim,
) {
    use sha2::{Digest, Sha256};
    let pool = svc.store.pool();
    let (digest, inline): (Option<String>, Option<String>) =
        sqlx::query_as("SELECT params_digest, params_used FROM ma_claims WHERE id = $1")
            .bind(&claim.id)
            .fetch_one(pool)
            .await
            .expect("row");
    assert!(inline.is_none(), "no copy in the claim row");
    let digest = digest.expect("the claim names its snapshot");
    let body: String = sqlx::query_scalar("SELECT body FROM parameter_snapshots WHERE digest = $1")
        .bind(&digest)
        .fetch_one(pool)
        .await
        .expect("snapshot");
    assert_eq!(digest, hex_of(&Sha256::digest(body.as_bytes())));
    let read = allowance::claim(svc, hr, &claim.claim_id(), ClaimParts::ALL)
        .await
        .expect("read");
    assert_eq!(read.claim.params_used, claim.params_used);

    // As a claim decided before the migration: its own copy, no snapshot named.
    sqlx::query("UPDATE ma_claims SET params_used = $1, params_digest = NULL WHERE id = $2")
        .bind(&body)
        .bind(&claim.id)
        .execute(pool)
        .await
        .expect("old shape");
    let old = allowance::claim(svc, hr, &claim.claim_id(), ClaimParts::ALL)
        .await
        .expect("read");
    assert_eq!(old.claim.params_used, claim.params_used);
    sqlx::query("UPDATE ma_claims SET params_used = NULL, params_digest = $1 WHERE id = $2")
        .bind(&digest)
        .bind(&claim.id)
        .execute(pool)
        .await
        .expect("back");
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Credit records about the claimant, her employer and someone else: two in force on the
/// tests' day (2024-04-01), one expired, one about another person.
async fn record_credits(svc: &onething_services::Services, mum: &CitizenId) {
    let sup = Actor {
        username: "sup".into(),
        role: Role::Supervisor,
        scope: Scope::Region(RegionCode::new(500000).expect("region")),
        at: now(),
        idempotency_key: None,
    };
    let employer = employer_a().to_string();
    let other = person(317).as_str().to_owned();
    let entries = [
        ("institution", employer.as_str(), "2023-06-01", None),
        ("person", mum.as_str(), "2023-01-01", Some("2023-12-31")),
        ("person", mum.as_str(), "2024-01-01", None),
        ("person", other.as_str(), "2024-01-01", None),
    ];
    for (kind, id, from, to) in entries {
        crate::support::record_credit(svc, &sup, (kind, id), from, to).await;
    }
}

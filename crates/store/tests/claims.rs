//! Maternity-allowance claims on SQLite and (when configured) PostgreSQL: every status move
//! and refusal, smart review, the clerk's review, duplicates refused by the database (also
//! under concurrency) and recorded, offers, steps, notifications and audit entries.

mod support;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use onething_domain::access::Role;
use onething_domain::allowance::{ClaimStatus, RejectionReason, WageBasis};
use onething_domain::department::DepartmentKind;
use onething_domain::rules::{MaternityParams, Reason};
use onething_domain::{Calendar, CitizenId, RegionCode, Uscc};
use onething_exchange::Dataset;
use onething_exchange::signature::generate_signing_key;
use onething_store::Store;
use onething_store::allowance::Recipient;
use onething_store::allowance::claims::{
    Acting, BankAccount, Channel, Claim, ClaimError, ClaimFilter, NewAttachment, NewClaim,
    ReviewDecision,
};
use onething_store::audit::AuditFilter;
use onething_store::departments::NewDepartment;
use onething_store::shared_data::DataUse;
use onething_store::shared_records::Push;
use serde_json::{Value, json};
use support::test_dbs;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

/// Monday 1 April 2024, 10:00 in China.
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 4, 1, 2, 0, 0)
        .single()
        .expect("at")
}

fn person(seq: u16) -> CitizenId {
    CitizenId::from_parts(RegionCode::new(500228).unwrap(), day(1994, 6, 2), seq).unwrap()
}

fn employer(body: &str) -> Uscc {
    Uscc::from_parts('9', '1', RegionCode::new(500228).unwrap(), body).unwrap()
}

fn employer_a() -> Uscc {
    employer("MA5U7CHW")
}

fn employer_b() -> Uscc {
    employer("MA5U7CHX")
}

async fn push(store: &Store, dataset: Dataset, records: &[Value]) {
    let valid: Vec<_> = records
        .iter()
        .map(|r| dataset.validate(r).expect("valid record"))
        .collect();
    store
        .ingest(&Push::unsigned("hub", dataset, now(), valid.len()), &valid)
        .await
        .expect("ingest");
}

/// The platform's departments and the employer's wages.
async fn base(store: &Store) {
    let key = generate_signing_key().expect("key").verifying_key();
    let dept = NewDepartment {
        id: "hub".into(),
        name: "测试部门".into(),
        kind: DepartmentKind::Health,
        webhook_url: None,
    };
    store
        .add_department(&dept, &key, now())
        .await
        .expect("dept");
    for e in [employer_a(), employer_b()] {
        push(
            store,
            Dataset::EmployerWages,
            &[json!({"employer_uscc": e.as_str(), "year": 2023,
            "avg_monthly_wage_fen": 900000, "avg_monthly_base_fen": 650000})],
        )
        .await;
    }
}

/// A mother insured by employer A who gave birth to twins by cesarean on 2024-03-05, with
/// `months` paid months before March and, when `certificate`, a pushed birth certificate.
async fn mother(store: &Store, seq: u16, certificate: bool, months: u32) -> CitizenId {
    let id = person(seq);
    let cert_no = format!("Q5000{seq:05}");
    if certificate {
        push(
            store,
            Dataset::BirthCertificates,
            &[json!({
            "certificate_no": cert_no, "child_name": "测试婴", "child_sex": "female",
            "birth_time": "2024-03-05T08:30:00+08:00", "gestational_weeks": 38, "weight_g": 2650,
            "length_cm": 48, "birth_region": "500228", "institution_code": "H500228001",
            "institution_name": "测试医院", "mother_name": "测试甲", "mother_id": id.as_str(),
            "issued_on": "2024-03-06"})],
        )
        .await;
    }
    push(
        store,
        Dataset::DeliveryRecords,
        &[json!({
        "record_id": format!("D{seq}"), "institution_code": "H500228001", "person_id": id.as_str(),
        "admitted_on": "2024-03-04", "discharged_on": "2024-03-08", "event_date": "2024-03-05",
        "event_type": "cesarean", "babies": 2, "pregnancy_weeks": 38,
        "settled_in_network": true, "total_cost_fen": 1200000, "fund_paid_fen": 900000})],
    )
    .await;
    push(
        store,
        Dataset::InsuranceEnrollments,
        &[json!({"person_id": id.as_str(), "scheme": "employee",
        "employer_uscc": employer_a().as_str(), "status": "normal", "region_code": "500228",
        "effective_from": "2021-01-01"})],
    )
    .await;
    push(
        store,
        Dataset::EmploymentStatus,
        &[json!({"person_id": id.as_str(), "status": "employed",
        "employer_uscc": employer_a().as_str(), "effective_from": "2021-01-01"})],
    )
    .await;
    let contributions: Vec<Value> = (0..months)
        .map(|i| {
            let m = 2 - i64::from(i); // 2024-02 backwards
            let (y, mo) = if m >= 1 { (2024, m) } else { (2023, m + 12) };
            json!({"person_id": id.as_str(), "employer_uscc": employer_a().as_str(),
                   "month": format!("{y}-{mo:02}"), "base_fen": 650000, "paid": true})
        })
        .collect();
    if !contributions.is_empty() {
        push(store, Dataset::Contributions, &contributions).await;
    }
    id
}

fn new_claim(person: &CitizenId, employer: Uscc, actor: &str) -> NewClaim {
    NewClaim {
        person_id: person.clone(),
        employer,
        certificate_no: None,
        channel: Channel::Online,
        authorisation: None,
        actor: actor.into(),
        role: Role::Employer,
        at: now(),
    }
}

fn acting(actor: &str, role: Role) -> Acting<'_> {
    Acting {
        actor,
        role,
        at: now(),
    }
}

fn account() -> BankAccount {
    BankAccount {
        name: "测试单位".into(),
        bank: "测试银行梁平支行".into(),
        number: "50001000000000000001".into(),
    }
}

async fn submit(
    store: &Store,
    claim: &Claim,
    account: Option<BankAccount>,
) -> Result<Claim, ClaimError> {
    store
        .submit_claim(
            &claim.id,
            account,
            &acting("hr_a", Role::Employer),
            &MaternityParams::shipped(),
            &Calendar::shipped(),
        )
        .await
}

#[tokio::test]
async fn complete_shared_data_is_approved_at_submission_with_steps_and_notices() {
    for db in test_dbs().await {
        let store = &db.store;
        assert!(!db.url.is_empty());
        base(store).await;
        let mum = mother(store, 302, true, 14).await;
        let data_use = DataUse {
            actor: "hr_a".into(),
            case_id: None,
            purpose: "offers".into(),
        };
        let offers = store
            .offers(&data_use, employer_a().as_str(), day(2024, 4, 1))
            .await
            .unwrap();
        assert_eq!(offers.len(), 1, "{}", db.label);
        assert_eq!(offers[0].certificate_no.as_deref(), Some("Q500000302"));
        assert_eq!(offers[0].event_date, day(2024, 3, 5));
        let resolved = store
            .resolve_person_ref(&offers[0].person_ref)
            .await
            .unwrap();
        assert_eq!(resolved.as_deref(), Some(mum.as_str()));
        assert!(!offers[0].person_ref.contains(mum.as_str()));

        let claim = store
            .create_claim(&new_claim(&mum, employer_a(), "hr_a"))
            .await
            .unwrap();
        assert_eq!(claim.status, ClaimStatus::Draft);
        assert!(claim.missing.is_empty(), "{:?}", claim.missing);
        assert_eq!(claim.region.as_deref(), Some("500228"));
        assert!(
            store
                .offers(&data_use, employer_a().as_str(), day(2024, 4, 1))
                .await
                .unwrap()
                .is_empty()
        );

        let claim = store
            .confirm_wage(
                &claim.id,
                WageBasis::AvgWage,
                &acting("hr_a", Role::Employer),
            )
            .await
            .unwrap();
        let claim = submit(store, &claim, Some(account())).await.unwrap();
        assert_eq!(claim.status, ClaimStatus::Approved, "{}", db.label);
        // Twins by cesarean in Chongqing: 98 + 15 + 15 + 80 = 208 days × 9000 元 ÷ 30.
        assert_eq!(claim.amount_fen, Some(6_240_000));
        assert_eq!(claim.approved_on, Some(day(2024, 4, 1)));
        let due = Calendar::shipped()
            .add_working_days(day(2024, 4, 1), 10)
            .unwrap();
        assert_eq!(claim.payment_due, Some(due));
        assert_eq!(
            claim.params_used.as_ref().unwrap()["period"]["regional_extra_days"],
            80
        );
        assert_eq!(claim.decision.as_ref().unwrap().leave_days, 208);
        let steps: Vec<String> = store
            .claim_steps(&claim.id)
            .await
            .unwrap()
            .into_iter()
            .map(|s| s.step)
            .collect();
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
                    .unwrap();
                assert_eq!(notes.len(), 2, "{} {channel}", db.label);
                assert!(
                    notes.iter().any(|n| n.body.contains("审核通过")),
                    "{notes:?}"
                );
            }
        }
        let audit = AuditFilter {
            case_id: Some(claim.id.clone()),
            action: Some("claim_approved".into()),
            limit: 10,
            ..AuditFilter::default()
        };
        assert_eq!(store.list_audit(&audit).await.unwrap().len(), 1);
        let reads = AuditFilter {
            case_id: Some(claim.id.clone()),
            action: Some("data_read".into()),
            limit: 200,
            ..AuditFilter::default()
        };
        assert!(store.list_audit(&reads).await.unwrap().len() >= 6);
        // Wrong status now.
        let again = store
            .confirm_wage(
                &claim.id,
                WageBasis::AvgBase,
                &acting("hr_a", Role::Employer),
            )
            .await;
        assert!(matches!(
            again,
            Err(ClaimError::InvalidState {
                from: ClaimStatus::Approved,
                ..
            })
        ));
        assert!(matches!(
            submit(store, &claim, None).await,
            Err(ClaimError::InvalidState { .. })
        ));
    }
}

#[tokio::test]
async fn duplicates_are_refused_by_the_database_and_recorded() {
    for db in test_dbs().await {
        let store = &db.store;
        base(store).await;
        let mum = mother(store, 304, true, 14).await;
        // Employer B also paid for her once, so it may open a claim.
        push(store, Dataset::Contributions, &[json!({"person_id": mum.as_str(),
            "employer_uscc": employer_b().as_str(), "month": "2021-01", "base_fen": 1, "paid": true})]).await;
        let first = store
            .create_claim(&new_claim(&mum, employer_a(), "hr_a"))
            .await
            .unwrap();
        let second = store
            .create_claim(&new_claim(&mum, employer_b(), "hr_b"))
            .await;
        match second {
            Err(ClaimError::Exists { existing }) => assert_eq!(existing, first.id),
            other => panic!("{}: {other:?}", db.label),
        }
        let attempts = store.duplicate_attempts(10).await.unwrap();
        assert_eq!(attempts.len(), 1);
        assert_eq!(attempts[0].existing_claim, first.id);
        assert!(!attempts[0].claimant_masked.contains(mum.as_str()));
        assert_eq!(attempts[0].event_date, "2024-03-05");
        // Once rejected, the delivery can be claimed again.
        let first = submit(store, &first, Some(account())).await.unwrap();
        assert_eq!(first.status, ClaimStatus::InReview, "wage not confirmed");
        let reject = ReviewDecision::Reject {
            reason: RejectionReason::NotEmployee,
            note: Some("非本单位职工".into()),
        };
        let rejected = store
            .review_claim(
                &first.id,
                &reject,
                &acting("clerk", Role::AgencyClerk),
                &MaternityParams::shipped(),
                &Calendar::shipped(),
            )
            .await
            .unwrap();
        assert_eq!(rejected.status, ClaimStatus::Rejected);
        assert_eq!(rejected.reject_code.as_deref(), Some("NOT_EMPLOYEE"));
        assert!(
            store
                .create_claim(&new_claim(&mum, employer_b(), "hr_b"))
                .await
                .is_ok()
        );
    }
}

#[tokio::test]
async fn two_simultaneous_claims_for_one_mother_make_exactly_one() {
    for db in test_dbs().await {
        let store = &db.store;
        base(store).await;
        let mum = mother(store, 306, true, 14).await;
        push(store, Dataset::Contributions, &[json!({"person_id": mum.as_str(),
            "employer_uscc": employer_b().as_str(), "month": "2021-01", "base_fen": 1, "paid": true})]).await;
        let a = new_claim(&mum, employer_a(), "hr_a");
        let b = new_claim(&mum, employer_b(), "hr_b");
        let (ra, rb) = tokio::join!(store.create_claim(&a), store.create_claim(&b));
        let ok = [&ra, &rb].iter().filter(|r| r.is_ok()).count();
        assert_eq!(ok, 1, "{}: {ra:?} {rb:?}", db.label);
        let exists = [ra, rb]
            .into_iter()
            .filter(|r| matches!(r, Err(ClaimError::Exists { .. })))
            .count();
        assert_eq!(exists, 1);
        let all = store
            .claims(&ClaimFilter {
                limit: 10,
                ..ClaimFilter::default()
            })
            .await
            .unwrap();
        assert_eq!(all.len(), 1);
    }
}

#[tokio::test]
async fn a_photo_goes_to_a_clerk_who_approves_with_frozen_amount() {
    for db in test_dbs().await {
        let store = &db.store;
        base(store).await;
        let mum = mother(store, 308, false, 14).await;
        let claim = store
            .create_claim(&new_claim(&mum, employer_a(), "hr_a"))
            .await
            .unwrap();
        assert!(
            claim.missing.iter().any(|m| m.name == "birth_certificate"),
            "{:?}",
            claim.missing
        );
        let by = acting("hr_a", Role::Employer);
        let photo = NewAttachment {
            filename: "cert.jpg".into(),
            content_type: "image/jpeg".into(),
            bytes: vec![0xff, 0xd8, 1, 2, 3],
        };
        let meta = store.add_attachment(&claim.id, &photo, &by).await.unwrap();
        assert_eq!(meta.size, 5);
        assert_eq!(
            store.claim_attachments(&claim.id).await.unwrap(),
            vec![meta]
        );
        store
            .confirm_wage(&claim.id, WageBasis::AvgBase, &by)
            .await
            .unwrap();
        let claim = submit(store, &claim, Some(account())).await.unwrap();
        assert_eq!(claim.status, ClaimStatus::InReview);
        assert!(claim.needs_review);
        let clerk = acting("clerk", Role::AgencyClerk);
        let params = MaternityParams::shipped();
        let approve = ReviewDecision::Approve {
            certificate_no: Some("Q500000308".into()),
            note: None,
        };
        let approved = store
            .review_claim(&claim.id, &approve, &clerk, &params, &Calendar::shipped())
            .await
            .unwrap();
        assert_eq!(approved.status, ClaimStatus::Approved, "{}", db.label);
        // The confirmed base (6500 元) is the wage used: 6500 × 208 ÷ 30.
        assert_eq!(approved.amount_fen, Some(4_506_667));
        assert_eq!(approved.certificate_no.as_deref(), Some("Q500000308"));
        assert!(approved.facts.iter().any(|f| f.source == "upload"));
        assert_eq!(approved.reviewed_by.as_deref(), Some("clerk"));
        let again = store
            .review_claim(&claim.id, &approve, &clerk, &params, &Calendar::shipped())
            .await;
        assert!(matches!(
            again,
            Err(ClaimError::InvalidState {
                from: ClaimStatus::Approved,
                ..
            })
        ));
    }
}

#[tokio::test]
async fn refusals_name_what_is_wrong() {
    for db in test_dbs().await {
        let store = &db.store;
        base(store).await;
        let params = MaternityParams::shipped();
        let cal = Calendar::shipped();
        let clerk = acting("clerk", Role::AgencyClerk);
        // Not an employee of employer B.
        let mum = mother(store, 310, true, 3).await;
        assert!(matches!(
            store
                .create_claim(&new_claim(&mum, employer_b(), "hr_b"))
                .await,
            Err(ClaimError::NotFound)
        ));
        // No birth and no delivery for this one.
        let nobody = person(312);
        push(store, Dataset::InsuranceEnrollments, &[json!({"person_id": nobody.as_str(), "scheme": "employee",
            "employer_uscc": employer_a().as_str(), "status": "normal", "region_code": "500228", "effective_from": "2021-01-01"})]).await;
        assert!(matches!(
            store
                .create_claim(&new_claim(&nobody, employer_a(), "hr_a"))
                .await,
            Err(ClaimError::NoEvent)
        ));
        // Three months of contributions: smart review rejects on complete data with the reason.
        let claim = store
            .create_claim(&new_claim(&mum, employer_a(), "hr_a"))
            .await
            .unwrap();
        assert!(matches!(
            submit(store, &claim, None).await,
            Err(ClaimError::NoBankAccount)
        ));
        store
            .put_employer_account(employer_a().as_str(), &account(), "hr_a", now())
            .await
            .unwrap();
        assert_eq!(
            store.employer_account(employer_a().as_str()).await.unwrap(),
            Some(account())
        );
        store
            .confirm_wage(
                &claim.id,
                WageBasis::AvgWage,
                &acting("hr_a", Role::Employer),
            )
            .await
            .unwrap();
        let review = ReviewDecision::Approve {
            certificate_no: None,
            note: None,
        };
        assert!(matches!(
            store
                .review_claim(&claim.id, &review, &clerk, &params, &cal)
                .await,
            Err(ClaimError::InvalidState {
                from: ClaimStatus::Draft,
                ..
            })
        ));
        let rejected = submit(store, &claim, None).await.unwrap();
        assert_eq!(rejected.status, ClaimStatus::Rejected, "{}", db.label);
        assert_eq!(
            rejected.decision.as_ref().unwrap().reasons,
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
        let claim = store
            .create_claim(&new_claim(&mum2, employer_c.clone(), "hr_c"))
            .await
            .unwrap();
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
        let claim = submit(store, &claim, Some(account())).await.unwrap();
        assert_eq!(claim.status, ClaimStatus::InReview);
        match store
            .review_claim(&claim.id, &review, &clerk, &params, &cal)
            .await
        {
            Err(ClaimError::FactsIncomplete(missing)) => {
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
        base(store).await;
        let mum = mother(store, 316, true, 14).await;
        let claim = store
            .create_claim(&new_claim(&mum, employer_a(), "hr_a"))
            .await
            .unwrap();
        let list = |f: ClaimFilter| async move {
            store
                .claims(&ClaimFilter { limit: 10, ..f })
                .await
                .unwrap()
                .len()
        };
        assert_eq!(
            list(ClaimFilter {
                employer_uscc: Some(employer_a().to_string()),
                ..ClaimFilter::default()
            })
            .await,
            1
        );
        assert_eq!(
            list(ClaimFilter {
                employer_uscc: Some(employer_b().to_string()),
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
        assert_eq!(
            list(ClaimFilter {
                region_prefix: Some("50".into()),
                ..ClaimFilter::default()
            })
            .await,
            1
        );
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
                status: Some(ClaimStatus::Approved),
                ..ClaimFilter::default()
            })
            .await,
            0
        );
        assert_eq!(store.claim(&claim.id).await.unwrap(), claim);
        assert!(store.claim("MA-none").await.is_err());
    }
}

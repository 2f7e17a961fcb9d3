//! The reads the allowance pages add (`allowance::pages`): an attachment's bytes only under
//! its own claim, and the employers with births pushed, on SQLite and PostgreSQL.

use crate::support;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use onething_domain::access::Role;
use onething_domain::case::ActorRole;
use onething_domain::department::DepartmentKind;
use onething_domain::{Calendar, CitizenId, RegionCode, Uscc};
use onething_exchange::Dataset;
use onething_exchange::signature::generate_signing_key;
use onething_store::Store;
use onething_store::allowance::claims::{
    Acting, AttachmentMeta, Channel, ClaimWrite, NewAttachment, NewClaim, duplicate_key,
};
use onething_store::cases::{CaseWrite, NewCase};
use onething_store::departments::NewDepartment;
use onething_store::shared_records::Push;
use serde_json::{Value, json};
use support::test_dbs;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 4, 1, 2, 0, 0)
        .single()
        .expect("at")
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

fn county() -> RegionCode {
    RegionCode::new(500228).expect("region")
}

fn employer(body: &str) -> Uscc {
    Uscc::from_parts('9', '1', county(), body).expect("uscc")
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

/// A woman insured by `employer` with a delivery on `date`.
async fn mother(store: &Store, seq: u16, employer: &Uscc, date: &str) -> CitizenId {
    let id = CitizenId::from_parts(county(), day(1994, 6, 2), seq).expect("id");
    let delivery = json!({"record_id": format!("D{seq}"), "institution_code": "H50022800001",
        "person_id": id.as_str(), "admitted_on": date, "discharged_on": date,
        "event_date": date, "event_type": "vaginal", "babies": 1, "pregnancy_weeks": 39,
        "settled_in_network": true, "total_cost_fen": 800000, "fund_paid_fen": 600000});
    push(store, Dataset::DeliveryRecords, &[delivery]).await;
    let enrollment = json!({"person_id": id.as_str(), "scheme": "employee",
        "employer_uscc": employer.as_str(), "status": "normal", "region_code": "500228",
        "effective_from": "2021-01-01"});
    push(store, Dataset::InsuranceEnrollments, &[enrollment]).await;
    id
}

/// One change of a claim as the services layer hands it over: a step of its case, with a
/// photo when given.
fn step<'a>(
    by: &Acting<'a>,
    key: &str,
    name: &str,
    attachment: Option<(AttachmentMeta, Vec<u8>)>,
) -> ClaimWrite<'a> {
    ClaimWrite {
        by: by.clone(),
        idempotency_key: key.into(),
        case: vec![CaseWrite::Step {
            step: name.into(),
            detail: json!({}),
            role: ActorRole::Applicant,
        }],
        notifications: Vec::new(),
        audit: None,
        attachment,
        payable: None,
        reads: Vec::new(),
    }
}

/// The shipped catalogue (a claim opens a case of its bundle) and a department.
async fn department(store: &Store) {
    store
        .ensure_shipped_catalog(now())
        .await
        .expect("catalogue");
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
}

#[tokio::test]
async fn employers_with_births_count_recent_births_per_employer() {
    for db in test_dbs().await {
        let store = &db.store;
        assert!(!db.url.is_empty());
        department(store).await;
        let (a, b) = (employer("MA5U7CHW"), employer("MA5U7CHX"));
        mother(store, 302, &a, "2024-03-05").await;
        mother(store, 322, &a, "2024-02-01").await;
        mother(store, 342, &b, "2024-03-10").await;
        mother(store, 362, &b, "2022-01-10").await; // too old
        let found = store
            .employers_with_births(day(2023, 4, 1))
            .await
            .expect("employers");
        let expected = vec![(a.as_str().to_owned(), 2), (b.as_str().to_owned(), 1)];
        assert_eq!(found, expected, "{}", db.label);
    }
}

#[tokio::test]
async fn an_attachment_is_read_only_under_its_own_claim() {
    for db in test_dbs().await {
        let store = &db.store;
        department(store).await;
        let a = employer("MA5U7CHW");
        let wages = json!({"employer_uscc": a.as_str(), "year": 2023,
            "avg_monthly_wage_fen": 900000, "avg_monthly_base_fen": 650000});
        push(store, Dataset::EmployerWages, &[wages]).await;
        let mum = mother(store, 302, &a, "2024-03-05").await;
        let by = Acting {
            actor: "hr",
            role: Role::Employer,
            at: now(),
        };
        let new = NewClaim {
            id: "MA-PAGES-1".into(),
            duplicate_key: duplicate_key(mum.as_str(), day(2024, 3, 5)),
            case: NewCase {
                bundle: "maternity_allowance".into(),
                applicant: format!("person:{mum}"),
                region: Some("500228".into()),
                filer: Some(format!("employer:{a}")),
                id: None,
            },
            person_id: mum,
            employer: a,
            certificate_no: None,
            channel: Channel::Online,
            authorisation: None,
            event_date: day(2024, 3, 5),
            region: "500228".into(),
            facts: Vec::new(),
            missing: Vec::new(),
            hospital: None,
            family_planning_review: false,
            derivation: None,
        };
        let calendar = Calendar::shipped();
        let claim = store
            .insert_claim(&new, &step(&by, "open", "created", None), &calendar)
            .await
            .expect("claim");
        let file = NewAttachment {
            filename: "证明.png".into(),
            content_type: "image/png".into(),
            bytes: vec![0x89, b'P', b'N', b'G', 0, 255],
        };
        let meta = AttachmentMeta::of(&file, &by);
        let upload = step(
            &by,
            "photo",
            "photo_uploaded",
            Some((meta.clone(), file.bytes.clone())),
        );
        store
            .update_claim(&claim, &upload, &calendar)
            .await
            .expect("attach");
        let found = store
            .attachment_file(&claim.id, &meta.id)
            .await
            .expect("read")
            .expect("found");
        assert_eq!(found.bytes, file.bytes, "{}", db.label);
        assert_eq!(found.content_type, "image/png");
        let elsewhere = store
            .attachment_file("MA-OTHER", &meta.id)
            .await
            .expect("read");
        assert!(elsewhere.is_none(), "{}", db.label);
    }
}

//! The shared test databases (`onething-test-support`) and the claim suites' fixtures: the
//! departments' pushes for synthetic mothers, and the actors who ask.

// Each test file uses a part of the fixtures.
#![allow(dead_code)]

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use onething_domain::access::{Role, Scope};
use onething_domain::allowance::WageBasis;
use onething_domain::department::DepartmentKind;
use onething_domain::rules::MaternityParams;
use onething_domain::{Calendar, CitizenId, RegionCode, Uscc};
use onething_exchange::Dataset;
use onething_exchange::signature::generate_signing_key;
use onething_services::allowance::{
    self, AuthorisationInput, ConfirmWage, OpenClaim, OpenClaimInput, Photo, PhotoInput, Submit,
};
use onething_services::{Actor, ServiceError, Services};
use onething_store::Store;
use onething_store::allowance::claims::{BankAccount, Claim};
use onething_store::departments::NewDepartment;
use onething_store::shared_records::Push;
use onething_test_support::ClaimIdOf;
use serde_json::{Value, json};

pub use onething_test_support::test_dbs;

pub fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

/// Monday 1 April 2024, 10:00 in China.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 4, 1, 2, 0, 0)
        .single()
        .expect("at")
}

pub fn county() -> RegionCode {
    RegionCode::new(500228).expect("region")
}

pub fn person(seq: u16) -> CitizenId {
    CitizenId::from_parts(county(), day(1994, 6, 2), seq).expect("citizen id")
}

pub fn employer(body: &str) -> Uscc {
    Uscc::from_parts('9', '1', county(), body).expect("uscc")
}

pub fn employer_a() -> Uscc {
    employer("MA5U7CHW")
}

pub fn employer_b() -> Uscc {
    employer("MA5U7CHX")
}

/// The services over `store`, with the shipped rules and calendar.
pub fn services(store: &Store) -> Services {
    Services::with_calendar(
        store.clone(),
        Arc::new(MaternityParams::shipped()),
        Calendar::shipped(),
    )
}

fn actor(username: &str, role: Role, scope: Scope) -> Actor {
    Actor {
        username: username.into(),
        role,
        scope,
        at: now(),
        idempotency_key: None,
    }
}

/// An employer's HR clerk, online.
pub fn hr(username: &str, uscc: Uscc) -> Actor {
    actor(username, Role::Employer, Scope::Employer(uscc))
}

/// An agency clerk of the county.
pub fn clerk(username: &str) -> Actor {
    actor(username, Role::AgencyClerk, Scope::Region(county()))
}

pub fn admin() -> Actor {
    actor("admin", Role::Admin, Scope::Platform)
}

/// The insured person herself.
pub fn insured(id: &CitizenId) -> Actor {
    actor("mum", Role::Person, Scope::Person(id.clone()))
}

pub fn account() -> BankAccount {
    BankAccount {
        name: "测试单位".into(),
        bank: "测试银行梁平支行".into(),
        number: "50001000000000000001".into(),
    }
}

pub async fn push(store: &Store, dataset: Dataset, records: &[Value]) {
    let valid: Vec<_> = records
        .iter()
        .map(|r| dataset.validate(r).expect("valid record"))
        .collect();
    store
        .ingest(&Push::unsigned("hub", dataset, now(), valid.len()), &valid)
        .await
        .expect("ingest");
}

/// The shipped catalogue (claims open cases of its `maternity_allowance` bundle), the
/// platform's departments and the employers' wages.
pub async fn base(store: &Store) {
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
pub async fn mother(store: &Store, seq: u16, certificate: bool, months: u32) -> CitizenId {
    let id = person(seq);
    if certificate {
        push(
            store,
            Dataset::BirthCertificates,
            &[json!({
            "certificate_no": format!("Q5000{seq:05}"), "child_name": "测试婴", "child_sex": "female",
            "birth_time": "2024-03-05T08:30:00+08:00", "gestational_weeks": 38, "weight_g": 2650,
            "length_cm": 48, "birth_region": "500228", "institution_code": "H50022800001",
            "institution_name": "测试医院", "mother_name": "测试甲", "mother_id": id.as_str(),
            "issued_on": "2024-03-06"})],
        )
        .await;
    }
    push(
        store,
        Dataset::DeliveryRecords,
        &[json!({
        "record_id": format!("D{seq}"), "institution_code": "H50022800001", "person_id": id.as_str(),
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

/// One paid month of `mum` with `employer`, so it may claim for her too.
pub async fn also_paid_by(store: &Store, mum: &CitizenId, employer: &Uscc) {
    push(
        store,
        Dataset::Contributions,
        &[
            json!({"person_id": mum.as_str(), "employer_uscc": employer.as_str(),
            "month": "2021-01", "base_fen": 1, "paid": true}),
        ],
    )
    .await;
}

/// The employer opens a claim for `person` online.
pub async fn open(
    svc: &Services,
    actor: &Actor,
    person: &CitizenId,
) -> Result<Claim, ServiceError> {
    let cmd = OpenClaim::try_from(OpenClaimInput {
        person_id: Some(person.to_string()),
        ..OpenClaimInput::default()
    })
    .expect("valid command");
    allowance::open_claim(svc, actor, cmd).await
}

/// A window clerk opens a claim for `person` on employer A's behalf, with its authorisation.
pub async fn open_at_window(
    svc: &Services,
    clerk: &Actor,
    person: &CitizenId,
) -> Result<Claim, ServiceError> {
    let cmd = OpenClaim::try_from(OpenClaimInput {
        person_id: Some(person.to_string()),
        employer_uscc: Some(employer_a().to_string()),
        authorisation: Some(AuthorisationInput {
            number: Some("SQ-2024-0001".into()),
            signer: Some("测试乙".into()),
            signed_on: Some("2024-03-28".into()),
        }),
        ..OpenClaimInput::default()
    })
    .expect("valid command");
    allowance::open_claim(svc, clerk, cmd).await
}

pub async fn confirm(
    svc: &Services,
    actor: &Actor,
    claim: &Claim,
    basis: WageBasis,
) -> Result<Claim, ServiceError> {
    allowance::confirm_wage(svc, actor, &claim.claim_id(), ConfirmWage { basis }).await
}

pub async fn submit(
    svc: &Services,
    actor: &Actor,
    claim: &Claim,
    account: Option<BankAccount>,
) -> Result<Claim, ServiceError> {
    allowance::submit(svc, actor, &claim.claim_id(), Submit { account }).await
}

/// A photo of the birth certificate, checked as an upload is.
pub fn photo(filename: &str, content_type: &str, bytes: &[u8]) -> Photo {
    Photo::try_from(PhotoInput {
        filename: Some(filename.into()),
        content_type: Some(content_type.into()),
        bytes: bytes.to_vec(),
    })
    .expect("valid photo")
}

/// Records a credit entry (a fraud finding) about `id`, a `person` or an `institution`, in
/// force from `from` (and until `to`), as the supervisor `sup`.
pub async fn record_credit(
    svc: &Services,
    sup: &Actor,
    (kind, id): (&str, &str),
    from: &str,
    to: Option<&str>,
) {
    use onething_services::supervision::{self, CreditInput, NewCredit};
    let input = CreditInput {
        subject_kind: Some(kind.into()),
        subject_id: Some(id.into()),
        decision: Some("骗取生育津贴，追回并记入信用记录".into()),
        basis: Some("医保（2024）罚字第2号".into()),
        valid_from: Some(from.into()),
        valid_to: to.map(Into::into),
        ..CreditInput::default()
    };
    let entry = NewCredit::try_from(input).expect("valid");
    supervision::record_credit(svc, sup, entry)
        .await
        .expect("recorded");
}

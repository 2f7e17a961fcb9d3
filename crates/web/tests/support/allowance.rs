//! Maternity-allowance test data pushed the way departments push it: through the signed
//! exchange endpoint. Included with `#[path = "support/allowance.rs"] mod allowance;` next to
//! `auth_support`.
#![allow(dead_code)]

use std::collections::BTreeMap;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::{Duration, NaiveDate};
use onething_domain::department::{DepartmentKind, HospitalLevel};
use onething_domain::{CitizenId, Uscc};
use onething_exchange::signature::{SigningKey, generate_signing_key, sign};
use onething_store::departments::NewDepartment;
use serde_json::{Value, json};

use super::auth_support::{TestApp, employer_in, region};

/// The departments that push, each with its key.
pub struct Depts(BTreeMap<&'static str, SigningKey>);

impl Depts {
    /// The signing key of the department `id` registered by [`departments`].
    pub fn key(&self, id: &str) -> &SigningKey {
        &self.0[id]
    }
}

pub async fn departments(app: &TestApp) -> Depts {
    let mut keys = BTreeMap::new();
    for (id, kind) in [
        ("health", DepartmentKind::Health),
        ("hospital", DepartmentKind::Hospital),
        ("tax", DepartmentKind::Tax),
        ("mi", DepartmentKind::MedicalInsurance),
        ("hr", DepartmentKind::Hr),
        ("civil", DepartmentKind::CivilAffairs),
    ] {
        let key = generate_signing_key().expect("key");
        let new = NewDepartment {
            id: id.into(),
            name: format!("测试{id}"),
            kind,
            webhook_url: None,
        };
        app.store
            .add_department(&new, &key.verifying_key(), app.now() - Duration::days(1))
            .await
            .expect("department");
        keys.insert(id, key);
    }
    // A grade-2 hospital: the fixture's standards state grade 2 for every region.
    let level = HospitalLevel::Second;
    assert!(
        app.store
            .set_hospital_level("hospital", level)
            .await
            .expect("level")
    );
    Depts(keys)
}

/// Registers a designated hospital (kind `hospital`) of grade `level` (none: not set).
pub async fn hospital(app: &TestApp, id: &str, level: Option<HospitalLevel>) {
    let key = generate_signing_key().expect("key");
    let dept = NewDepartment {
        id: id.into(),
        name: format!("测试{id}"),
        kind: DepartmentKind::Hospital,
        webhook_url: None,
    };
    app.store
        .add_department(&dept, &key.verifying_key(), app.now())
        .await
        .expect("department");
    if let Some(level) = level {
        assert!(
            app.store
                .set_hospital_level(id, level)
                .await
                .expect("level")
        );
    }
}

/// Pushes `records` as department `dept` through `POST /api/v1/exchange/{dataset}`; every
/// record must be accepted.
pub async fn push(app: &TestApp, depts: &Depts, dept: &str, dataset: &str, records: Vec<Value>) {
    let path = format!("/api/v1/exchange/{dataset}");
    let body = serde_json::to_vec(&json!({ "records": records })).expect("json");
    let ts = app.now().timestamp();
    let signature = sign(&depts.0[dept], "POST", &path, ts, &body);
    let request = Request::builder()
        .method("POST")
        .uri(&path)
        .header("content-type", "application/json")
        .header("x-onething-dept", dept)
        .header("x-onething-timestamp", ts.to_string())
        .header("x-onething-signature", signature)
        .body(Body::from(body))
        .expect("request");
    let reply = app.send(request).await;
    assert_eq!(reply.status, StatusCode::OK, "{dataset}: {}", reply.text);
    assert_eq!(
        reply.json["rejected"],
        json!([]),
        "{dataset}: {}",
        reply.text
    );
}

pub fn employer_a() -> Uscc {
    employer_in(500228)
}

pub fn employer_b() -> Uscc {
    Uscc::from_parts('9', '1', region(500228), "MA5U7CHX").expect("uscc")
}

pub fn person(seq: u16) -> CitizenId {
    CitizenId::from_parts(
        region(500228),
        NaiveDate::from_ymd_opt(1995, 3, 8).expect("date"),
        seq,
    )
    .expect("citizen id")
}

/// Tax's 2023 wages for both employers (9000 元 and base 6500 元).
pub async fn wages(app: &TestApp, depts: &Depts) {
    let rows = [employer_a(), employer_b()]
        .iter()
        .map(|e| {
            json!({"employer_uscc": e.as_str(), "year": 2023,
            "avg_monthly_wage_fen": 900000, "avg_monthly_base_fen": 650000})
        })
        .collect();
    push(app, depts, "tax", "employer-wages", rows).await;
}

/// A mother insured by `employer` since 2021, with twins by cesarean on 2024-08-20 (the
/// contract's example), twelve paid months before August and, when `certificate`, the
/// birth certificate `Q5000{seq}`.
pub async fn mother(
    app: &TestApp,
    depts: &Depts,
    seq: u16,
    employer: &Uscc,
    certificate: bool,
) -> CitizenId {
    let id = person(seq);
    if certificate {
        push(app, depts, "health", "birth-certificates", vec![json!({
            "certificate_no": format!("Q5000{seq:05}"), "child_name": "测试乙", "child_sex": "female",
            "birth_time": "2024-08-20T08:30:00+08:00", "gestational_weeks": 38, "weight_g": 2650,
            "length_cm": 48, "birth_region": "500228", "institution_code": "H50022800001",
            "institution_name": "测试医院", "mother_name": "测试甲", "mother_id": id.as_str(),
            "issued_on": "2024-08-21"})]).await;
    }
    push(
        app,
        depts,
        "hospital",
        "delivery-records",
        vec![json!({
        "record_id": format!("D{seq}"), "institution_code": "H50022800001", "person_id": id.as_str(),
        "admitted_on": "2024-08-19", "discharged_on": "2024-08-24", "event_date": "2024-08-20",
        "event_type": "cesarean", "babies": 2, "pregnancy_weeks": 38,
        "settled_in_network": true, "total_cost_fen": 1200000, "fund_paid_fen": 900000})],
    )
    .await;
    push(
        app,
        depts,
        "mi",
        "insurance-enrollments",
        vec![json!({"person_id": id.as_str(),
        "scheme": "employee", "employer_uscc": employer.as_str(), "status": "normal",
        "region_code": "500228", "effective_from": "2021-01-01"})],
    )
    .await;
    push(
        app,
        depts,
        "hr",
        "employment-status",
        vec![json!({"person_id": id.as_str(),
        "status": "employed", "employer_uscc": employer.as_str(), "effective_from": "2021-01-01"})],
    )
    .await;
    let months = (0..12)
        .map(|i| {
            let (y, m) = if i < 7 { (2024, 7 - i) } else { (2023, 19 - i) };
            json!({"person_id": id.as_str(), "employer_uscc": employer.as_str(),
                   "month": format!("{y}-{m:02}"), "base_fen": 650000, "paid": true})
        })
        .collect();
    push(app, depts, "mi", "contributions", months).await;
    id
}

/// One old paid month with `employer`, so it may file for the person too.
pub async fn also_paid_by(app: &TestApp, depts: &Depts, person: &CitizenId, employer: &Uscc) {
    push(
        app,
        depts,
        "mi",
        "contributions",
        vec![json!({"person_id": person.as_str(),
        "employer_uscc": employer.as_str(), "month": "2021-01", "base_fen": 100000, "paid": true})],
    )
    .await;
}

/// A multipart body with one `file` field.
pub fn multipart(content_type: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "onethingtestboundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"cert.jpg\"\r\nContent-Type: {content_type}\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

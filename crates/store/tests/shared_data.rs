//! The audited query layer (EX-4): each query's answer, and one `data_read` audit entry per
//! read of a dataset naming the records read, on SQLite and (when configured) PostgreSQL.

use crate::support;

use chrono::{NaiveDate, TimeZone, Utc};
use onething_domain::YearMonth;
use onething_domain::department::DepartmentKind;
use onething_exchange::Dataset;
use onething_exchange::signature::generate_signing_key;
use onething_store::Store;
use onething_store::audit::AuditFilter;
use onething_store::departments::NewDepartment;
use onething_store::shared_data::{DATA_READ, DataUse};
use onething_store::shared_records::Push;
use serde_json::{Value, json};
use support::{TestDb, test_dbs};

const MOTHER: &str = "500228199003050027";
const FATHER: &str = "500228198801010033";
const EMPLOYER: &str = "91500228MA5U12346P";

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

async fn push(store: &Store, dataset: Dataset, records: &[Value]) {
    let valid: Vec<_> = records
        .iter()
        .map(|r| dataset.validate(r).expect("valid record"))
        .collect();
    let at = Utc
        .with_ymd_and_hms(2024, 4, 1, 0, 0, 0)
        .single()
        .expect("at");
    store
        .ingest(&Push::unsigned("hub", dataset, at, valid.len()), &valid)
        .await
        .expect("ingest");
}

async fn seed(store: &Store) {
    let key = generate_signing_key().expect("key").verifying_key();
    let dept = NewDepartment {
        id: "hub".into(),
        name: "测试部门".into(),
        kind: DepartmentKind::Health,
        webhook_url: None,
    };
    let at = Utc
        .with_ymd_and_hms(2024, 1, 1, 0, 0, 0)
        .single()
        .expect("at");
    store.add_department(&dept, &key, at).await.expect("dept");
    push(
        store,
        Dataset::BirthCertificates,
        &[json!({
        "certificate_no": "Q500000001", "child_name": "测试婴", "child_sex": "female",
        "birth_time": "2024-03-05T08:30:00+08:00", "gestational_weeks": 39, "weight_g": 3250,
        "length_cm": 50, "birth_region": "500228", "institution_code": "H50022800001",
        "institution_name": "梁平区人民医院", "mother_name": "测试母", "mother_id": MOTHER,
        "issued_on": "2024-03-06"})],
    )
    .await;
    push(store, Dataset::EmployerWages, &[
        json!({"employer_uscc": EMPLOYER, "year": 2023, "avg_monthly_wage_fen": 900000, "avg_monthly_base_fen": 650000}),
        json!({"employer_uscc": EMPLOYER, "year": 2022, "avg_monthly_wage_fen": 800000, "avg_monthly_base_fen": 600000}),
    ]).await;
    push(
        store,
        Dataset::DeliveryRecords,
        &[json!({
        "record_id": "D2024-0001", "institution_code": "H50022800001", "person_id": MOTHER,
        "admitted_on": "2024-03-04", "discharged_on": "2024-03-08", "event_date": "2024-03-05",
        "event_type": "cesarean", "babies": 1, "pregnancy_weeks": 38,
        "settled_in_network": true, "total_cost_fen": 1200000, "fund_paid_fen": 900000})],
    )
    .await;
    push(store, Dataset::Marriages, &[json!({"certificate_no": "J500228-2019-000123",
        "husband_id": FATHER, "wife_id": MOTHER, "registered_on": "2019-05-20", "status": "married"})]).await;
    push(store, Dataset::EmploymentStatus, &[
        json!({"person_id": MOTHER, "status": "employed", "employer_uscc": EMPLOYER, "effective_from": "2020-07-01"}),
        json!({"person_id": MOTHER, "status": "unemployed", "effective_from": "2024-06-01"}),
    ]).await;
    push(
        store,
        Dataset::HouseholdRegistrations,
        &[json!({"person_id": MOTHER, "name": "测试母",
        "sex": "female", "ethnicity": "汉族", "nationality": "CHN", "region_code": "500228",
        "address": "重庆市梁平区测试路1号"})],
    )
    .await;
    push(store, Dataset::InsuranceEnrollments, &[json!({"person_id": MOTHER, "scheme": "employee",
        "employer_uscc": EMPLOYER, "status": "normal", "region_code": "500228", "effective_from": "2021-01-01"})]).await;
    // Paid 2023-07..2024-02 except 2023-10 (unpaid); 2023-09 missing.
    let months = [
        ("2023-07", true),
        ("2023-08", true),
        ("2023-10", false),
        ("2023-11", true),
        ("2023-12", true),
        ("2024-01", true),
        ("2024-02", true),
        ("2024-03", true),
    ];
    let records: Vec<Value> = months
        .iter()
        .map(|(m, paid)| {
            json!({"person_id": MOTHER,
        "employer_uscc": EMPLOYER, "month": m, "base_fen": 500000, "paid": paid})
        })
        .collect();
    push(store, Dataset::Contributions, &records).await;
}

fn data_use(case: &str) -> DataUse {
    DataUse {
        actor: "clerk01".into(),
        case_id: Some(case.into()),
        purpose: "生育津贴审核".into(),
    }
}

async fn reads_of(store: &Store, case: &str) -> Vec<Value> {
    let filter = AuditFilter {
        action: Some(DATA_READ.into()),
        case_id: Some(case.into()),
        limit: 100,
        ..AuditFilter::default()
    };
    let entries = store.list_audit(&filter).await.expect("audit");
    entries.into_iter().map(|e| e.entry.detail).collect()
}

#[tokio::test]
async fn each_query_answers_and_audits_every_record_read() {
    for TestDb { label, store, url } in test_dbs().await {
        assert!(!url.is_empty());
        seed(&store).await;
        let births = store
            .birth_certificates_of_mother(
                &data_use("c1"),
                MOTHER,
                day(2024, 3, 1),
                day(2024, 3, 31),
            )
            .await
            .expect("births");
        assert_eq!(births.len(), 1, "{label}");
        let none = store
            .birth_certificates_of_mother(
                &data_use("c0"),
                MOTHER,
                day(2024, 4, 1),
                day(2024, 4, 30),
            )
            .await
            .expect("births");
        assert!(none.is_empty(), "{label}");
        assert!(
            reads_of(&store, "c0").await.is_empty(),
            "{label}: nothing read, nothing audited"
        );
        let reads = reads_of(&store, "c1").await;
        assert_eq!(reads.len(), 1, "{label}");
        assert_eq!(
            reads[0],
            json!({"dataset": "birth-certificates", "purpose": "生育津贴审核",
            "records": [{"record_key": "Q500000001", "version": 1}]}),
            "{label}"
        );

        let wage = store
            .employer_wage_previous_year(&data_use("c2"), EMPLOYER, day(2024, 3, 5))
            .await
            .expect("wage")
            .expect("found");
        assert_eq!(
            wage.content["avg_monthly_wage_fen"],
            json!(900000),
            "{label}"
        );
        let deliveries = store
            .delivery_records_of(&data_use("c2"), MOTHER)
            .await
            .expect("deliveries");
        assert_eq!(deliveries.len(), 1, "{label}");
        let as_husband = store
            .marriages_of(&data_use("c2"), FATHER)
            .await
            .expect("marriage");
        assert_eq!(as_husband.len(), 1, "{label}");
        let employed = store
            .employment_status_on(&data_use("c2"), MOTHER, day(2024, 3, 5))
            .await
            .expect("status")
            .expect("found");
        assert_eq!(employed.content["status"], json!("employed"), "{label}");
        let later = store
            .employment_status_on(&data_use("c2"), MOTHER, day(2024, 6, 1))
            .await
            .expect("status")
            .expect("found");
        assert_eq!(later.content["status"], json!("unemployed"), "{label}");
        let before = store
            .employment_status_on(&data_use("c2"), MOTHER, day(2019, 1, 1))
            .await
            .expect("status");
        assert!(before.is_none(), "{label}");
        let household = store
            .household_registration(&data_use("c2"), MOTHER)
            .await
            .expect("hh");
        assert!(household.is_some(), "{label}");
        let enrolled = store
            .insurance_enrollment_on(&data_use("c2"), MOTHER, day(2024, 3, 5))
            .await
            .expect("enrollment")
            .expect("found");
        assert_eq!(enrolled.content["status"], json!("normal"), "{label}");
        let reads = reads_of(&store, "c2").await;
        assert_eq!(reads.len(), 7, "{label}: one entry per query answered");
        assert!(
            reads.iter().all(|r| r["purpose"] == json!("生育津贴审核")),
            "{label}"
        );

        let month = YearMonth::parse("2024-03").expect("month");
        let counted = store
            .contribution_months(&data_use("c3"), MOTHER, month, 12)
            .await
            .expect("months");
        assert_eq!(counted.continuous, 4, "{label}: 2023-11..2024-02");
        assert_eq!(counted.total, 6, "{label}");
        assert_eq!(
            counted.records.len(),
            7,
            "{label}: 2024-03 itself is not counted"
        );
        let reads = reads_of(&store, "c3").await;
        assert_eq!(reads.len(), 1, "{label}: one entry for the dataset read");
        assert_eq!(reads[0]["dataset"], json!("contributions"), "{label}");
        let listed: Vec<(String, i64)> = reads[0]["records"]
            .as_array()
            .expect("records")
            .iter()
            .map(|r| {
                let key = r["record_key"].as_str().expect("key").to_owned();
                (key, r["version"].as_i64().expect("version"))
            })
            .collect();
        let counted: Vec<(String, i64)> = counted
            .records
            .iter()
            .map(|r| (r.key.clone(), r.version))
            .collect();
        assert_eq!(listed, counted, "{label}: every record counted, in order");
    }
}

//! Departments, their keys and shared records, on SQLite and (when configured) PostgreSQL.

use crate::support;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use onething_domain::department::DepartmentKind;
use onething_domain::{CitizenId, RegionCode};
use onething_exchange::signature::{VerifyingKey, generate_signing_key};
use onething_exchange::{Dataset, ValidRecord};
use onething_store::departments::{NewDepartment, key_id};
use onething_store::shared_records::{Push, RecordOutcome};
use onething_store::{Store, StoreError};
use serde_json::{Value, json};
use support::{TestDb, test_dbs};

const EMPLOYER: &str = "91500228MA5U12346P";
const MOTHER: &str = "500228199003050027";

fn at(hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 3, 5, hour, 0, 0)
        .single()
        .expect("instant")
}

fn new_key() -> VerifyingKey {
    generate_signing_key().expect("key").verifying_key()
}

async fn add_dept(store: &Store, id: &str, kind: DepartmentKind) -> VerifyingKey {
    let key = new_key();
    let new = NewDepartment {
        id: id.to_owned(),
        name: format!("测试{id}"),
        kind,
        webhook_url: None,
    };
    store.add_department(&new, &key, at(0)).await.expect("add");
    key
}

fn person(n: u32) -> String {
    let region = RegionCode::parse("500228").expect("region");
    let birth =
        NaiveDate::from_ymd_opt(1990, 1, 1).expect("date") + Duration::days(i64::from(n / 900));
    let id = CitizenId::from_parts(region, birth, u16::try_from(n % 900).expect("seq"));
    id.expect("citizen id").to_string()
}

fn contribution(n: u32, base_fen: i64) -> ValidRecord {
    let record = json!({"person_id": person(n), "employer_uscc": EMPLOYER, "month": "2024-03",
        "base_fen": base_fen, "paid": true});
    valid(Dataset::Contributions, &record)
}

fn valid(dataset: Dataset, record: &Value) -> ValidRecord {
    dataset.validate(record).expect("valid record")
}

fn push(dept: &str, dataset: Dataset, hour: u32, records: &[ValidRecord]) -> Push {
    Push::unsigned(dept, dataset, at(hour), records.len())
}

#[tokio::test]
async fn departments_are_registered_once() {
    for TestDb { label, store, url } in test_dbs().await {
        add_dept(&store, "tax-500228", DepartmentKind::Tax).await;
        let reopened = Store::open(&url).await.expect("reopen");
        let found = reopened.department("tax-500228").await.expect("read");
        let found = found.expect("registered");
        assert_eq!(found.kind, DepartmentKind::Tax, "{label}");
        assert_eq!(found.created_at, at(0), "{label}");
        assert_eq!(store.department("nobody").await.expect("read"), None);
        let again = NewDepartment {
            id: "tax-500228".into(),
            name: "again".into(),
            kind: DepartmentKind::Health,
            webhook_url: None,
        };
        let err = store.add_department(&again, &new_key(), at(1)).await;
        assert!(err.expect_err("duplicate").is_unique_violation(), "{label}");
        assert_eq!(store.departments().await.expect("list").len(), 1, "{label}");
    }
}

#[tokio::test]
async fn a_rotated_key_overlaps_and_a_revoked_key_stops() {
    for TestDb { label, store, .. } in test_dbs().await {
        let old = add_dept(&store, "health-1", DepartmentKind::Health).await;
        let new = new_key();
        store
            .rotate_department_key("health-1", &new, at(10), at(12))
            .await
            .expect("rotate");
        let ids = |keys: Vec<onething_store::departments::ActiveKey>| -> Vec<String> {
            keys.into_iter().map(|k| k.key_id).collect()
        };
        let before = ids(store
            .verifying_keys_at("health-1", at(9))
            .await
            .expect("keys"));
        assert_eq!(
            before,
            vec![key_id(&old)],
            "{label}: only the old key before"
        );
        let during = ids(store
            .verifying_keys_at("health-1", at(11))
            .await
            .expect("keys"));
        assert_eq!(during, vec![key_id(&old), key_id(&new)], "{label}: overlap");
        let after = ids(store
            .verifying_keys_at("health-1", at(12))
            .await
            .expect("keys"));
        assert_eq!(after, vec![key_id(&new)], "{label}: old key expired");

        store
            .revoke_department_key("health-1", &key_id(&new), at(13))
            .await
            .expect("revoke");
        let revoked = store
            .verifying_keys_at("health-1", at(14))
            .await
            .expect("keys");
        assert!(revoked.is_empty(), "{label}");
        let history = store.department_keys("health-1").await.expect("keys");
        assert_eq!(history.len(), 2, "{label}: keys are kept");
        assert_eq!(history[1].revoked_at, Some(at(13)), "{label}");

        let missing = store
            .revoke_department_key("health-1", "0000", at(13))
            .await;
        assert!(
            matches!(missing, Err(StoreError::NotFound { .. })),
            "{label}"
        );
        let missing = store.add_department_key("nobody", &new_key(), at(1)).await;
        assert!(
            matches!(missing, Err(StoreError::NotFound { .. })),
            "{label}"
        );
        let same = store.add_department_key("health-1", &old, at(1)).await;
        assert!(
            same.expect_err("same key twice").is_unique_violation(),
            "{label}"
        );
    }
}

#[tokio::test]
async fn a_repeated_push_changes_nothing() {
    for TestDb { label, store, .. } in test_dbs().await {
        add_dept(&store, "mi", DepartmentKind::MedicalInsurance).await;
        let records: Vec<ValidRecord> = (0..3).map(|n| contribution(n, 500_000)).collect();
        let first = store
            .ingest(&push("mi", Dataset::Contributions, 1, &records), &records)
            .await
            .expect("ingest");
        assert_eq!((first.accepted, first.duplicates), (3, 0), "{label}");
        assert!(
            first
                .outcomes
                .iter()
                .all(|o| *o == RecordOutcome::Inserted { version: 1 })
        );

        let again = store
            .ingest(&push("mi", Dataset::Contributions, 2, &records), &records)
            .await
            .expect("ingest");
        assert_eq!((again.accepted, again.duplicates), (0, 3), "{label}");
        assert!(
            again
                .outcomes
                .iter()
                .all(|o| *o == RecordOutcome::Duplicate { version: 1 })
        );
        assert_eq!(
            store
                .shared_record_versions(Dataset::Contributions)
                .await
                .expect("n"),
            3
        );
        let stored = store
            .current_shared_record(Dataset::Contributions, records[0].key())
            .await
            .expect("read")
            .expect("stored");
        assert_eq!(
            stored.pushed_at,
            at(1),
            "{label}: the first push's record stays"
        );
        assert_eq!(stored.content, *records[0].content(), "{label}");
        assert_eq!(stored.push_id, first.push_id, "{label}");

        let receipts = store.push_receipts("mi").await.expect("receipts");
        assert_eq!(receipts.len(), 2, "{label}: every push has a receipt");
        assert_eq!(
            (receipts[0].accepted, receipts[0].duplicates),
            (0, 3),
            "{label}"
        );
    }
}

#[tokio::test]
async fn a_correction_keeps_the_history() {
    for TestDb { label, store, .. } in test_dbs().await {
        add_dept(&store, "mi", DepartmentKind::MedicalInsurance).await;
        let original = vec![contribution(7, 500_000)];
        store
            .ingest(&push("mi", Dataset::Contributions, 1, &original), &original)
            .await
            .expect("ingest");
        let corrected = vec![contribution(7, 520_000)];
        let outcome = store
            .ingest(
                &push("mi", Dataset::Contributions, 2, &corrected),
                &corrected,
            )
            .await
            .expect("ingest");
        assert_eq!(
            outcome.outcomes,
            vec![RecordOutcome::Corrected { version: 2 }]
        );
        assert_eq!((outcome.accepted, outcome.duplicates), (1, 0), "{label}");

        let history = store
            .shared_record_history(Dataset::Contributions, original[0].key())
            .await
            .expect("history");
        let summary: Vec<(i64, bool, i64)> = history
            .iter()
            .map(|r| {
                (
                    r.version,
                    r.is_current,
                    r.content["base_fen"].as_i64().unwrap_or(0),
                )
            })
            .collect();
        assert_eq!(
            summary,
            vec![(1, false, 500_000), (2, true, 520_000)],
            "{label}"
        );

        // Pushing the old content again is a correction back, not a duplicate of history.
        let back = store
            .ingest(&push("mi", Dataset::Contributions, 3, &original), &original)
            .await
            .expect("ingest");
        assert_eq!(
            back.outcomes,
            vec![RecordOutcome::Corrected { version: 3 }],
            "{label}"
        );
    }
}

#[tokio::test]
async fn one_key_twice_in_a_request_keeps_the_last_as_current() {
    for TestDb { label, store, .. } in test_dbs().await {
        add_dept(&store, "mi", DepartmentKind::MedicalInsurance).await;
        let records = vec![
            contribution(1, 100),
            contribution(1, 100),
            contribution(1, 200),
            contribution(1, 300),
        ];
        let outcome = store
            .ingest(&push("mi", Dataset::Contributions, 1, &records), &records)
            .await
            .expect("ingest");
        assert_eq!(
            outcome.outcomes,
            vec![
                RecordOutcome::Inserted { version: 1 },
                RecordOutcome::Duplicate { version: 1 },
                RecordOutcome::Corrected { version: 2 },
                RecordOutcome::Corrected { version: 3 },
            ],
            "{label}"
        );
        let history = store
            .shared_record_history(Dataset::Contributions, records[0].key())
            .await
            .expect("history");
        let current: Vec<bool> = history.iter().map(|r| r.is_current).collect();
        assert_eq!(current, vec![false, false, true], "{label}");
    }
}

#[tokio::test]
async fn big_batches_cross_every_chunk_boundary() {
    for TestDb { label, store, .. } in test_dbs().await {
        add_dept(&store, "mi", DepartmentKind::MedicalInsurance).await;
        // Inserts go 2,048 rows per statement, look-ups and demotions 4,096 keys.
        let first: Vec<ValidRecord> = (0..4_200).map(|n| contribution(n, 1_000)).collect();
        let outcome = store
            .ingest(&push("mi", Dataset::Contributions, 1, &first), &first)
            .await
            .expect("ingest");
        assert_eq!(outcome.accepted, 4_200, "{label}");
        // 2,200 corrected, 2,000 the same, 100 new.
        let second: Vec<ValidRecord> = (0..4_300)
            .map(|n| contribution(n, if n < 2_200 { 2_000 } else { 1_000 }))
            .collect();
        let outcome = store
            .ingest(&push("mi", Dataset::Contributions, 2, &second), &second)
            .await
            .expect("ingest");
        assert_eq!(
            (outcome.accepted, outcome.duplicates),
            (2_300, 2_000),
            "{label}"
        );
        let versions = store.shared_record_versions(Dataset::Contributions).await;
        assert_eq!(versions.expect("count"), 4_200 + 2_300, "{label}");
    }
}

#[tokio::test]
async fn records_are_found_by_their_subject() {
    for TestDb { label, store, .. } in test_dbs().await {
        add_dept(&store, "health", DepartmentKind::Health).await;
        let certificate = json!({
            "certificate_no": "Q500000001", "child_name": "测试婴", "child_sex": "female",
            "birth_time": "2024-03-05T08:30:00+08:00", "gestational_weeks": 39,
            "weight_g": 3250, "length_cm": 50, "birth_region": "500228",
            "institution_code": "H1", "institution_name": "医院", "mother_name": "测试母",
            "mother_id": MOTHER, "issued_on": "2024-03-06"
        });
        let records = vec![valid(Dataset::BirthCertificates, &certificate)];
        store
            .ingest(
                &push("health", Dataset::BirthCertificates, 1, &records),
                &records,
            )
            .await
            .expect("ingest");
        let found = store
            .current_shared_records_of_subject(Dataset::BirthCertificates, MOTHER)
            .await
            .expect("query");
        assert_eq!(found.len(), 1, "{label}");
        assert_eq!(
            found[0].event_date,
            NaiveDate::from_ymd_opt(2024, 3, 5),
            "{label}"
        );
        assert_eq!(found[0].pushed_by, "health", "{label}");
        assert_eq!(found[0].other_id, None, "{label}");
        // The content passes through the insert's JSON parameter: stored byte for byte.
        assert_eq!(
            found[0].content.to_string(),
            records[0].content_json(),
            "{label}"
        );
        assert_eq!(
            found[0].content_sha256,
            records[0].content_sha256(),
            "{label}"
        );
        assert_eq!(found[0].version, 1, "{label}");
        let mismatch = store
            .ingest(&push("health", Dataset::Marriages, 1, &records), &records)
            .await;
        assert!(matches!(mismatch, Err(StoreError::Corrupt(_))), "{label}");
    }
}

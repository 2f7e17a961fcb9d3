//! `POST /api/v1/exchange/{dataset}` through the real router, on SQLite and (when
//! configured) PostgreSQL: signatures, refusals, per-record errors, idempotency, rotation.

use crate::support;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::{DateTime, Duration, TimeZone, Utc};
use http_body_util::BodyExt;
use onething_domain::department::DepartmentKind;
use onething_exchange::Dataset;
use onething_exchange::signature::{SigningKey, generate_signing_key, sign};
use onething_store::Store;
use onething_store::departments::{NewDepartment, key_id};
use serde_json::{Value, json};
use support::{TestClock, TestDb, app_on, test_dbs};
use tower::ServiceExt;

const MOTHER: &str = "500228199003050027";
const PERSON: &str = "500105199507120041";
const EMPLOYER: &str = "91500228MA5U12346P";

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 3, 5, 4, 0, 0)
        .single()
        .expect("instant")
}

async fn register(store: &Store, id: &str, kind: DepartmentKind) -> SigningKey {
    let key = generate_signing_key().expect("key");
    let new = NewDepartment {
        id: id.to_owned(),
        name: format!("测试{id}"),
        kind,
        webhook_url: None,
    };
    store
        .add_department(&new, &key.verifying_key(), start() - Duration::days(1))
        .await
        .expect("department");
    key
}

/// A department `id` registered, and the app it pushes to with the clock at `start()`.
async fn pushing_to(store: &Store, id: &str, kind: DepartmentKind) -> (SigningKey, axum::Router) {
    let key = register(store, id, kind).await;
    (key, app_on(store, &TestClock::at(start())))
}

/// A signed request as a department's system sends it.
struct Signed<'a> {
    dept: &'a str,
    key: &'a SigningKey,
    dataset: &'a str,
    at: DateTime<Utc>,
    content_type: &'a str,
}

impl<'a> Signed<'a> {
    /// A JSON push of `dataset` by `dept`, signed at `start()`.
    fn json(dept: &'a str, key: &'a SigningKey, dataset: &'a str) -> Signed<'a> {
        Signed {
            dept,
            key,
            dataset,
            at: start(),
            content_type: "application/json",
        }
    }

    /// The same push as NDJSON lines.
    fn ndjson(dept: &'a str, key: &'a SigningKey, dataset: &'a str) -> Signed<'a> {
        Signed {
            content_type: "application/x-ndjson",
            ..Signed::json(dept, key, dataset)
        }
    }

    fn request(&self, body: Vec<u8>) -> Request<Body> {
        let path = format!("/api/v1/exchange/{}", self.dataset);
        let ts = self.at.timestamp();
        let signature = sign(self.key, "POST", &path, ts, &body);
        Request::builder()
            .method("POST")
            .uri(&path)
            .header("content-type", self.content_type)
            .header("x-onething-dept", self.dept)
            .header("x-onething-timestamp", ts.to_string())
            .header("x-onething-signature", signature)
            .body(Body::from(body))
            .expect("request")
    }
}

fn records(records: &[Value]) -> Vec<u8> {
    serde_json::to_vec(&json!({ "records": records })).expect("json")
}

async fn send(app: &axum::Router, request: Request<Body>) -> (StatusCode, Value) {
    let response = app.clone().oneshot(request).await.expect("response");
    let status = response.status();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

fn contribution(person: &str, base_fen: i64) -> Value {
    json!({"person_id": person, "employer_uscc": EMPLOYER, "month": "2024-03",
        "base_fen": base_fen, "paid": true})
}

fn certificate(no: &str) -> Value {
    json!({
        "certificate_no": no, "child_name": "测试婴", "child_sex": "female",
        "birth_time": "2024-03-05T08:30:00+08:00", "gestational_weeks": 39, "weight_g": 3250,
        "length_cm": 50, "birth_region": "500228", "institution_code": "H50022800001",
        "institution_name": "梁平区人民医院", "mother_name": "测试母", "mother_id": MOTHER,
        "issued_on": "2024-03-06"
    })
}

fn assert_refused(label: &str, (status, body): &(StatusCode, Value), want: StatusCode, code: &str) {
    assert_eq!(*status, want, "{label}: {body}");
    assert_eq!(body["error"]["code"], code, "{label}: {body}");
    let message = body["error"]["message"].as_str().unwrap_or_default();
    assert!(!message.is_ascii(), "{label}: Chinese message: {message}");
}

/// A rejected record as (index, key, [(field, code)]).
type Summary = (u64, Value, Vec<(Value, Value)>);

async fn versions(store: &Store, dataset: Dataset) -> i64 {
    store.shared_record_versions(dataset).await.expect("count")
}

#[tokio::test]
async fn a_good_push_then_the_same_push_then_a_correction() {
    for TestDb { label, store, .. } in test_dbs().await {
        let key = register(&store, "mi", DepartmentKind::MedicalInsurance).await;
        let clock = TestClock::at(start());
        let app = app_on(&store, &clock);
        let signed = Signed::json("mi", &key, "contributions");
        let body = records(&[contribution(PERSON, 500_000), contribution(MOTHER, 400_000)]);
        let (status, first) = send(&app, signed.request(body.clone())).await;
        assert_eq!(status, StatusCode::OK, "{label}: {first}");
        assert_eq!(
            (first["accepted"].as_u64(), first["duplicates"].as_u64()),
            (Some(2), Some(0))
        );
        assert_eq!(first["rejected"], json!([]), "{label}");

        let replay = signed.request(body.clone());
        let retry = Signed {
            at: start() + Duration::seconds(1),
            ..signed
        };
        let (status, again) = send(&app, retry.request(body)).await;
        assert_eq!(
            status,
            StatusCode::OK,
            "{label}: a retry signed afresh is harmless"
        );
        assert_eq!(
            (again["accepted"].as_u64(), again["duplicates"].as_u64()),
            (Some(0), Some(2))
        );
        let (status, refused) = send(&app, replay).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{label}: {refused}");
        assert_eq!(refused["error"]["code"], "REPLAYED_REQUEST", "{label}");
        assert_eq!(versions(&store, Dataset::Contributions).await, 2, "{label}");

        let corrected = records(&[contribution(PERSON, 520_000)]);
        let (_, third) = send(&app, signed.request(corrected)).await;
        assert_eq!(
            third["accepted"], 1,
            "{label}: a correction counts as accepted"
        );
        let history = store
            .shared_record_history(Dataset::Contributions, &format!("{PERSON}|2024-03"))
            .await
            .expect("history");
        let flags: Vec<(i64, bool)> = history.iter().map(|r| (r.version, r.is_current)).collect();
        assert_eq!(flags, vec![(1, false), (2, true)], "{label}");
        assert_eq!(
            store.push_receipts("mi").await.expect("receipts").len(),
            3,
            "{label}"
        );
    }
}

/// A captured push replayed after a correction, still inside the 300 s window, is refused:
/// it must not make the older content current again.
#[tokio::test]
async fn a_replayed_push_cannot_undo_a_correction() {
    for TestDb { label, store, .. } in test_dbs().await {
        let key = register(&store, "mi", DepartmentKind::MedicalInsurance).await;
        let clock = TestClock::at(start());
        let app = app_on(&store, &clock);
        let at = |secs| Signed {
            dept: "mi",
            key: &key,
            dataset: "contributions",
            at: start() + Duration::seconds(secs),
            content_type: "application/json",
        };
        let original = at(0).request(records(&[contribution(PERSON, 500_000)]));
        let captured = at(0).request(records(&[contribution(PERSON, 500_000)]));
        assert_eq!(send(&app, original).await.0, StatusCode::OK, "{label}");
        let correction = at(5).request(records(&[contribution(PERSON, 520_000)]));
        assert_eq!(send(&app, correction).await.0, StatusCode::OK, "{label}");
        clock.set(start() + Duration::seconds(60));
        let (status, body) = send(&app, captured).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{label}: {body}");
        assert_eq!(body["error"]["code"], "REPLAYED_REQUEST", "{label}");
        let current = store
            .shared_record_history(Dataset::Contributions, &format!("{PERSON}|2024-03"))
            .await
            .expect("history")
            .into_iter()
            .find(|r| r.is_current)
            .expect("current");
        assert_eq!(current.content["base_fen"], 520_000, "{label}");
    }
}

#[tokio::test]
async fn refused_requests_store_nothing() {
    for TestDb { label, store, .. } in test_dbs().await {
        let key = register(&store, "health", DepartmentKind::Health).await;
        register(&store, "tax", DepartmentKind::Tax).await;
        let app = app_on(&store, &TestClock::at(start()));
        let body = records(&[certificate("Q500000001")]);
        let good = Signed::json("health", &key, "birth-certificates");
        let forger = generate_signing_key().expect("key");
        let forged = Signed {
            key: &forger,
            ..good
        };
        let result = send(&app, forged.request(body.clone())).await;
        assert_refused(label, &result, StatusCode::UNAUTHORIZED, "BAD_SIGNATURE");

        let mut tampered = good.request(records(&[certificate("Q500000009")]));
        *tampered.body_mut() = Body::from(body.clone());
        let result = send(&app, tampered).await;
        assert_refused(label, &result, StatusCode::UNAUTHORIZED, "BAD_SIGNATURE");

        let mut unsigned = good.request(body.clone());
        unsigned.headers_mut().remove("x-onething-signature");
        let result = send(&app, unsigned).await;
        assert_refused(label, &result, StatusCode::UNAUTHORIZED, "BAD_SIGNATURE");

        let stale = Signed {
            at: start() - Duration::seconds(301),
            ..good
        };
        let result = send(&app, stale.request(body.clone())).await;
        assert_refused(label, &result, StatusCode::UNAUTHORIZED, "STALE_TIMESTAMP");
        assert_eq!(
            result.1["error"]["field"], "X-Onething-Timestamp",
            "{label}"
        );
        let early = Signed {
            at: start() + Duration::seconds(301),
            ..good
        };
        let result = send(&app, early.request(body.clone())).await;
        assert_refused(label, &result, StatusCode::UNAUTHORIZED, "STALE_TIMESTAMP");

        let stranger = Signed {
            dept: "nobody",
            ..good
        };
        let result = send(&app, stranger.request(body.clone())).await;
        assert_refused(
            label,
            &result,
            StatusCode::UNAUTHORIZED,
            "UNKNOWN_DEPARTMENT",
        );

        let wrong_kind = Signed {
            dataset: "employer-wages",
            ..good
        };
        let result = send(&app, wrong_kind.request(body.clone())).await;
        assert_refused(label, &result, StatusCode::FORBIDDEN, "DATASET_NOT_ALLOWED");

        let unknown = Signed {
            dataset: "births",
            ..good
        };
        let result = send(&app, unknown.request(body.clone())).await;
        assert_refused(label, &result, StatusCode::NOT_FOUND, "UNKNOWN_DATASET");

        let csv = Signed {
            content_type: "text/csv",
            ..good
        };
        let result = send(&app, csv.request(body.clone())).await;
        assert_refused(
            label,
            &result,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UNSUPPORTED_MEDIA_TYPE",
        );

        let result = send(&app, good.request(b"{\"records\": [{\"a\": 1},]}".to_vec())).await;
        assert_refused(label, &result, StatusCode::BAD_REQUEST, "INVALID_JSON");

        assert_eq!(
            versions(&store, Dataset::BirthCertificates).await,
            0,
            "{label}"
        );
        assert!(
            store
                .push_receipts("health")
                .await
                .expect("receipts")
                .is_empty(),
            "{label}"
        );
        let (status, _) = send(&app, good.request(body)).await;
        assert_eq!(
            status,
            StatusCode::OK,
            "{label}: the genuine request still works"
        );
    }
}

#[tokio::test]
async fn bad_records_are_reported_and_good_ones_stored() {
    for TestDb { label, store, .. } in test_dbs().await {
        let (key, app) = pushing_to(&store, "health", DepartmentKind::Health).await;
        let signed = Signed::json("health", &key, "birth-certificates");
        let mut bad_mother = certificate("Q500000002");
        bad_mother["mother_id"] = json!("500228199003050028");
        bad_mother["weight_g"] = json!(99);
        let mut missing = certificate("Q500000003");
        missing.as_object_mut().expect("object").remove("issued_on");
        missing["colour"] = json!("blue");
        let batch = [
            certificate("Q500000001"),
            bad_mother,
            json!("not a record"),
            missing,
        ];
        let (status, body) = send(&app, signed.request(records(&batch))).await;
        assert_eq!(status, StatusCode::OK, "{label}: {body}");
        assert_eq!(body["accepted"], 1, "{label}");
        let rejected = body["rejected"].as_array().expect("rejected");
        let summary: Vec<Summary> = rejected
            .iter()
            .map(|r| {
                let errors = r["errors"].as_array().expect("errors");
                let pairs = errors
                    .iter()
                    .map(|e| (e["field"].clone(), e["code"].clone()))
                    .collect();
                (r["index"].as_u64().expect("index"), r["key"].clone(), pairs)
            })
            .collect();
        assert_eq!(
            summary,
            vec![
                (
                    1,
                    json!("Q500000002"),
                    vec![
                        (json!("weight_g"), json!("OUT_OF_RANGE")),
                        (json!("mother_id"), json!("INVALID_CITIZEN_ID")),
                    ]
                ),
                (2, Value::Null, vec![(Value::Null, json!("INVALID_RECORD"))]),
                (
                    3,
                    json!("Q500000003"),
                    vec![
                        (json!("issued_on"), json!("MISSING_FIELD")),
                        (json!("colour"), json!("UNKNOWN_FIELD")),
                    ]
                ),
            ],
            "{label}"
        );
        let message = rejected[0]["errors"][1]["message"]
            .as_str()
            .expect("message");
        assert!(
            message.contains("mother_id") && message.contains("校验位"),
            "{message}"
        );
        assert_eq!(
            versions(&store, Dataset::BirthCertificates).await,
            1,
            "{label}"
        );
        let receipts = store.push_receipts("health").await.expect("receipts");
        assert_eq!(
            (receipts[0].received, receipts[0].rejected),
            (4, 3),
            "{label}"
        );
    }
}

#[tokio::test]
async fn ndjson_indexes_are_lines() {
    for TestDb { label, store, .. } in test_dbs().await {
        let (key, app) = pushing_to(&store, "tax", DepartmentKind::Tax).await;
        let signed = Signed::ndjson("tax", &key, "contributions");
        let lines = [
            contribution(PERSON, 500_000).to_string(),
            String::new(),
            json!({"person_id": PERSON, "employer_uscc": EMPLOYER, "month": "2024-04",
                "base_fen": "500000", "paid": "false"})
            .to_string(),
            contribution("123", 1).to_string(),
        ];
        let body = lines.join("\n").into_bytes();
        let (status, body) = send(&app, signed.request(body)).await;
        assert_eq!(status, StatusCode::OK, "{label}: {body}");
        assert_eq!(body["accepted"], 2, "{label}: CSV-style strings accepted");
        assert_eq!(
            body["rejected"][0]["index"], 3,
            "{label}: the blank line counts"
        );
        assert_eq!(body["rejected"][0]["key"], "123|2024-03", "{label}");

        let broken = signed.request(b"{}\n{\"person_id\":\n".to_vec());
        let result = send(&app, broken).await;
        assert_refused(label, &result, StatusCode::BAD_REQUEST, "INVALID_JSON");
        assert!(
            result.1["error"]["message"]
                .as_str()
                .unwrap_or_default()
                .contains("第2行")
        );
    }
}

/// A push large enough to be validated on several threads answers exactly as one after
/// another would: every invalid record rejected under its own line, in order, the others
/// stored.
#[tokio::test]
async fn a_large_push_is_checked_in_parts_with_every_outcome_in_its_place() {
    for TestDb { label, store, .. } in test_dbs().await {
        let (key, app) = pushing_to(&store, "tax", DepartmentKind::Tax).await;
        let signed = Signed::ndjson("tax", &key, "contributions");
        let region = onething_domain::RegionCode::new(500105).expect("region");
        let born = chrono::NaiveDate::from_ymd_opt(1990, 1, 1).expect("day");
        let lines: Vec<String> = (0..3000u16)
            .map(|i| {
                let days = chrono::Days::new(u64::from(i / 900));
                let day = born.checked_add_days(days).expect("day");
                let person =
                    onething_domain::CitizenId::from_parts(region, day, i % 900 + 1).expect("id");
                let base = if i % 7 == 3 { -1 } else { 500_000 };
                contribution(person.as_str(), base).to_string()
            })
            .collect();
        let (status, body) = send(&app, signed.request(lines.join("\n").into_bytes())).await;
        assert_eq!(status, StatusCode::OK, "{label}: {body}");
        let expected: Vec<usize> = (0..3000).filter(|i| i % 7 == 3).collect();
        let rejected: Vec<usize> = body["rejected"]
            .as_array()
            .expect("rejected")
            .iter()
            .map(|r| r["index"].as_u64().expect("index") as usize)
            .collect();
        assert_eq!(rejected, expected, "{label}");
        assert_eq!(body["accepted"], 3000 - expected.len(), "{label}");
        let stored = versions(&store, Dataset::Contributions).await;
        assert_eq!(stored, 3000 - expected.len() as i64, "{label}");
    }
}

#[tokio::test]
async fn too_many_records_or_bytes_are_refused() {
    for TestDb { label, store, .. } in test_dbs().await {
        let (key, app) = pushing_to(&store, "mi", DepartmentKind::MedicalInsurance).await;
        let signed = Signed::json("mi", &key, "contributions");
        let many = vec![contribution(PERSON, 1); 10_001];
        let result = send(&app, signed.request(records(&many))).await;
        assert_refused(
            label,
            &result,
            StatusCode::PAYLOAD_TOO_LARGE,
            "TOO_MANY_RECORDS",
        );

        let huge = vec![b' '; 64 * 1024 * 1024 + 1];
        let result = send(&app, signed.request(huge)).await;
        assert_refused(
            label,
            &result,
            StatusCode::PAYLOAD_TOO_LARGE,
            "PAYLOAD_TOO_LARGE",
        );
        let mut declared = signed.request(b"{}".to_vec());
        declared
            .headers_mut()
            .insert("content-length", "99999999999".parse().expect("header"));
        let result = send(&app, declared).await;
        assert_refused(
            label,
            &result,
            StatusCode::PAYLOAD_TOO_LARGE,
            "PAYLOAD_TOO_LARGE",
        );
        assert_eq!(versions(&store, Dataset::Contributions).await, 0, "{label}");
    }
}

#[tokio::test]
async fn rotated_keys_overlap_and_revoked_keys_are_refused() {
    for TestDb { label, store, .. } in test_dbs().await {
        let old = register(&store, "hr", DepartmentKind::Hr).await;
        let new = generate_signing_key().expect("key");
        let clock = TestClock::at(start());
        let overlap_ends = start() + Duration::days(7);
        store
            .rotate_department_key("hr", &new.verifying_key(), start(), overlap_ends)
            .await
            .expect("rotate");
        let app = app_on(&store, &clock);
        let status = |person: &str, from: &str| {
            records(&[json!({"person_id": person, "status": "employed",
                "employer_uscc": EMPLOYER, "effective_from": from})])
        };
        let push = async |key: &SigningKey, at: DateTime<Utc>, body: Vec<u8>| {
            let signed = Signed {
                dept: "hr",
                key,
                dataset: "employment-status",
                at,
                content_type: "application/json",
            };
            send(&app, signed.request(body)).await
        };
        let (s1, _) = push(&old, start(), status(PERSON, "2020-01-01")).await;
        let (s2, _) = push(&new, start(), status(PERSON, "2021-01-01")).await;
        assert_eq!(
            (s1, s2),
            (StatusCode::OK, StatusCode::OK),
            "{label}: both keys in the overlap"
        );

        let later = overlap_ends + Duration::hours(1);
        clock.set(later);
        let result = push(&old, later, status(PERSON, "2022-01-01")).await;
        assert_refused(label, &result, StatusCode::UNAUTHORIZED, "BAD_SIGNATURE");
        let (s3, _) = push(&new, later, status(PERSON, "2022-01-01")).await;
        assert_eq!(s3, StatusCode::OK, "{label}");

        store
            .revoke_department_key("hr", &key_id(&new.verifying_key()), later)
            .await
            .expect("revoke");
        let result = push(&new, later, status(PERSON, "2023-01-01")).await;
        assert_refused(label, &result, StatusCode::UNAUTHORIZED, "BAD_SIGNATURE");
        assert_eq!(
            versions(&store, Dataset::EmploymentStatus).await,
            3,
            "{label}"
        );
    }
}

#[tokio::test]
async fn the_endpoint_is_documented() {
    let doc: Value = serde_json::from_str(&onething_web::openapi_json()).expect("json");
    let op = &doc["paths"]["/api/v1/exchange/{dataset}"]["post"];
    assert!(op.is_object(), "documented");
    let text = op.to_string();
    for needle in [
        "X-Onething-Signature",
        "ONETHING-V1",
        "application/x-ndjson",
        "UNKNOWN_DEPARTMENT",
        "STALE_TIMESTAMP",
        "DATASET_NOT_ALLOWED",
        "TOO_MANY_RECORDS",
        "PAYLOAD_TOO_LARGE",
        "INVALID_JSON",
        "UNKNOWN_DATASET",
    ] {
        assert!(text.contains(needle), "{needle} documented");
    }
}

/// A key belongs to the department that first pushed it: another department of the same
/// kind cannot correct it (a compromised hospital cannot rewrite every hospital's records)
/// until an administrator transfers the key.
#[tokio::test]
async fn only_the_owner_corrects_a_record_until_it_is_transferred() {
    for TestDb { label, store, .. } in test_dbs().await {
        let tax_a = register(&store, "tax-a", DepartmentKind::Tax).await;
        let tax_b = register(&store, "tax-b", DepartmentKind::Tax).await;
        let clock = TestClock::at(start());
        let app = app_on(&store, &clock);
        let push = |dept, key, secs, base| {
            Signed {
                dept,
                key,
                dataset: "contributions",
                at: start() + Duration::seconds(secs),
                content_type: "application/json",
            }
            .request(records(&[
                contribution(PERSON, base),
                contribution(MOTHER, base),
            ]))
        };
        let (status, first) = send(&app, push("tax-a", &tax_a, 0, 500_000)).await;
        assert_eq!(
            (status, first["accepted"].as_u64()),
            (StatusCode::OK, Some(2))
        );
        let (status, other) = send(&app, push("tax-b", &tax_b, 1, 1)).await;
        assert_eq!(status, StatusCode::OK, "{label}: {other}");
        assert_eq!(other["accepted"], 0, "{label}: {other}");
        assert_eq!(other["duplicates"], 0, "{label}");
        let rejected = other["rejected"].as_array().expect("rejected");
        assert_eq!(rejected.len(), 2, "{label}");
        assert_eq!(rejected[0]["index"], 0);
        assert_eq!(rejected[1]["index"], 1);
        assert_eq!(rejected[0]["errors"][0]["code"], "NOT_RECORD_OWNER");
        let key = format!("{PERSON}|2024-03");
        let current = store
            .current_shared_record(Dataset::Contributions, &key)
            .await
            .expect("read")
            .expect("current");
        assert_eq!(current.content["base_fen"], 500_000, "{label}: untouched");

        store
            .transfer_record(Dataset::Contributions, &key, "tax-b", "admin", start())
            .await
            .expect("transfer");
        let (_, after) = send(&app, push("tax-b", &tax_b, 2, 7)).await;
        assert_eq!(after["accepted"], 1, "{label}: {after}");
        assert_eq!(
            after["rejected"][0]["index"], 1,
            "{label}: the other key is still tax-a's"
        );
        let (_, old_owner) = send(&app, push("tax-a", &tax_a, 3, 9)).await;
        assert_eq!(old_owner["rejected"][0]["index"], 0, "{label}: {old_owner}");
        let entries = store
            .list_audit(&onething_store::audit::AuditFilter {
                action: Some("record_transferred".into()),
                limit: 10,
                ..Default::default()
            })
            .await
            .expect("audit");
        assert_eq!(entries.len(), 1, "{label}");
    }
}

/// Opens a push whose body never comes (headers promise 1000 bytes, 10 are sent); answers
/// the status line if one arrives within `wait`, or `None`.
async fn stalled_push(
    addr: std::net::SocketAddr,
    dept: &str,
    at: DateTime<Utc>,
    wait: std::time::Duration,
) -> Option<String> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let head = format!(
        "POST /api/v1/exchange/contributions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n\
         x-onething-dept: {dept}\r\nx-onething-timestamp: {}\r\nx-onething-signature: c2ln\r\n\
         content-length: 1000\r\n\r\n{{\"records\"",
        at.timestamp()
    );
    stream.write_all(head.as_bytes()).await.expect("send");
    let mut answer = vec![0u8; 4096];
    match tokio::time::timeout(wait, stream.read(&mut answer)).await {
        Ok(Ok(n)) if n > 0 => Some(String::from_utf8_lossy(&answer[..n]).into_owned()),
        _ => None,
    }
}

/// Who is sending is checked before any of the body is read (an unknown department or a
/// stale timestamp is answered at once, while the body never comes), and only a few
/// unverified bodies are read at once: beyond them, 503 SERVER_BUSY at once.
#[tokio::test]
async fn unverified_uploads_are_refused_early_and_bounded() {
    let TestDb { store, .. } = test_dbs().await.remove(0);
    register(&store, "mi", DepartmentKind::MedicalInsurance).await;
    let clock = TestClock::at(start());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let app = app_on(&store, &clock);
    tokio::spawn(async move { axum::serve(listener, app).await });
    let quick = std::time::Duration::from_secs(3);
    for (dept, at, code) in [
        ("nobody", start(), "UNKNOWN_DEPARTMENT"),
        ("mi", start() - Duration::minutes(10), "STALE_TIMESTAMP"),
    ] {
        let answer = stalled_push(addr, dept, at, quick)
            .await
            .expect("answered at once");
        assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
        assert!(answer.contains(code), "{answer}");
    }
    let mut stalled = Vec::new();
    for _ in 0..onething_web::UNVERIFIED_UPLOADS {
        let wait = std::time::Duration::from_secs(10);
        stalled.push(tokio::spawn(stalled_push(addr, "mi", start(), wait)));
    }
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let answer = stalled_push(addr, "mi", start(), quick)
        .await
        .expect("answered at once");
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(answer.contains("SERVER_BUSY"), "{answer}");
    assert!(
        answer.to_ascii_lowercase().contains("retry-after: 1"),
        "{answer}"
    );
    for task in stalled {
        task.abort();
    }
}

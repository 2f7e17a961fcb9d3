//! Settlement and payment through HTTP (contract.md, MA-5): a clerk's run, the payment file
//! as CSV and .xlsx, the bank's results as a CSV body or a multipart file, refused files that
//! change nothing, a failed payment's account correction and re-batching, late payments, and
//! the scope rules (another region's settlement or claim is 404).

use crate::auth_support;
use crate::support;

use std::io::Cursor;

use auth_support::{Reply, SignedIn, TestApp, assert_error, employer_in, person_in, region};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use calamine::{Data, Reader, Xlsx};
use onething_domain::access::{Role, Scope};
use onething_store::Store;
use onething_test_support::approved_claim_case;
use serde_json::json;

/// Test fixture: an approved claim written straight into `ma_claims` (the claims flow is
/// built elsewhere; settlement starts from `approved`), due as approval fixes it: 2024-09-02
/// plus PS-05's 10 working days is 2024-09-14 (a make-up Saturday).
async fn approved(store: &Store, id: &str, region_code: u32, seq: u16, amount: i64, account: &str) {
    let person = person_in(region_code, seq);
    let case_id = approved_claim_case(store, person.as_str(), &region_code.to_string()).await;
    sqlx::query(
        "INSERT INTO ma_claims (id, employer_uscc, person_id, channel, status, duplicate_key,
             event_date, region, amount_fen, payee, account_name, bank, account_number,
             created_by, created_at, approved_on, payment_due, updated_at, case_id)
         VALUES ($1, $2, $3, 'online', 'approved', $4, '2024-08-01', $5, $6, 'employer',
             '测试甲有限公司', '测试银行, 梁平支行', $7, 'fixture', '2024-09-01T00:00:00.000000Z',
             '2024-09-02', '2024-09-14', '2024-09-01T00:00:00.000000Z', $8)",
    )
    .bind(id)
    .bind(employer_in(region_code).as_str())
    .bind(person.as_str())
    .bind(format!("{id}|dup"))
    .bind(region_code.to_string())
    .bind(amount)
    .bind(account)
    .bind(case_id)
    .execute(store.pool())
    .await
    .expect("fixture claim");
    // What approval writes with the claim: its payable.
    onething_test_support::claim_payables(store).await;
}

struct Setup {
    label: &'static str,
    app: TestApp,
    clerk: SignedIn,
    clerk_hb: SignedIn,
    employer: SignedIn,
    employer_hb: SignedIn,
    supervisor: SignedIn,
}

/// One setup per backend: SQLite always, PostgreSQL when `ONETHING_TEST_PG` is set.
async fn setups() -> Vec<Setup> {
    let mut all = Vec::new();
    for db in support::test_dbs().await {
        all.push(setup(db.label, db.store).await);
    }
    all
}

async fn setup(label: &'static str, store: Store) -> Setup {
    let app = TestApp::on(store).await;
    app.add_user("clerk_cq", Role::AgencyClerk, Scope::Region(region(500000)))
        .await;
    app.add_user("clerk_hb", Role::AgencyClerk, Scope::Region(region(420000)))
        .await;
    app.add_user(
        "emp_cq",
        Role::Employer,
        Scope::Employer(employer_in(500228)),
    )
    .await;
    app.add_user(
        "emp_hb",
        Role::Employer,
        Scope::Employer(employer_in(420281)),
    )
    .await;
    app.add_user("sup_cq", Role::Supervisor, Scope::Region(region(500200)))
        .await;
    approved(&app.store, "cq-1", 500228, 1, 3_120_000, "31000123456789").await;
    approved(&app.store, "cq-2", 500228, 2, 2_000_001, "31000123456789").await;
    approved(&app.store, "hb-1", 420281, 3, 1_000_000, "42000123456789").await;
    Setup {
        label,
        clerk: app.sign_in("clerk_cq").await,
        clerk_hb: app.sign_in("clerk_hb").await,
        employer: app.sign_in("emp_cq").await,
        employer_hb: app.sign_in("emp_hb").await,
        supervisor: app.sign_in("sup_cq").await,
        app,
    }
}

async fn send_csv(app: &TestApp, who: &SignedIn, uri: &str, csv: &str) -> Reply {
    let request = Request::post(uri)
        .header("authorization", format!("Bearer {}", who.token))
        .header("content-type", "text/csv")
        .body(Body::from(csv.to_owned()))
        .expect("request");
    app.send(request).await
}

async fn send_multipart(app: &TestApp, who: &SignedIn, uri: &str, csv: &str) -> Reply {
    send_field(app, who, uri, "file", csv).await
}

async fn send_field(app: &TestApp, who: &SignedIn, uri: &str, field: &str, csv: &str) -> Reply {
    let boundary = "XyZbOuNdArY";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"results.csv\"\r\nContent-Type: text/csv\r\n\r\n{csv}\r\n--{boundary}--\r\n"
    );
    let request = Request::post(uri)
        .header("authorization", format!("Bearer {}", who.token))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .expect("request");
    app.send(request).await
}

async fn get_raw(app: &TestApp, who: &SignedIn, uri: &str) -> (StatusCode, String, Vec<u8>) {
    let request = Request::get(uri)
        .header("authorization", format!("Bearer {}", who.token))
        .body(Body::empty())
        .expect("request");
    let response = tower::ServiceExt::oneshot(app.app.clone(), request)
        .await
        .expect("response");
    let status = response.status();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let bytes = http_body_util::BodyExt::collect(response.into_body())
        .await
        .expect("body")
        .to_bytes();
    (status, content_type, bytes.to_vec())
}

async fn claim_status(store: &Store, id: &str) -> String {
    sqlx::query_scalar("SELECT status FROM ma_claims WHERE id = $1")
        .bind(id)
        .fetch_one(store.pool())
        .await
        .expect("status")
}

#[tokio::test]
async fn a_clerk_settles_the_region_downloads_the_file_and_imports_the_results() {
    for s in setups().await {
        eprintln!("backend: {}", s.label);
        let run = s.app.settle(&s.clerk).await;
        assert_eq!(run.status, StatusCode::OK, "{}", run.text);
        let id = run.json["id"].as_str().expect("id").to_owned();
        assert_eq!(
            run.json["claims"], 2,
            "only the clerk's region: {}",
            run.text
        );
        assert_eq!(run.json["total_fen"], 5_120_001);
        let payment = &run.json["payments"][0];
        assert_eq!(payment["claims"], 2);
        assert_eq!(payment["account_masked"], "**********6789");
        assert!(
            !run.text.contains("31000123456789"),
            "account masked in JSON"
        );
        assert_eq!(claim_status(&s.app.store, "hb-1").await, "approved");

        // Nothing new: 200, id null, claims 0.
        let again = s.app.settle(&s.clerk).await;
        assert_eq!(again.status, StatusCode::OK);
        assert_eq!(
            (again.json["id"].clone(), again.json["claims"].clone()),
            (json!(null), json!(0))
        );

        // The CSV payment file: the contract's header, the full account, claims joined by `;`.
        let (status, content_type, bytes) = get_raw(
            &s.app,
            &s.clerk,
            &format!("/api/v1/settlements/{id}/payment-file?format=csv"),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert!(content_type.starts_with("text/csv"));
        let text = String::from_utf8(bytes).expect("utf-8");
        let payment_id = payment["id"].as_str().expect("payment id");
        assert_eq!(
            text,
            format!(
                "payment_id,payee_name,bank,account,amount_fen,claims\r\n\
                 {payment_id},测试甲有限公司,\"测试银行, 梁平支行\",31000123456789,5120001,cq-1;cq-2\r\n"
            )
        );

        // The same as .xlsx, read back.
        let (status, content_type, bytes) = get_raw(
            &s.app,
            &s.clerk,
            &format!("/api/v1/settlements/{id}/payment-file?format=xlsx"),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert!(content_type.contains("spreadsheetml"));
        let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).expect("a real xlsx");
        let sheet = workbook.worksheet_range("payments").expect("sheet");
        let rows: Vec<&[Data]> = sheet.rows().collect();
        assert_eq!(rows.len(), 2);
        let header: Vec<String> = rows[0].iter().map(ToString::to_string).collect();
        assert_eq!(
            header,
            [
                "payment_id",
                "payee_name",
                "bank",
                "account",
                "amount_fen",
                "claims"
            ]
        );
        assert_eq!(rows[1][3], Data::String("31000123456789".into()));
        assert_eq!(rows[1][4], Data::Float(5_120_001.0));
        assert_eq!(rows[1][5], Data::String("cq-1;cq-2".into()));

        let bad_format = s
            .app
            .bearer(
                &s.clerk,
                "GET",
                &format!("/api/v1/settlements/{id}/payment-file?format=pdf"),
                None,
            )
            .await;
        assert_error(&bad_format, StatusCode::BAD_REQUEST, "INVALID_QUERY");

        // The bank's results: paid.
        let results =
            format!("payment_id,result,reason\r\n{payment_id},paid,\r\nOTHER-P1,paid,\r\n");
        let imported = send_csv(
            &s.app,
            &s.clerk,
            &format!("/api/v1/settlements/{id}/results"),
            &results,
        )
        .await;
        assert_eq!(imported.status, StatusCode::OK, "{}", imported.text);
        assert_eq!(imported.json["matched"], 1);
        assert_eq!(imported.json["paid"], 1);
        assert_eq!(
            imported.json["unknown"],
            json!([{"line": 3, "payment_id": "OTHER-P1"}])
        );
        assert_eq!(claim_status(&s.app.store, "cq-1").await, "paid");
        // Sent again as a multipart file: a duplicate, nothing changes.
        let again = send_multipart(
            &s.app,
            &s.clerk,
            &format!("/api/v1/settlements/{id}/results"),
            &results,
        )
        .await;
        assert_eq!(again.status, StatusCode::OK, "{}", again.text);
        assert_eq!(
            again.json["duplicates"],
            json!([{"line": 2, "payment_id": payment_id}])
        );
        assert_eq!(again.json["matched"], 0);

        // Listing and reading; another region's clerk sees none of it.
        let list = s
            .app
            .bearer(&s.clerk, "GET", "/api/v1/settlements", None)
            .await;
        assert_eq!(list.json.as_array().map(Vec::len), Some(1));
        assert_eq!(list.json[0]["paid"], 1);
        let one = s
            .app
            .bearer(&s.clerk, "GET", &format!("/api/v1/settlements/{id}"), None)
            .await;
        assert_eq!(one.json["payments"][0]["status"], "paid");
        let hidden = s
            .app
            .bearer(
                &s.clerk_hb,
                "GET",
                &format!("/api/v1/settlements/{id}"),
                None,
            )
            .await;
        assert_error(&hidden, StatusCode::NOT_FOUND, "NOT_FOUND");
        let hidden_file = send_csv(
            &s.app,
            &s.clerk_hb,
            &format!("/api/v1/settlements/{id}/results"),
            &results,
        )
        .await;
        assert_error(&hidden_file, StatusCode::NOT_FOUND, "NOT_FOUND");
        let list_hb = s
            .app
            .bearer(&s.clerk_hb, "GET", "/api/v1/settlements", None)
            .await;
        assert_eq!(list_hb.json, json!([]));
    }
}

#[tokio::test]
async fn a_bad_results_file_is_refused_whole_with_line_and_code() {
    for s in setups().await {
        eprintln!("backend: {}", s.label);
        let run = s.app.settle(&s.clerk).await;
        let id = run.json["id"].as_str().expect("id").to_owned();
        let payment_id = run.json["payments"][0]["id"]
            .as_str()
            .expect("payment")
            .to_owned();
        let uri = format!("/api/v1/settlements/{id}/results");
        let cases = [
            ("", "EMPTY_FILE", "file[1]"),
            (
                "payment_id,result,reason,amount\n",
                "UNKNOWN_COLUMN",
                "file[1].amount",
            ),
            (
                "payment_id,result,reason\nX,paid,\nY,refunded,\n",
                "INVALID_ENUM",
                "file[3].result",
            ),
            (
                &format!("payment_id,result,reason\n{payment_id},failed,\n") as &str,
                "MISSING_FIELD",
                "file[2].reason",
            ),
        ];
        for (body, code, field) in cases {
            let reply = send_csv(&s.app, &s.clerk, &uri, body).await;
            assert_error(&reply, StatusCode::UNPROCESSABLE_ENTITY, code);
            assert_eq!(reply.json["error"]["field"], field, "{}", reply.text);
        }
        // A good row next to a bad one: nothing applied.
        let mixed = format!("payment_id,result,reason\n{payment_id},paid,\n{payment_id},maybe,\n");
        let reply = send_csv(&s.app, &s.clerk, &uri, &mixed).await;
        assert_error(&reply, StatusCode::UNPROCESSABLE_ENTITY, "INVALID_ENUM");
        assert!(
            reply.json["error"]["message"]
                .as_str()
                .unwrap_or("")
                .contains("第3行")
        );
        assert_eq!(claim_status(&s.app.store, "cq-1").await, "settled");

        let json_body = s
            .app
            .bearer(&s.clerk, "POST", &uri, Some(json!({"rows": []})))
            .await;
        assert_error(
            &json_body,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UNSUPPORTED_MEDIA_TYPE",
        );
        let no_file = send_field(&s.app, &s.clerk, &uri, "upload", &mixed).await;
        assert_error(&no_file, StatusCode::BAD_REQUEST, "INVALID_BODY");
        assert_eq!(no_file.json["error"]["field"], "file");

        let future = s
            .app
            .bearer(
                &s.clerk,
                "POST",
                "/api/v1/settlements",
                Some(json!({"until": "2024-09-28"})),
            )
            .await;
        assert_error(&future, StatusCode::UNPROCESSABLE_ENTITY, "UNTIL_IN_FUTURE");
        let bad_date = s
            .app
            .bearer(
                &s.clerk,
                "POST",
                "/api/v1/settlements",
                Some(json!({"until": "2024-13-01"})),
            )
            .await;
        assert_error(&bad_date, StatusCode::BAD_REQUEST, "INVALID_DATE");
        let employer = s.app.settle(&s.employer).await;
        assert_error(&employer, StatusCode::FORBIDDEN, "FORBIDDEN");
    }
}

#[tokio::test]
async fn a_failed_payment_is_corrected_by_the_employer_and_settled_again() {
    for s in setups().await {
        eprintln!("backend: {}", s.label);
        let run = s.app.settle(&s.clerk).await;
        let id = run.json["id"].as_str().expect("id").to_owned();
        let payment_id = run.json["payments"][0]["id"]
            .as_str()
            .expect("payment")
            .to_owned();
        let uri = "/api/v1/maternity-allowance/claims/cq-1/bank-account";
        let account =
            json!({"name": "测试甲有限公司", "bank": "测试银行", "number": "3100 0999 8887 77"});

        let early = s
            .app
            .bearer(&s.employer, "PUT", uri, Some(account.clone()))
            .await;
        assert_error(&early, StatusCode::CONFLICT, "INVALID_STATE");

        let failed = format!("payment_id,result,reason\n{payment_id},failed,账号不存在\n");
        let reply = send_csv(
            &s.app,
            &s.clerk,
            &format!("/api/v1/settlements/{id}/results"),
            &failed,
        )
        .await;
        assert_eq!(reply.json["failed"], 1, "{}", reply.text);
        assert_eq!(claim_status(&s.app.store, "cq-1").await, "payment_failed");

        // Not re-sent before the correction.
        let before = s.app.settle(&s.clerk).await;
        assert_eq!(before.json["claims"], 0, "{}", before.text);

        let other_employer = s
            .app
            .bearer(&s.employer_hb, "PUT", uri, Some(account.clone()))
            .await;
        assert_error(&other_employer, StatusCode::NOT_FOUND, "NOT_FOUND");
        let other_clerk = s
            .app
            .bearer(&s.clerk_hb, "PUT", uri, Some(account.clone()))
            .await;
        assert_error(&other_clerk, StatusCode::NOT_FOUND, "NOT_FOUND");
        let bad = s
            .app
            .bearer(
                &s.employer,
                "PUT",
                uri,
                Some(json!({"name": "测试甲", "bank": "测试银行", "number": "12AB"})),
            )
            .await;
        assert_error(
            &bad,
            StatusCode::UNPROCESSABLE_ENTITY,
            "INVALID_ACCOUNT_NUMBER",
        );
        assert_eq!(bad.json["error"]["field"], "number");
        let supervisor = s
            .app
            .bearer(&s.supervisor, "PUT", uri, Some(account.clone()))
            .await;
        assert_error(&supervisor, StatusCode::FORBIDDEN, "FORBIDDEN");

        let corrected = s.app.bearer(&s.employer, "PUT", uri, Some(account)).await;
        assert_eq!(corrected.status, StatusCode::OK, "{}", corrected.text);
        assert_eq!(corrected.json["account_masked"], "**********8777");

        let rerun = s.app.settle(&s.clerk).await;
        assert_eq!(
            rerun.json["claims"], 1,
            "only the corrected claim: {}",
            rerun.text
        );
        assert_eq!(rerun.json["payments"][0]["claim_ids"], json!(["cq-1"]));
        assert_eq!(claim_status(&s.app.store, "cq-1").await, "settled");
        assert_eq!(claim_status(&s.app.store, "cq-2").await, "payment_failed");
    }
}

#[tokio::test]
async fn late_payments_are_listed_for_the_region() {
    for s in setups().await {
        eprintln!("backend: {}", s.label);
        // 2024-09-02 + 10 working days = 2024-09-14 (a make-up Saturday); today is 2024-09-27.
        let late = s
            .app
            .bearer(
                &s.supervisor,
                "GET",
                "/api/v1/maternity-allowance/late-payments",
                None,
            )
            .await;
        assert_eq!(late.status, StatusCode::OK, "{}", late.text);
        let list = late.json.as_array().expect("list");
        assert_eq!(list.len(), 2, "{}", late.text);
        assert_eq!(list[0]["payment_due"], "2024-09-14");
        assert!(
            list[0]["person_id_masked"]
                .as_str()
                .unwrap_or("")
                .contains('*')
        );
        assert!(!late.text.contains(person_in(500228, 1).as_str()));
        let employer = s
            .app
            .bearer(
                &s.employer,
                "GET",
                "/api/v1/maternity-allowance/late-payments",
                None,
            )
            .await;
        assert_error(&employer, StatusCode::FORBIDDEN, "FORBIDDEN");
    }
}

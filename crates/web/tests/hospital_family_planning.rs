//! 卫健局's family-planning review as a case item (seed 002 四), end to end through HTTP on
//! SQLite and on PostgreSQL when configured. Where the region's parameters ask for the
//! review (the fixture's Chongqing entry), a claim's case — whatever its channel — carries
//! the optional `HEALTH-FAMILY-PLANNING-REVIEW` item, started at once and delivered to the
//! health department's system; the system confirms through the signed results endpoint (a
//! repeat is harmless, another department is refused), its officer denies through the API
//! (the case item denied with the note), and a claim the bureau rejects while the review is
//! open ends the item and leaves the officers' queue.

use crate::allowance;
use crate::auth_support;
use crate::support;

use allowance::{departments, employer_a, mother, wages};
use auth_support::{TestApp, assert_error, region};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::Duration;
use onething_domain::access::{Role, Scope};
use onething_domain::case::ItemState;
use onething_domain::department::{DepartmentKind, HospitalLevel};
use onething_domain::hospital::FAMILY_PLANNING_ITEM;
use onething_domain::rules::MaternityParams;
use onething_domain::rules::params::SHIPPED_MATERNITY_TOML;
use onething_exchange::signature::{self, SigningKey, generate_signing_key, sign};
use onething_store::departments::NewDepartment;
use serde_json::{Value, json};

const FIXTURE: &str = include_str!("../../domain/tests/data/reimbursement_fixture.toml");
const HOSPITAL: &str = "H50022800001";
const CLAIMS: &str = "/api/v1/maternity-allowance/claims";

#[tokio::test]
async fn the_health_department_reviews_every_claim_of_a_region_that_asks_as_a_case_item() {
    for db in support::test_dbs().await {
        eprintln!("family-planning item on {}", db.label);
        let text = format!("{SHIPPED_MATERNITY_TOML}\n{FIXTURE}");
        let params = MaternityParams::from_toml(&text).expect("params");
        let app = TestApp::on_with(db.store, move |s| s.with_params(text, params)).await;
        let depts = departments(&app).await;
        wages(&app, &depts).await;
        allowance::hospital(&app, HOSPITAL, Some(HospitalLevel::Second)).await;
        let system = health_system(&app).await;
        users(&app).await;

        // A hospital claim: the item is in the case, started, and delivered to the system.
        let mum = mother(&app, &depts, 440, &employer_a(), true).await;
        let window = app.sign_in("window").await;
        reimburse(&app, &window, &mum, "D440").await;
        let body = json!({"person_id": mum.as_str(), "employer_uscc": employer_a().as_str(), "birth_order": 1});
        let id = created(&app, &window, body).await;
        let case_id = app.store.claim(&id).await.expect("claim").case_id;
        let case = app.store.load_case(&case_id).await.expect("case");
        let item = &case.state.items[FAMILY_PLANNING_ITEM];
        assert_eq!(item.state, ItemState::InProgress);
        assert!(
            case.state.items["PS-05"]
                .depends_on
                .contains(&FAMILY_PLANNING_ITEM.to_owned()),
            "the payment waits for the review"
        );
        let delivery = app
            .store
            .delivery_for_item(&case_id, FAMILY_PLANNING_ITEM)
            .await
            .expect("delivery")
            .expect("queued for the health system");
        assert_eq!(delivery.dept_id, "health-sys");
        assert!(delivery.payload.contains(&id), "{}", delivery.payload);

        // Only the department it was delivered to may answer it.
        let result = json!({"case_id": case_id, "item": FAMILY_PLANNING_ITEM, "result": "done"});
        let tax = depts.key("tax");
        let foreign = send_result(&app, ("tax", tax), &result, 0).await;
        assert_eq!(foreign.0, StatusCode::FORBIDDEN, "{}", foreign.1);
        // The system confirms: the review and the case item, together; a repeat is harmless.
        let done = send_result(&app, ("health-sys", &system), &result, 1).await;
        assert_eq!(done.0, StatusCode::OK, "{}", done.1);
        let again = send_result(&app, ("health-sys", &system), &result, 2).await;
        assert_eq!(again.0, StatusCode::OK, "{}", again.1);
        let review = app.store.family_planning_review(&id).await.expect("review");
        assert_eq!(review.expect("review").status, "confirmed");
        assert_eq!(item_state(&app, &case_id).await, ItemState::Done);
        // The officers' API sees it decided.
        let health = app.sign_in("health_officer").await;
        let path = format!("/api/v1/hospital/family-planning-reviews/{id}");
        let late = app
            .bearer(
                &health,
                "POST",
                &path,
                Some(json!({"decision": "deny", "note": "迟到"})),
            )
            .await;
        assert_error(&late, StatusCode::CONFLICT, "INVALID_STATE");

        // An employer's online claim in the same region is reviewed too; the officer denies.
        let online = mother(&app, &depts, 442, &employer_a(), true).await;
        let hr = app.sign_in("hr_a").await;
        let denied_id = created(&app, &hr, json!({"person_id": online.as_str()})).await;
        let denied_case = app.store.claim(&denied_id).await.expect("claim").case_id;
        assert_eq!(item_state(&app, &denied_case).await, ItemState::InProgress);
        let path = format!("/api/v1/hospital/family-planning-reviews/{denied_id}");
        let note = "超生，不符合计划生育政策";
        let denial = app
            .bearer(
                &health,
                "POST",
                &path,
                Some(json!({"decision": "deny", "note": note})),
            )
            .await;
        assert_eq!(denial.status, StatusCode::OK, "{}", denial.text);
        let case = app.store.load_case(&denied_case).await.expect("case");
        let item = &case.state.items[FAMILY_PLANNING_ITEM];
        assert_eq!(item.state, ItemState::Denied);
        assert_eq!(item.reason.as_deref(), Some(note));
        submit(&app, &hr, &denied_id).await;
        let clerk = app.sign_in("clerk").await;
        let review = format!("{CLAIMS}/{denied_id}/review");
        let approve = app
            .bearer(
                &clerk,
                "POST",
                &review,
                Some(json!({"decision": "approve"})),
            )
            .await;
        assert_error(&approve, StatusCode::CONFLICT, "INVALID_STATE");

        // Rejected while the review is open: the item ends, the queue forgets it.
        let third = mother(&app, &depts, 444, &employer_a(), true).await;
        let open_id = created(&app, &hr, json!({"person_id": third.as_str()})).await;
        let open_case = app.store.claim(&open_id).await.expect("claim").case_id;
        submit(&app, &hr, &open_id).await;
        let review = format!("{CLAIMS}/{open_id}/review");
        let reject = json!({"decision": "reject", "reason_code": "OTHER", "note": "单位撤回"});
        let rejected = app.bearer(&clerk, "POST", &review, Some(reject)).await;
        assert_eq!(rejected.status, StatusCode::OK, "{}", rejected.text);
        assert_eq!(item_state(&app, &open_case).await, ItemState::Denied);
        let list = app
            .bearer(
                &health,
                "GET",
                "/api/v1/hospital/family-planning-reviews",
                None,
            )
            .await;
        assert_eq!(list.status, StatusCode::OK, "{}", list.text);
        assert!(!list.text.contains(&open_id), "{}", list.text);
        let path = format!("/api/v1/hospital/family-planning-reviews/{open_id}");
        let after = app
            .bearer(&health, "POST", &path, Some(json!({"decision": "confirm"})))
            .await;
        assert_error(&after, StatusCode::CONFLICT, "INVALID_STATE");
    }
}

/// The health department's system: a second health department with a webhook (the first,
/// `health`, has none), so the review's delivery goes to it.
async fn health_system(app: &TestApp) -> SigningKey {
    let key = generate_signing_key().expect("key");
    let new = NewDepartment {
        id: "health-sys".into(),
        name: "测试卫健系统".into(),
        kind: DepartmentKind::Health,
        webhook_url: Some("http://127.0.0.1:9/hook".into()),
    };
    app.store
        .add_department(&new, &key.verifying_key(), app.now() - Duration::days(1))
        .await
        .expect("department");
    key
}

async fn users(app: &TestApp) {
    let window = Scope::Hospital {
        id: HOSPITAL.into(),
        region: region(500228),
    };
    app.add_user("window", Role::HospitalClerk, window).await;
    app.add_user("clerk", Role::AgencyClerk, Scope::Region(region(500000)))
        .await;
    let health = Scope::Department {
        id: "health".into(),
        kind: DepartmentKind::Health,
    };
    app.add_user("health_officer", Role::DeptOfficer, health)
        .await;
    app.add_user("hr_a", Role::Employer, Scope::Employer(employer_a()))
        .await;
}

async fn reimburse(
    app: &TestApp,
    window: &auth_support::SignedIn,
    person: &onething_domain::CitizenId,
    record: &str,
) {
    let account = json!({"name": "测试医院", "bank": "测试银行", "number": "50001000000000000088"});
    app.bearer(
        window,
        "PUT",
        "/api/v1/hospital/bank-account",
        Some(account),
    )
    .await;
    let body = json!({"person_id": person.as_str(), "delivery_record_id": record});
    let done = app
        .bearer(
            window,
            "POST",
            "/api/v1/hospital/reimbursements",
            Some(body),
        )
        .await;
    assert_eq!(done.status, StatusCode::CREATED, "{}", done.text);
}

async fn created(app: &TestApp, who: &auth_support::SignedIn, body: Value) -> String {
    let created = app.bearer(who, "POST", CLAIMS, Some(body)).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    created.json["id"].as_str().expect("id").to_owned()
}

/// Wage confirmed and submitted with the employer's account: the review sends it to the
/// agency's queue.
async fn submit(app: &TestApp, who: &auth_support::SignedIn, id: &str) {
    let path = format!("{CLAIMS}/{id}");
    let basis = json!({"basis": "avg_wage"});
    let confirmed = app
        .bearer(who, "POST", &format!("{path}/confirm-wage"), Some(basis))
        .await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.text);
    let account = json!({"bank_account": {"name": "测试单位甲", "bank": "测试银行梁平支行",
        "number": "50001000000000000001"}});
    let submitted = app
        .bearer(who, "POST", &format!("{path}/submit"), Some(account))
        .await;
    assert_eq!(submitted.status, StatusCode::OK, "{}", submitted.text);
    assert_eq!(submitted.json["status"], "in_review", "{}", submitted.text);
}

async fn item_state(app: &TestApp, case_id: &str) -> ItemState {
    let case = app.store.load_case(case_id).await.expect("case");
    case.state.items[FAMILY_PLANNING_ITEM].state
}

/// A department system's signed result (`POST /api/v1/exchange/results`), `later` seconds
/// after the test clock (a retry is signed anew, with a new timestamp).
async fn send_result(
    app: &TestApp,
    (dept, key): (&str, &SigningKey),
    body: &Value,
    later: i64,
) -> (StatusCode, String) {
    let path = "/api/v1/exchange/results";
    let bytes = serde_json::to_vec(body).expect("json");
    let at = app.now().timestamp() + later;
    let request = Request::post(path)
        .header("content-type", "application/json")
        .header(signature::HEADER_DEPT, dept)
        .header(signature::HEADER_TIMESTAMP, at.to_string())
        .header(
            signature::HEADER_SIGNATURE,
            sign(key, "POST", path, at, &bytes),
        )
        .body(Body::from(bytes))
        .expect("request");
    let reply = app.send(request).await;
    (reply.status, reply.text)
}

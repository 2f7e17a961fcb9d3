//! The allowance claimed at the hospital window (RB-4) end to end through HTTP, on SQLite
//! and on PostgreSQL when configured: the hospital reimburses an insured mother's delivery,
//! then its clerk files her allowance claim (channel `hospital`, employer and birth order
//! from the 申报表), confirms the wage and submits with the employer's account; the bureau's
//! smart review approves it, the settlement pays the employer; the employer's own online
//! claim for the same delivery afterwards is `409 CLAIM_EXISTS`; another hospital's clerk
//! does not see the claim; a claim before the reimbursement is refused.

use crate::allowance;
use crate::auth_support;
use crate::support;

use allowance::{departments, employer_a, mother, wages};
use auth_support::{TestApp, assert_error, region};
use axum::http::StatusCode;
use onething_domain::access::{Role, Scope};
use onething_domain::rules::MaternityParams;
use onething_domain::rules::params::SHIPPED_MATERNITY_TOML;
use serde_json::json;

const FIXTURE: &str = include_str!("../../domain/tests/data/reimbursement_fixture.toml");
/// The hospital `allowance::mother` deliveries are pushed from.
const HOSPITAL: &str = "H50022800001";

async fn hospital(app: &TestApp, id: &str) {
    let grade_2 = onething_domain::department::HospitalLevel::Second;
    allowance::hospital(app, id, Some(grade_2)).await;
}

#[tokio::test]
async fn the_allowance_is_claimed_at_the_hospital_paid_to_the_employer_and_never_twice() {
    for db in support::test_dbs().await {
        eprintln!("hospital claim on {}", db.label);
        let text = format!("{SHIPPED_MATERNITY_TOML}\n{FIXTURE}");
        let params = MaternityParams::from_toml(&text).expect("params");
        let app = TestApp::on_with(db.store, move |s| s.with_params(text, params)).await;
        let depts = departments(&app).await;
        wages(&app, &depts).await;
        hospital(&app, HOSPITAL).await;
        hospital(&app, "H50022800002").await;
        let mum = mother(&app, &depts, 430, &employer_a(), true).await;
        let other_mum = mother(&app, &depts, 432, &employer_a(), true).await;
        let at = |id: &str| Scope::Hospital {
            id: id.into(),
            region: region(500228),
        };
        app.add_user("window", Role::HospitalClerk, at(HOSPITAL))
            .await;
        app.add_user("window_b", Role::HospitalClerk, at("H50022800002"))
            .await;
        app.add_user("sup", Role::Supervisor, Scope::Region(region(500000)))
            .await;
        app.add_user("clerk", Role::AgencyClerk, Scope::Region(region(500000)))
            .await;
        app.add_user(
            "health_officer",
            Role::DeptOfficer,
            Scope::Department {
                id: "health".into(),
                kind: onething_domain::department::DepartmentKind::Health,
            },
        )
        .await;
        app.add_user("hr_a", Role::Employer, Scope::Employer(employer_a()))
            .await;
        let window = app.sign_in("window").await;
        let claims = "/api/v1/maternity-allowance/claims";
        let body = |p: &onething_domain::CitizenId| json!({"person_id": p.as_str(), "employer_uscc": employer_a().as_str(), "birth_order": 1});

        // Not before the hospital reimbursed her delivery (三(二)1).
        let early = app
            .bearer(&window, "POST", claims, Some(body(&other_mum)))
            .await;
        assert_error(
            &early,
            StatusCode::UNPROCESSABLE_ENTITY,
            "NOT_REIMBURSED_HERE",
        );

        let account =
            json!({"name": "测试医院", "bank": "测试银行", "number": "50001000000000000088"});
        app.bearer(
            &window,
            "PUT",
            "/api/v1/hospital/bank-account",
            Some(account),
        )
        .await;
        let reimbursed = app
            .bearer(
                &window,
                "POST",
                "/api/v1/hospital/reimbursements",
                Some(json!({"person_id": mum.as_str(), "delivery_record_id": "D430"})),
            )
            .await;
        assert_eq!(
            reimbursed.status,
            StatusCode::CREATED,
            "{}",
            reimbursed.text
        );
        assert_eq!(reimbursed.json["coverage"], "insured");

        let missing = app
            .bearer(
                &window,
                "POST",
                claims,
                Some(json!({"person_id": mum.as_str(), "employer_uscc": employer_a().as_str()})),
            )
            .await;
        assert_error(&missing, StatusCode::BAD_REQUEST, "MISSING_FIELD");
        assert_eq!(missing.json["error"]["field"], "birth_order");
        let created = app.bearer(&window, "POST", claims, Some(body(&mum))).await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
        assert_eq!(created.json["channel"], "hospital");
        let id = created.json["id"].as_str().expect("id").to_owned();
        let path = format!("{claims}/{id}");
        let confirmed = app
            .bearer(
                &window,
                "POST",
                &format!("{path}/confirm-wage"),
                Some(json!({"basis": "avg_wage"})),
            )
            .await;
        assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.text);
        let employer_account = json!({"bank_account": {"name": "测试单位甲", "bank": "测试银行梁平支行",
            "number": "50001000000000000001"}});
        // The scanned 申报表 and 出院记录: the claim goes to the bureau's review queue.
        for kind in ["declaration_form", "discharge_record"] {
            let uploaded = upload(&app, &window, &id, kind).await;
            assert_eq!(uploaded.status, StatusCode::CREATED, "{}", uploaded.text);
            assert_eq!(uploaded.json["kind"], kind);
        }
        let wrong = upload(&app, &window, &id, "selfie").await;
        assert_eq!(wrong.status, StatusCode::NOT_FOUND);
        let submitted = app
            .bearer(
                &window,
                "POST",
                &format!("{path}/submit"),
                Some(employer_account),
            )
            .await;
        assert_eq!(submitted.status, StatusCode::OK, "{}", submitted.text);
        assert_eq!(submitted.json["status"], "in_review", "{}", submitted.text);
        let clerk = app.sign_in("clerk").await;
        health_confirms(&app, &clerk, &id).await;
        let approved = app
            .bearer(
                &clerk,
                "POST",
                &format!("{path}/review"),
                Some(json!({"decision": "approve", "note": "申报表、出院记录与分娩记录一致"})),
            )
            .await;
        assert_eq!(approved.status, StatusCode::OK, "{}", approved.text);
        assert_eq!(approved.json["status"], "approved", "{}", approved.text);
        assert_eq!(approved.json["decision"]["payee"], "employer");
        let amount = approved.json["amount_fen"].as_i64().expect("amount");

        // Scope: its own hospital's claim only.
        let own = app.bearer(&window, "GET", &path, None).await;
        assert_eq!(own.status, StatusCode::OK, "{}", own.text);
        let other = app.sign_in("window_b").await;
        assert_error(
            &app.bearer(&other, "GET", &path, None).await,
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
        );

        // The employer sees it, and its own online claim for the same delivery is refused.
        let hr_a = app.sign_in("hr_a").await;
        let seen = app.bearer(&hr_a, "GET", &path, None).await;
        assert_eq!(seen.json["channel"], "hospital", "{}", seen.text);
        let twice = app
            .bearer(
                &hr_a,
                "POST",
                claims,
                Some(json!({"person_id": mum.as_str()})),
            )
            .await;
        assert_error(&twice, StatusCode::CONFLICT, "CLAIM_EXISTS");
        // Listed for supervisors (RB-6): the online attempt against the hospital's claim.
        let sup = app.sign_in("sup").await;
        let attempts = app
            .bearer(
                &sup,
                "GET",
                "/api/v1/maternity-allowance/duplicate-attempts",
                None,
            )
            .await;
        assert_eq!(
            attempts.json[0]["existing_claim"],
            id.as_str(),
            "{}",
            attempts.text
        );
        assert_eq!(attempts.json[0]["channel"], "online", "{}", attempts.text);

        // The settlement pays the employer (and the hospital's reimbursement) in one run.
        let run = app.settle(&clerk).await;
        assert_eq!(run.status, StatusCode::OK, "{}", run.text);
        let fund = reimbursed.json["fund_pays_fen"].as_i64().expect("fund");
        assert_eq!(run.json["total_fen"], amount + fund, "{}", run.text);
        let sid = run.json["id"].as_str().expect("settlement").to_owned();
        let file = app
            .bearer(
                &clerk,
                "GET",
                &format!("/api/v1/settlements/{sid}/payment-file?format=csv"),
                None,
            )
            .await;
        assert!(
            file.text.contains("50001000000000000001"),
            "the employer paid: {}",
            file.text
        );
        assert!(
            file.text.contains("50001000000000000088"),
            "the hospital paid: {}",
            file.text
        );
        paternity(&app, &depts, &mum).await;
    }
}

/// A scan uploaded as the hospital window does (multipart field `file`).
async fn upload(
    app: &TestApp,
    who: &auth_support::SignedIn,
    id: &str,
    kind: &str,
) -> auth_support::Reply {
    let (content_type, body) =
        allowance::multipart("image/jpeg", &[0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
    let uri = format!("/api/v1/hospital/claims/{id}/documents/{kind}");
    let request = axum::http::Request::post(uri)
        .header("authorization", format!("Bearer {}", who.token))
        .header("content-type", content_type)
        .body(axum::body::Body::from(body))
        .expect("request");
    app.send(request).await
}

/// 卫健局: the bureau cannot approve while the review is pending; a health officer sees it,
/// a denial needs a note, another role may not decide, the confirmation lets the bureau
/// decide, and a second decision is refused.
async fn health_confirms(app: &TestApp, clerk: &auth_support::SignedIn, id: &str) {
    let review = format!("/api/v1/maternity-allowance/claims/{id}/review");
    let early = app
        .bearer(clerk, "POST", &review, Some(json!({"decision": "approve"})))
        .await;
    assert_error(&early, StatusCode::CONFLICT, "INVALID_STATE");
    assert!(early.text.contains("卫健部门"), "{}", early.text);
    let health = app.sign_in("health_officer").await;
    let list = app
        .bearer(
            &health,
            "GET",
            "/api/v1/hospital/family-planning-reviews",
            None,
        )
        .await;
    assert!(list.text.contains(id), "{}", list.text);
    let path = format!("/api/v1/hospital/family-planning-reviews/{id}");
    let no_note = app
        .bearer(&health, "POST", &path, Some(json!({"decision": "deny"})))
        .await;
    assert_error(&no_note, StatusCode::BAD_REQUEST, "MISSING_FIELD");
    let forbidden = app
        .bearer(clerk, "POST", &path, Some(json!({"decision": "confirm"})))
        .await;
    assert_error(&forbidden, StatusCode::FORBIDDEN, "FORBIDDEN");
    // The officers' page lists it too (the same use case).
    let page = auth_support::cookie_request(&health, "GET", "/dept/family-planning", None)
        .body(axum::body::Body::empty())
        .expect("request");
    let shown = app.send(page).await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.text);
    assert!(shown.text.contains(id), "{}", shown.text);
    let confirmed = app
        .bearer(&health, "POST", &path, Some(json!({"decision": "confirm"})))
        .await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.text);
    assert_eq!(confirmed.json["status"], "confirmed");
    let again = app
        .bearer(&health, "POST", &path, Some(json!({"decision": "confirm"})))
        .await;
    assert_error(&again, StatusCode::CONFLICT, "INVALID_STATE");
}

/// A father's paternity allowance (护理假, RB-5) through the hospital channel: his wife's
/// delivery was reimbursed here; after the health department's review the bureau approves
/// the region's paternity days.
async fn paternity(app: &TestApp, depts: &allowance::Depts, mum: &onething_domain::CitizenId) {
    let dad = allowance::person(431);
    let employer = allowance::employer_b();
    let with = |v: serde_json::Value| vec![v];
    allowance::push(
        app,
        depts,
        "civil",
        "marriages",
        with(json!({
        "certificate_no": "J500228-2019-0431", "husband_id": dad.as_str(),
        "wife_id": mum.as_str(), "registered_on": "2019-05-01", "status": "married"})),
    )
    .await;
    allowance::push(
        app,
        depts,
        "mi",
        "insurance-enrollments",
        with(json!({
        "person_id": dad.as_str(), "scheme": "employee", "employer_uscc": employer.as_str(),
        "status": "normal", "region_code": "500228", "effective_from": "2021-01-01"})),
    )
    .await;
    allowance::push(
        app,
        depts,
        "hr",
        "employment-status",
        with(json!({
        "person_id": dad.as_str(), "status": "employed", "employer_uscc": employer.as_str(),
        "effective_from": "2021-01-01"})),
    )
    .await;
    let month = |y: i32, m: u32| {
        json!({"person_id": dad.as_str(),
        "employer_uscc": employer.as_str(), "month": format!("{y}-{m:02}"),
        "base_fen": 650000, "paid": true})
    };
    let months = (1..=12)
        .map(|m| month(2023, m))
        .chain((1..=7).map(|m| month(2024, m)));
    allowance::push(app, depts, "mi", "contributions", months.collect()).await;
    let window = app.sign_in("window").await;
    let claims = "/api/v1/maternity-allowance/claims";
    let body = json!({"person_id": dad.as_str(), "employer_uscc": employer.as_str(),
        "birth_order": 1});
    let created = app.bearer(&window, "POST", claims, Some(body)).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    assert_eq!(created.json["channel"], "hospital");
    let id = created.json["id"].as_str().expect("id").to_owned();
    let path = format!("{claims}/{id}");
    let basis = Some(json!({"basis": "avg_wage"}));
    let confirmed = app
        .bearer(&window, "POST", &format!("{path}/confirm-wage"), basis)
        .await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.text);
    let account = json!({"bank_account": {"name": "测试单位乙", "bank": "测试银行梁平支行",
        "number": "50001000000000000002"}});
    let submitted = app
        .bearer(&window, "POST", &format!("{path}/submit"), Some(account))
        .await;
    assert_eq!(submitted.status, StatusCode::OK, "{}", submitted.text);
    assert_eq!(submitted.json["status"], "in_review", "{}", submitted.text);
    let clerk = app.sign_in("clerk").await;
    health_confirms(app, &clerk, &id).await;
    let approved = app
        .bearer(
            &clerk,
            "POST",
            &format!("{path}/review"),
            Some(json!({"decision": "approve"})),
        )
        .await;
    assert_eq!(approved.json["status"], "approved", "{}", approved.text);
    // 重庆: 护理假 20 days × 9000.00 / 30 = 6000.00.
    assert_eq!(
        approved.json["decision"]["leave_days"], 20,
        "{}",
        approved.text
    );
    assert_eq!(approved.json["amount_fen"], 600_000);
}

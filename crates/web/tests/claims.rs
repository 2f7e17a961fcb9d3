//! The claim endpoints' refusals and scopes: each error names its field in Chinese, wrong
//! roles get 403, other tenants' claims 404, wrong statuses 409 `INVALID_STATE`.

use crate::allowance;
use crate::auth_support;
use crate::support;

use allowance::{departments, employer_a, employer_b, mother, multipart, push, wages};
use auth_support::{SignedIn, TestApp, assert_error, region};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use onething_domain::Calendar;
use onething_domain::access::{Role, Scope};
use onething_web::AppState;
use serde_json::{Value, json};

struct Setup {
    app: TestApp,
    claim: String,
    hr_a: SignedIn,
    hr_b: SignedIn,
    clerk: SignedIn,
    clerk_hb: SignedIn,
    mum: SignedIn,
    other_mum: SignedIn,
    person: onething_domain::CitizenId,
}

async fn setup() -> Setup {
    setup_on(TestApp::new().await).await
}

async fn setup_on(app: TestApp) -> Setup {
    let depts = departments(&app).await;
    wages(&app, &depts).await;
    let person = mother(&app, &depts, 502, &employer_a(), true).await;
    let other = allowance::person(504);
    app.add_user("hr_a", Role::Employer, Scope::Employer(employer_a()))
        .await;
    app.add_user("hr_b", Role::Employer, Scope::Employer(employer_b()))
        .await;
    app.add_user("clerk", Role::AgencyClerk, Scope::Region(region(500000)))
        .await;
    app.add_user("clerk_hb", Role::AgencyClerk, Scope::Region(region(420000)))
        .await;
    app.add_user("mum", Role::Person, Scope::Person(person.clone()))
        .await;
    app.add_user("other_mum", Role::Person, Scope::Person(other))
        .await;
    let hr_a = app.sign_in("hr_a").await;
    let created = app
        .bearer(
            &hr_a,
            "POST",
            "/api/v1/maternity-allowance/claims",
            Some(json!({"person_id": person.as_str()})),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    Setup {
        claim: created.json["id"].as_str().expect("test value").to_owned(),
        hr_b: app.sign_in("hr_b").await,
        clerk: app.sign_in("clerk").await,
        clerk_hb: app.sign_in("clerk_hb").await,
        mum: app.sign_in("mum").await,
        other_mum: app.sign_in("other_mum").await,
        hr_a,
        app,
        person,
    }
}

fn path(s: &Setup, tail: &str) -> String {
    format!("/api/v1/maternity-allowance/claims/{}{tail}", s.claim)
}

async fn post(s: &Setup, who: &SignedIn, uri: &str, body: Value) -> auth_support::Reply {
    s.app.bearer(who, "POST", uri, Some(body)).await
}

/// The employer's upload of `body` (a multipart body of `content_type`) to the claim.
fn upload_request(s: &Setup, content_type: String, body: Vec<u8>) -> Request<Body> {
    Request::post(path(s, "/attachments"))
        .header("authorization", format!("Bearer {}", s.hr_a.token))
        .header("content-type", content_type)
        .body(Body::from(body))
        .expect("test value")
}

/// The employer uploads a small JPEG to the claim.
async fn upload_jpeg(s: &Setup) -> auth_support::Reply {
    let (content_type, body) = multipart("image/jpeg", &[0xFF, 0xD8, 0xFF, 0xE0, 1, 2]);
    s.app.send(upload_request(s, content_type, body)).await
}

#[tokio::test]
async fn claims_are_seen_only_in_scope() {
    let s = setup().await;
    for who in [&s.hr_a, &s.clerk, &s.mum] {
        let reply = s.app.bearer(who, "GET", &path(&s, ""), None).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        assert!(
            !reply.text.contains(s.person.as_str()),
            "masked: {}",
            reply.text
        );
        let list = s
            .app
            .bearer(who, "GET", "/api/v1/maternity-allowance/claims", None)
            .await;
        assert_eq!(list.json["claims"].as_array().expect("test value").len(), 1);
    }
    for who in [&s.hr_b, &s.clerk_hb, &s.other_mum] {
        let reply = s.app.bearer(who, "GET", &path(&s, ""), None).await;
        assert_error(&reply, StatusCode::NOT_FOUND, "NOT_FOUND");
        let list = s
            .app
            .bearer(who, "GET", "/api/v1/maternity-allowance/claims", None)
            .await;
        assert_eq!(list.json["claims"], json!([]));
        let wage = post(
            &s,
            who,
            &path(&s, "/confirm-wage"),
            json!({"basis": "avg_wage"}),
        )
        .await;
        assert_ne!(wage.status, StatusCode::OK);
    }
    let bad = s
        .app
        .bearer(
            &s.clerk,
            "GET",
            "/api/v1/maternity-allowance/claims?status=paid_out",
            None,
        )
        .await;
    assert_error(&bad, StatusCode::BAD_REQUEST, "INVALID_QUERY");
    // Another employer cannot open a claim for someone it does not insure.
    let foreign = post(
        &s,
        &s.hr_b,
        "/api/v1/maternity-allowance/claims",
        json!({"person_id": s.person.as_str()}),
    )
    .await;
    assert_error(&foreign, StatusCode::NOT_FOUND, "NOT_FOUND");
    // A Hubei clerk cannot file for a Chongqing employer.
    let window = post(&s, &s.clerk_hb, "/api/v1/maternity-allowance/claims", json!({"person_id": s.person.as_str(),
        "employer_uscc": employer_a().as_str(), "authorisation": {"number": "1", "signer": "测试丁", "signed_on": "2024-09-26"}})).await;
    assert_error(&window, StatusCode::NOT_FOUND, "NOT_FOUND");
}

#[tokio::test]
async fn bad_bodies_are_400s_naming_the_field() {
    let s = setup().await;
    let create = "/api/v1/maternity-allowance/claims";
    let cases: Vec<(&SignedIn, String, Value, &str, &str)> = vec![
        (
            &s.hr_a,
            create.into(),
            json!({}),
            "MISSING_FIELD",
            "person_id",
        ),
        (
            &s.hr_a,
            create.into(),
            json!({"person_id": "500228199503080000"}),
            "INVALID_CITIZEN_ID",
            "person_id",
        ),
        (
            &s.hr_a,
            create.into(),
            json!({"person_ref": "zz"}),
            "INVALID_PERSON_REF",
            "person_ref",
        ),
        (
            &s.hr_a,
            create.into(),
            json!({"person_id": s.person.as_str(), "certificate_no": "12"}),
            "INVALID_CERTIFICATE_NO",
            "certificate_no",
        ),
        (
            &s.hr_a,
            create.into(),
            json!({"person_id": s.person.as_str(), "colour": "red"}),
            "INVALID_BODY",
            "colour",
        ),
        (
            &s.clerk,
            create.into(),
            json!({"person_id": s.person.as_str()}),
            "MISSING_FIELD",
            "employer_uscc",
        ),
        (
            &s.clerk,
            create.into(),
            json!({"person_id": s.person.as_str(), "employer_uscc": employer_a().as_str()}),
            "MISSING_FIELD",
            "authorisation",
        ),
        (
            &s.clerk,
            create.into(),
            json!({"person_id": s.person.as_str(), "employer_uscc": employer_a().as_str(),
            "authorisation": {"number": " ", "signer": "测试丁", "signed_on": "2024-09-26"}}),
            "INVALID_BODY",
            "authorisation.number",
        ),
        (
            &s.hr_a,
            path(&s, "/confirm-wage"),
            json!({"basis": "salary"}),
            "INVALID_BODY",
            "basis",
        ),
        (
            &s.hr_a,
            path(&s, "/submit"),
            json!({}),
            "BANK_ACCOUNT_REQUIRED",
            "bank_account",
        ),
        (
            &s.hr_a,
            path(&s, "/submit"),
            json!({"bank_account": {"name": "甲", "bank": "乙", "number": "12AB"}}),
            "INVALID_BANK_ACCOUNT",
            "bank_account.number",
        ),
        (
            &s.hr_a,
            path(&s, "/submit"),
            json!({"bank_account": {"name": "甲", "bank": "乙", "number": "4111111111111112", "kind": "personal"}}),
            "INVALID_BANK_ACCOUNT",
            "bank_account.number",
        ),
        (
            &s.hr_a,
            path(&s, "/submit"),
            json!({"bank_account": {"name": "", "bank": "乙", "number": "50001000000000000001"}}),
            "INVALID_BODY",
            "bank_account.name",
        ),
        (
            &s.clerk,
            path(&s, "/review"),
            json!({"decision": "reject"}),
            "MISSING_FIELD",
            "reason_code",
        ),
        (
            &s.clerk,
            path(&s, "/review"),
            json!({"decision": "reject", "reason_code": "BAD"}),
            "INVALID_ENUM",
            "reason_code",
        ),
        (
            &s.clerk,
            path(&s, "/review"),
            json!({"decision": "reject", "reason_code": "OTHER"}),
            "MISSING_FIELD",
            "note",
        ),
    ];
    for (who, uri, body, code, field) in cases {
        let reply = post(&s, who, &uri, body.clone()).await;
        assert_error(&reply, StatusCode::BAD_REQUEST, code);
        assert_eq!(
            reply.json["error"]["field"], field,
            "{uri} {body}: {}",
            reply.text
        );
    }
    let put = s
        .app
        .bearer(
            &s.hr_a,
            "PUT",
            "/api/v1/employer/bank-account",
            Some(json!({"name": "甲", "bank": "乙", "number": "123"})),
        )
        .await;
    assert_error(&put, StatusCode::BAD_REQUEST, "INVALID_BANK_ACCOUNT");
    for body in [
        json!({}),
        json!({"consent": "yes"}),
        json!({"consent": true, "x": 1}),
    ] {
        let put = s
            .app
            .bearer(
                &s.hr_a,
                "PUT",
                "/api/v1/employer/automatic-claims-consent",
                Some(body),
            )
            .await;
        assert_eq!(put.status, StatusCode::BAD_REQUEST, "{}", put.text);
    }
    let consent = s.app.store.automatic_consent(employer_a().as_str()).await;
    assert!(consent.expect("store").is_none(), "nothing written");
    let lookup = s
        .app
        .bearer(
            &s.clerk,
            "GET",
            "/api/v1/maternity-allowance/lookup?person_id=123",
            None,
        )
        .await;
    assert_error(&lookup, StatusCode::BAD_REQUEST, "INVALID_CITIZEN_ID");
    let notes = s
        .app
        .bearer(&s.mum, "GET", "/api/v1/notifications?channel=fax", None)
        .await;
    assert_error(&notes, StatusCode::BAD_REQUEST, "INVALID_QUERY");
}

#[tokio::test]
async fn wrong_roles_and_wrong_states() {
    let s = setup().await;
    let by_person = post(
        &s,
        &s.mum,
        "/api/v1/maternity-allowance/claims",
        json!({"person_id": s.person.as_str()}),
    )
    .await;
    assert_error(&by_person, StatusCode::FORBIDDEN, "FORBIDDEN");
    let by_employer = post(
        &s,
        &s.hr_a,
        &path(&s, "/review"),
        json!({"decision": "approve"}),
    )
    .await;
    assert_error(&by_employer, StatusCode::FORBIDDEN, "FORBIDDEN");
    let draft_review = post(
        &s,
        &s.clerk,
        &path(&s, "/review"),
        json!({"decision": "approve"}),
    )
    .await;
    assert_error(&draft_review, StatusCode::CONFLICT, "INVALID_STATE");
    // Submitted without a confirmed wage: to the queue; then nothing more from the employer.
    let submitted = post(
        &s,
        &s.hr_a,
        &path(&s, "/submit"),
        json!({"bank_account": {"name": "甲", "bank": "乙", "number": "50001000000000000001"}}),
    )
    .await;
    assert_eq!(submitted.json["status"], "in_review", "{}", submitted.text);
    let late = post(
        &s,
        &s.hr_a,
        &path(&s, "/confirm-wage"),
        json!({"basis": "avg_wage"}),
    )
    .await;
    assert_error(&late, StatusCode::CONFLICT, "INVALID_STATE");
    let late_upload = upload_jpeg(&s).await;
    assert_error(&late_upload, StatusCode::CONFLICT, "INVALID_STATE");
    let rejected = post(
        &s,
        &s.clerk,
        &path(&s, "/review"),
        json!({"decision": "reject", "reason_code": "OTHER", "note": "单位申请撤回"}),
    )
    .await;
    assert_eq!(rejected.json["status"], "rejected", "{}", rejected.text);
    assert_eq!(rejected.json["rejection"]["code"], "OTHER");
    assert_eq!(rejected.json["rejection"]["note"], "单位申请撤回");
    let twice = post(
        &s,
        &s.clerk,
        &path(&s, "/review"),
        json!({"decision": "approve"}),
    )
    .await;
    assert_error(&twice, StatusCode::CONFLICT, "INVALID_STATE");
    // After a rejection the same delivery may be claimed again.
    let again = post(
        &s,
        &s.hr_a,
        "/api/v1/maternity-allowance/claims",
        json!({"person_id": s.person.as_str()}),
    )
    .await;
    assert_eq!(again.status, StatusCode::CREATED, "{}", again.text);
}

#[tokio::test]
async fn uploads_are_checked_for_type_size_and_field() {
    let s = setup().await;
    let send = |content_type: String, body: Vec<u8>| upload_request(&s, content_type, body);
    let (ct, body) = multipart("text/plain", b"hello");
    assert_error(
        &s.app.send(send(ct, body)).await,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "UNSUPPORTED_MEDIA_TYPE",
    );
    // A declared type is not trusted: the first bytes must show it.
    let (ct, body) = multipart("image/jpeg", b"<html><script>alert(1)</script>");
    assert_error(
        &s.app.send(send(ct, body)).await,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "UNSUPPORTED_MEDIA_TYPE",
    );
    let (ct, body) = multipart("image/png", &vec![0u8; 5 * 1024 * 1024 + 1]);
    assert_error(
        &s.app.send(send(ct, body)).await,
        StatusCode::PAYLOAD_TOO_LARGE,
        "FILE_TOO_LARGE",
    );
    let (ct, body) = multipart("image/png", &[]);
    assert_error(
        &s.app.send(send(ct, body)).await,
        StatusCode::BAD_REQUEST,
        "INVALID_UPLOAD",
    );
    assert_error(
        &s.app
            .send(send("application/json".into(), b"{}".to_vec()))
            .await,
        StatusCode::BAD_REQUEST,
        "INVALID_UPLOAD",
    );
    let (ct, body) = multipart("application/pdf", b"%PDF-1.4");
    let ok = s.app.send(send(ct, body)).await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.text);
    assert_eq!(ok.json["sha256"].as_str().expect("test value").len(), 64);
    let claim = s.app.bearer(&s.hr_a, "GET", &path(&s, ""), None).await;
    assert_eq!(claim.json["needs_review"], true);
    let account = s
        .app
        .bearer(&s.hr_a, "GET", "/api/v1/employer/bank-account", None)
        .await;
    assert_error(&account, StatusCode::NOT_FOUND, "NOT_FOUND");
}

/// A path id that no claim, case or settlement can have is a 400 naming the parameter,
/// before anything is looked up or any body read; the pages answer with their error page.
#[tokio::test]
async fn ids_that_cannot_exist_are_400s_naming_the_path_parameter() {
    let s = setup().await;
    let long = "a".repeat(65);
    let uris = [
        "/api/v1/maternity-allowance/claims/bad!id".to_owned(),
        "/api/v1/maternity-allowance/claims/%E7%94%B3%E9%A2%86/submit".to_owned(),
        "/api/v1/settlements/ST%201".to_owned(),
        format!("/api/v1/cases/{long}"),
        "/api/v1/window/queue/QH%0D%0Ax/serve".to_owned(),
        "/api/v1/home-visits/bad!id/cancel".to_owned(),
        "/api/v1/home-visits/YY%2F1/visit".to_owned(),
    ];
    for uri in &uris {
        let method = if ["/submit", "/serve", "/cancel", "/visit"]
            .iter()
            .any(|end| uri.ends_with(end))
        {
            "POST"
        } else {
            "GET"
        };
        let body = (method == "POST").then(|| json!({}));
        let reply = s.app.bearer(&s.clerk, method, uri, body).await;
        assert_error(&reply, StatusCode::BAD_REQUEST, "INVALID_ID");
        assert_eq!(reply.json["error"]["field"], "id", "{uri}: {}", reply.text);
    }
    // A well-formed id that does not exist stays a 404.
    let unknown = s
        .app
        .bearer(
            &s.clerk,
            "GET",
            "/api/v1/maternity-allowance/claims/MA-none",
            None,
        )
        .await;
    assert_error(&unknown, StatusCode::NOT_FOUND, "NOT_FOUND");
    let page = s
        .app
        .send(
            auth_support::cookie_request(&s.clerk, "GET", "/clerk/claims/bad!id", None)
                .body(axum::body::Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST, "{}", page.text);
    assert!(page.text.contains("申领号"), "{}", page.text);
}

/// `GET` of the claim with `tail` (a query string) as its employer.
async fn read(s: &Setup, tail: &str) -> auth_support::Reply {
    s.app.bearer(&s.hr_a, "GET", &path(s, tail), None).await
}

/// The keys a part adds to the claim's summary (`?include=`).
const PART_KEYS: [(&str, &[&str]); 4] = [
    ("facts", &["facts", "missing"]),
    ("decision", &["decision", "params_used"]),
    ("steps", &["steps"]),
    ("attachments", &["attachments"]),
];

fn keys_present(claim: &Value) -> Vec<&'static str> {
    PART_KEYS
        .iter()
        .flat_map(|(_, keys)| keys.iter().copied())
        .filter(|k| claim.get(*k).is_some())
        .collect()
}

#[tokio::test]
async fn a_claim_is_whole_by_default_and_a_summary_with_the_parts_asked_for() {
    for db in support::test_dbs().await {
        let s = setup_on(TestApp::on(db.store).await).await;
        let label = db.label;
        let uploaded = upload_jpeg(&s).await;
        assert_eq!(
            uploaded.status,
            StatusCode::CREATED,
            "{label}: {}",
            uploaded.text
        );
        let wage = post(
            &s,
            &s.hr_a,
            &path(&s, "/confirm-wage"),
            json!({"basis": "avg_wage"}),
        )
        .await;
        assert_eq!(wage.status, StatusCode::OK, "{label}");

        // Without `include` the whole claim, as the contract lists it.
        let whole = read(&s, "").await;
        assert_eq!(
            keys_present(&whole.json).len(),
            6,
            "{label}: {}",
            whole.text
        );
        // The summary: where the claim stands, none of the larger parts.
        let summary = read(&s, "?include=summary").await;
        assert_eq!(summary.status, StatusCode::OK, "{label}: {}", summary.text);
        assert_eq!(keys_present(&summary.json), Vec::<&str>::new(), "{label}");
        for key in [
            "id",
            "case_id",
            "status",
            "person_id_masked",
            "employer_uscc",
            "created_at",
        ] {
            assert!(
                summary.json.get(key).is_some(),
                "{label}: {key} in {}",
                summary.text
            );
        }
        assert_eq!(summary.json["wage_basis"], "avg_wage", "{label}");
        assert_eq!(
            summary.json["current_step"]["step"], "wage_confirmed",
            "{label}"
        );
        assert!(!summary.text.contains(s.person.as_str()), "{label}: masked");

        // Each part alone adds its keys and only those.
        for (part, keys) in PART_KEYS {
            let one = read(&s, &format!("?include=summary,{part}")).await;
            assert_eq!(one.status, StatusCode::OK, "{label} {part}: {}", one.text);
            assert_eq!(keys_present(&one.json), keys.to_vec(), "{label} {part}");
            assert_eq!(
                one.json["current_step"], summary.json["current_step"],
                "{label}"
            );
            assert!(
                !one.text.contains(s.person.as_str()),
                "{label} {part}: masked"
            );
        }
        let facts = read(&s, "?include=facts").await.json;
        assert!(
            !facts["facts"].as_array().expect("facts").is_empty(),
            "{label}"
        );
        let steps = read(&s, "?include=steps").await.json;
        let names: Vec<&str> = steps["steps"]
            .as_array()
            .expect("steps")
            .iter()
            .map(|x| x["step"].as_str().expect("test value"))
            .collect();
        assert_eq!(
            names,
            ["created", "photo_uploaded", "wage_confirmed"],
            "{label}"
        );
        let files = read(&s, "?include=attachments").await.json;
        assert_eq!(files["attachments"][0]["size"], 6, "{label}");
        assert_eq!(
            files["attachments"][0]["content_type"], "image/jpeg",
            "{label}"
        );

        // Several at once, and `all` is what the claim's other answers carry.
        let two = read(&s, "?include=facts,steps").await;
        assert_eq!(
            keys_present(&two.json),
            ["facts", "missing", "steps"],
            "{label}"
        );
        let all = read(&s, "?include=all").await;
        assert_eq!(keys_present(&all.json).len(), 6, "{label}");
        assert_eq!(all.json["facts"], facts["facts"], "{label}");
        assert_eq!(all.json["steps"], steps["steps"], "{label}");
        let list = s
            .app
            .bearer(&s.hr_a, "GET", "/api/v1/maternity-allowance/claims", None)
            .await;
        let listed = &list.json["claims"][0];
        assert_eq!(
            keys_present(listed).len(),
            6,
            "{label}: the list is unchanged"
        );
        assert_eq!(
            listed["current_step"], summary.json["current_step"],
            "{label}"
        );

        // Once decided, the decision comes with its explanation when asked.
        let submitted = post(
            &s,
            &s.hr_a,
            &path(&s, "/submit"),
            json!({"bank_account": {
            "name": "测试单位甲", "bank": "测试银行", "number": "50001000000000000001"}}),
        )
        .await;
        assert_eq!(
            submitted.status,
            StatusCode::OK,
            "{label}: {}",
            submitted.text
        );
        // The photo sends it to a clerk; approval decides it.
        let approved = post(
            &s,
            &s.clerk,
            &path(&s, "/review"),
            json!({"decision": "approve"}),
        )
        .await;
        assert_eq!(
            approved.json["status"], "approved",
            "{label}: {}",
            approved.text
        );
        let decided = read(&s, "?include=decision").await.json;
        assert!(
            decided["decision"]["explanation"].is_array(),
            "{label}: {decided}"
        );
        assert!(decided["params_used"].is_object(), "{label}: {decided}");
        let summary = read(&s, "?include=summary").await.json;
        assert_eq!(summary["status"], "approved", "{label}");
        assert_eq!(
            summary["amount_fen"], approved.json["amount_fen"],
            "{label}"
        );
        assert_eq!(
            summary["current_step"], approved.json["current_step"],
            "{label}"
        );
        assert_eq!(summary["current_step"]["step"], "approved", "{label}");

        // A bad part is the client's mistake, named; the scope holds whatever is asked.
        let bad = read(&s, "?include=facts,everything").await;
        assert_error(&bad, StatusCode::BAD_REQUEST, "INVALID_QUERY");
        assert_eq!(bad.json["error"]["field"], "include", "{label}");
        assert!(
            bad.json["error"]["message"]
                .as_str()
                .expect("message")
                .contains("include")
        );
        let theirs = s
            .app
            .bearer(&s.hr_b, "GET", &path(&s, "?include=all"), None)
            .await;
        assert_error(&theirs, StatusCode::NOT_FOUND, "NOT_FOUND");
        let summary_theirs = s.app.bearer(&s.hr_b, "GET", &path(&s, ""), None).await;
        assert_error(&summary_theirs, StatusCode::NOT_FOUND, "NOT_FOUND");
    }
}

/// A claim 免申即享 decided, corrected with the employer's bearer token at the same
/// confirm-wage endpoint a draft uses: 200 with the amount decided again on the average
/// base; 404 to another employer, 403 to the mother; 422 `WAGE_BASIS_UNAVAILABLE` naming
/// `basis` when the data no longer decides the claim (the claim unchanged); 409 once settled.
#[tokio::test]
async fn an_automatic_claims_wage_basis_is_corrected_by_api_until_settlement() {
    for db in support::test_dbs().await {
        let label = db.label;
        let app = TestApp::on(db.store).await;
        let depts = departments(&app).await;
        wages(&app, &depts).await;
        let person = mother(&app, &depts, 506, &employer_a(), true).await;
        for (name, role, scope) in [
            ("hr_a", Role::Employer, Scope::Employer(employer_a())),
            ("hr_b", Role::Employer, Scope::Employer(employer_b())),
            ("clerk", Role::AgencyClerk, Scope::Region(region(500000))),
            ("mum", Role::Person, Scope::Person(person.clone())),
        ] {
            app.add_user(name, role, scope).await;
        }
        let hr_a = app.sign_in("hr_a").await;
        let account =
            json!({"name": "测试单位", "bank": "测试银行", "number": "50001000000000000001"});
        let consent = json!({"consent": true});
        for (uri, body) in [
            ("/api/v1/employer/bank-account", account),
            ("/api/v1/employer/automatic-claims-consent", consent),
        ] {
            let put = app.bearer(&hr_a, "PUT", uri, Some(body)).await;
            assert_eq!(put.status, StatusCode::OK, "{label} {uri}: {}", put.text);
        }
        // The server's run, as a push or the hour starts it: the consent turns it on.
        let now = app.now();
        let state = AppState::new(app.store.clone(), Calendar::shipped()).with_clock(move || now);
        onething_web::automatic::run_once(&state).await;
        let list = app
            .bearer(&hr_a, "GET", "/api/v1/maternity-allowance/claims", None)
            .await;
        let claim = &list.json["claims"][0];
        assert_eq!(claim["status"], "approved", "{label}: {}", list.text);
        assert_eq!(claim["amount_fen"], 6_240_000, "{label}: the average wage");
        let id = claim["id"].as_str().expect("id").to_owned();
        let uri = format!("/api/v1/maternity-allowance/claims/{id}/confirm-wage");
        let to = |basis: &str| Some(json!({ "basis": basis }));
        let hr_b = app.sign_in("hr_b").await;
        let theirs = app.bearer(&hr_b, "POST", &uri, to("avg_base")).await;
        assert_error(&theirs, StatusCode::NOT_FOUND, "NOT_FOUND");
        let mum = app.sign_in("mum").await;
        let hers = app.bearer(&mum, "POST", &uri, to("avg_base")).await;
        assert_error(&hers, StatusCode::FORBIDDEN, "FORBIDDEN");

        let corrected = app.bearer(&hr_a, "POST", &uri, to("avg_base")).await;
        assert_eq!(
            corrected.status,
            StatusCode::OK,
            "{label}: {}",
            corrected.text
        );
        assert_eq!(corrected.json["status"], "approved", "{label}");
        assert_eq!(corrected.json["wage_basis"], "avg_base", "{label}");
        // 6,500.00 yuan × 208 days ÷ 30, to the fen.
        assert_eq!(corrected.json["amount_fen"], 4_506_667, "{label}");

        // Her enrollment ends: no basis decides the claim any more, nothing is written.
        let ended = json!({"person_id": person.as_str(), "scheme": "employee",
            "employer_uscc": employer_a().as_str(), "status": "terminated",
            "region_code": "500228", "effective_from": "2021-01-01"});
        push(&app, &depts, "mi", "insurance-enrollments", vec![ended]).await;
        let refused = app.bearer(&hr_a, "POST", &uri, to("avg_wage")).await;
        assert_error(
            &refused,
            StatusCode::UNPROCESSABLE_ENTITY,
            "WAGE_BASIS_UNAVAILABLE",
        );
        assert_eq!(refused.json["error"]["field"], "basis", "{label}");
        let kept = app
            .bearer(
                &hr_a,
                "GET",
                &format!("/api/v1/maternity-allowance/claims/{id}"),
                None,
            )
            .await;
        assert_eq!(kept.json["amount_fen"], 4_506_667, "{label}: {}", kept.text);
        assert_eq!(kept.json["wage_basis"], "avg_base", "{label}");

        // Settled at the corrected amount: no more corrections.
        let clerk = app.sign_in("clerk").await;
        let run = app.settle(&clerk).await;
        assert_eq!(run.json["total_fen"], 4_506_667, "{label}: {}", run.text);
        let late = app.bearer(&hr_a, "POST", &uri, to("avg_wage")).await;
        assert_error(&late, StatusCode::CONFLICT, "INVALID_STATE");
    }
}

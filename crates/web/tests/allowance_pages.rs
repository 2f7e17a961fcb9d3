//! The maternity-allowance pages over HTTP: the employer's offer → wizard → decision, the
//! person's progress, the clerk's review with the photo, settlement, payment file and results
//! import — and every form's error path (422, a Chinese message naming the field, the form
//! kept, nothing written), and other tenants' claims as the 404 page.

use crate::auth_support;

use std::sync::Arc;

use auth_support::{Reply, SignedIn, TestApp, employer_in, person_in, region, start};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use onething_domain::access::{Role, Scope};
use onething_domain::allowance::{ClaimStatus, WageBasis};
use onething_domain::department::DepartmentKind;
use onething_domain::ids::ClaimId;
use onething_domain::rules::MaternityParams;
use onething_domain::{Calendar, CitizenId, Uscc};
use onething_exchange::Dataset;
use onething_exchange::signature::generate_signing_key;
use onething_services::allowance::{
    self as service, ConfirmWage, OpenClaim, PersonKey, Photo, PhotoInput, Submit,
};
use onething_services::{Actor, ServiceError, Services};
use onething_store::Store;
use onething_store::allowance::claims::{Authorisation, Claim};
use onething_store::departments::NewDepartment;
use onething_store::shared_records::Push;
use onething_test_support::ClaimIdOf;
use serde_json::{Value, json};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\nnot-really-a-picture";

async fn push(store: &Store, dataset: Dataset, records: &[Value]) {
    let valid: Vec<_> = records
        .iter()
        .map(|r| dataset.validate(r).expect("valid record"))
        .collect();
    store
        .ingest(
            &Push::unsigned("hub", dataset, start(), valid.len()),
            &valid,
        )
        .await
        .expect("ingest");
}

/// A department to push as, and the employer's 2023 wages.
async fn base(store: &Store, employer: &Uscc) {
    let key = generate_signing_key().expect("key").verifying_key();
    let dept = NewDepartment {
        id: "hub".into(),
        name: "测试部门".into(),
        kind: DepartmentKind::Health,
        webhook_url: None,
    };
    store
        .add_department(&dept, &key, start())
        .await
        .expect("dept");
    let wages = json!({"employer_uscc": employer.as_str(), "year": 2023,
        "avg_monthly_wage_fen": 900000, "avg_monthly_base_fen": 650000});
    push(store, Dataset::EmployerWages, &[wages]).await;
}

/// A woman insured by `employer` who gave birth on 2024-08-05 (certificate and delivery
/// record pushed), with 14 paid months before August.
async fn mother(store: &Store, seq: u16, employer: &Uscc) -> CitizenId {
    let id = person_in(500228, seq);
    let cert = json!({"certificate_no": format!("Q5000{seq:05}"), "child_name": "测试婴",
        "child_sex": "female", "birth_time": "2024-08-05T08:30:00+08:00", "gestational_weeks": 39,
        "weight_g": 3100, "length_cm": 50, "birth_region": "500228",
        "institution_code": "H50022800001", "institution_name": "测试医院", "mother_name": "测试甲",
        "mother_id": id.as_str(), "issued_on": "2024-08-06"});
    push(store, Dataset::BirthCertificates, &[cert]).await;
    let delivery = json!({"record_id": format!("D{seq}"), "institution_code": "H50022800001",
        "person_id": id.as_str(), "admitted_on": "2024-08-04", "discharged_on": "2024-08-08",
        "event_date": "2024-08-05", "event_type": "vaginal", "babies": 1, "pregnancy_weeks": 39,
        "settled_in_network": true, "total_cost_fen": 800000, "fund_paid_fen": 600000});
    push(store, Dataset::DeliveryRecords, &[delivery]).await;
    let enrollment = json!({"person_id": id.as_str(), "scheme": "employee",
        "employer_uscc": employer.as_str(), "status": "normal", "region_code": "500228",
        "effective_from": "2021-01-01"});
    push(store, Dataset::InsuranceEnrollments, &[enrollment]).await;
    let status = json!({"person_id": id.as_str(), "status": "employed",
        "employer_uscc": employer.as_str(), "effective_from": "2021-01-01"});
    push(store, Dataset::EmploymentStatus, &[status]).await;
    let months: Vec<Value> = (0..14)
        .map(|i| {
            let m = 7 - i; // 2024-07 backwards
            let (y, mo) = if m >= 1 { (2024, m) } else { (2023, m + 12) };
            json!({"person_id": id.as_str(), "employer_uscc": employer.as_str(),
                   "month": format!("{y}-{mo:02}"), "base_fen": 650000, "paid": true})
        })
        .collect();
    push(store, Dataset::Contributions, &months).await;
    id
}

fn other_employer() -> Uscc {
    Uscc::from_parts('9', '1', region(500228), "MA5U7CHX").expect("uscc")
}

struct Fixture {
    app: TestApp,
    employer: Uscc,
    mum: CitizenId,
}

/// The app with one employer, one mother, and accounts for every role the pages serve.
async fn fixture() -> Fixture {
    let app = TestApp::new().await;
    let employer = employer_in(500228);
    base(&app.store, &employer).await;
    let mum = mother(&app.store, 302, &employer).await;
    app.add_user("hr", Role::Employer, Scope::Employer(employer.clone()))
        .await;
    app.add_user(
        "hr_other",
        Role::Employer,
        Scope::Employer(other_employer()),
    )
    .await;
    app.add_user("mum", Role::Person, Scope::Person(mum.clone()))
        .await;
    app.add_user("clerk", Role::AgencyClerk, Scope::Region(region(500000)))
        .await;
    app.add_user("clerk_hb", Role::AgencyClerk, Scope::Region(region(420000)))
        .await;
    app.add_user("sv", Role::Supervisor, Scope::Region(region(500000)))
        .await;
    Fixture { app, employer, mum }
}

async fn get(app: &TestApp, who: &SignedIn, uri: &str) -> Reply {
    let request = auth_support::cookie_request(who, "GET", uri, None)
        .body(Body::empty())
        .expect("request");
    app.send(request).await
}

async fn post(app: &TestApp, who: &SignedIn, uri: &str, fields: &[(&str, &str)]) -> Reply {
    let mut body = vec![("csrf_token", who.csrf.as_str())];
    body.extend_from_slice(fields);
    let request = Request::builder()
        .method("POST")
        .uri(uri)
        .header("cookie", format!("onething_session={}", who.token))
        .header("host", "yb.example.cn")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(serde_urlencoded::to_string(body).expect("form")))
        .expect("request");
    app.send(request).await
}

fn location(reply: &Reply) -> String {
    reply
        .headers
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// The value of the first `name="{name}" value="…"` in the page.
fn field_value(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).expect("field in page") + marker.len();
    html[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_owned()
}

fn assert_refused(reply: &Reply, field: &str, context: &str) {
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{context}: {}",
        reply.text
    );
    assert!(reply.text.contains("role=\"alert\""), "{context}");
    assert!(reply.text.contains(field), "{context}: names {field}");
}

async fn steps(store: &Store, id: &str) -> Vec<String> {
    let steps = store.claim_steps(id).await.expect("steps");
    steps.into_iter().map(|s| s.step).collect()
}

#[tokio::test]
async fn the_employer_claims_from_the_offer_to_the_decision() {
    let f = fixture().await;
    let (app, store) = (&f.app, &f.app.store);
    let hr = app.sign_in("hr").await;
    let offers = get(app, &hr, "/employer/offers").await;
    assert_eq!(offers.status, StatusCode::OK);
    assert!(offers.text.contains("500228********"), "{}", offers.text);
    assert!(
        !offers.text.contains(f.mum.as_str()),
        "full id on the offers"
    );
    let bad = post(app, &hr, "/employer/offers", &[("person_ref", "00zz")]).await;
    assert_refused(&bad, "职工：", "unknown offer");
    let person_ref = field_value(&offers.text, "person_ref");
    let opened = post(app, &hr, "/employer/offers", &[("person_ref", &person_ref)]).await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.text);
    let page = location(&opened);
    let id = page.trim_start_matches("/employer/claims/").to_owned();
    let wizard = get(app, &hr, &page).await;
    for text in [
        "第 1 步",
        "第 2 步",
        "第 3 步",
        "Q500000302",
        "¥9,000.00",
        "来源",
    ] {
        assert!(
            wizard.text.contains(text),
            "wizard shows {text}: {}",
            wizard.text
        );
    }
    // Submit before the wage is confirmed: refused, nothing written.
    let early = post(
        app,
        &hr,
        &format!("{page}/submit"),
        &[("account_choice", "file")],
    )
    .await;
    assert_refused(&early, "上年度月平均工资", "submit before wage");
    let no_basis = post(app, &hr, &format!("{page}/wage"), &[("basis", "")]).await;
    assert_refused(&no_basis, "上年度月平均工资", "no basis");
    assert_eq!(steps(store, &id).await, ["created"], "nothing written");
    let wage = post(app, &hr, &format!("{page}/wage"), &[("basis", "avg_wage")]).await;
    assert_eq!(wage.status, StatusCode::SEE_OTHER, "{}", wage.text);
    let account = [
        ("account_choice", "new"),
        ("account_name", "测试单位"),
        ("bank", "测试银行梁平支行"),
        ("account_number", "12ab"),
    ];
    let bad_account = post(app, &hr, &format!("{page}/submit"), &account).await;
    assert_refused(&bad_account, "银行账号", "bad account");
    assert!(
        bad_account.text.contains("value=\"测试银行梁平支行\""),
        "form kept"
    );
    assert_eq!(
        store.claim(&id).await.expect("store").status,
        ClaimStatus::Draft
    );
    let account = [
        ("account_choice", "new"),
        ("account_name", "测试单位"),
        ("bank", "测试银行梁平支行"),
        ("account_number", "50001000000000000001"),
    ];
    let submitted = post(app, &hr, &format!("{page}/submit"), &account).await;
    assert_eq!(
        submitted.status,
        StatusCode::SEE_OTHER,
        "{}",
        submitted.text
    );
    let result = get(app, &hr, &page).await;
    for text in ["申领结果", "审核通过，待结算", "核定金额", "《社会保险法》"]
    {
        assert!(
            result.text.contains(text),
            "result shows {text}: {}",
            result.text
        );
    }
    assert!(
        !result.text.contains(f.mum.as_str()),
        "full id on the result"
    );
    let list = get(app, &hr, "/employer/claims").await;
    assert!(list.text.contains(&id));
    let offers = get(app, &hr, "/employer/offers").await;
    assert!(
        offers.text.contains("目前没有待申领的职工"),
        "the offer is gone"
    );
    // The person sees it with its steps; another employer and another person do not.
    let mum = app.sign_in("mum").await;
    let mine = get(app, &mum, "/my/claims").await;
    for text in [
        id.as_str(),
        "提交",
        "审核",
        "结算",
        "支付到账",
        "站内消息",
        "审核通过",
    ] {
        assert!(
            mine.text.contains(text),
            "person sees {text}: {}",
            mine.text
        );
    }
    let other = app.sign_in("hr_other").await;
    let hidden = get(app, &other, &page).await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
    let missing = get(app, &other, "/employer/claims/MA20240101DEADBEEF").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let foreign = post(
        app,
        &other,
        &format!("{page}/wage"),
        &[("basis", "avg_base")],
    )
    .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
    assert!(
        !get(app, &other, "/employer/claims")
            .await
            .text
            .contains(&id)
    );
    let clerk_hb = app.sign_in("clerk_hb").await;
    let far = get(app, &clerk_hb, &format!("/clerk/claims/{id}")).await;
    assert_eq!(far.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_bank_account_page_checks_every_field() {
    let f = fixture().await;
    let (app, store) = (&f.app, &f.app.store);
    let hr = app.sign_in("hr").await;
    let cases = [
        (["", "测试银行", "50001000000000000001"], "账户名称"),
        (["测试单位", "", "50001000000000000001"], "开户银行"),
        (["测试单位", "测试银行", "5000-1"], "银行账号"),
    ];
    for ([name, bank, number], field) in cases {
        let fields = [
            ("account_name", name),
            ("bank", bank),
            ("account_number", number),
        ];
        let reply = post(app, &hr, "/employer/bank", &fields).await;
        assert_refused(&reply, field, field);
        let account = store
            .employer_account(f.employer.as_str())
            .await
            .expect("store");
        assert!(account.is_none(), "nothing written");
    }
    let fields = [
        ("account_name", "测试单位"),
        ("bank", "测试银行"),
        ("account_number", "50001000000000000001"),
    ];
    let saved = post(app, &hr, "/employer/bank", &fields).await;
    assert_eq!(location(&saved), "/employer/bank?saved=1");
    let page = get(app, &hr, "/employer/bank?saved=1").await;
    assert!(page.text.contains("****************0001"), "{}", page.text);
    assert!(!page.text.contains("50001000000000000001"), "number masked");
}

/// The standing consent to 免申即享 on the bank page and through the API: the same service
/// function, so each door shows what the other did; the store holds it until withdrawn.
#[tokio::test]
async fn the_employer_gives_and_withdraws_its_standing_consent_on_the_page_and_by_api() {
    let f = fixture().await;
    let (app, store) = (&f.app, &f.app.store);
    let hr = app.sign_in("hr").await;
    let uri = "/api/v1/employer/automatic-claims-consent";
    let page = get(app, &hr, "/employer/bank").await;
    assert!(page.text.contains("同意免申即享"), "{}", page.text);
    assert!(!page.text.contains("本单位已同意免申即享"), "{}", page.text);
    let saved = post(app, &hr, "/employer/automatic-consent", &[("consent", "1")]).await;
    assert_eq!(location(&saved), "/employer/bank?saved=1");
    let page = get(app, &hr, "/employer/bank").await;
    assert!(page.text.contains("本单位已同意免申即享"), "{}", page.text);
    let api = get(app, &hr, uri).await;
    assert_eq!(api.json["consent"], true, "{}", api.text);
    assert_eq!(api.json["given_by"], "hr", "{}", api.text);
    let consent = store.automatic_consent(f.employer.as_str()).await;
    assert!(consent.expect("store").is_some());
    // Withdrawn on the page: the API and the store agree at once.
    post(app, &hr, "/employer/automatic-consent", &[("consent", "0")]).await;
    let api = get(app, &hr, uri).await;
    assert_eq!(api.json["consent"], false, "{}", api.text);
    assert_eq!(api.json["given_at"], Value::Null, "{}", api.text);
    let consent = store.automatic_consent(f.employer.as_str()).await;
    assert!(consent.expect("store").is_none());
    // A person's session reaches neither door.
    let mum = app.sign_in("mum").await;
    let refused = post(
        app,
        &mum,
        "/employer/automatic-consent",
        &[("consent", "1")],
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.text);
    assert_eq!(get(app, &mum, uri).await.status, StatusCode::FORBIDDEN);
    // Consent again and an account on file: the platform decides the mother's claim, and
    // its page offers the employer the wage-basis correction before settlement.
    post(app, &hr, "/employer/automatic-consent", &[("consent", "1")]).await;
    let account = [
        ("account_name", "测试单位"),
        ("bank", "测试银行"),
        ("account_number", "50001000000000000001"),
    ];
    post(app, &hr, "/employer/bank", &account).await;
    let platform = onething_services::allowance::platform_actor(app.now());
    let until = chrono::NaiveDate::from_ymd_opt(2024, 9, 1).expect("day");
    let cmd = onething_services::allowance::AutomaticClaims { until };
    let run = onething_services::allowance::automatic_claims(&services(&f), &platform, cmd).await;
    assert_eq!(run.expect("run").approved, 1);
    let claim = claims_of_employer(&f).await.remove(0);
    let page_uri = format!("/employer/claims/{}", claim.id);
    let page = get(app, &hr, &page_uri).await;
    assert!(page.text.contains("更正工资基数"), "{}", page.text);
    let corrected = post(
        app,
        &hr,
        &format!("{page_uri}/wage"),
        &[("basis", "avg_base")],
    )
    .await;
    assert!(corrected.status.is_redirection(), "{}", corrected.text);
    let claim = claims_of_employer(&f).await.remove(0);
    assert_eq!(claim.wage_basis, Some(WageBasis::AvgBase));
    let page = get(app, &hr, &page_uri).await;
    assert!(
        page.text.contains("更正工资基数（重新核定）"),
        "{}",
        page.text
    );
}

async fn claims_of_employer(f: &Fixture) -> Vec<Claim> {
    let filter = onething_store::allowance::claims::ClaimFilter {
        employer_uscc: Some(f.employer.to_string()),
        limit: 10,
        ..Default::default()
    };
    f.app.store.claims(&filter).await.expect("claims")
}

/// The fixture's employer as the services layer's actor (the pages' and API's use cases).
fn employer_actor(f: &Fixture) -> Actor {
    Actor {
        username: "hr".into(),
        role: Role::Employer,
        scope: Scope::Employer(f.employer.clone()),
        at: f.app.now(),
        idempotency_key: None,
    }
}

fn services(f: &Fixture) -> Services {
    Services::with_calendar(
        f.app.store.clone(),
        Arc::new(MaternityParams::shipped()),
        Calendar::shipped(),
    )
}

/// A draft claim opened by the employer for the fixture's mother.
async fn draft_claim(f: &Fixture) -> Claim {
    let open = OpenClaim {
        person: PersonKey::Id(f.mum.clone()),
        certificate_no: None,
        employer: None,
        authorisation: None,
        birth_order: None,
    };
    service::open_claim(&services(f), &employer_actor(f), open)
        .await
        .expect("claim")
}

/// A claim with a photo, submitted: in review.
async fn claim_in_review(f: &Fixture) -> Claim {
    let (svc, by) = (services(f), employer_actor(f));
    let claim = draft_claim(f).await;
    let wage = ConfirmWage {
        basis: WageBasis::AvgWage,
    };
    service::confirm_wage(&svc, &by, &claim.claim_id(), wage)
        .await
        .expect("wage");
    let photo = Photo::try_from(PhotoInput {
        filename: Some("证明.png".into()),
        content_type: Some("image/png".into()),
        bytes: PNG.to_vec(),
    })
    .expect("a PNG");
    service::attach_photo(&svc, &by, &claim.claim_id(), photo)
        .await
        .expect("photo");
    let account = onething_store::allowance::claims::BankAccount {
        name: "测试单位".into(),
        bank: "测试银行".into(),
        number: "50001000000000000001".into(),
    };
    let submit = Submit {
        account: Some(account),
    };
    let claim = service::submit(&svc, &by, &claim.claim_id(), submit)
        .await
        .expect("submit");
    assert_eq!(claim.status, ClaimStatus::InReview);
    claim
}

#[tokio::test]
async fn the_clerk_reviews_settles_and_imports_the_bank_results() {
    let f = fixture().await;
    let (app, store) = (&f.app, &f.app.store);
    let claim = claim_in_review(&f).await;
    let id = claim.id.clone();
    let clerk = app.sign_in("clerk").await;
    let queue = get(app, &clerk, "/clerk/review").await;
    assert!(queue.text.contains(&id), "{}", queue.text);
    let page = get(app, &clerk, &format!("/clerk/claims/{id}")).await;
    for text in [
        "规则预审结果",
        "符合条件",
        "出生医学证明（卫生健康部门）",
        "/attachments/",
    ] {
        assert!(
            page.text.contains(text),
            "review shows {text}: {}",
            page.text
        );
    }
    assert!(
        !page.text.contains(f.mum.as_str()),
        "full id on the review page"
    );
    let file = store.claim_attachments(&id).await.expect("store")[0]
        .id
        .clone();
    let photo_uri = format!("/clerk/claims/{id}/attachments/{file}");
    let photo = get(app, &clerk, &photo_uri).await;
    assert_eq!(photo.status, StatusCode::OK);
    assert_eq!(photo.headers["content-type"], "image/png");
    let clerk_hb = app.sign_in("clerk_hb").await;
    assert_eq!(
        get(app, &clerk_hb, &photo_uri).await.status,
        StatusCode::NOT_FOUND
    );
    let wrong = get(app, &clerk, &format!("/clerk/claims/{id}/attachments/nope")).await;
    assert_eq!(wrong.status, StatusCode::NOT_FOUND);
    // Review: the decision and a reason from the dictionary are required.
    let review = format!("/clerk/claims/{id}/review");
    let none = post(app, &clerk, &review, &[("decision", "")]).await;
    assert_refused(&none, "审核结论", "no decision");
    let reason = post(
        app,
        &clerk,
        &review,
        &[("decision", "reject"), ("reason", "X")],
    )
    .await;
    assert_refused(&reason, "不予支付原因", "unknown reason");
    let note = post(
        app,
        &clerk,
        &review,
        &[("decision", "reject"), ("reason", "OTHER")],
    )
    .await;
    assert_refused(&note, "审核说明", "other without a note");
    assert_eq!(
        store.claim(&id).await.expect("store").status,
        ClaimStatus::InReview
    );
    let approved = post(app, &clerk, &review, &[("decision", "approve")]).await;
    assert_eq!(approved.status, StatusCode::SEE_OTHER, "{}", approved.text);
    assert_eq!(
        store.claim(&id).await.expect("store").status,
        ClaimStatus::Approved
    );
    // Settlement: the date is checked, then the run takes the claim.
    for until in ["2024-13-01", "2030-01-01"] {
        let reply = post(app, &clerk, "/clerk/settlements", &[("until", until)]).await;
        assert_refused(&reply, "结算截止日期", until);
    }
    assert!(
        store
            .list_settlements(None, 10)
            .await
            .expect("store")
            .is_empty()
    );
    let run = post(
        app,
        &clerk,
        "/clerk/settlements",
        &[("until", "2024-09-27")],
    )
    .await;
    assert_eq!(run.status, StatusCode::SEE_OTHER, "{}", run.text);
    let batch = location(&run);
    assert!(batch.starts_with("/clerk/settlements/ST"), "{batch}");
    let shown = get(app, &clerk, &batch).await;
    assert!(shown.text.contains("待银行回盘") && shown.text.contains(&id));
    assert!(
        !shown.text.contains("50001000000000000001"),
        "account masked"
    );
    assert_eq!(
        get(app, &clerk_hb, &batch).await.status,
        StatusCode::NOT_FOUND
    );
    let csv = get(app, &clerk, &format!("{batch}/payment-file.csv")).await;
    assert_eq!(csv.headers["content-type"], "text/csv; charset=utf-8");
    let lines: Vec<&str> = csv.text.trim_end().split("\r\n").collect();
    assert_eq!(
        lines[0],
        "payment_id,payee_name,bank,account,amount_fen,claims"
    );
    assert!(lines[1].contains("50001000000000000001") && lines[1].ends_with(&id));
    let payment = lines[1].split(',').next().expect("payment id").to_owned();
    // Results: an empty or bad file is refused whole.
    let results = format!("{batch}/results");
    let empty = post(app, &clerk, &results, &[("csv", " ")]).await;
    assert_refused(&empty, "银行回盘文件", "empty results");
    let bad_file = format!("payment_id,result,reason\n{payment},maybe,\n");
    let bad = post(app, &clerk, &results, &[("csv", &bad_file)]).await;
    assert_refused(&bad, "银行回盘文件", "bad results");
    assert_eq!(
        store.claim(&id).await.expect("store").status,
        ClaimStatus::Settled
    );
    let token: String = form_urlencoded::byte_serialize(clerk.csrf.as_bytes()).collect();
    let file_uri = format!("{batch}/results-file?csrf_token={token}");
    let bad_upload = multipart(&file_uri, &clerk, "text/csv", bad_file.as_bytes());
    assert_refused(
        &app.send(bad_upload).await,
        "银行回盘文件",
        "bad file upload",
    );
    assert_eq!(
        store.claim(&id).await.expect("store").status,
        ClaimStatus::Settled
    );
    let good = format!("payment_id,result,reason\n{payment},paid,\nNOPE,paid,\n");
    let imported = app
        .send(multipart(&file_uri, &clerk, "text/csv", good.as_bytes()))
        .await;
    assert_eq!(imported.status, StatusCode::OK, "{}", imported.text);
    for text in ["已支付 1 笔", "第 3 行：NOPE"] {
        assert!(
            imported.text.contains(text),
            "report shows {text}: {}",
            imported.text
        );
    }
    assert_eq!(
        store.claim(&id).await.expect("store").status,
        ClaimStatus::Paid
    );
    let mum = app.sign_in("mum").await;
    let mine = get(app, &mum, "/my/claims").await;
    assert!(mine.text.contains("已支付到账"), "{}", mine.text);
}

#[tokio::test]
async fn supervisors_see_duplicate_attempts_of_their_region() {
    let f = fixture().await;
    let claim = claim_in_review(&f).await;
    let clerk = Actor {
        username: "clerk".into(),
        role: Role::AgencyClerk,
        scope: Scope::Region(f.employer.region()),
        at: f.app.now(),
        idempotency_key: None,
    };
    let again = OpenClaim {
        person: PersonKey::Id(f.mum.clone()),
        certificate_no: None,
        employer: Some(f.employer.clone()),
        authorisation: Some(Authorisation {
            number: "SQ-1".into(),
            signer: "测试经办".into(),
            signed_on: f.app.now().date_naive(),
        }),
        birth_order: None,
    };
    let refused = service::open_claim(&services(&f), &clerk, again).await;
    assert!(
        matches!(refused, Err(ServiceError::ClaimExists { .. })),
        "{refused:?}"
    );
    let sv = f.app.sign_in("sv").await;
    let page = get(&f.app, &sv, "/supervision/duplicates").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text.contains(&claim.id) && page.text.contains("窗口代办"),
        "{}",
        page.text
    );
    assert!(!page.text.contains(f.mum.as_str()), "full id");
}

#[tokio::test]
async fn the_clerk_submits_at_the_window_and_prints_the_application_form() {
    let f = fixture().await;
    let (app, store) = (&f.app, &f.app.store);
    let clerk = app.sign_in("clerk").await;
    let uscc = f.employer.as_str().to_owned();
    let good = [
        ("employer_uscc", uscc.as_str()),
        ("person_id", f.mum.as_str()),
        ("auth_number", "SQ-2024-001"),
        ("signer", "测试乙"),
        ("signed_on", "2024-09-26"),
    ];
    let with = |field: &'static str, value: &'static str| {
        good.iter()
            .map(|(k, v)| (*k, if *k == field { value } else { *v }))
            .collect::<Vec<_>>()
    };
    let far = Uscc::from_parts('9', '1', region(420281), "MA5U7CHW").expect("uscc");
    let far = far.as_str().to_owned();
    let mut cases = vec![
        (with("employer_uscc", "91500228"), "统一社会信用代码"),
        (with("person_id", "5002281994"), "公民身份号码"),
        (with("auth_number", " "), "授权确认表编号"),
        (with("signer", ""), "单位经办人"),
        (with("signed_on", "2024/09/26"), "签署日期"),
        (with("signed_on", "2030-01-01"), "签署日期"),
    ];
    let mut outside = good.to_vec();
    outside[0].1 = far.as_str();
    cases.push((outside, "不在您的经办辖区"));
    let stranger = person_in(500228, 999);
    let mut unknown = good.to_vec();
    unknown[1].1 = stranger.as_str();
    cases.push((unknown, "未找到该职工"));
    for (fields, field) in &cases {
        let reply = post(app, &clerk, "/clerk/window", fields).await;
        assert_refused(&reply, field, field);
        assert!(reply.text.contains("value=\"SQ-2024-001\"") || *field == "授权确认表编号");
    }
    let filter = onething_store::allowance::claims::ClaimFilter {
        limit: 10,
        ..Default::default()
    };
    assert!(
        store.claims(&filter).await.expect("claims").is_empty(),
        "nothing written"
    );
    let opened = post(app, &clerk, "/clerk/window", &good).await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.text);
    let page = location(&opened);
    let id = page.trim_start_matches("/clerk/claims/").to_owned();
    let claim = store.claim(&id).await.expect("claim");
    assert_eq!(claim.channel, "window");
    assert_eq!(
        claim.authorisation.expect("authorisation").number,
        "SQ-2024-001"
    );
    let wizard = get(app, &clerk, &page).await;
    assert!(
        wizard.text.contains("application-form.pdf"),
        "{}",
        wizard.text
    );
    assert!(wizard.text.contains(&format!("/clerk/claims/{id}/wage")));
    let wage = post(
        app,
        &clerk,
        &format!("{page}/wage"),
        &[("basis", "avg_base")],
    )
    .await;
    assert_eq!(location(&wage), format!("{page}#step-3"));
    let pdf = get(app, &clerk, &format!("{page}/application-form.pdf")).await;
    assert_eq!(pdf.status, StatusCode::OK, "{}", pdf.text);
    assert_eq!(pdf.headers["content-type"], "application/pdf");
    let hr = app.sign_in("hr").await;
    let employer_pdf = get(app, &hr, &format!("{page}/application-form.pdf")).await;
    assert_eq!(employer_pdf.status, StatusCode::FORBIDDEN);
    let clerk_hb = app.sign_in("clerk_hb").await;
    let far_pdf = get(app, &clerk_hb, &format!("{page}/application-form.pdf")).await;
    assert_eq!(far_pdf.status, StatusCode::NOT_FOUND);
    let account = [
        ("account_choice", "new"),
        ("account_name", "测试单位"),
        ("bank", "测试银行梁平支行"),
        ("account_number", "50001000000000000001"),
    ];
    let submitted = post(app, &clerk, &format!("{page}/submit"), &account).await;
    assert_eq!(location(&submitted), format!("{page}#result"));
    let claim = store.claim(&id).await.expect("claim");
    assert_eq!(claim.status, ClaimStatus::Approved);
    // The employer sees the window claim among its own.
    assert!(get(app, &hr, "/employer/claims").await.text.contains(&id));
}

/// A multipart body with one file field, as a page's upload form sends it: a
/// `?csrf_token=` in `uri` moves into the form's `csrf_token` field, before the file (the
/// token is never accepted in the URL).
fn multipart(uri: &str, who: &SignedIn, content_type: &str, bytes: &[u8]) -> Request<Body> {
    let (path, token) = match uri.split_once("?csrf_token=") {
        Some((path, token)) => (path, Some(token)),
        None => (uri, None),
    };
    multipart_raw(path, who, content_type, bytes, token)
}

fn multipart_raw(
    uri: &str,
    who: &SignedIn,
    content_type: &str,
    bytes: &[u8],
    token: Option<&str>,
) -> Request<Body> {
    let boundary = "XyZ-boundary-42";
    let mut body = Vec::new();
    if let Some(token) = token {
        let token: String = form_urlencoded::parse(format!("t={token}").as_bytes())
            .map(|(_, v)| v.into_owned())
            .next()
            .unwrap_or_default();
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"c.png\"\r\n\
             Content-Type: {content_type}\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    Request::builder()
        .method("POST")
        .uri(uri)
        .header("cookie", format!("onething_session={}", who.token))
        .header("host", "yb.example.cn")
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .expect("request")
}

#[tokio::test]
async fn the_employer_uploads_a_photo_without_javascript() {
    let f = fixture().await;
    let (app, store) = (&f.app, &f.app.store);
    let claim = draft_claim(&f).await;
    let hr = app.sign_in("hr").await;
    let page = format!("/employer/claims/{}", claim.id);
    let wizard = get(app, &hr, &page).await;
    assert!(wizard.text.contains("enctype=\"multipart/form-data\""));
    assert!(wizard.text.contains(&format!("action=\"{page}/photo\"")));
    assert!(
        !wizard.text.contains("photo?csrf_token="),
        "no token in the address"
    );
    assert!(wizard.text.contains("name=\"csrf_token\""));
    let no_token = multipart(&format!("{page}/photo"), &hr, "image/png", PNG);
    assert_eq!(app.send(no_token).await.status, StatusCode::FORBIDDEN);
    let token: String = form_urlencoded::byte_serialize(hr.csrf.as_bytes()).collect();
    let uri = format!("{page}/photo?csrf_token={token}");
    let url_only = multipart_raw(&uri, &hr, "image/png", PNG, None);
    assert_eq!(
        app.send(url_only).await.status,
        StatusCode::FORBIDDEN,
        "a token in the URL is not accepted"
    );
    let text = app.send(multipart(&uri, &hr, "text/plain", b"hello")).await;
    assert_refused(&text, "出生医学证明照片", "not an image");
    let empty = app.send(multipart(&uri, &hr, "image/png", b"")).await;
    assert_refused(&empty, "出生医学证明照片", "empty file");
    assert!(
        store
            .claim_attachments(&claim.id)
            .await
            .expect("files")
            .is_empty()
    );
    let uploaded = app.send(multipart(&uri, &hr, "image/png", PNG)).await;
    assert_eq!(uploaded.status, StatusCode::SEE_OTHER, "{}", uploaded.text);
    assert_eq!(
        store
            .claim_attachments(&claim.id)
            .await
            .expect("files")
            .len(),
        1
    );
    assert!(store.claim(&claim.id).await.expect("claim").needs_review);
    let other = app.sign_in("hr_other").await;
    let other_token: String = form_urlencoded::byte_serialize(other.csrf.as_bytes()).collect();
    let foreign = format!("{page}/photo?csrf_token={other_token}");
    let refused = app
        .send(multipart(&foreign, &other, "image/png", PNG))
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_clerk_looks_a_person_up_masked_and_within_the_region() {
    let f = fixture().await;
    let app = &f.app;
    let clerk = app.sign_in("clerk").await;
    let bad = post(app, &clerk, "/clerk/lookup", &[("id", "5002281994")]).await;
    assert_refused(&bad, "公民身份号码", "bad id");
    let id = [("id", f.mum.as_str())];
    let found = post(app, &clerk, "/clerk/lookup", &id).await;
    assert_eq!(found.status, StatusCode::OK);
    for text in [
        "参保登记（医保部门）",
        "出生医学证明（卫生健康部门）",
        "分娩记录（医院）",
        "500228********",
    ] {
        assert!(
            found.text.contains(text),
            "lookup shows {text}: {}",
            found.text
        );
    }
    assert!(
        !found.text.contains(f.mum.as_str()),
        "full id on the lookup page"
    );
    let clerk_hb = app.sign_in("clerk_hb").await;
    let far = post(app, &clerk_hb, "/clerk/lookup", &id).await;
    assert!(
        far.text.contains("未找到该参保人在本辖区的共享信息"),
        "{}",
        far.text
    );
    assert!(!far.text.contains("参保登记（医保部门）"));
}

/// One front door: the same use case behind the page and the API. A claim opened on the
/// employer's page is a case both the employer (its filer) and the mother (its applicant)
/// open in the case API, another employer cannot; its SMS rows are written by the use case
/// and sent by the outbox's sender, page or API alike.
#[tokio::test]
async fn a_claim_opened_on_the_page_is_a_case_and_its_sms_go_out() {
    let f = fixture().await;
    let (app, store) = (&f.app, &f.app.store);
    let hr = app.sign_in("hr").await;
    let offers = get(app, &hr, "/employer/offers").await;
    let handle = field_value(&offers.text, "person_ref");
    let opened = post(app, &hr, "/employer/offers", &[("person_ref", &handle)]).await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.text);
    let id = location(&opened)
        .trim_start_matches("/employer/claims/")
        .to_owned();
    let claim = store.claim(&id).await.expect("claim");
    for who in ["hr", "mum"] {
        let signed = app.sign_in(who).await;
        let case = app
            .bearer(
                &signed,
                "GET",
                &format!("/api/v1/cases/{}", claim.case_id),
                None,
            )
            .await;
        assert_eq!(case.status, StatusCode::OK, "{who}: {}", case.text);
        assert_eq!(case.json["bundle"], "maternity_allowance", "{}", case.text);
    }
    let other = app.sign_in("hr_other").await;
    let hidden = app
        .bearer(
            &other,
            "GET",
            &format!("/api/v1/cases/{}", claim.case_id),
            None,
        )
        .await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
    let waiting = store.unsent_sms().await.expect("count");
    assert!(
        waiting >= 2,
        "the employer and the mother are texted: {waiting}"
    );
    let sent = onething_services::notify::send_pending_sms(
        store,
        &onething_services::notify::LogOnlySms,
        app.now(),
    )
    .await
    .expect("sent");
    assert_eq!(i64::try_from(sent).expect("count"), waiting);
    assert_eq!(store.unsent_sms().await.expect("count"), 0);
}

/// Four eyes over HTTP: the clerk who filed a window claim gets 403 `FOUR_EYES` reviewing
/// it, another clerk of the region decides it.
#[tokio::test]
async fn the_clerk_who_filed_a_window_claim_cannot_review_it() {
    let f = fixture().await;
    let app = &f.app;
    app.add_user("clerk2", Role::AgencyClerk, Scope::Region(region(500000)))
        .await;
    let clerk = app.sign_in("clerk").await;
    let filed = app
        .bearer(
            &clerk,
            "POST",
            "/api/v1/maternity-allowance/claims",
            Some(serde_json::json!({
                "person_id": f.mum.as_str(), "employer_uscc": f.employer.as_str(),
                "authorisation": {"number": "SQ-9", "signer": "测试经办", "signed_on": "2024-09-02"}})),
        )
        .await;
    assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.text);
    let id = filed.json["id"].as_str().expect("id").to_owned();
    let by_clerk = Actor {
        username: "clerk".into(),
        role: Role::AgencyClerk,
        scope: Scope::Region(region(500000)),
        at: app.now(),
        idempotency_key: None,
    };
    let photo = Photo::try_from(PhotoInput {
        filename: Some("证明.png".into()),
        content_type: Some("image/png".into()),
        bytes: PNG.to_vec(),
    })
    .expect("a PNG");
    let svc = services(&f);
    service::attach_photo(
        &svc,
        &by_clerk,
        &ClaimId::parse(&id).expect("claim id"),
        photo,
    )
    .await
    .expect("photo");
    let account = onething_store::allowance::claims::BankAccount {
        name: "测试单位".into(),
        bank: "测试银行".into(),
        number: "50001000000000000001".into(),
    };
    let submitted = service::submit(
        &svc,
        &by_clerk,
        &ClaimId::parse(&id).expect("claim id"),
        Submit {
            account: Some(account),
        },
    )
    .await
    .expect("submitted");
    assert_eq!(submitted.status, ClaimStatus::InReview);
    let review = format!("/api/v1/maternity-allowance/claims/{id}/review");
    let approve = serde_json::json!({"decision": "approve", "certificate_no": "Q500000302"});
    let own = app
        .bearer(&clerk, "POST", &review, Some(approve.clone()))
        .await;
    assert_eq!(own.status, StatusCode::FORBIDDEN, "{}", own.text);
    assert_eq!(own.json["error"]["code"], "FOUR_EYES");
    let second = app.sign_in("clerk2").await;
    let decided = app.bearer(&second, "POST", &review, Some(approve)).await;
    assert_eq!(decided.status, StatusCode::OK, "{}", decided.text);
    assert_eq!(decided.json["status"], "approved", "{}", decided.text);
}

/// SV-5: a claimant in the credit register is flagged to the reviewer beside the claim,
/// never refused for it; a removed entry no longer flags.
#[tokio::test]
async fn a_recorded_claimant_is_flagged_to_the_reviewer_not_refused() {
    use onething_services::supervision::{self as sv, CreditInput, NewCredit, Note};
    let f = fixture().await;
    let app = &f.app;
    let claim = claim_in_review(&f).await;
    let svc = Services::with_calendar(
        app.store.clone(),
        Arc::new(MaternityParams::shipped()),
        Calendar::shipped(),
    );
    let sup = Actor {
        username: "sup".into(),
        role: Role::Supervisor,
        scope: Scope::Region(region(500000)),
        at: app.now(),
        idempotency_key: None,
    };
    let entry = NewCredit::try_from(CreditInput {
        subject_kind: Some("person".into()),
        subject_id: Some(f.mum.as_str().to_owned()),
        decision: Some("曾骗取生育津贴".into()),
        basis: Some("医保罚字〔2024〕1号".into()),
        valid_from: Some("2024-01-01".into()),
        ..CreditInput::default()
    })
    .expect("entry");
    let recorded = sv::record_credit(&svc, &sup, entry)
        .await
        .expect("recorded");
    let clerk = app.sign_in("clerk").await;
    let page = get(app, &clerk, &format!("/clerk/claims/{}", claim.id)).await;
    assert!(page.text.contains("信用记录提示"), "{}", page.text);
    assert!(page.text.contains("曾骗取生育津贴"));
    assert!(
        page.text.contains("name=\"decision\""),
        "the decision form is still there"
    );
    // The claim's JSON carries the same flag to the reviewer, and to nobody else.
    let uri = format!("/api/v1/maternity-allowance/claims/{}", claim.id);
    let json = app.bearer(&clerk, "GET", &uri, None).await;
    assert_eq!(json.status, axum::http::StatusCode::OK, "{}", json.text);
    let flags = json.json["credit_flags"].as_array().expect("flags").clone();
    assert_eq!(flags.len(), 1, "{}", json.text);
    assert_eq!(flags[0]["who"], "申领人");
    assert_eq!(flags[0]["decision"], "曾骗取生育津贴");
    assert_eq!(flags[0]["basis"], "医保罚字〔2024〕1号");
    assert!(!json.text.contains(f.mum.as_str()), "the id is masked");
    let hr = app.sign_in("hr").await;
    let theirs = app.bearer(&hr, "GET", &uri, None).await;
    assert_eq!(theirs.status, axum::http::StatusCode::OK, "{}", theirs.text);
    assert!(theirs.json.get("credit_flags").is_none(), "{}", theirs.text);
    sv::remove_credit(&svc, &sup, &recorded.id, Note("复核撤销".into()))
        .await
        .expect("removed");
    let page = get(app, &clerk, &format!("/clerk/claims/{}", claim.id)).await;
    assert!(!page.text.contains("信用记录提示"));
    let json = app.bearer(&clerk, "GET", &uri, None).await;
    assert_eq!(
        json.json["credit_flags"],
        serde_json::json!([]),
        "removed: no flag"
    );
}

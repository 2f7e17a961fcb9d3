//! 新生儿出生一件事 end to end, through HTTP only, on SQLite and (when configured)
//! PostgreSQL: departments push the family's records through the signed exchange; the
//! mother applies and is accepted with the 受理通知书 (its sealed PDF verifies with the
//! platform's public key, its number and code on the public check); the certificate is done
//! at once; the outbox delivers the ready items to simulated department systems, which
//! report their results through the signed results endpoint; the police officer registers
//! the birth on the officers' API; the household number reaches the enrollment and card
//! deliveries; the mother sees every step and rates the service. Due dates across the 2025
//! Spring Festival; the case's promise fixed at acceptance + 33 working days.

use crate::{auth_support, support};

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use auth_support::{SignedIn, TestApp, assert_error, region};
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Request, StatusCode};
use chrono::{DateTime, TimeZone, Utc};
use onething_domain::access::{Role, Scope};
use onething_domain::department::DepartmentKind;
use onething_domain::{Calendar, CitizenId, RegionCode};
use onething_exchange::signature::{
    SigningKey, generate_signing_key, sign, verifying_key_from_pem,
};
use onething_store::departments::NewDepartment;
use onething_web::AppState;
use onething_web::outbox::run_outbox_once;
use serde_json::{Value, json};
use support::test_dbs;

/// Monday 20 January 2025, 10:00 in China: a week before the Spring Festival holiday.
fn monday() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 1, 20, 2, 0, 0)
        .single()
        .expect("at")
}

fn city() -> RegionCode {
    region(450200)
}

pub struct Family {
    pub mother: CitizenId,
    pub father: CitizenId,
    pub certificate: String,
}

pub fn family(n: u16) -> Family {
    let id = |r, born: &str, seq| {
        CitizenId::from_parts(region(r), born.parse().expect("date"), seq).expect("id")
    };
    Family {
        mother: id(450202, "1995-03-08", 2 * n),
        father: id(450205, "1993-11-20", 2 * n + 1),
        certificate: format!("R45{n:07}"),
    }
}

/// Deliveries the simulated department systems received, by department id.
#[derive(Clone, Default)]
struct Inbox(Arc<Mutex<Vec<(String, Value)>>>);

impl Inbox {
    fn of(&self, dept: &str) -> Vec<Value> {
        let all = self.0.lock().expect("lock");
        all.iter()
            .filter(|(d, _)| d == dept)
            .map(|(_, v)| v.clone())
            .collect()
    }

    fn item(&self, dept: &str, item: &str) -> Value {
        self.of(dept)
            .into_iter()
            .find(|d| d["item"] == item && d["purpose"] == "item")
            .unwrap_or_else(|| panic!("{dept} received no delivery of {item}"))
    }
}

async fn receive(
    State(inbox): State<Inbox>,
    Path(dept): Path<String>,
    _h: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let value: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    inbox.0.lock().expect("lock").push((dept, value));
    StatusCode::OK
}

async fn serve_inbox(inbox: Inbox) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let router = axum::Router::new()
        .route("/hook/{dept}", axum::routing::post(receive))
        .with_state(inbox);
    tokio::spawn(async move { axum::serve(listener, router).await });
    format!("http://{addr}/hook")
}

struct World {
    app: TestApp,
    keys: BTreeMap<&'static str, SigningKey>,
    inbox: Inbox,
    state: AppState,
}

/// The platform with the city configured, the clock on 20 January 2025, the departments
/// that push, and one system per kind that handles items (public security works on its
/// officers' page).
async fn world(store: onething_store::Store) -> World {
    let app = TestApp::on_with(store.clone(), |s| s.with_newborn_city(city())).await;
    app.advance(monday() - app.now());
    let inbox = Inbox::default();
    let hooks = serve_inbox(inbox.clone()).await;
    let mut keys = BTreeMap::new();
    for (id, kind, system) in [
        ("health-push", DepartmentKind::Health, false),
        ("police-push", DepartmentKind::PublicSecurity, false),
        ("civil", DepartmentKind::CivilAffairs, false),
        ("health-sys", DepartmentKind::Health, true),
        ("cdc-sys", DepartmentKind::Cdc, true),
        ("hr-sys", DepartmentKind::Hr, true),
        ("mi-sys", DepartmentKind::MedicalInsurance, true),
        ("tax-sys", DepartmentKind::Tax, true),
    ] {
        let key = generate_signing_key().expect("key");
        let dept = NewDepartment {
            id: id.into(),
            name: format!("测试{id}"),
            kind,
            webhook_url: system.then(|| format!("{hooks}/{id}")),
        };
        store
            .add_department(
                &dept,
                &key.verifying_key(),
                monday() - chrono::Duration::days(1),
            )
            .await
            .expect("dept");
        keys.insert(id, key);
    }
    // The outbox worker on the real clock: every delivery queued in the test's past is due.
    let state = AppState::new(store, Calendar::shipped());
    World {
        app,
        keys,
        inbox,
        state,
    }
}

impl World {
    /// A signed request from department `dept`.
    async fn signed(&self, dept: &str, path: &str, body: &Value) -> auth_support::Reply {
        let bytes = serde_json::to_vec(body).expect("json");
        let ts = self.app.now().timestamp();
        let signature = sign(&self.keys[dept], "POST", path, ts, &bytes);
        let request = Request::builder()
            .method("POST")
            .uri(path)
            .header("content-type", "application/json")
            .header("x-onething-dept", dept)
            .header("x-onething-timestamp", ts.to_string())
            .header("x-onething-signature", signature)
            .body(Body::from(bytes))
            .expect("request");
        self.app.send(request).await
    }

    async fn push(&self, dept: &str, dataset: &str, records: Vec<Value>) {
        let reply = self
            .signed(
                dept,
                &format!("/api/v1/exchange/{dataset}"),
                &json!({"records": records}),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{dataset}: {}", reply.text);
        assert_eq!(
            reply.json["rejected"],
            json!([]),
            "{dataset}: {}",
            reply.text
        );
    }

    async fn result(&self, dept: &str, body: Value) -> auth_support::Reply {
        self.signed(dept, "/api/v1/exchange/results", &body).await
    }

    /// Pushes the family's records: certificate (when `born` is given), households, marriage.
    async fn records(&self, f: &Family, r: &Records) {
        if let Some(born) = r.born {
            self.push(
                "health-push",
                "birth-certificates",
                vec![json!({
                "certificate_no": f.certificate, "child_name": "测试宝", "child_sex": "female",
                "birth_time": format!("{born}T08:30:00+08:00"), "gestational_weeks": 39,
                "weight_g": 3200, "length_cm": 50, "birth_region": r.birth_region,
                "institution_code": "H450203001", "institution_name": "测试妇幼保健院",
                "mother_name": "测试母", "mother_id": f.mother.as_str(),
                "father_name": "测试父", "father_id": f.father.as_str(), "issued_on": born})],
            )
            .await;
        }
        let mut households = vec![json!({"person_id": f.mother.as_str(), "name": "测试母",
            "sex": "female", "ethnicity": "汉族", "nationality": "CHN",
            "region_code": r.mother_region, "address": "测试路1号"})];
        if let Some((nationality, region)) = r.father {
            households.push(
                json!({"person_id": f.father.as_str(), "name": "测试父", "sex": "male",
                "ethnicity": "汉族", "nationality": nationality, "region_code": region,
                "address": "测试路1号"}),
            );
        }
        self.push("police-push", "household-registrations", households)
            .await;
        if let Some(on) = r.married_on {
            self.push("civil", "marriages", vec![json!({
                "certificate_no": format!("J450202-{}", f.certificate), "husband_id": f.father.as_str(),
                "wife_id": f.mother.as_str(), "registered_on": on, "status": "married"})]).await;
        }
    }
}

pub struct Records {
    born: Option<&'static str>,
    birth_region: &'static str,
    mother_region: &'static str,
    father: Option<(&'static str, &'static str)>,
    married_on: Option<&'static str>,
}

fn qualifying() -> Records {
    Records {
        born: Some("2025-01-10"),
        birth_region: "450203",
        mother_region: "450202",
        father: Some(("CHN", "450205")),
        married_on: Some("2022-05-20"),
    }
}

fn form(f: &Family) -> Value {
    json!({
        "father_id": f.father.as_str(),
        "household": {"register_with": "father"},
        "ethnicity": {"value": "汉族", "confirmed_by": ["mother"]},
        "premium_channel": "alipay",
        "reimbursement": {"to": "social_security_card"},
        "card_bank": "icbc",
        "delivery": {"method": "pickup", "collector": "mother"}
    })
}

fn item<'a>(case: &'a Value, code: &str) -> &'a Value {
    case["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["item"] == code)
        .expect(code)
}

async fn mother_signs_in(w: &World, f: &Family, name: &str) -> SignedIn {
    w.app
        .add_user(name, Role::Person, Scope::Person(f.mother.clone()))
        .await;
    w.app.sign_in(name).await
}

#[tokio::test]
async fn a_family_applies_once_and_five_departments_finish_seven_items() {
    for db in test_dbs().await {
        let label = db.label;
        let w = world(db.store).await;
        let f = family(1);
        w.records(&f, &qualifying()).await;
        let mum = mother_signs_in(&w, &f, "mum").await;
        w.app
            .add_user(
                "police",
                Role::DeptOfficer,
                Scope::Department {
                    id: "police-push".into(),
                    kind: DepartmentKind::PublicSecurity,
                },
            )
            .await;
        let police = w.app.sign_in("police").await;

        let reply = w
            .app
            .bearer(&mum, "POST", "/api/v1/newborn/applications", Some(form(&f)))
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{label}: {}", reply.text);
        let app = reply.json;
        assert_eq!(app["status"], "accepted");
        assert_eq!(app["reasons"], json!([]));
        assert_eq!(app["missing"], json!([]));
        assert!(
            app["prefilled"]
                .as_array()
                .expect("p")
                .iter()
                .any(|p| p["field"] == "child.name" && p["source"] == "birth-certificates")
        );
        let number = app["notice"]["number"].as_str().expect("number").to_owned();
        let code = app["notice"]["verification_code"]
            .as_str()
            .expect("code")
            .to_owned();
        assert_eq!(app["notice"]["kind"], "acceptance");

        // The notice: the public check, and the sealed PDF verified with the platform's key.
        let check = w
            .app
            .send(
                Request::get(format!("/api/v1/notices/{number}?code={code}"))
                    .body(Body::empty())
                    .expect("r"),
            )
            .await;
        assert_eq!(check.status, StatusCode::OK, "{}", check.text);
        assert_eq!(check.json["kind"], "acceptance");
        assert!(
            check.json["applicant_masked"]
                .as_str()
                .expect("m")
                .contains('*')
        );
        let wrong = w
            .app
            .send(
                Request::get(format!("/api/v1/notices/{number}?code=AAAAAAAA"))
                    .body(Body::empty())
                    .expect("r"),
            )
            .await;
        assert_eq!(wrong.status, StatusCode::NOT_FOUND);
        let app_id = app["id"].as_str().expect("id").to_owned();
        let pdf = w
            .app
            .bearer(
                &mum,
                "GET",
                &format!("/api/v1/newborn/applications/{app_id}/notice.pdf"),
                None,
            )
            .await;
        if pdf.status == StatusCode::OK {
            let pem = w
                .app
                .send(
                    Request::get("/api/v1/exchange/platform-key")
                        .body(Body::empty())
                        .expect("r"),
                )
                .await;
            let key = verifying_key_from_pem(&pem.text).expect("platform key");
            let document =
                onething_exchange::seal::verify_sealed(&key, &pdf.bytes).expect("seal verifies");
            assert!(document.starts_with(b"%PDF"));
        } else {
            assert_error(&pdf, StatusCode::SERVICE_UNAVAILABLE, "FONT_MISSING");
        }

        // The case: the certificate done at acceptance, due dates along the chain across the
        // Spring Festival, the promise acceptance + 33 working days.
        let case_id = app["case_id"].as_str().expect("case").to_owned();
        let case = w
            .app
            .bearer(&mum, "GET", &format!("/api/v1/cases/{case_id}"), None)
            .await
            .json;
        assert_eq!(case["items"].as_array().expect("items").len(), 7);
        let cert = item(&case, "HEALTH-BIRTH-CERT");
        assert_eq!(cert["state"], "done");
        assert_eq!(cert["certificate_ref"], f.certificate.as_str());
        assert_eq!(item(&case, "CDC-VACCINATION-CERT")["due_on"], "2025-01-21");
        assert_eq!(
            item(&case, "POLICE-BIRTH-REGISTRATION")["due_on"],
            "2025-01-22"
        );
        assert_eq!(item(&case, "PS-07")["due_on"], "2025-02-14");
        assert_eq!(case["due_on"], "2025-03-12", "{label}");
        let early = w
            .app
            .bearer(
                &mum,
                "POST",
                &format!("/api/v1/cases/{case_id}/rating"),
                Some(json!({"score": 5})),
            )
            .await;
        assert_error(&early, StatusCode::CONFLICT, "INVALID_STATE");

        // The outbox delivers the ready items to the departments' systems.
        run_outbox_once(&w.state).await;
        let vaccination = w.inbox.item("cdc-sys", "CDC-VACCINATION-CERT");
        assert!(
            vaccination["mother_id"].as_str().expect("id").contains('*'),
            "CDC sees masked ids"
        );
        assert_eq!(
            w.inbox.item("health-sys", "HEALTH-PARENTING")["bundle"],
            "newborn"
        );
        let reimbursement = w.inbox.item("mi-sys", "PS-07");
        assert_eq!(reimbursement["mother_id"], f.mother.as_str());

        let done = |delivery: &Value, data: Value| json!({"delivery_id": delivery["delivery_id"], "result": "done", "certificate_ref": format!("E-{}", delivery["item"].as_str().unwrap_or_default()), "data": data});
        let reply = w
            .result(
                "cdc-sys",
                done(&vaccination, json!({"certificate_no": "YM2025000123"})),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        // A retrying system signs again (the same signature twice is a replay, refused).
        w.app.advance(chrono::Duration::seconds(1));
        let again = w
            .result(
                "cdc-sys",
                done(&vaccination, json!({"certificate_no": "YM2025000123"})),
            )
            .await;
        assert_eq!(again.status, StatusCode::OK, "{}", again.text);
        assert_eq!(
            again.json["case_version"], reply.json["case_version"],
            "a repeated result changes nothing"
        );
        let stranger = w.result("hr-sys", done(&reimbursement, json!({}))).await;
        assert_error(&stranger, StatusCode::FORBIDDEN, "NOT_YOUR_DELIVERY");
        let reply = w
            .result("mi-sys", done(&reimbursement, json!({"paid_fen": 380000})))
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        let parenting = json!({"case_id": case_id, "item": "HEALTH-PARENTING", "result": "done",
            "data": {"home_visits": ["2025-01-24", "2025-02-17", "2025-04-21", "2025-07-21", "2025-10-20", "2026-01-19"]}});
        let reply = w.result("health-sys", parenting).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);

        // Public security has no system: its officer registers the birth on the officers' API.
        let queue = w
            .app
            .bearer(&police, "GET", "/api/v1/newborn/department/items", None)
            .await;
        assert!(
            queue
                .json
                .as_array()
                .expect("queue")
                .iter()
                .any(|i| i["case_id"] == case_id.as_str()
                    && i["item"] == "POLICE-BIRTH-REGISTRATION")
        );
        let wrong_kind = w
            .app
            .bearer(
                &police,
                "POST",
                &format!("/api/v1/cases/{case_id}/items/PS-36/complete"),
                Some(json!({})),
            )
            .await;
        assert_error(&wrong_kind, StatusCode::NOT_FOUND, "NOT_FOUND");
        let registered = w.app.bearer(&police, "POST", &format!("/api/v1/cases/{case_id}/items/POLICE-BIRTH-REGISTRATION/complete"),
            Some(json!({"certificate_ref": "HK-450202-0001234", "data": {"household_no": "450202-0001234", "child_id": "450202202501100028"}}))).await;
        assert_eq!(registered.status, StatusCode::OK, "{}", registered.text);

        // The registration's data reaches the enrollment and the card, and HR and medical
        // insurance receive the result itself (附件2 五(三)3).
        run_outbox_once(&w.state).await;
        let enrollment = w.inbox.item("mi-sys", "PS-36");
        let card = w.inbox.item("hr-sys", "HR-SSCARD");
        for delivery in [&enrollment, &card] {
            assert_eq!(
                delivery["inputs"]["POLICE-BIRTH-REGISTRATION"]["data"]["household_no"],
                "450202-0001234",
                "{label}"
            );
        }
        assert_eq!(card["form"]["card_bank"], "icbc");
        assert!(
            w.inbox
                .of("hr-sys")
                .iter()
                .any(|d| d["purpose"] == "result" && d["item"] == "POLICE-BIRTH-REGISTRATION")
        );
        let reply = w
            .result(
                "mi-sys",
                done(&enrollment, json!({"insured_no": "J450202-77"})),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        run_outbox_once(&w.state).await;
        assert!(
            w.inbox
                .of("tax-sys")
                .iter()
                .any(|d| d["purpose"] == "result" && d["item"] == "PS-36"),
            "the enrollment goes to tax"
        );
        let reply = w
            .result(
                "hr-sys",
                done(
                    &card,
                    json!({"card_no": "SSC-001", "collect_at": "工商银行城中支行"}),
                ),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);

        // The mother sees every item done, her messages and the electronic results; the
        // promise did not move; she rates the service once.
        let case = w
            .app
            .bearer(&mum, "GET", &format!("/api/v1/cases/{case_id}"), None)
            .await
            .json;
        for i in case["items"].as_array().expect("items") {
            assert_eq!(i["state"], "done", "{label} {}", i["item"]);
            assert_eq!(i["progress"], "已办结");
        }
        assert_eq!(case["due_on"], "2025-03-12");
        let progress = w
            .app
            .bearer(
                &mum,
                "GET",
                &format!("/api/v1/newborn/applications/{app_id}/progress"),
                None,
            )
            .await
            .json;
        let messages: Vec<&str> = progress["messages"]
            .as_array()
            .expect("m")
            .iter()
            .filter_map(|m| m["body"].as_str())
            .collect();
        assert!(
            messages.iter().any(|m| m.contains("已受理")),
            "{messages:?}"
        );
        assert!(
            messages.iter().any(|m| m.contains("“出生登记”已办结")),
            "{messages:?}"
        );
        assert!(
            messages.iter().any(|m| m.contains("支付宝")),
            "premium notice: {messages:?}"
        );
        assert_eq!(progress["results"].as_array().expect("r").len(), 7);
        let rated = w
            .app
            .bearer(
                &mum,
                "POST",
                &format!("/api/v1/cases/{case_id}/rating"),
                Some(json!({"score": 5, "comment": "一次都没跑"})),
            )
            .await;
        assert_eq!(rated.status, StatusCode::CREATED, "{}", rated.text);
        let again = w
            .app
            .bearer(
                &mum,
                "POST",
                &format!("/api/v1/cases/{case_id}/rating"),
                Some(json!({"score": 1})),
            )
            .await;
        assert_error(&again, StatusCode::CONFLICT, "ALREADY_RATED");
        let bad = w
            .app
            .bearer(
                &mum,
                "POST",
                &format!("/api/v1/cases/{case_id}/rating"),
                Some(json!({"score": 9})),
            )
            .await;
        assert_error(&bad, StatusCode::BAD_REQUEST, "OUT_OF_RANGE");
    }
}

fn material(material: &str) -> (String, Vec<u8>) {
    let boundary = "newbornboundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"material\"\r\n\r\n{material}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"page.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 16, b'J', b'F', b'I', b'F']);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload(w: &World, who: &SignedIn, app_id: &str, code: &str) -> auth_support::Reply {
    let (content_type, body) = material(code);
    let request = Request::builder()
        .method("POST")
        .uri(format!("/api/v1/newborn/applications/{app_id}/materials"))
        .header("authorization", format!("Bearer {}", who.token))
        .header("content-type", content_type)
        .body(Body::from(body))
        .expect("request");
    w.app.send(request).await
}

#[tokio::test]
async fn one_notice_lists_every_missing_material_and_ineligible_families_get_every_reason() {
    for db in test_dbs().await {
        let label = db.label;
        let w = world(db.store).await;
        w.app
            .add_user("window", Role::HospitalClerk, hospital())
            .await;
        let clerk = w.app.sign_in("window").await;

        // Incomplete: no father's household, no marriage record. The clerk files at the window.
        let f = family(2);
        let mut r = qualifying();
        r.father = None;
        r.married_on = None;
        w.records(&f, &r).await;
        let mut body = form(&f);
        body["mother_id"] = json!(f.mother.as_str());
        body["ethnicity"]["confirmed_by"] = json!(["mother", "father"]);
        let reply = w
            .app
            .bearer(&clerk, "POST", "/api/v1/newborn/applications", Some(body))
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{label}: {}", reply.text);
        assert_eq!(reply.json["status"], "needs_supplement");
        let missing: Vec<&str> = reply.json["missing"]
            .as_array()
            .expect("m")
            .iter()
            .filter_map(|m| m["material"].as_str())
            .collect();
        assert_eq!(
            missing,
            vec!["HOUSEHOLD_REGISTER_FATHER", "MARRIAGE_CERTIFICATE"]
        );
        assert_eq!(reply.json["notice"]["kind"], "supplement");
        assert_eq!(reply.json["case_id"], Value::Null);
        let app_id = reply.json["id"].as_str().expect("id").to_owned();
        let mum = mother_signs_in(&w, &f, "mum2").await;
        let uploaded = upload(&w, &mum, &app_id, "MARRIAGE_CERTIFICATE").await;
        assert_eq!(uploaded.status, StatusCode::CREATED, "{}", uploaded.text);
        let early = w
            .app
            .bearer(
                &clerk,
                "POST",
                &format!("/api/v1/newborn/applications/{app_id}/accept"),
                None,
            )
            .await;
        assert_error(&early, StatusCode::CONFLICT, "INVALID_STATE");
        let not_asked = upload(&w, &mum, &app_id, "BIRTH_RECORD").await;
        assert_error(
            &not_asked,
            StatusCode::BAD_REQUEST,
            "MATERIAL_NOT_REQUESTED",
        );
        let uploaded = upload(&w, &mum, &app_id, "HOUSEHOLD_REGISTER_FATHER").await;
        assert_eq!(uploaded.status, StatusCode::CREATED, "{}", uploaded.text);

        // A credit record about the father (SV-5) is shown to the window that accepts, with
        // the acceptance still offered; the mother's own page shows none of it.
        w.app
            .add_user("sup", Role::Supervisor, Scope::Region(city()))
            .await;
        let sup = w.app.sign_in("sup").await;
        let entry = json!({"subject_kind": "person", "subject_id": f.father.as_str(),
                           "decision": "曾骗取生育医疗费用", "basis": "医保罚字〔2024〕7号",
                           "valid_from": "2024-01-01"});
        let recorded = w
            .app
            .bearer(
                &sup,
                "POST",
                "/api/v1/supervision/credit-records",
                Some(entry),
            )
            .await;
        assert_eq!(
            recorded.status,
            StatusCode::CREATED,
            "{label}: {}",
            recorded.text
        );
        let shown = w
            .app
            .send(page(&clerk, &format!("/newborn/applications/{app_id}")))
            .await;
        assert!(
            shown.text.contains("信用记录提示"),
            "{label}: {}",
            shown.text
        );
        assert!(shown.text.contains("父亲有信用记录：曾骗取生育医疗费用"));
        assert!(shown.text.contains("材料已审核，受理"), "still offered");
        let hers = w
            .app
            .send(page(&mum, &format!("/newborn/applications/{app_id}")))
            .await;
        assert!(!hers.text.contains("信用记录"), "{}", hers.text);

        let by_mum = w
            .app
            .bearer(
                &mum,
                "POST",
                &format!("/api/v1/newborn/applications/{app_id}/accept"),
                None,
            )
            .await;
        assert_error(&by_mum, StatusCode::FORBIDDEN, "FORBIDDEN");
        let accepted = w
            .app
            .bearer(
                &clerk,
                "POST",
                &format!("/api/v1/newborn/applications/{app_id}/accept"),
                None,
            )
            .await;
        assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.text);
        assert_eq!(accepted.json["status"], "accepted");
        assert_eq!(accepted.json["notice"]["kind"], "acceptance");
        assert!(accepted.json["case_id"].is_string());

        // Ineligible: each refused with its reason, all reasons at once.
        let mut cases: Vec<(u16, Records, Vec<&str>)> = Vec::new();
        let mut late = qualifying();
        late.born = Some("2024-12-18");
        cases.push((3, late, vec!["APPLIED_TOO_LATE"]));
        let mut unmarried = qualifying();
        unmarried.married_on = Some("2025-01-15");
        cases.push((4, unmarried, vec!["NOT_IN_WEDLOCK"]));
        let mut foreign = qualifying();
        foreign.father = Some(("VNM", "450205"));
        cases.push((5, foreign, vec!["PARENT_NOT_CITIZEN"]));
        let mut elsewhere = qualifying();
        elsewhere.mother_region = "500228";
        elsewhere.father = Some(("CHN", "420281"));
        cases.push((6, elsewhere, vec!["NO_LOCAL_HOUSEHOLD"]));
        for (n, r, expected) in cases {
            let f = family(n);
            w.records(&f, &r).await;
            let mum = mother_signs_in(&w, &f, &format!("mum{n}")).await;
            let reply = w
                .app
                .bearer(&mum, "POST", "/api/v1/newborn/applications", Some(form(&f)))
                .await;
            assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
            assert_eq!(reply.json["status"], "refused", "{label} {expected:?}");
            assert_eq!(reply.json["reasons"], json!(expected), "{label}");
            assert_eq!(reply.json["notice"]["kind"], "refusal");
        }

        // A field the form does not have, and a bad choice, are named.
        let f = family(7);
        let mum = mother_signs_in(&w, &f, "mum7").await;
        let mut body = form(&f);
        body["card_bank"] = json!("bank_of_nowhere");
        let reply = w
            .app
            .bearer(&mum, "POST", "/api/v1/newborn/applications", Some(body))
            .await;
        assert_error(&reply, StatusCode::BAD_REQUEST, "INVALID_ENUM");
        assert_eq!(reply.json["error"]["field"], "card_bank");
        let mut body = form(&f);
        body["favourite_colour"] = json!("red");
        let reply = w
            .app
            .bearer(&mum, "POST", "/api/v1/newborn/applications", Some(body))
            .await;
        assert_error(&reply, StatusCode::BAD_REQUEST, "INVALID_BODY");
        // Another mother's application is not there for her.
        let other = w
            .app
            .bearer(
                &mum,
                "GET",
                &format!("/api/v1/newborn/applications/{app_id}"),
                None,
            )
            .await;
        assert_error(&other, StatusCode::NOT_FOUND, "NOT_FOUND");
    }
}

fn form_post(who: &SignedIn, uri: &str, body: &str) -> Request<Body> {
    auth_support::cookie_request(who, "POST", uri, Some(&who.csrf))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body.to_owned()))
        .expect("request")
}

fn page(who: &SignedIn, uri: &str) -> Request<Body> {
    auth_support::cookie_request(who, "GET", uri, None)
        .body(Body::empty())
        .expect("request")
}

#[tokio::test]
async fn the_pages_take_the_form_show_the_progress_and_let_an_officer_finish_an_item() {
    let db = support::test_dbs()
        .await
        .into_iter()
        .next()
        .expect("sqlite");
    let w = world(db.store).await;
    let f = family(8);
    w.records(&f, &qualifying()).await;
    let mum = mother_signs_in(&w, &f, "mum8").await;
    w.app
        .add_user(
            "police",
            Role::DeptOfficer,
            Scope::Department {
                id: "police-push".into(),
                kind: DepartmentKind::PublicSecurity,
            },
        )
        .await;
    let police = w.app.sign_in("police").await;

    let guide = w
        .app
        .send(
            Request::get("/newborn/guide")
                .body(Body::empty())
                .expect("r"),
        )
        .await;
    assert_eq!(guide.status, StatusCode::OK);
    assert!(guide.text.contains("智能导引") && guide.text.contains("出生1个月内"));
    // 智能导引's check on the family's shared data, before anything is filed.
    let pre = w
        .app
        .send(page(
            &mum,
            &format!("/newborn/guide?father_id={}", f.father.as_str()),
        ))
        .await;
    assert!(pre.text.contains("符合条件，材料齐全"), "{}", pre.text);
    let stranger = w.app.send(page(&mum, "/newborn/guide?father_id=123")).await;
    assert!(stranger.text.contains("father_id"), "a bad id is named");
    let blank = w
        .app
        .send(form_post(&mum, "/newborn/apply", "father_id=123"))
        .await;
    assert_eq!(
        blank.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        blank.text
    );
    assert!(blank.text.contains("father_id"), "the field is named");
    let body = format!(
        "father_id={}&register_with=father&ethnicity=%E6%B1%89%E6%97%8F&confirmed_mother=1&premium_channel=alipay&reimbursement_to=social_security_card&card_bank=icbc&delivery_method=pickup&collector=mother",
        f.father.as_str()
    );
    let filed = w.app.send(form_post(&mum, "/newborn/apply", &body)).await;
    assert_eq!(filed.status, StatusCode::SEE_OTHER, "{}", filed.text);
    let location = filed.headers["location"]
        .to_str()
        .expect("location")
        .to_owned();
    let shown = w.app.send(page(&mum, &location)).await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.text);
    for expected in [
        "受理通知书",
        "办理进度",
        "出生登记",
        "已办结",
        "未办结",
        "2025-03-12",
        "birth-certificates",
    ] {
        assert!(
            shown.text.contains(expected),
            "{expected} on the mother's page"
        );
    }
    assert!(
        !shown.text.contains(f.mother.as_str()),
        "no full id on the page"
    );

    let queue = w.app.send(page(&police, "/dept/newborn")).await;
    assert_eq!(queue.status, StatusCode::OK);
    let link = queue
        .text
        .split("href=\"/dept/newborn/")
        .nth(1)
        .expect("an item link")
        .split('"')
        .next()
        .expect("href")
        .to_owned();
    let item = w
        .app
        .send(page(&police, &format!("/dept/newborn/{link}")))
        .await;
    assert_eq!(item.status, StatusCode::OK, "{}", item.text);
    assert!(item.text.contains("出生登记") && item.text.contains("register_with"));
    let done = w
        .app
        .send(form_post(
            &police,
            &format!("/dept/newborn/{link}/complete"),
            "certificate_ref=HK-1&data=household_no%3D450202-0009",
        ))
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text);
    let shown = w.app.send(page(&mum, &location)).await;
    assert!(
        shown.text.contains("HK-1") && shown.text.contains("450202-0009"),
        "the result on her page"
    );
    // The counterfoils of the quarter: the hospital hands them over, the police receive them.
    w.app
        .add_user("window", Role::HospitalClerk, hospital())
        .await;
    let window = w.app.sign_in("window").await;
    let list = w
        .app
        .send(page(&window, "/newborn/counterfoils?quarter=2025Q1"))
        .await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text);
    assert!(list.text.contains("H450203001") && list.text.contains("2025-03-30"));
    let confirm = "/newborn/counterfoils/H450203001/2025Q1/confirm";
    let handed = w.app.send(form_post(&window, confirm, "")).await;
    assert_eq!(handed.status, StatusCode::SEE_OTHER, "{}", handed.text);
    let received = w.app.send(form_post(&police, confirm, "")).await;
    assert_eq!(received.status, StatusCode::SEE_OTHER, "{}", received.text);
    let list = w
        .app
        .send(page(&police, "/newborn/counterfoils?quarter=2025Q1"))
        .await;
    assert!(list.text.contains("已交接"), "both sides recorded");
    let check = w
        .app
        .send(
            Request::get("/notices?number=XSSL000&code=AAAA")
                .body(Body::empty())
                .expect("r"),
        )
        .await;
    assert!(check.text.contains("未找到该文书"));
}

/// The hospital clerk's scope: the hospital that issued the test certificates, in the city.
fn hospital() -> Scope {
    Scope::Hospital {
        id: "H450203001".into(),
        region: city(),
    }
}

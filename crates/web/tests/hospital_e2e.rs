//! The hospital window (seed 002) end to end through HTTP, on SQLite and on PostgreSQL when
//! configured: departments push civil-affairs, HR and enrollment data through the signed
//! exchange; the clerk of one designated hospital files the unemployed spouse of an insured
//! man at once, is refused with every reason, is told every missing record; the filing is
//! its hospital's only; every shared-data read is in the audit log.

use crate::allowance;
use crate::auth_support;
use crate::support;

use allowance::{Depts, departments, person, push};
use auth_support::{SignedIn, TestApp, assert_error, region};
use axum::http::StatusCode;
use onething_domain::access::{Role, Scope};
use onething_domain::{CitizenId, Uscc};
use onething_store::audit::AuditFilter;
use serde_json::{Value, json};

/// The husbands (odd sequence numbers are men) and wives of the stories.
struct Couple {
    husband: CitizenId,
    wife: CitizenId,
}

fn couple(n: u16) -> Couple {
    Couple {
        husband: person(500 + 2 * n + 1),
        wife: person(500 + 2 * n),
    }
}

fn employer() -> Uscc {
    auth_support::employer_in(500228)
}

/// Civil affairs registers the marriage (to `husband`), HR records the wife's status, the
/// bureau the husband's enrollment.
async fn family(
    app: &TestApp,
    depts: &Depts,
    wife: &CitizenId,
    husband: &CitizenId,
    wife_status: &str,
    husband_scheme: &str,
) {
    push(
        app,
        depts,
        "civil",
        "marriages",
        vec![json!({
        "certificate_no": format!("J500228-2021-{}", &wife.as_str()[14..17]),
        "husband_id": husband.as_str(), "wife_id": wife.as_str(),
        "registered_on": "2021-05-20", "status": "married"})],
    )
    .await;
    push(
        app,
        depts,
        "hr",
        "employment-status",
        vec![json!({
        "person_id": wife.as_str(), "status": wife_status, "effective_from": "2022-01-01"})],
    )
    .await;
    insured(app, depts, husband, husband_scheme).await;
}

async fn insured(app: &TestApp, depts: &Depts, husband: &CitizenId, scheme: &str) {
    let employer = (scheme == "employee").then(|| employer().as_str().to_owned());
    push(
        app,
        depts,
        "mi",
        "insurance-enrollments",
        vec![json!({
        "person_id": husband.as_str(), "scheme": scheme, "employer_uscc": employer,
        "status": "normal", "region_code": "500228", "effective_from": "2020-01-01"})],
    )
    .await;
}

async fn file(app: &TestApp, clerk: &SignedIn, c: &Couple) -> auth_support::Reply {
    let body = json!({"husband_id": c.husband.as_str(), "wife_id": c.wife.as_str(),
        "phone": "13800000000", "service": "delivery", "fetuses": 1});
    app.bearer(clerk, "POST", "/api/v1/hospital/spouse-filings", Some(body))
        .await
}

async fn accounts(app: &TestApp) {
    let hospital = |id: &str| Scope::Hospital {
        id: id.into(),
        region: region(500228),
    };
    app.add_user("window", Role::HospitalClerk, hospital("hospital"))
        .await;
    app.add_user("window_b", Role::HospitalClerk, hospital("hospital_b"))
        .await;
    app.add_user("clerk", Role::AgencyClerk, Scope::Region(region(500000)))
        .await;
}

#[tokio::test]
async fn the_spouse_is_filed_at_once_refused_with_every_reason_or_asked_for_what_is_missing() {
    for db in support::test_dbs().await {
        eprintln!("hospital filing on {}", db.label);
        let app = TestApp::on(db.store).await;
        let depts = departments(&app).await;
        second_hospital(&app).await;
        accounts(&app).await;
        let window = app.sign_in("window").await;

        // Filed at once: married, she is unemployed, he is an insured employee.
        let a = couple(1);
        family(&app, &depts, &a.wife, &a.husband, "unemployed", "employee").await;
        let filed = file(&app, &window, &a).await;
        assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.text);
        assert_eq!(filed.json["status"], "filed");
        assert_eq!(filed.json["reasons"], json!([]));
        assert_eq!(filed.json["missing"], json!([]));
        assert!(!filed.text.contains(a.wife.as_str()), "ids masked");
        assert_eq!(filed.json["form"]["spouse_employer"], employer().as_str());
        let id = filed.json["id"].as_str().expect("id").to_owned();
        // Filing the couple again answers with the filing on record.
        let again = file(&app, &window, &a).await;
        assert_eq!(again.json["id"], id.as_str());
        reads_are_audited(&app, &id).await;
        form_pdf(&app, &window, &id).await;

        // Refused with every reason: she is married to someone else and employed, he is
        // only in the resident scheme.
        let b = couple(2);
        let other = person(599);
        family(&app, &depts, &b.wife, &other, "employed", "employee").await;
        insured(&app, &depts, &b.husband, "resident").await;
        let refused = file(&app, &window, &b).await;
        assert_eq!(refused.status, StatusCode::CREATED, "{}", refused.text);
        assert_eq!(refused.json["status"], "refused");
        assert_eq!(
            refused.json["reasons"],
            json!(["NOT_MARRIED", "SPOUSE_EMPLOYED", "HUSBAND_NOT_INSURED"])
        );

        // Missing records: no marriage and no HR record pushed yet.
        let c = couple(3);
        insured(&app, &depts, &c.husband, "employee").await;
        let supplement = file(&app, &window, &c).await;
        assert_eq!(
            supplement.json["status"], "needs_supplement",
            "{}",
            supplement.text
        );
        let missing: Vec<&str> = supplement.json["missing"]
            .as_array()
            .expect("missing")
            .iter()
            .map(|m| m["material"].as_str().expect("code"))
            .collect();
        assert_eq!(missing, ["MARRIAGE_CERTIFICATE", "EMPLOYMENT_STATUS"]);

        scope_and_input(&app, &window, &id, &a).await;
    }
}

async fn second_hospital(app: &TestApp) {
    let key = onething_exchange::signature::generate_signing_key().expect("key");
    let dept = onething_store::departments::NewDepartment {
        id: "hospital_b".into(),
        name: "测试第二医院".into(),
        kind: onething_domain::department::DepartmentKind::Hospital,
        webhook_url: None,
    };
    app.store
        .add_department(&dept, &key.verifying_key(), app.now())
        .await
        .expect("department");
}

/// Marriage, employment and enrollment were read for the filing, each audited.
async fn reads_are_audited(app: &TestApp, id: &str) {
    let reads = app
        .store
        .list_audit(&AuditFilter {
            action: Some("data_read".into()),
            actor: Some("window".into()),
            limit: 100,
            ..AuditFilter::default()
        })
        .await
        .expect("audit");
    let purpose = format!("spouse_filing {id}");
    let datasets: Vec<String> = reads
        .iter()
        .filter(|e| e.entry.detail["purpose"] == purpose.as_str())
        .map(|e| {
            e.entry.detail["dataset"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    for dataset in ["marriages", "employment-status", "insurance-enrollments"] {
        assert!(
            datasets.iter().any(|d| d == dataset),
            "{dataset}: {datasets:?}"
        );
    }
    let decided = app
        .store
        .list_audit(&AuditFilter {
            action: Some("spouse_filing_filed".into()),
            subject_id: Some(id.into()),
            limit: 10,
            ..AuditFilter::default()
        })
        .await
        .expect("audit");
    assert_eq!(decided.len(), 1);
}

async fn scope_and_input(app: &TestApp, window: &SignedIn, id: &str, a: &Couple) {
    let path = format!("/api/v1/hospital/spouse-filings/{id}");
    let own = app.bearer(window, "GET", &path, None).await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.text);
    let other = app.sign_in("window_b").await;
    let hidden = app.bearer(&other, "GET", &path, None).await;
    assert_error(&hidden, StatusCode::NOT_FOUND, "NOT_FOUND");
    let list = app
        .bearer(&other, "GET", "/api/v1/hospital/spouse-filings", None)
        .await;
    assert_eq!(list.json, json!([]), "another hospital's list is its own");
    let clerk = app.sign_in("clerk").await;
    let forbidden = file(app, &clerk, a).await;
    assert_error(&forbidden, StatusCode::FORBIDDEN, "FORBIDDEN");
    let swapped = Couple {
        husband: a.wife.clone(),
        wife: a.husband.clone(),
    };
    let bad = file(app, window, &swapped).await;
    assert_error(&bad, StatusCode::BAD_REQUEST, "INVALID_ID");
    assert_eq!(bad.json["error"]["field"], "husband_id");
    let blank = app
        .bearer(
            window,
            "POST",
            "/api/v1/hospital/spouse-filings",
            Some(json!({"wife_id": a.wife.as_str()})),
        )
        .await;
    assert_eq!(blank.status, StatusCode::BAD_REQUEST, "{}", blank.text);
    assert_eq!(blank.json["error"]["field"], "husband_id");
    let _: &Value = &blank.json;
}

/// The 附件1 form as a PDF, its Chinese text read back; or FONT_MISSING without a font.
async fn form_pdf(app: &TestApp, window: &SignedIn, id: &str) {
    let path = format!("/api/v1/hospital/spouse-filings/{id}/form.pdf");
    let pdf = app.bearer(window, "GET", &path, None).await;
    if pdf.status == StatusCode::OK {
        let document = lopdf::Document::load_mem(&pdf.bytes).expect("a PDF");
        let pages: Vec<u32> = document.get_pages().keys().copied().collect();
        let text = document
            .extract_text(&pages)
            .expect("text")
            .replace(['\n', ' '], "");
        for expected in [
            "生育保险备案登记表",
            "已备案",
            "分娩",
            "13800000000",
            "测试hospital",
        ] {
            assert!(text.contains(expected), "{expected}: {text}");
        }
    } else {
        assert_error(&pdf, StatusCode::SERVICE_UNAVAILABLE, "FONT_MISSING");
    }
}

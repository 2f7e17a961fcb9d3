//! Provisional due dates over HTTP and loading a year's holiday notice at run time (issue
//! 13): a case accepted on 20 December 2026, when 2027 has no notice, shows its due dates as
//! provisional ("预计") in the API and on every page; once an administrator loads the 2027
//! notice (page or API) they are final, the change is on the case and in the audit log.

use crate::auth_support;

use auth_support::{SignedIn, TestApp, assert_error, cookie_request, person_in, region};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::{TimeZone, Utc};
use onething_domain::Calendar;
use onething_domain::access::{Applicant, Role, Scope};
use onething_domain::case::ActorRole;
use onething_domain::department::DepartmentKind;
use onething_store::audit::AuditFilter;
use onething_store::cases::{Actor, NewCase};
use serde_json::Value;

const NOTICE_2027: &str = include_str!("../../domain/tests/data/holidays-2027.json");

/// An app whose clock reads 12:00 on Sunday 20 December 2026 (China), with a newborn case
/// of 梁平区 accepted then, and an administrator, a supervisor, an HR officer and the mother.
async fn december() -> (TestApp, String) {
    let app = TestApp::new().await;
    let noon = Utc
        .with_ymd_and_hms(2026, 12, 20, 4, 0, 0)
        .single()
        .expect("at");
    app.advance(noon - app.now());
    let mum = person_in(500228, 301);
    let actor = |key: &str| Actor {
        name: "window".into(),
        role: ActorRole::Acceptor,
        idempotency_key: format!("{key}-december"),
        at: app.now(),
    };
    let new = NewCase {
        bundle: "newborn".into(),
        applicant: Applicant::person_ref(&mum),
        region: Some("500228".into()),
        filer: None,
        id: None,
    };
    let case = app
        .store
        .open_case(&new, &actor("open"))
        .await
        .expect("opens");
    app.store
        .accept_all(&case.id, &actor("accept"), &Calendar::shipped())
        .await
        .expect("accepted into 2027 without its notice");
    app.add_user("admin", Role::Admin, Scope::Platform).await;
    app.add_user("sup", Role::Supervisor, Scope::Region(region(500200)))
        .await;
    let cdc = Scope::Department {
        id: "hr".into(),
        kind: DepartmentKind::Hr,
    };
    app.add_user("hr", Role::DeptOfficer, cdc).await;
    app.add_user("mum", Role::Person, Scope::Person(mum)).await;
    (app, case.id)
}

async fn page(app: &TestApp, who: &SignedIn, uri: &str) -> String {
    let request = cookie_request(who, "GET", uri, None)
        .body(Body::empty())
        .expect("request");
    let reply = app.send(request).await;
    assert_eq!(reply.status, StatusCode::OK, "{uri}: {}", reply.text);
    reply.text
}

fn items(case: &Value) -> &Vec<Value> {
    case["items"].as_array().expect("items")
}

/// The API marks every due date past 2026 provisional, and only those.
async fn assert_case_provisional(app: &TestApp, who: &SignedIn, id: &str, expected: bool) {
    let reply = app
        .bearer(who, "GET", &format!("/api/v1/cases/{id}"), None)
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let case = &reply.json;
    let mut provisional = 0;
    for item in items(case) {
        let due = item["due_on"].as_str().unwrap_or("");
        let flag = item["due_on_provisional"].as_bool().expect("flag");
        assert_eq!(flag, expected && due.starts_with("2027"), "{item}");
        provisional += usize::from(flag);
    }
    assert_eq!(case["due_on_provisional"], expected, "{case}");
    assert_eq!(provisional > 0, expected, "{case}");
    let list = app.bearer(who, "GET", "/api/v1/cases", None).await;
    assert_eq!(list.json["cases"][0]["due_on_provisional"], expected);
}

/// A multipart upload; `?csrf_token=` in `uri` moves into the form's first field, as the
/// page's form sends it (the token is never read from the address).
fn multipart(uri: &str, who: &SignedIn, bytes: &[u8]) -> Request<Body> {
    let boundary = "cal-boundary-7";
    let (path, token) = match uri.split_once("?csrf_token=") {
        Some((path, token)) => (path, Some(token)),
        None => (uri, None),
    };
    let mut body = String::new();
    if let Some(token) = token {
        let token: String = form_urlencoded::parse(format!("t={token}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default();
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n"
        ));
    }
    body.push_str(&format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"2027.json\"\r\n\
         Content-Type: application/json\r\n\r\n"
    ));
    let mut body = body.into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    cookie_request(who, "POST", path, None)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .expect("request")
}

#[tokio::test]
async fn provisional_due_dates_are_marked_until_the_admin_page_loads_the_notice() {
    let (app, id) = december().await;
    let (admin, sup) = (app.sign_in("admin").await, app.sign_in("sup").await);
    let (hr, mum) = (app.sign_in("hr").await, app.sign_in("mum").await);
    assert_case_provisional(&app, &admin, &id, true).await;
    // Nothing provisional is shown as final: the case, the lists, the department's items.
    let case_page = format!("/cases/{id}");
    for (who, uri) in [
        (&mum, case_page.as_str()),
        (&mum, "/cases"),
        (&hr, "/dept/items"),
    ] {
        assert!(page(&app, who, uri).await.contains("预计 2027-"), "{uri}");
    }

    let due = app.bearer(&sup, "GET", "/api/v1/due?within=20", None).await;
    assert_eq!(due.status, StatusCode::OK, "late December still answers");
    let listed = due.json["items"].as_array().expect("items");
    assert!(
        listed.iter().any(|i| i["due_on_provisional"] == true),
        "{listed:?}"
    );
    // From 1 October the administrator and the supervisor are warned; the mother is not.
    for who in [&admin, &sup] {
        assert!(
            page(&app, who, "/cases")
                .await
                .contains("2027年的节假日安排尚未加载")
        );
    }
    assert!(
        !page(&app, &mum, "/cases")
            .await
            .contains("节假日安排尚未加载")
    );
    // On Friday 8 January 2027 the near-due list reaches the payment item (预计 2027-01-12).
    app.advance(chrono::TimeDelta::days(19));
    let (admin, sup) = (app.sign_in("admin").await, app.sign_in("sup").await);
    let (hr, mum) = (app.sign_in("hr").await, app.sign_in("mum").await);
    assert!(
        page(&app, &sup, "/due").await.contains("预计 2027-01-12"),
        "/due"
    );
    let form = page(&app, &admin, "/admin/calendar").await;
    assert!(form.contains("enctype=\"multipart/form-data\""));
    let token: String = form_urlencoded::byte_serialize(admin.csrf.as_bytes()).collect();
    let action = format!("/admin/calendar?csrf_token={token}");
    // Without the CSRF token, or by anyone but an administrator: refused, nothing loaded.
    let forged = app
        .send(multipart("/admin/calendar", &admin, NOTICE_2027.as_bytes()))
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let sup_token: String = form_urlencoded::byte_serialize(sup.csrf.as_bytes()).collect();
    let sup_uri = format!("/admin/calendar?csrf_token={sup_token}");
    let by_sup = app
        .send(multipart(&sup_uri, &sup, NOTICE_2027.as_bytes()))
        .await;
    assert_eq!(by_sup.status, StatusCode::FORBIDDEN);
    // A broken file is refused with the reason, and nothing changes.
    let broken = app
        .send(multipart(&action, &admin, b"{\"years\": 7}"))
        .await;
    assert_eq!(broken.status, StatusCode::BAD_REQUEST, "{}", broken.text);
    assert!(
        broken.text.contains("节假日安排文件（notice）无效"),
        "{}",
        broken.text
    );
    assert_case_provisional(&app, &admin, &id, true).await;
    let loaded = app
        .send(multipart(&action, &admin, NOTICE_2027.as_bytes()))
        .await;
    assert_eq!(loaded.status, StatusCode::OK, "{}", loaded.text);
    assert!(
        loaded.text.contains("已加载 [2027] 年的节假日安排"),
        "{}",
        loaded.text
    );
    assert!(loaded.text.contains(&id), "the recomputed items are listed");
    // Final now, everywhere, and the warning is gone.
    assert_case_provisional(&app, &admin, &id, false).await;
    for (who, uri) in [
        (&mum, case_page.as_str()),
        (&sup, "/due"),
        (&hr, "/dept/items"),
    ] {
        assert!(!page(&app, who, uri).await.contains("预计"), "{uri}");
    }
    let events = app.store.case_events(&id).await.expect("events");
    let recomputed = events.iter().filter(|e| {
        matches!(
            e.body,
            onething_domain::case::EventBody::DueDateRecomputed { .. }
        )
    });
    assert!(recomputed.count() > 0, "the change is recorded on the case");
    let audit = AuditFilter {
        action: Some("calendar_notice_loaded".into()),
        limit: 10,
        ..AuditFilter::default()
    };
    let entries = app.store.list_audit(&audit).await.expect("audit");
    assert_eq!(entries.len(), 1, "one load, one entry");
    assert_eq!(entries[0].entry.actor, "admin");
    assert_eq!(entries[0].entry.subject_id, "2027");
    // Kept for the next start.
    assert_eq!(
        app.store.calendar_notices().await.expect("notices").len(),
        1
    );
}

#[tokio::test]
async fn the_api_loads_a_notice_through_the_same_use_case() {
    let (app, id) = december().await;
    let (admin, sup) = (app.sign_in("admin").await, app.sign_in("sup").await);
    let post = |who: &SignedIn, body: &str| {
        let request = Request::builder()
            .method("POST")
            .uri("/api/v1/calendar/notices")
            .header("authorization", format!("Bearer {}", who.token))
            .header("content-type", "application/json")
            .body(Body::from(body.to_owned()))
            .expect("request");
        app.send(request)
    };
    assert_error(
        &post(&sup, NOTICE_2027).await,
        StatusCode::FORBIDDEN,
        "FORBIDDEN",
    );
    let bad = post(
        &admin,
        "{\"years\": {\"2027\": {\"off_days\": [{\"date\": \"2027-02-30\"}]}}}",
    )
    .await;
    assert_error(&bad, StatusCode::BAD_REQUEST, "INVALID_NOTICE");
    assert_eq!(bad.json["error"]["field"], "notice");
    let empty = post(&admin, "").await;
    assert_error(&empty, StatusCode::BAD_REQUEST, "MISSING_FIELD");
    assert_case_provisional(&app, &admin, &id, true).await;
    let loaded = post(&admin, NOTICE_2027).await;
    assert_eq!(loaded.status, StatusCode::OK, "{}", loaded.text);
    assert_eq!(loaded.json["years"], serde_json::json!([2027]));
    let changes = loaded.json["recomputed"].as_array().expect("changes");
    assert!(!changes.is_empty());
    assert!(
        changes
            .iter()
            .all(|c| c["case_id"] == id.as_str() && c["provisional"] == false)
    );
    assert_case_provisional(&app, &admin, &id, false).await;
    assert!(
        !page(&app, &sup, "/cases")
            .await
            .contains("节假日安排尚未加载")
    );
    // Loading it again changes nothing more.
    let again = post(&admin, NOTICE_2027).await;
    assert_eq!(again.json["recomputed"], serde_json::json!([]));
}

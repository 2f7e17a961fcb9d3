//! The pages' authorization table: every page route × every role (two tenants), plus the
//! sign-in, sign-out and elder-mode flows.
//!
//! - no session → 303 to `/login`;
//! - a role the page does not admit → 403 error page (HTML, Chinese);
//! - another tenant's case → 404 error page, the same as for a case that does not exist;
//! - no page shows a case id the user may not see, or a full citizen id.

use crate::auth_support;
use crate::world;

use auth_support::{PASSWORD, Reply, SignedIn, TestApp};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use onething_domain::access::{Role, UseCase};

const SUPERVISORS: &[Role] = &[Role::Supervisor, Role::Admin];
const ADMIN: &[Role] = &[Role::Admin];

/// Every page route that needs sign-in, with the roles it admits (`{case}`: the user's own
/// case, or the first case for a role that sees none). A page of a use case admits exactly
/// the policy table's roles for it, as its API route does (tests/authz.rs walks the same).
fn pages() -> Vec<(&'static str, &'static [Role])> {
    vec![
        ("/cases", UseCase::ViewCases.roles()),
        ("/cases?q=1234", UseCase::ViewCases.roles()),
        ("/cases/{case}", UseCase::ViewCases.roles()),
        ("/due", UseCase::ViewDue.roles()),
        ("/due?dept=health", UseCase::ViewDue.roles()),
        ("/dept/items", &[Role::DeptOfficer]),
        ("/audit", SUPERVISORS),
        ("/admin/catalog", ADMIN),
        ("/admin/users", ADMIN),
        ("/admin/departments", ADMIN),
        ("/admin/params", ADMIN),
        ("/employer/offers", UseCase::ViewOffers.roles()),
        ("/employer/claims", &[Role::Employer]),
        ("/employer/bank", UseCase::ManageEmployerAccount.roles()),
        ("/my/claims", &[Role::Person]),
        ("/clerk/review", UseCase::ReviewClaim.roles()),
        ("/clerk/window", UseCase::FileAtWindow.roles()),
        ("/clerk/lookup", UseCase::LookupPerson.roles()),
        ("/clerk/queue", UseCase::WindowQueue.roles()),
        ("/home-visits", UseCase::ViewHomeVisits.roles()),
        ("/clerk/claims", UseCase::ReviewClaim.roles()),
        ("/clerk/settlements", UseCase::ViewSettlements.roles()),
        ("/allowance/late", UseCase::ViewLatePayments.roles()),
        (
            "/supervision/duplicates",
            UseCase::ViewDuplicateAttempts.roles(),
        ),
        ("/supervision", UseCase::ViewMeasures.roles()),
        ("/supervision/reports", UseCase::ViewPeriodReports.roles()),
        (
            "/supervision/rectifications",
            UseCase::ViewRectifications.roles(),
        ),
        ("/complaints", UseCase::ViewComplaints.roles()),
        (
            "/supervision/credit-records",
            UseCase::ViewCreditRecords.roles(),
        ),
        ("/hospital/filings", UseCase::FileSpouse.roles()),
        ("/hospital/reimbursements", UseCase::FileSpouse.roles()),
        ("/hospital/claims", UseCase::FileSpouse.roles()),
        ("/hospital/account", UseCase::FileSpouse.roles()),
    ]
}

fn get(uri: &str) -> Request<Body> {
    Request::builder()
        .uri(uri)
        .body(Body::empty())
        .expect("request")
}

async fn page(app: &TestApp, who: &SignedIn, uri: &str) -> Reply {
    let request = auth_support::cookie_request(who, "GET", uri, None)
        .body(Body::empty())
        .expect("request");
    app.send(request).await
}

fn assert_html(reply: &Reply, status: StatusCode, contains: &str, context: &str) {
    assert_eq!(reply.status, status, "{context}: {}", reply.text);
    let content_type = reply
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(
        content_type.starts_with("text/html"),
        "{context}: {content_type}"
    );
    assert!(reply.text.contains("lang=\"zh-CN\""), "{context}");
    assert!(reply.text.contains(contains), "{context}: wants {contains}");
    assert!(reply.text.contains("长者模式"), "{context}: elder switch");
    assert!(
        reply
            .text
            .contains("投诉电话 <a href=\"tel:0714-8769847\">"),
        "{context}: the guide's complaint telephone in the foot"
    );
}

fn location(reply: &Reply) -> &str {
    reply
        .headers
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

#[tokio::test]
async fn every_page_route_by_role_and_tenant() {
    let w = world::world().await;
    for (route, _) in pages() {
        let uri = route.replace("{case}", w.case("newborn_cq"));
        let reply = w.app.send(get(&uri)).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "anonymous {uri}");
        assert_eq!(location(&reply), "/login", "anonymous {uri}");
    }
    for (username, role, visible) in &w.users {
        let who = w.app.sign_in(username).await;
        let (own, other) = w.own_and_other(visible);
        let hidden = w.hidden_ids(visible);
        for (route, roles) in pages() {
            let uri = route.replace("{case}", own);
            let context = format!("{username} GET {uri}");
            let reply = page(&w.app, &who, &uri).await;
            if roles.contains(role) {
                assert_html(&reply, StatusCode::OK, "<main", &context);
            } else {
                assert_html(&reply, StatusCode::FORBIDDEN, "无权访问", &context);
            }
            for id in &hidden {
                assert!(!reply.text.contains(id), "{context} shows hidden case {id}");
            }
            for person in [&w.person_cq, &w.person_hb] {
                assert!(!reply.text.contains(person.as_str()), "{context}: full id");
            }
        }
        if let Some(other) = other {
            let context = format!("{username} GET another tenant's case");
            let reply = page(&w.app, &who, &format!("/cases/{other}")).await;
            assert_html(&reply, StatusCode::NOT_FOUND, "未找到请求的资源", &context);
            let missing = page(&w.app, &who, "/cases/no-such-case").await;
            // The pages differ only in the path the elder switch returns to.
            assert_eq!(
                missing.text,
                reply.text.replace(other, "no-such-case"),
                "{context}: same page as a missing case"
            );
        }
    }
}

#[tokio::test]
async fn the_case_page_shows_progress_and_dates() {
    let w = world::world().await;
    let who = w.app.sign_in("mum_cq").await;
    let reply = page(&w.app, &who, &format!("/cases/{}", w.case("newborn_cq"))).await;
    assert_html(&reply, StatusCode::OK, "未办结", "mother's case");
    for text in ["受理日期", "应办结日", "办理部门", "500228********"] {
        assert!(reply.text.contains(text), "case page shows {text}");
    }
    let list = page(&w.app, &who, "/cases").await;
    assert!(list.text.contains(w.case("newborn_cq")), "{}", list.text);
}

fn form(uri: &str, body: &str, cookie: Option<&str>) -> Request<Body> {
    let mut builder = Request::builder()
        .method("POST")
        .uri(uri)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("host", "yb.example.cn")
        .header("origin", "http://yb.example.cn");
    if let Some(cookie) = cookie {
        builder = builder.header("cookie", cookie);
    }
    builder.body(Body::from(body.to_owned())).expect("request")
}

#[tokio::test]
async fn sign_in_failure_keeps_the_name_and_success_goes_home() {
    let app = TestApp::new().await;
    app.add_user(
        "clerk1",
        Role::AgencyClerk,
        onething_domain::access::Scope::Region(auth_support::region(500000)),
    )
    .await;
    let login = app.send(get("/login")).await;
    assert_html(
        &login,
        StatusCode::OK,
        "<label for=\"username\">",
        "login form",
    );

    let failed = app
        .send(form("/login", "username=clerk1&password=wrong-pass", None))
        .await;
    assert_html(
        &failed,
        StatusCode::UNAUTHORIZED,
        "用户名或密码错误",
        "failed sign-in",
    );
    assert!(failed.text.contains("value=\"clerk1\""), "name kept");

    let body = format!("username=clerk1&password={PASSWORD}");
    let ok = app.send(form("/login", &body, None)).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.text);
    assert_eq!(location(&ok), "/");
    let cookie = ok
        .headers
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .expect("session cookie")
        .to_owned();
    let home = app
        .send(
            Request::builder()
                .uri("/")
                .header("cookie", &cookie)
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(
        location(&home),
        "/clerk/review",
        "a clerk starts at the review queue"
    );
    let signed_in = app
        .send(
            Request::builder()
                .uri("/login")
                .header("cookie", &cookie)
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(signed_in.status, StatusCode::SEE_OTHER, "already signed in");

    // Sign-out needs the CSRF token like any state change.
    let refused = app.send(form("/logout", "", Some(&cookie))).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let cases = app
        .send(
            Request::builder()
                .uri("/cases")
                .header("cookie", &cookie)
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    let token = cases
        .text
        .split("name=\"csrf_token\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("csrf token in the sign-out form")
        .to_owned();
    let out = app
        .send(form(
            "/logout",
            &format!("csrf_token={token}"),
            Some(&cookie),
        ))
        .await;
    assert_eq!(out.status, StatusCode::SEE_OTHER, "{}", out.text);
    assert_eq!(location(&out), "/login");
    let after = app
        .send(
            Request::builder()
                .uri("/cases")
                .header("cookie", &cookie)
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(location(&after), "/login", "the session ended");
}

#[tokio::test]
async fn sign_in_is_throttled_on_the_page_too() {
    let app = TestApp::new().await;
    for _ in 0..5 {
        let reply = app
            .send(form("/login", "username=nobody&password=x", None))
            .await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    }
    let reply = app
        .send(form("/login", "username=nobody&password=x", None))
        .await;
    assert_html(
        &reply,
        StatusCode::TOO_MANY_REQUESTS,
        "登录失败次数过多",
        "throttled",
    );
    assert!(reply.headers.get("retry-after").is_some());
}

#[tokio::test]
async fn elder_mode_is_a_cookie_and_a_body_class() {
    let app = TestApp::new().await;
    let switch = app.send(get("/elder?on=1&back=/login")).await;
    assert_eq!(switch.status, StatusCode::SEE_OTHER);
    assert_eq!(location(&switch), "/login");
    let cookie = switch
        .headers
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .expect("cookie");
    assert!(cookie.starts_with("elder=1"), "{cookie}");
    let page = app
        .send(
            Request::builder()
                .uri("/login")
                .header("cookie", "elder=1")
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert!(
        page.text.contains("<body class=\"elder\">"),
        "{}",
        page.text
    );
    assert!(page.text.contains("退出长者模式"));
    for back in [
        "//evil.example",
        "/%09/evil.example",
        "/%0A/evil.example",
        "/%5Cevil.example",
    ] {
        let away = app.send(get(&format!("/elder?on=1&back={back}"))).await;
        assert_eq!(location(&away), "/", "only local paths: {back}");
    }
}

#[tokio::test]
async fn the_stylesheet_is_served() {
    let app = TestApp::new().await;
    let css = app.send(get("/static/site.css")).await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(css.text.contains("body.elder"));
    let js = app.send(get("/static/site.js")).await;
    assert_eq!(js.status, StatusCode::OK);
}

fn user_form(who: &SignedIn, uri: &str, fields: &[(&str, &str)]) -> Request<Body> {
    let mut body = vec![("csrf_token", who.csrf.as_str())];
    body.extend_from_slice(fields);
    let body = serde_urlencoded::to_string(body).expect("form");
    form(uri, &body, Some(&format!("onething_session={}", who.token)))
}

#[tokio::test]
async fn an_administrator_opens_and_disables_accounts_on_the_page() {
    let w = world::world().await;
    let admin = w.app.sign_in("admin").await;
    let uscc = auth_support::employer_in(500228).to_string();
    let fields = [
        ("username", "hr.new"),
        ("role", "employer"),
        ("scope", uscc.as_str()),
        ("password", PASSWORD),
    ];
    let added = w.app.send(user_form(&admin, "/admin/users", &fields)).await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.text);
    let listed = page(&w.app, &admin, "/admin/users?added=1").await;
    assert_html(&listed, StatusCode::OK, "hr.new", "list");
    assert!(listed.text.contains("已开设账号"), "{}", listed.text);
    w.app.sign_in("hr.new").await;

    let again = w.app.send(user_form(&admin, "/admin/users", &fields)).await;
    assert_html(
        &again,
        StatusCode::UNPROCESSABLE_ENTITY,
        "已存在",
        "duplicate",
    );
    let bad_scope = [
        ("username", "hr.bad"),
        ("role", "employer"),
        ("scope", "123"),
        ("password", PASSWORD),
    ];
    let refused = w
        .app
        .send(user_form(&admin, "/admin/users", &bad_scope))
        .await;
    assert_html(
        &refused,
        StatusCode::UNPROCESSABLE_ENTITY,
        "范围",
        "bad scope",
    );
    assert!(
        refused.text.contains("value=\"hr.bad\""),
        "form kept: {}",
        refused.text
    );

    let entries = w
        .app
        .store
        .list_audit(&onething_store::audit::AuditFilter {
            action: Some("user_added".to_owned()),
            subject_id: Some("hr.new".to_owned()),
            limit: 10,
            ..Default::default()
        })
        .await
        .expect("audit");
    assert_eq!(entries.len(), 1, "one audit entry for one account");
    assert_eq!(entries[0].entry.actor, "admin");

    let users = w.app.store.list_users().await.expect("users");
    let id = &users
        .iter()
        .find(|u| u.username.as_str() == "hr.new")
        .expect("added")
        .id;
    let off = w
        .app
        .send(user_form(
            &admin,
            &format!("/admin/users/{id}/disabled"),
            &[("disabled", "true")],
        ))
        .await;
    assert_eq!(off.status, StatusCode::SEE_OTHER, "{}", off.text);
    let denied = w.app.try_sign_in("hr.new", PASSWORD).await;
    assert_eq!(
        denied.status,
        StatusCode::UNAUTHORIZED,
        "a disabled account cannot sign in"
    );
}

#[tokio::test]
async fn only_administrators_open_accounts() {
    let w = world::world().await;
    for (username, role, _) in &w.users {
        if *role == Role::Admin {
            continue;
        }
        let who = w.app.sign_in(username).await;
        let fields = [
            ("username", "sneaky"),
            ("role", "admin"),
            ("scope", ""),
            ("password", PASSWORD),
        ];
        let reply = w.app.send(user_form(&who, "/admin/users", &fields)).await;
        assert_html(&reply, StatusCode::FORBIDDEN, "无权访问", username);
    }
    let admin = w.app.sign_in("admin").await;
    let no_token = form(
        "/admin/users",
        "username=x&role=admin&password=s3cret-pass",
        Some(&format!("onething_session={}", admin.token)),
    );
    let reply = w.app.send(no_token).await;
    assert_eq!(
        reply.status,
        StatusCode::FORBIDDEN,
        "CSRF token required: {}",
        reply.text
    );
    assert!(
        w.app
            .store
            .list_users()
            .await
            .expect("users")
            .iter()
            .all(|u| u.username.as_str() != "x")
    );
}

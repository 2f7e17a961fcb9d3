//! The authorization table: EVERY route of the API document × every role × own tenant's data
//! vs another tenant's, proving nothing leaks.
//!
//! The rule under test (docs/security.md):
//! - no or dead credential → 401 `UNAUTHENTICATED`;
//! - a role the route does not admit → 403 `FORBIDDEN` (routes are public knowledge);
//! - a record outside the user's scope → 404 `NOT_FOUND`, the same answer as for a record
//!   that does not exist;
//! - no answer to anyone contains a case id it may not see, or a full citizen id (except the
//!   audited reveal, which answers the full id of a case in scope).
//!
//! Routes come from `onething_web::openapi_json()`, so a new route fails this test until it
//! is added to [`rules`] (or, if public, to [`PUBLIC`]).

#[path = "support/auth.rs"]
mod auth_support;
#[path = "support/world.rs"]
mod world;

use auth_support::{Reply, SignedIn, assert_error};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use onething_domain::access::Role;
use serde_json::{Value, json};
use world::World;

/// Routes anyone may call: the health check, the catalogue, sign-in, and department pushes
/// (authenticated by their Ed25519 signature instead of a session).
const PUBLIC: &[(&str, &str)] = &[
    ("get", "/healthz"),
    ("post", "/api/v1/session"),
    ("*", "/api/v1/catalog/"),
    ("*", "/api/v1/exchange/"),
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Target {
    /// The route reads data by case id: own case → 2xx, another tenant's → 404.
    Case,
    /// The route is about the user itself or lists what it may see.
    Scoped,
    /// Every admitted role gets this status: the route needs data this world has not
    /// (a claim id: the world's case ids name no claim → 404), or the table's body is
    /// incomplete on purpose (→ 400). Claims' own scoping is tested in tests/claims.rs.
    Status(StatusCode),
}

struct Rule {
    method: &'static str,
    path: &'static str,
    roles: &'static [Role],
    target: Target,
    body: Option<Value>,
    /// Answers a full identifier on purpose (the audited reveal).
    reveals: bool,
}

fn rules() -> Vec<Rule> {
    let all: &'static [Role] = &Role::ALL;
    let rule = |method, path, roles, target| Rule {
        method,
        path,
        roles,
        target,
        body: None,
        reveals: false,
    };
    vec![
        rule("get", "/api/v1/session", all, Target::Scoped),
        rule("delete", "/api/v1/session", all, Target::Scoped),
        rule("get", "/api/v1/cases", all, Target::Scoped),
        rule("get", "/api/v1/cases/{id}", all, Target::Case),
        Rule {
            body: Some(json!({"reason": "核对申请人身份"})),
            reveals: true,
            ..rule(
                "post",
                "/api/v1/cases/{id}/reveal",
                &[Role::AgencyClerk, Role::HospitalClerk, Role::Supervisor],
                Target::Case,
            )
        },
        rule(
            "get",
            "/api/v1/due",
            &[Role::Supervisor, Role::Admin],
            Target::Scoped,
        ),
        rule(
            "get",
            "/api/v1/audit",
            &[Role::Admin, Role::Supervisor],
            Target::Scoped,
        ),
        rule(
            "get",
            "/api/v1/audit/data-use",
            &[Role::Admin, Role::Supervisor, Role::DeptOfficer],
            Target::Scoped,
        ),
    ]
    .into_iter()
    .chain(allowance_rules())
    .collect()
}

/// The maternity-allowance claim routes.
fn allowance_rules() -> Vec<Rule> {
    const FILERS: &[Role] = &[Role::Employer, Role::AgencyClerk];
    const READERS: &[Role] = &[
        Role::Employer,
        Role::AgencyClerk,
        Role::Person,
        Role::Supervisor,
        Role::Admin,
    ];
    const EMPLOYER: &[Role] = &[Role::Employer];
    let rule = |method, path, roles, target| Rule {
        method,
        path,
        roles,
        target,
        body: None,
        reveals: false,
    };
    let missing = Target::Status(StatusCode::NOT_FOUND);
    let bad = Target::Status(StatusCode::BAD_REQUEST);
    vec![
        rule(
            "get",
            "/api/v1/maternity-allowance/offers",
            EMPLOYER,
            Target::Scoped,
        ),
        Rule {
            body: Some(json!({})),
            ..rule("post", "/api/v1/maternity-allowance/claims", FILERS, bad)
        },
        rule(
            "get",
            "/api/v1/maternity-allowance/claims",
            READERS,
            Target::Scoped,
        ),
        rule(
            "get",
            "/api/v1/maternity-allowance/claims/{id}",
            READERS,
            missing,
        ),
        rule(
            "post",
            "/api/v1/maternity-allowance/claims/{id}/confirm-wage",
            FILERS,
            missing,
        ),
        rule(
            "post",
            "/api/v1/maternity-allowance/claims/{id}/attachments",
            FILERS,
            missing,
        ),
        rule(
            "post",
            "/api/v1/maternity-allowance/claims/{id}/submit",
            FILERS,
            missing,
        ),
        rule(
            "post",
            "/api/v1/maternity-allowance/claims/{id}/review",
            &[Role::AgencyClerk],
            missing,
        ),
        rule(
            "get",
            "/api/v1/maternity-allowance/lookup",
            &[Role::AgencyClerk],
            bad,
        ),
        rule(
            "get",
            "/api/v1/maternity-allowance/duplicate-attempts",
            &[Role::Supervisor, Role::Admin],
            Target::Scoped,
        ),
        rule("get", "/api/v1/employer/bank-account", EMPLOYER, missing),
        Rule {
            body: Some(
                json!({"name": "测试单位", "bank": "测试银行", "number": "50001000000000000001"}),
            ),
            ..rule(
                "put",
                "/api/v1/employer/bank-account",
                EMPLOYER,
                Target::Scoped,
            )
        },
        rule("get", "/api/v1/notifications", &Role::ALL, Target::Scoped),
    ]
}

fn is_public(method: &str, path: &str) -> bool {
    PUBLIC.iter().any(|(m, p)| {
        (*m == "*" || *m == method)
            && if p.ends_with('/') {
                path.starts_with(p)
            } else {
                path == *p
            }
    })
}

/// Every (method, path) of the API document.
fn documented_routes() -> Vec<(String, String)> {
    let doc: Value = serde_json::from_str(&onething_web::openapi_json()).expect("document");
    let paths = doc["paths"].as_object().expect("paths");
    let mut routes = Vec::new();
    for (path, item) in paths {
        for method in ["get", "post", "put", "patch", "delete"] {
            if item.get(method).is_some() {
                routes.push((method.to_owned(), path.clone()));
            }
        }
    }
    assert!(
        routes.len() >= 8,
        "the document lists the routes: {routes:?}"
    );
    routes
}

async fn call(w: &World, who: Option<&SignedIn>, rule: &Rule, case_id: &str) -> Reply {
    let uri = rule.path.replace("{id}", case_id);
    let mut builder = Request::builder()
        .method(rule.method.to_uppercase().as_str())
        .uri(uri);
    if let Some(who) = who {
        builder = builder.header("authorization", format!("Bearer {}", who.token));
    }
    let request = match &rule.body {
        Some(body) => builder
            .header("content-type", "application/json")
            .body(Body::from(body.to_string())),
        None => builder.body(Body::empty()),
    };
    w.app.send(request.expect("request")).await
}

/// Nothing in `reply` names a case the user may not see, or shows a full citizen id.
fn assert_no_leak(w: &World, reply: &Reply, hidden: &[&str], rule: &Rule, user: &str) {
    for id in hidden {
        assert!(
            !reply.text.contains(id),
            "{user} {} {}: leaks case {id}: {}",
            rule.method,
            rule.path,
            reply.text
        );
    }
    if !rule.reveals {
        for person in [&w.person_cq, &w.person_hb] {
            assert!(
                !reply.text.contains(person.as_str()),
                "{user} {} {}: full citizen id in {}",
                rule.method,
                rule.path,
                reply.text
            );
        }
    }
}

#[tokio::test]
async fn every_route_refuses_and_scopes_exactly_as_declared() {
    let w = world::world().await;
    let rules = rules();
    let documented = documented_routes();
    for (method, path) in &documented {
        if is_public(method, path) {
            continue;
        }
        assert!(
            rules.iter().any(|r| r.method == method && r.path == path),
            "{method} {path} is in the API document but not in the authorization table of tests/authz.rs: declare its roles there"
        );
    }
    for rule in &rules {
        assert!(
            documented
                .iter()
                .any(|(m, p)| m == rule.method && p == rule.path),
            "{} {} is in the table but not in the API document",
            rule.method,
            rule.path
        );
        check_rule(&w, rule).await;
    }
}

async fn check_rule(w: &World, rule: &Rule) {
    let any_case = w.case("newborn_cq");
    let anonymous = call(w, None, rule, any_case).await;
    assert_error(&anonymous, StatusCode::UNAUTHORIZED, "UNAUTHENTICATED");
    for (username, role, visible) in &w.users {
        // A fresh session per call: sign-out is one of the routes under test.
        let (own, other) = w.own_and_other(visible);
        let hidden = w.hidden_ids(visible);
        let ids: Vec<&str> = match rule.target {
            Target::Case => [Some(own), other, Some("no-such-case")]
                .into_iter()
                .flatten()
                .collect(),
            Target::Scoped | Target::Status(_) => vec![own],
        };
        for id in ids {
            let who = w.app.sign_in(username).await;
            let reply = call(w, Some(&who), rule, id).await;
            let context = format!("{username} ({role}) {} {} [{id}]", rule.method, rule.path);
            if !rule.roles.contains(role) {
                assert_eq!(
                    reply.status,
                    StatusCode::FORBIDDEN,
                    "{context}: {}",
                    reply.text
                );
                assert_error(&reply, StatusCode::FORBIDDEN, "FORBIDDEN");
            } else if let Target::Status(status) = rule.target {
                assert_eq!(reply.status, status, "{context}: {}", reply.text);
            } else if rule.target == Target::Case && id != own {
                assert_error(&reply, StatusCode::NOT_FOUND, "NOT_FOUND");
                assert_eq!(
                    reply.json["error"]["message"], "未找到请求的资源",
                    "{context}: same body as a missing case"
                );
            } else {
                assert!(
                    reply.status.is_success(),
                    "{context}: {} {}",
                    reply.status,
                    reply.text
                );
            }
            assert_no_leak(w, &reply, &hidden, rule, username);
        }
    }
}

#[tokio::test]
async fn public_routes_answer_without_a_session() {
    let w = world::world().await;
    for path in [
        "/healthz",
        "/api/v1/catalog/items",
        "/api/v1/catalog/bundles",
    ] {
        let reply = w
            .app
            .send(Request::get(path).body(Body::empty()).expect("request"))
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{path}: {}", reply.text);
    }
}

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

use crate::auth_support;
use crate::world;
use onething_services::allowance::payment_texts;

use auth_support::{Reply, SignedIn, assert_error};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use onething_domain::access::{Role, UseCase};
use serde_json::{Value, json};
use world::World;

/// Routes anyone may call: the health check, the catalogue, sign-in, and department pushes
/// (authenticated by their Ed25519 signature instead of a session).
const PUBLIC: &[(&str, &str)] = &[
    ("get", "/healthz"),
    // Readiness for the load balancer; metrics behind the optional scrape token
    // (tests/metrics.rs), neither for users, both kept off the proxy.
    ("get", "/readyz"),
    ("get", "/metrics"),
    ("post", "/api/v1/session"),
    ("*", "/api/v1/catalog/"),
    ("*", "/api/v1/exchange/"),
    ("get", "/api/v1/notices/{number}"),
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Target {
    /// The route reads data by case id: own case → 2xx, another tenant's → 404.
    Case,
    /// The route is about the user itself or lists what it may see.
    Scoped,
    /// The route takes a settlement id: own region's → 2xx, another region's → 404.
    Settlement,
    /// The route takes the id of a claim whose payment failed: own → 2xx, another's → 404.
    FailedClaim,
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
    /// A CSV body instead of JSON (the bank's results).
    csv: Option<&'static str>,
}

/// A rule with no body.
fn rule(method: &'static str, path: &'static str, roles: &'static [Role], target: Target) -> Rule {
    Rule {
        method,
        path,
        roles,
        target,
        body: None,
        reveals: false,
        csv: None,
    }
}

fn rules() -> Vec<Rule> {
    // Every role list below is the policy table's (`UseCase::roles`): the page tests walk
    // the same table, so a page and its API cannot disagree on who may do what.
    let all: &'static [Role] = UseCase::ViewCases.roles();
    let view: &'static [Role] = UseCase::ViewSettlements.roles();
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
            UseCase::ViewDue.roles(),
            Target::Scoped,
        ),
        rule(
            "get",
            "/api/v1/audit",
            &[Role::Admin, Role::Supervisor],
            Target::Scoped,
        ),
        Rule {
            body: Some(
                serde_json::from_str(include_str!("../../domain/tests/data/holidays-2027.json"))
                    .expect("2027 fixture"),
            ),
            ..rule(
                "post",
                "/api/v1/calendar/notices",
                UseCase::LoadCalendarNotice.roles(),
                Target::Scoped,
            )
        },
        rule(
            "get",
            "/api/v1/audit/data-use",
            &[Role::Admin, Role::Supervisor, Role::DeptOfficer],
            Target::Scoped,
        ),
        Rule {
            body: Some(json!({"limit": 50})),
            ..rule(
                "post",
                "/api/v1/audit/search",
                &[Role::Admin, Role::Supervisor],
                Target::Scoped,
            )
        },
        Rule {
            body: Some(json!({"limit": 50})),
            ..rule(
                "post",
                "/api/v1/audit/data-use/search",
                &[Role::Admin, Role::Supervisor, Role::DeptOfficer],
                Target::Scoped,
            )
        },
        Rule {
            body: Some(json!({"until": "2024-09-27"})),
            ..rule(
                "post",
                "/api/v1/settlements",
                UseCase::Settle.roles(),
                Target::Scoped,
            )
        },
        rule("get", "/api/v1/settlements", view, Target::Scoped),
        rule("get", "/api/v1/settlements/{id}", view, Target::Settlement),
        rule(
            "get",
            "/api/v1/settlements/{id}/payment-file",
            UseCase::DownloadPaymentFile.roles(),
            Target::Settlement,
        ),
        Rule {
            csv: Some("payment_id,result,reason\nNO-SUCH-PAYMENT,paid,\n"),
            ..rule(
                "post",
                "/api/v1/settlements/{id}/results",
                UseCase::ImportBankResults.roles(),
                Target::Settlement,
            )
        },
        rule(
            "get",
            "/api/v1/maternity-allowance/late-payments",
            UseCase::ViewLatePayments.roles(),
            Target::Scoped,
        ),
        Rule {
            body: Some(
                json!({"name": "测试甲有限公司", "bank": "测试银行", "number": "31000999888777"}),
            ),
            ..rule(
                "put",
                "/api/v1/maternity-allowance/claims/{id}/bank-account",
                UseCase::CorrectPaymentAccount.roles(),
                Target::FailedClaim,
            )
        },
    ]
    .into_iter()
    .chain(allowance_rules())
    .chain(newborn_rules())
    .chain(supervision_rules())
    .chain(hospital_rules())
    .collect()
}

/// The newborn bundle's routes. The world's newborn cases were opened without an
/// application and the bundle's city is not configured, so permitted roles reach the
/// answer of the first thing the use case looks at (404, or 503 `NEWBORN_NOT_CONFIGURED`).
fn newborn_rules() -> Vec<Rule> {
    use UseCase as U;
    let missing = Target::Status(StatusCode::NOT_FOUND);
    let unconfigured = Target::Status(StatusCode::SERVICE_UNAVAILABLE);
    let app = |method, tail: &str, case: U, target| {
        let path: &'static str =
            Box::leak(format!("/api/v1/newborn/applications/{{id}}{tail}").into_boxed_str());
        rule(method, path, case.roles(), target)
    };
    let reason = Some(json!({"reason": "测试理由"}));
    vec![
        Rule {
            body: Some(json!({})),
            ..rule(
                "post",
                "/api/v1/newborn/applications",
                U::ApplyNewborn.roles(),
                unconfigured,
            )
        },
        rule(
            "get",
            "/api/v1/newborn/applications",
            U::ViewNewbornApplications.roles(),
            Target::Scoped,
        ),
        app("get", "", U::ViewNewbornApplications, missing),
        app("get", "/progress", U::ViewNewbornApplications, missing),
        app("get", "/notice.pdf", U::ViewNewbornApplications, missing),
        app("post", "/materials", U::SupplyMaterial, missing),
        app("post", "/accept", U::AcceptApplication, unconfigured),
        Rule {
            body: Some(json!({"reasons": ["NOT_IN_WEDLOCK"]})),
            ..app("post", "/refuse", U::RefuseApplication, unconfigured)
        },
        Rule {
            body: Some(json!({})),
            ..rule(
                "post",
                "/api/v1/cases/{id}/items/{item}/complete",
                U::CompleteItem.roles(),
                missing,
            )
        },
        Rule {
            body: reason.clone(),
            ..rule(
                "post",
                "/api/v1/cases/{id}/items/{item}/deny",
                U::DenyItem.roles(),
                missing,
            )
        },
        Rule {
            body: Some(json!({"score": 5})),
            ..rule(
                "post",
                "/api/v1/cases/{id}/rating",
                U::RateCase.roles(),
                // Her own case, still open: 409 (a stranger's is 404: services tests).
                Target::Status(StatusCode::CONFLICT),
            )
        },
        Rule {
            body: reason,
            ..rule(
                "post",
                "/api/v1/cases/{id}/withdraw",
                U::WithdrawCase.roles(),
                missing,
            )
        },
        rule(
            "get",
            "/api/v1/newborn/department/items",
            U::ViewDepartmentQueue.roles(),
            Target::Scoped,
        ),
        rule(
            "get",
            "/api/v1/newborn/counterfoils",
            U::ViewCounterfoils.roles(),
            Target::Scoped,
        ),
        rule(
            "post",
            "/api/v1/newborn/counterfoils/{institution_code}/{quarter}/confirm",
            U::ConfirmCounterfoil.roles(),
            missing,
        ),
    ]
}

/// Supervision: measures (no period given → 400), rectifications and complaints (the
/// world's case ids name none → 404 for the moves), visits on a case, complaints.
fn supervision_rules() -> Vec<Rule> {
    use UseCase as U;
    let missing = Target::Status(StatusCode::NOT_FOUND);
    let note = Some(json!({"note": "已核实"}));
    let task = |tail: &str, case: U, body: &Option<Value>| {
        let path: &'static str =
            Box::leak(format!("/api/v1/supervision/rectifications/{{id}}/{tail}").into_boxed_str());
        Rule {
            body: body.clone(),
            ..rule("post", path, case.roles(), missing)
        }
    };
    vec![
        rule(
            "get",
            "/api/v1/supervision/measures",
            U::ViewMeasures.roles(),
            Target::Status(StatusCode::BAD_REQUEST),
        ),
        rule(
            "get",
            "/api/v1/supervision/rectifications",
            U::ViewRectifications.roles(),
            Target::Scoped,
        ),
        task("investigate", U::HandleRectification, &note),
        task("rectify", U::HandleRectification, &note),
        task(
            "revisit",
            U::RevisitRectification,
            &Some(json!({"outcome": "satisfied", "note": "电话回访"})),
        ),
        rule(
            "get",
            "/api/v1/cases/{id}/visits",
            U::ViewVisits.roles(),
            Target::Case,
        ),
        Rule {
            body: Some(json!({"kind": "pickup"})),
            ..rule(
                "post",
                "/api/v1/cases/{id}/visits",
                U::RecordVisit.roles(),
                Target::Case,
            )
        },
        rule(
            "get",
            "/api/v1/window/queue",
            U::WindowQueue.roles(),
            Target::Scoped,
        ),
        Rule {
            body: Some(json!({"citizen_id": "500228199005010010", "name": "张三"})),
            ..rule(
                "post",
                "/api/v1/window/queue",
                U::WindowQueue.roles(),
                Target::Scoped,
            )
        },
        // The world's case ids name no ticket.
        Rule {
            body: Some(json!({"kind": "pickup"})),
            ..rule(
                "post",
                "/api/v1/window/queue/{id}/serve",
                U::WindowQueue.roles(),
                missing,
            )
        },
        rule(
            "post",
            "/api/v1/window/queue/{id}/miss",
            U::WindowQueue.roles(),
            missing,
        ),
        Rule {
            // An invalid date: every admitted role reaches the validation.
            body: Some(json!({"date": "x", "starts": "09:00", "ends": "11:00", "capacity": 1})),
            ..rule(
                "post",
                "/api/v1/home-visits/slots",
                U::PublishHomeVisitSlots.roles(),
                Target::Status(StatusCode::BAD_REQUEST),
            )
        },
        rule(
            "get",
            "/api/v1/home-visits/slots",
            U::PublishHomeVisitSlots.roles(),
            Target::Scoped,
        ),
        rule(
            "get",
            "/api/v1/cases/{id}/home-visit-slots",
            U::ViewHomeVisits.roles(),
            Target::Case,
        ),
        // No such slot: the own case's applicant or clerk gets 400 naming slot_id.
        Rule {
            body: Some(json!({"slot_id": "SM-none", "address": "某街道1号"})),
            ..rule(
                "post",
                "/api/v1/cases/{id}/home-visits",
                U::BookHomeVisit.roles(),
                Target::Status(StatusCode::BAD_REQUEST),
            )
        },
        rule(
            "get",
            "/api/v1/home-visits",
            U::ViewHomeVisits.roles(),
            Target::Scoped,
        ),
        rule(
            "post",
            "/api/v1/home-visits/{id}/cancel",
            U::BookHomeVisit.roles(),
            missing,
        ),
        rule(
            "post",
            "/api/v1/home-visits/{id}/visit",
            U::RecordVisit.roles(),
            missing,
        ),
        Rule {
            body: Some(json!({"subject": "office", "region": "500228", "body": "窗口排队太久"})),
            ..rule(
                "post",
                "/api/v1/complaints",
                U::FileComplaint.roles(),
                Target::Scoped,
            )
        },
        rule(
            "get",
            "/api/v1/complaints",
            U::ViewComplaints.roles(),
            Target::Scoped,
        ),
        Rule {
            body: note.clone(),
            ..rule(
                "post",
                "/api/v1/complaints/{id}/answer",
                U::AnswerComplaint.roles(),
                missing,
            )
        },
        // The world's police item is open: the supervisor of its region urges it.
        Rule {
            body: Some(json!({"note": "请尽快办理"})),
            ..rule(
                "post",
                "/api/v1/cases/{id}/items/{item}/urge",
                U::UrgeItem.roles(),
                Target::Case,
            )
        },
        Rule {
            body: Some(
                json!({"subject_kind": "institution", "subject_id": "H50022800001",
                              "decision": "骗取医保基金", "basis": "处罚决定书", "valid_from": "2024-09-01"}),
            ),
            ..rule(
                "post",
                "/api/v1/supervision/credit-records",
                U::ManageCreditRecords.roles(),
                Target::Scoped,
            )
        },
        rule(
            "get",
            "/api/v1/supervision/credit-records",
            U::ViewCreditRecords.roles(),
            Target::Scoped,
        ),
        Rule {
            body: note.clone(),
            ..rule(
                "post",
                "/api/v1/supervision/credit-records/{id}/remove",
                U::ManageCreditRecords.roles(),
                missing,
            )
        },
        rule(
            "get",
            "/api/v1/supervision/reports",
            U::ViewPeriodReports.roles(),
            Target::Scoped,
        ),
        rule(
            "get",
            "/api/v1/supervision/reports/{id}",
            U::ViewPeriodReports.roles(),
            missing,
        ),
        rule(
            "get",
            "/api/v1/supervision/reports/{id}/report.pdf",
            U::ViewPeriodReports.roles(),
            missing,
        ),
        rule(
            "get",
            "/api/v1/supervision/reports/{id}/report.xlsx",
            U::ViewPeriodReports.roles(),
            missing,
        ),
        // No item "{code}": 404 for the administrator.
        Rule {
            body: Some(json!({"version": 1, "online": true, "note": "x"})),
            ..rule(
                "post",
                "/api/v1/admin/catalog/items/{code}",
                U::EditCatalog.roles(),
                missing,
            )
        },
    ]
}

/// The maternity-allowance claim routes.
fn allowance_rules() -> Vec<Rule> {
    use UseCase as U;
    let missing = Target::Status(StatusCode::NOT_FOUND);
    let bad = Target::Status(StatusCode::BAD_REQUEST);
    let claim = |method, tail: &str, case: U| {
        let path: &'static str =
            Box::leak(format!("/api/v1/maternity-allowance/claims/{{id}}{tail}").into_boxed_str());
        rule(method, path, case.roles(), missing)
    };
    vec![
        rule(
            "get",
            "/api/v1/maternity-allowance/offers",
            U::ViewOffers.roles(),
            Target::Scoped,
        ),
        Rule {
            body: Some(json!({})),
            ..rule(
                "post",
                "/api/v1/maternity-allowance/claims",
                U::OpenClaim.roles(),
                bad,
            )
        },
        rule(
            "get",
            "/api/v1/maternity-allowance/claims",
            U::ViewClaims.roles(),
            Target::Scoped,
        ),
        claim("get", "", U::ViewClaims),
        claim("get", "/application-form.pdf", U::PrintApplicationForm),
        claim("post", "/confirm-wage", U::ConfirmWage),
        claim("post", "/attachments", U::AttachPhoto),
        claim("post", "/submit", U::SubmitClaim),
        claim("post", "/review", U::ReviewClaim),
        rule(
            "get",
            "/api/v1/maternity-allowance/lookup",
            U::LookupPerson.roles(),
            bad,
        ),
        rule(
            "get",
            "/api/v1/maternity-allowance/duplicate-attempts",
            U::ViewDuplicateAttempts.roles(),
            Target::Scoped,
        ),
        rule(
            "get",
            "/api/v1/employer/bank-account",
            U::ManageEmployerAccount.roles(),
            missing,
        ),
        Rule {
            body: Some(
                json!({"name": "测试单位", "bank": "测试银行", "number": "50001000000000000001"}),
            ),
            ..rule(
                "put",
                "/api/v1/employer/bank-account",
                U::ManageEmployerAccount.roles(),
                Target::Scoped,
            )
        },
        rule(
            "get",
            "/api/v1/employer/automatic-claims-consent",
            U::ManageAutomaticConsent.roles(),
            Target::Scoped,
        ),
        Rule {
            body: Some(json!({"consent": true})),
            ..rule(
                "put",
                "/api/v1/employer/automatic-claims-consent",
                U::ManageAutomaticConsent.roles(),
                Target::Scoped,
            )
        },
        rule(
            "get",
            "/api/v1/notifications",
            U::ViewNotifications.roles(),
            Target::Scoped,
        ),
    ]
}

/// A settlement and a failed claim per region (Chongqing, Hubei), made with fixture claims
/// written straight into `ma_claims`, settled per region and failed by the bank.
struct Fixture {
    settlements: [String; 2],
    claims: [String; 2],
}

impl Fixture {
    /// The ids a user of the given visibility owns and may not see, for `target`.
    fn own_and_other(&self, visible: &[&str], target: Target) -> (&str, Option<&str>) {
        let ids = match target {
            Target::Settlement => &self.settlements,
            _ => &self.claims,
        };
        let (cq, hb) = (
            visible.contains(&"allowance_cq"),
            visible.contains(&"allowance_hb"),
        );
        match (cq, hb) {
            (true, true) => (&ids[0], None),
            (false, true) => (&ids[1], Some(&ids[0])),
            _ => (&ids[0], Some(&ids[1])),
        }
    }
}

async fn fixture(w: &World) -> Fixture {
    use onething_domain::allowance::settlement::parse_results;
    use onething_store::allowance::settlements::{Acting, SettleRun};
    let store = &w.app.store;
    let mut settlements = Vec::new();
    let mut claims = Vec::new();
    for (code, person, scope) in [
        (500228, &w.person_cq, 500000),
        (420281, &w.person_hb, 420000),
    ] {
        let claim = format!("claim-{code}");
        let case_id =
            onething_test_support::approved_claim_case(store, person.as_str(), &code.to_string())
                .await;
        sqlx::query(
            "INSERT INTO ma_claims (id, employer_uscc, person_id, channel, status, duplicate_key,
                 region, amount_fen, payee, account_name, bank, account_number, created_by,
                 created_at, approved_on, updated_at, case_id)
             VALUES ($1, $2, $3, 'online', 'approved', $1, $4, 100000, 'employer', '测试甲有限公司',
                 '测试银行', '31000123456789', 'fixture', '2024-09-01T00:00:00.000000Z',
                 '2024-09-02', '2024-09-01T00:00:00.000000Z', $5)",
        )
        .bind(&claim)
        .bind(auth_support::employer_in(code).as_str())
        .bind(person.as_str())
        .bind(code.to_string())
        .bind(case_id)
        .execute(store.pool())
        .await
        .expect("fixture claim");
        // What approval writes with the claim: its payable.
        onething_test_support::claim_payables(store).await;
        let acting = Acting {
            name: "fixture".into(),
            role: None,
            at: w.app.now(),
        };
        let run = SettleRun {
            until: chrono::NaiveDate::from_ymd_opt(2024, 9, 27).expect("date"),
            scope: Some(auth_support::region(scope)),
            acting: acting.clone(),
        };
        let settlement = store
            .settle(&run, payment_texts)
            .await
            .expect("settle")
            .settlement
            .expect("one");
        let csv = format!(
            "payment_id,result,reason\n{},failed,户名不符\n",
            settlement.payments[0].id
        );
        let rows = parse_results(csv.as_bytes()).expect("rows");
        store
            .import_results(&settlement.head.id, &rows, &acting, payment_texts)
            .await
            .expect("failed");
        settlements.push(settlement.head.id);
        claims.push(claim);
    }
    let pair = |v: Vec<String>| -> [String; 2] { v.try_into().expect("two") };
    Fixture {
        settlements: pair(settlements),
        claims: pair(claims),
    }
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
    let uri = rule
        .path
        .replace("{id}", case_id)
        .replace("{item}", "POLICE-BIRTH-REGISTRATION")
        .replace("{institution_code}", "H000000000")
        .replace("{quarter}", "2024Q3");
    let mut builder = Request::builder()
        .method(rule.method.to_uppercase().as_str())
        .uri(uri);
    if let Some(who) = who {
        builder = builder.header("authorization", format!("Bearer {}", who.token));
    }
    if let Some(csv) = rule.csv {
        let request = builder
            .header("content-type", "text/csv")
            .body(Body::from(csv));
        return w.app.send(request.expect("request")).await;
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
    let fx = fixture(&w).await;
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
        check_rule(&w, &fx, rule).await;
    }
}

async fn check_rule(w: &World, fx: &Fixture, rule: &Rule) {
    let any_case = w.case("newborn_cq");
    let anonymous = call(w, None, rule, any_case).await;
    assert_error(&anonymous, StatusCode::UNAUTHORIZED, "UNAUTHENTICATED");
    for (username, role, visible) in &w.users {
        // A fresh session per call: sign-out is one of the routes under test.
        let (own, other) = match rule.target {
            Target::Settlement | Target::FailedClaim => fx.own_and_other(visible, rule.target),
            Target::Case | Target::Scoped | Target::Status(_) => w.own_and_other(visible),
        };
        let hidden = w.hidden_ids(visible);
        let ids: Vec<&str> = match rule.target {
            Target::Case | Target::Settlement | Target::FailedClaim => {
                [Some(own), other, Some("no-such-case")]
                    .into_iter()
                    .flatten()
                    .collect()
            }
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
            } else if rule.target != Target::Scoped && id != own {
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

/// The hospital window's routes (seed 002): the filing's id is the hospital's own; the
/// world's case ids name no filing (404).
fn hospital_rules() -> Vec<Rule> {
    use UseCase as U;
    let missing = Target::Status(StatusCode::NOT_FOUND);
    vec![
        Rule {
            body: Some(json!({})),
            ..rule(
                "post",
                "/api/v1/hospital/spouse-filings",
                U::FileSpouse.roles(),
                Target::Status(StatusCode::BAD_REQUEST),
            )
        },
        rule(
            "get",
            "/api/v1/hospital/spouse-filings",
            U::ViewSpouseFilings.roles(),
            Target::Scoped,
        ),
        rule(
            "get",
            "/api/v1/hospital/spouse-filings/{id}",
            U::ViewSpouseFilings.roles(),
            missing,
        ),
        rule(
            "get",
            "/api/v1/hospital/spouse-filings/{id}/form.pdf",
            U::ViewSpouseFilings.roles(),
            missing,
        ),
        Rule {
            body: Some(json!({})),
            ..rule(
                "post",
                "/api/v1/hospital/reimbursements",
                U::ReimburseAtWindow.roles(),
                Target::Status(StatusCode::BAD_REQUEST),
            )
        },
        rule(
            "get",
            "/api/v1/hospital/reimbursements",
            U::ViewReimbursements.roles(),
            Target::Scoped,
        ),
        rule(
            "get",
            "/api/v1/hospital/reimbursements/{id}",
            U::ViewReimbursements.roles(),
            missing,
        ),
        rule(
            "get",
            "/api/v1/hospital/bank-account",
            U::ReimburseAtWindow.roles(),
            missing,
        ),
        // The world's officers are cdc and tax: a health officer's work, 403 to them.
        rule(
            "get",
            "/api/v1/hospital/family-planning-reviews",
            U::ReviewFamilyPlanning.roles(),
            Target::Status(StatusCode::FORBIDDEN),
        ),
        Rule {
            body: Some(json!({})),
            ..rule(
                "post",
                "/api/v1/hospital/family-planning-reviews/{id}",
                U::ReviewFamilyPlanning.roles(),
                Target::Status(StatusCode::BAD_REQUEST),
            )
        },
        rule(
            "post",
            "/api/v1/hospital/claims/{id}/documents/{kind}",
            U::AttachPhoto.roles(),
            missing,
        ),
        Rule {
            body: Some(json!({})),
            ..rule(
                "put",
                "/api/v1/hospital/bank-account",
                U::ReimburseAtWindow.roles(),
                Target::Status(StatusCode::BAD_REQUEST),
            )
        },
    ]
}

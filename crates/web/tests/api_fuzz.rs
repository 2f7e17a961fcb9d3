//! What schemathesis (scripts/api-fuzz) found against the served API document, each kept as
//! a regression test: the document must describe every answer the code gives, and declare
//! the bounds the code enforces, so that a request valid by the document is accepted and
//! an invalid one refused with the contract's error body.

use crate::auth_support;
use crate::support;

use auth_support::{TestApp, assert_error};
use axum::http::StatusCode;
use onething_domain::access::{Role, Scope};
use serde_json::Value;
use support::{TestDb, test_dbs};

fn document() -> Value {
    serde_json::from_str(&onething_web::openapi_json()).expect("document is JSON")
}

fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut all = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("path item") {
            all.push((method.clone(), path.clone(), operation.clone()));
        }
    }
    all
}

fn param(doc: &Value, path: &str, method: &str, name: &str) -> Value {
    doc["paths"][path][method]["parameters"]
        .as_array()
        .expect("parameters")
        .iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("{method} {path} has no parameter {name}"))["schema"]
        .clone()
}

#[test]
fn the_document_describes_metrics_readiness_and_the_401_of_every_signed_in_operation() {
    let doc = document();
    assert!(
        doc["paths"]["/metrics"]["get"]["responses"]["200"]["content"]
            .as_object()
            .expect("metrics content")
            .keys()
            .any(|k| k.starts_with("text/plain"))
    );
    assert!(doc["paths"]["/metrics"]["get"]["responses"]["401"].is_object());
    for status in ["200", "503"] {
        assert!(doc["paths"]["/readyz"]["get"]["responses"][status].is_object());
    }
    // Answers the handlers give that the document did not list.
    for (method, path, status) in [
        ("get", "/api/v1/catalog/bundles", "400"),
        ("post", "/api/v1/newborn/applications/{id}/accept", "503"),
        ("post", "/api/v1/newborn/applications/{id}/refuse", "503"),
        (
            "post",
            "/api/v1/newborn/counterfoils/{institution_code}/{quarter}/confirm",
            "400",
        ),
    ] {
        assert!(
            doc["paths"][path][method]["responses"][status].is_object(),
            "{method} {path}: {status} not listed"
        );
    }
    let mut ids = std::collections::BTreeSet::new();
    for (method, path, operation) in operations(&doc) {
        let id = operation["operationId"].as_str().expect("operationId");
        assert!(
            ids.insert(id.to_owned()),
            "{method} {path}: operationId {id} twice"
        );
        if operation["security"].is_array() {
            assert!(
                operation["responses"]["401"].is_object(),
                "{method} {path} wants a session but lists no 401"
            );
        }
    }
}

#[test]
fn declared_response_shapes_are_the_sent_shapes() {
    let doc = document();
    // A fact's value is a string, a number or an object (it was declared an object).
    let fact = &doc["components"]["schemas"]["Fact"]["properties"]["value"];
    assert!(fact.get("type").is_none(), "{fact}");
    // The newborn lists are JSON arrays (they were declared objects).
    for path in [
        "/api/v1/newborn/applications",
        "/api/v1/newborn/counterfoils",
        "/api/v1/newborn/department/items",
    ] {
        let schema =
            &doc["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"];
        assert_eq!(schema["type"], "array", "{path}: {schema}");
    }
}

#[test]
fn enumerated_query_values_are_declared() {
    let doc = document();
    let values = |path: &str, name: &str| -> Vec<String> {
        param(&doc, path, "get", name)["enum"]
            .as_array()
            .unwrap_or_else(|| panic!("{path} {name}: no enum"))
            .iter()
            .map(|v| v.as_str().expect("string").to_owned())
            .collect()
    };
    assert_eq!(
        values("/api/v1/notifications", "channel"),
        ["in_site", "sms"]
    );
    assert_eq!(
        values("/api/v1/settlements/{id}/payment-file", "format"),
        ["csv", "xlsx"]
    );
    let statuses = values("/api/v1/maternity-allowance/claims", "status");
    assert!(statuses.contains(&"payment_failed".to_owned()));
    let quarter = param(&doc, "/api/v1/newborn/counterfoils", "get", "quarter");
    assert!(quarter["pattern"].is_string(), "{quarter}");
}

/// Each `(uri, largest accepted)`: the document's maximum is accepted, one more is refused
/// with 400 `OUT_OF_RANGE` (before, 2^31 was accepted and the document said int32).
#[tokio::test]
async fn page_sizes_and_offsets_are_refused_past_the_declared_bounds() {
    let doc = document();
    let bounds = [
        ("/api/v1/cases", "limit", 200),
        ("/api/v1/cases", "offset", 1_000_000),
        ("/api/v1/audit", "limit", 1000),
        ("/api/v1/audit/data-use", "limit", 1000),
        ("/api/v1/maternity-allowance/claims", "limit", 500),
        ("/api/v1/due", "limit", 500),
        ("/api/v1/due", "within", 60),
    ];
    for TestDb { label, store, .. } in test_dbs().await {
        let app = TestApp::on(store).await;
        app.add_user("fuzz-admin", Role::Admin, Scope::Platform)
            .await;
        let admin = app.sign_in("fuzz-admin").await;
        for (path, name, max) in bounds {
            let declared = param(&doc, path, "get", name);
            assert_eq!(declared["maximum"], max, "{path} {name}");
            let ok = app
                .bearer(&admin, "GET", &format!("{path}?{name}={max}"), None)
                .await;
            assert_eq!(ok.status, StatusCode::OK, "{label} {path}: {}", ok.text);
            let past = app
                .bearer(&admin, "GET", &format!("{path}?{name}={}", max + 1), None)
                .await;
            assert_error(&past, StatusCode::BAD_REQUEST, "OUT_OF_RANGE");
            assert_eq!(past.json["error"]["field"], name, "{label}");
        }
    }
}

/// A query the extractor cannot read answers the contract's JSON error body (it was axum's
/// plain-text rejection on the newborn counterfoil list and the notice check).
#[tokio::test]
async fn unreadable_newborn_queries_answer_the_error_body() {
    let app = TestApp::new().await;
    app.add_user("fuzz-admin", Role::Admin, Scope::Platform)
        .await;
    let admin = app.sign_in("fuzz-admin").await;
    let list = app
        .bearer(
            &admin,
            "GET",
            "/api/v1/newborn/counterfoils?late=-257",
            None,
        )
        .await;
    assert_error(&list, StatusCode::BAD_REQUEST, "INVALID_QUERY");
    assert_eq!(list.json["error"]["field"], "late");
    let notice = app
        .bearer(&admin, "GET", "/api/v1/notices/N1?code=a&code=b", None)
        .await;
    assert_ne!(notice.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(notice.json["error"]["code"].is_string(), "{}", notice.text);
}

/// `/metrics` refused for want of the scrape token answers the error body (it was an empty
/// 401).
#[tokio::test]
async fn metrics_without_the_scrape_token_answers_the_error_body() {
    let app = TestApp::on_with(
        onething_store::Store::open(&format!(
            "sqlite://{}/m.db",
            std::env::temp_dir()
                .join(format!("onething-fuzz-{}", uuid::Uuid::new_v4().simple()))
                .display()
        ))
        .await
        .expect("store"),
        |state| state.with_metrics_token(Some("scrape-secret".into())),
    )
    .await;
    let reply = app
        .send(
            axum::http::Request::builder()
                .uri("/metrics")
                .body(axum::body::Body::empty())
                .expect("request"),
        )
        .await;
    assert_error(&reply, StatusCode::UNAUTHORIZED, "UNAUTHENTICATED");
}

/// Strings the handlers refuse when empty or malformed are declared so (schemathesis sent
/// `""` for each and was refused although the document allowed it).
#[test]
fn required_strings_declare_their_length_or_pattern() {
    let doc = document();
    let schema = |name: &str| doc["components"]["schemas"][name]["properties"].clone();
    let reveal = schema("RevealRequest");
    assert_eq!(reveal["reason"]["minLength"], 2);
    assert_eq!(reveal["reason"]["maxLength"], 500);
    for body in ["AccountBody", "BankAccountRequest"] {
        for field in ["name", "bank"] {
            assert_eq!(schema(body)[field]["minLength"], 1, "{body}.{field}");
        }
    }
    assert_eq!(schema("RunRequest")["until"]["format"], "date");
    let person = param(
        &doc,
        "/api/v1/maternity-allowance/lookup",
        "get",
        "person_id",
    );
    // The check character cannot be a pattern: a format that scripts/api_fuzz_hooks.py
    // knows how to make, and required (a missing one was refused although declared optional).
    assert_eq!(person["format"], "citizen-id");
    let lookup = &doc["paths"]["/api/v1/maternity-allowance/lookup"]["get"]["parameters"][0];
    assert_eq!(lookup["required"], true);
    assert_eq!(param(&doc, "/api/v1/due", "get", "after")["minLength"], 1);
}

/// A body over the limit was refused with a plain-text 413 that the document did not list;
/// now the error body, and listed for every operation that takes a body.
#[tokio::test]
async fn an_oversized_body_answers_413_with_the_error_body() {
    let app = TestApp::new().await;
    let body = format!("{{\"username\":\"{}\"}}", "a".repeat(3 << 20));
    let reply = app
        .send(
            axum::http::Request::builder()
                .method("POST")
                .uri("/api/v1/session")
                .header("content-type", "application/json")
                .body(axum::body::Body::from(body))
                .expect("request"),
        )
        .await;
    assert_error(&reply, StatusCode::PAYLOAD_TOO_LARGE, "BODY_TOO_LARGE");
    let doc = document();
    for (method, path, operation) in operations(&doc) {
        if operation["requestBody"].is_object() {
            assert!(
                operation["responses"]["413"].is_object(),
                "{method} {path} takes a body but lists no 413"
            );
        }
    }
}

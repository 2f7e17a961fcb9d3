//! The HTTP skeleton and the catalogue endpoints, through the real router and a real
//! SQLite file (no server socket needed: `tower::ServiceExt::oneshot`).

use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::Utc;
use http_body_util::BodyExt;
use onething_domain::Calendar;
use onething_store::Store;
use onething_web::{AppState, app};
use serde_json::Value;
use tower::ServiceExt;

async fn test_app() -> axum::Router {
    let dir = std::env::temp_dir().join(format!("onething-web-{}", uuid::Uuid::new_v4().simple()));
    let url = format!("sqlite://{}/test.db", dir.display());
    let store = Store::open(&url).await.expect("store opens");
    store
        .ensure_shipped_catalog(Utc::now())
        .await
        .expect("catalogue");
    app(AppState::new(store, Calendar::shipped()))
}

async fn call(
    app: &axum::Router,
    method: &str,
    uri: &str,
) -> (StatusCode, Value, axum::http::HeaderMap) {
    let request = Request::builder()
        .method(method)
        .uri(uri)
        .body(Body::empty())
        .expect("request");
    let response = app.clone().oneshot(request).await.expect("response");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, json, headers)
}

fn assert_error(body: &Value, code: &str) {
    assert_eq!(body["error"]["code"], code, "{body}");
    let message = body["error"]["message"].as_str().expect("message");
    assert!(
        message
            .chars()
            .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "Chinese message: {message}"
    );
}

#[tokio::test]
async fn healthz_answers_ok_with_a_request_id() {
    let app = test_app().await;
    let (status, body, headers) = call(&app, "GET", "/healthz").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, serde_json::json!({"status": "ok"}));
    assert!(headers.contains_key("x-request-id"));
}

#[tokio::test]
async fn catalogue_lists_the_55_bureau_items_by_default() {
    let app = test_app().await;
    let (status, body, _) = call(&app, "GET", "/api/v1/catalog/items").await;
    assert_eq!(status, StatusCode::OK);
    let items = body["items"].as_array().expect("items");
    assert_eq!(items.len(), 55);
    let count = |list: &str| items.iter().filter(|i| i["list"] == list).count();
    assert_eq!(count("public_service"), 38);
    assert_eq!(count("administrative_power"), 17);
    assert!(
        items
            .iter()
            .any(|i| i["name"] == "生育保险生育津贴待遇核准支付")
    );
    assert_eq!(body["version"], 1);
    let summary = body["summary"].as_array().expect("summary");
    assert_eq!(summary.len(), 2);
}

#[tokio::test]
async fn catalogue_filters_by_list() {
    let app = test_app().await;
    let (_, power, _) = call(
        &app,
        "GET",
        "/api/v1/catalog/items?list=administrative_power",
    )
    .await;
    assert_eq!(power["items"].as_array().expect("items").len(), 17);
    let (_, partner, _) = call(&app, "GET", "/api/v1/catalog/items?list=partner").await;
    let partner = partner["items"].as_array().expect("items");
    assert!(!partner.is_empty());
    assert!(partner.iter().all(|i| i["list"] == "partner"));
    let (_, all, _) = call(&app, "GET", "/api/v1/catalog/items?list=all").await;
    assert_eq!(
        all["items"].as_array().expect("items").len(),
        55 + partner.len()
    );
}

#[tokio::test]
async fn bad_query_is_a_400_naming_the_parameter() {
    let app = test_app().await;
    let (status, body, _) = call(&app, "GET", "/api/v1/catalog/items?list=everything").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error(&body, "INVALID_QUERY");
    let (status, body, _) = call(&app, "GET", "/api/v1/catalog/items?version=abc").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error(&body, "INVALID_QUERY");
    assert_eq!(body["error"]["field"], "version");
}

#[tokio::test]
async fn unknown_catalogue_version_is_404() {
    let app = test_app().await;
    let (status, body, _) = call(&app, "GET", "/api/v1/catalog/bundles?version=99").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_error(&body, "NOT_FOUND");
}

#[tokio::test]
async fn bundles_carry_items_departments_and_the_33_day_newborn_chain() {
    let app = test_app().await;
    let (status, body, _) = call(&app, "GET", "/api/v1/catalog/bundles").await;
    assert_eq!(status, StatusCode::OK);
    let bundles = body["bundles"].as_array().expect("bundles");
    let codes: Vec<&str> = bundles.iter().filter_map(|b| b["code"].as_str()).collect();
    // The three one-thing bundles and the hospital window's four case bundles.
    assert_eq!(codes.len(), 7);
    for code in ["maternity_allowance", "maternity_reimbursement", "newborn"] {
        assert!(codes.contains(&code), "{code} in {codes:?}");
    }
    let newborn = bundles
        .iter()
        .find(|b| b["code"] == "newborn")
        .expect("newborn");
    assert_eq!(newborn["critical_path_working_days"], 33);
    assert_eq!(newborn["promised_limit_working_days"], 33);
    let items = newborn["items"].as_array().expect("items");
    assert_eq!(items.len(), 7);
    assert!(
        items
            .iter()
            .all(|i| i["department"].is_string() && i["name"].is_string())
    );
}

#[tokio::test]
async fn unknown_path_and_wrong_method_answer_the_error_body() {
    let app = test_app().await;
    let (status, body, _) = call(&app, "GET", "/api/v1/nothing-here").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_error(&body, "NOT_FOUND");
    let (status, body, _) = call(&app, "DELETE", "/api/v1/catalog/items").await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_error(&body, "METHOD_NOT_ALLOWED");
}

#[tokio::test]
async fn openapi_document_is_served_and_matches_the_committed_copy() {
    let app = test_app().await;
    let (status, body, _) = call(&app, "GET", "/api/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body["openapi"].as_str().expect("version").starts_with("3."));
    for path in [
        "/healthz",
        "/api/v1/catalog/items",
        "/api/v1/catalog/bundles",
    ] {
        assert!(body["paths"][path].is_object(), "{path} documented");
    }
    // The committed copy (docs/openapi.json) is what integrators read; a change to the API
    // must show up in review. Regenerate with UPDATE_OPENAPI=1 cargo test -p onething-web.
    let committed_path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/openapi.json");
    let generated = onething_web::openapi_json();
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(committed_path, &generated).expect("write docs/openapi.json");
    }
    let committed = std::fs::read_to_string(committed_path).unwrap_or_default();
    assert_eq!(
        committed, generated,
        "docs/openapi.json is stale: run UPDATE_OPENAPI=1 cargo test -p onething-web"
    );
}

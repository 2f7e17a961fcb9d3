//! `GET /metrics` (Prometheus text) and `GET /readyz` through the real router.

use crate::support;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::{TimeZone, Utc};
use http_body_util::BodyExt;
use onething_domain::Calendar;
use onething_web::{AppState, app};
use support::{TestDb, test_dbs};
use tower::ServiceExt;

async fn get(app: &axum::Router, uri: &str, token: Option<&str>) -> (StatusCode, String) {
    let mut request = Request::builder().uri(uri);
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    let response = app
        .clone()
        .oneshot(request.body(Body::empty()).expect("request"))
        .await
        .expect("response");
    let status = response.status();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_report_the_platforms_gauges() {
    for TestDb { label, store, .. } in test_dbs().await {
        let now = Utc
            .with_ymd_and_hms(2024, 9, 27, 4, 0, 0)
            .single()
            .expect("now");
        let state = AppState::new(store, Calendar::shipped())
            .with_clock(move || now)
            .with_metrics_token(Some("scrape-secret".into()));
        let app = app(state);
        assert_eq!(
            get(&app, "/readyz", None).await.0,
            StatusCode::OK,
            "{label}"
        );
        get(&app, "/api/v1/cases/some-case-id", None).await;
        get(&app, "/healthz", None).await;
        assert_eq!(
            get(&app, "/metrics", None).await.0,
            StatusCode::UNAUTHORIZED
        );
        let (status, text) = get(&app, "/metrics", Some("scrape-secret")).await;
        assert_eq!(status, StatusCode::OK, "{label}: {text}");
        for line in [
            "onething_http_requests_total{route=\"/api/v1/cases/{id}\",status=\"401\"} 1",
            "onething_http_requests_total{route=\"/healthz\",status=\"200\"} 1",
            "onething_http_request_duration_seconds_count{route=\"/healthz\"} 1",
            "onething_pushed_records_total{outcome=\"accepted\"} 0",
            "onething_deliveries{status=\"pending\"} 0",
            "onething_settlement_runs 0",
            "onething_items_overdue 0",
            "onething_database_up 1",
        ] {
            assert!(text.contains(line), "{label}: {line} in\n{text}");
        }
        assert!(!text.contains("some-case-id"), "route templates, never ids");
    }
}

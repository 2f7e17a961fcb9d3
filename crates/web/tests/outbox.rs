//! The outbox (EX-6) end to end, on SQLite and (when configured) PostgreSQL: a routed item's
//! delivery retried until the department's webhook takes it, a delivery given up on with an
//! alert, and the department's signed result callback moving the item.

use crate::support;

use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Request, StatusCode};
use chrono::{DateTime, Duration, TimeZone, Utc};
use http_body_util::BodyExt;
use onething_domain::Calendar;
use onething_domain::case::{ActorRole, ItemState};
use onething_domain::department::DepartmentKind;
use onething_exchange::signature::{self, SigningKey, generate_signing_key, sign};
use onething_store::Store;
use onething_store::audit::AuditFilter;
use onething_store::cases::{Actor, NewCase};
use onething_store::departments::NewDepartment;
use onething_web::outbox::{MAX_ATTEMPTS, run_outbox_once};
use onething_web::{AppState, app};
use serde_json::{Value, json};
use support::{TestClock, TestDb, test_dbs};
use tower::ServiceExt;

const ITEM: &str = "HEALTH-BIRTH-CERT";

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 9, 27, 4, 0, 0)
        .single()
        .expect("instant")
}

fn actor(role: ActorRole, at: DateTime<Utc>) -> Actor {
    Actor {
        name: format!("{role:?}").to_lowercase(),
        role,
        idempotency_key: uuid::Uuid::new_v4().to_string(),
        at,
    }
}

/// A newborn case accepted by the window, its birth-certificate item ready to start.
async fn accepted_case(store: &Store) -> String {
    store
        .ensure_shipped_catalog(start())
        .await
        .expect("catalogue");
    let new = NewCase {
        bundle: "newborn".into(),
        applicant: "person:test".into(),
        region: Some("450100".into()),
        filer: None,
        id: None,
    };
    let case = store
        .open_case(&new, &actor(ActorRole::Applicant, start()))
        .await
        .expect("case");
    store
        .accept_all(
            &case.id,
            &actor(ActorRole::Acceptor, start()),
            &Calendar::shipped(),
        )
        .await
        .expect("accept");
    case.id
}

async fn add_health(store: &Store, id: &str, webhook: &str) -> SigningKey {
    let key = generate_signing_key().expect("key");
    let new = NewDepartment {
        id: id.into(),
        name: "测试卫健委".into(),
        kind: DepartmentKind::Health,
        webhook_url: Some(webhook.into()),
    };
    store
        .add_department(&new, &key.verifying_key(), start() - Duration::days(1))
        .await
        .expect("department");
    key
}

/// Test double of a department's webhook: fails the first `fail_first` calls with 500, then
/// answers 200; keeps the headers and body of every call.
#[derive(Clone, Default)]
struct FakeWebhook {
    fail_first: usize,
    calls: Arc<Mutex<Vec<(HeaderMap, Bytes)>>>,
}

async fn fake_webhook_handler(
    State(fake): State<FakeWebhook>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let mut calls = fake.calls.lock().expect("lock");
    calls.push((headers, body));
    if calls.len() <= fake.fail_first {
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        StatusCode::OK
    }
}

async fn serve_fake(fake: FakeWebhook) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let router = axum::Router::new()
        .route("/hook", axum::routing::post(fake_webhook_handler))
        .with_state(fake);
    tokio::spawn(async move { axum::serve(listener, router).await });
    format!("http://{addr}/hook")
}

fn state_on(store: &Store, clock: &TestClock) -> AppState {
    let clock = clock.clone();
    AppState::new(store.clone(), Calendar::shipped()).with_clock(move || clock.now())
}

async fn item_state(store: &Store, case_id: &str) -> ItemState {
    let items = store.item_projection(case_id).await.expect("items");
    items
        .into_iter()
        .find(|(i, _, _)| i == ITEM)
        .expect("item")
        .1
}

fn signed_result(dept: &str, key: &SigningKey, at: DateTime<Utc>, body: &Value) -> Request<Body> {
    let path = "/api/v1/exchange/results";
    let bytes = serde_json::to_vec(body).expect("json");
    let signature = sign(key, "POST", path, at.timestamp(), &bytes);
    Request::builder()
        .method("POST")
        .uri(path)
        .header("content-type", "application/json")
        .header(signature::HEADER_DEPT, dept)
        .header(signature::HEADER_TIMESTAMP, at.timestamp().to_string())
        .header(signature::HEADER_SIGNATURE, signature)
        .body(Body::from(bytes))
        .expect("request")
}

async fn send(state: &AppState, request: Request<Body>) -> (StatusCode, Vec<u8>) {
    let response = app(state.clone()).oneshot(request).await.expect("response");
    let status = response.status();
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    (status, body.to_vec())
}

async fn platform_key(state: &AppState) -> signature::VerifyingKey {
    let request = Request::get("/api/v1/exchange/platform-key")
        .body(Body::empty())
        .expect("req");
    let (status, body) = send(state, request).await;
    assert_eq!(status, StatusCode::OK);
    signature::verifying_key_from_pem(&String::from_utf8(body).expect("utf-8")).expect("pem")
}

#[tokio::test]
async fn a_delivery_is_retried_until_the_webhook_takes_it_then_the_result_completes_the_item() {
    for TestDb { label, store, .. } in test_dbs().await {
        let fake = FakeWebhook {
            fail_first: 2,
            ..FakeWebhook::default()
        };
        let url = serve_fake(fake.clone()).await;
        let key = add_health(&store, "health1", &url).await;
        let case_id = accepted_case(&store).await;
        let clock = TestClock::at(start());
        let state = state_on(&store, &clock);
        let (_, delivery_id) = store
            .route_item(
                &case_id,
                ITEM,
                &actor(ActorRole::Handler, start()),
                &state.calendar(),
            )
            .await
            .expect("route");
        assert_eq!(
            item_state(&store, &case_id).await,
            ItemState::InProgress,
            "{label}"
        );

        for (n, later) in [(1, 0), (2, 1), (3, 3)] {
            clock.set(start() + Duration::hours(later));
            assert_eq!(run_outbox_once(&state).await, 1, "{label}: attempt {n}");
            assert_eq!(
                run_outbox_once(&state).await,
                0,
                "{label}: nothing due right after"
            );
            assert_eq!(fake.calls.lock().expect("lock").len(), n, "{label}");
        }
        let delivery = store
            .delivery(&delivery_id)
            .await
            .expect("read")
            .expect("found");
        assert_eq!(
            (delivery.status.as_str(), delivery.attempts),
            ("delivered", 3),
            "{label}"
        );

        let (headers, body) = fake.calls.lock().expect("lock")[2].clone();
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .expect("header")
                .to_owned()
        };
        assert_eq!(header(signature::HEADER_DEPT), "platform", "{label}");
        let ts: i64 = header(signature::HEADER_TIMESTAMP).parse().expect("ts");
        let verified = signature::verify(
            &platform_key(&state).await,
            "POST",
            "/hook",
            ts,
            &body,
            &header(signature::HEADER_SIGNATURE),
        );
        assert!(verified.is_ok(), "{label}: signed with the platform key");
        let payload: Value = serde_json::from_slice(&body).expect("json");
        assert_eq!(payload["delivery_id"], json!(delivery_id), "{label}");

        let result =
            json!({"delivery_id": delivery_id, "result": "done", "certificate_ref": "CERT-1"});
        let forger = generate_signing_key().expect("key");
        let (status, _) = send(
            &state,
            signed_result("health1", &forger, clock.now(), &result),
        )
        .await;
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "{label}: forged signature refused"
        );
        assert_eq!(
            item_state(&store, &case_id).await,
            ItemState::InProgress,
            "{label}"
        );

        let (status, first) =
            send(&state, signed_result("health1", &key, clock.now(), &result)).await;
        assert_eq!(
            status,
            StatusCode::OK,
            "{label}: {}",
            String::from_utf8_lossy(&first)
        );
        assert_eq!(
            item_state(&store, &case_id).await,
            ItemState::Done,
            "{label}"
        );
        let (status, _) = send(&state, signed_result("health1", &key, clock.now(), &result)).await;
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "{label}: the same signed request again is a replay (REPLAYED_REQUEST)"
        );
        let later = clock.now() + chrono::TimeDelta::seconds(1);
        let (status, again) = send(&state, signed_result("health1", &key, later, &result)).await;
        assert_eq!(
            (status, again),
            (StatusCode::OK, first),
            "{label}: a repeat signed afresh is harmless"
        );
    }
}

#[tokio::test]
async fn a_denied_result_by_case_and_item_denies_the_item() {
    for TestDb { label, store, .. } in test_dbs().await {
        let url = serve_fake(FakeWebhook::default()).await;
        let key = add_health(&store, "health1", &url).await;
        let case_id = accepted_case(&store).await;
        let clock = TestClock::at(start());
        let state = state_on(&store, &clock);
        store
            .route_item(
                &case_id,
                ITEM,
                &actor(ActorRole::Handler, start()),
                &state.calendar(),
            )
            .await
            .expect("route");
        let denied = json!({"case_id": case_id, "item": ITEM, "result": "denied"});
        let (status, _) = send(&state, signed_result("health1", &key, clock.now(), &denied)).await;
        assert_eq!(
            status,
            StatusCode::BAD_REQUEST,
            "{label}: a denial needs a reason"
        );
        let denied =
            json!({"case_id": case_id, "item": ITEM, "result": "denied", "reason": "出生信息不符"});
        let (status, _) = send(&state, signed_result("health1", &key, clock.now(), &denied)).await;
        assert_eq!(status, StatusCode::OK, "{label}");
        assert_eq!(
            item_state(&store, &case_id).await,
            ItemState::Denied,
            "{label}"
        );

        let other = add_health(&store, "health2", &url).await;
        let (status, _) = send(
            &state,
            signed_result("health2", &other, clock.now(), &denied),
        )
        .await;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "{label}: only the receiving department"
        );
    }
}

#[tokio::test]
async fn a_delivery_nobody_takes_fails_after_the_last_attempt_with_an_alert() {
    for TestDb { label, store, .. } in test_dbs().await {
        let closed = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}/hook", closed.local_addr().expect("addr"));
        drop(closed);
        add_health(&store, "health1", &url).await;
        let case_id = accepted_case(&store).await;
        let clock = TestClock::at(start());
        let state = state_on(&store, &clock);
        let (_, delivery_id) = store
            .route_item(
                &case_id,
                ITEM,
                &actor(ActorRole::Handler, start()),
                &state.calendar(),
            )
            .await
            .expect("route");
        for n in 0..MAX_ATTEMPTS + 2 {
            clock.set(start() + Duration::days(n));
            run_outbox_once(&state).await;
        }
        let delivery = store
            .delivery(&delivery_id)
            .await
            .expect("read")
            .expect("found");
        assert_eq!(
            (delivery.status.as_str(), delivery.attempts),
            ("failed", MAX_ATTEMPTS),
            "{label}"
        );
        assert!(delivery.last_error.is_some(), "{label}");
        let filter = AuditFilter {
            action: Some("delivery_failed".into()),
            case_id: Some(case_id.clone()),
            limit: 10,
            ..AuditFilter::default()
        };
        let alerts = store.list_audit(&filter).await.expect("audit");
        assert_eq!(alerts.len(), 1, "{label}");
        assert_eq!(alerts[0].entry.subject_id, delivery_id, "{label}");
    }
}

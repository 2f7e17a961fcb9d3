//! A test app with accounts: a fresh SQLite database with the shipped catalogue, a clock the
//! test moves, cheap password hashing, and helpers to sign in and send requests the way
//! API clients (bearer) and pages (cookie + CSRF token) do. Included by the auth tests with
//! `#[path = "support/auth.rs"] mod auth_support;`.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Request, StatusCode};
use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use http_body_util::BodyExt;
use onething_domain::access::{Role, Scope, Username};
use onething_domain::{Calendar, CitizenId, RegionCode, Uscc};
use onething_store::Store;
use onething_store::accounts::Passwords;
use onething_web::{AppState, AuthConfig, HashLimiter, app};
use serde_json::{Value, json};
use tower::ServiceExt;

pub const PASSWORD: &str = "s3cret-pass";

pub struct TestApp {
    pub app: axum::Router,
    pub store: Store,
    now: Arc<Mutex<DateTime<Utc>>>,
    passwords: Passwords,
    /// The bound on concurrent password hashes (2 in tests, so a burst must queue).
    pub hashing: HashLimiter,
}

/// A response, its body parsed as JSON (null when empty or not JSON).
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub json: Value,
    pub text: String,
    /// The body as sent (PDFs, spreadsheets).
    pub bytes: Vec<u8>,
}

/// What a sign-in hands a client.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub token: String,
    pub csrf: String,
    pub set_cookie: String,
}

/// 12:00 on Friday 27 September 2024 in China, a working day.
pub fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 9, 27, 4, 0, 0)
        .single()
        .expect("instant")
}

pub fn region(code: u32) -> RegionCode {
    RegionCode::new(code).expect("region")
}

pub fn person_in(code: u32, seq: u16) -> CitizenId {
    let birth = chrono::NaiveDate::from_ymd_opt(1994, 6, 2).expect("date");
    CitizenId::from_parts(region(code), birth, seq).expect("citizen id")
}

pub fn employer_in(code: u32) -> Uscc {
    Uscc::from_parts('9', '1', region(code), "MA5U7CHW").expect("uscc")
}

impl TestApp {
    pub async fn new() -> TestApp {
        let dir =
            std::env::temp_dir().join(format!("onething-auth-{}", uuid::Uuid::new_v4().simple()));
        let url = format!("sqlite://{}/test.db", dir.display());
        let store = Store::open(&url).await.expect("store opens");
        TestApp::on(store).await
    }

    /// A fresh SQLite app with another parameter file (its text, validated).
    pub async fn with_params(text: &str) -> TestApp {
        let params = onething_domain::rules::MaternityParams::from_toml(text).expect("params");
        let mut app = TestApp::new().await;
        let clock = app.now.clone();
        let auth = AuthConfig {
            passwords: app.passwords.clone(),
            ..AuthConfig::default()
        };
        let state = AppState::new(app.store.clone(), Calendar::shipped())
            .with_auth(auth)
            .with_params(text.to_owned(), params)
            .with_clock(move || *clock.lock().expect("clock"));
        app.app = onething_web::app(state);
        app
    }

    /// The app on a given store (a PostgreSQL one from `support::test_dbs`, say).
    pub async fn on(store: Store) -> TestApp {
        TestApp::on_with(store, |state| state).await
    }

    /// The app on a given store, with `configure` applied to its state (a newborn city).
    pub async fn on_with(store: Store, configure: impl FnOnce(AppState) -> AppState) -> TestApp {
        store
            .ensure_shipped_catalog(start())
            .await
            .expect("catalogue");
        let passwords = Passwords::with_cost(64, 1).expect("test cost");
        let now = Arc::new(Mutex::new(start()));
        let clock = now.clone();
        let hashing = HashLimiter::new(2);
        let auth = AuthConfig {
            passwords: passwords.clone(),
            hashing: hashing.clone(),
            ..AuthConfig::default()
        };
        let state = configure(
            AppState::new(store.clone(), Calendar::shipped())
                .with_auth(auth)
                .with_clock(move || *clock.lock().expect("clock")),
        );
        TestApp {
            app: app(state),
            store,
            now,
            passwords,
            hashing,
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        *self.now.lock().expect("clock")
    }

    pub fn advance(&self, by: TimeDelta) {
        let mut now = self.now.lock().expect("clock");
        *now += by;
    }

    pub async fn add_user(&self, username: &str, role: Role, scope: Scope) {
        let hash = self.passwords.hash(PASSWORD).expect("hash");
        let username = Username::parse(username).expect("username");
        self.store
            .add_user(&username, role, &scope, &hash, self.now())
            .await
            .expect("user added");
    }

    /// Sends `request` as if from `client` (the TCP peer address).
    pub async fn send_from(&self, client: [u8; 4], mut request: Request<Body>) -> Reply {
        let addr = SocketAddr::from((client, 40_000));
        request.extensions_mut().insert(ConnectInfo(addr));
        let response = self.app.clone().oneshot(request).await.expect("response");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Reply {
            status,
            headers,
            json,
            text,
            bytes: bytes.to_vec(),
        }
    }

    pub async fn send(&self, request: Request<Body>) -> Reply {
        self.send_from([192, 0, 2, 1], request).await
    }

    pub async fn try_sign_in(&self, username: &str, password: &str) -> Reply {
        self.send(sign_in_request(username, password)).await
    }

    pub async fn sign_in(&self, username: &str) -> SignedIn {
        let reply = self.try_sign_in(username, PASSWORD).await;
        assert_eq!(
            reply.status,
            StatusCode::OK,
            "{username} signs in: {}",
            reply.text
        );
        SignedIn {
            token: reply.json["token"].as_str().expect("token").to_owned(),
            csrf: reply.json["csrf_token"].as_str().expect("csrf").to_owned(),
            set_cookie: reply
                .headers
                .get("set-cookie")
                .and_then(|v| v.to_str().ok())
                .expect("set-cookie")
                .to_owned(),
        }
    }

    /// `method uri` with the bearer token and an optional JSON body.
    /// `who` settles what is due up to the day the app starts on (`POST /api/v1/settlements`
    /// with `until` 2024-09-27).
    pub async fn settle(&self, who: &SignedIn) -> Reply {
        let until = json!({"until": start().date_naive()});
        self.bearer(who, "POST", "/api/v1/settlements", Some(until))
            .await
    }

    pub async fn bearer(
        &self,
        who: &SignedIn,
        method: &str,
        uri: &str,
        body: Option<Value>,
    ) -> Reply {
        let builder = Request::builder()
            .method(method)
            .uri(uri)
            .header("authorization", format!("Bearer {}", who.token));
        self.send(with_json(builder, body)).await
    }
}

pub fn sign_in_request(username: &str, password: &str) -> Request<Body> {
    let body = serde_json::json!({"username": username, "password": password});
    with_json(
        Request::builder().method("POST").uri("/api/v1/session"),
        Some(body),
    )
}

pub fn with_json(builder: axum::http::request::Builder, body: Option<Value>) -> Request<Body> {
    match body {
        Some(json) => builder
            .header("content-type", "application/json")
            .body(Body::from(json.to_string()))
            .expect("request"),
        None => builder.body(Body::empty()).expect("request"),
    }
}

/// A browser request with the session cookie (and, when given, the CSRF header).
pub fn cookie_request(
    who: &SignedIn,
    method: &str,
    uri: &str,
    csrf: Option<&str>,
) -> axum::http::request::Builder {
    let mut builder = Request::builder()
        .method(method)
        .uri(uri)
        .header("cookie", format!("onething_session={}", who.token))
        .header("host", "yb.example.cn");
    if let Some(token) = csrf {
        builder = builder.header("x-csrf-token", token);
    }
    builder
}

pub fn assert_error(reply: &Reply, status: StatusCode, code: &str) {
    assert_eq!(reply.status, status, "{}", reply.text);
    assert_eq!(reply.json["error"]["code"], code, "{}", reply.text);
    let message = reply.json["error"]["message"].as_str().expect("message");
    assert!(
        message
            .chars()
            .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "Chinese message: {message}"
    );
}

//! The HTTP face of onething: routes, the one error-to-response mapping ([`error`]), the
//! OpenAPI document generated from the handlers ([`openapi`]), request ids and structured
//! request logs, and graceful shutdown.

mod auth;
pub mod automatic;
pub mod documents;
pub mod error;
pub mod escalation;
mod extract;
mod headers;
mod metrics;
mod openapi;
mod openapi_rules;
pub mod outbox;
mod pages;
pub mod period_reports;
pub mod platform_key;
mod rejections;
mod routes;
mod state;

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderName, Request};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

pub use auth::{AuthConfig, HashLimiter, ThrottleLimits};
pub use error::ApiError;
pub use openapi::openapi_json;
pub use platform_key::PlatformKeys;
pub use state::{AppState, Clock, UNVERIFIED_UPLOADS};

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The whole application: API routes, the OpenAPI document, and the cross-cutting layers.
pub fn app(state: AppState) -> Router {
    let (router, mut api) = openapi::router().split_for_parts();
    openapi_rules::complete(&mut api);
    let api = std::sync::Arc::new(api);
    router
        .merge(pages::router(state.clone()))
        .route(
            "/api/openapi.json",
            axum::routing::get(move || {
                let api = api.clone();
                async move { axum::Json(api.as_ref().clone()) }
            }),
        )
        .fallback(routes::not_found)
        .method_not_allowed_fallback(routes::method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::csrf::protect,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::count,
        ))
        .with_state(state)
        .layer(CatchPanicLayer::custom(error::panic_response))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(60),
        ))
        .layer(axum::middleware::from_fn(rejections::json_errors))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
            let id = req
                .headers()
                .get(REQUEST_ID)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("-");
            tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
        }))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .layer(axum::middleware::from_fn(headers::security_headers))
}

/// Serves `app` on `listener` until `shutdown` completes, then lets requests in flight finish.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = app(state);
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

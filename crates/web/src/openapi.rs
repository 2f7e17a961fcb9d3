//! The OpenAPI document is generated from the handlers' annotations, never written by hand.

use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::routes::{
    allowance, audit, calendar, cases, catalog, exchange, health, hospital, newborn, session,
    supervision,
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "onething",
        description = "一件事一次办 platform for medical-insurance bureaus and partner departments. \
                       Errors: `{\"error\":{\"code\",\"message\",\"field\"}}` with a Chinese message.",
        license(name = "MIT")
    ),
    tags(
        (name = "platform", description = "health and the API document"),
        (name = "catalog", description = "service catalogue (事项目录) and one-thing bundles (一件事)")
    ),
    components(schemas(
        crate::error::ErrorBody,
        onething_domain::ids::ClaimId,
        onething_domain::ids::CaseId,
        onething_domain::ids::SettlementId,
        onething_domain::ids::RectificationId,
        onething_domain::ids::ComplaintId,
        onething_domain::ids::CreditRecordId,
        onething_domain::ids::ReportId,
        onething_domain::ids::FilingId,
        onething_domain::ids::ReimbursementId,
        onething_domain::ids::TicketId,
        onething_domain::ids::BookingId
    ))
)]
struct ApiDoc;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(health::healthz))
        .routes(routes!(crate::metrics::metrics))
        .routes(routes!(crate::metrics::readyz))
        .nest("/api/v1", catalog::router())
        .nest("/api/v1", exchange::router())
        .nest("/api/v1", session::router())
        .nest("/api/v1", cases::router())
        .nest("/api/v1", audit::router())
        .nest("/api/v1", calendar::router())
        .nest("/api/v1", allowance::claims::router())
        .nest("/api/v1", allowance::settlements::router())
        .nest("/api/v1", newborn::router())
        .nest("/api/v1", supervision::router())
        .nest("/api/v1", hospital::router())
}

/// The document as served at `/api/openapi.json` (also used to snapshot it in tests).
pub fn openapi_json() -> String {
    let mut api = router().into_openapi();
    crate::openapi_rules::complete(&mut api);
    api.to_pretty_json().unwrap_or_default()
}

//! 新生儿出生一件事 (seed 003) over HTTP: the one form, its materials and acceptance
//! (`applications.rs`), the notices and their public check (`notices.rs`), the departments'
//! and the mother's actions on the case (`items.rs`), and the counterfoil handover
//! (`counterfoils.rs`). Every handler calls the services layer's use case; pages call the
//! same ones.

mod applications;
mod counterfoils;
mod items;
mod notices;

use axum::http::StatusCode;
use onething_services::newborn::Newborn;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) use crate::extract::idempotency_key;
pub(crate) use items::dept_actor;
pub(crate) use notices::sealed_notice_pdf;

use crate::{ApiError, AppState};

#[derive(OpenApi)]
#[openapi(tags((name = "newborn", description = "新生儿出生一件事: the one form, acceptance, notices, department items, rating, counterfoils")))]
struct NewbornDoc;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(NewbornDoc::openapi())
        .routes(routes!(applications::apply, applications::list))
        .routes(routes!(applications::one))
        .routes(routes!(applications::progress))
        .routes(routes!(applications::accept))
        .routes(routes!(applications::refuse))
        .merge(applications::upload_router())
        .routes(routes!(notices::notice_pdf))
        .routes(routes!(notices::verify))
        .routes(routes!(items::complete))
        .routes(routes!(items::deny))
        .routes(routes!(items::rate))
        .routes(routes!(items::withdraw))
        .routes(routes!(items::queue))
        .routes(routes!(counterfoils::list))
        .routes(routes!(counterfoils::confirm))
}

/// The bundle's configuration, or 503 when the server was started without `[newborn] city`.
pub(crate) fn configured(state: &AppState) -> Result<Newborn, ApiError> {
    state.newborn.ok_or_else(|| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "NEWBORN_NOT_CONFIGURED",
            "本平台未配置新生儿出生一件事服务的城市（配置文件 [newborn] city）",
        )
    })
}

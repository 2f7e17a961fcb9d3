//! `/guide/{code}`: the public service guide (办事指南, RB-7) of a catalogue item or bundle,
//! from the same use case as `GET /api/v1/catalog/items/{code}/guide`.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use onething_domain::catalog::ServiceGuide;

use super::chrome::{Chrome, Visitor};
use super::{PageError, ok};
use crate::{ApiError, AppState};

#[derive(Template)]
#[template(path = "guide.html")]
struct GuidePage {
    chrome: Chrome,
    code: String,
    version: i64,
    guide: ServiceGuide,
}

pub(crate) async fn show(
    State(state): State<AppState>,
    Visitor { chrome, .. }: Visitor,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let (version, guide) = onething_services::guide::guide(&state.services(), &code)
        .await
        .map_err(ApiError::from)?;
    ok(&GuidePage {
        chrome,
        code,
        version,
        guide,
    })
}

//! Catalogue upkeep on the admin catalogue page (SC-1): each item's 全程网办 / 即办 flags and
//! limit changed with a note (`POST /admin/catalog/items/{code}`), a new catalogue version —
//! the same use case as `POST /api/v1/admin/catalog/items/{code}`.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use onething_domain::access::UseCase;
use onething_services::ServiceError;
use onething_services::supervision::{self as service, ItemChange, ItemChangeInput};
use serde::Deserialize;

use super::chrome::{Signed, redirect_with};
use super::{PageError, permit};
use crate::{ApiError, AppState};

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ChangeForm {
    #[serde(default)]
    version: String,
    online: Option<String>,
    instant: Option<String>,
    #[serde(default)]
    limit_working_days: String,
    #[serde(default)]
    note: String,
}

pub(crate) async fn change(
    State(state): State<AppState>,
    Signed { user, .. }: Signed,
    Path(code): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let actor = permit(&state, &user, UseCase::EditCatalog)?;
    let form: ChangeForm = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let bad = |field: &str, message: &str| {
        ApiError::from(ServiceError::from(onething_services::Invalid::new(
            "INVALID_BODY",
            field,
            message,
        )))
    };
    let limit = match form.limit_working_days.trim() {
        "" => None,
        text => Some(text.parse().map_err(|_| {
            bad(
                "limit_working_days",
                "时限（limit_working_days）须为整数个工作日",
            )
        })?),
    };
    let input = ItemChangeInput {
        version: form.version.trim().parse().ok(),
        // A checkbox is sent only when ticked: the form always states both flags.
        online: Some(form.online.is_some()),
        instant: Some(form.instant.is_some()),
        limit_working_days: limit,
        note: Some(form.note),
    };
    let change = ItemChange::try_from(input).map_err(|e| ApiError::from(ServiceError::from(e)))?;
    service::change_catalog_item(&state.services(), &actor, &code, change)
        .await
        .map_err(ApiError::from)?;
    Ok(redirect_with(&format!("/admin/catalog#item-{code}"), None))
}

//! The certificate counterfoils' quarterly handover (NB-11). Additions to the contract.

use axum::Json;
use axum::extract::{Path, State};
use onething_services::newborn::counterfoil::{self, CounterfoilView, quarter};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::CurrentUser;
use crate::extract::ApiQuery;
use crate::{ApiError, AppState};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct QuarterQuery {
    /// `2025Q1`; the current quarter when absent.
    #[param(pattern = "^(20[0-9]{2}|2100)Q[1-4]$")]
    quarter: Option<String>,
    /// `true`: only late handovers of this quarter and the three before (supervisors).
    late: Option<bool>,
}

/// Each hospital's counterfoils of the quarter, due the 30th of its last month, with both
/// sides' records.
#[utoipa::path(get, path = "/newborn/counterfoils", tag = "newborn", params(QuarterQuery),
    operation_id = "list_counterfoils",
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = [Object], description = "each hospital's counterfoils of the quarter"), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<QuarterQuery>,
) -> Result<Json<Vec<CounterfoilView>>, ApiError> {
    let actor = user.actor(&state, None);
    let q = match query.quarter.as_deref() {
        Some(text) => quarter(text)?,
        None => onething_domain::newborn::counterfoil::Quarter::of(actor.today()),
    };
    let svc = state.services();
    let list = if query.late == Some(true) {
        counterfoil::late_counterfoils(&svc, &actor, q).await?
    } else {
        counterfoil::counterfoils(&svc, &actor, q).await?
    };
    Ok(Json(list))
}

/// The hospital clerk records handing the counterfoils over; a public-security officer
/// records receiving them.
#[utoipa::path(post, path = "/newborn/counterfoils/{institution_code}/{quarter}/confirm", tag = "newborn",
    params(("institution_code" = String, Path, max_length = 64),
           ("quarter" = String, Path, pattern = "^(20[0-9]{2}|2100)Q[1-4]$")),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = Object), (status = 400, body = crate::error::ErrorBody, description = "INVALID_QUARTER"),
              (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub(crate) async fn confirm(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((institution, q)): Path<(String, String)>,
) -> Result<Json<CounterfoilView>, ApiError> {
    let actor = user.actor(&state, None);
    let q = quarter(&q)?;
    Ok(Json(
        counterfoil::confirm_counterfoil(&state.services(), &actor, &institution, q).await?,
    ))
}

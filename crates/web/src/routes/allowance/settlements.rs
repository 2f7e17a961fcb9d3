//! Settlement and payment endpoints (contract.md, MA-5): `POST /settlements` runs a
//! settlement of the clerk's region, `GET /settlements[/{id}]` lists and shows them,
//! `GET /settlements/{id}/payment-file` is the bank's file (CSV or .xlsx),
//! `POST /settlements/{id}/results` imports the bank's results; a failed payment's account is
//! corrected with `PUT /maternity-allowance/claims/{id}/bank-account`, and
//! `GET /maternity-allowance/late-payments` flags claims unpaid past their due date.
//!
//! Scope: an agency clerk settles and sees the claims of the clerk's region (a claim's own
//! region, else the one in its employer's USCC); a settlement is visible to a clerk when every
//! claim in it lies in the clerk's region; administrators see all.

mod account;
mod errors;
/// The payment file (`download`): the clerk's settlement page serves the same response.
pub(crate) mod file;
mod late;
mod results;
mod run;
mod views;

use onething_domain::RegionCode;
use onething_domain::access::Scope;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::CurrentUser;
use crate::{ApiError, AppState};

/// Who runs settlements and handles the bank's files.
#[derive(OpenApi)]
#[openapi(tags((name = "settlements", description = "maternity-allowance settlement (结算) and payment (支付): runs, payment files, bank results, late payments")))]
struct SettlementsDoc;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(SettlementsDoc::openapi())
        .routes(routes!(run::run_settlement, run::list_settlements))
        .routes(routes!(run::get_settlement))
        .routes(routes!(file::payment_file))
        .routes(routes!(results::import_results))
        .routes(routes!(account::correct_bank_account))
        .routes(routes!(late::late_payments))
}

/// The region a regional user works in, `None` for the whole platform. Other scopes reach no
/// settlement data (their roles are refused before this is asked).
fn region_scope(user: &CurrentUser) -> Result<Option<RegionCode>, ApiError> {
    match user.scope() {
        Scope::Platform => Ok(None),
        Scope::Region(region) => Ok(Some(*region)),
        _ => Err(ApiError::not_found()),
    }
}

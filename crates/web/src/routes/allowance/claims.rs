//! Maternity-allowance claims over HTTP (contract.md, "Maternity-allowance claims"): offers,
//! opening a claim (online or at the window), the wage confirmation, photo uploads,
//! submission with smart review, a clerk's review, scoped reads, plus the employer's bank
//! account, the signed-in user's notifications, the clerk's person look-up and the
//! supervisors' list of refused duplicates.
//!
//! Every handler is a thin adapter: it builds the validated command from the body and calls
//! the services layer (`onething_services::allowance`), which checks the policy table (403),
//! the scope (404 outside it, as if the claim did not exist) and the command (400 naming
//! the field). The pages call the same functions. Citizen ids leave masked.

mod extra;
/// The 申请表 PDF (`application_form_bytes`): the pages serve the same bytes.
pub(crate) mod form;
mod open;
mod steps;

pub(crate) use crate::extract::idempotency_key;
pub(crate) use steps::read_file;
/// The claim JSON (`ClaimView`, `claim_view`): the 申请表 PDF route can reuse it.
pub(crate) mod view;

use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;

#[derive(OpenApi)]
#[openapi(tags((name = "maternity-allowance", description = "生育津贴申领: offers, claims, smart review, clerk review")))]
struct ClaimsDoc;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ClaimsDoc::openapi())
        .routes(routes!(open::offers))
        .routes(routes!(open::create_claim, view::list_claims))
        .routes(routes!(view::get_claim))
        .routes(routes!(form::application_form))
        .routes(routes!(steps::confirm_wage))
        .routes(routes!(steps::submit))
        .routes(routes!(steps::review))
        .routes(routes!(open::lookup))
        .routes(routes!(extra::duplicate_attempts))
        .routes(routes!(extra::get_bank_account, extra::put_bank_account))
        .routes(routes!(
            extra::get_automatic_consent,
            extra::put_automatic_consent
        ))
        .routes(routes!(extra::notifications))
        .merge(steps::upload_router())
}

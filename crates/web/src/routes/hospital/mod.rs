//! 生育保险报销一事联办 at the hospital window (seed 002) over HTTP: the spouse filing
//! (`filings.rs`), the reimbursement at the window and the hospital's account
//! (`reimbursements.rs`). Every handler calls the services layer's use case; the counter pages call
//! the same ones.

mod documents;
mod family_planning;
mod filings;
mod reimbursements;

use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;

#[derive(OpenApi)]
#[openapi(tags((name = "hospital", description = "生育保险报销一事联办: spouse filing, reimbursement at the window")))]
struct HospitalDoc;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(HospitalDoc::openapi())
        .routes(routes!(filings::file, filings::list))
        .routes(routes!(filings::one))
        .routes(routes!(filings::form_pdf))
        .routes(routes!(reimbursements::reimburse, reimbursements::list))
        .routes(routes!(reimbursements::one))
        .routes(routes!(
            reimbursements::account,
            reimbursements::set_account
        ))
        .merge(documents::router())
        .routes(routes!(family_planning::list))
        .routes(routes!(family_planning::decide))
}

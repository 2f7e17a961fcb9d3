//! `GET /maternity-allowance/late-payments`: claims unpaid past their payment due date
//! (MA-5: paid within 10 working days of approval), most overdue first.

use axum::Json;
use axum::extract::State;
use chrono::NaiveDate;
use onething_domain::access::mask_id_text;
use onething_domain::allowance::ClaimStatus;
use onething_domain::china_time::date_in_china;
use onething_store::allowance::settlements::LatePayment;
use serde::Serialize;
use utoipa::ToSchema;

use super::region_scope;
use crate::auth::CurrentUser;
use crate::{ApiError, AppState};

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct LatePaymentView {
    claim_id: String,
    status: ClaimStatus,
    employer_uscc: String,
    person_id_masked: String,
    amount_fen: Option<i64>,
    approved_on: NaiveDate,
    /// 10 working days after approval.
    payment_due: NaiveDate,
    /// Working days past the due date (0 when only rest days have passed since).
    overdue_working_days: i64,
    settlement_id: Option<String>,
    payment_id: Option<String>,
    /// The bank's reason when the payment failed.
    failure_reason: Option<String>,
}

impl From<LatePayment> for LatePaymentView {
    fn from(l: LatePayment) -> Self {
        LatePaymentView {
            person_id_masked: mask_id_text(&l.person_id),
            claim_id: l.claim_id,
            status: l.status,
            employer_uscc: l.employer_uscc,
            amount_fen: l.amount.map(|a| a.as_i64()),
            approved_on: l.approved_on,
            payment_due: l.payment_due,
            overdue_working_days: l.overdue_working_days,
            settlement_id: l.settlement_id,
            payment_id: l.payment_id,
            failure_reason: l.failure_reason,
        }
    }
}

/// Claims of the caller's region that are approved, settled or failed and past their
/// payment due date today (China time).
#[utoipa::path(get, path = "/maternity-allowance/late-payments", tag = "settlements",
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = [LatePaymentView]),
              (status = 401, body = crate::error::ErrorBody, description = "UNAUTHENTICATED"),
              (status = 403, body = crate::error::ErrorBody, description = "FORBIDDEN: agency clerks, supervisors and administrators only"),
              (status = 503, body = crate::error::ErrorBody, description = "CALENDAR_YEAR_NOT_PUBLISHED")))]
pub(crate) async fn late_payments(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Vec<LatePaymentView>>, ApiError> {
    user.permit(&state, onething_domain::access::UseCase::ViewLatePayments)?;
    let today = date_in_china(state.now());
    let late = state
        .store
        .late_payments(region_scope(&user)?, today, &state.calendar())
        .await?;
    Ok(Json(late.into_iter().map(Into::into).collect()))
}

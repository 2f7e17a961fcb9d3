//! The payment file for the bank, as CSV (the contract's header) or .xlsx. The batch's
//! control totals are checked again before the file is written, and every download is
//! audited (the file holds full account numbers).

use axum::extract::{FromRequestParts, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use onething_domain::Fen;
use onething_domain::allowance::settlement::{
    PAYMENT_FILE_HEADER, PaymentLine, render_payment_csv,
};
use onething_domain::ids::SettlementId;
use onething_store::allowance::settlements::{Settlement, SettlementError};
use onething_store::audit::NewAuditEntry;
use rust_xlsxwriter::{Format, Workbook, XlsxError};
use serde::Deserialize;
use serde_json::json;
use utoipa::IntoParams;

use super::region_scope;
use crate::auth::CurrentUser;
use crate::extract::{ApiPath, ApiQuery};
use crate::{ApiError, AppState};
use onething_domain::access::UseCase;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct FileQuery {
    /// `csv` (default) or `xlsx`.
    #[param(schema_with = file_formats)]
    format: Option<String>,
}

fn file_formats() -> utoipa::openapi::Object {
    crate::openapi_rules::string_enum(&["csv", "xlsx"])
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FileFormat {
    Csv,
    Xlsx,
}

/// One row per payment: `payment_id,payee_name,bank,account,amount_fen,claims` (claims are
/// the claim ids separated by `;`). CSV is UTF-8 with CRLF line ends; .xlsx has the same
/// columns, amounts as integer numbers.
#[utoipa::path(get, path = "/settlements/{id}/payment-file", tag = "settlements",
    params(("id" = SettlementId, Path, description = "settlement id"), FileQuery),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, description = "the payment file", content(
                  (String = "text/csv"),
                  (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
              (status = 400, body = crate::error::ErrorBody, description = "INVALID_QUERY: format is neither csv nor xlsx"),
              (status = 401, body = crate::error::ErrorBody, description = "UNAUTHENTICATED"),
              (status = 403, body = crate::error::ErrorBody, description = "FORBIDDEN: agency clerks and administrators only"),
              (status = 404, body = crate::error::ErrorBody, description = "NOT_FOUND, also outside the caller's region")))]
pub(crate) async fn payment_file(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<SettlementId>,
    mut parts: Parts,
) -> Result<Response, ApiError> {
    user.permit(&state, UseCase::DownloadPaymentFile)?;
    let ApiQuery(query) = ApiQuery::<FileQuery>::from_request_parts(&mut parts, &state).await?;
    download(&state, &user, &id, file_format(query.format.as_deref())?).await
}

/// The payment file of a settlement the user may see (404 otherwise), control totals checked
/// and the download audited. The clerk's settlement page serves the same response.
pub(crate) async fn download(
    state: &AppState,
    user: &CurrentUser,
    id: &SettlementId,
    format: FileFormat,
) -> Result<Response, ApiError> {
    let settlement = state
        .store
        .settlement(id.as_str(), region_scope(user)?)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let lines = lines_checked(&settlement)?;
    audit_download(state, user, &settlement, format).await?;
    let (content_type, bytes, extension) = match format {
        FileFormat::Csv => (
            "text/csv; charset=utf-8",
            render_payment_csv(&lines).into_bytes(),
            "csv",
        ),
        FileFormat::Xlsx => (XLSX, render_xlsx(&lines).map_err(xlsx_failed)?, "xlsx"),
    };
    let disposition = format!(
        "attachment; filename=\"{}.{extension}\"",
        settlement.head.id
    );
    Ok((
        [
            (CONTENT_TYPE, content_type.to_owned()),
            (CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}

fn file_format(text: Option<&str>) -> Result<FileFormat, ApiError> {
    match text.unwrap_or("csv") {
        "csv" => Ok(FileFormat::Csv),
        "xlsx" => Ok(FileFormat::Xlsx),
        other => Err(ApiError::bad_request(
            "INVALID_QUERY",
            format!("format“{other}”无效，应为 csv 或 xlsx"),
            "format",
        )),
    }
}

/// The file's rows, after checking the control totals fixed when the batch was cut.
fn lines_checked(settlement: &Settlement) -> Result<Vec<PaymentLine>, ApiError> {
    let claims: usize = settlement
        .payments
        .iter()
        .map(|p| p.subject_ids.len())
        .sum();
    let total = Fen::checked_sum(settlement.payments.iter().map(|p| p.amount))
        .map_err(SettlementError::from)?;
    if i64::try_from(claims).ok() != Some(settlement.head.claims) || total != settlement.head.total
    {
        return Err(SettlementError::ControlTotals(format!(
            "settlement {}: {} claims / {} fen recorded, payments hold {claims} / {}",
            settlement.head.id,
            settlement.head.claims,
            settlement.head.total.as_i64(),
            total.as_i64()
        ))
        .into());
    }
    Ok(settlement
        .payments
        .iter()
        .map(|p| PaymentLine {
            payment_id: p.id.clone(),
            payee_name: p.payee_name.clone(),
            bank: p.bank.clone(),
            account: p.account.clone(),
            amount: p.amount,
            claims: p.subject_ids.clone(),
        })
        .collect())
}

/// The workbook: one sheet, the contract's header, account numbers as text (they are
/// longer than a spreadsheet's 15 exact digits), amounts as integer numbers.
fn render_xlsx(lines: &[PaymentLine]) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("payments")?;
    let bold = Format::new().set_bold();
    let whole = Format::new().set_num_format("0");
    for (col, name) in (0u16..).zip(PAYMENT_FILE_HEADER) {
        sheet.write_string_with_format(0, col, name, &bold)?;
    }
    for (row, line) in (1u32..).zip(lines) {
        let cells = line.cells();
        for (col, cell) in (0u16..).zip(cells.iter()) {
            if col == 4 {
                // Whole fen fit an f64 exactly up to 2^53 (about 90 trillion yuan).
                let amount = line.amount.as_i64() as f64;
                sheet.write_number_with_format(row, col, amount, &whole)?;
            } else {
                sheet.write_string(row, col, cell)?;
            }
        }
    }
    sheet.autofit();
    workbook.save_to_buffer()
}

fn xlsx_failed(e: XlsxError) -> ApiError {
    super::errors::internal(&format!("xlsx: {e}"))
}

async fn audit_download(
    state: &AppState,
    user: &CurrentUser,
    settlement: &Settlement,
    format: FileFormat,
) -> Result<(), ApiError> {
    let entry = NewAuditEntry {
        at: state.now(),
        actor: user.username().to_owned(),
        role: Some(user.role()),
        action: "payment_file_downloaded".into(),
        subject_type: "settlement".into(),
        subject_id: settlement.head.id.clone(),
        case_id: None,
        detail: json!({
            "format": if format == FileFormat::Csv { "csv" } else { "xlsx" },
            "payments": settlement.payments.len(),
            "total_fen": settlement.head.total.as_i64(),
        }),
    };
    state.store.append_audit(&entry).await?;
    Ok(())
}

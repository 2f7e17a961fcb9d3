//! The periodic reports (周通报、月考评、季分析、年考核) over HTTP: the list, one report's
//! figures, and its PDF and .xlsx. Made by the server's schedule (docs/supervision.md).

use axum::Json;
use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use onething_services::supervision::{self as service, PeriodReport};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::CurrentUser;
use crate::extract::ApiPath;
use crate::period_reports;
use crate::{ApiError, AppState};
use onething_domain::ids::ReportId;

/// A kept report in the list (its figures: `GET …/reports/{id}`).
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ReportSummary {
    id: String,
    /// `week`, `month`, `quarter` or `year`.
    kind: &'static str,
    /// 周通报 / 月考评 / 季分析 / 年考核.
    kind_label: &'static str,
    #[schema(value_type = String, format = Date)]
    from: chrono::NaiveDate,
    #[schema(value_type = String, format = Date)]
    to: chrono::NaiveDate,
    region: String,
    title: String,
    #[schema(value_type = String, format = DateTime)]
    generated_at: chrono::DateTime<chrono::Utc>,
    generated_by: String,
    content_sha256: String,
    pdf: String,
    xlsx: String,
}

impl From<PeriodReport> for ReportSummary {
    fn from(r: PeriodReport) -> Self {
        let base = format!("/api/v1/supervision/reports/{}", r.id);
        ReportSummary {
            kind: r.kind.as_str(),
            kind_label: r.kind_label,
            from: r.from,
            to: r.to,
            region: r.region,
            title: r.title,
            generated_at: r.generated_at,
            generated_by: r.generated_by,
            content_sha256: r.content_sha256,
            pdf: format!("{base}/report.pdf"),
            xlsx: format!("{base}/report.xlsx"),
            id: r.id,
        }
    }
}

/// The periodic reports of the supervisor's region (administrator: all), newest first.
#[utoipa::path(get, path = "/supervision/reports", tag = "supervision",
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = [ReportSummary]), (status = 401, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody)))]
pub(crate) async fn reports(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Vec<ReportSummary>>, ApiError> {
    let actor = user.actor(&state, None);
    let list = service::period_reports(&state.services(), &actor).await?;
    Ok(Json(list.into_iter().map(ReportSummary::from).collect()))
}

/// One report with its frozen figures (each measure beside its target and the period
/// before; the counts).
#[utoipa::path(get, path = "/supervision/reports/{id}", tag = "supervision",
    params(("id" = ReportId, Path, description = "report id (`month-2024-09-01-500228`)")),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = Object), (status = 400, body = crate::error::ErrorBody, description = "INVALID_ID"),
              (status = 401, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn report(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<ReportId>,
) -> Result<Json<PeriodReport>, ApiError> {
    let actor = user.actor(&state, None);
    Ok(Json(
        service::period_report(&state.services(), &actor, id.as_str()).await?,
    ))
}

fn file(content_type: &str, name: String, bytes: Vec<u8>) -> Response {
    (
        [
            (CONTENT_TYPE, content_type.to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (CACHE_CONTROL, "no-store".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

/// The report as a PDF.
#[utoipa::path(get, path = "/supervision/reports/{id}/report.pdf", tag = "supervision",
    params(("id" = ReportId, Path, description = "report id")),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, content_type = "application/pdf", description = "the report"),
              (status = 400, body = crate::error::ErrorBody, description = "INVALID_ID"),
              (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody),
              (status = 503, body = crate::error::ErrorBody, description = "FONT_MISSING")))]
pub(crate) async fn report_pdf(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<ReportId>,
) -> Result<Response, ApiError> {
    download(&state, &user, &id, Format::Pdf).await
}

enum Format {
    Pdf,
    Xlsx,
}

/// A kept report's file, drawn from its frozen figures.
async fn download(
    state: &AppState,
    user: &CurrentUser,
    id: &ReportId,
    format: Format,
) -> Result<Response, ApiError> {
    let actor = user.actor(state, None);
    let report = service::period_report(&state.services(), &actor, id.as_str()).await?;
    let (content_type, extension, bytes) = match format {
        Format::Pdf => (
            "application/pdf",
            "pdf",
            period_reports::pdf(state, &report).await?,
        ),
        Format::Xlsx => (
            period_reports::XLSX,
            "xlsx",
            period_reports::xlsx(&report.content)
                .map_err(|e| ApiError::internal(&format!("xlsx: {e}")))?,
        ),
    };
    Ok(file(
        content_type,
        period_reports::file_name(&report, extension),
        bytes,
    ))
}

/// The report as an .xlsx workbook (sheet `report`).
#[utoipa::path(get, path = "/supervision/reports/{id}/report.xlsx", tag = "supervision",
    params(("id" = ReportId, Path, description = "report id")),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", description = "the report"),
              (status = 400, body = crate::error::ErrorBody, description = "INVALID_ID"),
              (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn report_xlsx(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<ReportId>,
) -> Result<Response, ApiError> {
    download(&state, &user, &id, Format::Xlsx).await
}

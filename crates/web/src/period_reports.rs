//! The periodic reports' files (周通报、月考评、季分析、年考核): the PDF and the .xlsx drawn
//! from a kept report's frozen figures, for the API, the pages and `onething report`.

use onething_domain::supervision::reports::ReportContent;
use onething_domain::supervision::targets::Direction;
use onething_services::supervision::PeriodReport;
use rust_xlsxwriter::{Format, Workbook, XlsxError};

use crate::{ApiError, AppState};

pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The report as a PDF with fonts at hand (the command line).
pub fn pdf_with(
    fonts: &onething_documents::Fonts,
    report: &PeriodReport,
) -> Result<Vec<u8>, onething_documents::DocumentError> {
    onething_documents::period_report_pdf(&report.content, &report.content_sha256, fonts)
}

/// The report as a PDF (503 `FONT_MISSING` on a server without a CJK font).
pub async fn pdf(state: &AppState, report: &PeriodReport) -> Result<Vec<u8>, ApiError> {
    let fonts = state.fonts.get().map_err(ApiError::from)?.clone();
    let content = report.content.clone();
    let hash = report.content_sha256.clone();
    tokio::task::spawn_blocking(move || {
        onething_documents::period_report_pdf(&content, &hash, &fonts)
    })
    .await
    .map_err(|e| ApiError::internal(&e))?
    .map_err(|e| ApiError::from(&e))
}

/// The report as a workbook: sheet `report` (measure, label, this period, the period
/// before, trend, target, direction, met, source; then the counts).
pub fn xlsx(r: &ReportContent) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("report")?;
    let bold = Format::new().set_bold();
    sheet.write_string_with_format(0, 0, r.title(), &bold)?;
    sheet.write_string(
        1,
        0,
        format!("上期 {} 至 {}", r.previous_from, r.previous_to),
    )?;
    let head = [
        "measure", "指标", "本期", "上期", "趋势", "目标", "方向", "达标", "来源",
    ];
    for (col, name) in (0u16..).zip(head) {
        sheet.write_string_with_format(2, col, name, &bold)?;
    }
    let number = |sheet: &mut rust_xlsxwriter::Worksheet, row, col, v: Option<f64>| match v {
        Some(v) => sheet.write_number(row, col, v).map(|_| ()),
        None => sheet.write_string(row, col, "").map(|_| ()),
    };
    for (row, l) in (3u32..).zip(&r.lines) {
        sheet.write_string(row, 0, &l.measure)?;
        sheet.write_string(row, 1, &l.label)?;
        number(sheet, row, 2, l.actual)?;
        number(sheet, row, 3, l.previous)?;
        sheet.write_string(row, 4, l.trend.arrow())?;
        sheet.write_number(row, 5, l.target)?;
        sheet.write_string(
            row,
            6,
            match l.direction {
                Direction::AtLeast => "at_least",
                Direction::AtMost => "at_most",
            },
        )?;
        sheet.write_string(
            row,
            7,
            match l.met {
                Some(true) => "yes",
                Some(false) => "no",
                None => "",
            },
        )?;
        sheet.write_string(row, 8, &l.source)?;
    }
    let start = 4 + r.lines.len() as u32;
    for (row, c) in (start..).zip(&r.counts) {
        sheet.write_string(row, 0, &c.name)?;
        sheet.write_string(row, 1, &c.label)?;
        sheet.write_number(row, 2, f64::from(c.actual))?;
        sheet.write_number(row, 3, f64::from(c.previous))?;
    }
    sheet.autofit();
    book.save_to_buffer()
}

/// The file names: `month-2024-09-01-500228.pdf`.
pub fn file_name(report: &PeriodReport, extension: &str) -> String {
    format!("{}.{extension}", report.id)
}

//! The supervisor's dashboard (`GET /supervision`): each measure of seed 004 for a week,
//! month, quarter or year beside its target, as a bar and a trend over the six periods
//! before, drawn as SVG on the server; and the same figures as .xlsx
//! (`GET /supervision/measures.xlsx`). Both call `supervision::measures`, as the API does.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use onething_domain::access::UseCase;
use onething_domain::supervision::periods::PeriodKind;
use onething_domain::supervision::reports::shown;
use onething_domain::supervision::targets::{Direction, TARGETS};
use onething_services::supervision::{self as service, MeasuresReport, Period};
use rust_xlsxwriter::{Format, Workbook, XlsxError};
use serde::Deserialize;

use super::chrome::{Chrome, Signed};
use super::{PageError, charts, ok, permit};
use crate::{ApiError, AppState};

const TREND: usize = 6;

#[derive(Debug, Default, Deserialize)]
pub(crate) struct DashboardQuery {
    period: Option<String>,
    on: Option<String>,
    region: Option<String>,
}

struct Row {
    label: &'static str,
    actual: String,
    target: String,
    met: &'static str,
    bar: String,
    trend: String,
    source: &'static str,
}

#[derive(Template)]
#[template(path = "supervision_dashboard.html")]
struct DashboardPage {
    chrome: Chrome,
    kind: &'static str,
    kinds: Vec<(&'static str, &'static str, bool)>,
    on: String,
    region: String,
    from: String,
    to: String,
    report: MeasuresReport,
    rows: Vec<Row>,
    query: String,
    offices: Vec<OfficeRow>,
}

/// One office's (region's) figures for the period.
struct OfficeRow {
    region: String,
    name: String,
    cases: u32,
    online: String,
    visits: String,
    on_time: String,
    bad: u32,
    rectified: u32,
}

async fn offices(
    state: &AppState,
    actor: &onething_services::Actor,
    report: &MeasuresReport,
) -> Result<Vec<OfficeRow>, ApiError> {
    let all = service::measures_by_region(&state.services(), actor, report.from, report.to).await?;
    Ok(all
        .into_iter()
        .filter(|r| r.measures.cases > 0)
        .map(|r| {
            let code = r.region.clone().unwrap_or_default();
            let name = onething_domain::RegionCode::parse(&code)
                .ok()
                .and_then(|c| c.name_zh())
                .unwrap_or("")
                .to_owned();
            OfficeRow {
                region: code,
                name,
                cases: r.measures.cases,
                online: shown(r.measures.online_share, true),
                visits: shown(r.measures.avg_visits, false),
                on_time: shown(r.measures.on_time_share, true),
                bad: r.measures.ratings.bad,
                rectified: r.measures.ratings.rectified,
            }
        })
        .collect())
}

fn parse(query: &DashboardQuery, today: NaiveDate) -> Result<(PeriodKind, NaiveDate), ApiError> {
    let kind = match query.period.as_deref().filter(|p| !p.is_empty()) {
        None => PeriodKind::Month,
        Some(p) => PeriodKind::parse(p).ok_or_else(|| {
            ApiError::bad_request(
                "INVALID_ENUM",
                "period 须为 week、month、quarter、year 之一",
                "period",
            )
        })?,
    };
    let on = match query.on.as_deref().filter(|d| !d.is_empty()) {
        None => today,
        Some(d) => d.parse().map_err(|_| {
            ApiError::bad_request("INVALID_DATE", "日期（on）须为 YYYY-MM-DD", "on")
        })?,
    };
    Ok((kind, on))
}

fn region(query: &DashboardQuery) -> Result<Option<onething_domain::RegionCode>, ApiError> {
    match query
        .region
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
    {
        None => Ok(None),
        Some(code) => onething_domain::RegionCode::parse(code)
            .map(Some)
            .map_err(|e| ApiError::bad_request(e.code(), e.message_zh(), "region")),
    }
}

/// The period's report and the trailing periods' reports (oldest first, the period last).
async fn reports(
    state: &AppState,
    actor: &onething_services::Actor,
    query: &DashboardQuery,
) -> Result<(PeriodKind, NaiveDate, Vec<MeasuresReport>), ApiError> {
    let (kind, on) = parse(query, actor.today())?;
    let region = region(query)?;
    let svc = state.services();
    let mut out = Vec::new();
    for (from, to) in kind.trailing(on, TREND) {
        out.push(service::measures(&svc, actor, Period { from, to, region }).await?);
    }
    Ok((kind, on, out))
}

fn rows(reports: &[MeasuresReport]) -> Vec<Row> {
    let current = &reports[reports.len() - 1];
    TARGETS
        .iter()
        .map(|t| {
            let actual = t.actual(&current.measures, &current.catalog);
            let history: Vec<Option<f64>> = reports
                .iter()
                .map(|r| t.actual(&r.measures, &r.catalog))
                .collect();
            let sign = if t.direction == Direction::AtLeast {
                "≥"
            } else {
                "≤"
            };
            Row {
                label: t.label_zh,
                actual: shown(actual, t.is_share()),
                target: format!("{sign} {}", shown(Some(t.value), t.is_share())),
                met: match t.met(actual) {
                    Some(true) => "达标",
                    Some(false) => "未达标",
                    None => "无数据",
                },
                bar: charts::bar(actual, t.value, t.is_share(), t.met(actual), t.label_zh),
                trend: charts::trend(&history, t.value, t.is_share(), t.label_zh),
                source: t.source,
            }
        })
        .collect()
}

/// `GET /supervision`.
pub(crate) async fn dashboard(
    State(state): State<AppState>,
    Signed { user, chrome }: Signed,
    Query(query): Query<DashboardQuery>,
) -> Result<Response, PageError> {
    let actor = permit(&state, &user, UseCase::ViewMeasures)?;
    let (kind, on, mut all) = reports(&state, &actor, &query).await?;
    let rows = rows(&all);
    let report = all
        .pop()
        .ok_or_else(|| PageError::from(ApiError::not_found()))?;
    let offices = offices(&state, &actor, &report).await?;
    let region = query.region.clone().unwrap_or_default();
    let q = format!("period={}&on={on}&region={region}", kind.as_str());
    ok(&DashboardPage {
        chrome,
        kind: kind.label_zh(),
        kinds: PeriodKind::ALL
            .into_iter()
            .map(|k| (k.as_str(), k.label_zh(), k == kind))
            .collect(),
        on: on.to_string(),
        from: report.from.to_string(),
        to: report.to.to_string(),
        region,
        report,
        rows,
        query: q,
        offices,
    })
}

/// `GET /supervision/measures.xlsx`: the same figures, one row per measure with its target
/// and source, then the counts behind them.
pub(crate) async fn export(
    State(state): State<AppState>,
    Signed { user, .. }: Signed,
    Query(query): Query<DashboardQuery>,
) -> Result<Response, PageError> {
    let actor = permit(&state, &user, UseCase::ViewMeasures)?;
    let (kind, _, all) = reports(&state, &actor, &query).await?;
    let report = &all[all.len() - 1];
    let bytes = workbook(report, kind).map_err(|e| PageError::internal(format!("xlsx: {e}")))?;
    let name = format!("measures-{}-{}.xlsx", report.from, report.to);
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

fn workbook(r: &MeasuresReport, kind: PeriodKind) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("measures")?;
    let bold = Format::new().set_bold();
    let title = format!(
        "{} {} 至 {}（{}）",
        kind.label_zh(),
        r.from,
        r.to,
        r.region.as_deref().unwrap_or("全部地区")
    );
    sheet.write_string_with_format(0, 0, &title, &bold)?;
    for (col, name) in (0u16..).zip(["measure", "指标", "实际", "目标", "方向", "达标", "来源"])
    {
        sheet.write_string_with_format(1, col, name, &bold)?;
    }
    for (row, t) in (2u32..).zip(TARGETS.iter()) {
        let actual = t.actual(&r.measures, &r.catalog);
        sheet.write_string(row, 0, t.measure)?;
        sheet.write_string(row, 1, t.label_zh)?;
        match actual {
            Some(v) => sheet.write_number(row, 2, v)?,
            None => sheet.write_string(row, 2, "")?,
        };
        sheet.write_number(row, 3, t.value)?;
        sheet.write_string(
            row,
            4,
            if t.direction == Direction::AtLeast {
                "at_least"
            } else {
                "at_most"
            },
        )?;
        sheet.write_string(
            row,
            5,
            match t.met(actual) {
                Some(true) => "yes",
                Some(false) => "no",
                None => "",
            },
        )?;
        sheet.write_string(row, 6, t.source)?;
    }
    let m = &r.measures;
    let counts: [(&str, f64); 12] = [
        ("cases", f64::from(m.cases)),
        ("timeliness.early", f64::from(m.timeliness.early)),
        (
            "timeliness.on_due_date",
            f64::from(m.timeliness.on_due_date),
        ),
        ("timeliness.overdue", f64::from(m.timeliness.overdue)),
        ("ratings.count", f64::from(m.ratings.count)),
        ("ratings.good", f64::from(m.ratings.good)),
        ("ratings.bad", f64::from(m.ratings.bad)),
        ("ratings.rectified", f64::from(m.ratings.rectified)),
        ("ratings.revisited", f64::from(m.ratings.revisited)),
        ("complaints.count", f64::from(m.complaints.count)),
        (
            "complaints.answered_in_time",
            f64::from(m.complaints.answered_in_time),
        ),
        ("instant_share", m.instant_share.unwrap_or(f64::NAN)),
    ];
    let start = 3 + TARGETS.len() as u32;
    for (row, (name, value)) in (start..).zip(counts) {
        sheet.write_string(row, 0, name)?;
        if value.is_nan() {
            sheet.write_string(row, 2, "")?;
        } else {
            sheet.write_number(row, 2, value)?;
        }
    }
    sheet.autofit();
    book.save_to_buffer()
}

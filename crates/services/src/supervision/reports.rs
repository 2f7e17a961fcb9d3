//! The periodic reports (周通报、月考评、季分析、年考核, seed 004 三(三)): made once per closed
//! period, kind and office (region with cases) by the server's schedule or `onething
//! report`, kept frozen (the figures as JSON with their SHA-256; the database's unique key
//! keeps one per kind, period and region), listed and downloaded by supervisors and
//! administrators. The PDF and the .xlsx are drawn from the kept figures.

use chrono::{DateTime, NaiveDate, Utc};
use onething_domain::RegionCode;
use onething_domain::access::UseCase;
use onething_domain::china_time::date_in_china;
use onething_domain::supervision::periods::PeriodKind;
use onething_domain::supervision::reports::{Figures, ReportContent, report_lines};
use onething_store::supervision::PeriodReportRow;
use serde::Serialize;

use super::measures::measures_of;
use crate::{Actor, ServiceError, Services, hex_sha256};

/// A kept report: when and by whom it was made, and its figures.
#[derive(Debug, Clone, Serialize)]
pub struct PeriodReport {
    pub id: String,
    pub kind: PeriodKind,
    /// 周通报 / 月考评 / 季分析 / 年考核.
    pub kind_label: &'static str,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub region: String,
    pub title: String,
    pub generated_at: DateTime<Utc>,
    pub generated_by: String,
    /// SHA-256 (hex) of the kept figures' JSON.
    pub content_sha256: String,
    pub content: ReportContent,
}

fn report(row: PeriodReportRow) -> Result<PeriodReport, ServiceError> {
    let content: ReportContent = serde_json::from_str(&row.content).map_err(|e| {
        ServiceError::Store(onething_store::StoreError::Corrupt(format!(
            "period report {}: {e}",
            row.id
        )))
    })?;
    if hex_sha256(row.content.as_bytes()) != row.content_sha256 {
        return Err(ServiceError::Store(onething_store::StoreError::Corrupt(
            format!("period report {}: content does not match its hash", row.id),
        )));
    }
    Ok(PeriodReport {
        id: row.id,
        kind: content.kind,
        kind_label: content.kind.label_zh(),
        from: row.from,
        to: row.to,
        region: row.region,
        title: content.title(),
        generated_at: row.generated_at,
        generated_by: row.generated_by,
        content_sha256: row.content_sha256,
        content,
    })
}

/// The report's id: its kind, first day and region (`month-2024-09-01-500228`).
fn report_id(kind: PeriodKind, from: NaiveDate, region: RegionCode) -> String {
    format!("{}-{from}-{region}", kind.as_str())
}

/// Makes (once) the report of the period of `kind` containing `on` for `region`; the period
/// must have closed before `at`'s China date. Answers the report and whether this call made
/// it (`false`: it was kept already, unchanged).
pub async fn generate_period_report(
    svc: &Services,
    by: &str,
    at: DateTime<Utc>,
    kind: PeriodKind,
    on: NaiveDate,
    region: RegionCode,
) -> Result<(PeriodReport, bool), ServiceError> {
    let (from, to) = kind.containing(on);
    if to >= date_in_china(at) {
        return Err(ServiceError::NotNow(format!(
            "{}（{from} 至 {to}）尚未结束，期满后方可生成",
            kind.label_zh()
        )));
    }
    if let Some(row) = svc
        .store
        .period_report_of(kind.as_str(), from, &region.to_string())
        .await?
    {
        return Ok((report(row)?, false));
    }
    let now = measures_of(svc, Some(region), from, to).await?;
    let (previous_from, previous_to) = kind.previous(from);
    let before = measures_of(svc, Some(region), previous_from, previous_to).await?;
    let (lines, counts) = report_lines(
        &Figures {
            measures: &now.measures,
            catalog: &now.catalog,
        },
        &Figures {
            measures: &before.measures,
            catalog: &before.catalog,
        },
    );
    let content = ReportContent {
        kind,
        from,
        to,
        previous_from,
        previous_to,
        region: region.to_string(),
        region_name: region.name_zh().unwrap_or("").to_owned(),
        lines,
        counts,
    };
    let text = serde_json::to_string(&content)
        .map_err(|e| ServiceError::Store(onething_store::StoreError::Corrupt(e.to_string())))?;
    let row = PeriodReportRow {
        id: report_id(kind, from, region),
        kind: kind.as_str().to_owned(),
        from,
        to,
        region: region.to_string(),
        generated_at: at,
        generated_by: by.to_owned(),
        content_sha256: hex_sha256(text.as_bytes()),
        content: text,
    };
    let made = svc.store.insert_period_report(&row).await?;
    // Another server may have kept it between the look and the write: answer the kept one.
    let kept = svc
        .store
        .period_report_of(kind.as_str(), from, &row.region)
        .await?
        .ok_or_else(ServiceError::not_found)?;
    Ok((report(kept)?, made))
}

/// The schedule's run: for each kind, the last period closed before `at`'s China date, for
/// every office (region with cases); only the reports not kept yet are made, so running it
/// again — after a restart, on another server — makes nothing twice. Answers the reports
/// this call made.
pub async fn generate_due_reports(
    svc: &Services,
    at: DateTime<Utc>,
) -> Result<Vec<PeriodReport>, ServiceError> {
    let today = date_in_china(at);
    let mut made = Vec::new();
    for code in svc.store.case_regions(None).await? {
        let Ok(region) = RegionCode::parse(&code) else {
            continue;
        };
        for kind in PeriodKind::ALL {
            let (from, _) = kind.last_closed(today);
            let (r, new) =
                generate_period_report(svc, "system:schedule", at, kind, from, region).await?;
            if new {
                made.push(r);
            }
        }
    }
    Ok(made)
}

/// The reports of the actor's jurisdiction (supervisor: his region; administrator: all),
/// newest period first.
pub async fn period_reports(
    svc: &Services,
    actor: &Actor,
) -> Result<Vec<PeriodReport>, ServiceError> {
    actor.authorize(UseCase::ViewPeriodReports)?;
    let prefix = super::jurisdiction(actor)?;
    svc.store
        .period_reports(prefix.as_deref())
        .await?
        .into_iter()
        .map(report)
        .collect()
}

/// One report (404 outside the actor's jurisdiction).
pub async fn period_report(
    svc: &Services,
    actor: &Actor,
    id: &str,
) -> Result<PeriodReport, ServiceError> {
    actor.authorize(UseCase::ViewPeriodReports)?;
    let row = match svc.store.period_report(id).await {
        Err(onething_store::StoreError::NotFound { .. }) => {
            return Err(ServiceError::not_found());
        }
        other => other?,
    };
    if !super::in_jurisdiction(actor, Some(&row.region)) {
        return Err(ServiceError::not_found());
    }
    report(row)
}

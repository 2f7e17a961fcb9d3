//! 定期报告 on the page (`/supervision/reports`): the reports the schedule made (周通报、月考评、
//! 季分析、年考核) for the supervisor's region, each with its PDF and .xlsx (the API's
//! downloads). The same use case as `GET /api/v1/supervision/reports`.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use onething_domain::access::UseCase;
use onething_domain::supervision::reports::shown;
use onething_services::supervision as service;

use super::chrome::{Chrome, Signed};
use super::{PageError, china_time, ok, permit};
use crate::{ApiError, AppState};

struct Row {
    id: String,
    kind: &'static str,
    period: String,
    region: String,
    met: String,
    generated: String,
    hash: String,
}

#[derive(Template)]
#[template(path = "period_reports.html")]
struct ListPage {
    chrome: Chrome,
    rows: Vec<Row>,
}

pub(crate) async fn list(
    State(state): State<AppState>,
    Signed { user, chrome }: Signed,
) -> Result<Response, PageError> {
    let actor = permit(&state, &user, UseCase::ViewPeriodReports)?;
    let list = service::period_reports(&state.services(), &actor)
        .await
        .map_err(ApiError::from)?;
    let rows = list
        .into_iter()
        .map(|r| {
            let judged = r.content.lines.iter().filter(|l| l.met.is_some()).count();
            let met = r
                .content
                .lines
                .iter()
                .filter(|l| l.met == Some(true))
                .count();
            let cases = r.content.counts.first().map(|c| c.actual).unwrap_or(0);
            Row {
                kind: r.kind_label,
                period: format!("{} 至 {}", r.from, r.to),
                region: format!("{} {}", r.content.region_name, r.region),
                met: format!(
                    "办结 {cases} 件；{met}/{judged} 项达标（一次不用跑 {}）",
                    r.content
                        .lines
                        .iter()
                        .find(|l| l.measure == "online_share")
                        .map(|l| shown(l.actual, true))
                        .unwrap_or_default()
                ),
                generated: format!("{}（{}）", china_time(r.generated_at), r.generated_by),
                hash: r.content_sha256[..12].to_owned(),
                id: r.id,
            }
        })
        .collect();
    ok(&ListPage { chrome, rows })
}

//! The periodic report (周通报、月考评、季分析、年考核, seed 004 三(三)) as a PDF: each measure
//! of the period beside its target and the period before, then the counts behind them.

use onething_domain::supervision::reports::{ReportContent, shown};
use onething_domain::supervision::targets::Direction;

use crate::layout::{Cell, Composer};
use crate::{DocumentError, Fonts};

const LINES: [f32; 6] = [0.34, 0.13, 0.13, 0.13, 0.09, 0.18];
const COUNTS: [f32; 3] = [0.5, 0.25, 0.25];

/// The report as a PDF (A4); `hash` (the kept figures' SHA-256) is printed in the footer.
pub fn period_report_pdf(
    report: &ReportContent,
    hash: &str,
    fonts: &Fonts,
) -> Result<Vec<u8>, DocumentError> {
    let mut page = Composer::new(fonts);
    let title = report.title();
    page.title(&title)?;
    page.caption(
        &format!("地区：{} {}", report.region_name, report.region),
        &format!("上期：{} 至 {}", report.previous_from, report.previous_to),
    )?;
    page.section("指标与目标")?;
    page.row(&[
        Cell::header("指标", LINES[0]),
        Cell::header("本期", LINES[1]),
        Cell::header("上期", LINES[2]),
        Cell::header("目标", LINES[3]),
        Cell::header("趋势", LINES[4]),
        Cell::header("达标", LINES[5]),
    ])?;
    for l in &report.lines {
        let sign = match l.direction {
            Direction::AtLeast => "≥",
            Direction::AtMost => "≤",
        };
        let met = match l.met {
            Some(true) => "达标",
            Some(false) => "未达标",
            None => "无数据",
        };
        page.row(&[
            Cell::value(&l.label, LINES[0]),
            Cell::value(shown(l.actual, l.share), LINES[1]),
            Cell::value(shown(l.previous, l.share), LINES[2]),
            Cell::value(
                format!("{sign} {}", shown(Some(l.target), l.share)),
                LINES[3],
            ),
            Cell::value(l.trend.arrow(), LINES[4]),
            Cell::value(met, LINES[5]),
        ])?;
    }
    page.end_table();
    page.section("件数")?;
    page.row(&[
        Cell::header("项目", COUNTS[0]),
        Cell::header("本期", COUNTS[1]),
        Cell::header("上期", COUNTS[2]),
    ])?;
    for c in &report.counts {
        page.row(&[
            Cell::value(&c.label, COUNTS[0]),
            Cell::value(c.actual.to_string(), COUNTS[1]),
            Cell::value(c.previous.to_string(), COUNTS[2]),
        ])?;
    }
    page.end_table();
    page.gap(6.0);
    let sources: Vec<&str> = report.lines.iter().map(|l| l.source.as_str()).collect();
    let mut unique = sources;
    unique.dedup();
    page.paragraph(&format!(
        "口径：办结件数为本期内全部事项办结（不含撤回）的办件；目标来源：{}。",
        unique.join("；")
    ))?;
    let footer = format!("{title}　SHA-256 {}", &hash[..hash.len().min(16)]);
    page.finish(&title, &move |number, pages| {
        (footer.clone(), format!("第 {number} 页 / 共 {pages} 页"))
    })
}

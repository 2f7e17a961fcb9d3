//! The periodic reports seed 004 三(三) names (周通报、月考评、季分析、年考核): one per closed
//! period and region, made once on schedule and kept as it was made. Its content is plain
//! data — each measure of the period beside its target and the period before (the trend),
//! then the counts behind them — so the PDF and the .xlsx are drawn from the same frozen
//! figures whenever they are downloaded.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::measures::{CatalogFigures, Measures};
use super::periods::PeriodKind;
use super::targets::{Direction, TARGETS};

/// Which way a measure moved since the period before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trend {
    Up,
    Down,
    Flat,
    /// One of the two periods has no figure.
    Unknown,
}

impl Trend {
    fn of(actual: Option<f64>, previous: Option<f64>) -> Trend {
        match (actual, previous) {
            (Some(a), Some(p)) if (a - p).abs() < 1e-9 => Trend::Flat,
            (Some(a), Some(p)) if a > p => Trend::Up,
            (Some(_), Some(_)) => Trend::Down,
            _ => Trend::Unknown,
        }
    }

    pub fn arrow(self) -> &'static str {
        match self {
            Trend::Up => "↑",
            Trend::Down => "↓",
            Trend::Flat => "→",
            Trend::Unknown => "—",
        }
    }
}

/// One measure of the report beside its target and the period before.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportLine {
    pub measure: String,
    pub label: String,
    pub actual: Option<f64>,
    pub previous: Option<f64>,
    pub trend: Trend,
    pub target: f64,
    pub direction: Direction,
    /// `None`: no figure to judge.
    pub met: Option<bool>,
    /// Shown as a percentage (a share or rate) rather than a number.
    pub share: bool,
    pub source: String,
}

/// A count behind the measures, this period and the period before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportCount {
    pub name: String,
    pub label: String,
    pub actual: u32,
    pub previous: u32,
}

/// A periodic report's frozen content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportContent {
    pub kind: PeriodKind,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub previous_from: NaiveDate,
    pub previous_to: NaiveDate,
    /// The office's region code (GB/T 2260) and its name.
    pub region: String,
    pub region_name: String,
    pub lines: Vec<ReportLine>,
    pub counts: Vec<ReportCount>,
}

impl ReportContent {
    /// The report's title: `梁平区医保政务服务月考评（2024-09-01 至 2024-09-30）`.
    pub fn title(&self) -> String {
        format!(
            "{}医保政务服务{}（{} 至 {}）",
            self.region_name,
            self.kind.label_zh(),
            self.from,
            self.to
        )
    }
}

/// A period's figures: the measures of its cases and the catalogue in force.
pub struct Figures<'a> {
    pub measures: &'a Measures,
    pub catalog: &'a CatalogFigures,
}

/// The lines and counts of a report from the period's figures and the period before's.
pub fn report_lines(now: &Figures, before: &Figures) -> (Vec<ReportLine>, Vec<ReportCount>) {
    let lines = TARGETS
        .iter()
        .map(|t| {
            let actual = t.actual(now.measures, now.catalog);
            let previous = t.actual(before.measures, before.catalog);
            ReportLine {
                measure: t.measure.to_owned(),
                label: t.label_zh.to_owned(),
                actual,
                previous,
                trend: Trend::of(actual, previous),
                target: t.value,
                direction: t.direction,
                met: t.met(actual),
                share: t.is_share(),
                source: t.source.to_owned(),
            }
        })
        .collect();
    let counts_of = |m: &Measures| {
        [
            ("cases", "办结件数", m.cases),
            ("timeliness.early", "提前办结", m.timeliness.early),
            (
                "timeliness.on_due_date",
                "按期办结",
                m.timeliness.on_due_date,
            ),
            ("timeliness.overdue", "超期办结", m.timeliness.overdue),
            ("ratings.count", "评价数", m.ratings.count),
            ("ratings.good", "好评", m.ratings.good),
            ("ratings.bad", "差评", m.ratings.bad),
            ("ratings.rectified", "差评已整改", m.ratings.rectified),
            ("ratings.revisited", "差评已回访", m.ratings.revisited),
            ("complaints.count", "投诉", m.complaints.count),
            (
                "complaints.answered_in_time",
                "按期答复投诉",
                m.complaints.answered_in_time,
            ),
        ]
    };
    let counts = counts_of(now.measures)
        .into_iter()
        .zip(counts_of(before.measures))
        .map(|((name, label, actual), (_, _, previous))| ReportCount {
            name: name.to_owned(),
            label: label.to_owned(),
            actual,
            previous,
        })
        .collect();
    (lines, counts)
}

/// A figure as the report prints it: a share as a percentage, a number with two decimals,
/// nothing as a dash.
pub fn shown(value: Option<f64>, share: bool) -> String {
    match value {
        None => "—".into(),
        Some(v) if share => format!("{:.1}%", v * 100.0),
        Some(v) => format!("{v:.2}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_line_carries_its_target_and_trend() {
        let now = Measures {
            cases: 4,
            avg_visits: Some(0.25),
            online_share: Some(0.75),
            ..Measures::default()
        };
        let before = Measures {
            cases: 2,
            avg_visits: Some(0.5),
            online_share: Some(0.75),
            ..Measures::default()
        };
        let c = CatalogFigures::default();
        let (lines, counts) = report_lines(
            &Figures {
                measures: &now,
                catalog: &c,
            },
            &Figures {
                measures: &before,
                catalog: &c,
            },
        );
        assert_eq!(lines.len(), TARGETS.len());
        let visits = lines
            .iter()
            .find(|l| l.measure == "avg_visits")
            .expect("visits");
        assert_eq!(
            (visits.trend, visits.met, visits.share),
            (Trend::Down, Some(true), false)
        );
        let online = lines
            .iter()
            .find(|l| l.measure == "online_share")
            .expect("online");
        assert_eq!((online.trend, online.met), (Trend::Flat, Some(false)));
        let rect = lines
            .iter()
            .find(|l| l.measure == "ratings.rectification_rate")
            .expect("rate");
        assert_eq!((rect.trend, rect.met), (Trend::Unknown, None));
        assert_eq!((counts[0].actual, counts[0].previous), (4, 2));
        assert_eq!(shown(Some(0.755), true), "75.5%");
        assert_eq!(shown(None, false), "—");
    }
}

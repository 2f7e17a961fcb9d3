//! The targets seed 004 sets for each measure (二(二), 二(六)), with their source, so the
//! dashboard and the export show each measure beside its target.

use serde::Serialize;

/// Which way a measure should go to meet its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    AtLeast,
    AtMost,
}

/// One measure's target.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Target {
    /// The measure's field name in `GET /supervision/measures` (dotted for nested ones).
    pub measure: &'static str,
    pub label_zh: &'static str,
    pub direction: Direction,
    pub value: f64,
    pub source: &'static str,
}

impl Target {
    /// Whether `actual` meets the target (`None`: nothing to judge).
    pub fn met(&self, actual: Option<f64>) -> Option<bool> {
        let a = actual?;
        Some(match self.direction {
            Direction::AtLeast => a >= self.value - 1e-9,
            Direction::AtMost => a <= self.value + 1e-9,
        })
    }
}

const S26: &str = "seed 004《2021年医疗保障政务服务工作方案》二(六)";
const S22: &str = "seed 004《2021年医疗保障政务服务工作方案》二(二)";

/// Every target, in the order the dashboard shows them.
pub const TARGETS: [Target; 9] = [
    Target {
        measure: "catalog.public_service_online_share",
        label_zh: "公共服务事项“全程网办”占比",
        direction: Direction::AtLeast,
        value: 0.8,
        source: S26,
    },
    Target {
        measure: "catalog.power_online_share",
        label_zh: "依申请类行政权力事项“全程网办”占比",
        direction: Direction::AtLeast,
        value: 0.7,
        source: S26,
    },
    Target {
        measure: "catalog.instant_share",
        label_zh: "即办件事项比例",
        direction: Direction::AtLeast,
        value: 0.4,
        source: S26,
    },
    Target {
        measure: "avg_time_reduction",
        label_zh: "实际办理时间比法定时限平均减少",
        direction: Direction::AtLeast,
        value: 0.8,
        source: S26,
    },
    Target {
        measure: "avg_visits",
        label_zh: "平均跑动次数",
        direction: Direction::AtMost,
        value: 0.3,
        source: S26,
    },
    Target {
        measure: "complaints.response_rate",
        label_zh: "投诉处理响应率",
        direction: Direction::AtLeast,
        value: 1.0,
        source: S26,
    },
    Target {
        measure: "ratings.rectification_rate",
        label_zh: "差评整改率",
        direction: Direction::AtLeast,
        value: 1.0,
        source: S22,
    },
    Target {
        measure: "ratings.revisit_rate",
        label_zh: "差评回访率",
        direction: Direction::AtLeast,
        value: 1.0,
        source: S22,
    },
    Target {
        measure: "online_share",
        label_zh: "办件“一次不用跑”占比（全程网办办件）",
        direction: Direction::AtLeast,
        value: 0.8,
        source: "seed 004 二(三)、二(六)“尽力让更多参保群众‘一次不用跑’”；目标值借用公共服务事项全程网办80%，待医保局确认",
    },
];

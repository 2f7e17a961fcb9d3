//! The targets seed 004 sets for each measure (二(二), 二(六)), with their source, so the
//! dashboard and the export show each measure beside its target.

use serde::{Deserialize, Serialize};

/// Which way a measure should go to meet its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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

impl Target {
    /// This target's measure read from a period's figures.
    pub fn actual(
        &self,
        m: &super::measures::Measures,
        c: &super::measures::CatalogFigures,
    ) -> Option<f64> {
        match self.measure {
            "catalog.public_service_online_share" => c.public_service_online_share,
            "catalog.power_online_share" => c.power_online_share,
            "catalog.instant_share" => c.instant_share,
            "avg_time_reduction" => m.avg_time_reduction,
            "avg_visits" => m.avg_visits,
            "complaints.response_rate" => m.complaints.response_rate,
            "ratings.rectification_rate" => m.ratings.rectification_rate,
            "ratings.revisit_rate" => m.ratings.revisit_rate,
            "online_share" => m.online_share,
            _ => None,
        }
    }

    /// Shown as a percentage (shares and rates) rather than a plain number (visits).
    pub fn is_share(&self) -> bool {
        self.measure != "avg_visits"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::supervision::measures::{CatalogFigures, Measures};

    #[test]
    fn every_target_reads_its_measure_and_judges_its_direction() {
        let m = Measures {
            avg_visits: Some(0.25),
            online_share: Some(0.5),
            ..Measures::default()
        };
        let c = CatalogFigures::default();
        let visits = TARGETS
            .iter()
            .find(|t| t.measure == "avg_visits")
            .expect("visits");
        assert_eq!(visits.met(visits.actual(&m, &c)), Some(true));
        let online = TARGETS
            .iter()
            .find(|t| t.measure == "online_share")
            .expect("online");
        assert_eq!(online.met(online.actual(&m, &c)), Some(false));
        assert_eq!(online.met(None), None);
        for t in TARGETS {
            assert!(t.source.contains("seed 004"), "{}", t.measure);
        }
    }
}

//! 办事指南: the service guide a catalogue item or bundle may carry (RB-7, seed 002 附件3),
//! versioned with the catalogue. Field names are the contract's (`GET
//! /api/v1/catalog/items/{code}/guide`).

use serde::{Deserialize, Serialize};

/// One material the applicant provides, with where it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct GuideMaterial {
    /// Which part of the service it is for (产前检查医疗费用, …).
    pub for_what: String,
    pub name: String,
    /// 材料来源 (申请人提交, 部门共享, …).
    pub source: String,
    /// 材料要求 / 各类情形, when the guide states one.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub requirement: String,
}

/// A service guide.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ServiceGuide {
    /// 事项名称.
    pub name: String,
    /// 适用范围.
    pub scope: String,
    /// 服务对象.
    pub audience: String,
    /// 申请条件, one entry per condition.
    pub conditions: Vec<String>,
    /// 审批决定机构.
    pub deciding_body: String,
    /// 材料清单.
    pub materials: Vec<GuideMaterial>,
    /// 办理时限.
    pub time_limit: String,
    /// 收费标准及依据.
    pub fee: String,
    /// 结果送达.
    pub delivery: String,
    /// 办理时间.
    pub hours: String,
    /// 办理地点.
    pub place: String,
    /// 咨询和投诉电话.
    pub phone: String,
    /// Where the guide's text comes from (seed and section).
    pub source: String,
}

impl ServiceGuide {
    /// The complaint telephone (投诉电话) the guide's `phone` names: the text after
    /// `投诉电话：` up to the next `；` (seed 002 附件3: `0714-8769847`).
    pub fn complaint_phone(&self) -> Option<&str> {
        let (_, rest) = self.phone.split_once("投诉电话")?;
        let rest = rest.trim_start_matches(['：', ':', ' ']);
        let phone = rest.split(['；', ';', '，', ',']).next()?.trim();
        (!phone.is_empty()).then_some(phone)
    }
}

impl super::Catalog {
    /// The first complaint telephone any of the catalogue's guides (items', then bundles')
    /// publishes; `None` when none does.
    pub fn complaint_phone(&self) -> Option<&str> {
        let items = self.items.iter().filter_map(|i| i.guide.as_ref());
        let bundles = self.bundles.iter().filter_map(|b| b.guide.as_ref());
        items.chain(bundles).find_map(ServiceGuide::complaint_phone)
    }
}

#[cfg(test)]
mod complaint_phone_tests {
    #[test]
    fn the_shipped_guide_names_its_complaint_telephone() {
        let catalog = crate::catalog::Catalog::shipped();
        assert_eq!(catalog.complaint_phone(), Some("0714-8769847"));
    }

    #[test]
    fn materials_and_flags_only_where_a_seed_states_them() {
        let catalog = crate::catalog::Catalog::shipped();
        let allowance = catalog.item("PS-05").expect("PS-05");
        assert_eq!(allowance.at_most_one_visit, Some(true));
        assert_eq!(
            (allowance.promise, allowance.tolerant_acceptance),
            (None, None)
        );
        assert_eq!(allowance.materials.len(), 3);
        assert!(allowance.materials.iter().all(|m| m.waived_by_sharing));
        let other = catalog.item("PS-06").expect("PS-06");
        assert!(other.materials.is_empty() && other.at_most_one_visit.is_none());
        assert_eq!(crate::catalog::flag_zh(other.promise), "未规定");
    }
}

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

//! The catalogue's shapes: the bureau's service items (事项) and the one-thing bundles
//! (一件事) composed of items. Loaded from `data/catalog/*.toml` (see `catalog::load`).

use serde::{Deserialize, Serialize};

use super::guide::ServiceGuide;

use crate::department::DepartmentKind;

/// Which of the bureau's published lists an item belongs to (seed 004 附件2 / 附件3),
/// or `Partner` for an item owned by another department that a bundle includes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ItemList {
    /// 行政权力事项 (seed 004 附件2).
    AdministrativePower,
    /// 公共服务事项 (seed 004 附件3).
    PublicService,
    /// Another department's item, known to the platform through a bundle.
    Partner,
}

/// One service item (事项) of a catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CatalogItem {
    /// Stable code, never reused (e.g. `PS-05`, `AP-02`, `NB-CERT`).
    pub code: String,
    /// Name, verbatim from the source document.
    pub name: String,
    pub list: ItemList,
    /// 事项类型 as the source names it (行政处罚, 行政检查, 公共服务, …).
    pub item_type: String,
    /// The department kind that handles the item.
    pub department: DepartmentKind,
    /// Statutory or promised limit in working days, where a source states one.
    pub limit_working_days: Option<u32>,
    /// 全程网办: can be handled fully online.
    pub online: bool,
    /// 即办件: decided on the spot.
    pub instant: bool,
    /// Where the item and its limit come from (seed and section), shown to auditors.
    pub source: String,
    /// 办事指南, where the catalogue gives one (RB-7).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guide: Option<ServiceGuide>,
    /// 申请材料, where a source lists them (empty: no source lists them for this item).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub materials: Vec<ItemMaterial>,
    /// 告知承诺制: a certificate may be replaced by the applicant's written promise.
    /// `None`: no source states it for this item (seed 004 二(一) asks only to extend it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promise: Option<bool>,
    /// 容缺受理: accepted with a secondary material missing, supplied later. `None`: not
    /// stated (seed 004 二(六) asks for the list, not per item).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tolerant_acceptance: Option<bool>,
    /// 最多跑一次: at most one visit to the office. `None`: not stated (seed 004 二(六)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_most_one_visit: Option<bool>,
}

/// One 申请材料 of an item, and whether data sharing waives it (零材料).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ItemMaterial {
    pub name: String,
    /// Where the platform gets it when waived (the department pushing it), or who brings it.
    pub source: String,
    /// Not asked for when the sharing department's data is there (拍照上传 when it is not).
    pub waived_by_sharing: bool,
}

/// A flag as a page shows it: 是 / 否 / 未规定.
pub fn flag_zh(flag: Option<bool>) -> &'static str {
    match flag {
        Some(true) => "是",
        Some(false) => "否",
        None => "未规定",
    }
}

/// An item inside a bundle, with the items it must wait for (NB-7).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BundleItem {
    /// Code of a `CatalogItem` (the bureau's own or a partner item).
    pub item: String,
    /// Limit within this bundle in working days (the bundle's promise can be shorter
    /// than the item's statutory limit). `None` for a service without a deadline.
    pub limit_working_days: Option<u32>,
    /// Codes of items in the same bundle whose results this item needs first.
    #[serde(default)]
    pub depends_on: Vec<String>,
    /// An item a case gets only when the service opening it asks for it, because a dated
    /// regional parameter says so (卫健局's family-planning review of a maternity claim,
    /// seed 002 四); a case without it drops the dependencies on it (`Bundle::items_for`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub optional: bool,
}

/// A one-thing bundle (一件事): items of several departments applied for once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Bundle {
    /// Stable code: `maternity_allowance`, `maternity_reimbursement`, `newborn`.
    pub code: String,
    pub name: String,
    /// The department kind that leads the bundle (牵头单位).
    pub lead: DepartmentKind,
    /// The limit the source promises for the whole bundle, if it states one.
    pub promised_limit_working_days: Option<u32>,
    pub items: Vec<BundleItem>,
    pub source: String,
    /// 办事指南 of the whole bundle (seed 002 附件3 for `maternity_reimbursement`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guide: Option<ServiceGuide>,
}

/// A whole catalogue: the content of one catalogue version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Catalog {
    pub items: Vec<CatalogItem>,
    pub bundles: Vec<Bundle>,
}

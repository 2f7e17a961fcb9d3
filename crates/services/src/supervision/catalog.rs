//! Catalogue upkeep (SC-1, seed 004 二(一) 动态调整): an administrator changes an item's
//! 全程网办 / 即办 flags or its time limit; each change is a new catalogue version with its
//! note (the window and the web read the same current version), audited with the values
//! before and after. The change names the version it was made on, so a change made on a
//! stale page is refused rather than silently undoing another.

use onething_domain::access::UseCase;
use onething_domain::catalog::CatalogItem;
use serde::Deserialize;
use serde_json::json;

use super::audit;
use crate::input::required_text;
use crate::{Actor, Invalid, ServiceError, Services};

/// An item change as sent: `{"version", "online", "instant", "limit_working_days", "note"}`
/// (each of `online`, `instant`, `limit_working_days` optional; `note` required).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ItemChangeInput {
    /// The catalogue version the change was made on (409 when another came since).
    #[cfg_attr(feature = "openapi", schema(value_type = i64, required = true))]
    pub version: Option<i64>,
    pub online: Option<bool>,
    pub instant: Option<bool>,
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 365))]
    pub limit_working_days: Option<u32>,
    #[cfg_attr(
        feature = "openapi",
        schema(value_type = String, required = true, max_length = 500, pattern = r"\S")
    )]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemChange {
    pub version: i64,
    pub online: Option<bool>,
    pub instant: Option<bool>,
    pub limit_working_days: Option<u32>,
    pub note: String,
}

impl TryFrom<ItemChangeInput> for ItemChange {
    type Error = Invalid;

    fn try_from(input: ItemChangeInput) -> Result<ItemChange, Invalid> {
        let version = input
            .version
            .ok_or_else(|| Invalid::missing("version", "目录版本（version）不能为空"))?;
        if input
            .limit_working_days
            .is_some_and(|d| !(1..=365).contains(&d))
        {
            return Err(Invalid::new(
                "OUT_OF_RANGE",
                "limit_working_days",
                "时限（limit_working_days）须为1到365个工作日",
            ));
        }
        Ok(ItemChange {
            version,
            online: input.online,
            instant: input.instant,
            limit_working_days: input.limit_working_days,
            note: required_text(input.note.as_deref(), "note", "调整说明", 500)?,
        })
    }
}

/// Writes the changed item as a new catalogue version; returns it with the version.
pub async fn change_catalog_item(
    svc: &Services,
    actor: &Actor,
    code: &str,
    change: ItemChange,
) -> Result<(i64, CatalogItem), ServiceError> {
    actor.authorize(UseCase::EditCatalog)?;
    let current = svc.store.current_catalog().await?;
    if current.version != change.version {
        return Err(ServiceError::NotNow(format!(
            "目录已更新为第{}版，请在最新版本上调整",
            current.version
        )));
    }
    let mut catalog = current.catalog.clone();
    let item = catalog
        .items
        .iter_mut()
        .find(|i| i.code == code)
        .ok_or_else(ServiceError::not_found)?;
    let before = item.clone();
    item.online = change.online.unwrap_or(item.online);
    item.instant = change.instant.unwrap_or(item.instant);
    if change.limit_working_days.is_some() {
        item.limit_working_days = change.limit_working_days;
    }
    let after = item.clone();
    catalog.validate().map_err(|e| {
        Invalid::new(
            "CATALOG_INVALID",
            "limit_working_days",
            format!("调整后目录不一致：{e}"),
        )
        .with_kind(crate::InvalidKind::Unprocessable)
    })?;
    let note = format!("{code}：{}", change.note);
    // The version this change makes (the store refuses it if another came first).
    let next = change.version + 1;
    let detail = json!({"version": next, "note": change.note, "before": before, "after": after});
    let entry = audit(
        actor,
        "catalog_item_changed",
        "catalog_item",
        code,
        None,
        detail,
    );
    let imported = match svc
        .store
        .change_catalog(
            &catalog,
            change.version,
            &actor.username,
            &note,
            actor.at,
            &entry,
        )
        .await
    {
        Err(onething_store::StoreError::Conflict { .. }) => {
            let now = svc.store.current_catalog().await?.version;
            return Err(ServiceError::NotNow(format!(
                "目录已更新为第{now}版，请在最新版本上调整"
            )));
        }
        other => other?,
    };
    let version = match imported {
        onething_store::catalog::Imported::NewVersion(v)
        | onething_store::catalog::Imported::Unchanged(v) => v,
    };
    Ok((version, after))
}

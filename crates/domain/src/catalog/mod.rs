//! The service catalogue (SC-1, SC-2): the bureau's administrative-power and
//! public-service items, the partner items, and the one-thing bundles made of them.
//!
//! The catalogue is data (`data/catalog/items.toml`, `data/catalog/bundles.toml`), so a
//! bureau can change it without a rebuild; the store keeps every version. This module
//! parses it ([`Catalog::from_toml`], [`Catalog::shipped`]), checks it
//! ([`Catalog::validate`]) and answers questions about it: look-ups, the order and
//! schedule of a bundle's items ([`Bundle::topological_order`], [`Bundle::schedule`],
//! [`Bundle::critical_path_working_days`]) and the online / instant shares that the
//! supervision measures report (SV-2).

mod bundle;
mod error;
pub mod guide;
mod load;
pub mod model;
mod validate;

pub use bundle::ScheduledItem;
pub use error::CatalogError;
pub use guide::{GuideMaterial, ServiceGuide};
pub use load::{SHIPPED_BUNDLES_TOML, SHIPPED_ITEMS_TOML};
pub use model::{Bundle, BundleItem, Catalog, CatalogItem, ItemList, ItemMaterial, flag_zh};

impl Catalog {
    /// The item with this code.
    pub fn item(&self, code: &str) -> Option<&CatalogItem> {
        self.items.iter().find(|i| i.code == code)
    }

    /// The bundle with this code.
    pub fn bundle(&self, code: &str) -> Option<&Bundle> {
        self.bundles.iter().find(|b| b.code == code)
    }

    /// The service guide of an item or, failing that, of a bundle with this code (RB-7):
    /// `None` when neither exists or it carries no guide.
    pub fn guide(&self, code: &str) -> Option<&ServiceGuide> {
        match self.item(code) {
            Some(item) => item.guide.as_ref(),
            None => self.bundle(code).and_then(|b| b.guide.as_ref()),
        }
    }

    /// The items of one list, in file order.
    pub fn items_in(&self, list: ItemList) -> impl Iterator<Item = &CatalogItem> + '_ {
        self.items.iter().filter(move |i| i.list == list)
    }

    /// `(online, total)` for one list: how many items are fully online (全程网办). Kept
    /// as counts, not a percentage, so the measure shows what it was computed from.
    pub fn online_share(&self, list: ItemList) -> (u32, u32) {
        self.share(list, |i| i.online)
    }

    /// `(instant, total)` for one list: how many items are decided on the spot (即办件).
    pub fn instant_share(&self, list: ItemList) -> (u32, u32) {
        self.share(list, |i| i.instant)
    }

    fn share(&self, list: ItemList, counts: impl Fn(&CatalogItem) -> bool) -> (u32, u32) {
        self.items_in(list).fold((0, 0), |(part, total), item| {
            (part + u32::from(counts(item)), total + 1)
        })
    }
}

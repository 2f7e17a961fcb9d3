//! Consistency rules of a catalogue. A catalogue version is checked as a whole before
//! it is stored, so a case never runs against a bundle whose items or order are broken.

use std::collections::HashSet;

use super::CatalogError;
use super::model::{Bundle, BundleItem, Catalog};

impl Catalog {
    /// Checks, and reports the first failure of, in this order: codes well formed and
    /// unique; every bundle non-empty, listing known items once each; dependencies
    /// inside the bundle, not on the item itself, without cycles; bundle limits within
    /// the items' own limits; promises no shorter than the critical path.
    pub fn validate(&self) -> Result<(), CatalogError> {
        self.check_item_codes()?;
        self.check_bundle_codes()?;
        for bundle in &self.bundles {
            self.check_bundle(bundle)?;
        }
        Ok(())
    }

    fn check_item_codes(&self) -> Result<(), CatalogError> {
        let mut seen = HashSet::new();
        for item in &self.items {
            check_code(&item.code)?;
            if !seen.insert(item.code.as_str()) {
                return Err(CatalogError::DuplicateItem {
                    code: item.code.clone(),
                });
            }
        }
        Ok(())
    }

    fn check_bundle_codes(&self) -> Result<(), CatalogError> {
        let mut seen = HashSet::new();
        for bundle in &self.bundles {
            check_code(&bundle.code)?;
            if !seen.insert(bundle.code.as_str()) {
                return Err(CatalogError::DuplicateBundle {
                    code: bundle.code.clone(),
                });
            }
        }
        Ok(())
    }

    fn check_bundle(&self, bundle: &Bundle) -> Result<(), CatalogError> {
        if bundle.items.is_empty() {
            return Err(CatalogError::EmptyBundle {
                bundle: bundle.code.clone(),
            });
        }
        self.check_members(bundle)?;
        check_dependencies(bundle)?;
        self.check_limits(bundle)?;
        check_promise(bundle)
    }

    /// Each listed item exists in the catalogue and appears once in the bundle.
    fn check_members(&self, bundle: &Bundle) -> Result<(), CatalogError> {
        let mut seen = HashSet::new();
        for entry in &bundle.items {
            if self.item(&entry.item).is_none() {
                return Err(CatalogError::UnknownItem {
                    bundle: bundle.code.clone(),
                    item: entry.item.clone(),
                });
            }
            if !seen.insert(entry.item.as_str()) {
                return Err(CatalogError::DuplicateBundleItem {
                    bundle: bundle.code.clone(),
                    item: entry.item.clone(),
                });
            }
        }
        Ok(())
    }

    /// A bundle may shorten an item's limit but not lengthen or drop it: the item's
    /// limit is what the department has promised in every channel.
    fn check_limits(&self, bundle: &Bundle) -> Result<(), CatalogError> {
        for entry in &bundle.items {
            let own = self.item(&entry.item).and_then(|i| i.limit_working_days);
            check_limit(bundle, entry, own)?;
        }
        Ok(())
    }
}

fn check_limit(bundle: &Bundle, entry: &BundleItem, own: Option<u32>) -> Result<(), CatalogError> {
    match (entry.limit_working_days, own) {
        (Some(limit), Some(item_limit)) if limit > item_limit => {
            Err(CatalogError::LimitAboveItem {
                bundle: bundle.code.clone(),
                item: entry.item.clone(),
                bundle_limit: limit,
                item_limit,
            })
        }
        (None, Some(item_limit)) => Err(CatalogError::LimitMissing {
            bundle: bundle.code.clone(),
            item: entry.item.clone(),
            item_limit,
        }),
        _ => Ok(()),
    }
}

/// Codes are keys in URLs, files and stored cases: no empty or padded ones.
fn check_code(code: &str) -> Result<(), CatalogError> {
    if code.is_empty() || code.trim() != code {
        return Err(CatalogError::InvalidCode {
            code: code.to_owned(),
        });
    }
    Ok(())
}

fn check_dependencies(bundle: &Bundle) -> Result<(), CatalogError> {
    for entry in &bundle.items {
        for dep in &entry.depends_on {
            if *dep == entry.item {
                return Err(CatalogError::SelfDependency {
                    bundle: bundle.code.clone(),
                    item: entry.item.clone(),
                });
            }
            if bundle.item(dep).is_none() {
                return Err(CatalogError::UnknownDependency {
                    bundle: bundle.code.clone(),
                    item: entry.item.clone(),
                    depends_on: dep.clone(),
                });
            }
        }
    }
    match bundle.find_cycle() {
        Some(cycle) => Err(CatalogError::DependencyCycle {
            bundle: bundle.code.clone(),
            cycle,
        }),
        None => Ok(()),
    }
}

fn check_promise(bundle: &Bundle) -> Result<(), CatalogError> {
    let Some(promised) = bundle.promised_limit_working_days else {
        return Ok(());
    };
    let critical_path = bundle.critical_path_working_days();
    if promised < critical_path {
        return Err(CatalogError::PromiseBelowCriticalPath {
            bundle: bundle.code.clone(),
            promised,
            critical_path,
        });
    }
    Ok(())
}

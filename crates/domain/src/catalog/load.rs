//! Reading the catalogue from its two TOML files (`data/catalog/items.toml`,
//! `data/catalog/bundles.toml`).

use serde::Deserialize;

use super::CatalogError;
use super::model::{Bundle, Catalog, CatalogItem};

/// The shipped items file, compiled in so the binary needs no data directory.
pub const SHIPPED_ITEMS_TOML: &str = include_str!("../../../../data/catalog/items.toml");
/// The shipped bundles file.
pub const SHIPPED_BUNDLES_TOML: &str = include_str!("../../../../data/catalog/bundles.toml");

/// `items.toml`: only `[[items]]` tables; any other top-level key is a mistake.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ItemsFile {
    #[serde(default)]
    items: Vec<CatalogItem>,
}

/// `bundles.toml`: only `[[bundles]]` tables.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BundlesFile {
    #[serde(default)]
    bundles: Vec<Bundle>,
}

impl Catalog {
    /// Parses the two files and validates the result, so a caller never holds a
    /// catalogue that refers to missing items or has dependency cycles.
    pub fn from_toml(items: &str, bundles: &str) -> Result<Catalog, CatalogError> {
        let items: ItemsFile = parse("items.toml", items)?;
        let bundles: BundlesFile = parse("bundles.toml", bundles)?;
        let catalog = Catalog {
            items: items.items,
            bundles: bundles.bundles,
        };
        catalog.validate()?;
        Ok(catalog)
    }

    /// The catalogue shipped with this build.
    ///
    /// # Panics
    /// If the shipped files are invalid. They are compiled in and the test suite loads
    /// them, so this can only fail in a build whose tests were not run.
    pub fn shipped() -> Catalog {
        match Catalog::from_toml(SHIPPED_ITEMS_TOML, SHIPPED_BUNDLES_TOML) {
            Ok(catalog) => catalog,
            Err(e) => panic!("the shipped catalogue is invalid: {e}"),
        }
    }
}

fn parse<T: for<'de> Deserialize<'de>>(file: &str, text: &str) -> Result<T, CatalogError> {
    toml::from_str(text).map_err(|e| CatalogError::Parse {
        file: file.to_owned(),
        line: e.span().map(|span| line_of(text, span.start)),
        // toml's Display already says "at line N, column M" and quotes the line.
        message: e.to_string(),
    })
}

/// 1-based line number of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_of_counts_from_one() {
        assert_eq!(line_of("a\nb\nc", 0), 1);
        assert_eq!(line_of("a\nb\nc", 2), 2);
        assert_eq!(line_of("a\nb\nc", 99), 3);
    }
}

//! A result row read by column name, whichever driver answered it: sqlx's `Any` rows and
//! the rows of SQLite reads on the caller's thread (`direct_reads.rs`). A row mapping
//! written once against [`Columns`] serves both, so a claim is read the same way on either
//! path.

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::StoreError;

/// The two kinds of value the platform stores: text (dates, instants and JSON are text)
/// and integers.
pub(crate) trait Columns {
    fn text(&self, name: &str) -> Result<Option<String>, StoreError>;
    fn int(&self, name: &str) -> Result<Option<i64>, StoreError>;
}

impl dyn Columns + '_ {
    /// The column `name` as `T`; a `NULL` where `T` is not an `Option` is corrupt data.
    pub(crate) fn get<T: FromColumn>(&self, name: &str) -> Result<T, StoreError> {
        T::from_column(self, name)
    }
}

/// A Rust value one column decodes to.
pub(crate) trait FromColumn: Sized {
    fn from_column(row: &dyn Columns, name: &str) -> Result<Self, StoreError>;
}

impl FromColumn for Option<String> {
    fn from_column(row: &dyn Columns, name: &str) -> Result<Self, StoreError> {
        row.text(name)
    }
}

impl FromColumn for Option<i64> {
    fn from_column(row: &dyn Columns, name: &str) -> Result<Self, StoreError> {
        row.int(name)
    }
}

impl FromColumn for String {
    fn from_column(row: &dyn Columns, name: &str) -> Result<Self, StoreError> {
        row.text(name)?.ok_or_else(|| null(name))
    }
}

impl FromColumn for i64 {
    fn from_column(row: &dyn Columns, name: &str) -> Result<Self, StoreError> {
        row.int(name)?.ok_or_else(|| null(name))
    }
}

fn null(name: &str) -> StoreError {
    StoreError::corrupt(format!("column {name} is NULL"))
}

impl Columns for AnyRow {
    fn text(&self, name: &str) -> Result<Option<String>, StoreError> {
        Ok(self.try_get(name)?)
    }
    fn int(&self, name: &str) -> Result<Option<i64>, StoreError> {
        Ok(self.try_get(name)?)
    }
}

impl Columns for rusqlite::Row<'_> {
    fn text(&self, name: &str) -> Result<Option<String>, StoreError> {
        Ok(self.get(name)?)
    }
    fn int(&self, name: &str) -> Result<Option<i64>, StoreError> {
        Ok(self.get(name)?)
    }
}

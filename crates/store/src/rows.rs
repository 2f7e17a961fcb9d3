//! Multi-row `INSERT`s: many rows per statement, the same way on both products, so a set
//! of writes costs a few statements instead of one per row (the ingest, 免申即享's sets).

use std::fmt::Write as _;

use sqlx::AssertSqlSafe;

use crate::{Backend, StoreError};

/// One column value. Every column the platform writes is text or an integer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Cell {
    Text(Option<String>),
    Int(Option<i64>),
}

impl From<String> for Cell {
    fn from(v: String) -> Cell {
        Cell::Text(Some(v))
    }
}

impl From<&str> for Cell {
    fn from(v: &str) -> Cell {
        Cell::Text(Some(v.to_owned()))
    }
}

impl From<Option<String>> for Cell {
    fn from(v: Option<String>) -> Cell {
        Cell::Text(v)
    }
}

impl From<Option<&str>> for Cell {
    fn from(v: Option<&str>) -> Cell {
        Cell::Text(v.map(str::to_owned))
    }
}

impl From<i64> for Cell {
    fn from(v: i64) -> Cell {
        Cell::Int(Some(v))
    }
}

impl From<Option<i64>> for Cell {
    fn from(v: Option<i64>) -> Cell {
        Cell::Int(v)
    }
}

impl From<bool> for Cell {
    fn from(v: bool) -> Cell {
        Cell::Int(Some(i64::from(v)))
    }
}

/// Parameters per SQLite statement: sqlx-sqlite binds each argument after looking its
/// name up by a linear scan, so a statement's binding cost grows with the square of its
/// parameters; ~300 is where the ingest measured the best rate (docs/benchmarks.md).
const SQLITE_PARAMS: usize = 320;
/// PostgreSQL binds by position and pays per statement: larger statements, well under
/// its 65,535 parameters.
const POSTGRES_PARAMS: usize = 8_192;
/// Rows per statement at most, whatever the width.
const MAX_ROWS: usize = 256;

/// Inserts `rows` into `table (columns)` (every row as wide as `columns` names), in
/// statements of as many rows as the product binds cheaply. Rows are inserted in order.
pub(crate) async fn insert_rows(
    conn: &mut sqlx::AnyConnection,
    backend: Backend,
    table: &str,
    columns: &[&str],
    rows: &[Vec<Cell>],
) -> Result<(), StoreError> {
    let width = columns.len();
    if let Some(bad) = rows.iter().find(|r| r.len() != width) {
        return Err(StoreError::corrupt(format!(
            "{table}: a row of {} values for {width} columns",
            bad.len()
        )));
    }
    let budget = match backend {
        Backend::Sqlite => SQLITE_PARAMS,
        Backend::Postgres => POSTGRES_PARAMS,
    };
    let per_statement = (budget / width.max(1)).clamp(1, MAX_ROWS);
    let head = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
    for chunk in chunks(rows, per_statement) {
        let mut sql = head.clone();
        sql.push_str(&placeholders(chunk.len(), width));
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for row in chunk {
            for cell in row {
                query = match cell {
                    Cell::Text(v) => query.bind(v.clone()),
                    Cell::Int(v) => query.bind(*v),
                };
            }
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Inserts one row (the same columns and values as in a set, for one change on its own).
pub(crate) async fn insert_row(
    conn: &mut sqlx::AnyConnection,
    table: &str,
    columns: &[&str],
    row: Vec<Cell>,
) -> Result<(), StoreError> {
    // One row is one statement whatever the product.
    insert_rows(conn, Backend::Sqlite, table, columns, &[row]).await
}

/// `($1, $2), ($3, $4)`: `rows` rows of `width` parameters.
fn placeholders(rows: usize, width: usize) -> String {
    let mut text = String::with_capacity(rows * width * 6);
    for row in 0..rows {
        text.push_str(if row == 0 { "(" } else { ", (" });
        for col in 0..width {
            let sep = if col == 0 { "" } else { ", " };
            let _ = write!(text, "{sep}${}", row * width + col + 1);
        }
        text.push(')');
    }
    text
}

/// Splits into full chunks of `max`, then the rest in power-of-two pieces, so at most a
/// dozen statement shapes exist and the prepared-statement cache keeps them all.
pub(crate) fn chunks<T>(items: &[T], max: usize) -> Vec<&[T]> {
    let mut pieces = Vec::new();
    let mut rest = items;
    while !rest.is_empty() {
        let size = if rest.len() >= max {
            max
        } else {
            1 << rest.len().ilog2()
        };
        let (piece, tail) = rest.split_at(size);
        pieces.push(piece);
        rest = tail;
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_have_few_shapes() {
        let items: Vec<u32> = (0..1_000).collect();
        let sizes: Vec<usize> = chunks(&items, 256).iter().map(|c| c.len()).collect();
        assert_eq!(sizes, vec![256, 256, 256, 128, 64, 32, 8]);
        assert!(chunks::<u32>(&[], 256).is_empty());
    }

    #[test]
    fn placeholders_number_rows_one_after_another() {
        assert_eq!(placeholders(2, 3), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(placeholders(1, 1), "($1)");
    }
}

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

/// Rows per statement: each statement passes its rows as one JSON array parameter, so
/// the cost of binding does not grow with the rows (sqlx-sqlite looks every parameter up
/// by name, a linear scan, so a statement of n bound values cost O(n²)); the bound keeps a
/// statement to a few MB.
const JSON_ROWS: usize = 2_048;

/// Inserts `rows` into `table (columns)` (every row as wide as `columns` names), in
/// statements of up to [`JSON_ROWS`] rows, each passing its rows as one JSON array that
/// the database unpacks (`json_each` / `jsonb_array_elements`). Rows are inserted in the
/// order given (ids follow it: the audit chain relies on that).
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
    let Some(first) = rows.first() else {
        return Ok(());
    };
    let integer: Vec<bool> = first.iter().map(|c| matches!(c, Cell::Int(_))).collect();
    let mixed = rows.iter().any(|row| {
        row.iter()
            .zip(&integer)
            .any(|(cell, int)| matches!(cell, Cell::Int(_)) != *int)
    });
    if mixed {
        return Err(StoreError::corrupt(format!(
            "{table}: a column holds both text and integers"
        )));
    }
    let sql = json_insert(backend, table, columns, &integer);
    for chunk in rows.chunks(JSON_ROWS) {
        let json = serde_json::to_string(chunk).map_err(StoreError::corrupt)?;
        sqlx::query(AssertSqlSafe(sql.as_str()))
            .bind(json)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// `INSERT INTO t (a, b) SELECT r.value ->> 0, CAST(r.value ->> 1 AS BIGINT) FROM <the
/// JSON array $1's elements> ORDER BY <their position>`.
fn json_insert(backend: Backend, table: &str, columns: &[&str], integer: &[bool]) -> String {
    let mut values = String::with_capacity(columns.len() * 32);
    for (i, int) in integer.iter().enumerate() {
        let sep = if i == 0 { "" } else { ", " };
        if *int {
            let _ = write!(values, "{sep}CAST(r.value ->> {i} AS BIGINT)");
        } else {
            let _ = write!(values, "{sep}r.value ->> {i}");
        }
    }
    let JsonElements { with, from, order } = json_elements(backend, "$1");
    format!(
        "{with}INSERT INTO {table} ({}) SELECT {values} FROM {from} ORDER BY {order}",
        columns.join(", ")
    )
}

/// The elements of a JSON array parameter as rows `r(value, …)` to insert from: a `WITH`
/// to put before the statement (or nothing), the `FROM` source, and the `ORDER BY` that
/// keeps the array's order.
pub(crate) struct JsonElements {
    pub with: String,
    pub from: String,
    pub order: &'static str,
}

/// On SQLite the elements are first copied into a materialized table: `json_each` renders
/// its `value` column from the parsed array every time the column is read, so a row of
/// forty columns was rendered forty times (a claim row of 5 KB: 200 KB of JSON per row).
/// Read once, 免申即享's inserts took 23–31 % less time (docs/benchmarks.md, "免申即享").
/// PostgreSQL's `jsonb_array_elements` hands out binary elements already.
pub(crate) fn json_elements(backend: Backend, param: &str) -> JsonElements {
    match backend {
        Backend::Sqlite => JsonElements {
            with: format!(
                "WITH r(value, key) AS MATERIALIZED (SELECT value, key FROM json_each({param})) "
            ),
            from: "r".into(),
            order: "r.key",
        },
        Backend::Postgres => JsonElements {
            with: String::new(),
            from: format!(
                "jsonb_array_elements(CAST({param} AS jsonb)) WITH ORDINALITY AS r(value, n)"
            ),
            order: "r.n",
        },
    }
}

/// Inserts one row (the same columns and values as in a set, for one change on its own).
pub(crate) async fn insert_row(
    conn: &mut sqlx::AnyConnection,
    table: &str,
    columns: &[&str],
    row: Vec<Cell>,
) -> Result<(), StoreError> {
    let backend = Backend::of_connection(conn);
    insert_rows(conn, backend, table, columns, &[row]).await
}

impl serde::Serialize for Cell {
    fn serialize<S: serde::Serializer>(&self, out: S) -> Result<S::Ok, S::Error> {
        match self {
            Cell::Text(Some(v)) => out.serialize_str(v),
            Cell::Int(Some(v)) => out.serialize_i64(*v),
            Cell::Text(None) | Cell::Int(None) => out.serialize_none(),
        }
    }
}

/// `select`'s rows as one JSON array text of objects with `fields` (NULL for no rows).
pub(crate) fn json_agg(backend: Backend, select: &str, fields: &[&str]) -> String {
    let pairs: Vec<String> = fields.iter().map(|f| format!("'{f}', r.{f}")).collect();
    match backend {
        Backend::Sqlite => format!(
            "SELECT json_group_array(json_object({})) FROM ({select}) r",
            pairs.join(", ")
        ),
        Backend::Postgres => format!(
            "SELECT CAST(json_agg(json_build_object({})) AS TEXT) FROM ({select}) r",
            pairs.join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_travel_as_one_json_array_and_integers_are_cast() {
        let sql = json_insert(Backend::Sqlite, "t", &["a", "b"], &[false, true]);
        assert_eq!(
            sql,
            "WITH r(value, key) AS MATERIALIZED (SELECT value, key FROM json_each($1)) \
             INSERT INTO t (a, b) SELECT r.value ->> 0, CAST(r.value ->> 1 AS BIGINT) \
             FROM r ORDER BY r.key"
        );
        // jsonb: `->>` on a `json` value re-parses the element for every column.
        let pg = json_insert(Backend::Postgres, "t", &["a"], &[false]);
        assert!(
            pg.contains("jsonb_array_elements(CAST($1 AS jsonb))"),
            "{pg}"
        );
        assert!(
            pg.ends_with("WITH ORDINALITY AS r(value, n) ORDER BY r.n"),
            "{pg}"
        );
        let rows = vec![
            vec![Cell::from("x\"y"), Cell::from(7i64)],
            vec![Cell::Text(None), Cell::Int(None)],
        ];
        assert_eq!(
            serde_json::to_string(&rows).expect("json"),
            r#"[["x\"y",7],[null,null]]"#
        );
    }
}

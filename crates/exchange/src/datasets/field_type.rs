//! The JSON type of each dataset field, shared by the server's validation and the push
//! client's CSV conversion (a CSV cell is text; the client turns it into the JSON value the
//! server expects).

use serde_json::Value;

/// How a field is written in JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldType {
    /// A JSON string (names, codes, identifiers, enum values).
    Text,
    /// A JSON integer (counts, weeks, grams, money in fen, years).
    Integer,
    /// `true` / `false`.
    Bool,
    /// A `YYYY-MM-DD` string.
    Date,
    /// An RFC 3339 string with offset (`2024-03-05T08:30:00+08:00`).
    Time,
    /// A `YYYY-MM` string.
    Month,
}

impl FieldType {
    /// The name used in documentation and error messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Integer => "integer",
            Self::Bool => "bool",
            Self::Date => "date",
            Self::Time => "time",
            Self::Month => "month",
        }
    }

    /// Converts a CSV cell to the JSON value to send. An empty cell becomes `null` (an
    /// absent optional field; a required one is then reported `MISSING_FIELD`). A cell that
    /// does not parse is sent as the string it is, so the server reports it with its field
    /// and code instead of the client guessing.
    pub fn json_of_csv_cell(self, cell: &str) -> Value {
        let cell = cell.trim();
        if cell.is_empty() {
            return Value::Null;
        }
        match self {
            Self::Integer => cell
                .parse::<i64>()
                .map_or_else(|_| Value::from(cell), Value::from),
            Self::Bool => match cell {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                other => Value::from(other),
            },
            Self::Text | Self::Date | Self::Time | Self::Month => Value::from(cell),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_become_typed_json() {
        assert_eq!(FieldType::Integer.json_of_csv_cell(" 38 "), Value::from(38));
        assert_eq!(
            FieldType::Integer.json_of_csv_cell("38.5"),
            Value::from("38.5")
        );
        assert_eq!(FieldType::Bool.json_of_csv_cell("true"), Value::Bool(true));
        assert_eq!(FieldType::Bool.json_of_csv_cell("yes"), Value::from("yes"));
        assert_eq!(FieldType::Date.json_of_csv_cell(""), Value::Null);
        assert_eq!(FieldType::Text.json_of_csv_cell("007"), Value::from("007"));
    }
}

//! Push bodies (contract: "Department pushes"): `{"records":[…]}` as `application/json`, or
//! one record per line as `application/x-ndjson`, at most [`MAX_RECORDS`] records.
//!
//! A body that is not valid JSON refuses the whole request (it may have been cut short in
//! transit; storing part of it would hide that); a record that is valid JSON but not a valid
//! record is rejected alone by [`crate::Dataset::validate`].
//!
//! NDJSON: a record's index is its 0-based line number in the body. Blank (whitespace-only)
//! lines are skipped: they are not records and do not count towards the limit, but they do
//! count as lines, so every index still points at the line the department wrote. A final
//! line without `\n`, `\r\n` line ends and a leading UTF-8 byte-order mark are accepted.

use serde::Deserialize;
use serde_json::Value;

/// Records per request.
pub const MAX_RECORDS: usize = 10_000;
/// Bytes per request body: 10,000 large records fit with room to spare.
pub const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;
pub const CONTENT_TYPE_JSON: &str = "application/json";
pub const CONTENT_TYPE_NDJSON: &str = "application/x-ndjson";

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// How the records are laid out in the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyFormat {
    Json,
    Ndjson,
}

impl BodyFormat {
    /// The format of a `Content-Type` (parameters such as `charset` ignored); a missing
    /// header means JSON. `None` for any other media type.
    pub fn from_content_type(content_type: Option<&str>) -> Option<Self> {
        let Some(content_type) = content_type else {
            return Some(Self::Json);
        };
        let media = content_type.split(';').next().unwrap_or_default().trim();
        if media.eq_ignore_ascii_case(CONTENT_TYPE_JSON) {
            Some(Self::Json)
        } else if media.eq_ignore_ascii_case(CONTENT_TYPE_NDJSON) {
            Some(Self::Ndjson)
        } else {
            None
        }
    }
}

/// One record as sent, with its index (array position, or NDJSON line).
#[derive(Debug, Clone, PartialEq)]
pub struct PushedRecord {
    pub index: usize,
    pub value: Value,
}

/// Why a body as a whole is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BatchError {
    #[error("invalid JSON at line {line}, column {column}: {detail}")]
    InvalidJson {
        /// The record's index when it is known (NDJSON).
        index: Option<usize>,
        /// 1-based, as editors show it.
        line: usize,
        column: usize,
        detail: String,
    },
    #[error("{count} records, more than {MAX_RECORDS}")]
    TooManyRecords { count: usize },
}

impl BatchError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidJson { .. } => "INVALID_JSON",
            Self::TooManyRecords { .. } => "TOO_MANY_RECORDS",
        }
    }

    pub fn message_zh(&self) -> String {
        match self {
            Self::InvalidJson {
                index: Some(index),
                line,
                column,
                detail,
            } => format!("第{line}行（记录序号{index}）第{column}列不是合法的JSON：{detail}"),
            Self::InvalidJson {
                index: None,
                line,
                column,
                detail,
            } => format!(
                "请求体第{line}行第{column}列JSON错误：{detail}（应为 {{\"records\":[…]}}）"
            ),
            Self::TooManyRecords { count } => {
                format!("一次最多推送{MAX_RECORDS}条记录，本次{count}条，请分批推送")
            }
        }
    }
}

#[derive(Deserialize)]
struct JsonBody {
    records: Vec<Value>,
}

/// Splits a body into its records.
pub fn parse_batch(format: BodyFormat, body: &[u8]) -> Result<Vec<PushedRecord>, BatchError> {
    let body = body.strip_prefix(BOM).unwrap_or(body);
    match format {
        BodyFormat::Json => parse_json(body),
        BodyFormat::Ndjson => parse_ndjson(body),
    }
}

fn parse_json(body: &[u8]) -> Result<Vec<PushedRecord>, BatchError> {
    let parsed: JsonBody = serde_json::from_slice(body).map_err(|e| BatchError::InvalidJson {
        index: None,
        line: e.line(),
        column: e.column(),
        detail: e.to_string(),
    })?;
    if parsed.records.len() > MAX_RECORDS {
        return Err(BatchError::TooManyRecords {
            count: parsed.records.len(),
        });
    }
    Ok(parsed
        .records
        .into_iter()
        .enumerate()
        .map(|(index, value)| PushedRecord { index, value })
        .collect())
}

fn parse_ndjson(body: &[u8]) -> Result<Vec<PushedRecord>, BatchError> {
    let lines: Vec<(usize, &[u8])> = body
        .split(|b| *b == b'\n')
        .enumerate()
        .filter(|(_, line)| !line.trim_ascii().is_empty())
        .collect();
    if lines.len() > MAX_RECORDS {
        return Err(BatchError::TooManyRecords { count: lines.len() });
    }
    lines
        .into_iter()
        .map(|(index, line)| {
            serde_json::from_slice(line)
                .map(|value| PushedRecord { index, value })
                .map_err(|e| BatchError::InvalidJson {
                    index: Some(index),
                    line: index + 1,
                    column: e.column(),
                    detail: e.to_string(),
                })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types() {
        assert_eq!(BodyFormat::from_content_type(None), Some(BodyFormat::Json));
        let json = Some("application/json; charset=utf-8");
        assert_eq!(BodyFormat::from_content_type(json), Some(BodyFormat::Json));
        let ndjson = Some("Application/X-NDJSON");
        assert_eq!(
            BodyFormat::from_content_type(ndjson),
            Some(BodyFormat::Ndjson)
        );
        assert_eq!(BodyFormat::from_content_type(Some("text/csv")), None);
    }

    #[test]
    fn json_records_keep_their_position() {
        let records = parse_batch(BodyFormat::Json, br#"{"records":[{"a":1},2]}"#).expect("ok");
        assert_eq!(records.len(), 2);
        assert_eq!(records[1].index, 1);
        assert_eq!(records[1].value, Value::from(2));
    }

    #[test]
    fn ndjson_indexes_are_line_numbers_and_blank_lines_are_skipped() {
        let body = b"\xEF\xBB\xBF{\"a\":1}\r\n\n  \n{\"a\":2}";
        let records = parse_batch(BodyFormat::Ndjson, body).expect("ok");
        let indexes: Vec<usize> = records.iter().map(|r| r.index).collect();
        assert_eq!(indexes, vec![0, 3]);
    }

    #[test]
    fn broken_json_names_the_place() {
        let err = parse_batch(BodyFormat::Ndjson, b"{\"a\":1}\n{\"a\":\n").expect_err("bad");
        assert!(
            matches!(
                err,
                BatchError::InvalidJson {
                    index: Some(1),
                    line: 2,
                    ..
                }
            ),
            "{err:?}"
        );
        assert!(err.message_zh().contains("第2行"));
        let err = parse_batch(BodyFormat::Json, b"{\"records\":\n [1,}").expect_err("bad");
        assert!(
            matches!(
                err,
                BatchError::InvalidJson {
                    index: None,
                    line: 2,
                    ..
                }
            ),
            "{err:?}"
        );
        let err = parse_batch(BodyFormat::Json, b"[1, 2]").expect_err("not an envelope");
        assert_eq!(err.code(), "INVALID_JSON");
    }

    #[test]
    fn at_most_ten_thousand_records() {
        let body = "{}\n".repeat(MAX_RECORDS);
        assert_eq!(
            parse_batch(BodyFormat::Ndjson, body.as_bytes()).map(|r| r.len()),
            Ok(MAX_RECORDS)
        );
        let body = "{}\n".repeat(MAX_RECORDS + 1);
        let err = parse_batch(BodyFormat::Ndjson, body.as_bytes()).expect_err("too many");
        assert_eq!(
            err,
            BatchError::TooManyRecords {
                count: MAX_RECORDS + 1
            }
        );
        let json = format!("{{\"records\":[{}{{}}]}}", "{},".repeat(MAX_RECORDS));
        let err = parse_batch(BodyFormat::Json, json.as_bytes()).expect_err("too many");
        assert_eq!(err.code(), "TOO_MANY_RECORDS");
    }
}

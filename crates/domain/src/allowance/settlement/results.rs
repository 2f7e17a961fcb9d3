//! The bank's payment results (到账结果): CSV with header `payment_id,result,reason`
//! (columns in any order), `result` is `paid` or `failed`, and a failed row needs its reason.
//! Every bad row is reported with its line number (the header is line 1); a file with any
//! bad row is refused as a whole, so an import is never half-applied.

use serde::Serialize;

use crate::ids::PaymentId;

/// The columns of the results file.
pub const RESULTS_HEADER: [&str; 3] = ["payment_id", "result", "reason"];

/// What the bank did with one payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum PaymentOutcome {
    Paid,
    Failed { reason: String },
}

/// One valid row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResultRow {
    /// The line in the file (header = 1).
    pub line: u64,
    pub payment_id: PaymentId,
    pub outcome: PaymentOutcome,
}

/// One problem in the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResultsError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is not UTF-8 text (line {line})")]
    NotUtf8 { line: u64 },
    #[error("unknown column {column:?}")]
    UnknownColumn { column: String },
    #[error("missing column {column:?}")]
    MissingColumn { column: &'static str },
    #[error("column {column:?} appears twice")]
    RepeatedColumn { column: String },
    #[error("line {line}: {found} fields, the header has {expected}")]
    FieldCount {
        line: u64,
        expected: usize,
        found: usize,
    },
    #[error("line {line}: payment_id is empty")]
    MissingPaymentId { line: u64 },
    #[error("line {line}: payment_id {found:?} is not one the platform issues")]
    BadPaymentId { line: u64, found: String },
    #[error("line {line}: result {found:?} is neither paid nor failed")]
    BadResult { line: u64, found: String },
    #[error("line {line}: a failed payment needs its reason")]
    MissingReason { line: u64 },
    #[error("line {line}: unreadable CSV: {detail}")]
    Unreadable { line: u64, detail: String },
}

impl ResultsError {
    pub fn code(&self) -> &'static str {
        match self {
            ResultsError::Empty => "EMPTY_FILE",
            ResultsError::NotUtf8 { .. } | ResultsError::Unreadable { .. } => "INVALID_CSV",
            ResultsError::UnknownColumn { .. } => "UNKNOWN_COLUMN",
            ResultsError::MissingColumn { .. } => "MISSING_COLUMN",
            ResultsError::RepeatedColumn { .. } => "REPEATED_COLUMN",
            ResultsError::FieldCount { .. } => "FIELD_COUNT",
            ResultsError::MissingPaymentId { .. } | ResultsError::MissingReason { .. } => {
                "MISSING_FIELD"
            }
            ResultsError::BadResult { .. } => "INVALID_ENUM",
            ResultsError::BadPaymentId { .. } => "INVALID_ID",
        }
    }

    /// The line concerned (the header is line 1).
    pub fn line(&self) -> u64 {
        match self {
            ResultsError::Empty => 1,
            ResultsError::UnknownColumn { .. }
            | ResultsError::MissingColumn { .. }
            | ResultsError::RepeatedColumn { .. } => 1,
            ResultsError::NotUtf8 { line }
            | ResultsError::FieldCount { line, .. }
            | ResultsError::MissingPaymentId { line }
            | ResultsError::BadResult { line, .. }
            | ResultsError::BadPaymentId { line, .. }
            | ResultsError::MissingReason { line }
            | ResultsError::Unreadable { line, .. } => *line,
        }
    }

    /// The column concerned, if one.
    pub fn column(&self) -> Option<&str> {
        match self {
            ResultsError::UnknownColumn { column } | ResultsError::RepeatedColumn { column } => {
                Some(column)
            }
            ResultsError::MissingColumn { column } => Some(column),
            ResultsError::MissingPaymentId { .. } | ResultsError::BadPaymentId { .. } => {
                Some("payment_id")
            }
            ResultsError::BadResult { .. } => Some("result"),
            ResultsError::MissingReason { .. } => Some("reason"),
            _ => None,
        }
    }

    pub fn message_zh(&self) -> String {
        let line = self.line();
        match self {
            ResultsError::Empty => "支付结果文件为空".to_owned(),
            ResultsError::NotUtf8 { .. } => format!("第{line}行：文件不是UTF-8编码的文本"),
            ResultsError::UnknownColumn { column } => {
                format!("第1行：未知的列“{column}”，应为 payment_id,result,reason")
            }
            ResultsError::MissingColumn { column } => format!("第1行：缺少列“{column}”"),
            ResultsError::RepeatedColumn { column } => format!("第1行：列“{column}”重复"),
            ResultsError::FieldCount {
                expected, found, ..
            } => format!("第{line}行：有{found}个字段，表头为{expected}个"),
            ResultsError::MissingPaymentId { .. } => format!("第{line}行：payment_id 不能为空"),
            ResultsError::BadPaymentId { found, .. } => {
                format!("第{line}行：payment_id“{found}”不是本平台的支付编号")
            }
            ResultsError::BadResult { found, .. } => {
                format!("第{line}行：result“{found}”无效，应为 paid 或 failed")
            }
            ResultsError::MissingReason { .. } => {
                format!("第{line}行：支付失败（failed）必须填写失败原因 reason")
            }
            ResultsError::Unreadable { detail, .. } => {
                format!("第{line}行：无法解析的CSV（{detail}）")
            }
        }
    }
}

/// Every error of a refused file, in line order.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} error(s) in the results file, first: {}", .errors.len(), .errors[0])]
pub struct ResultsRejected {
    /// Never empty.
    pub errors: Vec<ResultsError>,
}

/// Parses the whole file, or lists every problem in it.
pub fn parse_results(bytes: &[u8]) -> Result<Vec<ResultRow>, ResultsRejected> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    // The reader ends a record at CR, LF or CRLF, but our line numbers count LFs: a CRLF
    // would put every row of a Windows file one line early, and a lone CR (old Mac files)
    // would put every row on line 1. Read both as LF.
    let bytes = line_ends_to_lf(bytes);
    let reject = |errors: Vec<ResultsError>| ResultsRejected { errors };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes.as_slice());
    let mut record = csv::ByteRecord::new();
    let header = match reader.read_byte_record(&mut record) {
        Ok(false) => return Err(reject(vec![ResultsError::Empty])),
        Ok(true) => record.clone(),
        Err(e) => return Err(reject(vec![unreadable(1, &e)])),
    };
    let columns = header_columns(&header).map_err(reject)?;
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let line_of = LineIndex::new(&bytes);
    loop {
        let parsed = match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => row(&columns, &record, line_of.at(record.position())),
            Err(e) => Err(unreadable(line_of.at(e.position()), &e)),
        };
        match parsed {
            Ok(Some(row)) => rows.push(row),
            Ok(None) => {}
            Err(error) => errors.push(error),
        }
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(reject(errors))
    }
}

/// The position of payment_id, result and reason in the header.
fn header_columns(header: &csv::ByteRecord) -> Result<[usize; 3], Vec<ResultsError>> {
    let mut found: [Option<usize>; 3] = [None; 3];
    let mut errors = Vec::new();
    for (index, raw) in header.iter().enumerate() {
        let Ok(name) = std::str::from_utf8(raw) else {
            return Err(vec![ResultsError::NotUtf8 { line: 1 }]);
        };
        let name = name.trim();
        match RESULTS_HEADER.iter().position(|c| *c == name) {
            Some(slot) if found[slot].is_some() => errors.push(ResultsError::RepeatedColumn {
                column: name.to_owned(),
            }),
            Some(slot) => found[slot] = Some(index),
            None => errors.push(ResultsError::UnknownColumn {
                column: name.to_owned(),
            }),
        }
    }
    for (slot, column) in RESULTS_HEADER.iter().enumerate() {
        if found[slot].is_none() {
            errors.push(ResultsError::MissingColumn { column });
        }
    }
    match (errors.is_empty(), found) {
        (true, [Some(id), Some(result), Some(reason)]) => Ok([id, result, reason]),
        _ => Err(errors),
    }
}

/// One data row; a blank line is skipped.
fn row(
    columns: &[usize; 3],
    record: &csv::ByteRecord,
    line: u64,
) -> Result<Option<ResultRow>, ResultsError> {
    if record.len() == 1 && record[0].iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    if record.len() != RESULTS_HEADER.len() {
        return Err(ResultsError::FieldCount {
            line,
            expected: RESULTS_HEADER.len(),
            found: record.len(),
        });
    }
    let field = |slot: usize| {
        std::str::from_utf8(&record[columns[slot]])
            .map(str::trim)
            .map_err(|_| ResultsError::NotUtf8 { line })
    };
    let (payment_id, result, reason) = (field(0)?, field(1)?, field(2)?);
    if payment_id.is_empty() {
        return Err(ResultsError::MissingPaymentId { line });
    }
    let Ok(payment_id) = PaymentId::parse(payment_id) else {
        return Err(ResultsError::BadPaymentId {
            line,
            found: payment_id.to_owned(),
        });
    };
    let outcome = match result {
        "paid" => PaymentOutcome::Paid,
        "failed" if reason.is_empty() => return Err(ResultsError::MissingReason { line }),
        "failed" => PaymentOutcome::Failed {
            reason: reason.to_owned(),
        },
        other => {
            return Err(ResultsError::BadResult {
                line,
                found: other.to_owned(),
            });
        }
    };
    Ok(Some(ResultRow {
        line,
        payment_id,
        outcome,
    }))
}

/// Line numbers from byte offsets: the reader's own line count skips blank lines, and a
/// record's position is where the reader started, before the blank lines it skipped.
struct LineIndex<'a> {
    bytes: &'a [u8],
    newlines: Vec<u64>,
}

impl<'a> LineIndex<'a> {
    fn new(bytes: &'a [u8]) -> LineIndex<'a> {
        let newlines = bytes
            .iter()
            .enumerate()
            .filter(|(_, b)| **b == b'\n')
            .map(|(i, _)| i as u64)
            .collect();
        LineIndex { bytes, newlines }
    }

    /// The 1-based line of the first non-blank byte at or after `position`.
    fn at(&self, position: Option<&csv::Position>) -> u64 {
        let mut byte = position.map_or(0, csv::Position::byte);
        while usize::try_from(byte)
            .ok()
            .and_then(|i| self.bytes.get(i))
            .is_some_and(|b| *b == b'\n')
        {
            byte += 1;
        }
        self.newlines.partition_point(|newline| *newline < byte) as u64 + 1
    }
}

fn line_ends_to_lf(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => {}
            b'\r' => out.push(b'\n'),
            _ => out.push(b),
        }
    }
    out
}

fn unreadable(line: u64, error: &csv::Error) -> ResultsError {
    ResultsError::Unreadable {
        line,
        detail: error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(text: &str) -> Vec<ResultsError> {
        parse_results(text.as_bytes()).expect_err("refused").errors
    }

    #[test]
    fn paid_and_failed_rows_with_line_numbers() {
        let text = "\u{feff}payment_id,result,reason\r\nP1,paid,\r\nP2,failed,\"账户已销户,请更正\"\r\n\r\nP3 , paid ,\n";
        let rows = parse_results(text.as_bytes()).expect("parses");
        assert_eq!(rows.len(), 3);
        assert_eq!((rows[0].line, rows[0].payment_id.as_str()), (2, "P1"));
        assert_eq!(rows[0].outcome, PaymentOutcome::Paid);
        assert_eq!(
            rows[1].outcome,
            PaymentOutcome::Failed {
                reason: "账户已销户,请更正".into()
            }
        );
        assert_eq!((rows[2].line, rows[2].payment_id.as_str()), (5, "P3"));
    }

    /// Found by the fuzz test (`tests/fuzz/regressions/results.txt`): with CR line ends
    /// every row was reported on line 1, so an error named the header's line.
    #[test]
    fn rows_of_a_file_with_cr_line_ends_keep_their_lines() {
        let rows = parse_results(b"payment_id,result,reason\rP1,paid,\r\nP2,paid,\rP3,paid,")
            .expect("parses");
        let lines: Vec<u64> = rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, [2, 3, 4]);
        let errors = errors("payment_id,result,reason\rP1,paid,\rP2,lost,\r");
        assert_eq!(
            errors,
            [ResultsError::BadResult {
                line: 3,
                found: "lost".into()
            }]
        );
    }

    #[test]
    fn columns_in_any_order() {
        let rows =
            parse_results(b"reason,payment_id,result\nno account,P9,failed\n").expect("parses");
        assert_eq!(rows[0].payment_id.as_str(), "P9");
        assert_eq!(
            rows[0].outcome,
            PaymentOutcome::Failed {
                reason: "no account".into()
            }
        );
    }

    #[test]
    fn header_problems() {
        assert_eq!(errors(""), vec![ResultsError::Empty]);
        assert_eq!(
            errors("payment_id,result,reason,amount\n"),
            vec![ResultsError::UnknownColumn {
                column: "amount".into()
            }]
        );
        assert_eq!(
            errors("payment_id,result\n"),
            vec![ResultsError::MissingColumn { column: "reason" }]
        );
        assert_eq!(
            errors("payment_id,result,result,reason\n"),
            vec![ResultsError::RepeatedColumn {
                column: "result".into()
            }]
        );
    }

    #[test]
    fn every_bad_row_is_reported() {
        let found = errors(
            "payment_id,result,reason\nP1,paid,\nP2,refunded,\nP3,failed,\n,paid,\nP5,paid\nP/6,paid,\n",
        );
        assert_eq!(
            found,
            vec![
                ResultsError::BadResult {
                    line: 3,
                    found: "refunded".into()
                },
                ResultsError::MissingReason { line: 4 },
                ResultsError::MissingPaymentId { line: 5 },
                ResultsError::FieldCount {
                    line: 6,
                    expected: 3,
                    found: 2
                },
                ResultsError::BadPaymentId {
                    line: 7,
                    found: "P/6".into()
                },
            ]
        );
        for error in &found {
            assert!(
                error
                    .message_zh()
                    .starts_with(&format!("第{}行", error.line()))
            );
        }
        assert_eq!(found[0].code(), "INVALID_ENUM");
        assert_eq!(found[1].column(), Some("reason"));
    }

    #[test]
    fn non_utf8_is_refused() {
        let bytes = b"payment_id,result,reason\nP1,failed,\xff\xfe\n";
        let refused = parse_results(bytes).expect_err("refused");
        assert_eq!(refused.errors, vec![ResultsError::NotUtf8 { line: 2 }]);
    }
}

//! Reading the input one record at a time: CSV with a header row, or JSON Lines. Each
//! record comes out as the JSON object to send (or the reasons it cannot be sent), with its
//! line in the file and its original text for the rejected file.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::{ANNOTATION_FIELDS, PushError, RecordError};
use crate::datasets::{Dataset, FieldType};

/// Buffer of the input reader: big reads, few system calls.
const READ_BUFFER: usize = 256 << 10;
/// A JSON line longer than this is rejected without being held in memory whole.
const MAX_LINE_BYTES: usize = 16 << 20;
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The input's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    JsonLines,
}

impl Format {
    /// By extension (`.jsonl`, `.ndjson` → JSON Lines; `.csv` → CSV); otherwise by the first
    /// non-blank byte of `head`: `{` is JSON Lines, anything else CSV.
    pub fn detect(path: &Path, head: &[u8]) -> Format {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("jsonl" | "ndjson") => Format::JsonLines,
            Some("csv") => Format::Csv,
            _ => Self::sniff(head),
        }
    }

    fn sniff(head: &[u8]) -> Format {
        let head = head.strip_prefix(BOM).unwrap_or(head);
        match head.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'{') => Format::JsonLines,
            _ => Format::Csv,
        }
    }
}

/// Where the rejected records of `input` go: `contributions.csv` →
/// `contributions.rejected.csv`, `births.ndjson` → `births.rejected.ndjson`; for stdin
/// (`-`), `stdin.rejected.csv` (or `.jsonl`) in the working directory.
pub fn rejected_path(input: &Path, format: Format) -> PathBuf {
    let default_ext = match format {
        Format::Csv => "csv",
        Format::JsonLines => "jsonl",
    };
    if is_stdin(input) {
        return PathBuf::from(format!("stdin.rejected.{default_ext}"));
    }
    let ext = match (format, input.extension().and_then(|e| e.to_str())) {
        (Format::JsonLines, Some(e @ ("jsonl" | "ndjson"))) => e,
        _ => default_ext,
    };
    let stem = input
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "input".to_owned());
    input.with_file_name(format!("{stem}.rejected.{ext}"))
}

pub(crate) fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// The original text of a record, for the rejected file.
#[derive(Debug, Clone)]
pub(crate) enum Raw {
    Csv(csv::ByteRecord),
    Json(Vec<u8>),
}

/// One record read from the input.
pub(crate) struct Item {
    pub line: u64,
    pub raw: Raw,
    /// The object to send, or why it cannot be sent.
    pub json: Result<Map<String, Value>, Vec<RecordError>>,
}

/// An opened input: its format, size (for progress) and record source.
pub(crate) struct Opened {
    pub format: Format,
    pub size: Option<u64>,
    pub source: Source,
}

/// Opens `path` (`-` = stdin), detects the format and, for CSV, reads and checks the header.
pub(crate) fn open(path: &Path, dataset: Dataset) -> Result<Opened, PushError> {
    let display = path.display().to_string();
    let input_error = |source| PushError::Input {
        path: display.clone(),
        source,
    };
    let (reader, size): (Box<dyn Read + Send>, Option<u64>) = if is_stdin(path) {
        (Box::new(io::stdin()), None)
    } else {
        let file = File::open(path).map_err(input_error)?;
        let size = file.metadata().map(|m| m.len()).ok();
        (Box::new(file), size)
    };
    let mut reader = BufReader::with_capacity(READ_BUFFER, reader);
    let format = Format::detect(path, reader.fill_buf().map_err(input_error)?);
    let source = match format {
        Format::Csv => Source::Csv(CsvSource::new(reader, dataset, &display)?),
        Format::JsonLines => Source::Jsonl(JsonlSource::new(reader)),
    };
    Ok(Opened {
        format,
        size,
        source,
    })
}

/// The records of an input, whatever its format.
pub(crate) enum Source {
    Csv(CsvSource),
    Jsonl(JsonlSource),
}

impl Source {
    /// The next record; `None` at the end; an error when the input cannot be read further.
    pub fn next_item(&mut self) -> Option<Result<Item, PushError>> {
        match self {
            Source::Csv(s) => s.next_item(),
            Source::Jsonl(s) => s.next_item(),
        }
    }

    /// Bytes of the input consumed so far (for progress).
    pub fn offset(&self) -> u64 {
        match self {
            Source::Csv(s) => s.offset,
            Source::Jsonl(s) => s.offset,
        }
    }

    /// The CSV header as read (for the rejected file); `None` for JSON Lines.
    pub fn header(&self) -> Option<&csv::ByteRecord> {
        match self {
            Source::Csv(s) => Some(&s.header),
            Source::Jsonl(_) => None,
        }
    }
}

/// What a CSV column holds.
#[derive(Debug, Clone, Copy)]
enum Column {
    Field(&'static str, FieldType),
    /// One of [`ANNOTATION_FIELDS`]: written by the client, not sent.
    Annotation,
}

pub(crate) struct CsvSource {
    reader: csv::Reader<BufReader<Box<dyn Read + Send>>>,
    header: csv::ByteRecord,
    columns: Vec<Column>,
    path: String,
    offset: u64,
}

impl CsvSource {
    fn new(
        reader: BufReader<Box<dyn Read + Send>>,
        dataset: Dataset,
        path: &str,
    ) -> Result<Self, PushError> {
        // Rows with the wrong number of cells are reported per record, not as a failure.
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .buffer_capacity(READ_BUFFER)
            .from_reader(reader);
        let header = reader
            .byte_headers()
            .map_err(|e| csv_failure(path, e))?
            .clone();
        let columns = columns(&header, dataset).map_err(|problem| PushError::Header {
            path: path.to_owned(),
            line: 1,
            problem,
        })?;
        Ok(CsvSource {
            reader,
            header,
            columns,
            path: path.to_owned(),
            offset: 0,
        })
    }

    fn next_item(&mut self) -> Option<Result<Item, PushError>> {
        let mut record = csv::ByteRecord::new();
        match self.reader.read_byte_record(&mut record) {
            Ok(false) => None,
            Ok(true) => {
                let line = record.position().map_or(0, |p| p.line());
                self.offset = self.reader.position().byte();
                let json = self.convert(&record, line);
                Some(Ok(Item {
                    line,
                    raw: Raw::Csv(record),
                    json,
                }))
            }
            Err(e) => Some(Err(csv_failure(&self.path, e))),
        }
    }

    /// The record as a JSON object typed by the dataset's fields; empty cells are absent.
    fn convert(
        &self,
        record: &csv::ByteRecord,
        line: u64,
    ) -> Result<Map<String, Value>, Vec<RecordError>> {
        if record.len() != self.columns.len() {
            return Err(vec![local_error(
                None,
                format!(
                    "第{line}行有{}列，表头有{}列 / line {line} has {} cells, the header {}",
                    record.len(),
                    self.columns.len(),
                    record.len(),
                    self.columns.len()
                ),
            )]);
        }
        let mut object = Map::new();
        let mut errors = Vec::new();
        for (column, cell) in self.columns.iter().zip(record) {
            let Column::Field(name, field_type) = *column else {
                continue;
            };
            match std::str::from_utf8(cell) {
                Ok(text) => {
                    let value = field_type.json_of_csv_cell(text);
                    if !value.is_null() {
                        object.insert(name.to_owned(), value);
                    }
                }
                Err(_) => errors.push(local_error(
                    Some(name),
                    "不是UTF-8编码 / not UTF-8 text".to_owned(),
                )),
            }
        }
        if errors.is_empty() {
            Ok(object)
        } else {
            Err(errors)
        }
    }
}

/// Maps the header to the dataset's fields; every column must be a field (or an annotation
/// of a rejected file) and appear once.
fn columns(header: &csv::ByteRecord, dataset: Dataset) -> Result<Vec<Column>, String> {
    if header.is_empty() {
        return Err("文件为空或缺少表头 / the file is empty or has no header row".to_owned());
    }
    let fields = dataset.field_types();
    let mut columns = Vec::with_capacity(header.len());
    let mut seen: Vec<&str> = Vec::new();
    for (i, cell) in header.iter().enumerate() {
        let cell = if i == 0 {
            cell.strip_prefix(BOM).unwrap_or(cell)
        } else {
            cell
        };
        let name = String::from_utf8_lossy(cell).trim().to_owned();
        if ANNOTATION_FIELDS.contains(&name.as_str()) {
            columns.push(Column::Annotation);
            continue;
        }
        let Some(&(field, field_type)) = fields.iter().find(|(f, _)| *f == name) else {
            let known: Vec<&str> = fields.iter().map(|(f, _)| *f).collect();
            return Err(format!(
                "数据集 {dataset} 没有字段“{name}” / dataset {dataset} has no field `{name}` (fields: {})",
                known.join(", ")
            ));
        };
        if seen.contains(&field) {
            return Err(format!("字段“{name}”重复 / column `{name}` appears twice"));
        }
        seen.push(field);
        columns.push(Column::Field(field, field_type));
    }
    Ok(columns)
}

fn csv_failure(path: &str, error: csv::Error) -> PushError {
    let line = error.position().map(|p| p.line()).unwrap_or(0);
    match error.into_kind() {
        csv::ErrorKind::Io(source) => PushError::Input {
            path: path.to_owned(),
            source,
        },
        other => PushError::Header {
            path: path.to_owned(),
            line,
            problem: format!("{other:?}"),
        },
    }
}

/// An error found by the client before sending (the server's codes where they fit).
fn local_error(field: Option<&str>, message: String) -> RecordError {
    RecordError {
        field: field.map(str::to_owned),
        code: "INVALID_RECORD".to_owned(),
        message,
    }
}

pub(crate) struct JsonlSource {
    reader: BufReader<Box<dyn Read + Send>>,
    line: u64,
    offset: u64,
}

impl JsonlSource {
    fn new(reader: BufReader<Box<dyn Read + Send>>) -> Self {
        JsonlSource {
            reader,
            line: 0,
            offset: 0,
        }
    }

    fn next_item(&mut self) -> Option<Result<Item, PushError>> {
        loop {
            let mut buf = Vec::new();
            let (consumed, too_long) = match read_line_capped(&mut self.reader, &mut buf) {
                Ok(read) => read,
                Err(source) => {
                    return Some(Err(PushError::Input {
                        path: format!("line {}", self.line + 1),
                        source,
                    }));
                }
            };
            if consumed == 0 {
                return None;
            }
            self.line += 1;
            self.offset += consumed as u64;
            if self.line == 1 && buf.starts_with(BOM) {
                buf.drain(..BOM.len());
            }
            trim_end(&mut buf);
            if too_long {
                let message = format!(
                    "行长超过{MAX_LINE_BYTES}字节 / line longer than {MAX_LINE_BYTES} bytes"
                );
                return Some(Ok(
                    self.item(Vec::new(), Err(vec![local_error(None, message)]))
                ));
            }
            if buf.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let json = parse_object(&buf);
            return Some(Ok(self.item(buf, json)));
        }
    }

    fn item(&self, raw: Vec<u8>, json: Result<Map<String, Value>, Vec<RecordError>>) -> Item {
        Item {
            line: self.line,
            raw: Raw::Json(raw),
            json,
        }
    }
}

/// A JSON object without the client's annotations.
fn parse_object(line: &[u8]) -> Result<Map<String, Value>, Vec<RecordError>> {
    match serde_json::from_slice::<Value>(line) {
        Ok(Value::Object(mut object)) => {
            for field in ANNOTATION_FIELDS {
                object.remove(field);
            }
            Ok(object)
        }
        Ok(_) => Err(vec![local_error(
            None,
            "不是JSON对象 / not a JSON object".to_owned(),
        )]),
        Err(e) => Err(vec![local_error(
            None,
            format!("不是有效的JSON / not valid JSON: {e}"),
        )]),
    }
}

/// Reads up to and including the next `\n`; keeps at most [`MAX_LINE_BYTES`] of it in
/// `buf` (the flag says the line was longer). Returns the bytes consumed.
fn read_line_capped(reader: &mut impl BufRead, buf: &mut Vec<u8>) -> io::Result<(usize, bool)> {
    let mut consumed = 0;
    let mut too_long = false;
    loop {
        let available = reader.fill_buf()?;
        if available.is_empty() {
            return Ok((consumed, too_long));
        }
        let (chunk, done) = match available.iter().position(|&b| b == b'\n') {
            Some(end) => (&available[..=end], true),
            None => (available, false),
        };
        if buf.len() + chunk.len() > MAX_LINE_BYTES {
            too_long = true;
            buf.clear();
        } else if !too_long {
            buf.extend_from_slice(chunk);
        }
        let used = chunk.len();
        reader.consume(used);
        consumed += used;
        if done {
            return Ok((consumed, too_long));
        }
    }
}

fn trim_end(buf: &mut Vec<u8>) {
    while matches!(buf.last(), Some(b'\n' | b'\r')) {
        buf.pop();
    }
}

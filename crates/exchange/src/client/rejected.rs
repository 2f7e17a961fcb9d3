//! The rejected file: every rejected record as it was in the input, plus its line and the
//! reasons, in the input's format, so the department can fix the records and push the
//! file again (the client drops the annotation columns when it reads them back).

use std::borrow::Cow;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::input::Raw;
use super::{ANNOTATION_FIELDS, PushError, Rejection};

/// Created on the first rejection, so a clean push leaves no empty file behind.
pub(crate) struct RejectedFile {
    path: PathBuf,
    /// The input's CSV header (`None` for JSON Lines).
    header: Option<csv::ByteRecord>,
    writer: Option<Writer>,
}

enum Writer {
    /// Boxed: a csv writer carries its buffer and state inline.
    Csv(Box<csv::Writer<File>>),
    Jsonl(BufWriter<File>),
}

impl RejectedFile {
    /// A stale file from an earlier push of the same input is removed first: it would
    /// otherwise be taken for this push's result.
    pub fn new(path: PathBuf, header: Option<csv::ByteRecord>) -> Result<Self, PushError> {
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(source) => return Err(PushError::Output { path, source }),
        }
        Ok(RejectedFile {
            path,
            header,
            writer: None,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether anything was written.
    pub fn is_used(&self) -> bool {
        self.writer.is_some()
    }

    pub fn write(&mut self, rejection: &Rejection, raw: Option<&Raw>) -> Result<(), PushError> {
        self.try_write(rejection, raw)
            .map_err(|source| PushError::Output {
                path: self.path.clone(),
                source,
            })
    }

    fn try_write(&mut self, rejection: &Rejection, raw: Option<&Raw>) -> io::Result<()> {
        if self.writer.is_none() {
            self.writer = Some(self.open()?);
        }
        let annotation = annotation_indexes(self.header.as_ref());
        match self.writer.as_mut() {
            Some(Writer::Csv(w)) => write_csv(w, rejection, raw, &annotation),
            Some(Writer::Jsonl(w)) => write_jsonl(w, rejection, raw),
            None => Ok(()),
        }
    }

    fn open(&self) -> io::Result<Writer> {
        let file = File::create(&self.path)?;
        let Some(header) = &self.header else {
            return Ok(Writer::Jsonl(BufWriter::new(file)));
        };
        let mut writer = csv::Writer::from_writer(file);
        let annotation = annotation_indexes(Some(header));
        let mut row = kept_cells(header, &annotation);
        row.extend([b"rejected_line".to_vec(), b"rejected_reason".to_vec()]);
        writer.write_record(&row)?;
        Ok(Writer::Csv(Box::new(writer)))
    }

    pub fn finish(self) -> Result<Option<PathBuf>, PushError> {
        let result = match self.writer {
            None => return Ok(None),
            Some(Writer::Csv(mut w)) => w.flush(),
            Some(Writer::Jsonl(mut w)) => w.flush(),
        };
        result
            .map(|()| Some(self.path.clone()))
            .map_err(|source| PushError::Output {
                path: self.path,
                source,
            })
    }
}

/// Positions of annotation columns in a (re-pushed) rejected file's header.
fn annotation_indexes(header: Option<&csv::ByteRecord>) -> Vec<usize> {
    let Some(header) = header else {
        return Vec::new();
    };
    header
        .iter()
        .enumerate()
        .filter(|(_, cell)| {
            let name = String::from_utf8_lossy(cell);
            ANNOTATION_FIELDS.contains(&name.trim())
        })
        .map(|(i, _)| i)
        .collect()
}

fn kept_cells(record: &csv::ByteRecord, skip: &[usize]) -> Vec<Vec<u8>> {
    record
        .iter()
        .enumerate()
        .filter(|(i, _)| !skip.contains(i))
        .map(|(_, cell)| cell.to_vec())
        .collect()
}

fn write_csv(
    w: &mut csv::Writer<File>,
    rejection: &Rejection,
    raw: Option<&Raw>,
    annotation: &[usize],
) -> io::Result<()> {
    let mut row = match raw {
        Some(Raw::Csv(record)) => kept_cells(record, annotation),
        _ => Vec::new(),
    };
    row.push(rejection.line.to_string().into_bytes());
    row.push(rejection.reasons().into_bytes());
    w.write_record(&row)?;
    Ok(())
}

/// The original line with `rejected_line` and `rejected_reason` added at its end (the
/// original text is kept byte for byte); a line that is not a JSON object is kept as the
/// string `rejected_original`.
fn write_jsonl(w: &mut impl Write, rejection: &Rejection, raw: Option<&Raw>) -> io::Result<()> {
    let line = match raw {
        Some(Raw::Json(bytes)) => bytes.as_slice(),
        _ => b"".as_slice(),
    };
    let annotation = format!(
        "\"rejected_line\":{},\"rejected_reason\":{}",
        rejection.line,
        Value::from(rejection.reasons())
    );
    match object_body(line) {
        Some(body) if body.iter().all(u8::is_ascii_whitespace) => {
            writeln!(w, "{{{annotation}}}")
        }
        Some(body) => {
            w.write_all(b"{")?;
            w.write_all(&body)?;
            writeln!(w, ",{annotation}}}")
        }
        None => {
            let original = Value::from(String::from_utf8_lossy(line).into_owned());
            writeln!(w, "{{{annotation},\"rejected_original\":{original}}}")
        }
    }
}

/// The text between the braces of a JSON object line: the original bytes, or, for a line
/// of a re-pushed rejected file, the object re-serialized without the old annotations.
/// `None` when the line is not a JSON object (then it is kept as a string).
fn object_body(line: &[u8]) -> Option<Cow<'_, [u8]>> {
    let value: Value = serde_json::from_slice(line).ok()?;
    let mut object = value.as_object()?.clone();
    if ANNOTATION_FIELDS.iter().any(|f| object.contains_key(*f)) {
        for field in ANNOTATION_FIELDS {
            object.remove(field);
        }
        let text = serde_json::to_vec(&object).ok()?;
        let inner = text.get(1..text.len().saturating_sub(1))?.to_vec();
        return Some(Cow::Owned(inner));
    }
    let text = line.trim_ascii();
    let inner = text.strip_prefix(b"{")?.strip_suffix(b"}")?;
    Some(Cow::Borrowed(inner))
}

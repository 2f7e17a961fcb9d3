//! Cutting the input into request bodies: at most `max_records` records and (unless a
//! single record is bigger) `max_bytes` bytes of compact NDJSON each. A batch remembers
//! each sent record's input line and original text, so the server's 0-based index maps
//! back to the file.

use serde_json::Value;

use super::input::{Item, Raw, Source};
use super::{PushError, Rejection};
use crate::datasets::Dataset;

/// A record in a request body; its position in `Batch::sent` is its NDJSON index.
#[derive(Debug)]
pub(crate) struct Sent {
    pub line: u64,
    pub raw: Raw,
}

/// A record rejected by the client itself, never sent.
#[derive(Debug)]
pub(crate) struct Failed {
    pub rejection: Rejection,
    pub raw: Option<Raw>,
}

/// One request's worth of input.
#[derive(Debug, Default)]
pub(crate) struct Batch {
    pub sent: Vec<Sent>,
    /// One compact JSON object per line, in the order of `sent`.
    pub body: Vec<u8>,
    pub local: Vec<Failed>,
    /// Input bytes consumed up to the end of this batch.
    pub offset: u64,
}

impl Batch {
    /// Records read into this batch, sent or not.
    pub fn records(&self) -> usize {
        self.sent.len() + self.local.len()
    }

    /// The input line of the record at `index` in the body.
    pub fn line_of(&self, index: usize) -> Option<u64> {
        self.sent.get(index).map(|s| s.line)
    }
}

/// The input as an iterator of batches. An input error ends the iteration after the
/// records read before it have been handed out.
pub(crate) struct Batcher {
    source: Source,
    dataset: Dataset,
    max_records: usize,
    max_bytes: usize,
    /// A record read but not fitting in the previous batch.
    carry: Option<Encoded>,
    failure: Option<PushError>,
    finished: bool,
}

/// A record ready to be added to a batch.
enum Encoded {
    Send { line: u64, raw: Raw, json: Vec<u8> },
    Reject(Failed),
}

impl Batcher {
    pub fn new(source: Source, dataset: Dataset, max_records: usize, max_bytes: usize) -> Self {
        Batcher {
            source,
            dataset,
            max_records: max_records.max(1),
            max_bytes,
            carry: None,
            failure: None,
            finished: false,
        }
    }

    /// The next record, encoded; `None` at the end or after an input error (kept for later).
    fn next_encoded(&mut self) -> Option<Encoded> {
        if let Some(carried) = self.carry.take() {
            return Some(carried);
        }
        if self.finished {
            return None;
        }
        match self.source.next_item() {
            Some(Ok(item)) => Some(encode(item, self.dataset)),
            Some(Err(e)) => {
                self.failure = Some(e);
                self.finished = true;
                None
            }
            None => {
                self.finished = true;
                None
            }
        }
    }

    /// Client-side rejections count towards the limit too, so a file of garbage is still
    /// read in bounded steps.
    fn fill(&mut self, batch: &mut Batch) {
        while batch.records() < self.max_records {
            let Some(encoded) = self.next_encoded() else {
                break;
            };
            match encoded {
                Encoded::Send { line, raw, json } => {
                    let full = batch.body.len() + json.len() + 1 > self.max_bytes;
                    if full && !batch.sent.is_empty() {
                        self.carry = Some(Encoded::Send { line, raw, json });
                        break;
                    }
                    batch.body.extend_from_slice(&json);
                    batch.body.push(b'\n');
                    batch.sent.push(Sent { line, raw });
                }
                Encoded::Reject(failed) => batch.local.push(failed),
            }
        }
    }
}

impl Iterator for Batcher {
    type Item = Result<Batch, PushError>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut batch = Batch::default();
        self.fill(&mut batch);
        batch.offset = self.source.offset();
        if batch.records() > 0 {
            return Some(Ok(batch));
        }
        self.failure.take().map(Err)
    }
}

fn encode(item: Item, dataset: Dataset) -> Encoded {
    match item.json {
        Ok(object) => {
            let value = Value::Object(object);
            match serde_json::to_vec(&value) {
                Ok(json) => Encoded::Send {
                    line: item.line,
                    raw: item.raw,
                    json,
                },
                // Serializing a parsed JSON value cannot fail; should it, the record is
                // reported rather than the push stopped.
                Err(e) => Encoded::Reject(Failed {
                    rejection: Rejection {
                        line: item.line,
                        key: dataset.key_of(&value),
                        errors: vec![super::RecordError {
                            field: None,
                            code: "INVALID_RECORD".to_owned(),
                            message: e.to_string(),
                        }],
                    },
                    raw: Some(item.raw),
                }),
            }
        }
        Err(errors) => Encoded::Reject(Failed {
            rejection: Rejection {
                line: item.line,
                key: None,
                errors,
            },
            raw: Some(item.raw),
        }),
    }
}

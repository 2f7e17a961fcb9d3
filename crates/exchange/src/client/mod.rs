//! The department side of a push (`onething push`, contract "Department pushes").
//!
//! [`push`] streams a CSV (header row = field names) or JSON Lines file to
//! `POST {base}/api/v1/exchange/{dataset}` in signed NDJSON batches of at most
//! [`MAX_BATCH_RECORDS`] records, and reports what the platform accepted, found duplicate
//! or rejected, with each rejected record's line in the input file.
//!
//! - **Streaming, constant memory.** A reader thread parses the input and builds the next
//!   batches while the current one is in flight; the channel between them holds at most
//!   two, so memory is bounded by a few batches whatever the file's size.
//! - **CSV conversion** uses the dataset's field types ([`Dataset::field_types`]): an
//!   integer column becomes a JSON number, a bool column `true`/`false`, an empty cell an
//!   absent field. A column the dataset does not have stops the push before anything is
//!   sent (exit 2), rather than having every record rejected.
//! - **Retries** on network errors, 408, 429 and 5xx, with the same batch, exponential
//!   backoff (honouring `Retry-After`) and a fresh timestamp and signature each time:
//!   pushes are idempotent, so a batch the server stored before the connection broke comes
//!   back as duplicates. A 401/403/404 stops the push (configuration: exit 2); another 4xx
//!   for a whole batch marks its records rejected and the push goes on.
//! - **Rejected records** are listed (line, key, every reason) and written to
//!   [`rejected_path`] (`INPUT.rejected.csv` / `.jsonl`): the original record plus
//!   `rejected_line` and `rejected_reason`, which the client ignores when that file is
//!   pushed again after the department fixed it.
//!
//! HTTP client: reqwest (async, on the tokio runtime the server already uses, so the demo
//! can push to its own in-process server; built without default features it adds only a
//! thin layer over the hyper stack axum already compiles). TLS: plain HTTP by default (the
//! government extranet, localhost, or a TLS-terminating gateway); the feature `tls` adds
//! rustls for `https://` URLs (see `http.rs` for why it is opt-in).

mod batch;
mod http;
mod input;
mod progress;
mod rejected;
mod report;
mod run;

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::datasets::Dataset;
use crate::signature::SigningKey;

pub use input::{Format, rejected_path};
pub use progress::ProgressMode;
pub use report::PushReport;
pub use run::push;

/// The contract's limit of records per request.
pub const MAX_BATCH_RECORDS: usize = 10_000;
/// A batch is also cut before its body passes this size, to stay well under the server's
/// request size limit whatever the records' length.
pub const MAX_BATCH_BYTES: usize = 8 << 20;
/// Columns (CSV) or fields (JSON Lines) the client adds to rejected records and drops when
/// it reads them, so a fixed rejected file can be pushed as it is.
pub const ANNOTATION_FIELDS: [&str; 3] = ["rejected_line", "rejected_reason", "rejected_original"];
/// How many rejections a [`PushReport`] keeps in memory (all are printed and written).
pub const KEPT_REJECTIONS: usize = 1_000;

/// Everything a push needs besides its input.
#[derive(Debug, Clone)]
pub struct PushConfig {
    /// The platform's base URL, e.g. `http://127.0.0.1:8080`.
    pub base_url: String,
    /// The department id registered with `onething dept add`.
    pub dept: String,
    pub key: SigningKey,
    pub dataset: Dataset,
    pub batch_records: usize,
    pub batch_bytes: usize,
    pub retry: RetryPolicy,
    pub progress: ProgressMode,
    /// Per request, including the server's work on a full batch.
    pub request_timeout: Duration,
}

impl PushConfig {
    pub fn new(base_url: &str, dept: &str, key: SigningKey, dataset: Dataset) -> Self {
        PushConfig {
            base_url: base_url.to_owned(),
            dept: dept.to_owned(),
            key,
            dataset,
            batch_records: MAX_BATCH_RECORDS,
            batch_bytes: MAX_BATCH_BYTES,
            retry: RetryPolicy::default(),
            progress: ProgressMode::Auto,
            request_timeout: Duration::from_secs(300),
        }
    }
}

/// How often and how patiently a batch is sent again.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Attempts per batch, the first included.
    pub attempts: u32,
    pub first_backoff: Duration,
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    /// Six attempts over about half a minute: long enough to ride out a server restart.
    fn default() -> Self {
        RetryPolicy {
            attempts: 6,
            first_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(10),
        }
    }
}

impl RetryPolicy {
    /// The wait before attempt `attempt + 1` (attempts count from 1): doubling, capped.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempt.saturating_sub(1));
        self.first_backoff
            .saturating_mul(factor)
            .min(self.max_backoff)
    }
}

/// One problem with a record, as the server reports it (or the client, for a record it
/// could not even send).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordError {
    #[serde(default)]
    pub field: Option<String>,
    pub code: String,
    #[serde(default)]
    pub message: String,
}

/// A rejected record: where it is in the input and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// 1-based line of the input where the record starts (the CSV header is line 1).
    pub line: u64,
    /// The record's key as sent, when it had one.
    pub key: Option<String>,
    pub errors: Vec<RecordError>,
}

impl Rejection {
    /// `field CODE message; …`, for the listing and the rejected file.
    pub fn reasons(&self) -> String {
        let parts: Vec<String> = self
            .errors
            .iter()
            .map(|e| match &e.field {
                Some(field) => format!("{field} {} {}", e.code, e.message),
                None => format!("{} {}", e.code, e.message),
            })
            .collect();
        parts.join("; ")
    }
}

/// Why a push could not start or had to stop. Every one of them is a usage, configuration
/// or environment problem (exit 2): rejected records are not errors but results.
#[derive(Debug, thiserror::Error)]
pub enum PushError {
    #[error("cannot read {path}: {source}")]
    Input {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}, line {line}: {problem}")]
    Header {
        path: String,
        line: u64,
        problem: String,
    },
    #[error("invalid platform URL {url}: {problem}")]
    Url { url: String, problem: String },
    #[error("the platform refused the department ({status} {code}): {message}")]
    Auth {
        status: u16,
        code: String,
        message: String,
    },
    #[error("the platform refused the request ({status} {code}): {message}")]
    Refused {
        status: u16,
        code: String,
        message: String,
    },
    #[error("the platform did not answer after {attempts} attempts: {last}")]
    Unavailable { attempts: u32, last: String },
    #[error("unexpected answer from the platform: {0}")]
    Protocol(String),
    #[error("cannot write {path}: {source}")]
    Output {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl PushError {
    /// The same, in Chinese, for the first of the two stderr lines.
    pub fn message_zh(&self) -> String {
        match self {
            Self::Input { path, source } => format!("无法读取输入文件 {path}：{source}"),
            Self::Header {
                path,
                line,
                problem,
            } => format!("{path} 第{line}行：{problem}"),
            Self::Url { url, problem } => format!("平台地址 {url} 无效：{problem}"),
            Self::Auth {
                status,
                code,
                message,
            } => format!(
                "平台拒绝了本部门的身份（{status} {code}）：{message}。请检查部门编号、私钥与本机时钟"
            ),
            Self::Refused {
                status,
                code,
                message,
            } => {
                format!("平台拒绝了请求（{status} {code}）：{message}。请检查平台地址与数据集名称")
            }
            Self::Unavailable { attempts, last } => {
                format!("重试{attempts}次后平台仍无响应：{last}。推送是幂等的，可重新推送整个文件")
            }
            Self::Protocol(problem) => format!("平台的应答无法识别：{problem}"),
            Self::Output { path, source } => {
                format!("无法写入 {}：{source}", path.display())
            }
        }
    }
}

#[cfg(test)]
mod fuzz_tests;
#[cfg(test)]
mod tests;

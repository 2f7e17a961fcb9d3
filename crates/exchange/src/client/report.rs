//! What a push did, and the contract's exit code for it.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use super::progress::rate;
use super::{KEPT_REJECTIONS, PushError, Rejection};
use crate::datasets::Dataset;

#[derive(Debug)]
pub struct PushReport {
    pub dataset: Dataset,
    pub input: String,
    /// Records read from the input (sent or rejected by the client).
    pub records: u64,
    pub accepted: u64,
    pub duplicates: u64,
    /// Records rejected, by the server or by the client before sending.
    pub rejected: u64,
    /// The first [`KEPT_REJECTIONS`] rejections, in input order within each batch.
    pub rejections: Vec<Rejection>,
    /// Where the rejected records were written, if any were.
    pub rejected_file: Option<PathBuf>,
    pub batches: u64,
    /// Attempts after the first, over all batches.
    pub retries: u64,
    pub elapsed: Duration,
    /// The last input line whose batch the server answered (a resume point).
    pub last_line: u64,
    /// Why the push stopped before the end of the input.
    pub stopped: Option<PushError>,
}

impl PushReport {
    pub(crate) fn new(dataset: Dataset, input: String) -> Self {
        PushReport {
            dataset,
            input,
            records: 0,
            accepted: 0,
            duplicates: 0,
            rejected: 0,
            rejections: Vec::new(),
            rejected_file: None,
            batches: 0,
            retries: 0,
            elapsed: Duration::ZERO,
            last_line: 0,
            stopped: None,
        }
    }

    pub(crate) fn reject(&mut self, rejection: Rejection) {
        self.rejected += 1;
        if self.rejections.len() < KEPT_REJECTIONS {
            self.rejections.push(rejection);
        }
    }

    /// Records per second over the whole push.
    pub fn rate(&self) -> f64 {
        rate(self.records, self.elapsed)
    }

    /// The contract's exit code: 2 if the push stopped (configuration, authentication,
    /// platform unreachable), 1 if records were rejected, 0 otherwise.
    pub fn exit_code(&self) -> u8 {
        if self.stopped.is_some() {
            2
        } else if self.rejected > 0 {
            1
        } else {
            0
        }
    }
}

impl fmt::Display for PushReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match self.stopped {
            None => "推送完成 / push finished",
            Some(_) => "推送中止 / push stopped",
        };
        writeln!(f, "{state}: {} ← {}", self.dataset, self.input)?;
        writeln!(f, "  记录 records:      {}", self.records)?;
        writeln!(f, "  接收 accepted:     {}", self.accepted)?;
        writeln!(f, "  重复 duplicates:   {}", self.duplicates)?;
        write!(f, "  拒收 rejected:     {}", self.rejected)?;
        match &self.rejected_file {
            Some(path) => writeln!(f, "  → {}", path.display())?,
            None => writeln!(f)?,
        }
        write!(
            f,
            "  速率 rate:         {:.0} records/s ({:.1} s, {} batches, {} retries)",
            self.rate(),
            self.elapsed.as_secs_f64(),
            self.batches,
            self.retries
        )?;
        if self.stopped.is_some() {
            write!(
                f,
                "\n  已确认至第{0}行 / confirmed up to line {0}; 推送是幂等的，可重新推送整个文件 / pushes are idempotent: push the whole file again",
                self.last_line
            )?;
        }
        Ok(())
    }
}

//! The push loop: a reader thread turns the input into batches, this task sends them one
//! after the other and accounts for the answers.

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use tokio::sync::mpsc;

use super::batch::{Batch, Batcher};
use super::http::{Outcome, Sender};
use super::input::{self, Raw};
use super::progress::Progress;
use super::rejected::RejectedFile;
use super::{PushConfig, PushError, PushReport, Rejection, rejected_path};

/// Batches read ahead of the one in flight. Two keep the server busy while bounding memory.
const READ_AHEAD: usize = 2;

/// Pushes `input` (`-` = stdin) and lists every rejected record on `out`.
///
/// Errors before anything is sent (unreadable input, bad header, bad URL) are returned as
/// `Err`; a failure later (authentication, platform unreachable) ends the push and is
/// reported in [`PushReport::stopped`] with the counts so far.
pub async fn push(
    input: &Path,
    config: &PushConfig,
    out: &mut (dyn Write + Send),
) -> Result<PushReport, PushError> {
    let started = Instant::now();
    let path = input.to_owned();
    let dataset = config.dataset;
    // Opening reads the CSV header, which may block (stdin): off the async threads.
    let opened = tokio::task::spawn_blocking(move || input::open(&path, dataset))
        .await
        .map_err(|e| PushError::Protocol(format!("reader thread: {e}")))??;
    let sender = Sender::new(config)?;
    let header = opened.source.header().cloned();
    let rejected = RejectedFile::new(rejected_path(input, opened.format), header)?;
    let mut run = Run {
        sender,
        rejected,
        progress: Progress::new(config.progress, opened.size),
        report: PushReport::new(dataset, input.display().to_string()),
        out,
    };
    let batcher = Batcher::new(
        opened.source,
        dataset,
        config.batch_records,
        config.batch_bytes,
    );
    let (tx, mut rx) = mpsc::channel(READ_AHEAD);
    let reader = tokio::task::spawn_blocking(move || {
        for batch in batcher {
            if tx.blocking_send(batch).is_err() {
                break; // the push stopped; stop reading
            }
        }
    });
    while let Some(batch) = rx.recv().await {
        let handled = match batch {
            Ok(batch) => run.handle(batch).await,
            Err(e) => Err(e),
        };
        if let Err(e) = handled {
            run.report.stopped = Some(e);
            break;
        }
    }
    drop(rx);
    // The reader ends by itself once the channel is closed; a panic in it is a bug that
    // has already stopped the batches.
    let _ = reader.await;
    Ok(run.finish(started))
}

struct Run<'a> {
    sender: Sender,
    rejected: RejectedFile,
    progress: Progress,
    report: PushReport,
    out: &'a mut (dyn Write + Send),
}

impl Run<'_> {
    async fn handle(&mut self, batch: Batch) -> Result<(), PushError> {
        let mut failed: Vec<(Rejection, Option<Raw>)> = Vec::new();
        if !batch.sent.is_empty() {
            let outcome = self
                .sender
                .send(&batch.body, &mut self.report.retries)
                .await?;
            failed = self.account(&batch, outcome);
        }
        let records = batch.records() as u64;
        let last_line = batch
            .sent
            .iter()
            .map(|s| s.line)
            .chain(batch.local.iter().map(|f| f.rejection.line))
            .max();
        failed.extend(batch.local.into_iter().map(|f| (f.rejection, f.raw)));
        failed.sort_by_key(|(r, _)| r.line);
        for (rejection, raw) in failed {
            self.reject(rejection, raw.as_ref())?;
        }
        self.report.records += records;
        self.report.batches += 1;
        self.report.last_line = last_line.unwrap_or(self.report.last_line);
        self.progress.update(batch.offset, self.report.records);
        Ok(())
    }

    /// Adds the server's counts; returns the rejected records with their input lines.
    fn account(&mut self, batch: &Batch, outcome: Outcome) -> Vec<(Rejection, Option<Raw>)> {
        match outcome {
            Outcome::Answered(response) => {
                self.report.accepted += response.accepted;
                self.report.duplicates += response.duplicates;
                response
                    .rejected
                    .into_iter()
                    .map(|r| {
                        let sent = batch.sent.get(r.index);
                        let rejection = Rejection {
                            // 0 marks an index the batch does not have (a server bug).
                            line: batch.line_of(r.index).unwrap_or(0),
                            key: r.key,
                            errors: r.errors,
                        };
                        (rejection, sent.map(|s| s.raw.clone()))
                    })
                    .collect()
            }
            Outcome::Refused(error) => batch
                .sent
                .iter()
                .map(|s| {
                    let rejection = Rejection {
                        line: s.line,
                        key: None,
                        errors: vec![error.clone()],
                    };
                    (rejection, Some(s.raw.clone()))
                })
                .collect(),
        }
    }

    fn reject(&mut self, rejection: Rejection, raw: Option<&Raw>) -> Result<(), PushError> {
        let key = rejection
            .key
            .as_deref()
            .map(|k| format!(" [{k}]"))
            .unwrap_or_default();
        let text = format!(
            "拒收 rejected: 第{0}行 line {0}{key}: {1}",
            rejection.line,
            rejection.reasons()
        );
        let out = &mut self.out;
        // The listing is a convenience (the rejected file is the record of it): a closed
        // stdout must not stop the push.
        self.progress.suspend(|| {
            let _ = writeln!(out, "{text}");
        });
        self.rejected.write(&rejection, raw)?;
        self.report.reject(rejection);
        Ok(())
    }

    fn finish(mut self, started: Instant) -> PushReport {
        self.progress.finish();
        let _ = self.out.flush();
        let path = self.rejected.path().to_owned();
        let used = self.rejected.is_used();
        match self.rejected.finish() {
            Ok(file) => self.report.rejected_file = file,
            Err(e) => {
                self.report.rejected_file = used.then_some(path);
                self.report.stopped.get_or_insert(e);
            }
        }
        self.report.elapsed = started.elapsed();
        self.report
    }
}

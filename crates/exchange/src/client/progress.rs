//! Progress on stderr: a bar on a terminal, a plain line every few seconds otherwise (a
//! log file or CI), nothing when embedded (the demo).

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How to show progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgressMode {
    /// A bar if stderr is a terminal, plain lines otherwise.
    Auto,
    Bar,
    Lines,
    Quiet,
}

/// Plain lines are printed at most this often.
const LINE_EVERY: Duration = Duration::from_secs(2);

pub(crate) struct Progress {
    view: View,
    started: Instant,
    size: Option<u64>,
}

enum View {
    Bar(ProgressBar),
    Lines { last: Instant },
    Quiet,
}

impl Progress {
    /// `size`: the input's length in bytes, when known (not for stdin).
    pub fn new(mode: ProgressMode, size: Option<u64>) -> Self {
        let mode = match mode {
            ProgressMode::Auto if std::io::stderr().is_terminal() => ProgressMode::Bar,
            ProgressMode::Auto => ProgressMode::Lines,
            other => other,
        };
        let now = Instant::now();
        let view = match mode {
            ProgressMode::Bar => View::Bar(bar(size)),
            ProgressMode::Lines => View::Lines { last: now },
            ProgressMode::Quiet | ProgressMode::Auto => View::Quiet,
        };
        Progress {
            view,
            started: now,
            size,
        }
    }

    /// After each batch: bytes of input consumed and records done so far.
    pub fn update(&mut self, offset: u64, records: u64) {
        let rate = rate(records, self.started.elapsed());
        match &mut self.view {
            View::Bar(bar) => {
                bar.set_position(offset);
                bar.set_message(format!("{records} 条 records, {rate:.0}/s"));
            }
            View::Lines { last } if last.elapsed() >= LINE_EVERY => {
                *last = Instant::now();
                eprintln!(
                    "已推送 pushed {records} 条 records{}, {rate:.0} records/s",
                    percent(offset, self.size)
                );
            }
            View::Lines { .. } | View::Quiet => {}
        }
    }

    /// Runs `f` (which prints to stdout) without tearing the bar.
    pub fn suspend<T>(&self, f: impl FnOnce() -> T) -> T {
        match &self.view {
            View::Bar(bar) => bar.suspend(f),
            _ => f(),
        }
    }

    pub fn finish(&self) {
        if let View::Bar(bar) = &self.view {
            bar.finish_and_clear();
        }
    }
}

fn bar(size: Option<u64>) -> ProgressBar {
    let bar = match size {
        Some(size) => ProgressBar::new(size),
        None => ProgressBar::new_spinner(),
    };
    bar.set_draw_target(ProgressDrawTarget::stderr());
    let template = match size {
        Some(_) => {
            "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} {msg} (eta {eta})"
        }
        None => "{spinner} [{elapsed_precise}] {bytes} {msg}",
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

fn percent(offset: u64, size: Option<u64>) -> String {
    match size {
        Some(size) if size > 0 => format!(" ({:.0}%)", offset as f64 * 100.0 / size as f64),
        _ => String::new(),
    }
}

/// Records per second (0 before any time has passed).
pub(crate) fn rate(records: u64, elapsed: Duration) -> f64 {
    let secs = elapsed.as_secs_f64();
    if secs > 0.0 {
        records as f64 / secs
    } else {
        0.0
    }
}

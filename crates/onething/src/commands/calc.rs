//! `onething calc maternity-allowance` and `onething params show` (contract.md,
//! "Maternity-allowance rules" and "Parameter file").
//!
//! The calculation streams: one line is read, decided and written before the next is
//! read, through buffers reused for every line, so memory stays constant for any input
//! size and the output keeps the input's order.

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::Path;
use std::process::ExitCode;

use onething_domain::rules::maternity::{
    ExplainMode, InputError, MaternityDecision, evaluate_into, parse_facts,
};
use onething_domain::rules::params::{MaternityParams, SHIPPED_MATERNITY_TOML};

use crate::cli::{CalcCommand, Explain, ParamsCommand};
use crate::failure::Failure;

const BUFFER: usize = 1 << 16;

pub fn run(cmd: CalcCommand) -> Result<ExitCode, Failure> {
    let CalcCommand::MaternityAllowance {
        input,
        output,
        params,
        explain,
    } = cmd;
    let params = load_params(params.as_deref())?.1;
    let reader = open_input(&input)?;
    let writer = open_output(&output)?;
    let mode = match explain {
        Explain::Text => ExplainMode::Text,
        Explain::Codes => ExplainMode::Codes,
        Explain::None => ExplainMode::Off,
    };
    let counts = stream(reader, writer, &params, mode)?;
    if counts.invalid == 0 {
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!(
        "共{}行，其中{}行无效（见输出中的 error 行）",
        counts.lines, counts.invalid
    );
    eprintln!(
        "{} lines, {} invalid (see the error lines in the output)",
        counts.lines, counts.invalid
    );
    Ok(ExitCode::from(1))
}

/// Prints the parameter file in use (verbatim, with its comments and sources) on stdout,
/// after validating it, and a summary of its regions and periods on stderr.
pub fn params(cmd: ParamsCommand) -> Result<ExitCode, Failure> {
    let ParamsCommand::Show { params } = cmd;
    let (text, parsed) = load_params(params.as_deref())?;
    let origin = params.as_deref().map_or_else(
        || "内置参数 / shipped parameters".to_owned(),
        |p| p.display().to_string(),
    );
    eprintln!("参数文件有效 / parameter file is valid: {origin}");
    for region in parsed.regions() {
        for period in &region.periods {
            eprintln!(
                "  {} {} 自 {} 起：{}",
                region.code, region.name, period.effective_from, period.source
            );
        }
    }
    let mut stdout = io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(|e| Failure::environment("无法写出参数", e))?;
    Ok(ExitCode::SUCCESS)
}

/// The parameter file's text and its validated contents: `path`, or the shipped file.
/// An unreadable or invalid file is a configuration error (exit 2) naming the line.
pub fn load_params(path: Option<&Path>) -> Result<(String, MaternityParams), Failure> {
    let Some(path) = path else {
        let text = SHIPPED_MATERNITY_TOML.to_owned();
        let params = MaternityParams::from_toml(&text).map_err(|e| {
            Failure::usage(
                format!("内置参数无效：{}", e.message_zh()),
                format!("shipped parameters invalid: {e}"),
            )
        })?;
        return Ok((text, params));
    };
    let text = std::fs::read_to_string(path).map_err(|e| {
        Failure::usage(
            format!("无法读取参数文件 {}：{e}", path.display()),
            format!("cannot read parameter file {}: {e}", path.display()),
        )
    })?;
    let params = MaternityParams::from_toml(&text).map_err(|e| {
        Failure::usage(
            format!("参数文件 {} 无效：{}", path.display(), e.message_zh()),
            format!("invalid parameter file {}: {e}", path.display()),
        )
    })?;
    Ok((text, params))
}

fn is_dash(path: &Path) -> bool {
    path.as_os_str() == "-"
}

fn open_input(path: &Path) -> Result<Box<dyn BufRead>, Failure> {
    if is_dash(path) {
        return Ok(Box::new(BufReader::with_capacity(
            BUFFER,
            io::stdin().lock(),
        )));
    }
    let file = File::open(path).map_err(|e| {
        Failure::usage(
            format!("无法读取输入文件 {}：{e}", path.display()),
            format!("cannot read input {}: {e}", path.display()),
        )
    })?;
    Ok(Box::new(BufReader::with_capacity(BUFFER, file)))
}

fn open_output(path: &Path) -> Result<Box<dyn Write>, Failure> {
    if is_dash(path) {
        return Ok(Box::new(io::stdout().lock()));
    }
    let file = File::create(path).map_err(|e| {
        Failure::usage(
            format!("无法写入输出文件 {}：{e}", path.display()),
            format!("cannot write output {}: {e}", path.display()),
        )
    })?;
    Ok(Box::new(file))
}

#[derive(Debug, Default)]
struct Counts {
    lines: u64,
    invalid: u64,
}

/// Lines per batch: enough to keep every core busy, small enough for constant memory
/// (a few MB of input and output at a time).
const BATCH_LINES: usize = 8192;

/// One batch of input lines, stored end to end in one buffer.
#[derive(Default)]
struct Batch {
    bytes: Vec<u8>,
    ends: Vec<usize>,
}

impl Batch {
    /// Reads up to [`BATCH_LINES`] lines; `false` at the end of the input.
    fn fill(&mut self, reader: &mut dyn BufRead) -> io::Result<bool> {
        self.bytes.clear();
        self.ends.clear();
        while self.ends.len() < BATCH_LINES {
            if reader.read_until(b'\n', &mut self.bytes)? == 0 {
                break;
            }
            self.ends.push(self.bytes.len());
        }
        Ok(!self.ends.is_empty())
    }

    /// Lines `range` of the batch.
    fn lines(&self, range: std::ops::Range<usize>) -> impl Iterator<Item = &[u8]> {
        range.map(|i| {
            let start = if i == 0 { 0 } else { self.ends[i - 1] };
            &self.bytes[start..self.ends[i]]
        })
    }
}

/// A worker's reused state: its decision buffers and its share of the output.
struct Worker {
    decision: MaternityDecision,
    out: Vec<u8>,
    invalid: u64,
}

impl Worker {
    fn new(mode: ExplainMode) -> Self {
        Worker {
            decision: MaternityDecision::with_mode(mode),
            out: Vec::new(),
            invalid: 0,
        }
    }

    /// Decides `lines` into `self.out`, one result line each. `at_start` marks the
    /// input's first line (which may carry a BOM).
    fn run<'a>(
        &mut self,
        lines: impl Iterator<Item = &'a [u8]>,
        at_start: bool,
        params: &MaternityParams,
    ) {
        self.out.clear();
        self.invalid = 0;
        for (i, line) in lines.enumerate() {
            let written = match line_text(line, at_start && i == 0).and_then(parse_facts) {
                Ok(facts) => {
                    evaluate_into(&facts, params, &mut self.decision);
                    serde_json::to_writer(&mut self.out, &self.decision)
                }
                Err(error) => {
                    self.invalid += 1;
                    serde_json::to_writer(&mut self.out, &error)
                }
            };
            // Serialising these types into a Vec cannot fail; keep the line count right
            // even if it somehow did.
            if written.is_err() {
                self.out.extend_from_slice(b"null");
            }
            self.out.push(b'\n');
        }
    }
}

/// Reads every line and writes one result line for each, in order. Each batch is split
/// between the cores; the parts are written back in input order.
fn stream(
    mut reader: Box<dyn BufRead>,
    writer: Box<dyn Write>,
    params: &MaternityParams,
    mode: ExplainMode,
) -> Result<Counts, Failure> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
    let mut workers: Vec<Worker> = (0..threads).map(|_| Worker::new(mode)).collect();
    let mut out = BufWriter::with_capacity(BUFFER, writer);
    let mut batch = Batch::default();
    let mut counts = Counts::default();
    let read_failed =
        |e: io::Error| Failure::usage(format!("读取输入失败：{e}"), format!("reading input: {e}"));
    while batch.fill(reader.as_mut()).map_err(read_failed)? {
        let at_start = counts.lines == 0;
        decide_batch(&batch, &mut workers, at_start, params);
        for worker in &workers {
            out.write_all(&worker.out)
                .map_err(|e| Failure::environment("写出结果失败", e))?;
            counts.invalid += worker.invalid;
        }
        counts.lines += batch.ends.len() as u64;
    }
    out.flush()
        .map_err(|e| Failure::environment("写出结果失败", e))?;
    Ok(counts)
}

/// Splits the batch into one contiguous share per worker and runs them in parallel,
/// the first share on this thread.
fn decide_batch(batch: &Batch, workers: &mut [Worker], at_start: bool, params: &MaternityParams) {
    let lines = batch.ends.len();
    let share = lines.div_ceil(workers.len().max(1)).max(1);
    let range = |k: usize| (k * share).min(lines)..((k + 1) * share).min(lines);
    let Some((first, others)) = workers.split_first_mut() else {
        return;
    };
    std::thread::scope(|scope| {
        for (k, worker) in others.iter_mut().enumerate() {
            let share = range(k + 1);
            if share.is_empty() {
                // Still run it: that empties the worker's output from the last batch.
                worker.run(batch.lines(share), false, params);
            } else {
                scope.spawn(move || worker.run(batch.lines(share), false, params));
            }
        }
        first.run(batch.lines(range(0)), at_start, params);
    });
}

/// The line without its end (`\n` or `\r\n`) and, on the first line, a UTF-8 BOM.
fn line_text(bytes: &[u8], first: bool) -> Result<&str, InputError> {
    let mut bytes = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
    if first {
        bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    }
    let text = std::str::from_utf8(bytes)
        .map_err(|e| InputError::invalid_json(format!("该行不是有效的 UTF-8 文本：{e}")))?;
    if text.trim().is_empty() {
        return Err(InputError::invalid_json("空行：每行应为一个 JSON 对象"));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_ends_and_bom_are_stripped() {
        assert_eq!(line_text(b"{}\r\n", false).ok(), Some("{}"));
        assert_eq!(line_text("\u{feff}{}\n".as_bytes(), true).ok(), Some("{}"));
        assert!(line_text(b"\n", false).is_err());
        assert!(line_text(b"\xff\n", false).is_err());
    }
}

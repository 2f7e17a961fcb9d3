//! `onething push` (contract, "Command line"): the department-side client. The work is in
//! `onething_exchange::client`; this parses the arguments, loads the key and prints.

use std::io::Write;
use std::process::ExitCode;

use onething_exchange::client::{self, PushConfig, PushError};
use onething_exchange::datasets::Dataset;
use onething_exchange::signature::read_signing_key;

use crate::cli::PushArgs;
use crate::failure::Failure;

pub async fn run(args: PushArgs) -> Result<ExitCode, Failure> {
    let dataset =
        Dataset::from_path_segment(&args.dataset).ok_or_else(|| unknown(&args.dataset))?;
    let key = read_signing_key(&args.key).map_err(|e| {
        Failure::usage(
            format!("无法读取部门私钥 {}：{e}", args.key.display()),
            e.to_string(),
        )
    })?;
    let config = PushConfig::new(&args.url, &args.dept, key, dataset);
    let mut stdout = std::io::stdout();
    let report = client::push(&args.input, &config, &mut stdout)
        .await
        .map_err(|e| failure(&e))?;
    // A closed stdout (`| head`) must not turn a finished push into a panic.
    let _ = writeln!(std::io::stdout(), "{report}");
    match &report.stopped {
        Some(e) => Err(failure(e)),
        None => Ok(ExitCode::from(report.exit_code())),
    }
}

fn unknown(name: &str) -> Failure {
    let names: Vec<&str> = Dataset::ALL.iter().map(|d| d.as_str()).collect();
    Failure::usage(
        format!("未知数据集“{name}”，可选：{}", names.join("、")),
        format!("unknown dataset `{name}`; one of: {}", names.join(", ")),
    )
}

/// Every push error is a usage, configuration or environment problem: exit 2.
fn failure(e: &PushError) -> Failure {
    Failure::usage(e.message_zh(), e.to_string())
}

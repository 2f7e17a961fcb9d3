//! `onething`: the platform's one command. Thin: parses arguments, calls the library crates.

mod cli;
mod commands;
mod config;
mod failure;
mod out;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help and version to stdout with success, usage errors with code 2.
            if e.use_stderr() {
                eprintln!("错误：命令行参数无效，详见下方说明（onething --help）");
            }
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match commands::run(cli) {
        Ok(code) => code,
        Err(failure) => failure.report(),
    }
}

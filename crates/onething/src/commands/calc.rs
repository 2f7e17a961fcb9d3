//! Being written (lead's placeholder; replaced before commit).

use std::process::ExitCode;

use crate::cli::{CalcCommand, ParamsCommand};
use crate::failure::Failure;

pub fn run(_cmd: CalcCommand) -> Result<ExitCode, Failure> {
    Err(Failure::usage("该命令尚在开发中", "this command is being written"))
}

pub fn params(_cmd: ParamsCommand) -> Result<ExitCode, Failure> {
    Err(Failure::usage("该命令尚在开发中", "this command is being written"))
}

//! Being written (lead's placeholder; replaced before commit).

use std::process::ExitCode;

use crate::failure::Failure;

pub async fn run(_cmd: crate::cli::DeptCommand) -> Result<ExitCode, Failure> {
    Err(Failure::usage("该命令尚在开发中", "this command is being written"))
}

//! Standard output for the commands' human-readable lines.
//!
//! Rust ignores SIGPIPE, so `println!` panics when the reader has gone (`onething demo |
//! head`). A closed pipe means the reader has what it wanted: the command ends quietly with
//! exit 0 instead of printing a panic.

use std::io::{ErrorKind, Write};

use crate::failure::Failure;

/// Writes one line to stdout; a closed pipe becomes [`Failure::closed_pipe`].
pub fn line(args: std::fmt::Arguments<'_>) -> Result<(), Failure> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_fmt(args)
        .and_then(|()| stdout.write_all(b"\n"))
    {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == ErrorKind::BrokenPipe => Err(Failure::closed_pipe()),
        Err(e) => Err(Failure::environment("无法写入标准输出", e)),
    }
}

/// `println!` for commands: `say!("…{x}")?` ends the command quietly on a closed pipe.
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::out::line(format_args!($($arg)*))
    };
}
pub(crate) use say;

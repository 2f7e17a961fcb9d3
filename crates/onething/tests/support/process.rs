//! Running the real `onething` binary from the tests, shared by every test module.

use std::process::{Command, Output};

/// `onething ARGS`, logs at `warn` (JSON on stderr), waited for.
pub fn onething(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_onething"))
        .args(args)
        .env("ONETHING_LOG", "warn")
        .output()
        .expect("runs")
}

/// `onething ARGS`, which must succeed (its stderr in the failure message).
pub fn onething_ok(args: &[&str]) {
    let out = onething(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A port nothing listens on now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("port")
}

/// Output bytes as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

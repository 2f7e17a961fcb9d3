//! Running the real `onething` binary from the tests, shared by every test module.

use std::io::Write;
use std::process::{Command, Output, Stdio};

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

/// `onething user add` of an administrator on `db`, the password given on stdin.
pub fn add_admin(db: &str, username: &str, password: &str) {
    let mut add = Command::new(env!("CARGO_BIN_EXE_onething"))
        .args([
            "user",
            "add",
            "--db",
            db,
            "--username",
            username,
            "--role",
            "admin",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("user add");
    add.stdin
        .take()
        .expect("stdin")
        .write_all(format!("{password}\n").as_bytes())
        .expect("password");
    assert!(add.wait().expect("user add").success());
}

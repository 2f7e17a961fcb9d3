//! `onething calendar`: the strict answer keeps exit 2 for a year without a notice,
//! `--provisional` answers from the national regulation and says so, `calendar load`
//! keeps a notice in the database; and a closed stdout ends `demo` quietly.

use std::process::{Command, Output, Stdio};

const NOTICE_2027: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../domain/tests/data/holidays-2027.json"
);

fn onething(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_onething"))
        .args(args)
        .output()
        .expect("onething runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn add_working_days_into_2027_is_exit_2_unless_provisional() {
    let strict = onething(&["calendar", "add-working-days", "2026-12-20", "33"]);
    assert_eq!(strict.status.code(), Some(2));
    assert!(
        text(&strict.stderr).contains("2027"),
        "{}",
        text(&strict.stderr)
    );
    let provisional = onething(&[
        "calendar",
        "add-working-days",
        "2026-12-20",
        "33",
        "--provisional",
    ]);
    assert_eq!(provisional.status.code(), Some(0));
    assert_eq!(text(&provisional.stdout), "2027-02-04\n");
    assert!(text(&provisional.stderr).contains("预计日期"));
    // Inside a published year `--provisional` changes nothing and says nothing.
    let inside = onething(&[
        "calendar",
        "add-working-days",
        "2024-09-30",
        "1",
        "--provisional",
    ]);
    assert_eq!(text(&inside.stdout), "2024-10-08\n");
    assert!(inside.stderr.is_empty());
    // With the notice given as a file the strict answer works.
    let with_notice = onething(&[
        "calendar",
        "add-working-days",
        "2026-12-20",
        "34",
        "--holidays",
        NOTICE_2027,
    ]);
    assert_eq!(text(&with_notice.stdout), "2027-02-14\n");
}

#[test]
fn calendar_load_keeps_the_notice_and_refuses_a_bad_one() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = format!("sqlite://{}/cal.db", dir.path().display());
    let loaded = onething(&["calendar", "load", NOTICE_2027, "--db", &db]);
    assert_eq!(loaded.status.code(), Some(0), "{}", text(&loaded.stderr));
    assert!(text(&loaded.stdout).contains("[2027]"));
    let bad = dir.path().join("bad.json");
    std::fs::write(
        &bad,
        r#"{"years":{"2027":{"notice_urls":[],"off_days":[],"make_up_workdays":[]}}}"#,
    )
    .expect("write");
    let refused = onething(&["calendar", "load", bad.to_str().expect("path"), "--db", &db]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(text(&refused.stderr).contains("无效"));
}

#[test]
fn demo_ends_quietly_when_stdout_is_closed() {
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("demo.db");
    let mut child = Command::new(env!("CARGO_BIN_EXE_onething"))
        .args(["demo", "--no-serve", "--file", file.to_str().expect("path")])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("demo starts");
    // The reader goes away before the first line: `onething demo | head -0`.
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("demo ends");
    assert_eq!(out.status.code(), Some(0));
    let stderr = text(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!stderr.contains("Broken pipe"), "{stderr}");
}

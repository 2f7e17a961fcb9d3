//! The integration tests of `onething` in one binary: each file beside this one is a module
//! of it, so the whole application is linked once instead of once per file (CI time on two
//! cores). A new test file must be added below; `every_test_file_is_a_module` fails until it is.

// Shared test support, declared once for every module below.
#[path = "support/process.rs"]
mod process;
#[path = "support/seed.rs"]
mod seed;

#[path = "bench.rs"]
mod bench;
#[path = "calc.rs"]
mod calc;
#[path = "calendar_cli.rs"]
mod calendar_cli;
#[path = "crash.rs"]
mod crash;
#[path = "crash_outbox.rs"]
mod crash_outbox;
#[path = "operations.rs"]
mod operations;
#[path = "push.rs"]
mod push;
#[path = "settle.rs"]
mod settle;
#[path = "two_servers.rs"]
mod two_servers;

#[test]
fn every_test_file_is_a_module() {
    onething_test_support::assert_every_test_file_is_a_module(
        env!("CARGO_MANIFEST_DIR"),
        include_str!("integration.rs"),
    );
}

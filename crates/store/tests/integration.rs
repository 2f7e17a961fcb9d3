//! The integration tests of `store` in one binary: each file beside this one is a module
//! of it, so the whole application is linked once instead of once per file (CI time on two
//! cores). A new test file must be added below; `every_test_file_is_a_module` fails until it is.

// Shared test support, declared once for every module below.
mod support;

#[path = "accounts.rs"]
mod accounts;
#[path = "allowance_pages.rs"]
mod allowance_pages;
#[path = "due.rs"]
mod due;
#[path = "exchange.rs"]
mod exchange;
#[path = "exchange_bench.rs"]
mod exchange_bench;
#[path = "migrations.rs"]
mod migrations;
#[path = "provisional.rs"]
mod provisional;
#[path = "roles.rs"]
mod roles;
#[path = "settlements.rs"]
mod settlements;
#[path = "shared_data.rs"]
mod shared_data;
#[path = "story.rs"]
mod story;

#[test]
fn every_test_file_is_a_module() {
    onething_test_support::assert_every_test_file_is_a_module(
        env!("CARGO_MANIFEST_DIR"),
        include_str!("integration.rs"),
    );
}

//! The integration tests of `services` in one binary: each file beside this one is a module
//! of it, so the whole application is linked once instead of once per file (CI time on two
//! cores). A new test file must be added below; `every_test_file_is_a_module` fails until it is.

// Shared test support, declared once for every module below.
mod support;

#[path = "automatic.rs"]
mod automatic;
#[path = "claims.rs"]
mod claims;
#[path = "claims_case.rs"]
mod claims_case;
#[path = "claims_submission.rs"]
mod claims_submission;
#[path = "newborn.rs"]
mod newborn;
#[path = "payables.rs"]
mod payables;
#[path = "supervision.rs"]
mod supervision;
#[path = "supervision_due.rs"]
mod supervision_due;
#[path = "supervision_home_visits.rs"]
mod supervision_home_visits;
#[path = "supervision_measures.rs"]
mod supervision_measures;
#[path = "supervision_queue.rs"]
mod supervision_queue;
#[path = "supervision_reports.rs"]
mod supervision_reports;

#[test]
fn every_test_file_is_a_module() {
    onething_test_support::assert_every_test_file_is_a_module(
        env!("CARGO_MANIFEST_DIR"),
        include_str!("integration.rs"),
    );
}

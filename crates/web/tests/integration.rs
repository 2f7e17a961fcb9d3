//! The integration tests of `web` in one binary: each file beside this one is a module
//! of it, so the whole application is linked once instead of once per file (CI time on two
//! cores). A new test file must be added below; `every_test_file_is_a_module` fails until it is.

// Shared test support, declared once for every module below.
#[path = "support/allowance.rs"]
mod allowance;
#[path = "support/auth.rs"]
mod auth_support;
mod support;
#[path = "support/world.rs"]
mod world;

#[path = "allowance_e2e.rs"]
mod allowance_e2e;
#[path = "allowance_pages.rs"]
mod allowance_pages;
#[path = "api.rs"]
mod api;
#[path = "api_fuzz.rs"]
mod api_fuzz;
#[path = "application_limit.rs"]
mod application_limit;
#[path = "authz.rs"]
mod authz;
#[path = "calendar.rs"]
mod calendar;
#[path = "cases.rs"]
mod cases;
#[path = "claims.rs"]
mod claims;
#[path = "exchange.rs"]
mod exchange;
#[path = "guide.rs"]
mod guide;
#[path = "hospital_claim.rs"]
mod hospital_claim;
#[path = "hospital_e2e.rs"]
mod hospital_e2e;
#[path = "hospital_family_planning.rs"]
mod hospital_family_planning;
#[path = "hospital_pages.rs"]
mod hospital_pages;
#[path = "hospital_reimbursement.rs"]
mod hospital_reimbursement;
#[path = "metrics.rs"]
mod metrics;
#[path = "newborn_e2e.rs"]
mod newborn_e2e;
#[path = "outbox.rs"]
mod outbox;
#[path = "pages.rs"]
mod pages;
#[path = "session.rs"]
mod session;
#[path = "settlements.rs"]
mod settlements;
#[path = "supervision.rs"]
mod supervision;
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

//! The shared test databases (`onething-test-support`).

#[allow(unused_imports, reason = "each test binary uses a different part")]
pub use onething_test_support::{
    TestDb, approved_claim_case, claim_payables, fresh_name, postgres, sqlite, test_dbs,
    unmigrated_test_dbs,
};

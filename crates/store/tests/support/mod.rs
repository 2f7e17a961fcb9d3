//! The shared test databases (`onething-test-support`).

#[allow(unused_imports, reason = "each test binary uses a different part")]
pub use onething_test_support::{TestDb, claim_payables, fresh_name, postgres, sqlite, test_dbs};

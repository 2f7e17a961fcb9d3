//! Storage of the hospital window (seed 002): spouse filings, reimbursements (with their
//! payable to the hospital) and the hospital's settlement account. Stores what the services
//! layer decided, one transaction per change with its audit entry; decides nothing.

mod family_planning;
mod filings;
mod reimbursements;

pub use family_planning::FamilyPlanningReview;
pub use filings::{NewFiling, SpouseFiling};
pub use reimbursements::{Reimbursement, ReimbursementError, StoredLine};

/// The service name of the window's payables (`payables.service`).
pub const SERVICE: &str = "maternity_reimbursement";

//! Storage of the hospital window (seed 002): spouse filings. Stores what the services
//! layer decided, one transaction per change with its audit entry; decides nothing.

mod filings;

pub use filings::{NewFiling, SpouseFiling};

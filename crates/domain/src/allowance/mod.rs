//! Maternity-allowance claims (生育津贴申领, MA-1..MA-7): the life of one claim from the
//! employer's draft to the bank's payment result. Pure: the store persists what these
//! functions decide, the web layer shows it.

pub mod bank;
pub mod derive;
pub mod rejection;
pub mod review;
pub mod settlement;
mod status;

pub use derive::{Derived, Evidence, Fact, Missing, SourceRecord, WageBasis, derive};
pub use rejection::RejectionReason;
pub use review::{ManualReason, Outcome, Submission, smart_review};
pub use status::{ClaimAction, ClaimStatus, TransitionError};

//! Maternity-allowance claims (生育津贴申领, MA-1..MA-7): the life of one claim from the
//! employer's draft to the bank's payment result. Pure: the store persists what these
//! functions decide, the web layer shows it.

pub mod settlement;
mod status;

pub use status::{ClaimAction, ClaimStatus, TransitionError};

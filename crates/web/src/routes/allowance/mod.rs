//! Maternity-allowance endpoints (contract.md, "Maternity-allowance claims"): the claims an
//! employer, a window clerk or the insured person works with, and the settlements and
//! payments the agency runs.

pub(crate) mod claims;
pub(crate) mod settlements;

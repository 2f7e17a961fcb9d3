//! 生育保险报销一事联办 at the hospital window (seed 002, RB-1..RB-7): the pure rules.
//!
//! - [`filing`]: the spouse filing (备案登记, RB-2, 附件1): filed at once when the marriage,
//!   the spouse's non-employment and the husband's employee insurance agree; otherwise every
//!   reason, or every missing record, at once.

pub mod filing;

pub use filing::{
    CoupleError, EmploymentFact, FilingDecision, FilingMaterial, FilingReason, FilingStatus,
    InsuranceFact, MarriageFact, MarriageRecord, SpouseFacts, check_couple, decide_filing,
};

/// The catalogue bundle (`data/catalog/bundles.toml`).
pub const BUNDLE: &str = "maternity_reimbursement";

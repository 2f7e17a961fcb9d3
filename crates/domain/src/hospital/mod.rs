//! 生育保险报销一事联办 at the hospital window (seed 002, RB-1..RB-7): the pure rules.
//!
//! - [`filing`]: the spouse filing (备案登记, RB-2, 附件1): filed at once when the marriage,
//!   the spouse's non-employment and the husband's employee insurance agree; otherwise every
//!   reason, or every missing record, at once.
//! - [`reimbursement`]: the maternity medical costs settled at the window (RB-3), each line
//!   with the fund's share by the region's dated parameters.

pub mod filing;
pub mod reimbursement;

pub use filing::{
    CoupleError, EmploymentFact, FilingDecision, FilingMaterial, FilingReason, FilingStatus,
    InsuranceFact, MarriageFact, MarriageRecord, SpouseFacts, check_couple, decide_filing,
};

pub use reimbursement::{Computed, CostEvent, CostLine, compute};

/// The catalogue bundle (`data/catalog/bundles.toml`).
pub const BUNDLE: &str = "maternity_reimbursement";

/// 卫健局's family-planning review of a maternity claim (seed 002 四): the optional item of
/// the `maternity_allowance` bundle a claim's case gets where the region's parameters ask
/// for the review (`family_planning_review`); the payment item waits for it.
pub const FAMILY_PLANNING_ITEM: &str = "HEALTH-FAMILY-PLANNING-REVIEW";

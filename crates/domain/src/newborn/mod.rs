//! 新生儿出生一件事 (seed 003, NB-1..NB-12): the pure rules of the newborn bundle.
//!
//! - [`form`]: the choices of the one form (附件1) that no department holds: under whom the
//!   household is registered, the child's ethnicity, the premium channel, where the
//!   reimbursement goes, the card's bank, how certificates are delivered.
//! - [`eligibility`]: acceptance by rule (附件2 三, 五(二)): every refusal reason and every
//!   missing material at once, from facts the services layer derived from shared data.
//! - [`items`]: the seven items, their departments, and where a finished item's result goes
//!   (附件2 五(三), EX-6).
//! - [`notice`]: the notices' kinds, numbers and verification codes.
//! - [`counterfoil`]: the quarterly counterfoil handover to the police (NB-11).

pub mod counterfoil;
pub mod eligibility;
pub mod form;
pub mod items;
pub mod notice;

pub use eligibility::{
    Acceptance, BirthFacts, HouseholdFacts, MarriageFacts, MissingMaterial, NewbornFacts,
    RefusalReason, application_deadline, decide,
};
pub use form::{
    CardBank, Collector, Delivery, EthnicityChoice, FormError, NewbornForm, Parent, PremiumChannel,
    Reimbursement,
};
pub use items::{ITEMS, NewbornItem, result_recipients};
pub use notice::{NoticeKind, NoticeNumber};

/// The catalogue bundle (`data/catalog/bundles.toml`).
pub const BUNDLE: &str = "newborn";

#[cfg(test)]
mod tests;

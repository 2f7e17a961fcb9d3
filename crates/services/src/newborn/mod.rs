//! 新生儿出生一件事 (seed 003, NB-1..NB-12): the one form, acceptance by rule with its
//! notices, and the application views. The case's item actions (complete, deny, withdraw,
//! rating) are in [`crate::cases`], shared by the departments' signed results endpoint and
//! their officers' pages.

mod apply;
pub mod commands;
pub mod counterfoil;
mod facts;
mod payload;
mod print;
mod progress;
mod read;
mod texts;
mod view;

use onething_domain::RegionCode;

pub use apply::{accept, apply, precheck, refuse};
pub use commands::{
    ApplicationInput, Apply, DeliveryInput, EthnicityInput, HouseholdInput, ItemResult,
    MaterialInput, Reason, ReasonInput, Refuse, RefuseInput, ReimbursementInput, ResultInput,
    SupplyMaterial,
};
pub use print::notice_form;
pub use progress::{Message, Progress, ResultView, progress};
pub use read::{
    acceptance_credit_flags, application, applications, current_notice, supply_material,
    verify_notice,
};
pub use view::{ApplicationView, MissingView, NoticeCheck, NoticeView, ReasonView};

pub(crate) use apply::{handover, result_step};
pub(crate) use payload::{Results, for_item};
pub(crate) use texts::{item_denied, item_done, to_mother, withdrawn};

/// The service step that keeps an item's result in its case (EX-6).
pub const RESULT_STEP: &str = "item_result";

/// The bundle's configuration (`[newborn] city = "XXXX00"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Newborn {
    /// The GB/T 2260 city the bundle serves; its counties are included.
    pub city: RegionCode,
}

// The rating (好差评) is the supervision module's, for every bundle; kept here by name.
pub use crate::supervision::{Rate, RatingInput};

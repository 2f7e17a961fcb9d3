//! 生育津贴办理一件事 (MA-1..MA-7): the claim use cases. A claim is the detail of a case
//! of the `maternity_allowance` bundle; every change of it is written as that case's events
//! (its steps, and its items' moves), so the case API, the due list and the person's 我的办件
//! show claims like any other case.
//!
//! How the claim's case moves (the items are the bundle's, `data/catalog/bundles.toml`):
//!
//! | claim step | case items |
//! | --- | --- |
//! | opened (`created`) | all `submitted` |
//! | submitted | all `accepted` by the platform (or the window clerk) |
//! | approved | the three data items done (the departments' records, their keys as results); the payment item `PS-05` started, due its limit (10 working days) from approval: the payment deadline |
//! | rejected | the data items found done, the others and `PS-05` denied with the reason |
//! | paid | `PS-05` done, the payment as its result |

mod account;
mod automatic;
mod commands;
mod correct;
mod decide;
mod hospital;
mod open;
mod read;
mod settlement;
mod steps;
mod texts;

/// How the allowance's payment messages are worded, for callers that settle through the
/// store directly (the settlement command and the demo).
pub use texts::payment as payment_texts;

pub use account::{
    automatic_consent, change_employer_account, employer_account, set_automatic_consent,
};
pub use automatic::{
    AutomaticClaims, AutomaticRun, PLATFORM_ACTOR, SET_SIZE, automatic_claims, platform_actor,
};
pub use commands::{
    AccountInput, AuthorisationInput, ConfirmWage, MAX_PHOTO_BYTES, OpenClaim, OpenClaimInput,
    PersonKey, Photo, PhotoInput, Review, ReviewInput, Submit, account as parse_account,
};
pub use correct::wage_correctable;
pub use hospital::{HospitalDocument, attach_hospital_document};
pub use open::{PersonLookup, lookup_person, offers, open_claim};
pub use read::{
    ClaimDetail, ClaimParts, claim, claims, duplicate_attempts, visible_claim, with_histories,
    with_history,
};
pub use settlement::{Settle, correct_account, import_results, settle, settlement, settlements};
pub use steps::{attach_photo, confirm_wage, preview, review, submit};

/// The catalogue bundle a claim's case belongs to.
pub const BUNDLE: &str = "maternity_allowance";
/// The data items of the bundle: the departments' pushes the claim stands on.
const DATA_ITEMS: [&str; 3] = [
    "HEALTH-BIRTH-CERT-INFO",
    "TAX-EMPLOYER-WAGE",
    "HOSPITAL-DELIVERY-INFO",
];
/// Purpose recorded with every shared-data read done for a claim.
const PURPOSE: &str = "maternity_allowance_claim";
/// The actor name of smart review's decisions.
const SMART_REVIEW: &str = "smart_review";

//! 生育保险报销一事联办 at the hospital window (seed 002, docs/hospital-window.md): the
//! spouse filing (RB-2) and the reimbursement at the window (RB-3). One function per use case; the hospital clerk works for one
//! designated hospital (`Scope::Hospital`), and each read of shared data is audited (EX-4).

mod account;
mod cases;
mod commands;
mod family_planning;
mod filing;
mod print;
mod reimburse;
mod view;

pub use account::{hospital_account, set_hospital_account};
pub use commands::{FileSpouse, FilingService, SpouseFilingInput};
pub use family_planning::{
    FamilyPlanningDecision, FamilyPlanningInput, decide_family_planning, family_planning_result,
    family_planning_reviews,
};
pub use filing::{file_spouse, spouse_filing, spouse_filings};
pub use print::filing_form;
pub use reimburse::{
    Reimburse, ReimbursementInput, ReimbursementView, reimburse, reimbursement, reimbursements,
};
pub use view::FilingView;

use onething_domain::access::Scope;

/// The hospital a clerk works for (only hospital clerks file and reimburse).
pub(crate) fn own_hospital(
    scope: &Scope,
) -> Result<(&str, onething_domain::RegionCode), crate::ServiceError> {
    match scope {
        Scope::Hospital { id, region } => Ok((id, *region)),
        _ => Err(onething_domain::access::AccessDenied::Forbidden.into()),
    }
}

/// Whether `scope` reaches a record of `hospital_id` in `region`: the hospital its own,
/// clerks and supervisors their region's, administrators all.
pub(crate) fn reaches(scope: &Scope, hospital_id: &str, region: &str) -> bool {
    match scope {
        Scope::Platform => true,
        Scope::Hospital { id, .. } => id == hospital_id,
        Scope::Region(mine) => {
            onething_domain::RegionCode::parse(region).is_ok_and(|r| r.is_within(*mine))
        }
        Scope::Person(_) | Scope::Employer(_) | Scope::Department { .. } => false,
    }
}

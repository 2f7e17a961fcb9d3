//! The authorization policy, in one place. Two kinds of refusal, on purpose different:
//!
//! - **Role**: a route states which roles may call it ([`require_role`]). Calling it with
//!   another role is [`AccessDenied::Forbidden`] (HTTP 403): the route's existence is public
//!   (it is in the OpenAPI document), so refusing openly reveals nothing.
//! - **Data**: a record outside the user's [`Scope`] is [`AccessDenied::NotFound`] (HTTP 404),
//!   exactly as if it did not exist, so nobody can probe for other tenants' case ids, persons
//!   or employers.

use super::mask::Applicant;
use super::role::Role;
use super::scope::Scope;
use crate::department::DepartmentKind;
use crate::ids::{CitizenId, RegionCode, Uscc};

/// Why a request was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AccessDenied {
    /// The user's role may not call this route (403).
    #[error("this role may not do this")]
    Forbidden,
    /// The data lies outside the user's scope, answered as if it did not exist (404).
    #[error("not found")]
    NotFound,
}

/// Roles that may see a case applicant's full identifier (an audited reveal).
pub const MAY_REVEAL: &[Role] = &[Role::AgencyClerk, Role::HospitalClerk, Role::Supervisor];

/// Roles that may read the audit log (administrators all of it, supervisors their region's).
pub const MAY_READ_AUDIT: &[Role] = &[Role::Admin, Role::Supervisor];

/// Roles that may read the data-use audit (EX-4): administrators all of it, supervisors and
/// department officers the entries about cases they can see.
pub const MAY_READ_DATA_USE: &[Role] = &[Role::Admin, Role::Supervisor, Role::DeptOfficer];

/// Route-level rule: `role` must be one of `allowed`.
pub fn require_role(role: Role, allowed: &[Role]) -> Result<(), AccessDenied> {
    if allowed.contains(&role) {
        Ok(())
    } else {
        Err(AccessDenied::Forbidden)
    }
}

/// What the policy needs to know about a case.
#[derive(Debug, Clone, Copy)]
pub struct CaseFacts<'a> {
    /// The case's applicant reference (`person:…`, `employer:…`).
    pub applicant: &'a str,
    /// Who filed on the applicant's behalf (an employer for its employee's claim): sees the
    /// case as the applicant does.
    pub filer: Option<&'a str>,
    pub region: Option<RegionCode>,
    /// The kinds of department that own at least one item of the case.
    pub departments: &'a [DepartmentKind],
}

/// A person sees her own cases, an employer its own, a department officer the cases with an
/// item of its kind, clerks, supervisors and hospital clerks (the newborn window serves the
/// region's families, docs/hospital-window.md) the cases of their region (a province or city
/// covers its sub-regions; a case without a region is nobody's region), admins all.
pub fn can_see_case(scope: &Scope, case: &CaseFacts<'_>) -> Result<(), AccessDenied> {
    let visible = match scope {
        Scope::Platform => true,
        Scope::Person(id) => Applicant::parse(case.applicant) == Applicant::Person(id.clone()),
        Scope::Employer(uscc) => {
            let me = Applicant::Employer(uscc.clone());
            Applicant::parse(case.applicant) == me || case.filer.map(Applicant::parse) == Some(me)
        }
        Scope::Department { kind, .. } => case.departments.contains(kind),
        Scope::Region(region) | Scope::Hospital { region, .. } => within(case.region, *region),
    };
    allow_if(visible)
}

/// What the policy needs to know about a person record.
#[derive(Debug, Clone, Copy)]
pub struct PersonFacts<'a> {
    pub id: &'a CitizenId,
    /// Where the person's business is handled (household registration or insurance region).
    pub region: Option<RegionCode>,
    /// The employer the person currently works for, when known.
    pub employer: Option<&'a Uscc>,
}

/// A person sees herself, her employer sees her, clerks and supervisors see the persons of
/// their region, admins everyone; department officers see items, not person records.
pub fn can_see_person(scope: &Scope, person: &PersonFacts<'_>) -> Result<(), AccessDenied> {
    let visible = match scope {
        Scope::Platform => true,
        Scope::Person(id) => id == person.id,
        Scope::Employer(uscc) => person.employer == Some(uscc),
        Scope::Department { .. } => false,
        Scope::Region(region) | Scope::Hospital { region, .. } => within(person.region, *region),
    };
    allow_if(visible)
}

/// An employer sees itself; clerks and supervisors the employers registered in their region
/// (the region inside the USCC unless a more precise one is known); admins all.
pub fn can_see_employer(
    scope: &Scope,
    employer: &Uscc,
    region: Option<RegionCode>,
) -> Result<(), AccessDenied> {
    let visible = match scope {
        Scope::Platform => true,
        Scope::Employer(uscc) => uscc == employer,
        Scope::Region(mine) | Scope::Hospital { region: mine, .. } => {
            within(Some(region.unwrap_or_else(|| employer.region())), *mine)
        }
        Scope::Person(_) | Scope::Department { .. } => false,
    };
    allow_if(visible)
}

/// A department officer sees the items its kind owns; clerks and supervisors the items of
/// their region; admins all. Applicants see items through their cases, not this way.
pub fn can_see_department_item(
    scope: &Scope,
    department: DepartmentKind,
    region: Option<RegionCode>,
) -> Result<(), AccessDenied> {
    let visible = match scope {
        Scope::Platform => true,
        Scope::Department { kind, .. } => *kind == department,
        Scope::Region(mine) | Scope::Hospital { region: mine, .. } => within(region, *mine),
        Scope::Person(_) | Scope::Employer(_) => false,
    };
    allow_if(visible)
}

/// An audit entry is visible to admins, and to a regional role when it concerns a case of its
/// region. Entries about no case (sign-ins, accounts) are for administrators only.
pub fn can_see_audit_entry(
    scope: &Scope,
    case: Option<&CaseFacts<'_>>,
) -> Result<(), AccessDenied> {
    match (scope, case) {
        (Scope::Platform, _) => Ok(()),
        (Scope::Region(_), Some(case)) => can_see_case(scope, case),
        _ => Err(AccessDenied::NotFound),
    }
}

/// A data-use entry is visible to whoever can see its case; reads for no case only to
/// administrators.
pub fn can_see_data_use(scope: &Scope, case: Option<&CaseFacts<'_>>) -> Result<(), AccessDenied> {
    match (scope, case) {
        (Scope::Platform, _) => Ok(()),
        (_, Some(case)) => can_see_case(scope, case),
        (_, None) => Err(AccessDenied::NotFound),
    }
}

fn within(region: Option<RegionCode>, scope: RegionCode) -> bool {
    region.is_some_and(|r| r.is_within(scope))
}

fn allow_if(visible: bool) -> Result<(), AccessDenied> {
    if visible {
        Ok(())
    } else {
        Err(AccessDenied::NotFound)
    }
}

#[cfg(test)]
mod tests;

//! The roles of the contract (`onething user add --role`).

use serde::{Deserialize, Serialize};

use super::scope::ScopeKind;
use crate::case::ActorRole;

/// What a signed-in user is. Each role needs exactly one kind of [`ScopeKind`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 系统管理员: configuration, users, the audit log; sees every case.
    Admin,
    /// 医保经办人员: the agency window; sees the cases of its region.
    AgencyClerk,
    /// 参保单位: an employer (or the HR firm filing for it); sees its own USCC's cases.
    Employer,
    /// 参保人: an insured person; sees her own cases.
    Person,
    /// 部门经办人员: a partner department's officer; sees cases with an item of its kind.
    DeptOfficer,
    /// 医院窗口人员: the one-window counter of ONE designated hospital; its own filings,
    /// reimbursements and claims, and (the newborn window) the cases of the region it serves.
    HospitalClerk,
    /// 监督人员: watches deadlines and the audit log of its region.
    Supervisor,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Role::Admin,
        Role::AgencyClerk,
        Role::Employer,
        Role::Person,
        Role::DeptOfficer,
        Role::HospitalClerk,
        Role::Supervisor,
    ];

    /// The wire name used by the contract and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::AgencyClerk => "agency_clerk",
            Role::Employer => "employer",
            Role::Person => "person",
            Role::DeptOfficer => "dept_officer",
            Role::HospitalClerk => "hospital_clerk",
            Role::Supervisor => "supervisor",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == text)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Role::Admin => "系统管理员",
            Role::AgencyClerk => "医保经办人员",
            Role::Employer => "参保单位",
            Role::Person => "参保人",
            Role::DeptOfficer => "部门经办人员",
            Role::HospitalClerk => "医院窗口人员",
            Role::Supervisor => "监督人员",
        }
    }

    /// The kind of scope a user of this role must have.
    pub fn scope_kind(self) -> ScopeKind {
        match self {
            Role::Admin => ScopeKind::Platform,
            Role::Employer => ScopeKind::Employer,
            Role::Person => ScopeKind::Person,
            Role::DeptOfficer => ScopeKind::Department,
            Role::AgencyClerk | Role::Supervisor => ScopeKind::Region,
            Role::HospitalClerk => ScopeKind::Hospital,
        }
    }

    /// The role the case engine records when this user acts on a case; `None` for
    /// administrators, who configure the platform but never act on a case.
    pub fn actor_role(self) -> Option<ActorRole> {
        match self {
            Role::Admin => None,
            Role::Employer | Role::Person => Some(ActorRole::Applicant),
            Role::AgencyClerk | Role::HospitalClerk => Some(ActorRole::Acceptor),
            Role::DeptOfficer => Some(ActorRole::Handler),
            Role::Supervisor => Some(ActorRole::Supervisor),
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_round_trip_and_match_serde() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
            let json = serde_json::to_string(&role).expect("serialize");
            assert_eq!(json, format!("\"{role}\""));
        }
        assert_eq!(Role::parse("root"), None);
        assert_eq!(Role::parse("Admin"), None);
    }

    #[test]
    fn every_role_needs_a_scope_kind_and_only_admins_act_on_no_case() {
        for role in Role::ALL {
            let _ = role.scope_kind();
            assert_eq!(role.actor_role().is_none(), role == Role::Admin);
        }
    }
}

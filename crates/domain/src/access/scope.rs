//! What slice of the platform's data a user belongs to. A scope is chosen when the account is
//! created (`onething user add`) and checked against the role there, so a signed-in user's
//! scope is always one its role can use.

use serde::Serialize;

use super::role::Role;
use crate::department::DepartmentKind;
use crate::ids::{CitizenId, IdError, RegionCode, Uscc};

/// The kinds of scope, one per role family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ScopeKind {
    /// The whole platform (administrators).
    Platform,
    Employer,
    Person,
    Department,
    /// A GB/T 2260 region; a province or city code covers its sub-regions.
    Region,
    /// One designated hospital (a registered department of kind `hospital`) and the region
    /// it serves (hospital clerks).
    Hospital,
}

/// A user's scope. Built only by [`Scope::for_role`] (from command-line flags) or
/// [`Scope::stored`] (from the database), both of which validate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    Platform,
    Employer(Uscc),
    Person(CitizenId),
    /// A department system's id and the kind that decides which items it handles.
    Department {
        id: String,
        kind: DepartmentKind,
    },
    Region(RegionCode),
    /// A hospital clerk's designated hospital (its registered department id, which is also
    /// the `institution_code` of the delivery records it pushes) and the region it serves.
    Hospital {
        id: String,
        region: RegionCode,
    },
}

/// The raw scope flags of `onething user add`. `dept` carries the department id and, when the
/// department is registered, its kind from the registry.
#[derive(Debug, Clone, Copy, Default)]
pub struct ScopeFlags<'a> {
    pub employer: Option<&'a str>,
    pub dept: Option<(&'a str, Option<DepartmentKind>)>,
    pub person: Option<&'a str>,
    pub region: Option<&'a str>,
}

/// Why a role and its scope flags do not fit together.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScopeError {
    #[error("role {role} requires {flag}")]
    Missing { role: Role, flag: &'static str },
    #[error("role {role} takes no {flag}")]
    NotApplicable { role: Role, flag: &'static str },
    #[error("{flag}: {source}")]
    InvalidId { flag: &'static str, source: IdError },
    #[error("--dept {0:?} is neither a registered department nor a department kind")]
    UnknownDepartment(String),
    #[error("--dept {0:?} is not a registered department of kind hospital")]
    NotAHospital(String),
}

impl ScopeError {
    pub fn message_zh(&self) -> String {
        match self {
            ScopeError::Missing { role, flag } => {
                format!("角色 {role}（{}）必须提供 {flag}", role.label_zh())
            }
            ScopeError::NotApplicable { role, flag } => {
                format!("角色 {role}（{}）不使用 {flag}，请删去", role.label_zh())
            }
            ScopeError::InvalidId { flag, source } => format!("{flag}：{}", source.message_zh()),
            ScopeError::UnknownDepartment(id) => format!(
                "--dept：“{id}”既不是已登记的部门，也不是部门类型（health、cdc、public_security、hr、civil_affairs、tax、hospital、medical_insurance）"
            ),
            ScopeError::NotAHospital(id) => {
                format!("--dept：“{id}”不是已登记的定点医疗机构（类型 hospital）")
            }
        }
    }
}

impl Scope {
    /// The scope a new account of `role` gets from its flags: exactly the flag the role
    /// needs, validated; any other scope flag is refused so a typo never goes unnoticed.
    pub fn for_role(role: Role, flags: ScopeFlags<'_>) -> Result<Scope, ScopeError> {
        let kind = role.scope_kind();
        refuse_extra(role, kind, &flags)?;
        let missing = |flag| ScopeError::Missing { role, flag };
        match kind {
            ScopeKind::Platform => Ok(Scope::Platform),
            ScopeKind::Employer => {
                let text = flags.employer.ok_or_else(|| missing("--employer"))?;
                parse_id("--employer", Uscc::parse(text.trim())).map(Scope::Employer)
            }
            ScopeKind::Person => {
                let text = flags.person.ok_or_else(|| missing("--person"))?;
                parse_id("--person", CitizenId::parse(text.trim())).map(Scope::Person)
            }
            ScopeKind::Region => {
                let text = flags.region.ok_or_else(|| missing("--region"))?;
                parse_id("--region", RegionCode::parse(text.trim())).map(Scope::Region)
            }
            ScopeKind::Department => {
                let (id, registered) = flags.dept.ok_or_else(|| missing("--dept"))?;
                department(id.trim(), registered)
            }
            ScopeKind::Hospital => {
                let (id, registered) = flags.dept.ok_or_else(|| missing("--dept"))?;
                let text = flags.region.ok_or_else(|| missing("--region"))?;
                let region = parse_id("--region", RegionCode::parse(text.trim()))?;
                hospital(id.trim(), registered, region)
            }
        }
    }

    /// The region a clerk, supervisor or hospital clerk works in.
    pub fn region(&self) -> Option<RegionCode> {
        match self {
            Scope::Region(code) | Scope::Hospital { region: code, .. } => Some(*code),
            _ => None,
        }
    }

    /// The designated hospital of a hospital clerk.
    pub fn hospital(&self) -> Option<&str> {
        match self {
            Scope::Hospital { id, .. } => Some(id),
            _ => None,
        }
    }

    /// Rebuilds a stored scope; the store turns an error into "corrupt data".
    pub fn stored(role: Role, flags: ScopeFlags<'_>) -> Result<Scope, ScopeError> {
        Scope::for_role(role, flags)
    }

    pub fn kind(&self) -> ScopeKind {
        match self {
            Scope::Platform => ScopeKind::Platform,
            Scope::Employer(_) => ScopeKind::Employer,
            Scope::Person(_) => ScopeKind::Person,
            Scope::Department { .. } => ScopeKind::Department,
            Scope::Region(_) => ScopeKind::Region,
            Scope::Hospital { .. } => ScopeKind::Hospital,
        }
    }

    /// The scope's value as shown to its owner: ids masked, department and region in full.
    pub fn masked_value(&self) -> Option<String> {
        match self {
            Scope::Platform => None,
            Scope::Employer(uscc) => Some(uscc.masked()),
            Scope::Person(id) => Some(id.masked()),
            Scope::Department { id, .. } => Some(id.clone()),
            Scope::Region(code) => Some(code.to_string()),
            Scope::Hospital { id, region } => Some(format!("{id}/{region}")),
        }
    }

    /// The flags that rebuild this scope (how the store writes it).
    pub fn flags(&self) -> OwnedScopeFlags {
        let mut flags = OwnedScopeFlags::default();
        match self {
            Scope::Platform => {}
            Scope::Employer(uscc) => flags.employer = Some(uscc.as_str().to_owned()),
            Scope::Person(id) => flags.person = Some(id.as_str().to_owned()),
            Scope::Department { id, kind } => flags.dept = Some((id.clone(), *kind)),
            Scope::Region(code) => flags.region = Some(code.to_string()),
            Scope::Hospital { id, region } => {
                flags.dept = Some((id.clone(), DepartmentKind::Hospital));
                flags.region = Some(region.to_string());
            }
        }
        flags
    }
}

/// [`ScopeFlags`] with owned values, as a stored row carries them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OwnedScopeFlags {
    pub employer: Option<String>,
    pub dept: Option<(String, DepartmentKind)>,
    pub person: Option<String>,
    pub region: Option<String>,
}

impl OwnedScopeFlags {
    pub fn borrowed(&self) -> ScopeFlags<'_> {
        ScopeFlags {
            employer: self.employer.as_deref(),
            dept: self
                .dept
                .as_ref()
                .map(|(id, kind)| (id.as_str(), Some(*kind))),
            person: self.person.as_deref(),
            region: self.region.as_deref(),
        }
    }
}

fn refuse_extra(role: Role, kind: ScopeKind, flags: &ScopeFlags<'_>) -> Result<(), ScopeError> {
    let given = [
        (ScopeKind::Employer, "--employer", flags.employer.is_some()),
        (ScopeKind::Department, "--dept", flags.dept.is_some()),
        (ScopeKind::Person, "--person", flags.person.is_some()),
        (ScopeKind::Region, "--region", flags.region.is_some()),
    ];
    // A hospital clerk names its hospital (`--dept`) and the region it serves (`--region`).
    let needed = |k: ScopeKind| {
        k == kind
            || (kind == ScopeKind::Hospital
                && matches!(k, ScopeKind::Department | ScopeKind::Region))
    };
    match given.iter().find(|(k, _, present)| *present && !needed(*k)) {
        Some((_, flag, _)) => Err(ScopeError::NotApplicable { role, flag }),
        None => Ok(()),
    }
}

fn parse_id<T>(flag: &'static str, parsed: Result<T, IdError>) -> Result<T, ScopeError> {
    parsed.map_err(|source| ScopeError::InvalidId { flag, source })
}

/// A registered department keeps its registry kind; an unregistered id is accepted only when
/// it names a kind itself (`--dept cdc`), which scopes the officer to every item of that kind.
fn department(id: &str, registered: Option<DepartmentKind>) -> Result<Scope, ScopeError> {
    let kind = registered
        .or_else(|| DepartmentKind::parse(id))
        .ok_or_else(|| ScopeError::UnknownDepartment(id.to_owned()))?;
    Ok(Scope::Department {
        id: id.to_owned(),
        kind,
    })
}

/// A hospital clerk's hospital must be registered with kind `hospital`: a kind name alone
/// would make the clerk every hospital's, which is exactly what this scope prevents.
fn hospital(
    id: &str,
    registered: Option<DepartmentKind>,
    region: RegionCode,
) -> Result<Scope, ScopeError> {
    match registered {
        Some(DepartmentKind::Hospital) => Ok(Scope::Hospital {
            id: id.to_owned(),
            region,
        }),
        _ => Err(ScopeError::NotAHospital(id.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flags() -> ScopeFlags<'static> {
        ScopeFlags::default()
    }

    fn person() -> CitizenId {
        CitizenId::from_parts(
            RegionCode::new(500228).expect("region"),
            chrono::NaiveDate::from_ymd_opt(1990, 1, 1).expect("date"),
            123,
        )
        .expect("id")
    }

    #[test]
    fn each_role_gets_exactly_its_scope() {
        let id = person();
        let with_person = ScopeFlags {
            person: Some(id.as_str()),
            ..flags()
        };
        assert_eq!(
            Scope::for_role(Role::Person, with_person),
            Ok(Scope::Person(id.clone()))
        );
        assert_eq!(Scope::for_role(Role::Admin, flags()), Ok(Scope::Platform));
        for role in [Role::AgencyClerk, Role::Supervisor] {
            let scope = Scope::for_role(
                role,
                ScopeFlags {
                    region: Some("500200"),
                    ..flags()
                },
            );
            assert_eq!(
                scope,
                Ok(Scope::Region(RegionCode::new(500200).expect("code")))
            );
        }
    }

    #[test]
    fn missing_and_extra_flags_are_refused() {
        for role in Role::ALL {
            if role != Role::Admin {
                assert!(
                    matches!(
                        Scope::for_role(role, flags()),
                        Err(ScopeError::Missing { .. })
                    ),
                    "{role}"
                );
            }
        }
        let extra = ScopeFlags {
            region: Some("500228"),
            ..flags()
        };
        assert_eq!(
            Scope::for_role(Role::Admin, extra),
            Err(ScopeError::NotApplicable {
                role: Role::Admin,
                flag: "--region"
            })
        );
        let err = Scope::for_role(Role::Employer, extra).expect_err("needs --employer");
        assert!(
            err.message_zh().contains("--region"),
            "{}",
            err.message_zh()
        );
    }

    #[test]
    fn ids_are_validated_and_errors_name_the_flag() {
        let good = person().to_string();
        let wrong_check = if good.ends_with('0') { '1' } else { '0' };
        let text = format!("{}{wrong_check}", &good[..17]);
        let bad = ScopeFlags {
            person: Some(&text),
            ..flags()
        };
        let err = Scope::for_role(Role::Person, bad).expect_err("bad check digit");
        assert!(
            err.message_zh().starts_with("--person"),
            "{}",
            err.message_zh()
        );
        let bad = ScopeFlags {
            employer: Some("91500000MA5U7CHW8Q"),
            ..flags()
        };
        assert!(matches!(
            Scope::for_role(Role::Employer, bad),
            Err(ScopeError::InvalidId {
                flag: "--employer",
                ..
            })
        ));
    }

    #[test]
    fn departments_resolve_by_registry_or_kind_name() {
        let registered = ScopeFlags {
            dept: Some(("cq-police-01", Some(DepartmentKind::PublicSecurity))),
            ..flags()
        };
        assert_eq!(
            Scope::for_role(Role::DeptOfficer, registered),
            Ok(Scope::Department {
                id: "cq-police-01".into(),
                kind: DepartmentKind::PublicSecurity
            })
        );
        let by_kind = ScopeFlags {
            dept: Some(("cdc", None)),
            ..flags()
        };
        assert!(Scope::for_role(Role::DeptOfficer, by_kind).is_ok());
        let unknown = ScopeFlags {
            dept: Some(("nowhere", None)),
            ..flags()
        };
        assert_eq!(
            Scope::for_role(Role::DeptOfficer, unknown),
            Err(ScopeError::UnknownDepartment("nowhere".into()))
        );
    }

    #[test]
    fn flags_round_trip_and_values_are_masked() {
        let id = person();
        let scope = Scope::Person(id.clone());
        let flags = scope.flags();
        assert_eq!(
            Scope::stored(Role::Person, flags.borrowed()),
            Ok(scope.clone())
        );
        assert_eq!(scope.masked_value(), Some(id.masked()));
        assert!(
            !scope
                .masked_value()
                .unwrap_or_default()
                .contains("19900101")
        );
    }

    #[test]
    fn a_hospital_clerk_belongs_to_one_registered_hospital() {
        let region = RegionCode::new(420281).expect("code");
        let good = ScopeFlags {
            dept: Some(("dy-hospital-01", Some(DepartmentKind::Hospital))),
            region: Some("420281"),
            ..flags()
        };
        let scope = Scope::for_role(Role::HospitalClerk, good).expect("hospital scope");
        assert_eq!(
            scope,
            Scope::Hospital {
                id: "dy-hospital-01".into(),
                region
            }
        );
        assert_eq!(scope.hospital(), Some("dy-hospital-01"));
        assert_eq!(scope.region(), Some(region));
        assert_eq!(
            Scope::stored(Role::HospitalClerk, scope.flags().borrowed()),
            Ok(scope.clone())
        );
        for dept in [
            ("hospital", None),
            ("dy-police", Some(DepartmentKind::PublicSecurity)),
        ] {
            let not_a_hospital = ScopeFlags {
                dept: Some(dept),
                region: Some("420281"),
                ..flags()
            };
            assert_eq!(
                Scope::for_role(Role::HospitalClerk, not_a_hospital),
                Err(ScopeError::NotAHospital(dept.0.into()))
            );
        }
        let no_region = ScopeFlags {
            dept: Some(("dy-hospital-01", Some(DepartmentKind::Hospital))),
            ..flags()
        };
        assert!(matches!(
            Scope::for_role(Role::HospitalClerk, no_region),
            Err(ScopeError::Missing {
                flag: "--region",
                ..
            })
        ));
        let extra = ScopeFlags {
            employer: Some("x"),
            ..good
        };
        assert!(matches!(
            Scope::for_role(Role::HospitalClerk, extra),
            Err(ScopeError::NotApplicable {
                flag: "--employer",
                ..
            })
        ));
    }
}

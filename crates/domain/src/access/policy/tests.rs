use chrono::NaiveDate;

use super::*;

fn region(code: u32) -> RegionCode {
    RegionCode::new(code).expect("region")
}

fn person(code: u32, seq: u16) -> CitizenId {
    let birth = NaiveDate::from_ymd_opt(1992, 5, 17).expect("date");
    CitizenId::from_parts(region(code), birth, seq).expect("id")
}

fn employer(code: u32) -> Uscc {
    Uscc::from_parts('9', '1', region(code), "MA5U7CHW").expect("uscc")
}

struct World {
    p1: CitizenId,
    p2: CitizenId,
    e1: Uscc,
    e2: Uscc,
}

fn world() -> World {
    World {
        p1: person(500228, 123),
        p2: person(420281, 124),
        e1: employer(500228),
        e2: employer(420281),
    }
}

fn scopes(w: &World) -> Vec<(&'static str, Scope)> {
    vec![
        ("admin", Scope::Platform),
        ("p1", Scope::Person(w.p1.clone())),
        ("e1", Scope::Employer(w.e1.clone())),
        (
            "cdc",
            Scope::Department {
                id: "cdc".into(),
                kind: DepartmentKind::Cdc,
            },
        ),
        ("chongqing", Scope::Region(region(500000))),
        ("liangping-city", Scope::Region(region(500200))),
        ("liangping", Scope::Region(region(500228))),
        ("hubei", Scope::Region(region(420000))),
    ]
}

/// Every scope × every case: which scopes see which case, as a table.
#[test]
fn case_visibility_table() {
    let w = world();
    let newborn = [DepartmentKind::Health, DepartmentKind::Cdc];
    let allowance = [DepartmentKind::Tax, DepartmentKind::MedicalInsurance];
    let p1_ref = Applicant::person_ref(&w.p1);
    let p2_ref = Applicant::person_ref(&w.p2);
    let e1_ref = Applicant::employer_ref(&w.e1);
    let e2_ref = Applicant::employer_ref(&w.e2);
    let cases = [
        (
            "p1-newborn",
            p1_ref.as_str(),
            Some(region(500228)),
            &newborn[..],
        ),
        (
            "p2-newborn",
            p2_ref.as_str(),
            Some(region(420281)),
            &newborn[..],
        ),
        (
            "e1-allowance",
            e1_ref.as_str(),
            Some(region(500228)),
            &allowance[..],
        ),
        (
            "e2-allowance",
            e2_ref.as_str(),
            Some(region(420281)),
            &allowance[..],
        ),
        ("no-region", p1_ref.as_str(), None, &allowance[..]),
    ];
    let expected: &[(&str, &[&str])] = &[
        (
            "admin",
            &[
                "p1-newborn",
                "p2-newborn",
                "e1-allowance",
                "e2-allowance",
                "no-region",
            ],
        ),
        ("p1", &["p1-newborn", "no-region"]),
        ("e1", &["e1-allowance"]),
        ("cdc", &["p1-newborn", "p2-newborn"]),
        ("chongqing", &["p1-newborn", "e1-allowance"]),
        ("liangping-city", &["p1-newborn", "e1-allowance"]),
        ("liangping", &["p1-newborn", "e1-allowance"]),
        ("hubei", &["p2-newborn", "e2-allowance"]),
    ];
    for (name, scope) in scopes(&w) {
        let seen: Vec<&str> = cases
            .iter()
            .filter(|(_, applicant, region, departments)| {
                let facts = CaseFacts {
                    applicant,
                    filer: None,
                    region: *region,
                    departments,
                };
                match can_see_case(&scope, &facts) {
                    Ok(()) => true,
                    Err(denied) => {
                        assert_eq!(denied, AccessDenied::NotFound, "never 403 for data");
                        false
                    }
                }
            })
            .map(|(case, ..)| *case)
            .collect();
        let want = expected
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, cases)| cases.to_vec())
            .expect("expectation");
        assert_eq!(seen, want, "scope {name}");
    }
}

#[test]
fn a_county_clerk_does_not_see_its_neighbour_county() {
    let scope = Scope::Region(region(500228));
    let facts = CaseFacts {
        applicant: "person:x",
        filer: None,
        region: Some(region(500229)),
        departments: &[],
    };
    assert_eq!(can_see_case(&scope, &facts), Err(AccessDenied::NotFound));
}

#[test]
fn persons_and_employers() {
    let w = world();
    let p1 = PersonFacts {
        id: &w.p1,
        region: Some(region(500228)),
        employer: Some(&w.e1),
    };
    let p2 = PersonFacts {
        id: &w.p2,
        region: None,
        employer: None,
    };
    for (name, scope) in scopes(&w) {
        let sees_p1 = can_see_person(&scope, &p1).is_ok();
        let expected = matches!(
            name,
            "admin" | "p1" | "e1" | "chongqing" | "liangping-city" | "liangping"
        );
        assert_eq!(sees_p1, expected, "{name} sees p1");
        assert_eq!(
            can_see_person(&scope, &p2).is_ok(),
            name == "admin",
            "{name} sees p2"
        );
        let sees_e2 = can_see_employer(&scope, &w.e2, None).is_ok();
        assert_eq!(sees_e2, matches!(name, "admin" | "hubei"), "{name} sees e2");
    }
    let e1_scope = Scope::Employer(w.e1.clone());
    assert!(can_see_employer(&e1_scope, &w.e1, None).is_ok());
}

#[test]
fn department_items_and_audit_entries() {
    let w = world();
    for (name, scope) in scopes(&w) {
        let cdc_item = can_see_department_item(&scope, DepartmentKind::Cdc, Some(region(420281)));
        assert_eq!(
            cdc_item.is_ok(),
            matches!(name, "admin" | "cdc" | "hubei"),
            "{name}"
        );
        let no_case = can_see_audit_entry(&scope, None);
        assert_eq!(no_case.is_ok(), name == "admin", "{name}");
    }
    let facts = CaseFacts {
        applicant: "person:x",
        filer: None,
        region: Some(region(500228)),
        departments: &[DepartmentKind::Cdc],
    };
    let cdc = Scope::Department {
        id: "cdc".into(),
        kind: DepartmentKind::Cdc,
    };
    assert!(
        can_see_audit_entry(&cdc, Some(&facts)).is_err(),
        "officers read no audit log"
    );
    assert!(can_see_audit_entry(&Scope::Region(region(500000)), Some(&facts)).is_ok());
}

#[test]
fn roles_are_checked_against_the_route_list() {
    for role in Role::ALL {
        assert_eq!(
            require_role(role, MAY_REVEAL).is_ok(),
            matches!(
                role,
                Role::AgencyClerk | Role::HospitalClerk | Role::Supervisor
            )
        );
        assert_eq!(require_role(role, &[]), Err(AccessDenied::Forbidden));
    }
}

#[test]
fn the_filer_sees_the_case_as_the_applicant_does() {
    let employer = crate::Uscc::parse("91110000600037341L").expect("valid");
    let filer = Applicant::employer_ref(&employer);
    let facts = CaseFacts {
        applicant: "person:11010519491231002X",
        filer: Some(&filer),
        region: None,
        departments: &[],
    };
    assert_eq!(can_see_case(&Scope::Employer(employer), &facts), Ok(()));
    let other = crate::Uscc::parse("91500228MA5U7CHX2B").expect("valid");
    assert_eq!(
        can_see_case(&Scope::Employer(other), &facts),
        Err(AccessDenied::NotFound)
    );
}

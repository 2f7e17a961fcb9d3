//! Who sees a claim (issue 5 item 2, applied to claims): the employer its own, the insured
//! person her own, agency clerks and supervisors the claims of their region, administrators
//! all; department officers none. Outside the scope is [`AccessDenied::NotFound`] (404).

use crate::access::{AccessDenied, Scope};
use crate::{RegionCode, Uscc};

/// What the policy needs to know about a claim.
#[derive(Debug, Clone, Copy)]
pub struct ClaimFacts<'a> {
    pub employer_uscc: &'a str,
    pub person_id: &'a str,
    /// The insurance region; when unknown, the employer's registration region decides.
    pub region: Option<RegionCode>,
}

pub fn can_see_claim(scope: &Scope, claim: &ClaimFacts<'_>) -> Result<(), AccessDenied> {
    let visible = match scope {
        Scope::Platform => true,
        Scope::Employer(uscc) => uscc.as_str() == claim.employer_uscc,
        Scope::Person(id) => id.as_str() == claim.person_id,
        Scope::Region(mine) => claim
            .region
            .or_else(|| Uscc::parse(claim.employer_uscc).ok().map(|u| u.region()))
            .is_some_and(|r| r.is_within(*mine)),
        // Hospital-channel claims are the hospital's (RB-4); until a claim records its
        // hospital, a hospital clerk sees none.
        Scope::Department { .. } | Scope::Hospital { .. } => false,
    };
    if visible {
        Ok(())
    } else {
        Err(AccessDenied::NotFound)
    }
}

/// The SQL prefix of a region scope: a province's two digits, a city's four, a county's six.
pub fn region_prefix(region: RegionCode) -> String {
    let code = region.to_string();
    let keep = if region.is_province() {
        2
    } else if region.is_city() {
        4
    } else {
        6
    };
    code[..keep].to_owned()
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::CitizenId;
    use crate::department::DepartmentKind;

    #[test]
    fn each_scope_sees_exactly_its_claims() {
        let county = RegionCode::new(500228).expect("test value");
        let person = CitizenId::from_parts(
            county,
            NaiveDate::from_ymd_opt(1994, 6, 2).expect("test value"),
            302,
        )
        .expect("test value");
        let employer = Uscc::from_parts('9', '1', county, "MA5U7CHW").expect("test value");
        let other = Uscc::from_parts(
            '9',
            '1',
            RegionCode::new(420281).expect("test value"),
            "MA5U7CHW",
        )
        .expect("test value");
        let claim = ClaimFacts {
            employer_uscc: employer.as_str(),
            person_id: person.as_str(),
            region: Some(county),
        };
        let ok = |s: Scope| can_see_claim(&s, &claim).is_ok();
        assert!(ok(Scope::Platform));
        assert!(ok(Scope::Employer(employer.clone())));
        assert!(!ok(Scope::Employer(other)));
        assert!(ok(Scope::Person(person.clone())));
        assert!(ok(Scope::Region(
            RegionCode::new(500000).expect("test value")
        )));
        assert!(ok(Scope::Region(
            RegionCode::new(500200).expect("test value")
        )));
        assert!(!ok(Scope::Region(
            RegionCode::new(420000).expect("test value")
        )));
        assert!(!ok(Scope::Department {
            id: "tax".into(),
            kind: DepartmentKind::Tax
        }));
        let unknown = ClaimFacts {
            region: None,
            ..claim
        };
        assert!(
            can_see_claim(
                &Scope::Region(RegionCode::new(500000).expect("test value")),
                &unknown
            )
            .is_ok()
        );
        assert_eq!(
            region_prefix(RegionCode::new(500000).expect("test value")),
            "50"
        );
        assert_eq!(
            region_prefix(RegionCode::new(500200).expect("test value")),
            "5002"
        );
        assert_eq!(region_prefix(county), "500228");
    }
}

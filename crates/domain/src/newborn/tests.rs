//! Table tests of the acceptance rules (NB-3, NB-5), the deadline, and the form checks.

use chrono::NaiveDate;

use super::eligibility::Outcome;
use super::*;
use crate::ids::{CitizenId, RegionCode};

fn day(s: &str) -> NaiveDate {
    s.parse().expect("date")
}

fn city() -> RegionCode {
    RegionCode::new(450200).expect("a city")
}

fn mother() -> CitizenId {
    CitizenId::from_parts(RegionCode::new(450202).expect("r"), day("1995-03-08"), 124)
        .expect("mother")
}

fn father() -> CitizenId {
    CitizenId::from_parts(RegionCode::new(450202).expect("r"), day("1993-11-20"), 131)
        .expect("father")
}

fn household(nationality: &str, region: u32, ethnicity: &str) -> HouseholdFacts {
    HouseholdFacts {
        nationality: nationality.into(),
        region: RegionCode::new(region).expect("region"),
        ethnicity: ethnicity.into(),
    }
}

/// A family that qualifies: born 2024-03-05 in a county of the city, both local, married.
fn good() -> NewbornFacts {
    NewbornFacts {
        applicant: mother(),
        birth: Some(BirthFacts {
            born_on: day("2024-03-05"),
            region: Some(RegionCode::new(450203).expect("county")),
            mother_id: mother().as_str().into(),
        }),
        mother: Some(household("CHN", 450202, "汉族")),
        father: Some(household("CHN", 450205, "壮族")),
        marriage: MarriageFacts::Married {
            since: day("2022-05-20"),
        },
        supplied: vec![],
    }
}

fn decide_on(facts: &NewbornFacts, today: &str) -> Acceptance {
    decide(facts, city(), day(today))
}

#[test]
fn a_qualifying_family_is_accepted() {
    let verdict = decide_on(&good(), "2024-03-20");
    assert_eq!(verdict, Acceptance::default());
    assert_eq!(verdict.outcome(), Outcome::Accept);
}

#[test]
fn each_condition_refuses_with_its_reason() {
    type Change = fn(&mut NewbornFacts);
    let table: &[(&str, Change, RefusalReason)] = &[
        (
            "born elsewhere",
            |f| f.birth.as_mut().expect("b").region = RegionCode::new(500228).ok(),
            RefusalReason::BornOutsideCity,
        ),
        (
            "foreign father",
            |f| f.father.as_mut().expect("f").nationality = "VNM".into(),
            RefusalReason::ParentNotCitizen,
        ),
        (
            "foreign mother",
            |f| f.mother.as_mut().expect("m").nationality = "USA".into(),
            RefusalReason::ParentNotCitizen,
        ),
        (
            "neither local",
            |f| {
                f.mother = Some(household("CHN", 500228, "汉族"));
                f.father = Some(household("CHN", 420281, "汉族"));
            },
            RefusalReason::NoLocalHousehold,
        ),
        (
            "married after the birth",
            |f| {
                f.marriage = MarriageFacts::Married {
                    since: day("2024-03-06"),
                }
            },
            RefusalReason::NotInWedlock,
        ),
        (
            "married, divorced, registered after the birth",
            |f| {
                f.marriage = MarriageFacts::Divorced {
                    since: day("2024-04-01"),
                }
            },
            RefusalReason::NotInWedlock,
        ),
        (
            "another woman's child",
            |f| f.birth.as_mut().expect("b").mother_id = "11010519491231002X".into(),
            RefusalReason::NotTheMother,
        ),
        (
            "a man applies",
            |f| f.applicant = father(),
            RefusalReason::NotTheMother,
        ),
    ];
    for (name, change, reason) in table {
        let mut facts = good();
        change(&mut facts);
        let verdict = decide_on(&facts, "2024-03-20");
        assert_eq!(verdict.reasons, vec![*reason], "{name}");
        assert_eq!(verdict.outcome(), Outcome::Refuse, "{name}");
    }
}

#[test]
fn the_month_ends_on_the_same_day_number_or_the_months_last_day() {
    for (born, last) in [
        ("2024-03-05", "2024-04-05"),
        ("2024-01-31", "2024-02-29"),
        ("2023-01-31", "2023-02-28"),
        ("2024-12-15", "2025-01-15"),
        ("2024-08-31", "2024-09-30"),
    ] {
        assert_eq!(application_deadline(day(born)), day(last), "{born}");
    }
    let facts = good();
    assert!(
        decide_on(&facts, "2024-04-05").reasons.is_empty(),
        "the last day counts"
    );
    assert_eq!(
        decide_on(&facts, "2024-04-06").reasons,
        vec![RefusalReason::AppliedTooLate]
    );
}

#[test]
fn every_reason_is_given_at_once() {
    let mut facts = good();
    facts.birth.as_mut().expect("b").region = RegionCode::new(500228).ok();
    facts.father = Some(household("VNM", 420281, "京族"));
    facts.mother = Some(household("CHN", 500228, "汉族"));
    facts.marriage = MarriageFacts::Married {
        since: day("2024-06-01"),
    };
    let verdict = decide_on(&facts, "2024-05-01");
    assert_eq!(
        verdict.reasons,
        vec![
            RefusalReason::BornOutsideCity,
            RefusalReason::ParentNotCitizen,
            RefusalReason::NoLocalHousehold,
            RefusalReason::NotInWedlock,
            RefusalReason::AppliedTooLate,
        ]
    );
}

#[test]
fn what_shared_data_cannot_establish_is_missing_all_at_once() {
    let mut facts = good();
    facts.birth = None;
    facts.father = None;
    facts.marriage = MarriageFacts::Unknown;
    let verdict = decide_on(&facts, "2024-03-20");
    assert!(verdict.reasons.is_empty());
    assert_eq!(
        verdict.missing,
        vec![
            MissingMaterial::BirthRecord,
            MissingMaterial::HouseholdRegisterFather,
            MissingMaterial::MarriageCertificate,
        ]
    );
    assert_eq!(verdict.outcome(), Outcome::Supplement);
    // A delivery record gives the date but not the place: the birth record is still asked.
    facts.birth = Some(BirthFacts {
        born_on: day("2024-03-05"),
        region: None,
        mother_id: mother().as_str().into(),
    });
    assert!(
        decide_on(&facts, "2024-03-20")
            .missing
            .contains(&MissingMaterial::BirthRecord)
    );
    // A divorce whose date is unknown needs the certificate; checked materials settle it.
    facts.marriage = MarriageFacts::Divorced {
        since: day("2020-01-01"),
    };
    facts.supplied = MissingMaterial::ALL.to_vec();
    assert_eq!(decide_on(&facts, "2024-03-20"), Acceptance::default());
}

#[test]
fn refusal_wins_over_supplement_and_keeps_the_missing_list() {
    let mut facts = good();
    facts.father = None;
    facts.applicant = father();
    let verdict = decide_on(&facts, "2024-03-20");
    assert_eq!(verdict.outcome(), Outcome::Refuse);
    assert_eq!(
        verdict.missing,
        vec![MissingMaterial::HouseholdRegisterFather]
    );
}

#[test]
fn a_non_local_parent_with_the_other_unknown_is_missing_not_refused() {
    let mut facts = good();
    facts.mother = Some(household("CHN", 500228, "汉族"));
    facts.father = None;
    let verdict = decide_on(&facts, "2024-03-20");
    assert!(verdict.reasons.is_empty());
    assert_eq!(
        verdict.missing,
        vec![MissingMaterial::HouseholdRegisterFather]
    );
}

fn form(value: &str, confirmed: &[Parent], delivery: Delivery) -> NewbornForm {
    NewbornForm {
        register_with: Parent::Father,
        ethnicity: EthnicityChoice {
            value: value.into(),
            confirmed_by: confirmed.to_vec(),
        },
        premium_channel: PremiumChannel::Alipay,
        reimbursement: Reimbursement::SocialSecurityCard,
        card_bank: CardBank::Icbc,
        delivery,
    }
}

#[test]
fn ethnicity_and_collector_checks() {
    let pickup = |collector, mother_authorised| Delivery::Pickup {
        collector,
        mother_authorised,
    };
    let both = [Parent::Mother, Parent::Father];
    let table = [
        (
            "汉族",
            &both[..1],
            Some("汉族"),
            Some("汉族"),
            pickup(Collector::Mother, false),
            Ok(()),
        ),
        (
            "汉族",
            &both[..1],
            Some("汉族"),
            Some("壮族"),
            pickup(Collector::Mother, false),
            Err(FormError::EthnicityNotConfirmed),
        ),
        (
            "壮族",
            &both[..],
            Some("汉族"),
            Some("壮族"),
            pickup(Collector::Mother, false),
            Ok(()),
        ),
        (
            "苗族",
            &both[..],
            Some("汉族"),
            Some("壮族"),
            pickup(Collector::Mother, false),
            Err(FormError::EthnicityNotOfParents),
        ),
        (
            "汉族",
            &both[..1],
            Some("汉族"),
            None,
            pickup(Collector::Mother, false),
            Err(FormError::EthnicityNotConfirmed),
        ),
        (
            "汉族",
            &both[..1],
            Some("汉族"),
            Some("汉族"),
            pickup(Collector::Father, false),
            Err(FormError::FatherNotAuthorised),
        ),
        (
            "汉族",
            &both[..1],
            Some("汉族"),
            Some("汉族"),
            pickup(Collector::Father, true),
            Ok(()),
        ),
    ];
    for (value, confirmed, m, f, delivery, expected) in table {
        let answer = form(value, confirmed, delivery.clone());
        assert_eq!(
            answer.check(m, f),
            expected,
            "{value} {confirmed:?} {m:?} {f:?} {delivery:?}"
        );
    }
}

#[test]
fn items_and_where_results_go() {
    use crate::department::DepartmentKind;
    assert_eq!(ITEMS.len(), 7);
    for item in ITEMS {
        assert_eq!(NewbornItem::parse(item.code()), Some(item));
    }
    assert_eq!(
        result_recipients(NewbornItem::BirthRegistration),
        &[DepartmentKind::MedicalInsurance, DepartmentKind::Hr]
    );
    assert_eq!(
        result_recipients(NewbornItem::ResidentEnrollment),
        &[DepartmentKind::Tax, DepartmentKind::Hr]
    );
}

#[test]
fn notice_numbers_and_codes() {
    let n = NoticeNumber::new(NoticeKind::Acceptance, day("2024-04-01"), "a1b2c3d4e5");
    assert_eq!(n.as_str(), "XSSL20240401A1B2C3D4");
    let code = notice::verification_code(&[0, 1, 30, 31, 200, 255, 7, 9, 11]);
    assert_eq!(code.len(), 8);
    assert!(!code.contains(['0', 'O', '1', 'I', 'L']));
}

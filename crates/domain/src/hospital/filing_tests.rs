use chrono::NaiveDate;

use super::*;
use crate::ids::RegionCode;

fn id(sequence: u16) -> CitizenId {
    CitizenId::from_parts(
        RegionCode::new(420281).expect("region"),
        NaiveDate::from_ymd_opt(1994, 5, 6).expect("date"),
        sequence,
    )
    .expect("id")
}

/// Odd sequence numbers are men, even ones women (GB 11643).
fn couple() -> (CitizenId, CitizenId) {
    (id(101), id(102))
}

fn record(husband: &CitizenId, wife: &CitizenId, married: bool) -> MarriageRecord {
    MarriageRecord {
        certificate_no: "J420281-2020-000123".into(),
        husband_id: husband.as_str().into(),
        wife_id: wife.as_str().into(),
        married,
    }
}

fn facts(
    marriage: MarriageFact,
    employment: EmploymentFact,
    insurance: InsuranceFact,
) -> SpouseFacts {
    let (husband, wife) = couple();
    SpouseFacts {
        husband,
        wife,
        marriage,
        wife_employment: employment,
        husband_insurance: insurance,
    }
}

fn married() -> MarriageFact {
    MarriageFact::Married {
        certificate_no: "J420281-2020-000123".into(),
    }
}

#[test]
fn filed_at_once_when_the_three_departments_agree() {
    let d = decide_filing(&facts(
        married(),
        EmploymentFact::NotEmployed,
        InsuranceFact::Insured,
    ));
    assert_eq!(d.status, FilingStatus::Filed);
    assert!(d.reasons.is_empty() && d.missing.is_empty());
}

#[test]
fn every_reason_is_given_and_refusal_wins_over_a_missing_record() {
    let d = decide_filing(&facts(
        MarriageFact::NotMarried,
        EmploymentFact::Employed,
        InsuranceFact::NotInsured,
    ));
    assert_eq!(d.status, FilingStatus::Refused);
    assert_eq!(
        d.reasons,
        vec![
            FilingReason::NotMarried,
            FilingReason::SpouseEmployed,
            FilingReason::HusbandNotInsured
        ]
    );
    let d = decide_filing(&facts(
        MarriageFact::Unknown,
        EmploymentFact::Employed,
        InsuranceFact::Insured,
    ));
    assert_eq!(d.status, FilingStatus::Refused);
    assert_eq!(d.missing, vec![FilingMaterial::MarriageCertificate]);
}

#[test]
fn missing_records_are_all_listed_once() {
    let d = decide_filing(&facts(
        MarriageFact::Unknown,
        EmploymentFact::Unknown,
        InsuranceFact::Insured,
    ));
    assert_eq!(d.status, FilingStatus::NeedsSupplement);
    assert_eq!(
        d.missing,
        vec![
            FilingMaterial::MarriageCertificate,
            FilingMaterial::EmploymentStatus
        ]
    );
    assert!(d.reasons.is_empty());
}

#[test]
fn the_marriage_is_the_couples_current_one() {
    let (husband, wife) = couple();
    let other = id(103);
    assert_eq!(
        MarriageFact::from_records(&husband, &wife, &[]),
        MarriageFact::Unknown
    );
    assert_eq!(
        MarriageFact::from_records(&husband, &wife, &[record(&husband, &wife, true)]),
        married()
    );
    // Divorced, or the wife married to someone else: not married to him.
    assert_eq!(
        MarriageFact::from_records(&husband, &wife, &[record(&husband, &wife, false)]),
        MarriageFact::NotMarried
    );
    assert_eq!(
        MarriageFact::from_records(&husband, &wife, &[record(&other, &wife, true)]),
        MarriageFact::NotMarried
    );
    // An earlier divorce does not hide the current marriage.
    let records = [record(&other, &wife, false), record(&husband, &wife, true)];
    assert_eq!(
        MarriageFact::from_records(&husband, &wife, &records),
        married()
    );
}

#[test]
fn hr_and_enrollment_values_are_read_as_the_contract_names_them() {
    for status in ["unemployed", "unemployment_benefit", "retired"] {
        assert_eq!(
            EmploymentFact::from_status(Some(status)),
            EmploymentFact::NotEmployed,
            "{status}"
        );
    }
    for status in ["employed", "flexible"] {
        assert_eq!(
            EmploymentFact::from_status(Some(status)),
            EmploymentFact::Employed
        );
    }
    assert_eq!(EmploymentFact::from_status(None), EmploymentFact::Unknown);
    assert_eq!(
        InsuranceFact::from_enrollment(Some("employee"), Some("normal")),
        InsuranceFact::Insured
    );
    for (scheme, status) in [
        (Some("resident"), Some("normal")),
        (Some("employee"), Some("suspended")),
        (Some("employee"), Some("terminated")),
        (None, None),
    ] {
        assert_eq!(
            InsuranceFact::from_enrollment(scheme, status),
            InsuranceFact::NotInsured
        );
    }
}

#[test]
fn the_couple_is_a_man_and_a_woman_by_their_ids() {
    let (husband, wife) = couple();
    assert_eq!(check_couple(&husband, &wife), Ok(()));
    assert_eq!(
        check_couple(&wife, &husband),
        Err(CoupleError::HusbandNotMale)
    );
    assert_eq!(
        check_couple(&husband, &id(103)),
        Err(CoupleError::WifeNotFemale)
    );
}

#[test]
fn codes_are_the_contracts() {
    let codes: Vec<&str> = [
        FilingReason::NotMarried,
        FilingReason::SpouseEmployed,
        FilingReason::HusbandNotInsured,
    ]
    .iter()
    .map(|r| r.code())
    .collect();
    assert_eq!(
        codes,
        ["NOT_MARRIED", "SPOUSE_EMPLOYED", "HUSBAND_NOT_INSURED"]
    );
    for r in [FilingReason::NotMarried, FilingReason::HusbandNotInsured] {
        assert_eq!(
            serde_json::to_string(&r).expect("json"),
            format!("\"{}\"", r.code())
        );
    }
    for s in [
        FilingStatus::Filed,
        FilingStatus::Refused,
        FilingStatus::NeedsSupplement,
    ] {
        assert_eq!(FilingStatus::parse(s.as_str()), Some(s));
    }
}

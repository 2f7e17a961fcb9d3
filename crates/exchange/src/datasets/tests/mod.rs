//! Validation tests: for every dataset one good record and each error code it can produce.

mod birth_certificates;
mod contributions;
mod delivery_records;
mod employer_wages;
mod employment_status;
mod household_registrations;
mod insurance_enrollments;
mod marriages;

use onething_domain::department::DepartmentKind;
use serde_json::{Value, json};

use super::*;

pub const MOTHER: &str = "500228199003050027";
pub const FATHER: &str = "500228198801010033";
pub const PERSON: &str = "500105199507120041";
pub const EMPLOYER: &str = "91500228MA5U12346P";
/// `MOTHER` with a wrong check digit.
pub const BAD_ID: &str = "500228199003050028";
/// `EMPLOYER` with a wrong check character.
pub const BAD_USCC: &str = "91500228MA5U12346Q";

/// `record` with `field` set to `value` (`Value::Null` removes it).
pub fn with(record: &Value, field: &str, value: Value) -> Value {
    let mut record = record.clone();
    if let Some(object) = record.as_object_mut() {
        if value.is_null() {
            object.remove(field);
        } else {
            object.insert(field.to_owned(), value);
        }
    }
    record
}

/// The (field, code) pairs of a rejected record.
pub fn errors(dataset: Dataset, record: &Value) -> Vec<(String, &'static str)> {
    match dataset.validate(record) {
        Ok(valid) => panic!("expected errors, got {valid:?}"),
        Err(errors) => errors
            .into_iter()
            .map(|e| (e.field.unwrap_or_default(), e.code.as_str()))
            .collect(),
    }
}

/// Asserts that changing one field yields exactly one error with `code` on that field.
pub fn assert_rejects(dataset: Dataset, good: &Value, field: &str, value: Value, code: &str) {
    let found = errors(dataset, &with(good, field, value.clone()));
    assert_eq!(
        found,
        vec![(field.to_owned(), code)],
        "{dataset} {field} = {value}"
    );
}

pub fn valid(dataset: Dataset, record: &Value) -> ValidRecord {
    match dataset.validate(record) {
        Ok(valid) => valid,
        Err(errors) => panic!("{dataset} rejected {record}: {errors:?}"),
    }
}

#[test]
fn path_segments_round_trip() {
    for dataset in Dataset::ALL {
        assert_eq!(Dataset::from_path_segment(dataset.as_str()), Some(dataset));
        assert!(!dataset.allowed_kinds().is_empty());
        let names: Vec<&str> = dataset.field_types().iter().map(|(n, _)| *n).collect();
        for key in dataset.key_fields() {
            assert!(names.contains(key), "{dataset} key {key}");
        }
    }
    assert_eq!(Dataset::from_path_segment("births"), None);
}

#[test]
fn contributions_come_from_medical_insurance_and_tax() {
    let kinds = Dataset::Contributions.allowed_kinds();
    assert_eq!(
        kinds,
        [DepartmentKind::MedicalInsurance, DepartmentKind::Tax]
    );
    assert!(Dataset::BirthCertificates.allows(DepartmentKind::Health));
    assert!(!Dataset::BirthCertificates.allows(DepartmentKind::Hospital));
}

#[test]
fn key_as_sent_joins_composite_keys() {
    let record = json!({"person_id": PERSON, "month": "2024-03", "extra": 1});
    assert_eq!(
        Dataset::Contributions.key_of(&record).as_deref(),
        Some(format!("{PERSON}|2024-03").as_str())
    );
    let year = json!({"employer_uscc": EMPLOYER, "year": 2023});
    assert_eq!(
        Dataset::EmployerWages.key_of(&year),
        Some(format!("{EMPLOYER}|2023"))
    );
    assert_eq!(Dataset::Contributions.key_of(&json!({"paid": true})), None);
    assert_eq!(Dataset::Contributions.key_of(&json!([1])), None);
}

#[test]
fn a_record_must_be_an_object() {
    let errors = Dataset::Marriages
        .validate(&json!([1, 2]))
        .expect_err("array");
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].field, None);
    assert_eq!(errors[0].code, FieldCode::InvalidRecord);
}

#[test]
fn every_error_of_a_record_is_reported() {
    let record = json!({
        "person_id": BAD_ID, "employer_uscc": BAD_USCC, "month": "2024-13",
        "base_fen": -1, "colour": "blue"
    });
    let found = errors(Dataset::Contributions, &record);
    assert_eq!(
        found,
        vec![
            ("person_id".to_owned(), "INVALID_CITIZEN_ID"),
            ("employer_uscc".to_owned(), "INVALID_USCC"),
            ("month".to_owned(), "INVALID_DATE"),
            ("base_fen".to_owned(), "OUT_OF_RANGE"),
            ("paid".to_owned(), "MISSING_FIELD"),
            ("colour".to_owned(), "UNKNOWN_FIELD"),
        ]
    );
}

#[test]
fn messages_are_chinese_and_name_the_field() {
    let record = json!({"person_id": BAD_ID});
    let errors = Dataset::Contributions.validate(&record).expect_err("bad");
    for error in errors {
        let field = error.field.expect("field");
        assert!(error.message.contains(&field), "{}", error.message);
        assert!(!error.message.is_ascii(), "{}", error.message);
    }
}

#[test]
fn csv_strings_are_accepted_for_numbers_and_booleans() {
    let typed = json!({"person_id": PERSON, "employer_uscc": EMPLOYER, "month": "2024-03",
        "base_fen": 500000, "paid": true});
    let from_csv = json!({"person_id": PERSON, "employer_uscc": EMPLOYER, "month": "2024-03",
        "base_fen": "500000", "paid": "true"});
    let a = valid(Dataset::Contributions, &typed);
    let b = valid(Dataset::Contributions, &from_csv);
    assert_eq!(a.content_sha256(), b.content_sha256());
}

#[test]
fn canonical_content_ignores_order_spacing_and_case_of_check_characters() {
    let one = json!({"certificate_no": "M2020-1", "husband_id": FATHER,
        "wife_id": "11010519491231002x", "registered_on": "2020-05-20", "status": "married"});
    let two = json!({"status": " married ", "registered_on": "2020-05-20",
        "wife_id": "11010519491231002X", "husband_id": FATHER, "certificate_no": "M2020-1"});
    let (a, b) = (
        valid(Dataset::Marriages, &one),
        valid(Dataset::Marriages, &two),
    );
    assert_eq!(a.content_json(), b.content_json());
    assert_eq!(a.content_sha256(), b.content_sha256());
    assert_eq!(a.content_sha256().len(), 64);
    assert!(
        a.content_json()
            .starts_with(r#"{"certificate_no":"M2020-1","husband_id""#)
    );
}

#[test]
fn wrong_json_types_are_named() {
    let record = json!({"person_id": 500228, "employer_uscc": EMPLOYER, "month": "2024-03",
        "base_fen": 12.5, "paid": "yes"});
    assert_eq!(
        errors(Dataset::Contributions, &record),
        vec![
            ("person_id".to_owned(), "INVALID_TYPE"),
            ("base_fen".to_owned(), "INVALID_TYPE"),
            ("paid".to_owned(), "INVALID_TYPE"),
        ]
    );
}

use super::*;

fn good() -> Value {
    json!({"person_id": PERSON, "scheme": "employee", "employer_uscc": EMPLOYER,
        "status": "normal", "region_code": "500228", "effective_from": "2021-01-01"})
}

#[test]
fn a_good_enrollment() {
    let record = valid(Dataset::InsuranceEnrollments, &good());
    assert_eq!(record.key(), format!("{PERSON}|employee|2021-01-01"));
    assert_eq!(record.employer_uscc(), Some(EMPLOYER));
    let resident = with(
        &with(&good(), "scheme", json!("resident")),
        "employer_uscc",
        Value::Null,
    );
    valid(Dataset::InsuranceEnrollments, &resident);
}

#[test]
fn each_error_code() {
    let d = Dataset::InsuranceEnrollments;
    let good = good();
    assert_rejects(d, &good, "person_id", json!(BAD_ID), "INVALID_CITIZEN_ID");
    assert_rejects(d, &good, "scheme", json!("commercial"), "INVALID_ENUM");
    assert_rejects(d, &good, "employer_uscc", Value::Null, "MISSING_FIELD");
    assert_rejects(d, &good, "employer_uscc", json!(BAD_USCC), "INVALID_USCC");
    assert_rejects(d, &good, "status", json!("active"), "INVALID_ENUM");
    assert_rejects(d, &good, "region_code", json!("99"), "INVALID_REGION_CODE");
    assert_rejects(
        d,
        &good,
        "effective_from",
        json!("2101-01-01"),
        "OUT_OF_RANGE",
    );
    assert_rejects(d, &good, "level", json!(1), "UNKNOWN_FIELD");
}

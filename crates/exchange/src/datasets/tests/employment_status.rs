use super::*;

fn good() -> Value {
    json!({"person_id": PERSON, "status": "employed", "employer_uscc": EMPLOYER,
        "effective_from": "2020-07-01"})
}

#[test]
fn a_good_status() {
    let record = valid(Dataset::EmploymentStatus, &good());
    assert_eq!(record.key(), format!("{PERSON}|2020-07-01"));
    assert_eq!(record.employer_uscc(), Some(EMPLOYER));
    let unemployed = with(
        &with(&good(), "status", json!("unemployed")),
        "employer_uscc",
        Value::Null,
    );
    assert_eq!(
        valid(Dataset::EmploymentStatus, &unemployed).employer_uscc(),
        None
    );
}

#[test]
fn each_error_code() {
    let d = Dataset::EmploymentStatus;
    let good = good();
    assert_rejects(d, &good, "person_id", json!(""), "MISSING_FIELD");
    assert_rejects(d, &good, "person_id", json!(BAD_ID), "INVALID_CITIZEN_ID");
    assert_rejects(d, &good, "status", json!("self_employed"), "INVALID_ENUM");
    assert_rejects(d, &good, "employer_uscc", json!(BAD_USCC), "INVALID_USCC");
    assert_rejects(d, &good, "employer_uscc", json!(true), "INVALID_TYPE");
    assert_rejects(
        d,
        &good,
        "effective_from",
        json!("2020-02-30"),
        "INVALID_DATE",
    );
    assert_rejects(d, &good, "note", json!("x"), "UNKNOWN_FIELD");
}

use super::*;

fn good() -> Value {
    json!({"person_id": PERSON, "employer_uscc": EMPLOYER, "month": "2024-03",
        "base_fen": 500000, "paid": true})
}

#[test]
fn a_good_contribution() {
    let record = valid(Dataset::Contributions, &good());
    assert_eq!(record.key(), format!("{PERSON}|2024-03"));
    assert_eq!(record.subject_id(), Some(PERSON));
    assert_eq!(record.employer_uscc(), Some(EMPLOYER));
    assert_eq!(
        record.event_date().map(|d| d.to_string()).as_deref(),
        Some("2024-03-01")
    );
}

#[test]
fn each_error_code() {
    let d = Dataset::Contributions;
    let good = good();
    assert_rejects(d, &good, "person_id", Value::Null, "MISSING_FIELD");
    assert_rejects(d, &good, "person_id", json!(BAD_ID), "INVALID_CITIZEN_ID");
    assert_rejects(d, &good, "employer_uscc", json!(BAD_USCC), "INVALID_USCC");
    assert_rejects(d, &good, "month", json!("2024-3"), "INVALID_DATE");
    assert_rejects(d, &good, "month", json!("1989-12"), "OUT_OF_RANGE");
    assert_rejects(d, &good, "base_fen", json!(-1), "OUT_OF_RANGE");
    assert_rejects(d, &good, "paid", json!(1), "INVALID_TYPE");
    assert_rejects(d, &good, "paid", json!(""), "MISSING_FIELD");
    assert_rejects(d, &good, "bonus", json!(1), "UNKNOWN_FIELD");
}

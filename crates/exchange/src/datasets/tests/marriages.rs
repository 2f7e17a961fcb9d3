use super::*;

fn good() -> Value {
    json!({"certificate_no": "J500228-2019-000123", "husband_id": FATHER, "wife_id": MOTHER,
        "registered_on": "2019-05-20", "status": "married"})
}

#[test]
fn a_good_marriage() {
    let record = valid(Dataset::Marriages, &good());
    assert_eq!(record.key(), "J500228-2019-000123");
    assert_eq!(record.subject_id(), Some(MOTHER));
    assert_eq!(record.other_id(), Some(FATHER));
    assert_eq!(
        record.event_date().map(|d| d.to_string()).as_deref(),
        Some("2019-05-20")
    );
}

#[test]
fn each_error_code() {
    let d = Dataset::Marriages;
    let good = good();
    assert_rejects(d, &good, "certificate_no", json!("  "), "MISSING_FIELD");
    assert_rejects(
        d,
        &good,
        "certificate_no",
        json!("J".repeat(65)),
        "OUT_OF_RANGE",
    );
    assert_rejects(d, &good, "husband_id", json!(BAD_ID), "INVALID_CITIZEN_ID");
    assert_rejects(d, &good, "wife_id", json!({"id": MOTHER}), "INVALID_TYPE");
    assert_rejects(
        d,
        &good,
        "registered_on",
        json!("2019-5-20"),
        "INVALID_DATE",
    );
    assert_rejects(d, &good, "status", json!("widowed"), "INVALID_ENUM");
    assert_rejects(d, &good, "witness", json!("x"), "UNKNOWN_FIELD");
}

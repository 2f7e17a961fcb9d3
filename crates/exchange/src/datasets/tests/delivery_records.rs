use super::*;

fn good() -> Value {
    json!({
        "record_id": "D2024-0001", "institution_code": "H50022800001", "person_id": MOTHER,
        "admitted_on": "2024-03-04", "discharged_on": "2024-03-08", "event_date": "2024-03-05",
        "event_type": "cesarean", "babies": 2, "pregnancy_weeks": 38,
        "settled_in_network": true, "total_cost_fen": 1200000, "fund_paid_fen": 900000
    })
}

#[test]
fn a_good_delivery() {
    let record = valid(Dataset::DeliveryRecords, &good());
    assert_eq!(record.key(), "D2024-0001");
    assert_eq!(record.subject_id(), Some(MOTHER));
    assert_eq!(
        record.event_date().map(|d| d.to_string()).as_deref(),
        Some("2024-03-05")
    );
}

#[test]
fn a_family_planning_surgery_needs_no_pregnancy() {
    let surgery = with(&good(), "event_type", json!("family_planning_surgery"));
    let surgery = with(
        &with(&surgery, "pregnancy_weeks", Value::Null),
        "babies",
        json!(0),
    );
    let surgery = with(&surgery, "procedure", json!("iud_insertion"));
    valid(Dataset::DeliveryRecords, &surgery);
    let miscarriage = with(
        &with(&good(), "event_type", json!("miscarriage")),
        "babies",
        json!(0),
    );
    valid(Dataset::DeliveryRecords, &miscarriage);
    assert_rejects(
        Dataset::DeliveryRecords,
        &miscarriage,
        "pregnancy_weeks",
        Value::Null,
        "MISSING_FIELD",
    );
}

#[test]
fn each_error_code() {
    let d = Dataset::DeliveryRecords;
    let good = good();
    assert_rejects(d, &good, "record_id", Value::Null, "MISSING_FIELD");
    assert_rejects(d, &good, "person_id", json!(BAD_ID), "INVALID_CITIZEN_ID");
    assert_rejects(d, &good, "admitted_on", json!("2024/03/04"), "INVALID_DATE");
    assert_rejects(
        d,
        &good,
        "discharged_on",
        json!("2024-03-03"),
        "OUT_OF_RANGE",
    );
    assert_rejects(d, &good, "event_date", json!("1899-12-31"), "OUT_OF_RANGE");
    assert_rejects(d, &good, "event_type", json!("natural"), "INVALID_ENUM");
    assert_rejects(
        d,
        &good,
        "procedure",
        json!("iud_insertion"),
        "OUT_OF_RANGE",
    );
    assert_rejects(d, &good, "procedure", json!("appendectomy"), "INVALID_ENUM");
    assert_rejects(d, &good, "babies", json!(0), "OUT_OF_RANGE");
    assert_rejects(d, &good, "babies", json!(10), "OUT_OF_RANGE");
    assert_rejects(d, &good, "pregnancy_weeks", json!(46), "OUT_OF_RANGE");
    assert_rejects(d, &good, "settled_in_network", json!("yes"), "INVALID_TYPE");
    assert_rejects(d, &good, "total_cost_fen", json!(-1), "OUT_OF_RANGE");
    assert_rejects(d, &good, "fund_paid_fen", json!(1200001), "OUT_OF_RANGE");
    assert_rejects(d, &good, "ward", json!("3"), "UNKNOWN_FIELD");
}

#[test]
fn booleans_as_strings_are_accepted() {
    let csv = with(&good(), "settled_in_network", json!("true"));
    assert_eq!(
        valid(Dataset::DeliveryRecords, &csv).content_sha256(),
        valid(Dataset::DeliveryRecords, &good()).content_sha256()
    );
}

use super::*;

fn good() -> Value {
    json!({"person_id": PERSON, "name": "测试人", "sex": "female", "ethnicity": "汉族",
        "nationality": "CHN", "region_code": "500105", "address": "重庆市江北区测试路1号"})
}

#[test]
fn a_good_registration() {
    let record = valid(Dataset::HouseholdRegistrations, &good());
    assert_eq!(record.key(), PERSON);
    assert_eq!(record.subject_id(), Some(PERSON));
    assert_eq!(record.event_date(), None);
}

#[test]
fn each_error_code() {
    let d = Dataset::HouseholdRegistrations;
    let good = good();
    assert_rejects(d, &good, "person_id", json!(BAD_ID), "INVALID_CITIZEN_ID");
    assert_rejects(d, &good, "name", Value::Null, "MISSING_FIELD");
    assert_rejects(d, &good, "sex", json!("女"), "INVALID_ENUM");
    assert_rejects(d, &good, "nationality", json!("cn"), "INVALID_ENUM");
    assert_rejects(d, &good, "nationality", json!("CHINA"), "OUT_OF_RANGE");
    assert_rejects(
        d,
        &good,
        "region_code",
        json!("5001"),
        "INVALID_REGION_CODE",
    );
    assert_rejects(d, &good, "address", json!("址".repeat(201)), "OUT_OF_RANGE");
    assert_rejects(d, &good, "photo", json!("x"), "UNKNOWN_FIELD");
}

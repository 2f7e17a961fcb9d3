use super::*;

fn good() -> Value {
    json!({
        "certificate_no": "Q500000001", "child_name": "测试婴", "child_sex": "female",
        "birth_time": "2024-03-05T08:30:00+08:00", "gestational_weeks": 39, "weight_g": 3250,
        "length_cm": 50, "birth_region": "500228", "institution_code": "H50022800001",
        "institution_name": "梁平区人民医院", "mother_name": "测试母", "mother_id": MOTHER,
        "father_name": "测试父", "father_id": FATHER, "issued_on": "2024-03-06"
    })
}

#[test]
fn a_good_certificate() {
    let record = valid(Dataset::BirthCertificates, &good());
    assert_eq!(record.key(), "Q500000001");
    assert_eq!(record.subject_id(), Some(MOTHER));
    assert_eq!(record.other_id(), Some(FATHER));
    assert_eq!(
        record.event_date().map(|d| d.to_string()).as_deref(),
        Some("2024-03-05")
    );
    let typed: BirthCertificate =
        serde_json::from_value(record.content().clone()).expect("content reads back");
    assert_eq!(typed.weight_g, 3250);
}

#[test]
fn the_father_is_optional() {
    let record = with(
        &with(&good(), "father_id", Value::Null),
        "father_name",
        json!(""),
    );
    let valid = valid(Dataset::BirthCertificates, &record);
    assert_eq!(valid.other_id(), None);
    assert!(!valid.content_json().contains("father"));
}

#[test]
fn each_error_code() {
    let d = Dataset::BirthCertificates;
    let good = good();
    assert_rejects(
        d,
        &good,
        "certificate_no",
        json!("q500000001"),
        "INVALID_CERTIFICATE_NO",
    );
    assert_rejects(d, &good, "child_name", Value::Null, "MISSING_FIELD");
    assert_rejects(
        d,
        &good,
        "child_name",
        json!("名".repeat(51)),
        "OUT_OF_RANGE",
    );
    assert_rejects(d, &good, "child_sex", json!("f"), "INVALID_ENUM");
    assert_rejects(
        d,
        &good,
        "birth_time",
        json!("2024-03-05 08:30"),
        "INVALID_TIME",
    );
    assert_rejects(
        d,
        &good,
        "birth_time",
        json!("2024-03-05T08:30:00"),
        "INVALID_TIME",
    );
    assert_rejects(d, &good, "gestational_weeks", json!(19), "OUT_OF_RANGE");
    assert_rejects(d, &good, "gestational_weeks", json!(46), "OUT_OF_RANGE");
    assert_rejects(d, &good, "weight_g", json!(299), "OUT_OF_RANGE");
    assert_rejects(d, &good, "weight_g", json!(7001), "OUT_OF_RANGE");
    assert_rejects(d, &good, "length_cm", json!(71), "OUT_OF_RANGE");
    assert_rejects(
        d,
        &good,
        "birth_region",
        json!("990000"),
        "INVALID_REGION_CODE",
    );
    assert_rejects(d, &good, "institution_code", json!(42), "INVALID_TYPE");
    assert_rejects(d, &good, "mother_id", json!(BAD_ID), "INVALID_CITIZEN_ID");
    assert_rejects(d, &good, "father_id", json!("123"), "INVALID_CITIZEN_ID");
    assert_rejects(d, &good, "issued_on", json!("2024-02-30"), "INVALID_DATE");
    assert_rejects(d, &good, "issued_on", json!("2024-03-04"), "OUT_OF_RANGE");
    assert_rejects(d, &good, "apgar", json!(10), "UNKNOWN_FIELD");
}

#[test]
fn numbers_as_digit_strings_are_accepted() {
    let csv = with(&good(), "weight_g", json!("3250"));
    let csv = with(&csv, "gestational_weeks", json!(" 39 "));
    assert_eq!(
        valid(Dataset::BirthCertificates, &csv).content_sha256(),
        valid(Dataset::BirthCertificates, &good()).content_sha256()
    );
    assert_rejects(
        Dataset::BirthCertificates,
        &good(),
        "weight_g",
        json!("3,250"),
        "INVALID_TYPE",
    );
}

use super::*;

fn good() -> Value {
    json!({"employer_uscc": EMPLOYER, "year": 2023, "avg_monthly_wage_fen": 900000,
        "avg_monthly_base_fen": 650000})
}

#[test]
fn a_good_wage_record() {
    let record = valid(Dataset::EmployerWages, &good());
    assert_eq!(record.key(), format!("{EMPLOYER}|2023"));
    assert_eq!(record.subject_id(), None);
    assert_eq!(record.employer_uscc(), Some(EMPLOYER));
    assert_eq!(
        record.event_date().map(|d| d.to_string()).as_deref(),
        Some("2023-01-01")
    );
    let lower = with(&good(), "employer_uscc", json!(EMPLOYER.to_lowercase()));
    assert_eq!(valid(Dataset::EmployerWages, &lower).key(), record.key());
}

#[test]
fn each_error_code() {
    let d = Dataset::EmployerWages;
    let good = good();
    assert_rejects(d, &good, "employer_uscc", json!(BAD_USCC), "INVALID_USCC");
    assert_rejects(d, &good, "employer_uscc", json!(""), "MISSING_FIELD");
    assert_rejects(d, &good, "year", json!(1999), "OUT_OF_RANGE");
    assert_rejects(d, &good, "year", json!(2101), "OUT_OF_RANGE");
    assert_rejects(d, &good, "year", json!("2023a"), "INVALID_TYPE");
    assert_rejects(d, &good, "avg_monthly_wage_fen", json!(-5), "OUT_OF_RANGE");
    assert_rejects(
        d,
        &good,
        "avg_monthly_base_fen",
        Value::Null,
        "MISSING_FIELD",
    );
    assert_rejects(d, &good, "avg_wage", json!(1), "UNKNOWN_FIELD");
}

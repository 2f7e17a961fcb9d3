//! Fuzzing the push bodies' readers (`batch::parse_batch`, JSON and NDJSON) and the
//! per-record validation of every dataset (harness: domain's `tests/fuzz/harness.rs`).
//! Arbitrary bytes and mutated corpus bodies never panic; valid bodies round-trip.

use crate::fuzz_harness::{config, corpus, inputs};

use onething_exchange::Dataset;
use onething_exchange::batch::{BodyFormat, MAX_RECORDS, parse_batch};
use proptest::prelude::*;
use serde_json::{Value, json};

const DIR: &str = env!("CARGO_MANIFEST_DIR");

/// JSON values as departments send them: scalars, small arrays and objects.
fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        "\\PC{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,8}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(config("batch"))]
    #[test]
    fn push_bodies_never_panic_and_records_validate_without_panic(bytes in inputs(corpus(DIR, "batch"))) {
        for format in [BodyFormat::Json, BodyFormat::Ndjson] {
            let Ok(records) = parse_batch(format, &bytes) else { continue };
            prop_assert!(records.len() <= MAX_RECORDS);
            for record in &records {
                for dataset in Dataset::ALL {
                    if let Ok(valid) = dataset.validate(&record.value) {
                        // The stored content is canonical: validating it again gives itself.
                        let again = dataset.validate(valid.content()).expect("canonical content validates");
                        prop_assert_eq!(again.content_json(), valid.content_json());
                        prop_assert_eq!(again.key(), valid.key());
                    }
                }
            }
        }
    }

    #[test]
    fn written_bodies_read_back_with_their_indices(
        values in prop::collection::vec(value(), 0..20),
        blank_every in 0usize..4,
        crlf in any::<bool>(),
    ) {
        let json = serde_json::to_vec(&json!({ "records": values })).expect("json");
        let read = parse_batch(BodyFormat::Json, &json).expect("json body");
        prop_assert_eq!(read.iter().map(|r| &r.value).collect::<Vec<_>>(), values.iter().collect::<Vec<_>>());
        prop_assert!(read.iter().enumerate().all(|(i, r)| r.index == i));

        // NDJSON: blank lines are skipped but counted, so each index is the record's line.
        let end = if crlf { "\r\n" } else { "\n" };
        let mut body = String::new();
        let mut lines = Vec::new();
        for value in &values {
            if blank_every > 0 && lines.len() % (blank_every + 1) == blank_every {
                body.push_str(end);
                lines.push(None);
            }
            lines.push(Some(value));
            body.push_str(&value.to_string());
            body.push_str(end);
        }
        let read = parse_batch(BodyFormat::Ndjson, body.as_bytes()).expect("ndjson body");
        let expected: Vec<(usize, &Value)> = lines
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.map(|v| (i, v)))
            .collect();
        prop_assert_eq!(read.iter().map(|r| (r.index, &r.value)).collect::<Vec<_>>(), expected);
    }
}

/// Every corpus body is a valid push of valid records, so the mutations start from records
/// the validators accept (and the canonical-content property above is exercised).
#[test]
fn corpus_bodies_are_valid_pushes() {
    for (n, body) in corpus(DIR, "batch").iter().enumerate() {
        let records = parse_batch(BodyFormat::Json, body)
            .or_else(|_| parse_batch(BodyFormat::Ndjson, body))
            .unwrap_or_else(|e| panic!("corpus #{n}: {e}"));
        assert!(!records.is_empty(), "corpus #{n}");
        for record in records {
            let valid = Dataset::ALL
                .iter()
                .filter(|d| d.validate(&record.value).is_ok());
            assert_eq!(valid.count(), 1, "corpus #{n}: {}", record.value);
        }
    }
}

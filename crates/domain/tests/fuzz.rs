//! Fuzzing the domain's readers of outside input (harness: `fuzz/harness.rs`): the id
//! parsers, the bank's results CSV and the parameter file. Arbitrary bytes and mutated
//! corpus files never panic; what is accepted is canonical, and valid inputs round-trip.

use crate::fuzz_harness::{config, corpus, inputs};

use onething_domain::allowance::settlement::{PaymentOutcome, parse_results};
use onething_domain::ids::PaymentId;
use onething_domain::rules::MaternityParams;
use onething_domain::{BirthCertificateNo, CitizenId, RegionCode, Uscc};
use proptest::prelude::*;

const DIR: &str = env!("CARGO_MANIFEST_DIR");
const SHIPPED_PARAMS: &str = include_str!("../../../data/params/maternity.toml");

/// Parses `text` as every id type; an accepted id prints as itself and parses back equal.
fn check_ids(text: &str) {
    if let Ok(id) = CitizenId::parse(text) {
        assert_eq!(CitizenId::parse(id.as_str()), Ok(id.clone()));
        assert_eq!(id.to_string(), id.as_str());
    }
    if let Ok(code) = Uscc::parse(text) {
        assert_eq!(Uscc::parse(code.as_str()), Ok(code.clone()));
    }
    if let Ok(region) = RegionCode::parse(text) {
        assert_eq!(RegionCode::parse(&region.to_string()), Ok(region));
    }
    if let Ok(number) = BirthCertificateNo::parse(text) {
        assert_eq!(
            BirthCertificateNo::parse(number.as_str()),
            Ok(number.clone())
        );
    }
}

fn payment_id() -> impl Strategy<Value = String> {
    "[A-Za-z0-9][A-Za-z0-9-]{0,23}"
}

/// A reason as a bank writes it: any text, commas and quotes included, not blank.
fn reason() -> impl Strategy<Value = String> {
    "[^\\s\"]([^\r\n]{0,30}[^\\s])?"
}

fn outcome() -> impl Strategy<Value = PaymentOutcome> {
    prop_oneof![
        Just(PaymentOutcome::Paid),
        reason().prop_map(|reason| PaymentOutcome::Failed { reason }),
    ]
}

proptest! {
    #![proptest_config(config("ids"))]
    #[test]
    fn id_parsers_never_panic_and_accept_only_canonical_ids(bytes in inputs(corpus(DIR, "ids"))) {
        let text = String::from_utf8_lossy(&bytes);
        check_ids(&text);
        for line in text.lines() {
            check_ids(line);
        }
    }
}

proptest! {
    #![proptest_config(config("results"))]
    #[test]
    fn bank_results_never_panic_and_accepted_rows_are_whole(bytes in inputs(corpus(DIR, "results"))) {
        if let Ok(rows) = parse_results(&bytes) {
            let mut previous = 1;
            for row in rows {
                prop_assert!(row.line > previous, "lines in order");
                previous = row.line;
                // A payment id as the platform issues it: the type's parser accepts it again.
                prop_assert!(PaymentId::parse(row.payment_id.as_str()).is_ok());
                if let PaymentOutcome::Failed { reason } = &row.outcome {
                    prop_assert!(!reason.trim().is_empty());
                }
            }
        }
    }

    #[test]
    fn bank_results_written_by_a_csv_writer_read_back(
        rows in prop::collection::vec((payment_id(), outcome()), 0..40),
        crlf in any::<bool>(),
        bom in any::<bool>(),
    ) {
        let mut writer = csv::WriterBuilder::new()
            .terminator(if crlf { csv::Terminator::CRLF } else { csv::Terminator::Any(b'\n') })
            .from_writer(Vec::new());
        writer.write_record(["payment_id", "result", "reason"]).expect("header");
        for (id, outcome) in &rows {
            let (result, reason) = match outcome {
                PaymentOutcome::Paid => ("paid", ""),
                PaymentOutcome::Failed { reason } => ("failed", reason.as_str()),
            };
            writer.write_record([id.as_str(), result, reason]).expect("row");
        }
        let mut bytes = if bom { b"\xEF\xBB\xBF".to_vec() } else { Vec::new() };
        bytes.extend(writer.into_inner().expect("csv"));
        let read = parse_results(&bytes).expect("a written file reads");
        prop_assert_eq!(read.len(), rows.len());
        for (row, (id, outcome)) in read.iter().zip(&rows) {
            prop_assert_eq!(row.payment_id.as_str(), id.as_str());
            prop_assert_eq!(&row.outcome, outcome);
        }
    }
}

proptest! {
    #![proptest_config(config("params"))]
    #[test]
    fn parameter_loader_never_panics(bytes in inputs(params_seeds())) {
        let _ = MaternityParams::from_toml(&String::from_utf8_lossy(&bytes));
    }

    /// Comments and blank lines between the shipped file's lines change nothing.
    #[test]
    fn parameter_file_reads_the_same_with_comments_added(
        inserts in prop::collection::vec((any::<prop::sample::Index>(), "#[ -~一-龥]{0,20}|"), 0..10),
    ) {
        let mut lines: Vec<String> = SHIPPED_PARAMS.lines().map(str::to_owned).collect();
        for (at, comment) in inserts {
            let at = at.index(lines.len() + 1);
            lines.insert(at, comment);
        }
        let shipped = MaternityParams::from_toml(SHIPPED_PARAMS).expect("shipped file");
        prop_assert_eq!(MaternityParams::from_toml(&lines.join("\n")).expect("commented"), shipped);
    }
}

fn params_seeds() -> Vec<Vec<u8>> {
    let mut seeds = corpus(DIR, "params");
    seeds.push(SHIPPED_PARAMS.as_bytes().to_vec());
    seeds
}

//! Fuzzing the push client's readers of a department's files (CSV and JSON lines, through
//! `input::open` and the batcher): mutated corpus files (`tests/fuzz/corpus/client/`) and
//! arbitrary bytes never panic; each record read keeps a line number within the file.
//! Harness and case count: domain's `tests/fuzz/harness.rs` (`ONETHING_FUZZ_CASES`).

use proptest::prelude::*;

use super::batch::Batcher;
use super::input;
use super::*;

#[path = "../../../domain/tests/fuzz/harness.rs"]
mod harness;

fn read_all(bytes: &[u8], name: &str, dataset: Dataset) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).expect("write input");
    let Ok(opened) = input::open(&path, dataset) else {
        return Ok(());
    };
    let lines = u64::try_from(bytes.split(|b| *b == b'\n').count()).unwrap_or(u64::MAX);
    for batch in Batcher::new(opened.source, dataset, 50, MAX_BATCH_BYTES) {
        let Ok(batch) = batch else { break };
        for index in 0..batch.records() {
            if let Some(line) = batch.line_of(index) {
                prop_assert!(line >= 1 && line <= lines + 1, "line {line} of {lines}");
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(harness::config("client"))]
    #[test]
    fn department_files_never_panic_the_reader(
        bytes in harness::inputs(harness::corpus(env!("CARGO_MANIFEST_DIR"), "client")),
    ) {
        for dataset in [Dataset::Contributions, Dataset::Marriages] {
            read_all(&bytes, "input.csv", dataset)?;
            read_all(&bytes, "input.ndjson", dataset)?;
        }
    }
}

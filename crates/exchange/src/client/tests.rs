//! Unit tests of the push client without a server: reading, converting, batching, line
//! mapping and the rejected file. The HTTP side is tested against the real server and a
//! failing stub in `crates/onething/tests/push.rs`.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::batch::{Batch, Batcher};
use super::input::{self, Raw};
use super::rejected::RejectedFile;
use super::*;

const CONTRIBUTIONS_HEADER: &str = "person_id,employer_uscc,month,base_fen,paid";
const PERSON: &str = "11010519491231002X";
const USCC: &str = "91110000600037341L";

fn file(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write input");
    path
}

fn batches(path: &Path, dataset: Dataset, max_records: usize) -> Vec<Batch> {
    let opened = input::open(path, dataset).expect("opens");
    Batcher::new(opened.source, dataset, max_records, MAX_BATCH_BYTES)
        .collect::<Result<Vec<_>, _>>()
        .expect("reads")
}

fn body_lines(batch: &Batch) -> Vec<Value> {
    batch
        .body
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).expect("json line"))
        .collect()
}

#[test]
fn csv_cells_become_typed_json_and_empty_cells_are_absent() {
    let dir = tempfile::tempdir().expect("dir");
    let text = format!(
        "\u{feff}{CONTRIBUTIONS_HEADER}\n{PERSON},{USCC},2025-03,650000,true\n{PERSON},,2025-04, 7 ,false\n"
    );
    let path = file(dir.path(), "c.csv", &text);
    let batches = batches(&path, Dataset::Contributions, MAX_BATCH_RECORDS);
    let lines = body_lines(&batches[0]);
    assert_eq!(
        lines[0],
        json!({"person_id": PERSON, "employer_uscc": USCC, "month": "2025-03", "base_fen": 650000, "paid": true})
    );
    assert_eq!(
        lines[1],
        json!({"person_id": PERSON, "month": "2025-04", "base_fen": 7, "paid": false})
    );
    // Compact: one object per line, no spaces.
    assert!(!batches[0].body.windows(2).any(|w| w == b": "));
}

#[test]
fn a_cell_that_is_not_its_type_is_sent_as_text_for_the_server_to_report() {
    let dir = tempfile::tempdir().expect("dir");
    let text = format!("{CONTRIBUTIONS_HEADER}\n{PERSON},{USCC},2025-03,12.5,yes\n");
    let path = file(dir.path(), "c.csv", &text);
    let lines = body_lines(&batches(&path, Dataset::Contributions, 10)[0]);
    assert_eq!(lines[0]["base_fen"], json!("12.5"));
    assert_eq!(lines[0]["paid"], json!("yes"));
}

#[test]
fn unknown_or_repeated_columns_stop_before_sending() {
    let dir = tempfile::tempdir().expect("dir");
    let unknown = file(dir.path(), "u.csv", "person_id,salary\n");
    let err = input::open(&unknown, Dataset::Contributions)
        .err()
        .expect("refused");
    assert!(
        matches!(err, PushError::Header { line: 1, ref problem, .. } if problem.contains("salary"))
    );
    let twice = file(dir.path(), "t.csv", "person_id,person_id\n");
    assert!(input::open(&twice, Dataset::Contributions).is_err());
    let empty = file(dir.path(), "e.csv", "");
    assert!(input::open(&empty, Dataset::Contributions).is_err());
}

#[test]
fn csv_lines_count_the_header_and_quoted_newlines() {
    let dir = tempfile::tempdir().expect("dir");
    let text = "certificate_no,couple,husband_id\n\
                J1,\"two\nlines\",x\n\
                J2,c,x\n\
                J3,\"a\"\"b\",x,extra\n";
    // `couple` is not a field: use a dataset-free check of lines via marriages' fields.
    let text = text.replace("couple", "wife_id");
    let path = file(dir.path(), "m.csv", &text);
    let batch = &batches(&path, Dataset::Marriages, 10)[0];
    assert_eq!(batch.line_of(0), Some(2));
    assert_eq!(batch.line_of(1), Some(4));
    assert_eq!(batch.line_of(2), None);
    // The row with a cell too many is rejected by the client, at its line.
    assert_eq!(batch.local.len(), 1);
    assert_eq!(batch.local[0].rejection.line, 5);
    assert_eq!(batch.local[0].rejection.errors[0].code, "INVALID_RECORD");
}

#[test]
fn json_lines_keep_their_line_numbers_across_blank_and_bad_lines() {
    let dir = tempfile::tempdir().expect("dir");
    let text = "{\"a\":1}\n\n   \n[1,2]\n{broken\n{\"b\":2,\"rejected_reason\":\"old\"}\r\n";
    let path = file(dir.path(), "x.data", text);
    let opened = input::open(&path, Dataset::Marriages).expect("opens");
    assert_eq!(
        opened.format,
        Format::JsonLines,
        "sniffed from the first byte"
    );
    let batch = &batches(&path, Dataset::Marriages, 10)[0];
    assert_eq!(batch.line_of(0), Some(1));
    assert_eq!(batch.line_of(1), Some(6));
    let lines: Vec<u64> = batch.local.iter().map(|f| f.rejection.line).collect();
    assert_eq!(lines, [4, 5]);
    // The annotation of a re-pushed rejected file is not sent.
    assert_eq!(body_lines(batch)[1], json!({"b": 2}));
}

#[test]
fn batches_hold_at_most_ten_thousand_records() {
    let dir = tempfile::tempdir().expect("dir");
    for (records, sizes) in [(10_000, vec![10_000]), (10_001, vec![10_000, 1])] {
        let mut text = String::from(CONTRIBUTIONS_HEADER);
        text.push('\n');
        for _ in 0..records {
            text.push_str(&format!("{PERSON},{USCC},2025-03,650000,true\n"));
        }
        let path = file(dir.path(), &format!("b{records}.csv"), &text);
        let batches = batches(&path, Dataset::Contributions, MAX_BATCH_RECORDS);
        let found: Vec<usize> = batches.iter().map(|b| b.sent.len()).collect();
        assert_eq!(found, sizes, "{records} records");
        let last = batches.last().expect("batch");
        assert_eq!(last.line_of(last.sent.len() - 1), Some(records as u64 + 1));
        assert_eq!(last.offset, text.len() as u64);
    }
}

#[test]
fn a_batch_is_cut_before_its_byte_limit() {
    let dir = tempfile::tempdir().expect("dir");
    let text = format!(
        "{CONTRIBUTIONS_HEADER}\n{}",
        format!("{PERSON},{USCC},2025-03,1,true\n").repeat(5)
    );
    let path = file(dir.path(), "c.csv", &text);
    let opened = input::open(&path, Dataset::Contributions).expect("opens");
    let one = body_lines(&batches(&path, Dataset::Contributions, 10)[0])[0]
        .to_string()
        .len()
        + 1;
    let cut = Batcher::new(opened.source, Dataset::Contributions, 10, one * 2);
    let sizes: Vec<usize> = cut.map(|b| b.expect("batch").sent.len()).collect();
    assert_eq!(sizes, [2, 2, 1]);
}

fn rejection(line: u64) -> Rejection {
    Rejection {
        line,
        key: Some("k".into()),
        errors: vec![
            RecordError {
                field: Some("person_id".into()),
                code: "INVALID_CITIZEN_ID".into(),
                message: "校验码错误".into(),
            },
            RecordError {
                field: None,
                code: "OUT_OF_RANGE".into(),
                message: "m, with a comma".into(),
            },
        ],
    }
}

#[test]
fn rejected_csv_keeps_the_record_and_adds_line_and_reason() {
    let dir = tempfile::tempdir().expect("dir");
    let text = format!("{CONTRIBUTIONS_HEADER}\n{PERSON},{USCC},2025-03,1,true\n");
    let path = file(dir.path(), "c.csv", &text);
    let batch = &batches(&path, Dataset::Contributions, 10)[0];
    let opened = input::open(&path, Dataset::Contributions).expect("opens");
    let target = rejected_path(&path, Format::Csv);
    assert_eq!(target, dir.path().join("c.rejected.csv"));
    let mut file = RejectedFile::new(target.clone(), opened.source.header().cloned()).expect("new");
    file.write(&rejection(2), Some(&batch.sent[0].raw))
        .expect("write");
    assert_eq!(file.finish().expect("finish"), Some(target.clone()));
    let written = std::fs::read_to_string(&target).expect("read");
    let mut lines = written.lines();
    assert_eq!(
        lines.next(),
        Some(format!("{CONTRIBUTIONS_HEADER},rejected_line,rejected_reason").as_str())
    );
    assert_eq!(
        lines.next(),
        Some(format!("{PERSON},{USCC},2025-03,1,true,2,\"person_id INVALID_CITIZEN_ID 校验码错误; OUT_OF_RANGE m, with a comma\"").as_str())
    );
    // Pushed again as it is, the annotations are dropped.
    let again = batches(&target, Dataset::Contributions, 10);
    assert_eq!(
        body_lines(&again[0])[0].as_object().expect("object").len(),
        5
    );
}

#[test]
fn rejected_json_lines_keep_the_original_text() {
    let dir = tempfile::tempdir().expect("dir");
    let target = dir.path().join("x.rejected.jsonl");
    let mut file = RejectedFile::new(target.clone(), None).expect("new");
    let raw = |s: &str| Raw::Json(s.as_bytes().to_vec());
    file.write(&rejection(1), Some(&raw("{\"z\": 1,  \"a\":2}")))
        .expect("write");
    file.write(&rejection(2), Some(&raw("{broken")))
        .expect("write");
    file.write(&rejection(3), Some(&raw("{\"a\":1,\"rejected_line\":9}")))
        .expect("write");
    file.finish().expect("finish");
    let written = std::fs::read_to_string(&target).expect("read");
    let lines: Vec<&str> = written.lines().collect();
    assert!(
        lines[0].starts_with("{\"z\": 1,  \"a\":2,\"rejected_line\":1,\"rejected_reason\":"),
        "{}",
        lines[0]
    );
    let second: Value = serde_json::from_str(lines[1]).expect("json");
    assert_eq!(second["rejected_original"], json!("{broken"));
    let third: Value = serde_json::from_str(lines[2]).expect("json");
    assert_eq!(third["rejected_line"], json!(3));
    assert_eq!(third["a"], json!(1));
}

#[test]
fn a_clean_push_leaves_no_rejected_file_and_removes_a_stale_one() {
    let dir = tempfile::tempdir().expect("dir");
    let target = file(dir.path(), "c.rejected.csv", "stale");
    let file = RejectedFile::new(target.clone(), None).expect("new");
    assert_eq!(file.finish().expect("finish"), None);
    assert!(!target.exists());
}

#[test]
fn formats_are_chosen_by_extension_then_first_byte() {
    assert_eq!(
        Format::detect(Path::new("a.ndjson"), b"x"),
        Format::JsonLines
    );
    assert_eq!(Format::detect(Path::new("a.csv"), b"{"), Format::Csv);
    assert_eq!(
        Format::detect(Path::new("-"), b"\xEF\xBB\xBF \n{\"a\":1}"),
        Format::JsonLines
    );
    assert_eq!(
        Format::detect(Path::new("a.txt"), b"person_id"),
        Format::Csv
    );
    assert_eq!(
        rejected_path(Path::new("/d/births.ndjson"), Format::JsonLines),
        PathBuf::from("/d/births.rejected.ndjson")
    );
    assert_eq!(
        rejected_path(Path::new("-"), Format::Csv),
        PathBuf::from("stdin.rejected.csv")
    );
}

#[test]
fn backoff_doubles_up_to_its_cap() {
    let policy = RetryPolicy::default();
    let waits: Vec<u64> = (1..=7)
        .map(|a| policy.backoff(a).as_millis() as u64)
        .collect();
    assert_eq!(waits, [500, 1000, 2000, 4000, 8000, 10_000, 10_000]);
}

#[test]
fn report_exit_codes_follow_the_contract() {
    let mut report = PushReport::new(Dataset::Contributions, "c.csv".into());
    assert_eq!(report.exit_code(), 0);
    report.reject(rejection(2));
    assert_eq!(report.exit_code(), 1);
    report.stopped = Some(PushError::Protocol("x".into()));
    assert_eq!(report.exit_code(), 2);
    let mut out = Vec::new();
    write!(out, "{report}").expect("display");
    assert!(
        String::from_utf8(out)
            .expect("utf8")
            .contains("rejected:     1")
    );
}

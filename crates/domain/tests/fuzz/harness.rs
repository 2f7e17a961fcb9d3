//! The fuzzing harness shared by the crates' fuzz tests (domain, exchange: the latter
//! includes this file by path, so neither depends on the other's tests). cargo fuzz needs a
//! nightly toolchain; this runs on stable inside `cargo test`: proptest feeds each parser
//! arbitrary bytes and mutations of the files in `tests/fuzz/corpus/<target>/`, and keeps
//! every failure it finds in `tests/fuzz/regressions/<target>.txt` (replayed first on every
//! run, so a failure found once stays a test).
//!
//! Cases per property: `ONETHING_FUZZ_CASES` (default 256: seconds in CI). A long run:
//! `ONETHING_FUZZ_CASES=200000 cargo test -p onething-domain --test integration fuzz::`
//! (and `-p onething-exchange`), see docs/operations.md.

#![allow(dead_code, reason = "each crate uses a different part")]

use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence};

/// The run's configuration for `target`: its case count and its regressions file.
pub fn config(target: &'static str) -> Config {
    let cases = std::env::var("ONETHING_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256);
    let file: &'static str =
        Box::leak(format!("tests/fuzz/regressions/{target}.txt").into_boxed_str());
    Config {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(file))),
        ..Config::default()
    }
}

/// The seed files of `target`, from `CRATE/tests/fuzz/corpus/<target>/` (sorted by name).
pub fn corpus(manifest_dir: &str, target: &str) -> Vec<Vec<u8>> {
    let dir = std::path::Path::new(manifest_dir)
        .join("tests/fuzz/corpus")
        .join(target);
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("corpus entry").path())
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| std::fs::read(p).expect("corpus file"))
        .collect()
}

/// Bytes that change how text parsers split and quote.
const INTERESTING: &[u8] = b"\n\r,\"'\\{}[]:=#\t \x00\xEF\xBB\xBF\xFF\xC3";

/// A seed with up to 8 edits (replace, insert, delete, truncate, duplicate a run), or
/// arbitrary bytes.
pub fn inputs(seeds: Vec<Vec<u8>>) -> impl Strategy<Value = Vec<u8>> {
    assert!(!seeds.is_empty(), "a corpus needs at least one file");
    let count = seeds.len();
    let edits = prop::collection::vec((any::<u8>(), any::<prop::sample::Index>(), 0u8..5), 0..8);
    let mutated = (0..count, edits).prop_map(move |(seed, edits)| {
        let mut bytes = seeds[seed].clone();
        for (byte, at, op) in edits {
            edit(&mut bytes, byte, at, op);
        }
        bytes
    });
    prop_oneof![4 => mutated, 1 => prop::collection::vec(any::<u8>(), 0..512)]
}

fn edit(bytes: &mut Vec<u8>, byte: u8, at: prop::sample::Index, op: u8) {
    let byte = if byte.is_multiple_of(2) {
        INTERESTING[usize::from(byte / 2) % INTERESTING.len()]
    } else {
        byte
    };
    let at = at.index(bytes.len() + 1);
    match op {
        0 if at < bytes.len() => bytes[at] = byte,
        1 => bytes.insert(at, byte),
        2 if at < bytes.len() => {
            bytes.remove(at);
        }
        3 => bytes.truncate(at),
        _ => {
            let run: Vec<u8> = bytes[at..bytes.len().min(at + 16)].to_vec();
            bytes.splice(at..at, run);
        }
    }
}

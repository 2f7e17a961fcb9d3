//! The integration tests of `exchange` in one binary: each file beside this one is a module
//! of it. A new test file must be added below; `every_test_file_is_a_module` fails until it is.

#[path = "fuzz.rs"]
mod fuzz;
/// The fuzzing harness lives with the domain crate's fuzz tests; included by path so that
/// neither crate's tests depend on the other.
#[path = "../../domain/tests/fuzz/harness.rs"]
mod fuzz_harness;

#[test]
fn every_test_file_is_a_module() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests");
    let me = include_str!("integration.rs");
    for entry in std::fs::read_dir(dir).expect("tests dir") {
        let path = entry.expect("entry").path();
        let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        if path.extension().is_some_and(|e| e == "rs") && stem != "integration" {
            let declared = format!("mod {stem};");
            assert!(
                me.contains(&declared),
                "tests/{stem}.rs is not in tests/integration.rs"
            );
        }
    }
}

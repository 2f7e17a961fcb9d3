//! The integration tests of `domain` in one binary: each file beside this one is a module
//! of it, so the whole application is linked once instead of once per file (CI time on two
//! cores). A new test file must be added below; `every_test_file_is_a_module` fails until it is.

#[path = "calendar.rs"]
mod calendar;
#[path = "case_engine.rs"]
mod case_engine;
#[path = "catalog.rs"]
mod catalog;
#[path = "contribution_reading.rs"]
mod contribution_reading;
#[path = "fuzz.rs"]
mod fuzz;
#[path = "fuzz/harness.rs"]
mod fuzz_harness;
#[path = "ids_props.rs"]
mod ids_props;
#[path = "maternity_rules.rs"]
mod maternity_rules;
#[path = "provisional_calendar.rs"]
mod provisional_calendar;

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

//! The maternity-allowance rules: the case table (tests/data/maternity_cases.toml), the
//! whole input matrix, and the parameter file's validation.

// The matrix and the parameter-file tests live beside the case table in tests/data, as
// modules of this test crate (cargo builds only tests/*.rs as test targets).
#[path = "data/params_validation.rs"]
mod params_validation;
#[path = "data/rules_matrix.rs"]
mod rules_matrix;

use onething_domain::Fen;
use onething_domain::rules::maternity::{
    MaternityDecision, MaternityFacts, evaluate, evaluate_into, parse_facts,
};
use onething_domain::rules::params::MaternityParams;
use serde::Deserialize;

const CASES: &str = include_str!("data/maternity_cases.toml");
const FIXTURE: &str = include_str!("data/maternity_params_fixture.toml");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    base: toml::Table,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    #[serde(default)]
    params: Option<String>,
    #[serde(default)]
    set: toml::Table,
    #[serde(default)]
    unset: Vec<String>,
    expect: Expect,
    #[serde(default)]
    explains: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    eligible: Option<bool>,
    reasons: Option<Vec<String>>,
    leave_days: Option<u32>,
    amount_fen: Option<i64>,
    payee: Option<String>,
    error: Option<String>,
    field: Option<String>,
}

pub(crate) fn fixture() -> MaternityParams {
    MaternityParams::from_toml(FIXTURE).expect("fixture parses")
}

/// The case's input line: base, then `set`, minus `unset`, as one line of JSON.
fn input_line(base: &toml::Table, case: &Case) -> String {
    let mut fields = base.clone();
    fields.extend(case.set.clone());
    for key in &case.unset {
        fields.remove(key);
    }
    serde_json::to_string(&fields).expect("json")
}

#[test]
fn case_table() {
    let table: Table = toml::from_str(CASES).expect("case table parses");
    let (shipped, fixture) = (MaternityParams::shipped(), fixture());
    assert!(table.cases.len() >= 80, "{} cases", table.cases.len());
    for case in &table.cases {
        let params = match case.params.as_deref() {
            None | Some("shipped") => &shipped,
            Some("fixture") => &fixture,
            Some(other) => panic!("{}: unknown params {other}", case.name),
        };
        let line = input_line(&table.base, case);
        match parse_facts(&line) {
            Ok(facts) => check_decision(case, &facts, &evaluate(&facts, params)),
            Err(error) => {
                let code = serde_json::to_value(error.code).expect("code");
                assert_eq!(
                    Some(code.as_str().expect("str")),
                    case.expect.error.as_deref(),
                    "{}: {error}",
                    case.name
                );
                assert_eq!(error.field, case.expect.field, "{}", case.name);
                assert!(!error.message.is_empty());
            }
        }
    }
}

fn check_decision(case: &Case, facts: &MaternityFacts, decision: &MaternityDecision) {
    let name = &case.name;
    let expect = &case.expect;
    assert_eq!(
        expect.error, None,
        "{name}: expected an error, got {decision:?}"
    );
    let reasons: Vec<&str> = decision.reasons.iter().map(|r| r.code()).collect();
    assert_eq!(
        Some(decision.eligible),
        expect.eligible,
        "{name}: {decision:#?}"
    );
    assert_eq!(
        Some(reasons),
        expect
            .reasons
            .as_ref()
            .map(|r| r.iter().map(String::as_str).collect()),
        "{name}"
    );
    assert_eq!(Some(decision.leave_days), expect.leave_days, "{name}");
    assert_eq!(
        Some(decision.amount_fen.as_i64()),
        expect.amount_fen,
        "{name}"
    );
    assert_eq!(
        decision.payee.map(|p| p.as_str()),
        expect.payee.as_deref(),
        "{name}"
    );
    assert_eq!(decision.case_id, facts.case_id);
    for fragment in &case.explains {
        assert!(
            decision
                .explanation
                .iter()
                .any(|line| line.contains(fragment.as_str())),
            "{name}: no line contains {fragment:?}:\n{}",
            decision.explanation.join("\n")
        );
    }
    check_invariants(facts, decision);
}

/// What must hold for every decision, whatever the input.
pub(crate) fn check_invariants(facts: &MaternityFacts, decision: &MaternityDecision) {
    assert!(!decision.explanation.is_empty() && decision.explanation.iter().all(|l| !l.is_empty()));
    // Printed on the 申请表 and shown to employers and mothers: values in words, never a
    // parameter key (`cesarean_is_dystocia = true`) or a reason code (`UNKNOWN_REGION`).
    for line in &decision.explanation {
        let technical = line
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .any(|word| word.contains('_'));
        assert!(
            !technical && !line.contains("= true") && !line.contains("= false"),
            "{line}"
        );
    }
    assert!(
        decision.reasons.windows(2).all(|w| w[0] < w[1]),
        "sorted, no repeats"
    );
    if decision.eligible {
        assert!(decision.reasons.is_empty());
        assert!(decision.leave_days > 0);
        assert!(decision.payee.is_some());
        let wage = facts.employer_avg_monthly_wage_fen;
        let exact = wage.checked_mul_div(i64::from(decision.leave_days), 30);
        assert_eq!(Ok(decision.amount_fen), exact);
    } else {
        assert!(!decision.reasons.is_empty());
        assert_eq!(
            (decision.leave_days, decision.amount_fen, decision.payee),
            (0, Fen::ZERO, None)
        );
    }
}

#[test]
fn contract_example_gives_exactly_the_contract_output() {
    let line = r#"{"case_id":"c1","claimant_sex":"female","event_type":"cesarean","event_date":"2024-03-05","babies":2,"pregnancy_weeks":38,"region":"500228","employer_avg_monthly_wage_fen":900000,"contribution_months":14,"insurance_status":"normal","employment_status":"employed","scheme":"employee","settled_in_network":true}"#;
    let facts = parse_facts(line).expect("valid");
    let json = serde_json::to_string(&evaluate(&facts, &MaternityParams::shipped())).expect("json");
    let prefix = r#"{"case_id":"c1","eligible":true,"reasons":[],"leave_days":208,"amount_fen":6240000,"payee":"employer","explanation":[""#;
    assert!(json.starts_with(prefix), "{json}");
    assert!(json.ends_with("\"]}"), "{json}");
}

#[test]
fn invalid_json_lines_name_no_field() {
    for line in ["", "not json", "[1,2]", "{\"case_id\":\"x\"", "{} {}"] {
        let error = parse_facts(line).expect_err(line);
        let json = serde_json::to_string(&error).expect("json");
        assert!(
            json.starts_with(
                r#"{"case_id":null,"error":{"code":"INVALID_JSON","field":null,"message":""#
            ),
            "{json}"
        );
    }
    let error = parse_facts(r#"{"case_id":"k","claimant_sex":"x"}"#).expect_err("bad");
    let json = serde_json::to_string(&error).expect("json");
    assert!(
        json.starts_with(r#"{"case_id":"k","error":{"code":"INVALID_ENUM","field":"claimant_sex""#),
        "{json}"
    );
}

/// Throughput of parse + decide + serialise, the CLI's work per line without the I/O:
/// `cargo test --release -p onething-domain --test maternity_rules -- --ignored --nocapture`.
#[test]
#[ignore = "benchmark"]
fn throughput_of_a_million_lines() {
    let params = MaternityParams::shipped();
    let templates: Vec<String> = ["cesarean", "vaginal", "miscarriage", "induced"]
        .iter()
        .flat_map(|event| {
            [("500228", 14), ("420281", 3), ("110105", 14)].map(|(region, months)| format!(
                r#"{{"case_id":"c-{event}-{region}","claimant_sex":"female","event_type":"{event}","event_date":"2024-03-05","babies":2,"pregnancy_weeks":20,"region":"{region}","employer_avg_monthly_wage_fen":900001,"contribution_months":{months},"insurance_status":"normal","employment_status":"employed","scheme":"employee","settled_in_network":true}}"#
            ))
        })
        .collect();
    let mut decision = MaternityDecision::default();
    let mut out = Vec::with_capacity(1 << 20);
    let (mut bytes, started) = (0usize, std::time::Instant::now());
    for i in 0..1_000_000 {
        let facts = parse_facts(&templates[i % templates.len()]).expect("valid");
        evaluate_into(&facts, &params, &mut decision);
        serde_json::to_writer(&mut out, &decision).expect("json");
        out.push(b'\n');
        if out.len() > 1 << 20 {
            bytes += out.len();
            out.clear();
        }
    }
    eprintln!(
        "1M lines in {:?}, {} MB out",
        started.elapsed(),
        (bytes + out.len()) >> 20
    );
}

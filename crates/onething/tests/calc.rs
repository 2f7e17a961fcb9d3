//! `onething calc maternity-allowance` and `onething params show`, run as a user would.

use std::io::Write;
use std::process::{Command, Output, Stdio};

const EXAMPLE: &str = r#"{"case_id":"c1","claimant_sex":"female","event_type":"cesarean","event_date":"2024-03-05","babies":2,"pregnancy_weeks":38,"region":"500228","employer_avg_monthly_wage_fen":900000,"contribution_months":14,"insurance_status":"normal","employment_status":"employed","scheme":"employee","settled_in_network":true}"#;
const EXAMPLE_OUT: &str = r#"{"case_id":"c1","eligible":true,"reasons":[],"leave_days":208,"amount_fen":6240000,"payee":"employer","explanation":[""#;

fn onething(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_onething"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts");
    // A command refused before it reads its input (e.g. an invalid parameter file) closes
    // stdin early: a broken pipe here is that outcome, judged by the exit code below.
    let written = child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes());
    if let Err(e) = written {
        assert_eq!(
            e.kind(),
            std::io::ErrorKind::BrokenPipe,
            "writing stdin: {e}"
        );
    }
    child.wait_with_output().expect("runs")
}

fn calc(stdin: &str, extra: &[&str]) -> Output {
    let mut args = vec!["calc", "maternity-allowance", "--input", "-"];
    args.extend_from_slice(extra);
    onething(&args, stdin)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("utf-8")
}

#[test]
fn contract_example_gives_the_contract_output() {
    let out = calc(&format!("{EXAMPLE}\n"), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1);
    assert!(lines[0].starts_with(EXAMPLE_OUT), "{}", lines[0]);
    let decision: serde_json::Value = serde_json::from_str(lines[0]).expect("json");
    let explanation = decision["explanation"].as_array().expect("array");
    assert!(
        explanation
            .iter()
            .any(|l| l.as_str().expect("str").contains("208天"))
    );
}

#[test]
fn explain_codes_gives_steps_and_explain_none_only_the_decision() {
    let out = calc(&format!("{EXAMPLE}\n"), &["--explain", "codes"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let decision: serde_json::Value = serde_json::from_str(text(&out.stdout).trim()).expect("json");
    assert!(decision.get("explanation").is_none(), "{decision}");
    assert_eq!(
        (
            decision["leave_days"].as_u64(),
            decision["amount_fen"].as_i64()
        ),
        (Some(208), Some(6_240_000))
    );
    let steps = decision["steps"].as_array().expect("steps");
    let codes: Vec<&str> = steps
        .iter()
        .map(|s| s["code"].as_str().expect("code"))
        .collect();
    assert_eq!(codes.first(), Some(&"PARAMS"));
    assert!(
        codes.contains(&"CESAREAN_AS_DYSTOCIA") && codes.contains(&"MULTIPLE_BIRTH"),
        "{codes:?}"
    );
    let amount = steps
        .iter()
        .find(|s| s["code"] == "AMOUNT")
        .expect("amount step");
    assert_eq!(amount["wage_fen"], 900_000);
    assert_eq!(amount["days"], 208);
    assert_eq!(amount["amount_fen"], 6_240_000);

    let out = calc(&format!("{EXAMPLE}\n"), &["--explain", "none"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout).trim(),
        r#"{"case_id":"c1","eligible":true,"reasons":[],"leave_days":208,"amount_fen":6240000,"payee":"employer"}"#
    );
    let out = calc(EXAMPLE, &["--explain", "prose"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "an unknown mode is a usage error"
    );
}

#[test]
fn an_invalid_line_gets_an_error_line_and_exit_1_the_others_are_decided() {
    let input =
        format!("{EXAMPLE}\n{{\"case_id\":\"c2\",\"claimant_sex\":\"x\"}}\nnot json\n{EXAMPLE}");
    let out = calc(&input, &[]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 4, "{stdout}");
    assert!(lines[0].starts_with(EXAMPLE_OUT));
    assert!(
        lines[1].starts_with(
            r#"{"case_id":"c2","error":{"code":"INVALID_ENUM","field":"claimant_sex","message":""#
        ),
        "{}",
        lines[1]
    );
    assert!(lines[2].starts_with(r#"{"case_id":null,"error":{"code":"INVALID_JSON","field":null"#));
    assert!(
        lines[3].starts_with(EXAMPLE_OUT),
        "a last line without newline is read"
    );
    assert!(text(&out.stderr).contains("2 invalid"));
}

#[test]
fn output_file_and_params_file_are_honoured() {
    let dir = std::env::temp_dir().join(format!("onething-calc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let params = dir.join("params.toml");
    let shipped = text(&onething(&["params", "show"], "").stdout);
    // The same rules with the insured person as payee.
    std::fs::write(
        &params,
        shipped.replacen("payee = \"employer\"", "payee = \"insured_person\"", 1),
    )
    .expect("write");
    let output = dir.join("out.jsonl");
    let out = calc(
        EXAMPLE,
        &[
            "--output",
            output.to_str().expect("path"),
            "--params",
            params.to_str().expect("path"),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let written = std::fs::read_to_string(&output).expect("output");
    assert!(
        written.contains(r#""leave_days":208,"amount_fen":6240000,"payee":"insured_person""#),
        "{written}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn an_invalid_params_file_is_refused_with_its_line_and_exit_2() {
    let dir = std::env::temp_dir().join(format!("onething-params-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let params = dir.join("bad.toml");
    std::fs::write(&params, "[[regions]]\ncode = \"500000\"\nname = \"重庆市\"\n\n[[regions.periods]]\neffective_from = \"2021-11-25\"\nbase_dayz = 98\n").expect("write");
    let path = params.to_str().expect("path");
    for args in [
        vec!["params", "show", "--params", path],
        vec![
            "calc",
            "maternity-allowance",
            "--input",
            "-",
            "--params",
            path,
        ],
    ] {
        let out = onething(&args, EXAMPLE);
        assert_eq!(out.status.code(), Some(2));
        let stderr = text(&out.stderr);
        assert!(stderr.contains("参数文件第7行"), "{stderr}");
        assert!(out.stdout.is_empty());
    }
    let missing = onething(
        &[
            "calc",
            "maternity-allowance",
            "--input",
            "/nonexistent/x.jsonl",
        ],
        "",
    );
    assert_eq!(missing.status.code(), Some(2));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn params_show_prints_the_shipped_file_with_its_sources() {
    let out = onething(&["params", "show"], "");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("code = \"500000\"") && stdout.contains("code = \"420000\""));
    assert!(stdout.contains("女职工劳动保护特别规定"));
    assert!(text(&out.stderr).contains("500000 重庆市 自 2021-11-25 起"));
}

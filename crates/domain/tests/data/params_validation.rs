//! The parameter file's validation (part of tests/maternity_rules.rs): each kind of
//! mistake in an edited copy of the shipped file is refused with the right line.

use onething_domain::rules::params::{MaternityParams, SHIPPED_MATERNITY_TOML};

/// Applies `edit` to the shipped file and returns the refusal and the 1-based line of
/// the first line containing `marker` in the edited text.
fn refused(edit: impl Fn(&str) -> String, marker: &str) -> (usize, usize, String) {
    let text = edit(SHIPPED_MATERNITY_TOML);
    let error = MaternityParams::from_toml(&text).expect_err("refused");
    let line = text
        .lines()
        .position(|l| l.contains(marker))
        .expect("marker")
        + 1;
    (error.line, line, error.message_zh())
}

fn assert_refused(edit: impl Fn(&str) -> String, marker: &str, says: &str) {
    let (line, expected, message) = refused(edit, marker);
    assert_eq!(line, expected, "{message}");
    assert!(
        message.starts_with(&format!("参数文件第{expected}行：")),
        "{message}"
    );
    assert!(message.contains(says), "{message}");
}

#[test]
fn unknown_key_is_refused_at_its_line() {
    assert_refused(
        |t| t.replacen("base_days = 98", "base_days = 98\nbse_days = 98", 1),
        "bse_days",
        "未知参数 bse_days",
    );
}

#[test]
fn missing_key_is_refused_at_its_period() {
    // The period's header is the line toml blames for a missing key.
    let edit = |t: &str| t.replacen("paternity_days = 20", "", 1);
    let (line, _, message) = refused(edit, "[[regions.periods]]");
    let text = edit(SHIPPED_MATERNITY_TOML);
    assert_eq!(
        text.lines().nth(line - 1),
        Some("[[regions.periods]]"),
        "{message}"
    );
    assert!(message.contains("缺少参数 paternity_days"), "{message}");
}

#[test]
fn duplicate_effective_from_is_refused_at_the_second() {
    let edit = |t: &str| {
        let period = t
            .split("[[regions.periods]]")
            .nth(1)
            .expect("period")
            .split("[regions.periods.notes]")
            .next()
            .expect("keys");
        let (head, tail) = t
            .split_once("\n[[regions]]\ncode = \"420000\"")
            .expect("hubei");
        format!(
            "{head}\n[[regions.periods]]{}\n[[regions]]\ncode = \"420000\"{tail}",
            period.replacen("effective_from", "effective_from  ", 1)
        )
    };
    assert_refused(edit, "effective_from  ", "有两个自 2021-11-25 起施行的时期");
}

#[test]
fn bad_values_are_refused_at_their_line() {
    assert_refused(
        |t| t.replacen("payee = \"employer\"", "payee = \"boss\"", 1),
        "\"boss\"",
        "boss",
    );
    assert_refused(
        |t| t.replacen("code = \"420000\"", "code = \"990000\"", 1),
        "990000",
        "行政区划代码",
    );
    assert_refused(
        |t| t.replacen("base_days = 98", "base_days = 0", 1),
        "base_days = 0",
        "超出允许范围",
    );
    assert_refused(
        |t| t.replacen("\"2021-11-26\"", "\"2021-13-01\"", 1),
        "2021-13-01",
        "不是 YYYY-MM-DD",
    );
    assert_refused(
        |t| t.replacen("paternity_days = 15", "paternity_days = -1", 1),
        "paternity_days = -1",
        "取值",
    );
    assert_refused(
        |t| {
            t.replacen(
                "late_induction_birth_weeks = 28",
                "late_induction_birth_weeks = 12",
                1,
            )
        },
        "late_induction_birth_weeks = 12",
        "不能小于",
    );
}

#[test]
fn duplicate_region_is_refused_at_the_second() {
    let (line, _, message) = refused(
        |t| t.replacen("code = \"420000\"", "code = \"500000\"", 1),
        "code",
    );
    let text = SHIPPED_MATERNITY_TOML;
    let second = text
        .lines()
        .position(|l| l == "code = \"420000\"")
        .expect("hubei")
        + 1;
    assert_eq!(line, second, "{message}");
    assert!(message.contains("地区 500000 重复"), "{message}");
}

#[test]
fn notes_must_name_a_parameter() {
    assert_refused(
        |t| {
            t.replacen(
                "[regions.periods.notes]\n",
                "[regions.periods.notes]\nbase_dayz = \"x\"\n",
                1,
            )
        },
        "[regions.periods.notes]",
        "base_dayz",
    );
}

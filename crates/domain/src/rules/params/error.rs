//! Why a parameter file was refused. Every error carries the 1-based line to fix, so the
//! platform can refuse to start with "参数文件第12行：…".

/// A refused parameter file: the line at fault and what is wrong there.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("parameter file, line {line}: {problem}")]
pub struct ParamsError {
    /// 1-based line of the offending key, value or table header.
    pub line: usize,
    pub problem: ParamsProblem,
}

/// What is wrong at [`ParamsError::line`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParamsProblem {
    /// TOML syntax, an unknown or missing key, a wrong type or an unknown enum value:
    /// toml's own message (English), translated for the Chinese text where we can.
    #[error("{message}")]
    Toml { message: String },
    #[error("the file has no [[regions]]")]
    NoRegions,
    #[error("{key} = {value:?} is not a date YYYY-MM-DD")]
    InvalidDate { key: &'static str, value: String },
    #[error("region code {value:?} is invalid: {reason}")]
    InvalidRegionCode { value: String, reason: String },
    #[error("region {code} appears twice (first on line {first_line})")]
    DuplicateRegion { code: String, first_line: usize },
    #[error("region {code} has no [[regions.periods]]")]
    NoPeriods { code: String },
    #[error("region {code} has two periods from {date} (first on line {first_line})")]
    DuplicatePeriod {
        code: String,
        date: String,
        first_line: usize,
    },
    #[error("{key} = {value} is outside {min}..={max}")]
    OutOfRange {
        key: &'static str,
        value: u32,
        min: u32,
        max: u32,
    },
    #[error("{key} is empty")]
    EmptyText { key: &'static str },
    #[error("note for unknown parameter {key:?}")]
    UnknownNoteKey { key: String },
    #[error(
        "late_induction_birth_weeks ({late}) is below miscarriage_threshold_weeks ({threshold})"
    )]
    ThresholdsOutOfOrder { late: u32, threshold: u32 },
    #[error("a [[reimbursement.periods]] states no hospital level (level_1, level_2, level_3)")]
    NoHospitalLevels,
    #[error("contribution_reading = \"cumulative\" needs contribution_window_months")]
    CumulativeWithoutWindow,
    #[error("contribution_window_months is only for contribution_reading = \"cumulative\"")]
    WindowWithoutCumulative,
}

impl ParamsError {
    /// The Chinese message for the operator, starting with the line: "参数文件第12行：…".
    pub fn message_zh(&self) -> String {
        format!("参数文件第{}行：{}", self.line, self.problem.message_zh())
    }
}

impl ParamsProblem {
    pub fn message_zh(&self) -> String {
        match self {
            Self::Toml { message } => toml_message_zh(message),
            Self::NoRegions => "文件中没有任何 [[regions]] 地区".to_owned(),
            Self::InvalidDate { key, value } => {
                format!("{key} 的值“{value}”不是 YYYY-MM-DD 格式的有效日期")
            }
            Self::InvalidRegionCode { value, reason } => {
                format!("行政区划代码“{value}”无效：{reason}")
            }
            Self::DuplicateRegion { code, first_line } => {
                format!("地区 {code} 重复（第{first_line}行已有）")
            }
            Self::NoPeriods { code } => format!("地区 {code} 没有任何 [[regions.periods]] 时期"),
            Self::DuplicatePeriod {
                code,
                date,
                first_line,
            } => format!("地区 {code} 有两个自 {date} 起施行的时期（第{first_line}行已有）"),
            Self::OutOfRange {
                key,
                value,
                min,
                max,
            } => format!("{key} = {value} 超出允许范围 {min}–{max}"),
            Self::EmptyText { key } => format!("{key} 不能为空"),
            Self::UnknownNoteKey { key } => {
                format!("notes 中的“{key}”不是参数名（注释须对应某个参数）")
            }
            Self::ThresholdsOutOfOrder { late, threshold } => format!(
                "late_induction_birth_weeks（{late}）不能小于 miscarriage_threshold_weeks（{threshold}）"
            ),
            Self::NoHospitalLevels => "[[reimbursement.periods]] 未写明任何医院等级的标准（level_1 一级、level_2 二级、level_3 三级，至少一项）".to_owned(),
            Self::CumulativeWithoutWindow => "contribution_reading = \"cumulative\"（累计缴费）须同时写明 contribution_window_months（在生育当月之前多少个月内累计）".to_owned(),
            Self::WindowWithoutCumulative => "contribution_window_months 只用于 contribution_reading = \"cumulative\"（累计缴费）；连续缴费不需要计算期间".to_owned(),
        }
    }
}

/// Chinese for toml's common messages; anything else keeps toml's English text.
fn toml_message_zh(message: &str) -> String {
    if let Some(key) = quoted_after(message, "missing field `") {
        return format!("缺少参数 {key}（每个时期都必须写明全部参数，没有默认值）");
    }
    if let Some(key) = quoted_after(message, "unknown field `") {
        return format!("未知参数 {key}（是否拼写错误？）；toml：{message}");
    }
    if let Some(value) = quoted_after(message, "unknown variant `") {
        return format!("取值“{value}”无效；toml：{message}");
    }
    if message.starts_with("invalid value") || message.starts_with("invalid type") {
        return format!("取值类型或范围错误；toml：{message}");
    }
    if message.starts_with("duplicate key") {
        return format!("参数重复；toml：{message}");
    }
    format!("TOML 格式错误：{message}")
}

/// The text between `prefix` and the next backquote.
fn quoted_after<'a>(message: &'a str, prefix: &str) -> Option<&'a str> {
    let rest = message.strip_prefix(prefix)?;
    rest.split_once('`').map(|(quoted, _)| quoted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_messages_are_translated() {
        assert_eq!(
            toml_message_zh("missing field `base_days`"),
            "缺少参数 base_days（每个时期都必须写明全部参数，没有默认值）"
        );
        assert!(toml_message_zh("unknown field `bse_days`, expected one of").contains("bse_days"));
        assert!(toml_message_zh("unknown variant `boss`, expected").contains("“boss”"));
        assert!(toml_message_zh("expected `=`").starts_with("TOML 格式错误"));
    }

    #[test]
    fn message_zh_starts_with_the_line() {
        let e = ParamsError {
            line: 12,
            problem: ParamsProblem::NoRegions,
        };
        assert!(e.message_zh().starts_with("参数文件第12行："));
        assert!(e.to_string().starts_with("parameter file, line 12: "));
    }
}

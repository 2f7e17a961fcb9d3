//! Reading one input line (contract.md, the input line) into [`MaternityFacts`], with an
//! error that names the field: `{"case_id":…,"error":{"code","field","message"}}`.
//!
//! The line is first read into untyped scalars (strings borrowed from the line where
//! JSON allows), so that a wrong value is reported for its field with our own code and a
//! Chinese message instead of serde's first complaint; then each field is checked.

use std::borrow::Cow;

use serde::{Serialize, Serializer};

use super::facts::{
    EmploymentStatus, Event, EventType, InsuranceStatus, MaternityFacts, Procedure, Scheme,
};
use super::parse_raw::{FIELD_COUNT, Field, RawLine, Scalar};
use crate::{Fen, RegionCode, Sex};

/// Bounds that keep every computation exact and catch typing mistakes.
const MAX_BABIES: i64 = 9;
const MAX_WEEKS: i64 = 45;
const MAX_CONTRIBUTION_MONTHS: i64 = 1200;
/// 10^12 fen (10 billion yuan a month): far above any wage, far below overflow.
const MAX_WAGE_FEN: i64 = 1_000_000_000_000;

/// The `code` of an invalid line's error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum InputErrorCode {
    /// Not a JSON object, or not JSON at all (or not UTF-8, or an empty line).
    InvalidJson,
    UnknownField,
    DuplicateField,
    MissingField,
    /// A string where a number belongs, a fraction where an integer belongs…
    InvalidType,
    InvalidEnum,
    InvalidDate,
    OutOfRange,
    InvalidRegionCode,
    /// `procedure` given for an event that is not a family-planning surgery.
    UnexpectedField,
}

/// Why a line could not be read; serialises as the contract's error line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code:?} ({}): {message}", field.as_deref().unwrap_or("-"))]
pub struct InputError {
    /// The line's `case_id` when it could be read as a string.
    pub case_id: Option<String>,
    pub code: InputErrorCode,
    pub field: Option<String>,
    /// Chinese, for the person who fixes the input.
    pub message: String,
}

impl InputError {
    /// A line that is not a JSON object (also used by the CLI for bad UTF-8).
    pub fn invalid_json(message: impl Into<String>) -> InputError {
        InputError {
            case_id: None,
            code: InputErrorCode::InvalidJson,
            field: None,
            message: message.into(),
        }
    }
}

impl Serialize for InputError {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Line<'a> {
            case_id: &'a Option<String>,
            error: Body<'a>,
        }
        #[derive(Serialize)]
        struct Body<'a> {
            code: InputErrorCode,
            field: &'a Option<String>,
            message: &'a str,
        }
        Line {
            case_id: &self.case_id,
            error: Body {
                code: self.code,
                field: &self.field,
                message: &self.message,
            },
        }
        .serialize(serializer)
    }
}

/// A field's problem, before the line's case id is attached.
struct Problem {
    code: InputErrorCode,
    field: Cow<'static, str>,
    message: String,
}

fn problem(code: InputErrorCode, field: Field, message: impl Into<String>) -> Problem {
    Problem {
        code,
        field: Cow::Borrowed(field.name()),
        message: message.into(),
    }
}

/// Reads one JSON input line.
pub fn parse_facts(line: &str) -> Result<MaternityFacts, InputError> {
    let raw: RawLine<'_> = serde_json::from_str(line)
        .map_err(|e| InputError::invalid_json(format!("不是有效的 JSON 对象：{e}")))?;
    let case_id = match raw.get(Field::CaseId) {
        Some(Scalar::Str(text)) if !text.is_empty() => Some(text.as_ref()),
        _ => None,
    };
    facts(&raw).map_err(|p| InputError {
        case_id: case_id.map(str::to_owned),
        code: p.code,
        field: Some(p.field.into_owned()),
        message: p.message,
    })
}

fn facts(raw: &RawLine<'_>) -> Result<MaternityFacts, Problem> {
    if let Some((code, field)) = &raw.structural {
        let message = match code {
            InputErrorCode::DuplicateField => format!("字段 {field} 重复出现"),
            _ => format!("未知字段 {field}（是否拼写错误？）"),
        };
        return Err(Problem {
            code: *code,
            field: Cow::Owned(field.clone()),
            message,
        });
    }
    let case_id = text(raw, Field::CaseId)?;
    if case_id.is_empty() {
        return Err(problem(
            InputErrorCode::MissingField,
            Field::CaseId,
            "case_id 不能为空",
        ));
    }
    Ok(MaternityFacts {
        case_id: case_id.to_owned(),
        claimant_sex: choice(
            raw,
            Field::ClaimantSex,
            &[("female", Sex::Female), ("male", Sex::Male)],
        )?,
        event: event(raw)?,
        event_date: date(raw, Field::EventDate)?,
        region: region(raw)?,
        employer_avg_monthly_wage_fen: Fen::new(integer(raw, Field::Wage, 0, MAX_WAGE_FEN)?),
        contribution_months: count(raw, Field::ContributionMonths, 0, MAX_CONTRIBUTION_MONTHS)?,
        contribution_history: None,
        insurance_status: choice(raw, Field::InsuranceStatus, &INSURANCE_STATUSES)?,
        employment_status: choice(raw, Field::EmploymentStatus, &EMPLOYMENT_STATUSES)?,
        scheme: choice(
            raw,
            Field::Scheme,
            &[
                ("employee", Scheme::Employee),
                ("resident", Scheme::Resident),
            ],
        )?,
        settled_in_network: flag(raw, Field::SettledInNetwork)?,
    })
}

const EVENT_TYPES: [(&str, EventType); 6] = [
    ("vaginal", EventType::Vaginal),
    ("cesarean", EventType::Cesarean),
    ("dystocia", EventType::Dystocia),
    ("miscarriage", EventType::Miscarriage),
    ("induced", EventType::Induced),
    ("family_planning_surgery", EventType::FamilyPlanningSurgery),
];
const PROCEDURES: [(&str, Procedure); 4] = [
    ("iud_insertion", Procedure::IudInsertion),
    ("iud_removal", Procedure::IudRemoval),
    ("tubal_ligation", Procedure::TubalLigation),
    ("vasectomy", Procedure::Vasectomy),
];
const INSURANCE_STATUSES: [(&str, InsuranceStatus); 3] = [
    ("normal", InsuranceStatus::Normal),
    ("suspended", InsuranceStatus::Suspended),
    ("terminated", InsuranceStatus::Terminated),
];
const EMPLOYMENT_STATUSES: [(&str, EmploymentStatus); 5] = [
    ("employed", EmploymentStatus::Employed),
    ("unemployed", EmploymentStatus::Unemployed),
    (
        "unemployment_benefit",
        EmploymentStatus::UnemploymentBenefit,
    ),
    ("flexible", EmploymentStatus::Flexible),
    ("retired", EmploymentStatus::Retired),
];

/// The event with exactly the data its kind needs (see `Event`).
fn event(raw: &RawLine<'_>) -> Result<Event, Problem> {
    let event_type = choice(raw, Field::EventType, &EVENT_TYPES)?;
    let babies = optional_count(raw, Field::Babies, 0, MAX_BABIES)?;
    let weeks = optional_count(raw, Field::PregnancyWeeks, 1, MAX_WEEKS)?;
    let procedure = match raw.get(Field::Procedure) {
        None => None,
        Some(_) => Some(choice(raw, Field::Procedure, &PROCEDURES)?),
    };
    if procedure.is_some() && event_type != EventType::FamilyPlanningSurgery {
        let message = "procedure 只用于 event_type = family_planning_surgery";
        return Err(problem(
            InputErrorCode::UnexpectedField,
            Field::Procedure,
            message,
        ));
    }
    let missing = |field: Field, why: &str| {
        problem(
            InputErrorCode::MissingField,
            field,
            format!("缺少字段 {}（{why}）", field.name()),
        )
    };
    let births = |babies: Option<u32>| match babies {
        None => Err(missing(Field::Babies, "分娩须填写婴儿数")),
        Some(0) => Err(problem(
            InputErrorCode::OutOfRange,
            Field::Babies,
            "分娩的婴儿数至少为1",
        )),
        Some(n) => Ok(n),
    };
    let loss_weeks = |weeks: Option<u32>| {
        weeks.ok_or_else(|| missing(Field::PregnancyWeeks, "流产、引产须填写孕周"))
    };
    Ok(match event_type {
        EventType::Vaginal => Event::Vaginal {
            babies: births(babies)?,
        },
        EventType::Cesarean => Event::Cesarean {
            babies: births(babies)?,
        },
        EventType::Dystocia => Event::Dystocia {
            babies: births(babies)?,
        },
        EventType::Miscarriage => Event::Miscarriage {
            weeks: loss_weeks(weeks)?,
        },
        // An induction counts as a birth from the late threshold; one baby when absent.
        EventType::Induced => Event::Induced {
            weeks: loss_weeks(weeks)?,
            babies: babies.unwrap_or(1).max(1),
        },
        EventType::FamilyPlanningSurgery => Event::FamilyPlanningSurgery(
            procedure.ok_or_else(|| missing(Field::Procedure, "计划生育手术须填写手术类型"))?,
        ),
    })
}

fn missing_field(field: Field) -> Problem {
    problem(
        InputErrorCode::MissingField,
        field,
        format!("缺少字段 {}", field.name()),
    )
}

/// `expected` reads "应为…": the type the contract gives the field.
fn wrong_type(field: Field, expected: &str) -> Problem {
    problem(
        InputErrorCode::InvalidType,
        field,
        format!("{} {expected}", field.name()),
    )
}

fn text<'r>(raw: &'r RawLine<'_>, field: Field) -> Result<&'r str, Problem> {
    match raw.get(field) {
        Some(Scalar::Str(text)) => Ok(text),
        None => Err(missing_field(field)),
        Some(_) => Err(wrong_type(field, "应为字符串")),
    }
}

fn choice<T: Copy>(raw: &RawLine<'_>, field: Field, table: &[(&str, T)]) -> Result<T, Problem> {
    let value = text(raw, field)?;
    if let Some((_, choice)) = table.iter().find(|(name, _)| *name == value) {
        return Ok(*choice);
    }
    let mut allowed = String::new();
    for (i, (name, _)) in table.iter().enumerate() {
        allowed.push_str(if i == 0 { "" } else { "、" });
        allowed.push_str(name);
    }
    let message = format!("{} 的值“{value}”无效，应为 {allowed} 之一", field.name());
    Err(problem(InputErrorCode::InvalidEnum, field, message))
}

fn date(raw: &RawLine<'_>, field: Field) -> Result<chrono::NaiveDate, Problem> {
    let value = text(raw, field)?;
    iso_date(value).ok_or_else(|| {
        let message = format!(
            "{} 的值“{value}”不是 YYYY-MM-DD 格式的有效日期",
            field.name()
        );
        problem(InputErrorCode::InvalidDate, field, message)
    })
}

/// A `YYYY-MM-DD` date, read by hand: chrono's format-string parser was a tenth of a batch
/// run's time (docs/benchmarks.md, "Rules"), and alone it accepts "2024-3-5", which the
/// contract's dates never are.
fn iso_date(value: &str) -> Option<chrono::NaiveDate> {
    let b = value.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let number = |digits: &[u8]| -> Option<u32> {
        digits.iter().try_fold(0u32, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    let year = i32::try_from(number(&b[0..4])?).ok()?;
    chrono::NaiveDate::from_ymd_opt(year, number(&b[5..7])?, number(&b[8..10])?)
}

fn region(raw: &RawLine<'_>) -> Result<RegionCode, Problem> {
    let value = text(raw, Field::Region)?;
    RegionCode::parse(value).map_err(|e| {
        problem(
            InputErrorCode::InvalidRegionCode,
            Field::Region,
            e.message_zh(),
        )
    })
}

fn flag(raw: &RawLine<'_>, field: Field) -> Result<bool, Problem> {
    match raw.get(field) {
        Some(Scalar::Bool(value)) => Ok(*value),
        None => Err(missing_field(field)),
        Some(_) => Err(wrong_type(field, "应为 true 或 false")),
    }
}

fn integer(raw: &RawLine<'_>, field: Field, min: i64, max: i64) -> Result<i64, Problem> {
    optional_integer(raw, field, min, max)?.ok_or_else(|| missing_field(field))
}

fn count(raw: &RawLine<'_>, field: Field, min: i64, max: i64) -> Result<u32, Problem> {
    let value = integer(raw, field, min, max)?;
    // In range, so it fits; the fallback is unreachable.
    Ok(u32::try_from(value).unwrap_or(u32::MAX))
}

fn optional_count(
    raw: &RawLine<'_>,
    field: Field,
    min: i64,
    max: i64,
) -> Result<Option<u32>, Problem> {
    let value = optional_integer(raw, field, min, max)?;
    Ok(value.map(|v| u32::try_from(v).unwrap_or(u32::MAX)))
}

/// An integer in `min..=max`, or `None` when absent or null.
fn optional_integer(
    raw: &RawLine<'_>,
    field: Field,
    min: i64,
    max: i64,
) -> Result<Option<i64>, Problem> {
    let out_of_range = || {
        let message = format!("{} 应在 {min} 到 {max} 之间", field.name());
        problem(InputErrorCode::OutOfRange, field, message)
    };
    match raw.get(field) {
        None => Ok(None),
        Some(Scalar::Int(value)) if (min..=max).contains(value) => Ok(Some(*value)),
        Some(Scalar::Int(_) | Scalar::BigInt) => Err(out_of_range()),
        Some(_) => Err(wrong_type(field, "应为整数")),
    }
}

const _: () = assert!(FIELD_COUNT == 14);

#[cfg(test)]
mod tests {
    use super::iso_date;

    #[test]
    fn dates_are_exactly_yyyy_mm_dd_and_real() {
        let day = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d);
        assert_eq!(iso_date("2024-02-29"), day(2024, 2, 29));
        assert_eq!(iso_date("0001-01-01"), day(1, 1, 1));
        for bad in [
            "2023-02-29",
            "2024-13-01",
            "2024-00-10",
            "2024-3-5",
            "2024-03-5 ",
            "+024-03-05",
            "2024/03/05",
            "２０24-03-05",
            "",
            "2024-03-051",
            "20a4-03-05",
        ] {
            assert_eq!(iso_date(bad), None, "{bad}");
        }
    }
}

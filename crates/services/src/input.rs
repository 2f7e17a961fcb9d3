//! Reading raw fields into validated domain types, naming the field in every refusal. Both
//! front doors (JSON bodies and forms) build their commands through these.

use chrono::NaiveDate;
use onething_domain::{BirthCertificateNo, CitizenId, Uscc};

use crate::Invalid;

/// The trimmed text, or `None` when absent or blank.
pub fn optional_text(value: Option<&str>) -> Option<String> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// The trimmed text, required, at most `max` characters.
pub fn required_text(
    value: Option<&str>,
    field: &str,
    label: &str,
    max: usize,
) -> Result<String, Invalid> {
    let Some(raw) = value else {
        return Err(Invalid::missing(
            field,
            format!("{label}（{field}）不能为空"),
        ));
    };
    let text = optional_text(Some(raw)).ok_or_else(|| {
        Invalid::new("INVALID_BODY", field, format!("{label}（{field}）不能为空"))
    })?;
    if text.chars().count() > max {
        return Err(Invalid::new(
            "INVALID_BODY",
            field,
            format!("{label}（{field}）不超过{max}个字符"),
        ));
    }
    Ok(text)
}

pub fn citizen_id(value: &str, field: &str) -> Result<CitizenId, Invalid> {
    CitizenId::parse(value.trim())
        .map_err(|e| Invalid::new(e.code(), field, format!("{field}：{}", e.message_zh())))
}

pub fn uscc(value: &str, field: &str) -> Result<Uscc, Invalid> {
    Uscc::parse(value.trim())
        .map_err(|e| Invalid::new(e.code(), field, format!("{field}：{}", e.message_zh())))
}

/// An optional birth certificate number (blank is none).
pub fn certificate_no(value: Option<&str>, field: &str) -> Result<Option<String>, Invalid> {
    let Some(text) = optional_text(value) else {
        return Ok(None);
    };
    BirthCertificateNo::parse(&text)
        .map_err(|e| Invalid::new(e.code(), field, format!("{field}：{}", e.message_zh())))?;
    Ok(Some(text))
}

/// A `YYYY-MM-DD` date.
pub fn date(value: Option<&str>, field: &str, label: &str) -> Result<NaiveDate, Invalid> {
    let text = optional_text(value)
        .ok_or_else(|| Invalid::missing(field, format!("{label}（{field}）不能为空")))?;
    NaiveDate::parse_from_str(&text, "%Y-%m-%d").map_err(|_| {
        Invalid::new(
            "INVALID_DATE",
            field,
            format!("{label}（{field}）须为 YYYY-MM-DD 格式的日期"),
        )
    })
}

//! Reads one pushed record field by field, collecting every error instead of stopping at
//! the first. Each dataset's `read` calls one method per field, then builds its typed
//! record only if nothing was wrong.
//!
//! Leniency (documented in docs/exchange.md): integers may arrive as JSON strings of
//! digits and booleans as the strings `"true"`/`"false"`, because departments export CSV;
//! strings are trimmed; `null` and `""` mean "absent".

use std::ops::RangeInclusive;

use chrono::{DateTime, FixedOffset, NaiveDate};
use onething_domain::{BirthCertificateNo, CitizenId, Fen, IdError, RegionCode, Uscc, YearMonth};
use serde_json::{Map, Value};

use super::error::{FieldCode, FieldError};

/// Dates before or after these years are typing mistakes, not history or plans.
const YEARS: RangeInclusive<i32> = 1900..=2100;

pub(crate) struct Fields<'a> {
    record: &'a Map<String, Value>,
    errors: Vec<FieldError>,
}

impl<'a> Fields<'a> {
    pub fn new(record: &'a Map<String, Value>) -> Self {
        Self {
            record,
            errors: Vec::new(),
        }
    }

    /// Adds the errors for fields the dataset does not have and hands back all errors.
    pub fn finish(mut self, known: &[(&str, super::FieldType)]) -> Vec<FieldError> {
        for name in self.record.keys() {
            if !known.iter().any(|(k, _)| k == name) {
                self.errors.push(FieldError::unknown(name));
            }
        }
        self.errors
    }

    pub fn report(&mut self, field: &str, code: FieldCode, message: String) {
        self.errors.push(FieldError::new(field, code, message));
    }

    /// The trimmed text of a field; `None` when absent (`null`, `""`) without an error.
    fn optional_str(&mut self, field: &str) -> Option<&'a str> {
        match self.record.get(field) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if s.trim().is_empty() => None,
            Some(Value::String(s)) => Some(s.trim()),
            Some(other) => {
                let found = json_kind(other);
                self.report(
                    field,
                    FieldCode::InvalidType,
                    format!("字段 {field} 应为字符串，实为{found}"),
                );
                None
            }
        }
    }

    fn required_str(&mut self, field: &str) -> Option<&'a str> {
        let present = self.has(field);
        let value = self.optional_str(field);
        if !present {
            self.errors.push(FieldError::missing(field));
        }
        value
    }

    /// Whether the field has a value (not absent, `null` or blank).
    pub fn has(&self, field: &str) -> bool {
        match self.record.get(field) {
            None | Some(Value::Null) => false,
            Some(Value::String(s)) => !s.trim().is_empty(),
            Some(_) => true,
        }
    }

    /// Required free text of at most `max_chars` characters.
    pub fn text(&mut self, field: &str, max_chars: usize) -> Option<String> {
        let text = self.required_str(field)?;
        self.check_length(field, text, max_chars)
    }

    /// Optional free text of at most `max_chars` characters.
    pub fn optional_text(&mut self, field: &str, max_chars: usize) -> Option<String> {
        let text = self.optional_str(field)?;
        self.check_length(field, text, max_chars)
    }

    fn check_length(&mut self, field: &str, text: &str, max_chars: usize) -> Option<String> {
        let found = text.chars().count();
        if found > max_chars {
            self.report(
                field,
                FieldCode::OutOfRange,
                format!("字段 {field} 最长{max_chars}个字符，实为{found}个"),
            );
            return None;
        }
        Some(text.to_owned())
    }

    /// One of `options` (wire name, value).
    pub fn choice<T: Copy>(&mut self, field: &str, options: &[(&str, T)]) -> Option<T> {
        let text = self.required_str(field)?;
        self.pick(field, text, options)
    }

    pub fn optional_choice<T: Copy>(&mut self, field: &str, options: &[(&str, T)]) -> Option<T> {
        let text = self.optional_str(field)?;
        self.pick(field, text, options)
    }

    fn pick<T: Copy>(&mut self, field: &str, text: &str, options: &[(&str, T)]) -> Option<T> {
        if let Some((_, value)) = options.iter().find(|(name, _)| *name == text) {
            return Some(*value);
        }
        let allowed: Vec<&str> = options.iter().map(|(name, _)| *name).collect();
        self.report(
            field,
            FieldCode::InvalidEnum,
            format!(
                "字段 {field} 的值“{text}”不在允许范围内：{}",
                allowed.join("、")
            ),
        );
        None
    }

    pub fn citizen_id(&mut self, field: &str) -> Option<CitizenId> {
        let text = self.required_str(field)?;
        self.id(field, CitizenId::parse(text))
    }

    pub fn optional_citizen_id(&mut self, field: &str) -> Option<Option<CitizenId>> {
        self.optional(field, Self::citizen_id)
    }

    pub fn uscc(&mut self, field: &str) -> Option<Uscc> {
        let text = self.required_str(field)?;
        self.id(field, Uscc::parse(text))
    }

    pub fn optional_uscc(&mut self, field: &str) -> Option<Option<Uscc>> {
        self.optional(field, Self::uscc)
    }

    pub fn region(&mut self, field: &str) -> Option<RegionCode> {
        let text = self.required_str(field)?;
        self.id(field, RegionCode::parse(text))
    }

    pub fn birth_certificate_no(&mut self, field: &str) -> Option<BirthCertificateNo> {
        let text = self.required_str(field)?;
        self.id(field, BirthCertificateNo::parse(text))
    }

    fn id<T>(&mut self, field: &str, parsed: Result<T, IdError>) -> Option<T> {
        parsed
            .map_err(|e| self.errors.push(FieldError::id(field, &e)))
            .ok()
    }

    /// `Some(None)` when absent, `Some(Some(v))` when valid, `None` when invalid.
    fn optional<T>(
        &mut self,
        field: &str,
        read: fn(&mut Self, &str) -> Option<T>,
    ) -> Option<Option<T>> {
        if !self.has(field) {
            // Still reports a wrong JSON type such as `{}`.
            self.optional_str(field);
            return Some(None);
        }
        read(self, field).map(Some)
    }

    /// A `YYYY-MM-DD` date between 1900 and 2100.
    pub fn date(&mut self, field: &str) -> Option<NaiveDate> {
        let text = self.required_str(field)?;
        let date = match parse_date(text) {
            Some(date) => date,
            None => {
                self.report(
                    field,
                    FieldCode::InvalidDate,
                    format!("字段 {field} 的日期“{text}”无效，应为存在的日期，如 2024-03-05"),
                );
                return None;
            }
        };
        self.check_year(field, chrono::Datelike::year(&date))?;
        Some(date)
    }

    /// An RFC 3339 instant with an explicit offset, between 1900 and 2100.
    pub fn time(&mut self, field: &str) -> Option<DateTime<FixedOffset>> {
        let text = self.required_str(field)?;
        let Ok(time) = DateTime::parse_from_rfc3339(text) else {
            self.report(
                field,
                FieldCode::InvalidTime,
                format!("字段 {field} 的时间“{text}”无效，应为带时区的RFC 3339时间，如 2024-03-05T08:30:00+08:00"),
            );
            return None;
        };
        self.check_year(field, chrono::Datelike::year(&time))?;
        Some(time)
    }

    /// A `YYYY-MM` month within `years`.
    pub fn month(&mut self, field: &str, years: RangeInclusive<i32>) -> Option<YearMonth> {
        let text = self.required_str(field)?;
        let month = match YearMonth::parse(text) {
            Ok(month) if text.len() == 7 => month,
            _ => {
                self.report(
                    field,
                    FieldCode::InvalidDate,
                    format!("字段 {field} 的年月“{text}”无效，应如 2024-03"),
                );
                return None;
            }
        };
        self.in_range(field, i64::from(month.year()), to_i64(&years), "年份")?;
        Some(month)
    }

    fn check_year(&mut self, field: &str, year: i32) -> Option<()> {
        self.in_range(field, i64::from(year), to_i64(&YEARS), "年份")
    }

    /// A JSON integer, or a string of digits (CSV exports), within `range`.
    pub fn integer(&mut self, field: &str, range: RangeInclusive<i64>) -> Option<i64> {
        let value = self.raw_integer(field)?;
        self.in_range(field, value, range, "值")?;
        Some(value)
    }

    /// A count or measure within `range`, in the narrow type the typed record uses.
    pub fn count<T: TryFrom<i64>>(&mut self, field: &str, range: RangeInclusive<i64>) -> Option<T> {
        self.integer(field, range).and_then(|v| T::try_from(v).ok())
    }

    /// A non-negative amount of money in fen.
    pub fn fen(&mut self, field: &str) -> Option<Fen> {
        self.integer(field, 0..=i64::MAX).map(Fen::new)
    }

    fn raw_integer(&mut self, field: &str) -> Option<i64> {
        let parsed = match self.record.get(field) {
            None | Some(Value::Null) => None,
            Some(Value::Number(n)) => Some(n.as_i64().ok_or_else(|| n.to_string())),
            Some(Value::String(s)) if s.trim().is_empty() => None,
            Some(Value::String(s)) => Some(parse_integer_text(s.trim()).ok_or_else(|| s.clone())),
            Some(other) => Some(Err(json_kind(other).to_owned())),
        };
        match parsed {
            None => {
                self.errors.push(FieldError::missing(field));
                None
            }
            Some(Ok(value)) => Some(value),
            Some(Err(found)) => {
                self.report(
                    field,
                    FieldCode::InvalidType,
                    format!("字段 {field} 应为整数，实为“{found}”"),
                );
                None
            }
        }
    }

    fn in_range(
        &mut self,
        field: &str,
        value: i64,
        range: RangeInclusive<i64>,
        what: &str,
    ) -> Option<()> {
        if range.contains(&value) {
            return Some(());
        }
        let (low, high) = (range.start(), range.end());
        let bounds = if *high == i64::MAX {
            format!("不小于{low}")
        } else {
            format!("应在{low}–{high}之间")
        };
        self.report(
            field,
            FieldCode::OutOfRange,
            format!("字段 {field} 的{what}{value}超出范围：{bounds}"),
        );
        None
    }

    /// `true`/`false`, or those words as strings (CSV exports).
    pub fn boolean(&mut self, field: &str) -> Option<bool> {
        match self.record.get(field) {
            None | Some(Value::Null) => {
                self.errors.push(FieldError::missing(field));
                None
            }
            Some(Value::Bool(b)) => Some(*b),
            Some(Value::String(s)) if s.trim() == "true" => Some(true),
            Some(Value::String(s)) if s.trim() == "false" => Some(false),
            Some(Value::String(s)) if s.trim().is_empty() => {
                self.errors.push(FieldError::missing(field));
                None
            }
            Some(other) => {
                let found = other.to_string();
                self.report(
                    field,
                    FieldCode::InvalidType,
                    format!("字段 {field} 应为 true 或 false，实为 {found}"),
                );
                None
            }
        }
    }
}

fn to_i64(years: &RangeInclusive<i32>) -> RangeInclusive<i64> {
    i64::from(*years.start())..=i64::from(*years.end())
}

/// Strictly `YYYY-MM-DD` (chrono alone would accept `2024-3-5`).
fn parse_date(text: &str) -> Option<NaiveDate> {
    let bytes = text.as_bytes();
    let shaped = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
    if !shaped {
        return None;
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// An optional minus sign and ASCII digits only: no `+`, no decimals, no exponent.
fn parse_integer_text(text: &str) -> Option<i64> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "布尔值",
        Value::Number(_) => "数字",
        Value::String(_) => "字符串",
        Value::Array(_) => "数组",
        Value::Object(_) => "对象",
    }
}

//! 公民身份号码 (GB 11643-1999): region (6) + birth date YYYYMMDD (8) + sequence (3,
//! odd for men) + a mod-11 check character. A `CitizenId` value is always one that
//! passes every rule, so code holding one never re-checks it.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::scan::{digits, exact_chars};
use super::{IdError, IdKind, RegionCode, Sex};

const KIND: IdKind = IdKind::CitizenId;
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/// A valid citizen id number. `Display` prints the full number; logs and screens
/// that do not need it call [`CitizenId::masked`]. `Debug` is masked so that ids do
/// not leak through `{:?}` in traces.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CitizenId {
    text: String,
    region: RegionCode,
    birth: NaiveDate,
    sex: Sex,
}

impl CitizenId {
    /// Parses an 18-character id. A lowercase `x` check character is accepted and
    /// stored as `X`, since applicants type both.
    pub fn parse(text: &str) -> Result<Self, IdError> {
        let chars = exact_chars(KIND, text, 18)?;
        let body = body_digits(&chars)?;
        let found = found_check(&chars)?;
        let region = RegionCode::checked(KIND, number(&body[0..6]))?;
        let birth = birth_date(&body)?;
        let expected = check_char(&body);
        if found != expected {
            return Err(IdError::BadCheckCharacter {
                kind: KIND,
                expected,
                found,
            });
        }
        Ok(Self {
            text: format!("{}{expected}", &text[..17]),
            region,
            birth,
            sex: Sex::from_sequence_digit(body[16]),
        })
    }

    /// Builds the id a person with these parts would carry, computing the check
    /// character. Used by generators and by tests.
    pub fn from_parts(
        region: RegionCode,
        birth: NaiveDate,
        sequence: u16,
    ) -> Result<Self, IdError> {
        check_birth_year(birth.year())?;
        if sequence > 999 {
            return Err(IdError::SequenceOutOfRange { sequence });
        }
        let body = format!("{region}{}{sequence:03}", birth.format("%Y%m%d"));
        let values: Vec<u32> = body.chars().filter_map(|c| c.to_digit(10)).collect();
        Self::parse(&format!("{body}{}", check_char(&values)))
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn birth_date(&self) -> NaiveDate {
        self.birth
    }

    pub fn sex(&self) -> Sex {
        self.sex
    }

    pub fn region(&self) -> RegionCode {
        self.region
    }

    /// First 6 and last 4 characters with the birth date starred out, e.g.
    /// `500228********1234`: enough for staff to match a person, no birth date.
    pub fn masked(&self) -> String {
        // The text is 18 ASCII characters, so these byte ranges are in bounds.
        format!("{}********{}", &self.text[..6], &self.text[14..])
    }
}

/// Positions 1–17 as digits.
fn body_digits(chars: &[char]) -> Result<[u32; 17], IdError> {
    let mut body = [0; 17];
    for (i, slot) in body.iter_mut().enumerate() {
        *slot = digits(KIND, chars, i..i + 1)?;
    }
    Ok(body)
}

/// Position 18: a digit or `X`/`x`, returned uppercase.
fn found_check(chars: &[char]) -> Result<char, IdError> {
    match chars.get(17) {
        Some(c @ '0'..='9') => Ok(*c),
        Some('X' | 'x') => Ok('X'),
        other => Err(IdError::BadCharacter {
            kind: KIND,
            position: 18,
            found: other.copied().unwrap_or(' '),
        }),
    }
}

fn number(digits: &[u32]) -> u32 {
    digits.iter().fold(0, |acc, d| acc * 10 + d)
}

fn birth_date(body: &[u32; 17]) -> Result<NaiveDate, IdError> {
    let year = number(&body[6..10]) as i32;
    check_birth_year(year)?;
    NaiveDate::from_ymd_opt(year, number(&body[10..12]), number(&body[12..14])).ok_or_else(|| {
        IdError::ImpossibleBirthDate {
            text: body[6..14].iter().map(u32::to_string).collect(),
        }
    })
}

fn check_birth_year(year: i32) -> Result<(), IdError> {
    if (1900..=9999).contains(&year) {
        Ok(())
    } else {
        Err(IdError::BirthYearOutOfRange { year })
    }
}

/// GB 11643 check: (12 − Σ wᵢaᵢ mod 11) mod 11, with 10 written `X`.
fn check_char(body: &[u32]) -> char {
    let sum: u32 = body.iter().zip(WEIGHTS).map(|(d, w)| d * w).sum();
    match (12 - sum % 11) % 11 {
        10 => 'X',
        value => char::from(b'0' + value as u8),
    }
}

impl fmt::Display for CitizenId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for CitizenId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CitizenId({})", self.masked())
    }
}

crate::ids::string_value!(
    CitizenId,
    IdError,
    "公民身份号码 (GB 11643-1999), 18 characters with check character",
    "^[0-9]{17}[0-9Xx]$",
    "11010519491231002X"
);

#[cfg(test)]
mod tests;

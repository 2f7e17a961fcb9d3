//! 统一社会信用代码 (GB 32100-2015): authority (1) + type (1) + region (6) +
//! organisation code (9, GB 11714, with its own mod-11 check) + a mod-31 check
//! character. Employers are identified by it in maternity-allowance payments.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::scan::{digits, exact_chars};
use super::{IdError, IdKind, RegionCode};

const KIND: IdKind = IdKind::Uscc;
/// The 31 characters a code may use, in value order (I, O, S, V and Z are left out
/// because they are easily misread).
const ALPHABET: [char; 31] = [
    '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'J',
    'K', 'L', 'M', 'N', 'P', 'Q', 'R', 'T', 'U', 'W', 'X', 'Y',
];
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];
const ORG_WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];

/// A valid unified social credit code, stored uppercase.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Uscc {
    text: String,
    region: RegionCode,
}

impl Uscc {
    /// Parses an 18-character code; lowercase letters are accepted and uppercased.
    pub fn parse(text: &str) -> Result<Self, IdError> {
        let chars: Vec<char> = exact_chars(KIND, text, 18)?
            .into_iter()
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let values = alphabet_values(&chars)?;
        let region = RegionCode::checked(KIND, digits(KIND, &chars, 2..8)?)?;
        let expected = organisation_check(&chars[8..16]);
        if chars[16] != expected {
            return Err(IdError::BadOrganisationCheck {
                expected,
                found: chars[16],
            });
        }
        let expected = code_check(&values[..17]);
        if chars[17] != expected {
            return Err(IdError::BadCheckCharacter {
                kind: KIND,
                expected,
                found: chars[17],
            });
        }
        Ok(Self {
            text: chars.into_iter().collect(),
            region,
        })
    }

    /// Builds a code from its parts, computing both check characters. `org_body`
    /// is the 8-character organisation code body (positions 9–16).
    pub fn from_parts(
        authority: char,
        kind: char,
        region: RegionCode,
        org_body: &str,
    ) -> Result<Self, IdError> {
        let found = org_body.chars().count();
        if found != 8 {
            return Err(IdError::OrganisationBodyLength { found });
        }
        let mut chars: Vec<char> = [authority, kind]
            .into_iter()
            .chain(region.to_string().chars())
            .chain(org_body.chars())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        alphabet_values(&chars)?;
        chars.push(organisation_check(&chars[8..16]));
        let values = alphabet_values(&chars)?;
        chars.push(code_check(&values));
        Self::parse(&chars.into_iter().collect::<String>())
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn region(&self) -> RegionCode {
        self.region
    }

    /// First 8 (authority, type, region) and last 4 characters, e.g.
    /// `91110000******341L`, for lists where the full code is not needed.
    pub fn masked(&self) -> String {
        // The text is 18 ASCII characters, so these byte ranges are in bounds.
        format!("{}******{}", &self.text[..8], &self.text[14..])
    }
}

/// The GB 32100 value of every character, rejecting the first one outside the
/// alphabet.
fn alphabet_values(chars: &[char]) -> Result<Vec<u32>, IdError> {
    chars
        .iter()
        .enumerate()
        .map(|(i, &found)| {
            value_of(found).ok_or(IdError::BadCharacter {
                kind: KIND,
                position: i + 1,
                found,
            })
        })
        .collect()
}

fn value_of(c: char) -> Option<u32> {
    ALPHABET.iter().position(|&a| a == c).map(|i| i as u32)
}

/// GB 11714 check over the organisation code body. Its characters take their
/// base-36 value (A = 10 … Z = 35), unlike the GB 32100 alphabet.
fn organisation_check(body: &[char]) -> char {
    let sum: u32 = body
        .iter()
        .zip(ORG_WEIGHTS)
        .map(|(c, w)| c.to_digit(36).unwrap_or(0) * w)
        .sum();
    match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        value => char::from(b'0' + value as u8),
    }
}

/// GB 32100 check: (31 − Σ wᵢvᵢ mod 31) mod 31, as an alphabet character.
fn code_check(values: &[u32]) -> char {
    let sum: u32 = values.iter().zip(WEIGHTS).map(|(v, w)| v * w).sum();
    ALPHABET[((31 - sum % 31) % 31) as usize]
}

impl fmt::Display for Uscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

crate::ids::string_value!(
    Uscc,
    IdError,
    "统一社会信用代码 (GB 32100-2015), 18 characters",
    "^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$",
    "91110000600037341L"
);

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = "91110000600037341L";

    #[test]
    fn parses_the_standard_example() {
        let code = Uscc::parse(EXAMPLE).expect("example is valid");
        assert_eq!(code.as_str(), EXAMPLE);
        assert_eq!(code.region().to_string(), "110000");
        assert_eq!(code.masked(), "91110000******341L");
        assert_eq!(Uscc::parse("91110000600037341l"), Ok(code));
    }

    #[test]
    fn from_parts_rebuilds_the_example() {
        let region = RegionCode::parse("110000").expect("region");
        let code = Uscc::from_parts('9', '1', region, "60003734").expect("valid parts");
        assert_eq!(code.as_str(), EXAMPLE);
        assert_eq!(
            Uscc::from_parts('9', '1', region, "6000373"),
            Err(IdError::OrganisationBodyLength { found: 7 })
        );
        assert_eq!(
            Uscc::from_parts('9', 'I', region, "60003734"),
            Err(IdError::BadCharacter {
                kind: KIND,
                position: 2,
                found: 'I'
            })
        );
    }

    #[test]
    fn rejections_are_specific() {
        let wrong_length = Uscc::parse("91110000600037341").expect_err("17 chars");
        assert!(matches!(
            wrong_length,
            IdError::WrongLength { found: 17, .. }
        ));
        assert_eq!(
            Uscc::parse("91110000600O37341L"),
            Err(IdError::BadCharacter {
                kind: KIND,
                position: 12,
                found: 'O'
            })
        );
        assert_eq!(
            Uscc::parse("911100A0600037341L"),
            Err(IdError::BadCharacter {
                kind: KIND,
                position: 7,
                found: 'A'
            })
        );
        assert_eq!(
            Uscc::parse("91100000600037341L"),
            Err(IdError::UnknownProvince {
                kind: KIND,
                prefix: 10
            })
        );
        assert_eq!(
            Uscc::parse("91110000600037342L"),
            Err(IdError::BadOrganisationCheck {
                expected: '1',
                found: '2'
            })
        );
        let bad_check = Uscc::parse("91110000600037341M").expect_err("bad check");
        assert_eq!(
            bad_check,
            IdError::BadCheckCharacter {
                kind: KIND,
                expected: 'L',
                found: 'M'
            }
        );
        assert_eq!(bad_check.code(), "INVALID_USCC");
        assert_eq!(
            bad_check.message_zh(),
            "统一社会信用代码校验位错误：应为L，实为M"
        );
    }

    #[test]
    fn serde_round_trip_and_rejection() {
        let code = Uscc::parse(EXAMPLE).expect("valid");
        let json = serde_json::to_string(&code).expect("serialize");
        assert_eq!(json, format!("\"{EXAMPLE}\""));
        assert_eq!(
            serde_json::from_str::<Uscc>(&json).expect("deserialize"),
            code
        );
        assert!(serde_json::from_str::<Uscc>("\"91110000600037341M\"").is_err());
    }
}

//! 出生医学证明编号: one capital letter (the print batch) and nine digits. There is
//! no public check digit, so a typo that keeps the shape is caught only when the
//! health department's record does not match.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::scan::{digits, exact_chars};
use super::{IdError, IdKind};

const KIND: IdKind = IdKind::BirthCertificateNo;

/// A well-formed birth certificate number, e.g. `Q510012345`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct BirthCertificateNo(String);

impl BirthCertificateNo {
    pub fn parse(text: &str) -> Result<Self, IdError> {
        let chars = exact_chars(KIND, text, 10)?;
        if !chars[0].is_ascii_uppercase() {
            return Err(IdError::BadCharacter {
                kind: KIND,
                position: 1,
                found: chars[0],
            });
        }
        digits(KIND, &chars, 1..10)?;
        Ok(Self(text.to_owned()))
    }

    /// Builds a number from its batch letter and serial (0..=999_999_999).
    pub fn from_parts(letter: char, serial: u32) -> Result<Self, IdError> {
        Self::parse(&format!("{letter}{serial:09}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for BirthCertificateNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

crate::ids::string_value!(
    BirthCertificateNo,
    IdError,
    "出生医学证明编号: one capital letter and nine digits",
    "^[A-Z][0-9]{9}$",
    "Q510012345"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_letter_and_nine_digits() {
        let no = BirthCertificateNo::parse("Q510012345").expect("valid");
        assert_eq!(no.as_str(), "Q510012345");
        assert_eq!(BirthCertificateNo::from_parts('Q', 510_012_345), Ok(no));
    }

    #[test]
    fn rejections_are_specific() {
        assert_eq!(
            BirthCertificateNo::parse("Q51001234"),
            Err(IdError::WrongLength {
                kind: KIND,
                expected: 10,
                found: 9
            })
        );
        assert_eq!(
            BirthCertificateNo::parse("q510012345"),
            Err(IdError::BadCharacter {
                kind: KIND,
                position: 1,
                found: 'q'
            })
        );
        let err = BirthCertificateNo::parse("Q5100X2345").expect_err("letter in digits");
        assert_eq!(
            err,
            IdError::BadCharacter {
                kind: KIND,
                position: 6,
                found: 'X'
            }
        );
        assert_eq!(err.code(), "INVALID_CERTIFICATE_NO");
        assert!(BirthCertificateNo::from_parts('Q', 1_000_000_000).is_err());
    }

    #[test]
    fn serde_as_string() {
        let no = BirthCertificateNo::parse("A000000001").expect("valid");
        let json = serde_json::to_string(&no).expect("serialize");
        assert_eq!(json, "\"A000000001\"");
        assert_eq!(
            serde_json::from_str::<BirthCertificateNo>(&json).expect("back"),
            no
        );
        assert!(serde_json::from_str::<BirthCertificateNo>("\"A00000001\"").is_err());
    }
}

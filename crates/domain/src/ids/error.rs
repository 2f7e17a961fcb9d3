//! One error type for every identifier, precise enough that a form can tell the
//! applicant *which* character is wrong, and stable codes for the API.

use std::fmt;

/// Which kind of identifier an [`IdError`] is about. It decides the error code, so an
/// unknown province inside a citizen id is reported as `INVALID_CITIZEN_ID`, not as a
/// region-code error the applicant never typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdKind {
    CitizenId,
    Uscc,
    RegionCode,
    BirthCertificateNo,
}

impl IdKind {
    /// The API error code shared by every error about this kind of identifier.
    pub fn code(self) -> &'static str {
        match self {
            Self::CitizenId => "INVALID_CITIZEN_ID",
            Self::Uscc => "INVALID_USCC",
            Self::RegionCode => "INVALID_REGION_CODE",
            Self::BirthCertificateNo => "INVALID_CERTIFICATE_NO",
        }
    }

    /// The name an applicant knows the identifier by.
    pub fn name_zh(self) -> &'static str {
        match self {
            Self::CitizenId => "公民身份号码",
            Self::Uscc => "统一社会信用代码",
            Self::RegionCode => "行政区划代码",
            Self::BirthCertificateNo => "出生医学证明编号",
        }
    }
}

impl fmt::Display for IdKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::CitizenId => "citizen id",
            Self::Uscc => "unified social credit code",
            Self::RegionCode => "region code",
            Self::BirthCertificateNo => "birth certificate number",
        })
    }
}

/// Why an identifier was rejected. Positions are 1-based character positions, as
/// printed on the card or certificate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("{kind}: expected {expected} characters, found {found}")]
    WrongLength {
        kind: IdKind,
        expected: usize,
        found: usize,
    },
    #[error("{kind}: character {found:?} at position {position} is not allowed there")]
    BadCharacter {
        kind: IdKind,
        position: usize,
        found: char,
    },
    #[error("{kind}: check character should be {expected}, found {found}")]
    BadCheckCharacter {
        kind: IdKind,
        expected: char,
        found: char,
    },
    #[error("{kind}: organisation code check character should be {expected}, found {found}", kind = IdKind::Uscc)]
    BadOrganisationCheck { expected: char, found: char },
    #[error("{kind}: organisation code body must be 8 characters, found {found}", kind = IdKind::Uscc)]
    OrganisationBodyLength { found: usize },
    #[error("{kind}: no province has code {prefix:02}")]
    UnknownProvince { kind: IdKind, prefix: u32 },
    #[error("{kind}: birth date {text} does not exist", kind = IdKind::CitizenId)]
    ImpossibleBirthDate { text: String },
    #[error("{kind}: birth year {year} is outside 1900..=9999", kind = IdKind::CitizenId)]
    BirthYearOutOfRange { year: i32 },
    #[error("{kind}: sequence {sequence} is outside 0..=999", kind = IdKind::CitizenId)]
    SequenceOutOfRange { sequence: u16 },
}

impl IdError {
    /// Which identifier the error is about.
    pub fn kind(&self) -> IdKind {
        match self {
            Self::WrongLength { kind, .. }
            | Self::BadCharacter { kind, .. }
            | Self::BadCheckCharacter { kind, .. }
            | Self::UnknownProvince { kind, .. } => *kind,
            Self::BadOrganisationCheck { .. } | Self::OrganisationBodyLength { .. } => IdKind::Uscc,
            Self::ImpossibleBirthDate { .. }
            | Self::BirthYearOutOfRange { .. }
            | Self::SequenceOutOfRange { .. } => IdKind::CitizenId,
        }
    }

    /// Stable SCREAMING_SNAKE code for API responses, one per identifier kind.
    pub fn code(&self) -> &'static str {
        self.kind().code()
    }

    /// The message shown to applicants and window staff.
    pub fn message_zh(&self) -> String {
        let name = self.kind().name_zh();
        match self {
            Self::WrongLength {
                expected, found, ..
            } => format!("{name}应为{expected}位，实为{found}位"),
            Self::BadCharacter {
                position, found, ..
            } => format!("{name}第{position}位字符“{found}”不合法"),
            Self::BadCheckCharacter {
                expected, found, ..
            } => format!("{name}校验位错误：应为{expected}，实为{found}"),
            Self::BadOrganisationCheck { expected, found } => {
                format!("{name}中组织机构代码校验位错误：应为{expected}，实为{found}")
            }
            Self::OrganisationBodyLength { found } => {
                format!("{name}中组织机构代码本体应为8位，实为{found}位")
            }
            Self::UnknownProvince { prefix, .. } => {
                format!("{name}地区码错误：省级代码“{prefix:02}”不存在")
            }
            Self::ImpossibleBirthDate { text } => format!("{name}出生日期“{text}”不存在"),
            Self::BirthYearOutOfRange { year } => {
                format!("{name}出生年份{year}超出1900–9999年范围")
            }
            Self::SequenceOutOfRange { sequence } => {
                format!("{name}顺序码应在000–999之间，实为{sequence}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_follow_the_identifier_kind() {
        let e = IdError::UnknownProvince {
            kind: IdKind::CitizenId,
            prefix: 10,
        };
        assert_eq!(e.code(), "INVALID_CITIZEN_ID");
        let e = IdError::BadOrganisationCheck {
            expected: '1',
            found: '2',
        };
        assert_eq!(e.code(), "INVALID_USCC");
        let e = IdError::WrongLength {
            kind: IdKind::RegionCode,
            expected: 6,
            found: 5,
        };
        assert_eq!(e.code(), "INVALID_REGION_CODE");
        let e = IdError::WrongLength {
            kind: IdKind::BirthCertificateNo,
            expected: 10,
            found: 5,
        };
        assert_eq!(e.code(), "INVALID_CERTIFICATE_NO");
    }

    #[test]
    fn chinese_message_names_expected_and_found() {
        let e = IdError::BadCheckCharacter {
            kind: IdKind::CitizenId,
            expected: 'X',
            found: '5',
        };
        assert_eq!(e.message_zh(), "公民身份号码校验位错误：应为X，实为5");
        assert_eq!(
            e.to_string(),
            "citizen id: check character should be X, found 5"
        );
    }
}

//! `insurance-enrollments` (医保参保登记), pushed by medical insurance itself; key
//! `person_id|scheme|effective_from`.

use chrono::NaiveDate;
use onething_domain::{CitizenId, RegionCode, Uscc};
use serde::{Deserialize, Serialize};

use super::reader::Fields;
use super::record::Index;
use super::{FieldType, KEY_SEPARATOR, Schema};

/// 职工医保 or 城乡居民医保.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InsuranceScheme {
    Employee,
    Resident,
}

impl InsuranceScheme {
    fn as_str(self) -> &'static str {
        match self {
            Self::Employee => "employee",
            Self::Resident => "resident",
        }
    }
}

const SCHEMES: &[(&str, InsuranceScheme)] = &[
    ("employee", InsuranceScheme::Employee),
    ("resident", InsuranceScheme::Resident),
];

/// 参保状态.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InsuranceStatus {
    Normal,
    Suspended,
    Terminated,
}

const STATUSES: &[(&str, InsuranceStatus)] = &[
    ("normal", InsuranceStatus::Normal),
    ("suspended", InsuranceStatus::Suspended),
    ("terminated", InsuranceStatus::Terminated),
];

/// One enrollment period of a person in a scheme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InsuranceEnrollment {
    pub person_id: CitizenId,
    pub scheme: InsuranceScheme,
    /// Required for the employee scheme, the employer that enrolled the person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employer_uscc: Option<Uscc>,
    pub status: InsuranceStatus,
    pub region_code: RegionCode,
    pub effective_from: NaiveDate,
}

impl Schema for InsuranceEnrollment {
    const FIELDS: &'static [(&'static str, FieldType)] = &[
        ("person_id", FieldType::Text),
        ("scheme", FieldType::Text),
        ("employer_uscc", FieldType::Text),
        ("status", FieldType::Text),
        ("region_code", FieldType::Text),
        ("effective_from", FieldType::Date),
    ];
    const KEY: &'static [&'static str] = &["person_id", "scheme", "effective_from"];

    fn read(f: &mut Fields<'_>) -> Option<Self> {
        let person_id = f.citizen_id("person_id");
        let scheme = f.choice("scheme", SCHEMES);
        let employer_uscc = read_employer(f, scheme);
        let status = f.choice("status", STATUSES);
        let region_code = f.region("region_code");
        let effective_from = f.date("effective_from");
        Some(Self {
            person_id: person_id?,
            scheme: scheme?,
            employer_uscc: employer_uscc?,
            status: status?,
            region_code: region_code?,
            effective_from: effective_from?,
        })
    }

    fn index(&self) -> Index {
        Index {
            key: [
                self.person_id.to_string(),
                self.scheme.as_str().to_owned(),
                self.effective_from.to_string(),
            ]
            .join(KEY_SEPARATOR),
            subject_id: Some(self.person_id.to_string()),
            other_id: None,
            employer_uscc: self.employer_uscc.as_ref().map(ToString::to_string),
            event_date: Some(self.effective_from),
        }
    }
}

/// The employee scheme is joined through an employer, so its USCC is required there.
fn read_employer(f: &mut Fields<'_>, scheme: Option<InsuranceScheme>) -> Option<Option<Uscc>> {
    if scheme == Some(InsuranceScheme::Employee) {
        return f.uscc("employer_uscc").map(Some);
    }
    f.optional_uscc("employer_uscc")
}

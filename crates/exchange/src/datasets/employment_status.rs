//! `employment-status` (就业失业状态), pushed by HR and social security; key
//! `person_id|effective_from`.

use chrono::NaiveDate;
use onething_domain::{CitizenId, Uscc};
use serde::{Deserialize, Serialize};

use super::reader::Fields;
use super::record::Index;
use super::{FieldType, KEY_SEPARATOR, Schema};

/// A person's employment situation from a date on (the maternity rules use the same names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EmploymentState {
    Employed,
    Unemployed,
    UnemploymentBenefit,
    Flexible,
    Retired,
}

const STATES: &[(&str, EmploymentState)] = &[
    ("employed", EmploymentState::Employed),
    ("unemployed", EmploymentState::Unemployed),
    ("unemployment_benefit", EmploymentState::UnemploymentBenefit),
    ("flexible", EmploymentState::Flexible),
    ("retired", EmploymentState::Retired),
];

/// One change of a person's employment status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmploymentStatus {
    pub person_id: CitizenId,
    pub status: EmploymentState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employer_uscc: Option<Uscc>,
    pub effective_from: NaiveDate,
}

impl Schema for EmploymentStatus {
    const FIELDS: &'static [(&'static str, FieldType)] = &[
        ("person_id", FieldType::Text),
        ("status", FieldType::Text),
        ("employer_uscc", FieldType::Text),
        ("effective_from", FieldType::Date),
    ];
    const KEY: &'static [&'static str] = &["person_id", "effective_from"];

    fn read(f: &mut Fields<'_>) -> Option<Self> {
        let person_id = f.citizen_id("person_id");
        let status = f.choice("status", STATES);
        let employer_uscc = f.optional_uscc("employer_uscc");
        let effective_from = f.date("effective_from");
        Some(Self {
            person_id: person_id?,
            status: status?,
            employer_uscc: employer_uscc?,
            effective_from: effective_from?,
        })
    }

    fn index(&self) -> Index {
        Index {
            key: format!("{}{KEY_SEPARATOR}{}", self.person_id, self.effective_from),
            subject_id: Some(self.person_id.to_string()),
            other_id: None,
            employer_uscc: self.employer_uscc.as_ref().map(ToString::to_string),
            event_date: Some(self.effective_from),
        }
    }
}

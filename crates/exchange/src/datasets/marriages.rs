//! `marriages` (婚姻登记), pushed by civil affairs; key `certificate_no`.

use chrono::NaiveDate;
use onething_domain::CitizenId;
use serde::{Deserialize, Serialize};

use super::reader::Fields;
use super::record::Index;
use super::{FieldType, Schema};

/// The registration's current effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MarriageStatus {
    Married,
    Divorced,
}

const STATUSES: &[(&str, MarriageStatus)] = &[
    ("married", MarriageStatus::Married),
    ("divorced", MarriageStatus::Divorced),
];

/// One marriage registration. The certificate number has no national format (each
/// registry prints its own), so it is free text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Marriage {
    pub certificate_no: String,
    pub husband_id: CitizenId,
    pub wife_id: CitizenId,
    pub registered_on: NaiveDate,
    pub status: MarriageStatus,
}

impl Schema for Marriage {
    const FIELDS: &'static [(&'static str, FieldType)] = &[
        ("certificate_no", FieldType::Text),
        ("husband_id", FieldType::Text),
        ("wife_id", FieldType::Text),
        ("registered_on", FieldType::Date),
        ("status", FieldType::Text),
    ];
    const KEY: &'static [&'static str] = &["certificate_no"];

    fn read(f: &mut Fields<'_>) -> Option<Self> {
        let certificate_no = f.text("certificate_no", 64);
        let husband_id = f.citizen_id("husband_id");
        let wife_id = f.citizen_id("wife_id");
        let registered_on = f.date("registered_on");
        let status = f.choice("status", STATUSES);
        Some(Self {
            certificate_no: certificate_no?,
            husband_id: husband_id?,
            wife_id: wife_id?,
            registered_on: registered_on?,
            status: status?,
        })
    }

    fn index(&self) -> Index {
        Index {
            key: self.certificate_no.clone(),
            subject_id: Some(self.wife_id.to_string()),
            other_id: Some(self.husband_id.to_string()),
            employer_uscc: None,
            event_date: Some(self.registered_on),
        }
    }
}

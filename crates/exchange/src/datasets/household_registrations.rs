//! `household-registrations` (户籍登记), pushed by public security; key `person_id`.

use onething_domain::{CitizenId, RegionCode, Sex};
use serde::{Deserialize, Serialize};

use super::reader::Fields;
use super::record::Index;
use super::{FieldCode, FieldType, Schema};

const SEXES: &[(&str, Sex)] = &[("male", Sex::Male), ("female", Sex::Female)];

/// A person's household registration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseholdRegistration {
    pub person_id: CitizenId,
    pub name: String,
    pub sex: Sex,
    /// 民族, as registered (e.g. 汉族).
    pub ethnicity: String,
    /// ISO 3166-1 alpha-3 (`CHN`).
    pub nationality: String,
    pub region_code: RegionCode,
    pub address: String,
}

impl Schema for HouseholdRegistration {
    const FIELDS: &'static [(&'static str, FieldType)] = &[
        ("person_id", FieldType::Text),
        ("name", FieldType::Text),
        ("sex", FieldType::Text),
        ("ethnicity", FieldType::Text),
        ("nationality", FieldType::Text),
        ("region_code", FieldType::Text),
        ("address", FieldType::Text),
    ];
    const KEY: &'static [&'static str] = &["person_id"];

    fn read(f: &mut Fields<'_>) -> Option<Self> {
        let person_id = f.citizen_id("person_id");
        let name = f.text("name", 50);
        let sex = f.choice("sex", SEXES);
        let ethnicity = f.text("ethnicity", 20);
        let nationality = read_nationality(f);
        let region_code = f.region("region_code");
        let address = f.text("address", 200);
        Some(Self {
            person_id: person_id?,
            name: name?,
            sex: sex?,
            ethnicity: ethnicity?,
            nationality: nationality?,
            region_code: region_code?,
            address: address?,
        })
    }

    fn index(&self) -> Index {
        Index {
            key: self.person_id.to_string(),
            subject_id: Some(self.person_id.to_string()),
            other_id: None,
            employer_uscc: None,
            event_date: None,
        }
    }
}

/// Three capital letters. The shape is checked, not membership of the ISO list, which
/// changes more often than this code.
fn read_nationality(f: &mut Fields<'_>) -> Option<String> {
    let text = f.text("nationality", 3)?;
    if text.len() == 3 && text.bytes().all(|b| b.is_ascii_uppercase()) {
        return Some(text);
    }
    f.report(
        "nationality",
        FieldCode::InvalidEnum,
        format!("字段 nationality 的值“{text}”应为ISO 3166三位大写字母国家代码，如 CHN"),
    );
    None
}

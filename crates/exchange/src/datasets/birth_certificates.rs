//! `birth-certificates` (出生医学证明), pushed by the health commission; key `certificate_no`.

use chrono::{DateTime, FixedOffset, NaiveDate};
use onething_domain::{BirthCertificateNo, CitizenId, RegionCode, Sex};
use serde::{Deserialize, Serialize};

use super::reader::Fields;
use super::record::Index;
use super::{FieldCode, FieldType, Schema};

const SEXES: &[(&str, Sex)] = &[("male", Sex::Male), ("female", Sex::Female)];

/// One birth medical certificate as issued.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BirthCertificate {
    pub certificate_no: BirthCertificateNo,
    pub child_name: String,
    pub child_sex: Sex,
    /// As written on the certificate, with its offset.
    pub birth_time: DateTime<FixedOffset>,
    pub gestational_weeks: u8,
    pub weight_g: u16,
    pub length_cm: u8,
    pub birth_region: RegionCode,
    pub institution_code: String,
    pub institution_name: String,
    pub mother_name: String,
    pub mother_id: CitizenId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub father_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub father_id: Option<CitizenId>,
    pub issued_on: NaiveDate,
}

impl BirthCertificate {
    /// The child's date of birth as printed (in the certificate's own offset).
    pub fn birth_date(&self) -> NaiveDate {
        self.birth_time.date_naive()
    }
}

impl Schema for BirthCertificate {
    const FIELDS: &'static [(&'static str, FieldType)] = &[
        ("certificate_no", FieldType::Text),
        ("child_name", FieldType::Text),
        ("child_sex", FieldType::Text),
        ("birth_time", FieldType::Time),
        ("gestational_weeks", FieldType::Integer),
        ("weight_g", FieldType::Integer),
        ("length_cm", FieldType::Integer),
        ("birth_region", FieldType::Text),
        ("institution_code", FieldType::Text),
        ("institution_name", FieldType::Text),
        ("mother_name", FieldType::Text),
        ("mother_id", FieldType::Text),
        ("father_name", FieldType::Text),
        ("father_id", FieldType::Text),
        ("issued_on", FieldType::Date),
    ];
    const KEY: &'static [&'static str] = &["certificate_no"];

    fn read(f: &mut Fields<'_>) -> Option<Self> {
        let certificate_no = f.birth_certificate_no("certificate_no");
        let child_name = f.text("child_name", 50);
        let child_sex = f.choice("child_sex", SEXES);
        let birth_time = f.time("birth_time");
        let gestational_weeks = f.count("gestational_weeks", 20..=45);
        let weight_g = f.count("weight_g", 300..=7000);
        let length_cm = f.count("length_cm", 20..=70);
        let birth_region = f.region("birth_region");
        let institution_code = f.text("institution_code", 64);
        let institution_name = f.text("institution_name", 100);
        let mother_name = f.text("mother_name", 50);
        let mother_id = f.citizen_id("mother_id");
        let father_name = f.optional_text("father_name", 50);
        let father_id = f.optional_citizen_id("father_id");
        let issued_on = f.date("issued_on");
        let record = Self {
            certificate_no: certificate_no?,
            child_name: child_name?,
            child_sex: child_sex?,
            birth_time: birth_time?,
            gestational_weeks: gestational_weeks?,
            weight_g: weight_g?,
            length_cm: length_cm?,
            birth_region: birth_region?,
            institution_code: institution_code?,
            institution_name: institution_name?,
            mother_name: mother_name?,
            mother_id: mother_id?,
            father_name,
            father_id: father_id?,
            issued_on: issued_on?,
        };
        record.check_issued_after_birth(f)?;
        Some(record)
    }

    fn index(&self) -> Index {
        Index {
            key: self.certificate_no.to_string(),
            subject_id: Some(self.mother_id.to_string()),
            other_id: self.father_id.as_ref().map(ToString::to_string),
            employer_uscc: None,
            event_date: Some(self.birth_date()),
        }
    }
}

impl BirthCertificate {
    fn check_issued_after_birth(&self, f: &mut Fields<'_>) -> Option<()> {
        if self.issued_on >= self.birth_date() {
            return Some(());
        }
        f.report(
            "issued_on",
            FieldCode::OutOfRange,
            format!(
                "字段 issued_on：签发日期{}早于出生日期{}",
                self.issued_on,
                self.birth_date()
            ),
        );
        None
    }
}

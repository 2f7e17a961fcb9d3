//! The datasets departments push (contract, "Datasets"): which kinds of department may
//! push each, its key, its fields and their types, and per-record validation into a typed
//! record and then a [`ValidRecord`] the store can ingest.
//!
//! One module per dataset; each defines its typed record (domain types, never raw strings
//! for identifiers) and implements [`Schema`].

mod birth_certificates;
mod contributions;
mod delivery_records;
mod employer_wages;
mod employment_status;
mod error;
mod field_type;
mod household_registrations;
mod insurance_enrollments;
mod marriages;
mod reader;
mod record;

use onething_domain::department::DepartmentKind;
use serde_json::{Map, Value};

pub use birth_certificates::BirthCertificate;
pub use contributions::Contribution;
pub use delivery_records::{DeliveryEventType, DeliveryRecord, FamilyPlanningProcedure};
pub use employer_wages::EmployerWage;
pub use employment_status::{EmploymentState, EmploymentStatus};
pub use error::{FieldCode, FieldError};
pub use field_type::FieldType;
pub use household_registrations::HouseholdRegistration;
pub use insurance_enrollments::{InsuranceEnrollment, InsuranceScheme, InsuranceStatus};
pub use marriages::{Marriage, MarriageStatus};
pub use record::ValidRecord;

use reader::Fields;
use record::Index;

/// Joins the parts of a composite key (`employer_uscc|year`).
pub const KEY_SEPARATOR: &str = "|";

/// One dataset of the contract's table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dataset {
    BirthCertificates,
    EmployerWages,
    DeliveryRecords,
    Marriages,
    EmploymentStatus,
    HouseholdRegistrations,
    InsuranceEnrollments,
    Contributions,
}

impl Dataset {
    pub const ALL: [Dataset; 8] = [
        Self::BirthCertificates,
        Self::EmployerWages,
        Self::DeliveryRecords,
        Self::Marriages,
        Self::EmploymentStatus,
        Self::HouseholdRegistrations,
        Self::InsuranceEnrollments,
        Self::Contributions,
    ];

    /// The name in the URL (`/api/v1/exchange/{dataset}`) and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::BirthCertificates => "birth-certificates",
            Self::EmployerWages => "employer-wages",
            Self::DeliveryRecords => "delivery-records",
            Self::Marriages => "marriages",
            Self::EmploymentStatus => "employment-status",
            Self::HouseholdRegistrations => "household-registrations",
            Self::InsuranceEnrollments => "insurance-enrollments",
            Self::Contributions => "contributions",
        }
    }

    pub fn from_path_segment(segment: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.as_str() == segment)
    }

    /// The name shown to people.
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::BirthCertificates => "出生医学证明",
            Self::EmployerWages => "单位上年度职工月平均工资",
            Self::DeliveryRecords => "分娩及生育医疗结算记录",
            Self::Marriages => "婚姻登记",
            Self::EmploymentStatus => "就业失业状态",
            Self::HouseholdRegistrations => "户籍登记",
            Self::InsuranceEnrollments => "医保参保登记",
            Self::Contributions => "医保缴费记录",
        }
    }

    /// The kinds of department that may push this dataset.
    pub fn allowed_kinds(self) -> &'static [DepartmentKind] {
        use DepartmentKind as K;
        match self {
            Self::BirthCertificates => &[K::Health],
            Self::EmployerWages => &[K::Tax],
            Self::DeliveryRecords => &[K::Hospital],
            Self::Marriages => &[K::CivilAffairs],
            Self::EmploymentStatus => &[K::Hr],
            Self::HouseholdRegistrations => &[K::PublicSecurity],
            Self::InsuranceEnrollments => &[K::MedicalInsurance],
            Self::Contributions => &[K::MedicalInsurance, K::Tax],
        }
    }

    pub fn allows(self, kind: DepartmentKind) -> bool {
        self.allowed_kinds().contains(&kind)
    }

    /// The fields whose values, joined by [`KEY_SEPARATOR`], identify a record.
    pub fn key_fields(self) -> &'static [&'static str] {
        self.schema().key
    }

    /// Every field of the dataset with its JSON type, in the contract's order.
    pub fn field_types(self) -> &'static [(&'static str, FieldType)] {
        self.schema().fields
    }

    /// The key of a record as sent (before validation), for reporting a rejected record;
    /// `None` when none of the key fields is present.
    pub fn key_of(self, record: &Value) -> Option<String> {
        let object = record.as_object()?;
        let parts: Vec<String> = self
            .key_fields()
            .iter()
            .map(|field| object.get(*field).map(key_part).unwrap_or_default())
            .collect();
        parts
            .iter()
            .any(|p| !p.is_empty())
            .then(|| parts.join(KEY_SEPARATOR))
    }

    /// Validates one record, reporting every problem.
    pub fn validate(self, record: &Value) -> Result<ValidRecord, Vec<FieldError>> {
        let Some(object) = record.as_object() else {
            return Err(vec![FieldError::not_an_object()]);
        };
        (self.schema().validate)(self, object)
    }

    fn schema(self) -> &'static Schemas {
        match self {
            Self::BirthCertificates => &Table::<BirthCertificate>::TABLE,
            Self::EmployerWages => &Table::<EmployerWage>::TABLE,
            Self::DeliveryRecords => &Table::<DeliveryRecord>::TABLE,
            Self::Marriages => &Table::<Marriage>::TABLE,
            Self::EmploymentStatus => &Table::<EmploymentStatus>::TABLE,
            Self::HouseholdRegistrations => &Table::<HouseholdRegistration>::TABLE,
            Self::InsuranceEnrollments => &Table::<InsuranceEnrollment>::TABLE,
            Self::Contributions => &Table::<Contribution>::TABLE,
        }
    }
}

impl std::fmt::Display for Dataset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Every field of `dataset` with its JSON type (for the push client's CSV conversion).
pub fn field_types(dataset: Dataset) -> &'static [(&'static str, FieldType)] {
    dataset.field_types()
}

fn key_part(value: &Value) -> String {
    match value {
        Value::String(s) => s.trim().to_owned(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// What each dataset module provides.
pub(crate) trait Schema: serde::Serialize + Sized {
    /// Every field with its type, in the contract's order.
    const FIELDS: &'static [(&'static str, FieldType)];
    /// The key fields, in order.
    const KEY: &'static [&'static str];
    /// Reads every field, reporting each problem to `fields`; `None` if any.
    fn read(fields: &mut Fields<'_>) -> Option<Self>;
    /// The key and the columns the store indexes.
    fn index(&self) -> Index;
}

/// Validates one record object of a dataset.
type Validator = fn(Dataset, &Map<String, Value>) -> Result<ValidRecord, Vec<FieldError>>;

/// The per-dataset table behind [`Dataset`]'s methods (a `match` per method would repeat
/// the dataset list eight times).
struct Schemas {
    fields: &'static [(&'static str, FieldType)],
    key: &'static [&'static str],
    validate: Validator,
}

struct Table<T>(std::marker::PhantomData<T>);

impl<T: Schema> Table<T> {
    const TABLE: Schemas = Schemas {
        fields: T::FIELDS,
        key: T::KEY,
        validate: validate_as::<T>,
    };
}

fn validate_as<T: Schema>(
    dataset: Dataset,
    record: &Map<String, Value>,
) -> Result<ValidRecord, Vec<FieldError>> {
    let mut fields = Fields::new(record);
    let typed = T::read(&mut fields);
    let errors = fields.finish(T::FIELDS);
    match typed {
        Some(typed) if errors.is_empty() => ValidRecord::new(dataset, &typed),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests;

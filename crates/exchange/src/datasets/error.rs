//! Per-record validation errors: one [`FieldError`] per problem, every problem reported
//! (a department fixes a record once, not once per field).

use onething_domain::IdError;
use serde::{Deserialize, Serialize};

/// Stable codes of record errors (contract: "Error codes for records").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FieldCode {
    /// A required field is absent, `null` or empty.
    MissingField,
    /// A field the dataset does not have.
    UnknownField,
    /// The JSON type is wrong (an object where text was expected, `38.5` for an integer…).
    InvalidType,
    /// A value outside its sensible range, or inconsistent with another field.
    OutOfRange,
    /// Not one of the allowed values.
    InvalidEnum,
    /// Not a `YYYY-MM-DD` date (or `YYYY-MM` month) that exists.
    InvalidDate,
    /// Not an RFC 3339 instant with an offset.
    InvalidTime,
    InvalidCitizenId,
    InvalidUscc,
    InvalidRegionCode,
    InvalidCertificateNo,
    /// The record is not a JSON object.
    InvalidRecord,
    /// The key belongs to another department (the first to push it, or the one an
    /// administrator transferred it to): only the owner may correct the record.
    NotRecordOwner,
}

impl FieldCode {
    /// The wire form (`MISSING_FIELD`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::MissingField => "MISSING_FIELD",
            Self::UnknownField => "UNKNOWN_FIELD",
            Self::InvalidType => "INVALID_TYPE",
            Self::OutOfRange => "OUT_OF_RANGE",
            Self::InvalidEnum => "INVALID_ENUM",
            Self::InvalidDate => "INVALID_DATE",
            Self::InvalidTime => "INVALID_TIME",
            Self::InvalidCitizenId => "INVALID_CITIZEN_ID",
            Self::InvalidUscc => "INVALID_USCC",
            Self::InvalidRegionCode => "INVALID_REGION_CODE",
            Self::InvalidCertificateNo => "INVALID_CERTIFICATE_NO",
            Self::InvalidRecord => "INVALID_RECORD",
            Self::NotRecordOwner => "NOT_RECORD_OWNER",
        }
    }

    fn of_id_error(error: &IdError) -> Self {
        use onething_domain::ids::IdKind;
        match error.kind() {
            IdKind::CitizenId => Self::InvalidCitizenId,
            IdKind::Uscc => Self::InvalidUscc,
            IdKind::RegionCode => Self::InvalidRegionCode,
            IdKind::BirthCertificateNo => Self::InvalidCertificateNo,
        }
    }
}

/// One problem with one field of one record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    /// The field's name as in the dataset table; `null` when the record as a whole is wrong
    /// (not a JSON object).
    pub field: Option<String>,
    pub code: FieldCode,
    /// 中文说明, naming the field.
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, code: FieldCode, message: String) -> Self {
        Self {
            field: Some(field.to_owned()),
            code,
            message,
        }
    }

    pub fn missing(field: &str) -> Self {
        Self::new(
            field,
            FieldCode::MissingField,
            format!("缺少必填字段 {field}"),
        )
    }

    pub fn unknown(field: &str) -> Self {
        Self::new(
            field,
            FieldCode::UnknownField,
            format!("数据集中没有字段 {field}"),
        )
    }

    pub fn id(field: &str, error: &IdError) -> Self {
        Self::new(
            field,
            FieldCode::of_id_error(error),
            format!("字段 {field}：{}", error.message_zh()),
        )
    }

    pub fn not_an_object() -> Self {
        Self {
            field: None,
            code: FieldCode::InvalidRecord,
            message: "记录应为JSON对象（字段名: 值）".to_owned(),
        }
    }
}

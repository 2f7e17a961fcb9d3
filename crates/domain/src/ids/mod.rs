//! Identifiers that cannot be invalid: citizen ids, unified social credit codes,
//! region codes and birth certificate numbers. Each is a newtype with private fields
//! whose only constructors validate, so a raw string is checked once, at the edge,
//! and every error says exactly what is wrong (see [`IdError`]).

/// The conversions every text-carried value shares, written once: parsing through `FromStr`
/// and `TryFrom<String>` (so serde's `try_from = "String"` validates), back to `String`
/// through `Display`, and an OpenAPI string schema with the pattern a client can check.
macro_rules! string_value {
    ($ty:ty, $err:ty, $description:literal, $pattern:literal, $example:literal) => {
        impl std::str::FromStr for $ty {
            type Err = $err;
            fn from_str(text: &str) -> Result<Self, Self::Err> {
                Self::parse(text)
            }
        }

        impl TryFrom<String> for $ty {
            type Error = $err;
            fn try_from(text: String) -> Result<Self, Self::Error> {
                Self::parse(&text)
            }
        }

        impl From<$ty> for String {
            fn from(value: $ty) -> Self {
                value.to_string()
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $ty {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                crate::ids::schema::string($description, $pattern, $example)
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $ty {}
    };
}
pub(crate) use string_value;

mod birth_certificate;
mod citizen;
mod error;
mod record;
mod region;
mod scan;
#[cfg(feature = "openapi")]
pub(crate) mod schema;
mod sex;
mod uscc;

pub use birth_certificate::BirthCertificateNo;
pub use citizen::CitizenId;
pub use error::{IdError, IdKind};
pub use record::{
    BookingId, CaseId, ClaimId, ComplaintId, CreditRecordId, FilingId, PaymentId,
    RECORD_ID_MAX_LEN, RecordIdError, RectificationId, ReimbursementId, ReportId, SettlementId,
    TicketId,
};
pub use region::{RegionCode, RegionLevel};
pub use sex::Sex;
pub use uscc::Uscc;

//! Identifiers that cannot be invalid: citizen ids, unified social credit codes,
//! region codes and birth certificate numbers. Each is a newtype with private fields
//! whose only constructors validate, so a raw string is checked once, at the edge,
//! and every error says exactly what is wrong (see [`IdError`]).

mod birth_certificate;
mod citizen;
mod error;
mod region;
mod scan;
#[cfg(feature = "openapi")]
pub(crate) mod schema;
mod sex;
mod uscc;

pub use birth_certificate::BirthCertificateNo;
pub use citizen::CitizenId;
pub use error::{IdError, IdKind};
pub use region::{RegionCode, RegionLevel};
pub use sex::Sex;
pub use uscc::Uscc;

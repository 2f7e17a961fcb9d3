//! The department-exchange layer: how a department's system proves who it is
//! ([`signature`]), how a push body is laid out ([`batch`]) and what a pushed record must
//! look like ([`datasets`]).
//!
//! Nothing here touches the database or HTTP: the web crate reads headers and bodies and
//! calls [`signature::verify`] and [`Dataset::validate`]; the store ingests the
//! [`ValidRecord`]s this crate produces; the `onething push` client signs with
//! [`signature::sign`] and converts CSV cells with [`datasets::field_types`].

pub mod batch;
#[cfg(feature = "client")]
pub mod client;
pub mod datasets;
pub mod seal;
pub mod signature;

pub use datasets::{Dataset, FieldCode, FieldError, FieldType, ValidRecord};
pub use signature::{KeyError, SignatureError};

//! OpenAPI schemas for identifiers: they travel as plain strings, so the document
//! shows a string with the pattern a client can check before sending.

use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};

/// A string schema with a description, a regular expression and one example.
pub(crate) fn string(description: &str, pattern: &str, example: &str) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(description))
        .pattern(Some(pattern))
        .examples([example])
        .into()
}

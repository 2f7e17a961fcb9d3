//! A validated record in the normalised form the store keeps: the key, the columns the
//! query layer indexes, and the canonical content with its hash.

use chrono::NaiveDate;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::{Dataset, FieldError, Schema};

/// The key and index columns a dataset module derives from its typed record.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Index {
    pub key: String,
    pub subject_id: Option<String>,
    pub other_id: Option<String>,
    pub employer_uscc: Option<String>,
    pub event_date: Option<NaiveDate>,
}

/// A record that passed validation. Only [`Dataset::validate`] makes one, so the store
/// can trust every field.
///
/// The content is canonical: fields in name order, absent optional fields omitted,
/// identifiers normalised (upper-case check characters), strings trimmed. Two pushes of
/// the same facts therefore have the same [`ValidRecord::content_sha256`], which is what
/// makes a repeated push a duplicate rather than a new version.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidRecord {
    dataset: Dataset,
    index: Index,
    content: Value,
    content_json: String,
    content_sha256: String,
}

impl ValidRecord {
    pub(crate) fn new<T: Schema>(dataset: Dataset, typed: &T) -> Result<Self, Vec<FieldError>> {
        let content = canonical(typed).map_err(|_| vec![FieldError::not_an_object()])?;
        let content_json = content.to_string();
        let content_sha256 = hex::encode(Sha256::digest(content_json.as_bytes()));
        Ok(Self {
            dataset,
            index: typed.index(),
            content,
            content_json,
            content_sha256,
        })
    }

    pub fn dataset(&self) -> Dataset {
        self.dataset
    }

    /// The normalised key (composite keys joined by `|`).
    pub fn key(&self) -> &str {
        &self.index.key
    }

    /// The person the record is about: `mother_id`, `person_id`, `wife_id`.
    pub fn subject_id(&self) -> Option<&str> {
        self.index.subject_id.as_deref()
    }

    /// The second person: `father_id`, `husband_id`.
    pub fn other_id(&self) -> Option<&str> {
        self.index.other_id.as_deref()
    }

    pub fn employer_uscc(&self) -> Option<&str> {
        self.index.employer_uscc.as_deref()
    }

    /// The date the record is about: the birth date, `event_date`, `effective_from`,
    /// `registered_on`, the first day of a contribution month, 1 January of a wage year.
    pub fn event_date(&self) -> Option<NaiveDate> {
        self.index.event_date
    }

    /// The canonical content (a JSON object).
    pub fn content(&self) -> &Value {
        &self.content
    }

    /// The canonical content as compact JSON text: what is stored and hashed.
    pub fn content_json(&self) -> &str {
        &self.content_json
    }

    /// Lower-case hex SHA-256 of [`ValidRecord::content_json`].
    pub fn content_sha256(&self) -> &str {
        &self.content_sha256
    }
}

/// Serialises a typed record with its fields sorted by name, whatever serde_json's map
/// ordering feature, so the text (and hash) depends only on the facts.
fn canonical<T: serde::Serialize>(typed: &T) -> Result<Value, serde_json::Error> {
    let value = serde_json::to_value(typed)?;
    let Value::Object(object) = value else {
        return Ok(value);
    };
    let mut entries: Vec<(String, Value)> = object.into_iter().collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(Value::Object(entries.into_iter().collect::<Map<_, _>>()))
}

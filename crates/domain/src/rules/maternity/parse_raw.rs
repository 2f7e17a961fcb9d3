//! The untyped first pass over an input line: each known field's JSON value as a
//! [`Scalar`] (strings borrowed from the line when they hold no escapes), unknown and
//! repeated keys noted. It never fails on a value, only on malformed JSON, so the typed
//! pass can blame the right field.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::parse::InputErrorCode;

/// The input line's fields, in the contract's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    CaseId,
    ClaimantSex,
    EventType,
    EventDate,
    Babies,
    PregnancyWeeks,
    Procedure,
    Region,
    Wage,
    ContributionMonths,
    InsuranceStatus,
    EmploymentStatus,
    Scheme,
    SettledInNetwork,
}

pub const FIELD_COUNT: usize = 14;

const FIELDS: [(Field, &str); FIELD_COUNT] = [
    (Field::CaseId, "case_id"),
    (Field::ClaimantSex, "claimant_sex"),
    (Field::EventType, "event_type"),
    (Field::EventDate, "event_date"),
    (Field::Babies, "babies"),
    (Field::PregnancyWeeks, "pregnancy_weeks"),
    (Field::Procedure, "procedure"),
    (Field::Region, "region"),
    (Field::Wage, "employer_avg_monthly_wage_fen"),
    (Field::ContributionMonths, "contribution_months"),
    (Field::InsuranceStatus, "insurance_status"),
    (Field::EmploymentStatus, "employment_status"),
    (Field::Scheme, "scheme"),
    (Field::SettledInNetwork, "settled_in_network"),
];

impl Field {
    pub fn name(self) -> &'static str {
        FIELDS[self as usize].1
    }

    fn from_name(name: &str) -> Option<Field> {
        FIELDS.iter().find(|(_, n)| *n == name).map(|(f, _)| *f)
    }
}

/// A JSON value as the typed pass needs to see it.
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar<'a> {
    Null,
    Bool(bool),
    Int(i64),
    /// An integer beyond `i64`: always out of range.
    BigInt,
    Float,
    Str(Cow<'a, str>),
    /// An array or object: always the wrong type.
    Compound,
}

/// The known fields' values; `structural` notes the first unknown or repeated key.
pub struct RawLine<'a> {
    values: [Option<Scalar<'a>>; FIELD_COUNT],
    pub structural: Option<(InputErrorCode, String)>,
}

impl<'a> RawLine<'a> {
    /// The field's value; a JSON `null` counts as absent.
    pub fn get(&self, field: Field) -> Option<&Scalar<'a>> {
        match &self.values[field as usize] {
            Some(Scalar::Null) | None => None,
            Some(value) => Some(value),
        }
    }
}

impl<'de> Deserialize<'de> for RawLine<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(LineVisitor)
    }
}

struct LineVisitor;

impl<'de> Visitor<'de> for LineVisitor {
    type Value = RawLine<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut line = RawLine {
            values: Default::default(),
            structural: None,
        };
        while let Some(key) = map.next_key::<Key>()? {
            let field = match key {
                Key::Known(field) => field,
                Key::Unknown(name) => {
                    map.next_value::<IgnoredAny>()?;
                    line.structural
                        .get_or_insert((InputErrorCode::UnknownField, name));
                    continue;
                }
            };
            let value = map.next_value::<Scalar<'de>>()?;
            let slot = &mut line.values[field as usize];
            if slot.is_some() {
                line.structural
                    .get_or_insert((InputErrorCode::DuplicateField, field.name().to_owned()));
            } else {
                *slot = Some(value);
            }
        }
        Ok(line)
    }
}

/// A key, matched against the field names without allocating.
enum Key {
    Known(Field),
    Unknown(String),
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_identifier(KeyVisitor)
    }
}

struct KeyVisitor;

impl Visitor<'_> for KeyVisitor {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, name: &str) -> Result<Key, E> {
        Ok(Field::from_name(name).map_or_else(|| Key::Unknown(name.to_owned()), Key::Known))
    }
}

impl<'de> Deserialize<'de> for Scalar<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ScalarVisitor)
    }
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Scalar::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Scalar::Null)
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Self::Value, E> {
        Ok(Scalar::Bool(value))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Self::Value, E> {
        Ok(Scalar::Int(value))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Self::Value, E> {
        Ok(i64::try_from(value).map_or(Scalar::BigInt, Scalar::Int))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        // Never read: a fraction is a type error wherever it appears.
        Ok(Scalar::Float)
    }

    fn visit_borrowed_str<E: de::Error>(self, value: &'de str) -> Result<Self::Value, E> {
        Ok(Scalar::Str(Cow::Borrowed(value)))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
        Ok(Scalar::Str(Cow::Owned(value.to_owned())))
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<Self::Value, E> {
        Ok(Scalar::Str(Cow::Owned(value)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Scalar::Compound)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Scalar::Compound)
    }
}

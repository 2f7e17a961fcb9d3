//! Masking by default: every list and response shows personal identifiers and phone numbers
//! masked; the full value is only given by an audited reveal.

use serde::Serialize;

use crate::ids::{CitizenId, Uscc};

/// Who applied for a case, parsed from the case's opaque applicant reference
/// (`person:{citizen id}` or `employer:{USCC}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applicant {
    Person(CitizenId),
    Employer(Uscc),
    /// A reference of another shape (or an invalid id): never matched by a scope.
    Other(String),
}

/// An applicant as responses show it: the kind, and the identifier masked (persons) or in
/// full (employers: a USCC is public registry information, not personal data).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MaskedApplicant {
    /// `person`, `employer` or `other`.
    pub kind: &'static str,
    /// e.g. `500228********1234` for a person.
    pub id_masked: String,
}

impl Applicant {
    pub fn parse(reference: &str) -> Applicant {
        let parsed = match reference.split_once(':') {
            Some(("person", id)) => CitizenId::parse(id).ok().map(Applicant::Person),
            Some(("employer", code)) => Uscc::parse(code).ok().map(Applicant::Employer),
            _ => None,
        };
        parsed.unwrap_or_else(|| Applicant::Other(reference.to_owned()))
    }

    /// The reference a case stores for a person.
    pub fn person_ref(id: &CitizenId) -> String {
        format!("person:{id}")
    }

    /// The reference a case stores for an employer.
    pub fn employer_ref(uscc: &Uscc) -> String {
        format!("employer:{uscc}")
    }

    pub fn masked(&self) -> MaskedApplicant {
        match self {
            Applicant::Person(id) => MaskedApplicant {
                kind: "person",
                id_masked: id.masked(),
            },
            Applicant::Employer(uscc) => MaskedApplicant {
                kind: "employer",
                id_masked: uscc.to_string(),
            },
            Applicant::Other(text) => MaskedApplicant {
                kind: "other",
                id_masked: mask_id_text(text),
            },
        }
    }

    /// The full identifier, for an audited reveal only.
    pub fn full_id(&self) -> String {
        match self {
            Applicant::Person(id) => id.to_string(),
            Applicant::Employer(uscc) => uscc.to_string(),
            Applicant::Other(text) => text.clone(),
        }
    }
}

/// Masks an identifier that may not be valid (so [`CitizenId::masked`] is unavailable): the
/// first 6 and last 4 characters stay when at least 4 remain hidden, otherwise all are starred.
pub fn mask_id_text(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() < 14 {
        return "*".repeat(chars.len());
    }
    let hidden = chars.len() - 10;
    let head: String = chars[..6].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(hidden))
}

/// Every citizen-id-shaped token inside `text` masked (17 digits and a digit or `X`/`x`,
/// bounded by non-alphanumerics): record keys join ids with `|` and `,`, and a department may
/// send an id in an unexpected field. The one masker of free text, for pages and API alike.
pub fn mask_ids_in(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut token = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            token.push(c);
        } else {
            out.push_str(&mask_if_id(&token));
            token.clear();
            out.push(c);
        }
    }
    out.push_str(&mask_if_id(&token));
    out
}

fn mask_if_id(token: &str) -> String {
    let bytes = token.as_bytes();
    let id_shaped = bytes.len() == 18
        && bytes[..17].iter().all(u8::is_ascii_digit)
        && (bytes[17].is_ascii_digit() || bytes[17] == b'X' || bytes[17] == b'x');
    if id_shaped {
        mask_id_text(token)
    } else {
        token.to_owned()
    }
}

/// Masks a phone number: mobile numbers keep their first 3 and last 4 digits
/// (`138****5678`), longer numbers keep what precedes the last 8 digits (a country or area
/// code), numbers of 7–10 digits keep only their last 4, shorter ones are starred whole.
/// Separators (`+`, `-`, spaces) stay where they are.
pub fn mask_phone(phone: &str) -> String {
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    let (keep_head, keep_tail) = match digits {
        0..=6 => (0, 0),
        7..=10 => (0, 4),
        n => (n - 8, 4),
    };
    let mut seen = 0;
    phone
        .chars()
        .map(|c| {
            if !c.is_ascii_digit() {
                return c;
            }
            seen += 1;
            if seen <= keep_head || seen > digits - keep_tail {
                c
            } else {
                '*'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_inside_text_are_masked_and_nothing_else() {
        let key = mask_ids_in("500228199406023021|2024-03,11010519491231002X|2024-04");
        assert_eq!(key, "500228********3021|2024-03,110105********002X|2024-04");
        assert_eq!(mask_ids_in("11010519491231002x"), "110105********002x");
        // Not id-shaped: a record number, a 19-digit card, a letter inside.
        assert_eq!(mask_ids_in("DR20260000159"), "DR20260000159");
        assert_eq!(mask_ids_in("6222021234567890123"), "6222021234567890123");
        assert_eq!(mask_ids_in("5002281994A6023021"), "5002281994A6023021");
        let id = CitizenId::parse("11010519491231002X").expect("valid");
        assert_eq!(
            mask_ids_in(id.as_str()),
            id.masked(),
            "one rule for text and ids"
        );
    }

    #[test]
    fn phones_are_masked_by_length() {
        let table = [
            ("13812345678", "138****5678"),
            ("138 1234 5678", "138 **** 5678"),
            ("+86 138 1234 5678", "+86 138 **** 5678"),
            ("023-12345678", "023-****5678"),
            ("1234567", "***4567"),
            ("12345", "*****"),
            ("", ""),
            ("无", "无"),
        ];
        for (input, expected) in table {
            assert_eq!(mask_phone(input), expected, "{input}");
        }
    }

    #[test]
    fn applicants_parse_and_mask() {
        let id = CitizenId::parse("11010519491231002X").expect("id");
        let reference = Applicant::person_ref(&id);
        let applicant = Applicant::parse(&reference);
        assert_eq!(applicant, Applicant::Person(id.clone()));
        assert_eq!(applicant.masked().id_masked, "110105********002X");
        assert_eq!(applicant.full_id(), id.to_string());
        assert_eq!(
            Applicant::parse("person:123"),
            Applicant::Other("person:123".into())
        );
        assert_eq!(
            Applicant::parse("person:123").masked().id_masked,
            "**********"
        );
    }

    #[test]
    fn invalid_ids_are_masked_too() {
        assert_eq!(mask_id_text("500228199001011235"), "500228********1235");
        assert_eq!(mask_id_text("short"), "*****");
    }
}

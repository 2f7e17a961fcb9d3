//! Character-level checks shared by the identifier parsers, so that every parser
//! reports length and character errors the same way and with 1-based positions.

use std::ops::Range;

use super::{IdError, IdKind};

/// Splits `text` into characters, insisting on exactly `len` of them. Counting
/// characters rather than bytes keeps the reported length right for pasted CJK text.
pub(crate) fn exact_chars(kind: IdKind, text: &str, len: usize) -> Result<Vec<char>, IdError> {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() == len {
        Ok(chars)
    } else {
        Err(IdError::WrongLength {
            kind,
            expected: len,
            found: chars.len(),
        })
    }
}

/// Reads `chars[range]` as a decimal number, rejecting the first non-digit.
/// Callers keep ranges to at most 9 characters, so the value fits in a `u32`.
pub(crate) fn digits(kind: IdKind, chars: &[char], range: Range<usize>) -> Result<u32, IdError> {
    let mut value = 0u32;
    for position in range {
        let found = chars.get(position).copied().unwrap_or(' ');
        let digit = found.to_digit(10).ok_or(IdError::BadCharacter {
            kind,
            position: position + 1,
            found,
        })?;
        value = value * 10 + digit;
    }
    Ok(value)
}

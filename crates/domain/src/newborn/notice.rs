//! The notices the window issues (附件2 五(二)): 受理通知书, 一次性告知书, 不予受理通知书.
//! Each has a number people can quote and a verification code that, with the number,
//! confirms on the public endpoint that the platform issued it.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Which notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    Acceptance,
    Supplement,
    Refusal,
}

impl NoticeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NoticeKind::Acceptance => "acceptance",
            NoticeKind::Supplement => "supplement",
            NoticeKind::Refusal => "refusal",
        }
    }

    pub fn parse(text: &str) -> Option<NoticeKind> {
        [Self::Acceptance, Self::Supplement, Self::Refusal]
            .into_iter()
            .find(|k| k.as_str() == text)
    }

    pub fn title_zh(self) -> &'static str {
        match self {
            NoticeKind::Acceptance => "受理通知书",
            NoticeKind::Supplement => "一次性告知书",
            NoticeKind::Refusal => "不予受理通知书",
        }
    }

    /// The number's prefix: 受 (acceptance), 补 (supplement), 不 (refusal) in pinyin.
    fn prefix(self) -> &'static str {
        match self {
            NoticeKind::Acceptance => "XSSL",
            NoticeKind::Supplement => "XSBZ",
            NoticeKind::Refusal => "XSBY",
        }
    }
}

/// A notice number: `XSSL` + issue date + 8 random hex digits (`XSSL20240401A1B2C3D4`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeNumber(String);

impl NoticeNumber {
    /// Builds a number from its parts; `random` supplies the serial (8 hex digits used).
    pub fn new(kind: NoticeKind, issued_on: NaiveDate, random: &str) -> NoticeNumber {
        let serial: String = random
            .chars()
            .filter(char::is_ascii_hexdigit)
            .take(8)
            .collect::<String>()
            .to_uppercase();
        NoticeNumber(format!(
            "{}{}{serial}",
            kind.prefix(),
            issued_on.format("%Y%m%d")
        ))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A verification code people can type: 8 characters without 0/O and 1/I/L look-alikes.
pub fn verification_code(random: &[u8]) -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    random
        .iter()
        .take(8)
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect()
}

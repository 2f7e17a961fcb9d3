//! Identifiers of the platform's own records: claims, cases, settlements and payments,
//! rectifications, complaints, credit records and periodic reports, and the hospital
//! window's filings and reimbursements.
//! They are opaque to clients (a claim id is random hex, a settlement id reads
//! `ST20241115-3f2a9c1b`), so the only check is the shape every one of them has: 1 to 64
//! ASCII letters, digits, `-` or `_`. A path that cannot be an id is refused at the edge
//! with the field it came in, and a claim id can never be passed where a case id is meant.

use std::fmt;

/// The longest id the platform issues or accepts (a UUID in simple form is 32).
pub const RECORD_ID_MAX_LEN: usize = 64;

/// Why a text cannot be a record id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordIdError {
    #[error("{what}: empty")]
    Empty { what: &'static str },
    #[error("{what}: longer than {RECORD_ID_MAX_LEN} characters")]
    TooLong { what: &'static str },
    #[error("{what}: character {found:?} is not a letter, digit, '-' or '_'")]
    BadCharacter { what: &'static str, found: char },
}

impl RecordIdError {
    /// The Chinese message a client shows, naming the identifier.
    pub fn message_zh(&self) -> String {
        match self {
            Self::Empty { what } => format!("{} 不能为空", name_zh(what)),
            Self::TooLong { what } => {
                format!("{} 不能超过 {RECORD_ID_MAX_LEN} 个字符", name_zh(what))
            }
            Self::BadCharacter { what, found } => {
                format!("{} 含有不允许的字符 {found:?}", name_zh(what))
            }
        }
    }
}

fn name_zh(what: &str) -> &'static str {
    match what {
        "claim id" => "申领号",
        "case id" => "办件编号",
        "settlement id" => "结算批次号",
        "payment id" => "支付编号",
        "rectification id" => "整改编号",
        "complaint id" => "投诉编号",
        "credit record id" => "信用记录编号",
        "report id" => "报告编号",
        "filing id" => "备案登记号",
        "reimbursement id" => "报销结算号",
        "ticket id" => "排队号",
        "booking id" => "预约编号",
        _ => "编号",
    }
}

fn check(what: &'static str, text: &str) -> Result<(), RecordIdError> {
    if text.is_empty() {
        return Err(RecordIdError::Empty { what });
    }
    if text.len() > RECORD_ID_MAX_LEN {
        return Err(RecordIdError::TooLong { what });
    }
    match text
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
    {
        Some(found) => Err(RecordIdError::BadCharacter { what, found }),
        None => Ok(()),
    }
}

macro_rules! record_id {
    ($(#[$doc:meta])* $ty:ident, $what:literal, $example:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $ty(String);

        impl $ty {
            pub fn parse(text: &str) -> Result<Self, RecordIdError> {
                check($what, text).map(|()| Self(text.to_owned()))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $ty {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        crate::ids::string_value!(
            $ty,
            RecordIdError,
            $what,
            "^[A-Za-z0-9_-]{1,64}$",
            $example
        );
    };
}

record_id!(
    /// A maternity-allowance claim (申领号).
    ClaimId,
    "claim id",
    "3f2a9c1b6d7e4f5a8b9c0d1e2f3a4b5c"
);
record_id!(
    /// A case on the case engine (办件编号); every application is one.
    CaseId,
    "case id",
    "9b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e"
);
record_id!(
    /// A settlement run (结算批次号).
    SettlementId,
    "settlement id",
    "ST20241115-3f2a9c1b"
);
record_id!(
    /// One payment of a settlement: one row of the bank's payment file.
    PaymentId,
    "payment id",
    "ST20241115-3f2a9c1b-0001"
);

record_id!(
    /// A bad rating's rectification task (差评整改).
    RectificationId,
    "rectification id",
    "ZG-20240913-3f2a9c1b"
);
record_id!(
    /// A complaint (投诉).
    ComplaintId,
    "complaint id",
    "TS-20240913-3f2a9c1b"
);
record_id!(
    /// An entry of the credit register (信用记录).
    CreditRecordId,
    "credit record id",
    "XY-20240913-3f2a9c1b"
);
record_id!(
    /// A periodic report (周通报、月考评、季分析、年考核): kind, first day, region.
    ReportId,
    "report id",
    "month-2024-09-01-500228"
);
record_id!(
    /// A spouse filing at a hospital window (备案登记, seed 002).
    FilingId,
    "filing id",
    "5b0e8f3a-2c4d-4e6f-8a9b-0c1d2e3f4a5b"
);
record_id!(
    /// A reimbursement of maternity medical costs at a hospital window (seed 002).
    ReimbursementId,
    "reimbursement id",
    "7c1f9a4b-3d5e-4f70-9b0c-1d2e3f4a5b6c"
);
record_id!(
    /// A ticket of the service hall's queue (取号, SV-4).
    TicketId,
    "ticket id",
    "QH-20240913-3f2a9c1b"
);
record_id!(
    /// A booking of a home-visit slot (预约上门服务, SV-4).
    BookingId,
    "booking id",
    "YY-20240913-3f2a9c1b"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_ids_the_platform_issues() {
        let id = ClaimId::parse("3f2a9c1b6d7e4f5a8b9c0d1e2f3a4b5c").expect("uuid hex");
        assert_eq!(id.as_str(), "3f2a9c1b6d7e4f5a8b9c0d1e2f3a4b5c");
        assert!(SettlementId::parse("ST20241115-3f2a9c1b").is_ok());
        assert!(CaseId::parse("demo_case-7").is_ok());
        assert!(RectificationId::parse("ZG-20240913-3f2a9c1b").is_ok());
        assert!(ReportId::parse("month-2024-09-01-500228").is_ok());
        assert_eq!(
            ComplaintId::parse("TS/1").map_err(|e| e.message_zh()),
            Err("投诉编号 含有不允许的字符 '/'".to_owned())
        );
    }

    #[test]
    fn refuses_what_no_id_can_be() {
        assert_eq!(
            ClaimId::parse(""),
            Err(RecordIdError::Empty { what: "claim id" })
        );
        assert_eq!(
            CaseId::parse(&"a".repeat(65)),
            Err(RecordIdError::TooLong { what: "case id" })
        );
        assert_eq!(
            PaymentId::parse("../etc"),
            Err(RecordIdError::BadCharacter {
                what: "payment id",
                found: '.'
            })
        );
        assert!(SettlementId::parse("ST 1").is_err());
        assert!(ClaimId::parse("申领").is_err());
    }

    #[test]
    fn serde_validates_and_writes_the_plain_string() {
        let id: CaseId = serde_json::from_str("\"abc-1\"").expect("valid");
        assert_eq!(serde_json::to_string(&id).expect("json"), "\"abc-1\"");
        assert!(serde_json::from_str::<CaseId>("\"a b\"").is_err());
    }

    #[test]
    fn the_message_names_the_identifier_in_chinese() {
        let error = SettlementId::parse("").expect_err("empty");
        assert!(error.message_zh().contains("结算批次号"));
    }
}

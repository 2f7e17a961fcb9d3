//! The dictionary of reasons a clerk rejects a claim with (issue 4 item 6): a code the
//! systems keep and the Chinese label the employer and the insured person read. Free text
//! goes beside it in the review's note.

use serde::{Deserialize, Serialize};

/// A clerk's rejection reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RejectionReason {
    /// The uploaded photo is unreadable or not a birth medical certificate.
    CertificateInvalid,
    /// The certificate does not match the delivery or the claimant.
    CertificateMismatch,
    /// The rules found the claim ineligible (the decision lists the conditions).
    NotEligible,
    /// The same delivery has already been paid or is being paid elsewhere.
    DuplicateClaim,
    /// The employer is not (or was not) the claimant's insuring employer.
    NotEmployee,
    /// The bank account is wrong or not the employer's.
    BankAccountInvalid,
    /// The window authorisation (授权确认表) is missing, unsigned or expired.
    AuthorisationInvalid,
    /// Anything else: the note must say what.
    Other,
}

impl RejectionReason {
    pub const ALL: [RejectionReason; 8] = [
        RejectionReason::CertificateInvalid,
        RejectionReason::CertificateMismatch,
        RejectionReason::NotEligible,
        RejectionReason::DuplicateClaim,
        RejectionReason::NotEmployee,
        RejectionReason::BankAccountInvalid,
        RejectionReason::AuthorisationInvalid,
        RejectionReason::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            RejectionReason::CertificateInvalid => "CERTIFICATE_INVALID",
            RejectionReason::CertificateMismatch => "CERTIFICATE_MISMATCH",
            RejectionReason::NotEligible => "NOT_ELIGIBLE",
            RejectionReason::DuplicateClaim => "DUPLICATE_CLAIM",
            RejectionReason::NotEmployee => "NOT_EMPLOYEE",
            RejectionReason::BankAccountInvalid => "BANK_ACCOUNT_INVALID",
            RejectionReason::AuthorisationInvalid => "AUTHORISATION_INVALID",
            RejectionReason::Other => "OTHER",
        }
    }

    pub fn parse(code: &str) -> Option<RejectionReason> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            RejectionReason::CertificateInvalid => {
                "上传的出生医学证明照片无法识别或不是出生医学证明"
            }
            RejectionReason::CertificateMismatch => "出生医学证明与分娩记录或申领人不符",
            RejectionReason::NotEligible => "不符合生育津贴享受条件",
            RejectionReason::DuplicateClaim => "同一生育事件已申领",
            RejectionReason::NotEmployee => "申领单位不是该职工的参保单位",
            RejectionReason::BankAccountInvalid => "单位银行账户信息有误",
            RejectionReason::AuthorisationInvalid => "授权确认表缺失、未签章或已过期",
            RejectionReason::Other => "其他原因（见审核意见）",
        }
    }

    /// `Other` means nothing without a note.
    pub fn needs_note(self) -> bool {
        self == RejectionReason::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_have_labels() {
        for reason in RejectionReason::ALL {
            assert_eq!(RejectionReason::parse(reason.code()), Some(reason));
            assert!(!reason.label_zh().is_empty());
            let json = serde_json::to_value(reason).unwrap();
            assert_eq!(json, reason.code());
        }
        assert_eq!(RejectionReason::parse("other"), None);
        assert!(RejectionReason::Other.needs_note());
        assert!(!RejectionReason::NotEligible.needs_note());
    }
}

//! Bank accounts a claim is paid into (domain.md, "Identifiers"): personal debit cards have
//! 16–19 digits with a Luhn check; corporate accounts have no national check digit, so only
//! their characters and length are checked.

use serde::{Deserialize, Serialize};

/// Whose account it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AccountKind {
    /// 对公账户: the employer's (the seeds pay the employer).
    #[default]
    Corporate,
    /// 个人银行卡: where a region pays the insured person directly.
    Personal,
}

/// Why an account number is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AccountError {
    #[error("account number must be digits only")]
    NotDigits,
    #[error("account number has the wrong length")]
    Length,
    #[error("card number fails the Luhn check")]
    Luhn,
}

impl AccountError {
    pub fn message_zh(self, kind: AccountKind) -> String {
        match (self, kind) {
            (AccountError::NotDigits, _) => "银行账号只能由数字组成".into(),
            (AccountError::Length, AccountKind::Personal) => "个人银行卡号应为16至19位数字".into(),
            (AccountError::Length, AccountKind::Corporate) => "对公账号应为6至32位数字".into(),
            (AccountError::Luhn, _) => "银行卡号校验位错误，请核对卡号".into(),
        }
    }
}

/// Checks an account number of `kind` (spaces are the caller's to remove).
pub fn validate_account(number: &str, kind: AccountKind) -> Result<(), AccountError> {
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        return Err(AccountError::NotDigits);
    }
    let (min, max) = match kind {
        AccountKind::Personal => (16, 19),
        AccountKind::Corporate => (6, 32),
    };
    if !(min..=max).contains(&number.len()) {
        return Err(AccountError::Length);
    }
    if kind == AccountKind::Personal && !luhn(number) {
        return Err(AccountError::Luhn);
    }
    Ok(())
}

/// The Luhn (mod 10) check over a string of ASCII digits.
pub fn luhn(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let twice = d * 2;
                if twice > 9 { twice - 9 } else { twice }
            } else {
                d
            }
        })
        .sum();
    sum % 10 == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn personal_cards_need_luhn_and_16_to_19_digits() {
        // 6222 0200 0000 0000 00x: a valid test number has the check digit that makes Luhn pass.
        assert!(luhn("4111111111111111"));
        assert_eq!(
            validate_account("4111111111111111", AccountKind::Personal),
            Ok(())
        );
        assert_eq!(
            validate_account("4111111111111112", AccountKind::Personal),
            Err(AccountError::Luhn)
        );
        assert_eq!(
            validate_account("411111111111", AccountKind::Personal),
            Err(AccountError::Length)
        );
        assert_eq!(
            validate_account("41111111111111111111", AccountKind::Personal),
            Err(AccountError::Length)
        );
        assert_eq!(
            validate_account("4111-1111", AccountKind::Personal),
            Err(AccountError::NotDigits)
        );
    }

    #[test]
    fn corporate_accounts_need_only_digits_and_length() {
        assert_eq!(
            validate_account("50001000000000000001", AccountKind::Corporate),
            Ok(())
        );
        assert_eq!(
            validate_account("12345", AccountKind::Corporate),
            Err(AccountError::Length)
        );
        assert_eq!(
            validate_account("", AccountKind::Corporate),
            Err(AccountError::NotDigits)
        );
        assert_eq!(
            validate_account("5000A000", AccountKind::Corporate),
            Err(AccountError::NotDigits)
        );
        for e in [
            AccountError::NotDigits,
            AccountError::Length,
            AccountError::Luhn,
        ] {
            assert!(!e.message_zh(AccountKind::Personal).is_empty());
        }
    }
}

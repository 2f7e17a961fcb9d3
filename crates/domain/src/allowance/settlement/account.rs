//! Who is paid (津贴发放对象) and into which account. The seeds pay the employer's account
//! (对公账户, no national check digit: charset and length only); where a region pays the
//! insured person, it is her personal card (16–19 digits with a Luhn check digit).

use serde::{Deserialize, Serialize};

/// Who is paid: the rules' payee (a dated parameter).
pub use crate::rules::Payee;

/// Who a payable pays (`payables.payee_kind`): an allowance's payee by the rules, or the
/// designated hospital the fund owes for the maternity medical costs its window settled
/// (PS-07/PS-06, seed 002 三(一)2). A hospital is a unit: its corporate account is checked
/// by the rules of an employer's account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PayeeKind {
    Employer,
    InsuredPerson,
    Hospital,
}

impl PayeeKind {
    pub const ALL: [PayeeKind; 3] = [Self::Employer, Self::InsuredPerson, Self::Hospital];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Employer => "employer",
            Self::InsuredPerson => "insured_person",
            Self::Hospital => "hospital",
        }
    }

    pub fn parse(text: &str) -> Option<PayeeKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// The payee whose account rules apply to its account.
    pub fn account_rules(self) -> Payee {
        match self {
            Self::Employer | Self::Hospital => Payee::Employer,
            Self::InsuredPerson => Payee::InsuredPerson,
        }
    }
}

impl From<Payee> for PayeeKind {
    fn from(payee: Payee) -> PayeeKind {
        match payee {
            Payee::Employer => Self::Employer,
            Payee::InsuredPerson => Self::InsuredPerson,
        }
    }
}

/// The kind of account a client names when it enters one (`kind` in the API): a corporate
/// account (对公账户, the employer's, the seeds' case) or a personal debit card (个人银行卡,
/// where a region pays the insured person directly). Each kind is checked by its payee's
/// rules in [`PayeeAccount::parse`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AccountKind {
    #[default]
    Corporate,
    Personal,
}

impl AccountKind {
    /// The payee whose account rules apply.
    pub fn payee(self) -> Payee {
        match self {
            AccountKind::Corporate => Payee::Employer,
            AccountKind::Personal => Payee::InsuredPerson,
        }
    }
}

/// Why an account is refused. `field` names `name`, `bank` or `number`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccountError {
    #[error("{field} is empty")]
    Missing { field: &'static str },
    #[error("{field} is longer than {max} characters")]
    TooLong { field: &'static str, max: usize },
    /// Control characters, or a leading `=`, `+`, `-`, `@` that a spreadsheet would run as a
    /// formula when the bank opens the payment file.
    #[error("{field} contains characters not allowed in a payment file")]
    BadCharacters { field: &'static str },
    #[error("account number must be {min}–{max} digits")]
    BadNumber { min: usize, max: usize },
    #[error("personal card number fails its check digit (Luhn)")]
    BadCheckDigit,
}

impl AccountError {
    pub fn code(&self) -> &'static str {
        match self {
            AccountError::Missing { .. } => "MISSING_FIELD",
            AccountError::TooLong { .. } | AccountError::BadCharacters { .. } => "INVALID_ACCOUNT",
            AccountError::BadNumber { .. } | AccountError::BadCheckDigit => {
                "INVALID_ACCOUNT_NUMBER"
            }
        }
    }

    pub fn field(&self) -> &'static str {
        match self {
            AccountError::Missing { field }
            | AccountError::TooLong { field, .. }
            | AccountError::BadCharacters { field } => field,
            AccountError::BadNumber { .. } | AccountError::BadCheckDigit => "number",
        }
    }

    pub fn message_zh(&self) -> String {
        let label = |field: &str| match field {
            "name" => "户名",
            "bank" => "开户银行",
            _ => "账号",
        };
        match self {
            AccountError::Missing { field } => format!("{}不能为空", label(field)),
            AccountError::TooLong { field, max } => {
                format!("{}不能超过{max}个字符", label(field))
            }
            AccountError::BadCharacters { field } => format!(
                "{}含有不允许的字符（控制字符，或以 = + - @ 开头）",
                label(field)
            ),
            AccountError::BadNumber { min, max } => format!("账号应为{min}–{max}位数字"),
            AccountError::BadCheckDigit => "个人银行卡号校验位错误，请核对卡号".to_owned(),
        }
    }
}

/// A bank account a payment can go to. Built only by [`PayeeAccount::parse`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct PayeeAccount {
    name: String,
    bank: String,
    number: String,
}

const MAX_TEXT: usize = 100;
/// Corporate accounts: no national format; Chinese banks use 8–30 digits.
const CORPORATE_DIGITS: (usize, usize) = (8, 30);
/// Personal debit cards (银行卡, GB/T 14916 / ISO 7812): 16–19 digits with Luhn.
const CARD_DIGITS: (usize, usize) = (16, 19);

impl PayeeAccount {
    /// Validates an account for `payee`. Spaces and hyphens inside the number, as people
    /// copy them from a card or a letterhead, are removed.
    pub fn parse(
        name: &str,
        bank: &str,
        number: &str,
        payee: Payee,
    ) -> Result<PayeeAccount, AccountError> {
        let name = text_field("name", name)?;
        let bank = text_field("bank", bank)?;
        let number: String = number.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        if number.is_empty() {
            return Err(AccountError::Missing { field: "number" });
        }
        let (min, max) = match payee {
            Payee::Employer => CORPORATE_DIGITS,
            Payee::InsuredPerson => CARD_DIGITS,
        };
        if !(min..=max).contains(&number.len()) || !number.bytes().all(|b| b.is_ascii_digit()) {
            return Err(AccountError::BadNumber { min, max });
        }
        if payee == Payee::InsuredPerson && !luhn_ok(&number) {
            return Err(AccountError::BadCheckDigit);
        }
        Ok(PayeeAccount { name, bank, number })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn bank(&self) -> &str {
        &self.bank
    }

    pub fn number(&self) -> &str {
        &self.number
    }

    /// The number as shown in lists: the last four digits only.
    pub fn masked_number(&self) -> String {
        mask_account(&self.number)
    }
}

/// An account number with all but the last four characters hidden.
pub fn mask_account(number: &str) -> String {
    let chars: Vec<char> = number.chars().collect();
    let keep = chars.len().min(4);
    let hidden = chars.len() - keep;
    let tail: String = chars[hidden..].iter().collect();
    format!("{}{tail}", "*".repeat(hidden))
}

fn text_field(field: &'static str, text: &str) -> Result<String, AccountError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(AccountError::Missing { field });
    }
    if text.chars().count() > MAX_TEXT {
        return Err(AccountError::TooLong {
            field,
            max: MAX_TEXT,
        });
    }
    let formula = text.starts_with(['=', '+', '-', '@']);
    if formula || text.chars().any(char::is_control) {
        return Err(AccountError::BadCharacters { field });
    }
    Ok(text.to_owned())
}

/// The Luhn check (ISO/IEC 7812-1) over a string of ASCII digits.
fn luhn_ok(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let doubled = d * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hospital_is_a_payee_of_its_own_paid_into_a_corporate_account() {
        for kind in PayeeKind::ALL {
            assert_eq!(PayeeKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(PayeeKind::parse("hospital"), Some(PayeeKind::Hospital));
        assert_eq!(PayeeKind::Hospital.account_rules(), Payee::Employer);
        assert_eq!(
            PayeeKind::from(Payee::InsuredPerson),
            PayeeKind::InsuredPerson
        );
        assert_eq!(PayeeKind::parse("bank"), None);
    }

    #[test]
    fn corporate_accounts_take_digits_of_any_bank_length() {
        let account = PayeeAccount::parse(
            " 重庆测试甲有限公司 ",
            "中国测试银行梁平支行",
            "3100 0123-4567 89",
            Payee::Employer,
        )
        .expect("valid");
        assert_eq!(account.name(), "重庆测试甲有限公司");
        assert_eq!(account.number(), "31000123456789");
        assert_eq!(account.masked_number(), "**********6789");
        for bad in ["1234567", "31000123456789A", &"1".repeat(31)] {
            assert_eq!(
                PayeeAccount::parse("甲", "乙", bad, Payee::Employer),
                Err(AccountError::BadNumber { min: 8, max: 30 }),
                "{bad}"
            );
        }
    }

    #[test]
    fn personal_cards_need_their_luhn_digit() {
        // A synthetic 19-digit card number whose last digit is its Luhn check digit.
        let valid = "6222021234567890128";
        assert!(luhn_ok(valid));
        assert!(PayeeAccount::parse("测试甲", "测试银行", valid, Payee::InsuredPerson).is_ok());
        assert_eq!(
            PayeeAccount::parse(
                "测试甲",
                "测试银行",
                "6222021234567890127",
                Payee::InsuredPerson
            ),
            Err(AccountError::BadCheckDigit)
        );
        assert_eq!(
            PayeeAccount::parse("测试甲", "测试银行", "4992739871", Payee::InsuredPerson),
            Err(AccountError::BadNumber { min: 16, max: 19 })
        );
    }

    #[test]
    fn names_are_required_and_safe_for_spreadsheets() {
        let parse =
            |name: &str, bank: &str| PayeeAccount::parse(name, bank, "12345678", Payee::Employer);
        assert_eq!(
            parse(" ", "乙"),
            Err(AccountError::Missing { field: "name" })
        );
        assert_eq!(
            parse("甲", ""),
            Err(AccountError::Missing { field: "bank" })
        );
        assert_eq!(
            parse("=HYPERLINK(\"x\")", "乙"),
            Err(AccountError::BadCharacters { field: "name" })
        );
        assert_eq!(
            parse("甲\n乙", "乙"),
            Err(AccountError::BadCharacters { field: "name" })
        );
        assert!(matches!(
            parse(&"甲".repeat(101), "乙"),
            Err(AccountError::TooLong { .. })
        ));
        let error = parse("甲", "");
        let error = error.expect_err("refused");
        assert_eq!((error.code(), error.field()), ("MISSING_FIELD", "bank"));
        assert!(error.message_zh().contains("开户银行"));
    }

    #[test]
    fn payee_names_round_trip() {
        for payee in [Payee::Employer, Payee::InsuredPerson] {
            assert_eq!(Payee::parse(payee.as_str()), Some(payee));
        }
        assert_eq!(Payee::parse("bank"), None);
        assert_eq!(mask_account("12"), "12");
    }
}

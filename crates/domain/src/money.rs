//! Money as whole fen (分, 0.01 yuan) in an `i64`. No floating point anywhere: amounts
//! are parsed from decimal text, added with overflow checks and printed as `¥1,234.56`.
//! The database stores the same integer (BIGINT).

use std::fmt;

use serde::{Deserialize, Serialize};

/// Why an amount could not be parsed or computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("amount overflow")]
    Overflow,
    #[error("division of an amount by zero")]
    DivisionByZero,
    #[error("amount is empty")]
    Empty,
    #[error("amount {input:?} is not a decimal number of yuan such as 1234.56")]
    Malformed { input: String },
    #[error("amount {input:?} has more than two decimals")]
    TooManyDecimals { input: String },
}

impl MoneyError {
    /// Stable SCREAMING_SNAKE code for API responses.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Overflow => "AMOUNT_OVERFLOW",
            Self::DivisionByZero => "AMOUNT_DIVISION_BY_ZERO",
            Self::Empty | Self::Malformed { .. } | Self::TooManyDecimals { .. } => "INVALID_AMOUNT",
        }
    }

    /// The message shown to applicants and window staff.
    pub fn message_zh(&self) -> String {
        match self {
            Self::Overflow => "金额超出可处理范围".to_owned(),
            Self::DivisionByZero => "金额计算除数为零".to_owned(),
            Self::Empty => "金额不能为空".to_owned(),
            Self::Malformed { input } => format!("金额“{input}”格式不正确，应如 1234.56"),
            Self::TooManyDecimals { input } => format!("金额“{input}”最多保留两位小数"),
        }
    }
}

/// An amount of money in fen. Negative amounts exist (refunds, recoveries of
/// over-payment); callers that forbid them check [`Fen::is_negative`].
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct Fen(i64);

impl Fen {
    pub const ZERO: Fen = Fen(0);

    pub const fn new(fen: i64) -> Fen {
        Fen(fen)
    }

    /// Whole yuan, e.g. a configured base of 3,000 yuan.
    pub fn from_yuan(yuan: i64) -> Result<Fen, MoneyError> {
        Fen(yuan).checked_mul(100)
    }

    pub const fn as_i64(self) -> i64 {
        self.0
    }

    pub const fn is_negative(self) -> bool {
        self.0 < 0
    }

    pub const fn is_zero(self) -> bool {
        self.0 == 0
    }

    pub fn checked_add(self, other: Fen) -> Result<Fen, MoneyError> {
        self.0
            .checked_add(other.0)
            .map(Fen)
            .ok_or(MoneyError::Overflow)
    }

    pub fn checked_sub(self, other: Fen) -> Result<Fen, MoneyError> {
        self.0
            .checked_sub(other.0)
            .map(Fen)
            .ok_or(MoneyError::Overflow)
    }

    pub fn checked_mul(self, factor: i64) -> Result<Fen, MoneyError> {
        self.0
            .checked_mul(factor)
            .map(Fen)
            .ok_or(MoneyError::Overflow)
    }

    /// `self × numerator ÷ denominator`, rounded half away from zero (四舍五入) once,
    /// at the end. Used for daily rates: a monthly wage ÷ 30 × days of leave.
    pub fn checked_mul_div(self, numerator: i64, denominator: i64) -> Result<Fen, MoneyError> {
        if denominator == 0 {
            return Err(MoneyError::DivisionByZero);
        }
        let product = i128::from(self.0) * i128::from(numerator);
        let (quotient, remainder) = (
            product / i128::from(denominator),
            product % i128::from(denominator),
        );
        let rounds_up = remainder.abs() * 2 >= i128::from(denominator).abs();
        let away = if (product < 0) != (denominator < 0) {
            -1
        } else {
            1
        };
        let rounded = if rounds_up { quotient + away } else { quotient };
        i64::try_from(rounded)
            .map(Fen)
            .map_err(|_| MoneyError::Overflow)
    }

    /// Adds every amount, failing instead of wrapping (there is deliberately no
    /// `Sum` impl, which could only panic or wrap).
    pub fn checked_sum<I: IntoIterator<Item = Fen>>(amounts: I) -> Result<Fen, MoneyError> {
        amounts
            .into_iter()
            .try_fold(Fen::ZERO, |total, amount| total.checked_add(amount))
    }

    /// Parses decimal yuan as typed into a form: an optional `-`, digits, and at
    /// most two decimals (`1234.56`, `12.5`, `-0.05`). No separators, no `¥`.
    pub fn parse_yuan(text: &str) -> Result<Fen, MoneyError> {
        if text.is_empty() {
            return Err(MoneyError::Empty);
        }
        let malformed = || MoneyError::Malformed {
            input: text.to_owned(),
        };
        let (negative, unsigned) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (whole, decimals) = match unsigned.split_once('.') {
            Some((whole, decimals)) if !decimals.is_empty() => (whole, decimals),
            Some(_) => return Err(malformed()),
            None => (unsigned, ""),
        };
        if !all_digits(whole) || !all_digits(decimals) || whole.is_empty() {
            return Err(malformed());
        }
        if decimals.len() > 2 {
            return Err(MoneyError::TooManyDecimals {
                input: text.to_owned(),
            });
        }
        let fen = whole_and_decimals(whole, decimals)?;
        Ok(Fen(if negative { -fen } else { fen }))
    }

    /// Plain decimal yuan without symbol or separators (`-1234.56`), the inverse of
    /// [`Fen::parse_yuan`]: for form values and CSV exports.
    pub fn to_yuan_string(self) -> String {
        let (sign, yuan, fen) = self.parts();
        format!("{sign}{yuan}.{fen:02}")
    }

    /// Sign, whole yuan and remaining fen of the magnitude.
    fn parts(self) -> (&'static str, u64, u64) {
        let sign = if self.is_negative() { "-" } else { "" };
        let magnitude = self.0.unsigned_abs();
        (sign, magnitude / 100, magnitude % 100)
    }
}

fn all_digits(text: &str) -> bool {
    text.bytes().all(|b| b.is_ascii_digit())
}

/// `whole` yuan and up to two `decimals` as fen; both are known to be ASCII digits.
fn whole_and_decimals(whole: &str, decimals: &str) -> Result<i64, MoneyError> {
    let yuan: i64 = whole.parse().map_err(|_| MoneyError::Overflow)?;
    let mut fen: i64 = decimals.parse().unwrap_or(0);
    if decimals.len() == 1 {
        fen *= 10;
    }
    yuan.checked_mul(100)
        .and_then(|f| f.checked_add(fen))
        .ok_or(MoneyError::Overflow)
}

/// `1234567` → `1,234,567`.
fn group_thousands(value: u64) -> String {
    let digits = value.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}

impl fmt::Display for Fen {
    /// `¥1,234.56`, `-¥0.05`: the form printed on notices and receipts.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (sign, yuan, fen) = self.parts();
        write!(f, "{sign}¥{}.{fen:02}", group_thousands(yuan))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_groups_thousands_and_keeps_two_decimals() {
        assert_eq!(Fen::new(0).to_string(), "¥0.00");
        assert_eq!(Fen::new(5).to_string(), "¥0.05");
        assert_eq!(Fen::new(100).to_string(), "¥1.00");
        assert_eq!(Fen::new(123_456).to_string(), "¥1,234.56");
        assert_eq!(Fen::new(123_456_789).to_string(), "¥1,234,567.89");
        assert_eq!(Fen::new(-123_456).to_string(), "-¥1,234.56");
        assert_eq!(Fen::new(-5).to_string(), "-¥0.05");
        assert_eq!(
            Fen::new(i64::MIN).to_string(),
            "-¥92,233,720,368,547,758.08"
        );
    }

    #[test]
    fn parse_yuan_accepts_up_to_two_decimals() {
        assert_eq!(Fen::parse_yuan("1234.56"), Ok(Fen::new(123_456)));
        assert_eq!(Fen::parse_yuan("12.5"), Ok(Fen::new(1_250)));
        assert_eq!(Fen::parse_yuan("7"), Ok(Fen::new(700)));
        assert_eq!(Fen::parse_yuan("-0.05"), Ok(Fen::new(-5)));
        assert_eq!(Fen::parse_yuan("007.00"), Ok(Fen::new(700)));
    }

    #[test]
    fn parse_yuan_rejects_everything_else() {
        assert_eq!(Fen::parse_yuan(""), Err(MoneyError::Empty));
        for bad in [
            "-", ".5", "12.", "1,234.56", "¥12", "+1", " 1", "1e3", "1.2.3", "--1", "1.-5",
        ] {
            let err = Fen::parse_yuan(bad).expect_err(bad);
            assert_eq!(err.code(), "INVALID_AMOUNT", "{bad}");
        }
        assert_eq!(
            Fen::parse_yuan("0.001"),
            Err(MoneyError::TooManyDecimals {
                input: "0.001".into()
            })
        );
        assert_eq!(
            Fen::parse_yuan("92233720368547758.08"),
            Err(MoneyError::Overflow)
        );
        assert_eq!(
            Fen::parse_yuan("92233720368547758.07"),
            Ok(Fen::new(i64::MAX))
        );
    }

    #[test]
    fn yuan_string_round_trips() {
        for fen in [0, 5, -5, 10, 123_456, -123_456_789, i64::MAX] {
            let amount = Fen::new(fen);
            assert_eq!(Fen::parse_yuan(&amount.to_yuan_string()), Ok(amount));
        }
    }

    #[test]
    fn arithmetic_reports_overflow() {
        let max = Fen::new(i64::MAX);
        assert_eq!(max.checked_add(Fen::new(1)), Err(MoneyError::Overflow));
        assert_eq!(
            Fen::new(i64::MIN).checked_sub(Fen::new(1)),
            Err(MoneyError::Overflow)
        );
        assert_eq!(max.checked_mul(2), Err(MoneyError::Overflow));
        assert_eq!(MoneyError::Overflow.code(), "AMOUNT_OVERFLOW");
        assert_eq!(Fen::new(3).checked_add(Fen::new(4)), Ok(Fen::new(7)));
        assert_eq!(Fen::new(3).checked_sub(Fen::new(4)), Ok(Fen::new(-1)));
        assert!(Fen::new(-1).is_negative());
        assert_eq!(Fen::from_yuan(3_000), Ok(Fen::new(300_000)));
    }

    #[test]
    fn checked_sum_fails_instead_of_wrapping() {
        let amounts = [Fen::new(1), Fen::new(2), Fen::new(3)];
        assert_eq!(Fen::checked_sum(amounts), Ok(Fen::new(6)));
        assert_eq!(Fen::checked_sum([]), Ok(Fen::ZERO));
        assert_eq!(
            Fen::checked_sum([Fen::new(i64::MAX), Fen::new(1), Fen::new(-1)]),
            Err(MoneyError::Overflow)
        );
    }

    #[test]
    fn mul_div_rounds_half_away_from_zero() {
        // 6,000 yuan a month ÷ 30 × 98 days of leave.
        assert_eq!(
            Fen::new(600_000).checked_mul_div(98, 30),
            Ok(Fen::new(1_960_000))
        );
        assert_eq!(Fen::new(1).checked_mul_div(1, 2), Ok(Fen::new(1)));
        assert_eq!(Fen::new(-1).checked_mul_div(1, 2), Ok(Fen::new(-1)));
        assert_eq!(Fen::new(1).checked_mul_div(1, 3), Ok(Fen::ZERO));
        assert_eq!(Fen::new(1).checked_mul_div(-1, 2), Ok(Fen::new(-1)));
        assert_eq!(
            Fen::new(1).checked_mul_div(1, 0),
            Err(MoneyError::DivisionByZero)
        );
        assert_eq!(
            Fen::new(i64::MAX).checked_mul_div(2, 1),
            Err(MoneyError::Overflow)
        );
    }

    #[test]
    fn serde_as_integer() {
        assert_eq!(serde_json::to_string(&Fen::new(-5)).expect("json"), "-5");
        assert_eq!(
            serde_json::from_str::<Fen>("123456").expect("json"),
            Fen::new(123_456)
        );
        assert!(serde_json::from_str::<Fen>("12.5").is_err());
    }

    proptest::proptest! {
        #[test]
        fn yuan_text_round_trips(fen in (i64::MIN + 1)..=i64::MAX) {
            let amount = Fen::new(fen);
            proptest::prop_assert_eq!(Fen::parse_yuan(&amount.to_yuan_string()), Ok(amount));
        }

        #[test]
        fn display_is_grouped_yuan_text(fen: i64) {
            let amount = Fen::new(fen);
            let plain = amount.to_string().replace(['¥', ','], "");
            proptest::prop_assert_eq!(plain, amount.to_yuan_string());
        }

        #[test]
        fn checked_add_never_wraps(a: i64, b: i64) {
            let exact = i128::from(a) + i128::from(b);
            match Fen::new(a).checked_add(Fen::new(b)) {
                Ok(sum) => proptest::prop_assert_eq!(i128::from(sum.as_i64()), exact),
                Err(err) => proptest::prop_assert!(i64::try_from(exact).is_err(), "{err}"),
            }
        }
    }
}

//! Grouping a settlement's claims into payments: one transfer per payee account (户名, bank,
//! account number), with the batch's control totals (claim count and sum) fixed here and
//! checked again when the payment file is written.

use std::collections::BTreeMap;

use super::account::{AccountError, PayeeAccount};
use crate::{Fen, MoneyError};

/// One claim taken into a settlement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettleItem {
    pub payable_id: String,
    /// The amount frozen at approval.
    pub amount: Fen,
    pub account: PayeeAccount,
}

/// One transfer to one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedPayment {
    pub account: PayeeAccount,
    /// The claims it pays, ascending by id, with their amounts.
    pub claims: Vec<(String, Fen)>,
    pub amount: Fen,
}

/// The payments of a settlement and its control totals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettlementPlan {
    /// Ordered by payee name, bank and account number, so the payment file is stable.
    pub payments: Vec<PlannedPayment>,
    pub claims: usize,
    pub total: Fen,
}

impl SettlementPlan {
    pub fn is_empty(&self) -> bool {
        self.claims == 0
    }

    /// The control totals hold: the payments' amounts and claim counts add up to the batch's.
    pub fn totals_hold(&self) -> bool {
        let count: usize = self.payments.iter().map(|p| p.claims.len()).sum();
        let sum = Fen::checked_sum(self.payments.iter().map(|p| p.amount));
        count == self.claims && sum == Ok(self.total)
    }
}

/// Groups items by payee account. A claim id given twice is taken once (the store never
/// gives one twice; this keeps the "exactly once" rule true even if it did). Amounts must be
/// positive: a zero or negative amount is no payment.
pub fn plan_payments(items: Vec<SettleItem>) -> Result<SettlementPlan, MoneyError> {
    let mut groups: BTreeMap<PayeeAccount, BTreeMap<String, Fen>> = BTreeMap::new();
    for item in items {
        groups
            .entry(item.account)
            .or_default()
            .entry(item.payable_id)
            .or_insert(item.amount);
    }
    let mut payments = Vec::with_capacity(groups.len());
    for (account, claims) in groups {
        let amount = Fen::checked_sum(claims.values().copied())?;
        payments.push(PlannedPayment {
            account,
            claims: claims.into_iter().collect(),
            amount,
        });
    }
    let claims = payments.iter().map(|p| p.claims.len()).sum();
    let total = Fen::checked_sum(payments.iter().map(|p| p.amount))?;
    Ok(SettlementPlan {
        payments,
        claims,
        total,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::allowance::settlement::Payee;

    fn account(name: &str, number: &str) -> PayeeAccount {
        PayeeAccount::parse(name, "测试银行", number, Payee::Employer).expect("account")
    }

    fn item(id: &str, fen: i64, acc: &PayeeAccount) -> SettleItem {
        SettleItem {
            payable_id: id.into(),
            amount: Fen::new(fen),
            account: acc.clone(),
        }
    }

    #[test]
    fn one_payment_per_account_with_totals() {
        let a = account("测试甲公司", "11112222");
        let b = account("测试乙公司", "33334444");
        // Same name and bank, another number: another account, another payment.
        let a2 = account("测试甲公司", "11113333");
        let plan = plan_payments(vec![
            item("c3", 300, &b),
            item("c1", 100, &a),
            item("c2", 250, &a),
            item("c4", 7, &a2),
        ])
        .expect("plan");
        assert_eq!(plan.claims, 4);
        assert_eq!(plan.total, Fen::new(657));
        assert_eq!(plan.payments.len(), 3);
        // Ordered by name (乙 U+4E59 before 甲 U+7532), then bank, then number.
        assert_eq!(plan.payments[0].account, b);
        assert_eq!(plan.payments[0].amount, Fen::new(300));
        assert_eq!(plan.payments[1].account, a);
        assert_eq!(
            plan.payments[1].claims,
            vec![
                ("c1".to_owned(), Fen::new(100)),
                ("c2".to_owned(), Fen::new(250))
            ]
        );
        assert_eq!(plan.payments[1].amount, Fen::new(350));
        assert_eq!(plan.payments[2].account, a2);
        assert!(plan.totals_hold());
    }

    #[test]
    fn a_claim_is_taken_once_and_empty_plans_are_empty() {
        let a = account("测试甲公司", "11112222");
        let plan = plan_payments(vec![item("c1", 100, &a), item("c1", 100, &a)]).expect("plan");
        assert_eq!((plan.claims, plan.total), (1, Fen::new(100)));
        let empty = plan_payments(vec![]).expect("plan");
        assert!(empty.is_empty() && empty.payments.is_empty() && empty.totals_hold());
    }

    #[test]
    fn overflow_is_an_error_not_a_wrap() {
        let a = account("测试甲公司", "11112222");
        let result = plan_payments(vec![item("c1", i64::MAX, &a), item("c2", 1, &a)]);
        assert_eq!(result, Err(MoneyError::Overflow));
    }

    #[test]
    fn broken_totals_are_detected() {
        let a = account("测试甲公司", "11112222");
        let mut plan = plan_payments(vec![item("c1", 100, &a)]).expect("plan");
        plan.total = Fen::new(101);
        assert!(!plan.totals_hold());
    }
}

/// Why a due payable was left out of a run, to be fixed and settled next time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    NoAmount,
    NoPayee,
    InvalidAccount(AccountError),
}

impl SkipReason {
    pub fn code(&self) -> &'static str {
        match self {
            SkipReason::NoAmount => "NO_AMOUNT",
            SkipReason::NoPayee => "NO_PAYEE",
            SkipReason::InvalidAccount(_) => "INVALID_ACCOUNT",
        }
    }

    pub fn message_zh(&self) -> String {
        match self {
            SkipReason::NoAmount => "应付款没有核定金额，无法结算".to_owned(),
            SkipReason::NoPayee => "应付款没有确定收款对象，无法结算".to_owned(),
            SkipReason::InvalidAccount(e) => format!("收款账户无效：{}", e.message_zh()),
        }
    }
}

#[cfg(test)]
mod skip_tests {
    use super::*;

    #[test]
    fn each_reason_has_its_code_and_a_chinese_message() {
        let bad = SkipReason::InvalidAccount(AccountError::BadCheckDigit);
        assert_eq!(bad.code(), "INVALID_ACCOUNT");
        assert!(bad.message_zh().starts_with("收款账户无效："));
        assert_eq!(SkipReason::NoAmount.code(), "NO_AMOUNT");
        assert_eq!(SkipReason::NoPayee.code(), "NO_PAYEE");
        assert!(SkipReason::NoPayee.message_zh().contains("收款对象"));
    }
}

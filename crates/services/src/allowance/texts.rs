//! What the employer and the insured person are told, in Chinese, at each step of a claim.
//! Every message goes to both, in-site and by SMS, through the notifications outbox.

use onething_domain::access::mask_id_text;
use onething_domain::allowance::{ManualReason, RejectionReason};
use onething_store::allowance::settlements::PaymentNotice;
use onething_store::allowance::{NewNotification, Recipient};
use onething_store::payables::PayableEvent;

/// In-site and SMS messages to the employer and the insured person.
pub(super) fn to_both(
    employer: &str,
    person: &str,
    claim_id: &str,
    body: &str,
) -> Vec<NewNotification> {
    let mut out = Vec::with_capacity(4);
    for recipient in [
        Recipient::Employer(employer.into()),
        Recipient::Person(person.into()),
    ] {
        for channel in ["in_site", "sms"] {
            out.push(NewNotification {
                recipient: recipient.clone(),
                channel,
                subject_type: "ma_claim",
                subject_id: claim_id.into(),
                body: body.into(),
            });
        }
    }
    out
}

/// `57900.00`: an amount in fen as the messages print it.
fn yuan(amount_fen: i64) -> String {
    onething_domain::money::Fen::new(amount_fen).to_yuan_string()
}

pub(super) fn created(id: &str) -> String {
    format!("已发起生育津贴申领（申领号{id}），请核对上年度月平均工资后提交")
}

pub(super) fn queued(id: &str, reasons: &[ManualReason]) -> String {
    let labels: Vec<&str> = reasons.iter().map(|r| r.label_zh()).collect();
    format!("生育津贴申领（申领号{id}）已提交，{}", labels.join("；"))
}

pub(super) fn approved(id: &str, amount_fen: i64) -> String {
    let amount = yuan(amount_fen);
    format!("生育津贴申领（申领号{id}）审核通过，核定金额{amount}元，待结算支付")
}

/// A 免申即享 claim: opened by the platform and approved at once, still open to the
/// employer's corrections until it is settled.
pub(super) fn approved_automatically(id: &str, amount_fen: i64) -> String {
    let amount = yuan(amount_fen);
    format!(
        "平台已依据共享数据免申办理生育津贴（申领号{id}），审核通过，核定金额{amount}元，待结算支付；\
         单位如需更正工资基数或收款账户，请在结算前办理"
    )
}

pub(super) fn wage_corrected(id: &str, amount_fen: i64) -> String {
    let amount = yuan(amount_fen);
    format!("生育津贴申领（申领号{id}）已按单位更正的工资基数重新核定，金额{amount}元，待结算支付")
}

pub(super) fn rejected(id: &str, reason: RejectionReason) -> String {
    format!("生育津贴申领（申领号{id}）不予支付：{}", reason.label_zh())
}

/// The messages of a claim's payment: settled, paid or failed (`[to the employer, to the
/// person]`); none for an account correction, which whoever made it already knows.
pub fn payment(notice: &PaymentNotice<'_>) -> Option<[String; 2]> {
    let (claim, amount) = (notice.claim_id, notice.amount);
    let masked = mask_id_text(notice.person_id);
    Some(match notice.event {
        PayableEvent::Settled { .. } => [
            format!("职工{masked}的生育津贴申领（{claim}）已结算，金额{amount}，等待银行到账"),
            format!("您的生育津贴申领（{claim}）已结算，金额{amount}，等待银行到账"),
        ],
        // The payment ends the claim's case: the person is invited to rate it (SV-1).
        PayableEvent::Paid { .. } => [
            format!("职工{masked}的生育津贴（申领{claim}）已支付到账"),
            match notice.case_id {
                Some(case) => format!(
                    "您的生育津贴（申领{claim}）已支付到账。{}",
                    crate::supervision::rating_invitation(case)
                ),
                None => format!("您的生育津贴（申领{claim}）已支付到账"),
            },
        ],
        PayableEvent::Failed { reason, .. } => [
            format!(
                "职工{masked}的生育津贴（申领{claim}）支付失败：{reason}。请更正收款账户，更正后将纳入下一批结算"
            ),
            format!(
                "您的生育津贴（申领{claim}）支付失败：{reason}。请联系单位或经办机构更正收款账户"
            ),
        ],
        PayableEvent::AccountCorrected { .. } => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use onething_domain::Fen;

    fn notice(event: &PayableEvent) -> PaymentNotice<'_> {
        PaymentNotice {
            claim_id: "c1",
            person_id: "500228199001011234",
            amount: Fen::new(326_000),
            event,
            case_id: Some("CASE-1"),
        }
    }

    #[test]
    fn payment_messages_mask_the_id_and_name_the_claim_and_reason() {
        let failed = PayableEvent::Failed {
            payment_id: "P1".into(),
            reason: "账户已销户".into(),
        };
        let [employer, person] = payment(&notice(&failed)).expect("messages");
        assert!(
            employer.contains("c1") && employer.contains("账户已销户"),
            "{employer}"
        );
        assert!(!employer.contains("500228199001011234"), "{employer}");
        assert!(person.starts_with("您的生育津贴"), "{person}");
        let corrected = PayableEvent::AccountCorrected {
            name: "测试甲".into(),
            bank: "测试银行".into(),
            number: "6222000000000000".into(),
        };
        assert_eq!(payment(&notice(&corrected)), None);
    }

    #[test]
    fn the_payment_invites_the_person_to_rate_her_case() {
        let paid = PayableEvent::Paid {
            payment_id: "P1".into(),
            paid_on: chrono::NaiveDate::from_ymd_opt(2024, 9, 30).expect("date"),
        };
        let [employer, person] = payment(&notice(&paid)).expect("messages");
        assert!(
            person.ends_with("欢迎对本次服务评价（好差评）：/cases/CASE-1"),
            "{person}"
        );
        assert!(!employer.contains("好差评"), "{employer}");
    }
}

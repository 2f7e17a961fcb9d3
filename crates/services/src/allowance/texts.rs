//! What the employer and the insured person are told, in Chinese, at each step of a claim.
//! Every message goes to both, in-site and by SMS, through the notifications outbox.

use onething_domain::allowance::{ManualReason, RejectionReason};
use onething_store::allowance::{NewNotification, Recipient};

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

pub(super) fn created(id: &str) -> String {
    format!("已发起生育津贴申领（申领号{id}），请核对上年度月平均工资后提交")
}

pub(super) fn queued(id: &str, reasons: &[ManualReason]) -> String {
    let labels: Vec<&str> = reasons.iter().map(|r| r.label_zh()).collect();
    format!("生育津贴申领（申领号{id}）已提交，{}", labels.join("；"))
}

pub(super) fn approved(id: &str, amount_fen: i64) -> String {
    let (yuan, fen) = (amount_fen / 100, amount_fen % 100);
    format!("生育津贴申领（申领号{id}）审核通过，核定金额{yuan}.{fen:02}元，待结算支付")
}

pub(super) fn rejected(id: &str, reason: RejectionReason) -> String {
    format!("生育津贴申领（申领号{id}）不予支付：{}", reason.label_zh())
}

//! What the family is told (NB-8, NB-9), in Chinese: in-site and by SMS, through the
//! notifications outbox, in the transaction of the change.

use chrono::NaiveDate;
use onething_domain::newborn::{
    Delivery, MissingMaterial, NewbornForm, NewbornItem, NoticeKind, RefusalReason,
};
use onething_store::allowance::{NewNotification, Recipient};

const PREFIX: &str = "【新生儿出生一件事】";

/// The same message in-site and by SMS to the mother.
pub(crate) fn to_mother(mother: &str, subject: &str, body: &str) -> Vec<NewNotification> {
    ["in_site", "sms"]
        .into_iter()
        .map(|channel| NewNotification {
            recipient: Recipient::Person(mother.to_owned()),
            channel,
            subject_type: "newborn",
            subject_id: subject.to_owned(),
            body: format!("{PREFIX}{body}"),
        })
        .collect()
}

pub(crate) fn decided(
    kind: NoticeKind,
    number: &str,
    promised: Option<NaiveDate>,
    reasons: &[RefusalReason],
    missing: &[MissingMaterial],
) -> String {
    match kind {
        NoticeKind::Acceptance => format!(
            "您的申请已受理（受理通知书 {number}），七个事项将分送各部门办理，承诺于{}前全部办结。",
            promised
                .map(|d| d.format("%Y年%m月%d日").to_string())
                .unwrap_or_default()
        ),
        NoticeKind::Supplement => format!(
            "您的申请符合受理条件，但以下材料未能从共享数据核实，请一次性补正后由窗口审核受理（一次性告知书 {number}）：{}。",
            missing
                .iter()
                .map(|m| m.message_zh())
                .collect::<Vec<_>>()
                .join("；")
        ),
        NoticeKind::Refusal => format!(
            "您的申请不予受理（不予受理通知书 {number}）：{}。",
            reasons
                .iter()
                .map(|r| r.message_zh())
                .collect::<Vec<_>>()
                .join("；")
        ),
    }
}

/// An item finished: the date, where and when to collect it or how it is mailed, and for
/// the insurance enrollment the premium to pay.
pub(crate) fn item_done(
    item: NewbornItem,
    on: NaiveDate,
    next_working_day: NaiveDate,
    form: &NewbornForm,
    tracking: Option<&str>,
) -> String {
    let mut text = format!("“{}”已办结（{}）。", item.label_zh(), on.format("%Y-%m-%d"));
    if item.is_physical() {
        match (&form.delivery, item.pickup_place_zh()) {
            (Delivery::Mail { recipient, .. }, _) if item != NewbornItem::Vaccination => {
                text.push_str(&format!(
                    "证件将邮寄给{recipient}（自费）{}。",
                    tracking
                        .map(|t| format!("，运单号 {t}"))
                        .unwrap_or_default()
                ));
            }
            (_, Some(place)) => text.push_str(&format!(
                "请自{}起在工作日办公时间到{place}领取。",
                next_working_day.format("%Y-%m-%d")
            )),
            _ => {}
        }
    }
    if item == NewbornItem::ResidentEnrollment {
        text.push_str(&format!(
            "新生儿已登记参加城乡居民医保，请通过{}缴纳居民医保费，缴费后享受相应待遇。",
            form.premium_channel.label_zh()
        ));
    }
    text
}

pub(crate) fn item_denied(item: NewbornItem, reason: &str) -> String {
    format!("“{}”不予办理：{reason}", item.label_zh())
}

pub(crate) fn withdrawn() -> String {
    "您已撤回申请，尚未开始办理的事项不再办理。".into()
}

//! The printable notice (受理通知书 / 一次性告知书 / 不予受理通知书) assembled from what
//! the notice row recorded when it was issued, so a reprint says exactly the same.

use onething_documents::NoticeForm;
use onething_domain::newborn::NoticeKind;
use onething_store::newborn::Notice;
use serde_json::Value;

fn texts(content: &Value, key: &str, field: &str) -> Vec<String> {
    content[key]
        .as_array()
        .map(|list| {
            list.iter()
                .filter_map(|v| v.get(field).and_then(Value::as_str).or(v.as_str()))
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// The notice's printed content. `verify_hint` says where the public check is.
pub fn notice_form(notice: &Notice, verify_hint: &str) -> NoticeForm {
    let c = &notice.content;
    let promised = c["promised_due_on"]
        .as_str()
        .and_then(|d| d.parse::<chrono::NaiveDate>().ok())
        .map(|d| d.format("%Y年%m月%d日").to_string())
        .unwrap_or_default();
    let (decision, lines, closing) = match notice.kind {
        NoticeKind::Acceptance => (
            format!(
                "经审核，您的新生儿出生一件事申请符合受理条件，材料齐全，予以受理。下列事项已分送各部门办理，承诺于{promised}前全部办结。"
            ),
            texts(c, "items", ""),
            "各事项的办理进度（未办结/已办结）将通过平台消息和短信推送；实体证件按您选择的方式领取或邮寄。".to_owned(),
        ),
        NoticeKind::Supplement => (
            "经审核，您的申请符合受理条件，但下列材料未能通过共享数据核实，请一次性补正。".to_owned(),
            texts(c, "missing", "message"),
            "请在平台上传上述材料（扫描件或照片），或到助产机构一窗受理综合窗口提交；窗口审核后即予受理。".to_owned(),
        ),
        NoticeKind::Refusal => (
            "经审核，您的申请不符合新生儿出生一件事受理条件，不予受理，理由如下。".to_owned(),
            texts(c, "reasons", "message"),
            "如对本决定有异议，可到助产机构一窗受理综合窗口咨询；各单项事项仍可分别向主管部门申请办理。".to_owned(),
        ),
    };
    NoticeForm {
        title: notice.kind.title_zh().to_owned(),
        number: notice.number.clone(),
        verification_code: notice.verification_code.clone(),
        issued_on: notice.issued_on,
        application_id: notice.application_id.clone(),
        applicant_masked: notice.applicant_masked.clone(),
        decision,
        lines,
        closing,
        verify_hint: verify_hint.to_owned(),
    }
}

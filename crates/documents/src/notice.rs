//! The newborn bundle's notices (seed 003 附件2 五(二)): 受理通知书, 一次性告知书 and
//! 不予受理通知书. Each names its number and verification code, which anyone can check on
//! the platform (`GET /api/v1/notices/{number}?code=`); the platform signs the PDF with its
//! Ed25519 key (the electronic seal, 附件2 一(一)2), so a department can also verify it
//! offline (`onething_exchange::signature::verify_document`).

use chrono::NaiveDate;

use crate::format::format_date;
use crate::layout::{Cell, Composer};
use crate::{DocumentError, Fonts};

/// Everything printed on a notice, shown as given (mask ids before passing them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeForm {
    /// 受理通知书, 一次性告知书 or 不予受理通知书.
    pub title: String,
    pub number: String,
    pub verification_code: String,
    pub issued_on: NaiveDate,
    pub application_id: String,
    pub applicant_masked: String,
    /// The opening sentence (what was decided).
    pub decision: String,
    /// The lines of the notice's list: items with their limits, missing materials, or
    /// refusal reasons.
    pub lines: Vec<String>,
    /// What happens next / what the applicant can do.
    pub closing: String,
    /// Where the public check is (`https://…/notices/{number}`).
    pub verify_hint: String,
}

const SINGLE: [f32; 2] = [0.22, 0.78];
const SEAL_HEIGHT: f32 = 64.0;

/// The notice as a PDF (A4).
pub fn notice_pdf(form: &NoticeForm, fonts: &Fonts) -> Result<Vec<u8>, DocumentError> {
    let mut page = Composer::new(fonts);
    page.title(&form.title)?;
    page.caption(
        &format!("编号：{}", form.number),
        &format!("出具日期：{}", format_date(form.issued_on)),
    )?;
    page.section("一、申请信息")?;
    single(&mut page, "事项", "新生儿出生一件事")?;
    single(&mut page, "申请编号", &form.application_id)?;
    single(&mut page, "申请人（新生儿母亲）", &form.applicant_masked)?;
    page.end_table();
    page.gap(6.0);
    page.paragraph(&form.decision)?;
    page.gap(4.0);
    page.section("二、明细")?;
    let list = if form.lines.is_empty() {
        "—".to_owned()
    } else {
        form.lines
            .iter()
            .enumerate()
            .map(|(n, line)| format!("{}. {line}", n + 1))
            .collect::<Vec<_>>()
            .join("\n")
    };
    page.row(&[Cell::value(list, 1.0)])?;
    page.end_table();
    page.gap(6.0);
    page.paragraph(&form.closing)?;
    page.gap(6.0);
    page.paragraph(&format!(
        "核验：编号 {}，核验码 {}。{}",
        form.number, form.verification_code, form.verify_hint
    ))?;
    page.gap(6.0);
    page.keep_room(SEAL_HEIGHT);
    page.signature_boxes(
        &[
            ("出具单位", "新生儿出生一件事一窗受理综合窗口"),
            ("电子印章", "本文书附平台电子签名，可离线验证"),
        ],
        SEAL_HEIGHT,
    )?;
    let footer = format!("{}　{}", form.title, form.number);
    page.finish(&form.title, &move |number, pages| {
        (footer.clone(), format!("第 {number} 页 / 共 {pages} 页"))
    })
}

fn single(page: &mut Composer<'_>, label: &str, value: &str) -> Result<(), DocumentError> {
    page.row(&[Cell::label(label, SINGLE[0]), Cell::value(value, SINGLE[1])])
}

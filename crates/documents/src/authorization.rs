//! 生育津贴办理授权确认表 (seed 000 附件2): the employer authorises its clerk (经办人)
//! to apply for maternity allowance at the agency on its behalf (MA-3 offline flow).
//! The agency keeps the signed and stamped paper.

use chrono::NaiveDate;

use crate::format::format_date;
use crate::layout::{Cell, Composer};
use crate::{DocumentError, Fonts};

pub const AUTHORIZATION_TITLE: &str = "生育津贴办理授权确认表";

/// Everything printed on the authorisation form, shown as given (mask the agent's
/// citizen id and phone before passing them, where the view requires it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizationForm {
    /// 编号 in the footer, e.g. the employer account or a claim number; may be empty.
    pub reference_number: String,
    pub employer_name: String,
    /// 统一社会信用代码
    pub employer_uscc: String,
    /// 经办人姓名
    pub agent_name: String,
    /// 经办人公民身份号码
    pub agent_citizen_id: String,
    /// 经办人联系电话
    pub agent_phone: String,
    /// 授权事项, one per line.
    pub authorized_items: Vec<String>,
    /// 授权有效期: first and last day.
    pub valid_from: NaiveDate,
    pub valid_until: NaiveDate,
    /// 打印日期
    pub generated_on: NaiveDate,
}

const STATEMENT: &str = "本单位授权上述经办人代表本单位到医疗保障经办机构办理生育津贴申领相关事项，\
     核对并签字确认生育津贴申请表。经办人在授权事项和有效期内办理的业务，本单位予以认可，\
     并对所提供信息的真实性负责。";
const STAMP_HEIGHT: f32 = 78.0;
const SIGN_HEIGHT: f32 = 48.0;

const SINGLE: [f32; 2] = [0.2, 0.8];
const PAIR: [f32; 4] = [0.2, 0.3, 0.2, 0.3];

/// The authorisation form as a PDF (A4).
pub fn authorization_form_pdf(
    form: &AuthorizationForm,
    fonts: &Fonts,
) -> Result<Vec<u8>, DocumentError> {
    let mut page = Composer::new(fonts);
    page.title(AUTHORIZATION_TITLE)?;
    let reference = if form.reference_number.is_empty() {
        String::new()
    } else {
        format!("编号：{}", form.reference_number)
    };
    page.caption(
        &reference,
        &format!("打印日期：{}", format_date(form.generated_on)),
    )?;
    page.section("一、授权单位")?;
    single(&mut page, "单位名称", &form.employer_name)?;
    single(&mut page, "统一社会信用代码", &form.employer_uscc)?;
    page.section("二、被授权经办人")?;
    pair(
        &mut page,
        ("姓名", &form.agent_name),
        ("联系电话", &form.agent_phone),
    )?;
    single(&mut page, "公民身份号码", &form.agent_citizen_id)?;
    page.section("三、授权内容")?;
    single(&mut page, "授权事项", &numbered(&form.authorized_items))?;
    single(
        &mut page,
        "授权有效期",
        &format!(
            "自 {} 起至 {} 止",
            format_date(form.valid_from),
            format_date(form.valid_until)
        ),
    )?;
    page.end_table();
    page.gap(8.0);
    page.keep_room(page.paragraph_height(STATEMENT)? + 6.0 + STAMP_HEIGHT + SIGN_HEIGHT);
    page.paragraph(STATEMENT)?;
    page.gap(6.0);
    page.signature_boxes(
        &[("单位盖章", "（盖章）"), ("法定代表人（负责人）签字", "")],
        STAMP_HEIGHT,
    )?;
    page.signature_boxes(
        &[("经办人签字", ""), ("日期", "年    月    日")],
        SIGN_HEIGHT,
    )?;
    let footer_left = if reference.is_empty() {
        format!("系统生成于 {}", format_date(form.generated_on))
    } else {
        format!(
            "{reference}　　系统生成于 {}",
            format_date(form.generated_on)
        )
    };
    page.finish(AUTHORIZATION_TITLE, &move |number, pages| {
        (
            footer_left.clone(),
            format!("第 {number} 页 / 共 {pages} 页"),
        )
    })
}

fn numbered(items: &[String]) -> String {
    if items.is_empty() {
        return "—".to_owned();
    }
    items
        .iter()
        .enumerate()
        .map(|(index, item)| format!("{}. {item}", index + 1))
        .collect::<Vec<_>>()
        .join("\n")
}

fn single(page: &mut Composer<'_>, label: &str, value: &str) -> Result<(), DocumentError> {
    page.row(&[Cell::label(label, SINGLE[0]), Cell::value(value, SINGLE[1])])
}

fn pair(
    page: &mut Composer<'_>,
    first: (&str, &str),
    second: (&str, &str),
) -> Result<(), DocumentError> {
    page.row(&[
        Cell::label(first.0, PAIR[0]),
        Cell::value(first.1, PAIR[1]),
        Cell::label(second.0, PAIR[2]),
        Cell::value(second.1, PAIR[3]),
    ])
}

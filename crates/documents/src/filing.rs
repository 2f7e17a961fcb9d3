//! 大冶市生育保险备案登记表（男职工未就业配偶） (seed 002 附件1): the record of a spouse
//! filing at the hospital window, with the data-sharing result in place of the paper
//! certificates the window used to collect.

use chrono::NaiveDate;

use crate::format::format_date;
use crate::layout::{Cell, Composer};
use crate::{DocumentError, Fonts};

pub const FILING_TITLE: &str = "生育保险备案登记表（男职工未就业配偶）";

/// Everything printed on the filing form, shown as given (ids masked by the caller).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilingForm {
    /// 编号: the filing's id.
    pub number: String,
    /// 申报医疗机构.
    pub hospital: String,
    pub name: String,
    pub citizen_id: String,
    /// 是否就业: 是 / 否 / 未核实.
    pub employed: String,
    pub employer: String,
    pub phone: String,
    pub marriage_certificate_no: String,
    /// 怀孕时间.
    pub pregnant_since: String,
    /// 胎数.
    pub fetuses: String,
    /// 生育方式 (产检, 上环取环, 结扎, 分娩, 流产, 引产), as chosen.
    pub service: String,
    pub spouse_name: String,
    pub spouse_citizen_id: String,
    pub spouse_employer: String,
    /// 备案结果 (已备案 / 不予备案 / 待补正) and, when not filed, every reason or missing record.
    pub result: String,
    pub details: Vec<String>,
    /// 申报日期.
    pub filed_on: NaiveDate,
    /// 申报人 (the clerk).
    pub filed_by: String,
}

const PAIR: [f32; 4] = [0.2, 0.3, 0.2, 0.3];
const SINGLE: [f32; 2] = [0.2, 0.8];
const SOURCES: &str = "婚姻登记信息由民政部门、就业失业登记信息由人社部门、参保信息由医保部门共享提供，\
     窗口据此即时备案（大冶市生育保险报销“一事联办”工作实施方案 三(一)1）。";

/// The filing form as a PDF (A4).
pub fn filing_form_pdf(form: &FilingForm, fonts: &Fonts) -> Result<Vec<u8>, DocumentError> {
    let mut page = Composer::new(fonts);
    page.title(FILING_TITLE)?;
    page.caption(
        &format!("申报医疗机构：{}（签章）", form.hospital),
        &format!("编号：{}", form.number),
    )?;
    pair(&mut page, ("姓名", &form.name), ("性别", "女"))?;
    single(&mut page, "身份证号码", &form.citizen_id)?;
    pair(
        &mut page,
        ("是否就业", &form.employed),
        ("工作单位", &form.employer),
    )?;
    pair(
        &mut page,
        ("就诊医院", &form.hospital),
        ("联系电话", &form.phone),
    )?;
    single(&mut page, "结婚证编号", &form.marriage_certificate_no)?;
    pair(
        &mut page,
        ("怀孕时间", &form.pregnant_since),
        ("胎数", &form.fetuses),
    )?;
    single(&mut page, "生育方式", &form.service)?;
    pair(
        &mut page,
        ("配偶姓名", &form.spouse_name),
        ("配偶身份证号码", &form.spouse_citizen_id),
    )?;
    single(&mut page, "配偶工作单位", &form.spouse_employer)?;
    single(&mut page, "备案结果", &result_text(form))?;
    page.end_table();
    page.gap(8.0);
    page.paragraph(SOURCES)?;
    page.gap(6.0);
    page.signature_boxes(
        &[
            ("申报日期", &format_date(form.filed_on)),
            ("申报人", &form.filed_by),
        ],
        40.0,
    )?;
    let footer = format!("备案编号 {}", form.number);
    page.finish(FILING_TITLE, &move |number, pages| {
        (footer.clone(), format!("第 {number} 页 / 共 {pages} 页"))
    })
}

fn result_text(form: &FilingForm) -> String {
    let mut lines = vec![form.result.clone()];
    lines.extend(
        form.details
            .iter()
            .enumerate()
            .map(|(i, d)| format!("{}. {d}", i + 1)),
    );
    lines.join("\n")
}

fn single(page: &mut Composer<'_>, label: &str, value: &str) -> Result<(), DocumentError> {
    page.row(&[
        Cell::label(label, SINGLE[0]),
        Cell::value(dash(value), SINGLE[1]),
    ])
}

fn pair(
    page: &mut Composer<'_>,
    first: (&str, &str),
    second: (&str, &str),
) -> Result<(), DocumentError> {
    page.row(&[
        Cell::label(first.0, PAIR[0]),
        Cell::value(dash(first.1), PAIR[1]),
        Cell::label(second.0, PAIR[2]),
        Cell::value(dash(second.1), PAIR[3]),
    ])
}

/// An empty field prints as a dash, so a blank is visibly "not given", not forgotten.
fn dash(value: &str) -> String {
    if value.trim().is_empty() {
        "—".to_owned()
    } else {
        value.to_owned()
    }
}

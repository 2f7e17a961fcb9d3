//! 生育津贴申请表 (seed 000 附件3): printed by the agency clerk from the data health and
//! tax pushed (MA-3), checked and signed by the employer. It shows the employer and
//! its bank account, the person and the birth, the wage and days the amount was
//! computed from, the rule explanation, and where every fact came from.

use chrono::NaiveDate;
use onething_domain::Fen;
use onething_domain::rules::Payee;

use crate::format::{amount_in_words, format_date, format_yuan};
use crate::layout::{Cell, Composer};
use crate::{DocumentError, Fonts};

pub const APPLICATION_TITLE: &str = "生育津贴申请表";

/// Shown for a value the agency has not assessed yet (a form printed before review).
const PENDING: &str = "待经办机构核定";

/// The employer's account the allowance is paid into (单位账户).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankAccount {
    /// 户名
    pub account_name: String,
    /// 开户银行
    pub bank_name: String,
    /// 银行账号
    pub account_number: String,
}

/// One established fact and where it came from, e.g. 出生医学证明 / 卫生健康委推送.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    pub label: String,
    pub value: String,
    pub source: String,
}

/// Everything printed on the application form. Values are shown as given: the
/// caller decides, for instance, whether the citizen id is masked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationForm {
    /// 业务编号, also in every page's footer.
    pub claim_number: String,
    pub employer_name: String,
    /// 统一社会信用代码
    pub employer_uscc: String,
    pub bank_account: BankAccount,
    pub person_name: String,
    /// 公民身份号码, masked or full as the caller passes it.
    pub citizen_id: String,
    /// 生育类别 in Chinese: 顺产, 剖宫产, 流产, 引产…
    pub event_type: String,
    pub event_date: NaiveDate,
    /// 胎数
    pub babies: u32,
    /// 孕周, where the event has one.
    pub pregnancy_weeks: Option<u32>,
    /// 出生医学证明编号
    pub birth_certificate_number: Option<String>,
    /// 分娩（手术）机构
    pub delivery_institution: Option<String>,
    /// 单位上年度月平均工资 (上年度月平均缴费基数), from tax.
    /// `None` while tax has not pushed it.
    pub previous_year_average_monthly_wage: Option<Fen>,
    /// 享受生育假天数
    /// `None` until decided: a form printed before review shows 待核定 (to be assessed).
    pub leave_days: Option<u32>,
    /// 生育津贴金额
    pub amount: Option<Fen>,
    pub payee: Option<Payee>,
    /// The rule explanation, one line per rule applied (计算说明).
    pub explanation: Vec<String>,
    /// 打印日期
    pub generated_on: NaiveDate,
    /// The facts the decision rests on, with their sources.
    pub facts: Vec<Fact>,
}

const DECLARATION: &str = "单位声明：上述人员信息、生育信息及单位账户信息已经本单位核对无误，\
     生育津贴由医保经办机构按核定金额支付至上述单位账户。如有虚假，本单位承担相应责任。";
const SIGNATURE_HEIGHT: f32 = 78.0;

/// Column shares of a two-pair row (label, value, label, value).
const PAIR: [f32; 4] = [0.19, 0.31, 0.19, 0.31];
/// Column shares of a one-pair row.
const SINGLE: [f32; 2] = [0.19, 0.81];

/// The application form as a PDF (A4, one page unless the explanation is long).
pub fn application_form_pdf(
    form: &ApplicationForm,
    fonts: &Fonts,
) -> Result<Vec<u8>, DocumentError> {
    let mut page = Composer::new(fonts);
    page.title(APPLICATION_TITLE)?;
    page.caption(
        &format!("业务编号：{}", form.claim_number),
        &format!("打印日期：{}", format_date(form.generated_on)),
    )?;
    employer_section(&mut page, form)?;
    person_section(&mut page, form)?;
    amount_section(&mut page, form)?;
    explanation_section(&mut page, &form.explanation)?;
    facts_section(&mut page, &form.facts)?;
    page.end_table();
    page.gap(8.0);
    // The declaration is what the employer signs: it stays on the page of the boxes.
    page.keep_room(page.paragraph_height(DECLARATION)? + 6.0 + SIGNATURE_HEIGHT);
    page.paragraph(DECLARATION)?;
    page.gap(6.0);
    page.signature_boxes(
        &[
            ("单位盖章", "（盖章）"),
            ("经办人签字", ""),
            ("日期", "年    月    日"),
        ],
        SIGNATURE_HEIGHT,
    )?;
    let claim_number = form.claim_number.clone();
    let generated = format_date(form.generated_on);
    page.finish(APPLICATION_TITLE, &move |number, pages| {
        (
            format!("业务编号：{claim_number}　　系统生成于 {generated}"),
            format!("第 {number} 页 / 共 {pages} 页"),
        )
    })
}

fn employer_section(page: &mut Composer<'_>, form: &ApplicationForm) -> Result<(), DocumentError> {
    page.section("一、参保单位信息")?;
    single(page, "单位名称", &form.employer_name)?;
    single(page, "统一社会信用代码", &form.employer_uscc)?;
    single(page, "户名", &form.bank_account.account_name)?;
    pair(
        page,
        ("开户银行", &form.bank_account.bank_name),
        ("银行账号", &form.bank_account.account_number),
    )
}

fn person_section(page: &mut Composer<'_>, form: &ApplicationForm) -> Result<(), DocumentError> {
    page.section("二、生育人员及生育信息")?;
    pair(
        page,
        ("姓名", &form.person_name),
        ("公民身份号码", &form.citizen_id),
    )?;
    pair(
        page,
        ("生育类别", &form.event_type),
        ("生育日期", &format_date(form.event_date)),
    )?;
    let weeks = form
        .pregnancy_weeks
        .map_or_else(|| "—".to_owned(), |weeks| format!("{weeks} 周"));
    pair(
        page,
        ("胎数", &format!("{} 胎", form.babies)),
        ("孕周", &weeks),
    )?;
    pair(
        page,
        (
            "出生医学证明编号",
            or_dash(form.birth_certificate_number.as_deref()),
        ),
        ("分娩机构", or_dash(form.delivery_institution.as_deref())),
    )
}

fn amount_section(page: &mut Composer<'_>, form: &ApplicationForm) -> Result<(), DocumentError> {
    page.section("三、生育津贴核定")?;
    pair(
        page,
        (
            "单位上年度月平均工资",
            &form
                .previous_year_average_monthly_wage
                .map_or_else(|| PENDING.to_owned(), format_yuan),
        ),
        (
            "享受假期天数",
            &form
                .leave_days
                .map_or_else(|| PENDING.to_owned(), |days| format!("{days} 天")),
        ),
    )?;
    let amount = form.amount.map_or_else(
        || PENDING.to_owned(),
        |amount| {
            format!(
                "{}（大写：{}）",
                format_yuan(amount),
                amount_in_words(amount)
            )
        },
    );
    single(page, "生育津贴金额", &amount)?;
    single(page, "支付对象", form.payee.map_or(PENDING, Payee::name_zh))
}

fn explanation_section(page: &mut Composer<'_>, lines: &[String]) -> Result<(), DocumentError> {
    page.section("四、核定说明")?;
    if lines.is_empty() {
        return page.row(&[Cell::value("—", 1.0)]);
    }
    for (index, line) in lines.iter().enumerate() {
        page.row(&[Cell::value(format!("{}. {line}", index + 1), 1.0)])?;
    }
    Ok(())
}

fn facts_section(page: &mut Composer<'_>, facts: &[Fact]) -> Result<(), DocumentError> {
    if facts.is_empty() {
        return Ok(());
    }
    page.section("五、信息来源")?;
    let shares = [0.25, 0.45, 0.30];
    page.row(&[
        Cell::header("项目", shares[0]),
        Cell::header("内容", shares[1]),
        Cell::header("来源", shares[2]),
    ])?;
    for fact in facts {
        page.row(&[
            Cell::label(fact.label.as_str(), shares[0]),
            Cell::value(fact.value.as_str(), shares[1]),
            Cell::value(fact.source.as_str(), shares[2]),
        ])?;
    }
    Ok(())
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

fn or_dash(value: Option<&str>) -> &str {
    value.filter(|v| !v.trim().is_empty()).unwrap_or("—")
}

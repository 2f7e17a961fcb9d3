//! Synthetic form data (fake names, valid-checksum ids) shared by the tests and the
//! `sample_forms` example.
#![allow(dead_code)]

use chrono::NaiveDate;
use onething_documents::{ApplicationForm, AuthorizationForm, BankAccount, Fact};
use onething_domain::Fen;
use onething_domain::rules::Payee;

pub const CITIZEN_ID: &str = "500155199503120021";
pub const AGENT_ID: &str = "500155198807061011";
pub const USCC: &str = "91500155MA5U7XQ31X";
pub const CERTIFICATE: &str = "Q500012345";

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("valid sample date")
}

pub fn application() -> ApplicationForm {
    ApplicationForm {
        claim_number: "MA-2026-000123".to_owned(),
        employer_name: "测试甲科技有限公司".to_owned(),
        employer_uscc: USCC.to_owned(),
        bank_account: BankAccount {
            account_name: "测试甲科技有限公司".to_owned(),
            bank_name: "测试银行梁平支行".to_owned(),
            account_number: "6222 0000 1234 5678 901".to_owned(),
        },
        person_name: "测试乙".to_owned(),
        citizen_id: "500155********0021".to_owned(),
        event_type: "剖宫产".to_owned(),
        event_date: date(2026, 9, 14),
        babies: 1,
        pregnancy_weeks: Some(39),
        birth_certificate_number: Some(CERTIFICATE.to_owned()),
        delivery_institution: Some("测试区人民医院".to_owned()),
        previous_year_average_monthly_wage: Some(Fen::new(553_086)),
        leave_days: Some(68),
        amount: Some(Fen::new(1_234_567)),
        payee: Some(Payee::Employer),
        explanation: vec![
            "生育日期 2026年9月14日 在 2026年 参数期内，适用梁平区生育保险规定。".to_owned(),
            "剖宫产：基本产假 98 天，难产增加 15 天（规定第十条）。".to_owned(),
            "津贴 = 单位上年度月平均工资 ÷ 30 × 享受天数，四舍五入到分。".to_owned(),
        ],
        generated_on: date(2026, 11, 23),
        facts: vec![
            Fact {
                label: "出生医学证明".to_owned(),
                value: format!("{CERTIFICATE}，2026年9月14日，1 胎"),
                source: "卫生健康委推送".to_owned(),
            },
            Fact {
                label: "单位上年度月平均工资".to_owned(),
                value: "¥5,530.86".to_owned(),
                source: "税务局推送".to_owned(),
            },
            Fact {
                label: "参保状态".to_owned(),
                value: "职工医保，正常参保".to_owned(),
                source: "医保信息平台".to_owned(),
            },
        ],
    }
}

/// `count` explanation lines, long enough to need a second page.
pub fn long_explanation(count: usize) -> Vec<String> {
    (1..=count)
        .map(|i| {
            format!(
                "第 {i} 条说明：依据生育保险规定逐项核对参保缴费月数、生育类别与享受天数，\
                 本行用于测试长文本在单元格内自动换行以及跨页续排的效果。"
            )
        })
        .collect()
}

pub fn authorization() -> AuthorizationForm {
    AuthorizationForm {
        reference_number: "AUTH-2026-0042".to_owned(),
        employer_name: "测试甲科技有限公司".to_owned(),
        employer_uscc: USCC.to_owned(),
        agent_name: "测试丙".to_owned(),
        agent_citizen_id: "500155********1011".to_owned(),
        agent_phone: "138****0000".to_owned(),
        authorized_items: vec![
            "到医保经办机构申领本单位职工生育津贴".to_owned(),
            "核对并签字确认生育津贴申请表".to_owned(),
            "查询本单位生育津贴办理进度".to_owned(),
        ],
        valid_from: date(2026, 1, 1),
        valid_until: date(2026, 12, 31),
        generated_on: date(2026, 11, 23),
    }
}

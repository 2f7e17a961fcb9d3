//! `employer-wages` (单位上年度职工月平均工资及缴费基数), pushed by tax; key
//! `employer_uscc|year`.

use chrono::NaiveDate;
use onething_domain::{Fen, Uscc};
use serde::{Deserialize, Serialize};

use super::reader::Fields;
use super::record::Index;
use super::{FieldType, KEY_SEPARATOR, Schema};

/// An employer's average monthly wage and contribution base for one year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmployerWage {
    pub employer_uscc: Uscc,
    pub year: i32,
    pub avg_monthly_wage_fen: Fen,
    pub avg_monthly_base_fen: Fen,
}

impl Schema for EmployerWage {
    const FIELDS: &'static [(&'static str, FieldType)] = &[
        ("employer_uscc", FieldType::Text),
        ("year", FieldType::Integer),
        ("avg_monthly_wage_fen", FieldType::Integer),
        ("avg_monthly_base_fen", FieldType::Integer),
    ];
    const KEY: &'static [&'static str] = &["employer_uscc", "year"];

    fn read(f: &mut Fields<'_>) -> Option<Self> {
        let employer_uscc = f.uscc("employer_uscc");
        let year = f.count("year", 2000..=2100);
        let avg_monthly_wage_fen = f.fen("avg_monthly_wage_fen");
        let avg_monthly_base_fen = f.fen("avg_monthly_base_fen");
        Some(Self {
            employer_uscc: employer_uscc?,
            year: year?,
            avg_monthly_wage_fen: avg_monthly_wage_fen?,
            avg_monthly_base_fen: avg_monthly_base_fen?,
        })
    }

    fn index(&self) -> Index {
        Index {
            key: format!("{}{KEY_SEPARATOR}{}", self.employer_uscc, self.year),
            subject_id: None,
            other_id: None,
            employer_uscc: Some(self.employer_uscc.to_string()),
            event_date: NaiveDate::from_ymd_opt(self.year, 1, 1),
        }
    }
}

//! The kinds of department system that take part in one-thing services (contract: `dept add --kind`).

use serde::{Deserialize, Serialize};

/// A partner department's kind. Each kind owns some shared datasets and some bundle items.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DepartmentKind {
    /// 卫生健康部门: birth medical certificates, parenting guidance.
    Health,
    /// 疾控部门: vaccination certificates.
    Cdc,
    /// 公安部门: birth (household) registration.
    PublicSecurity,
    /// 人力资源和社会保障部门: social security cards, employment status.
    Hr,
    /// 民政部门: marriage registrations.
    CivilAffairs,
    /// 税务部门: employer wages and contribution bases, premiums.
    Tax,
    /// 定点医疗机构 / 助产机构: delivery records, the one-window counter.
    Hospital,
    /// 医疗保障部门: enrollment, contributions, reimbursement, allowance.
    MedicalInsurance,
}

impl DepartmentKind {
    pub const ALL: [DepartmentKind; 8] = [
        Self::Health,
        Self::Cdc,
        Self::PublicSecurity,
        Self::Hr,
        Self::CivilAffairs,
        Self::Tax,
        Self::Hospital,
        Self::MedicalInsurance,
    ];

    /// The wire name used by the contract (`health`, `public_security`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Health => "health",
            Self::Cdc => "cdc",
            Self::PublicSecurity => "public_security",
            Self::Hr => "hr",
            Self::CivilAffairs => "civil_affairs",
            Self::Tax => "tax",
            Self::Hospital => "hospital",
            Self::MedicalInsurance => "medical_insurance",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The Chinese name shown to people.
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Health => "卫生健康部门",
            Self::Cdc => "疾控部门",
            Self::PublicSecurity => "公安部门",
            Self::Hr => "人力资源和社会保障部门",
            Self::CivilAffairs => "民政部门",
            Self::Tax => "税务部门",
            Self::Hospital => "定点医疗机构",
            Self::MedicalInsurance => "医疗保障部门",
        }
    }
}

/// A hospital's grade (医院等级, 一级/二级/三级): maternity medical-cost standards may
/// differ by it (docs/hospital-window.md). Stored on the hospital's department record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "u8", into = "u8")]
pub enum HospitalLevel {
    /// 一级医院
    First,
    /// 二级医院
    Second,
    /// 三级医院
    Third,
}

impl HospitalLevel {
    pub const ALL: [HospitalLevel; 3] = [Self::First, Self::Second, Self::Third];

    /// 1, 2 or 3.
    pub fn number(self) -> u8 {
        match self {
            Self::First => 1,
            Self::Second => 2,
            Self::Third => 3,
        }
    }

    pub fn from_number(n: u8) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.number() == n)
    }

    /// `1`/`2`/`3` or `一级`/`二级`/`三级`.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        Self::ALL
            .into_iter()
            .find(|l| text == l.number().to_string() || text == l.label_zh())
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Self::First => "一级",
            Self::Second => "二级",
            Self::Third => "三级",
        }
    }

    /// The key of its amounts in a `[[reimbursement.periods]]` (`level_1`…).
    pub fn param_key(self) -> &'static str {
        match self {
            Self::First => "level_1",
            Self::Second => "level_2",
            Self::Third => "level_3",
        }
    }
}

impl TryFrom<u8> for HospitalLevel {
    type Error = String;

    fn try_from(n: u8) -> Result<Self, String> {
        Self::from_number(n).ok_or_else(|| format!("hospital level {n} is not 1, 2 or 3"))
    }
}

impl From<HospitalLevel> for u8 {
    fn from(level: HospitalLevel) -> u8 {
        level.number()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_round_trip_and_match_serde() {
        for kind in DepartmentKind::ALL {
            assert_eq!(DepartmentKind::parse(kind.as_str()), Some(kind));
            let json = serde_json::to_string(&kind).expect("serialize");
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
        }
        assert_eq!(DepartmentKind::parse("police"), None);
    }

    #[test]
    fn hospital_levels_parse_from_numbers_and_chinese_and_nothing_else() {
        for level in HospitalLevel::ALL {
            assert_eq!(
                HospitalLevel::parse(&level.number().to_string()),
                Some(level)
            );
            assert_eq!(HospitalLevel::parse(level.label_zh()), Some(level));
            let json = serde_json::to_string(&level).expect("serialize");
            assert_eq!(json, level.number().to_string());
        }
        for bad in ["0", "4", "", "三甲", "level_3"] {
            assert_eq!(HospitalLevel::parse(bad), None, "{bad}");
        }
        assert!(serde_json::from_str::<HospitalLevel>("4").is_err());
    }
}

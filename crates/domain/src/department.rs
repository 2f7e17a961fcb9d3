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
}

//! The spouse filing (备案登记, RB-2): seed 002 三(一)1 and 附件3 八 材料要求 1–2 — the
//! window checks the marriage with civil affairs and the spouse's non-employment with HR,
//! and files her at once (即时进行系统备案) when they agree. The husband's employee
//! insurance comes from the bureau's own enrollment data (RB-1: the spouse is covered
//! through him).

use serde::Serialize;

use crate::ids::{CitizenId, Sex};

/// Where a filing stands (contract: `filed`, `refused`, `needs_supplement`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FilingStatus {
    Filed,
    Refused,
    NeedsSupplement,
}

impl FilingStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Filed => "filed",
            Self::Refused => "refused",
            Self::NeedsSupplement => "needs_supplement",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::Filed, Self::Refused, Self::NeedsSupplement]
            .into_iter()
            .find(|s| s.as_str() == text)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Filed => "已备案",
            Self::Refused => "不予备案",
            Self::NeedsSupplement => "待补正",
        }
    }
}

/// Why a filing is refused (contract codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FilingReason {
    /// Civil affairs records no current marriage of this couple (divorced, or either is
    /// married to someone else).
    NotMarried,
    /// HR records the wife as employed (or a flexible worker): she is insured in her own
    /// right or must be, and is not an unemployed spouse (RB-1).
    SpouseEmployed,
    /// The husband has no employee-scheme enrollment in normal status on the day.
    HusbandNotInsured,
}

impl FilingReason {
    pub const ALL: [FilingReason; 3] = [
        Self::NotMarried,
        Self::SpouseEmployed,
        Self::HusbandNotInsured,
    ];

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::NotMarried => "NOT_MARRIED",
            Self::SpouseEmployed => "SPOUSE_EMPLOYED",
            Self::HusbandNotInsured => "HUSBAND_NOT_INSURED",
        }
    }

    pub fn message_zh(self) -> &'static str {
        match self {
            Self::NotMarried => "民政婚姻登记信息显示二人不是现存婚姻关系（离婚或与他人登记结婚）",
            Self::SpouseEmployed => {
                "人社就业登记信息显示配偶已就业（或为灵活就业人员），不属于参保男职工未就业配偶"
            }
            Self::HusbandNotInsured => "医保参保信息显示男方未参加职工医保或参保状态不正常",
        }
    }
}

/// A record shared data lacks; the window asks for it once, listing every one (contract:
/// `needs_supplement`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FilingMaterial {
    /// No marriage registration of either spouse in civil-affairs data: the 结婚证.
    MarriageCertificate,
    /// No employment record of the wife in HR data: proof of non-employment.
    EmploymentStatus,
}

impl FilingMaterial {
    pub const ALL: [FilingMaterial; 2] = [Self::MarriageCertificate, Self::EmploymentStatus];

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.code() == code)
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::MarriageCertificate => "MARRIAGE_CERTIFICATE",
            Self::EmploymentStatus => "EMPLOYMENT_STATUS",
        }
    }

    pub fn message_zh(self) -> &'static str {
        match self {
            Self::MarriageCertificate => {
                "民政部门未推送二人的婚姻登记信息：请出示结婚证，窗口与民政部门联系核实（附件3 八 材料要求1）"
            }
            Self::EmploymentStatus => {
                "人社部门未推送配偶的就业失业登记信息：窗口与人社部门联系核实是否未就业（附件3 八 材料要求2）"
            }
        }
    }
}

/// One marriage registration as civil affairs pushed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarriageRecord {
    pub certificate_no: String,
    pub husband_id: String,
    pub wife_id: String,
    /// `married` (false: `divorced`).
    pub married: bool,
}

/// What civil-affairs data says about the couple.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MarriageFact {
    Married {
        certificate_no: String,
    },
    NotMarried,
    /// Neither spouse has any registration: a missing record, not a refusal.
    Unknown,
}

impl MarriageFact {
    /// From every registration naming either spouse: the couple's current marriage, else a
    /// refusal when any record exists (divorced, or married to someone else), else unknown.
    pub fn from_records(husband: &CitizenId, wife: &CitizenId, records: &[MarriageRecord]) -> Self {
        let ours = records
            .iter()
            .find(|r| r.married && r.husband_id == husband.as_str() && r.wife_id == wife.as_str());
        match ours {
            Some(r) => Self::Married {
                certificate_no: r.certificate_no.clone(),
            },
            None if records.is_empty() => Self::Unknown,
            None => Self::NotMarried,
        }
    }
}

/// What HR data says about the wife on the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmploymentFact {
    NotEmployed,
    Employed,
    Unknown,
}

impl EmploymentFact {
    /// From the contract's `employment-status` value. `unemployed` and
    /// `unemployment_benefit` are not employed; `retired` is not employed either (she has
    /// no job; whether a retiree files is the husband's coverage question, not HR's);
    /// `employed` and `flexible` (a flexible worker insures herself) are employment.
    pub fn from_status(status: Option<&str>) -> Self {
        match status {
            None => Self::Unknown,
            Some("unemployed" | "unemployment_benefit" | "retired") => Self::NotEmployed,
            Some(_) => Self::Employed,
        }
    }
}

/// What the bureau's enrollment data says about the husband on the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InsuranceFact {
    Insured,
    NotInsured,
}

impl InsuranceFact {
    /// Only the employee scheme in normal status covers a spouse (RB-1: 参保男职工). The
    /// enrollment is the bureau's own data, so no record means not insured (a refusal).
    pub fn from_enrollment(scheme: Option<&str>, status: Option<&str>) -> Self {
        match (scheme, status) {
            (Some("employee"), Some("normal")) => Self::Insured,
            _ => Self::NotInsured,
        }
    }
}

/// Everything the decision needs, derived from shared data by the services layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpouseFacts {
    pub husband: CitizenId,
    pub wife: CitizenId,
    pub marriage: MarriageFact,
    pub wife_employment: EmploymentFact,
    pub husband_insurance: InsuranceFact,
}

/// The decision with every reason and every missing record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilingDecision {
    pub status: FilingStatus,
    pub reasons: Vec<FilingReason>,
    pub missing: Vec<FilingMaterial>,
}

/// Why the ids themselves do not fit the filing (checked before any data is read).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CoupleError {
    #[error("the husband's id is not a man's")]
    HusbandNotMale,
    #[error("the wife's id is not a woman's")]
    WifeNotFemale,
}

/// The filing is for the spouse of an insured *man* (RB-1): the ids' sex digits say who is
/// who, so a swapped pair is a client mistake, not a refusal.
pub fn check_couple(husband: &CitizenId, wife: &CitizenId) -> Result<(), CoupleError> {
    if husband.sex() != Sex::Male {
        return Err(CoupleError::HusbandNotMale);
    }
    if wife.sex() != Sex::Female {
        return Err(CoupleError::WifeNotFemale);
    }
    Ok(())
}

/// Filed at once when all three agree; otherwise every reason (refusal wins) or every
/// missing record.
pub fn decide_filing(facts: &SpouseFacts) -> FilingDecision {
    let mut reasons = Vec::new();
    let mut missing = Vec::new();
    match facts.marriage {
        MarriageFact::Married { .. } => {}
        MarriageFact::NotMarried => reasons.push(FilingReason::NotMarried),
        MarriageFact::Unknown => missing.push(FilingMaterial::MarriageCertificate),
    }
    match facts.wife_employment {
        EmploymentFact::NotEmployed => {}
        EmploymentFact::Employed => reasons.push(FilingReason::SpouseEmployed),
        EmploymentFact::Unknown => missing.push(FilingMaterial::EmploymentStatus),
    }
    if facts.husband_insurance == InsuranceFact::NotInsured {
        reasons.push(FilingReason::HusbandNotInsured);
    }
    let status = if !reasons.is_empty() {
        FilingStatus::Refused
    } else if !missing.is_empty() {
        FilingStatus::NeedsSupplement
    } else {
        FilingStatus::Filed
    };
    FilingDecision {
        status,
        reasons,
        missing,
    }
}

#[cfg(test)]
#[path = "filing_tests.rs"]
mod tests;

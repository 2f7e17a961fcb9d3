//! The facts a maternity-allowance decision is made on (contract.md, the input line),
//! as types in which a contradictory event cannot be written: a birth always has its
//! number of babies, a miscarriage its pregnancy weeks, a surgery its procedure.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{Fen, RegionCode, Sex};

/// `event_type` as in the `delivery-records` dataset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventType {
    Vaginal,
    Cesarean,
    Dystocia,
    Miscarriage,
    Induced,
    FamilyPlanningSurgery,
}

impl EventType {
    /// 顺产, 剖宫产…: the words of the allowance form (RB-4).
    pub fn name_zh(self) -> &'static str {
        match self {
            EventType::Vaginal => "顺产",
            EventType::Cesarean => "剖宫产",
            EventType::Dystocia => "难产",
            EventType::Miscarriage => "流产",
            EventType::Induced => "引产",
            EventType::FamilyPlanningSurgery => "计划生育手术",
        }
    }
}

/// The family-planning operation (`procedure`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Procedure {
    IudInsertion,
    IudRemoval,
    TubalLigation,
    Vasectomy,
}

impl Procedure {
    pub const ALL: [Procedure; 4] = [
        Procedure::IudInsertion,
        Procedure::IudRemoval,
        Procedure::TubalLigation,
        Procedure::Vasectomy,
    ];

    pub fn name_zh(self) -> &'static str {
        match self {
            Procedure::IudInsertion => "放置宫内节育器",
            Procedure::IudRemoval => "取出宫内节育器",
            Procedure::TubalLigation => "输卵管结扎",
            Procedure::Vasectomy => "输精管结扎",
        }
    }
}

/// The event claimed for, with exactly the data each kind needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    Vaginal {
        babies: u32,
    },
    Cesarean {
        babies: u32,
    },
    Dystocia {
        babies: u32,
    },
    Miscarriage {
        weeks: u32,
    },
    /// An induced termination; at or after `late_induction_birth_weeks` it counts as a
    /// birth of `babies` (at least 1).
    Induced {
        weeks: u32,
        babies: u32,
    },
    FamilyPlanningSurgery(Procedure),
}

impl Event {
    pub fn event_type(self) -> EventType {
        match self {
            Event::Vaginal { .. } => EventType::Vaginal,
            Event::Cesarean { .. } => EventType::Cesarean,
            Event::Dystocia { .. } => EventType::Dystocia,
            Event::Miscarriage { .. } => EventType::Miscarriage,
            Event::Induced { .. } => EventType::Induced,
            Event::FamilyPlanningSurgery(_) => EventType::FamilyPlanningSurgery,
        }
    }

    /// 顺产, 剖宫产…: the words of the allowance form (RB-4); a surgery by its procedure.
    pub fn name_zh(self) -> &'static str {
        match self {
            Event::FamilyPlanningSurgery(p) => p.name_zh(),
            other => other.event_type().name_zh(),
        }
    }
}

/// `insurance_status` of the enrollment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InsuranceStatus {
    Normal,
    Suspended,
    Terminated,
}

impl InsuranceStatus {
    pub fn name_zh(self) -> &'static str {
        match self {
            InsuranceStatus::Normal => "正常",
            InsuranceStatus::Suspended => "暂停",
            InsuranceStatus::Terminated => "终止",
        }
    }
}

/// `employment_status` as in the `employment-status` dataset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EmploymentStatus {
    Employed,
    /// Not working and not drawing benefit: not a reason by itself (the contract lists
    /// none); such a person's insurance is normally suspended, which is.
    Unemployed,
    UnemploymentBenefit,
    Flexible,
    Retired,
}

impl EmploymentStatus {
    pub fn name_zh(self) -> &'static str {
        match self {
            EmploymentStatus::Employed => "在职",
            EmploymentStatus::Unemployed => "未就业",
            EmploymentStatus::UnemploymentBenefit => "领取失业保险金",
            EmploymentStatus::Flexible => "灵活就业",
            EmploymentStatus::Retired => "退休",
        }
    }
}

/// `scheme`: employee (职工医保, which includes maternity insurance) or resident.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scheme {
    Employee,
    Resident,
}

/// One claim's established facts (the contract's input line, validated). Serialisable so a
/// claim can keep the input of its last derivation (submission reuses it while the shared
/// records behind it are unchanged).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaternityFacts {
    pub case_id: String,
    pub claimant_sex: Sex,
    pub event: Event,
    pub event_date: NaiveDate,
    pub region: RegionCode,
    /// The employer's previous-year average monthly wage (MA-7), never negative.
    pub employer_avg_monthly_wage_fen: Fen,
    /// Paid contribution months as the input line states them (for a real claim: the
    /// unbroken months, kept for display; the rules count `contribution_history`).
    pub contribution_months: u32,
    /// For a real claim, month by month whether contributions were paid, so the rules can
    /// count them under the region's reading; `None` for an input line, whose
    /// `contribution_months` is taken as counted under that reading.
    pub contribution_history: Option<PaidMonths>,
    pub insurance_status: InsuranceStatus,
    pub employment_status: EmploymentStatus,
    pub scheme: Scheme,
    /// Whether the maternity medical costs were settled through the city's network.
    pub settled_in_network: bool,
}

/// Whether each month before the event month was paid, the month just before first.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PaidMonths(pub Vec<bool>);

impl PaidMonths {
    /// Unbroken paid months just before the event month (连续缴费).
    pub fn continuous(&self) -> u32 {
        let n = self.0.iter().take_while(|paid| **paid).count();
        u32::try_from(n).unwrap_or(u32::MAX)
    }

    /// Paid months among the `window` months before the event month (累计缴费).
    pub fn within(&self, window: u32) -> u32 {
        let window = usize::try_from(window).unwrap_or(usize::MAX);
        let n = self.0.iter().take(window).filter(|paid| **paid).count();
        u32::try_from(n).unwrap_or(u32::MAX)
    }
}

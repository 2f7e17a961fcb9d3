//! The maternity medical costs settled at the window (RB-3, 附件3 四、五(一)–(三)): each
//! cost line with the fund's share by the region's dated parameters, and the patient's
//! share. Pure: the services layer reads the hospital's delivery record and the parameters.
//!
//! - A delivery, miscarriage, induction or family-planning operation is one line: the
//!   hospital's bill (`total_cost_fen` of the delivery record), the fund paying it up to the
//!   kind's limit (限额); the patient pays the rest.
//! - A birth (vaginal, cesarean, dystocia) adds the prenatal checks of the pregnancy as a
//!   quota (定额) line: once per pregnancy, because a delivery is reimbursed once.
//! - A hospital stay for a complication of pregnancy or of a family-planning operation
//!   (妊娠合并症/并发症住院, seed 002 三(一)2) is a line of its own record, up to its limit.
//! - The amounts are those of the hospital's grade (一级/二级/三级) in the period; a grade
//!   the period does not state is refused, never guessed.

use serde::Serialize;

use crate::department::HospitalLevel;
use crate::money::Fen;
use crate::rules::params::{LevelAmounts, ReimbursementPeriod, ReimbursementRegion};

/// The kind of event the hospital's record is (contract `event_type`, with the procedure
/// of a family-planning operation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CostEvent {
    Vaginal,
    Cesarean,
    Dystocia,
    Miscarriage,
    Induced,
    IudInsertion,
    IudRemoval,
    TubalLigation,
    Vasectomy,
    /// 妊娠合并症/并发症住院 (record `event_type` `complication`).
    Complication,
}

impl CostEvent {
    pub const ALL: [CostEvent; 10] = [
        Self::Vaginal,
        Self::Cesarean,
        Self::Dystocia,
        Self::Miscarriage,
        Self::Induced,
        Self::IudInsertion,
        Self::IudRemoval,
        Self::TubalLigation,
        Self::Vasectomy,
        Self::Complication,
    ];

    /// From the record's `event_type` and, for `family_planning_surgery`, its `procedure`.
    pub fn of(event_type: &str, procedure: Option<&str>) -> Option<CostEvent> {
        Some(match (event_type, procedure) {
            ("vaginal", _) => Self::Vaginal,
            ("cesarean", _) => Self::Cesarean,
            ("dystocia", _) => Self::Dystocia,
            ("miscarriage", _) => Self::Miscarriage,
            ("induced", _) => Self::Induced,
            ("complication", _) => Self::Complication,
            ("family_planning_surgery", Some("iud_insertion")) => Self::IudInsertion,
            ("family_planning_surgery", Some("iud_removal")) => Self::IudRemoval,
            ("family_planning_surgery", Some("tubal_ligation")) => Self::TubalLigation,
            ("family_planning_surgery", Some("vasectomy")) => Self::Vasectomy,
            _ => return None,
        })
    }

    /// The line's `kind` (contract `lines[].kind`).
    pub fn kind(self) -> &'static str {
        match self {
            Self::Vaginal => "vaginal_delivery",
            Self::Cesarean => "cesarean_delivery",
            Self::Dystocia => "dystocia_delivery",
            Self::Miscarriage => "miscarriage",
            Self::Induced => "induced_abortion",
            Self::IudInsertion => "iud_insertion",
            Self::IudRemoval => "iud_removal",
            Self::TubalLigation => "tubal_ligation",
            Self::Vasectomy => "vasectomy",
            Self::Complication => "complication",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Vaginal => "顺产住院",
            Self::Cesarean => "剖宫产住院",
            Self::Dystocia => "难产住院",
            Self::Miscarriage => "流产",
            Self::Induced => "引产",
            Self::IudInsertion => "计划生育手术：放置宫内节育器",
            Self::IudRemoval => "计划生育手术：取出宫内节育器",
            Self::TubalLigation => "计划生育手术：输卵管结扎",
            Self::Vasectomy => "计划生育手术：输精管结扎",
            Self::Complication => "妊娠合并症或并发症住院",
        }
    }

    pub fn is_birth(self) -> bool {
        matches!(self, Self::Vaginal | Self::Cesarean | Self::Dystocia)
    }

    /// The catalogue item it belongs to: PS-07 生育住院（含计划生育）医疗费用 for hospital
    /// stays, PS-06 计划生育门诊医疗费用 for outpatient operations (IUD).
    pub fn item(self) -> &'static str {
        match self {
            Self::IudInsertion | Self::IudRemoval => "PS-06",
            _ => "PS-07",
        }
    }

    fn limit(self, p: &LevelAmounts) -> u32 {
        match self {
            Self::Vaginal => p.vaginal_limit_fen,
            Self::Cesarean => p.cesarean_limit_fen,
            Self::Dystocia => p.dystocia_limit_fen,
            Self::Miscarriage => p.miscarriage_limit_fen,
            Self::Induced => p.induced_limit_fen,
            Self::IudInsertion => p.family_planning_limit_fen.iud_insertion,
            Self::IudRemoval => p.family_planning_limit_fen.iud_removal,
            Self::TubalLigation => p.family_planning_limit_fen.tubal_ligation,
            Self::Vasectomy => p.family_planning_limit_fen.vasectomy,
            Self::Complication => p.complication_limit_fen,
        }
    }

    fn limit_key(self) -> &'static str {
        match self {
            Self::Vaginal => "vaginal_limit_fen",
            Self::Cesarean => "cesarean_limit_fen",
            Self::Dystocia => "dystocia_limit_fen",
            Self::Miscarriage => "miscarriage_limit_fen",
            Self::Induced => "induced_limit_fen",
            Self::IudInsertion => "family_planning_limit_fen.iud_insertion",
            Self::IudRemoval => "family_planning_limit_fen.iud_removal",
            Self::TubalLigation => "family_planning_limit_fen.tubal_ligation",
            Self::Vasectomy => "family_planning_limit_fen.vasectomy",
            Self::Complication => "complication_limit_fen",
        }
    }
}

/// One cost line (contract `lines[]`, with its explanation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CostLine {
    pub kind: &'static str,
    pub amount_fen: i64,
    pub fund_pays_fen: i64,
    pub explanation: String,
}

/// The computed reimbursement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Computed {
    pub lines: Vec<CostLine>,
    pub fund_pays_fen: i64,
    pub person_pays_fen: i64,
    pub explanation: String,
}

/// The lines of `event` with the hospital's bill `bill`, by `period` of `region` for a
/// hospital of `level`; `None` when the period states no amounts for that grade.
pub fn compute(
    event: CostEvent,
    bill: Fen,
    region: &ReimbursementRegion,
    period: &ReimbursementPeriod,
    level: HospitalLevel,
) -> Option<Computed> {
    let amounts = period.amounts(level)?;
    let cited = format!(
        "{}自{}起执行的{}医院标准（{}）",
        region.name,
        period.effective_from,
        level.label_zh(),
        period.source
    );
    let bill = bill.as_i64().max(0);
    let limit = i64::from(event.limit(amounts));
    let fund = bill.min(limit);
    let mut lines = vec![CostLine {
        kind: event.kind(),
        amount_fen: bill,
        fund_pays_fen: fund,
        explanation: format!(
            "{}：医院结算费用{}元，限额（{}）{}元，基金支付{}元（不超过限额），个人负担{}元",
            event.label_zh(),
            yuan(bill),
            event.limit_key(),
            yuan(limit),
            yuan(fund),
            yuan(bill - fund)
        ),
    }];
    if event.is_birth() {
        let quota = i64::from(amounts.prenatal_check_quota_fen);
        lines.push(CostLine {
            kind: "prenatal_check",
            amount_fen: quota,
            fund_pays_fen: quota,
            explanation: format!(
                "产前检查：一个孕期定额（prenatal_check_quota_fen）{}元，基金全额支付（每次孕期一次，随分娩报销）",
                yuan(quota)
            ),
        });
    }
    let fund_pays_fen = lines.iter().map(|l| l.fund_pays_fen).sum();
    let total: i64 = lines.iter().map(|l| l.amount_fen).sum();
    Some(Computed {
        explanation: format!(
            "按{cited}计算：基金支付{}元，个人负担{}元",
            yuan(fund_pays_fen),
            yuan(total - fund_pays_fen)
        ),
        person_pays_fen: total - fund_pays_fen,
        fund_pays_fen,
        lines,
    })
}

fn yuan(fen: i64) -> String {
    Fen::new(fen).to_yuan_string()
}

#[cfg(test)]
#[path = "reimbursement_tests.rs"]
mod tests;

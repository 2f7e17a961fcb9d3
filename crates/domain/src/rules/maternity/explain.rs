//! The explanation: one [`Step`] per rule applied, a code with the values used, and its
//! Chinese wording, one line per step, naming the regulation and the values in words a
//! citizen reads ("剖宫产按难产增加产假15天"): never a parameter key or a reason code,
//! since the lines are printed on the 申请表 and shown to employers and mothers.
//!
//! A decision keeps the steps (codes, compact: what a batch stores) or the lines (what
//! the contract's output line carries), as its [`ExplainMode`] says; [`render_zh`] turns
//! stored steps into the same lines later, with the parameter file in force. The wording
//! lives here and the logic in `maternity.rs`.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::date_text;
use super::decision::{MaternityDecision, Reason, Yuan};
use super::facts::{EmploymentStatus, Event, EventType, InsuranceStatus, Procedure, Scheme};
use super::leave::{Leave, LeaveRule, surgery_days};
use crate::rules::params::{ContributionReading, LookupError, MaternityParams, Payee, Selected};
use crate::{Fen, RegionCode, Sex};

const ART7: &str = "《女职工劳动保护特别规定》第七条";
const SIL54: &str = "《社会保险法》第五十四条";
const SIL56: &str = "《社会保险法》第五十六条";
const MERGER: &str = "国办发〔2019〕10号";
/// MA-1: the service targets of the maternity-allowance one-thing service (the
/// Liangping work plan, section 三, items (一)–(三)).
const TARGETS: &str = "梁平医保发〔2023〕22号 三";
/// RB-5: who does not receive the allowance.
const EXCLUDED: &str = "冶医保发〔2022〕1号 附件3 五(四)1";

/// How a decision keeps its explanation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ExplainMode {
    /// Chinese lines in `explanation` (the contract's output line).
    #[default]
    Text,
    /// Codes with values in `steps`, rendered to Chinese where a person reads them.
    Codes,
    /// Neither: the decision's fields only (bulk re-computation).
    Off,
}

/// The event as a step names it: its type, and the operation for a surgery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventName {
    pub event_type: EventType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub procedure: Option<Procedure>,
}

impl EventName {
    fn of(event: Event) -> Self {
        let procedure = match event {
            Event::FamilyPlanningSurgery(p) => Some(p),
            _ => None,
        };
        EventName {
            event_type: event.event_type(),
            procedure,
        }
    }

    fn name_zh(self) -> &'static str {
        self.procedure
            .map_or_else(|| self.event_type.name_zh(), Procedure::name_zh)
    }
}

/// One rule applied, with the values it used. Serialised as `{"code": "SCHEME", …}`.
/// The parameter file's texts (its `source`, the region's name) are not copied into each
/// step: `PARAMS` names the region entry and period, and rendering reads them there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Step {
    /// The region entry and period applied to the event.
    Params {
        region: RegionCode,
        event_date: NaiveDate,
        rules_region: RegionCode,
        effective_from: NaiveDate,
    },
    /// No entry for the region, its city or its province.
    UnknownRegion {
        region: RegionCode,
    },
    /// Entries exist, but none was in force on the event date.
    NoRulesForDate {
        region: RegionCode,
        event_date: NaiveDate,
    },
    Scheme {
        scheme: Scheme,
    },
    InsuranceStatus {
        status: InsuranceStatus,
    },
    Network {
        own_event: bool,
        settled: bool,
    },
    Employment {
        status: EmploymentStatus,
    },
    Flexible {
        eligible: bool,
    },
    FlexibleUndecided,
    Contribution {
        months: u32,
        min_months: u32,
        reading: ContributionReading,
        from_history: bool,
    },
    NotCovered {
        sex: Sex,
        #[serde(flatten)]
        event: EventName,
    },
    NoLeave {
        sex: Sex,
        #[serde(flatten)]
        event: EventName,
    },
    LateInductionAsBirth {
        weeks: u32,
        late_weeks: u32,
        days: u32,
    },
    Loss {
        event_type: EventType,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        weeks: Option<u32>,
        threshold_weeks: u32,
        late_weeks: u32,
        over_threshold: bool,
        days: u32,
    },
    FamilyPlanning {
        procedure: Procedure,
        days: u32,
    },
    Paternity {
        #[serde(flatten)]
        event: EventName,
        days: u32,
    },
    Birth {
        #[serde(flatten)]
        event: EventName,
        days: u32,
    },
    Dystocia {
        days: u32,
    },
    CesareanAsDystocia {
        days: u32,
    },
    CesareanNotDystocia,
    MultipleBirth {
        babies: u32,
        days_per_baby: u32,
        days: u32,
    },
    RegionalLeave {
        days: u32,
    },
    LeaveTotal {
        base: u32,
        dystocia: u32,
        multiple_birth: u32,
        regional: u32,
        total: u32,
    },
    Amount {
        wage_fen: Fen,
        days: u32,
        amount_fen: Fen,
    },
    Payee {
        payee: Payee,
    },
    /// The closing line of a refusal; the failed conditions are the decision's `reasons`.
    Refusal,
}

/// What a step's wording reads besides its own values: the parameters applied (their
/// source and region name) and, for the refusal, the decision's reasons.
#[derive(Clone, Copy)]
pub struct Context<'a> {
    pub chosen: Option<Selected<'a>>,
    pub reasons: &'a [Reason],
}

impl Step {
    /// The Chinese line of this step.
    pub fn write_zh(&self, f: &mut dyn fmt::Write, ctx: Context<'_>) -> fmt::Result {
        let source = Source(ctx.chosen);
        match *self {
            Step::Params {
                region,
                event_date,
                rules_region,
                effective_from,
            } => {
                let name = ctx.chosen.map_or("", |c| c.region.name.as_str());
                write!(
                    f,
                    "适用参数：{} {} 的事件适用 {rules_region} {name} 自{}起施行的参数（{source}）",
                    Place(region),
                    date_text(event_date),
                    date_text(effective_from),
                )
            }
            Step::UnknownRegion { region } => write!(
                f,
                "适用参数：事件地区 {}及其所属市（{}）、省（{}）均无生育津贴规定，无法认定",
                Place(region),
                region.city(),
                region.province()
            ),
            Step::NoRulesForDate { region, event_date } => write!(
                f,
                "适用参数：事件地区 {}所属地区的参数均在事件日期 {} 之后才施行，该日无可适用的规定",
                Place(region),
                date_text(event_date)
            ),
            Step::Scheme { scheme } => write_scheme(f, scheme),
            Step::InsuranceStatus { status } => {
                let verdict = if status == InsuranceStatus::Normal {
                    "符合"
                } else {
                    "不符合，应为正常"
                };
                write!(f, "参保状态：{}，{verdict}（{TARGETS}(二)）", status.name_zh())
            }
            Step::Network { own_event, settled } => write_network(f, own_event, settled),
            Step::Employment { status } => write_employment(f, status),
            Step::Flexible { eligible: true } => f.write_str(
                "就业状态：灵活就业，本地区规定灵活就业人员可以享受生育津贴，符合",
            ),
            Step::Flexible { eligible: false } => write!(
                f,
                "就业状态：灵活就业，本地区规定灵活就业人员不享受生育津贴待遇（{EXCLUDED}）"
            ),
            Step::FlexibleUndecided => f.write_str(
                "就业状态：灵活就业，能否享受由本地区规定决定，因事件地区和日期没有可适用的规定，未作判断",
            ),
            Step::Contribution {
                months,
                min_months,
                reading,
                from_history,
            } => write_contribution(f, months, min_months, reading, from_history),
            Step::NotCovered { sex, event } => write!(
                f,
                "申领事项：{}职工的“{}”不属于生育津贴保障范围（{SIL56}：女职工生育、计划生育手术休假及男职工护理假）",
                sex.name_zh(),
                event.name_zh()
            ),
            Step::NoLeave { sex, event } => write!(
                f,
                "申领事项：本期参数对{}职工的“{}”给予0天假期，不享受生育津贴（{source}）",
                sex.name_zh(),
                event.name_zh()
            ),
            Step::LateInductionAsBirth {
                weeks,
                late_weeks,
                days,
            } => write!(
                f,
                "产假：妊娠{weeks}周引产，满{late_weeks}周按生育计，基本产假{days}天（{ART7}）"
            ),
            Step::Loss {
                event_type,
                weeks,
                threshold_weeks,
                late_weeks,
                over_threshold,
                days,
            } => {
                write_loss_event(f, event_type, weeks, late_weeks)?;
                let (cmp, words) = if over_threshold {
                    ("满", "怀孕满4个月")
                } else {
                    ("不满", "怀孕未满4个月")
                };
                write!(
                    f,
                    "{cmp}{threshold_weeks}周（“{words}”），产假{days}天（{ART7}）"
                )
            }
            Step::FamilyPlanning { procedure, days } => write!(
                f,
                "计划生育手术休假：{}，{days}天（{SIL56}第二项；{source}）",
                procedure.name_zh()
            ),
            Step::Paternity { event, days } => write!(
                f,
                "护理假：配偶生育（{}），男职工护理假{days}天，期间享受生育津贴（{SIL56}；{source}）",
                event.name_zh()
            ),
            Step::Birth { event, days } => write!(
                f,
                "产假：{}，基本产假{days}天（{ART7}）",
                event.name_zh()
            ),
            Step::Dystocia { days } => write!(f, "难产：增加产假{days}天（{ART7}）"),
            Step::CesareanAsDystocia { days } => {
                write!(f, "剖宫产按难产增加产假{days}天（{ART7}）")
            }
            Step::CesareanNotDystocia => f.write_str("本地区剖宫产不按难产计，不增加产假"),
            Step::MultipleBirth {
                babies,
                days_per_baby,
                days,
            } => write!(
                f,
                "多胞胎：{babies}个婴儿，每多生育1个增加{days_per_baby}天，共增加{days}天（{ART7}）"
            ),
            Step::RegionalLeave { days } => write!(f, "地方延长产假：{days}天（{source}）"),
            Step::LeaveTotal {
                base,
                dystocia,
                multiple_birth,
                regional,
                total,
            } => {
                write!(f, "假期合计：{base}")?;
                for extra in [dystocia, multiple_birth, regional] {
                    if extra > 0 {
                        write!(f, " + {extra}")?;
                    }
                }
                write!(f, " = {total}天")
            }
            Step::Amount {
                wage_fen,
                days,
                amount_fen,
            } => write!(
                f,
                "生育津贴：用人单位上年度职工月平均工资{}元 ÷ 30 × {days}天 = {}元（四舍五入到分；{SIL56}）",
                Yuan(wage_fen),
                Yuan(amount_fen)
            ),
            Step::Payee { payee } => write!(f, "支付对象：{}", payee.name_zh()),
            Step::Refusal => write!(
                f,
                "结论：不符合享受条件（{}），假期天数与津贴均按0计，不支付",
                ReasonList(ctx.reasons)
            ),
        }
    }
}

/// Stored steps as the Chinese lines a decision in [`ExplainMode::Text`] would have
/// carried, reading the parameter texts from `params` (the period the `PARAMS` step
/// names; when the file no longer has it, the lines name the period without its source).
pub fn render_zh(steps: &[Step], reasons: &[Reason], params: &MaternityParams) -> Vec<String> {
    let chosen = steps.iter().find_map(|step| match *step {
        Step::Params {
            rules_region,
            effective_from,
            ..
        } => {
            let region = params.region(rules_region)?;
            let period = region
                .periods
                .iter()
                .find(|p| p.effective_from == effective_from)?;
            Some(Selected { region, period })
        }
        _ => None,
    });
    let ctx = Context { chosen, reasons };
    steps
        .iter()
        .map(|step| {
            let mut line = String::new();
            // Writing to a String cannot fail.
            let _ = step.write_zh(&mut line, ctx);
            line
        })
        .collect()
}

fn write_scheme(f: &mut dyn fmt::Write, scheme: Scheme) -> fmt::Result {
    match scheme {
        Scheme::Employee => write!(
            f,
            "参保险种：职工医保（含生育保险），符合（{SIL54}；{MERGER}）"
        ),
        Scheme::Resident => write!(
            f,
            "参保险种：城乡居民医保，不享受生育津贴，生育津贴只由职工医保（含生育保险）支付（{SIL54}；{MERGER}）"
        ),
    }
}

fn write_network(f: &mut dyn fmt::Write, own_event: bool, settled: bool) -> fmt::Result {
    match (own_event, settled) {
        (false, _) => f.write_str(
            "联网结算：男职工申领的不是本人的生育医疗事项，不以本人联网结算为条件，不适用",
        ),
        (true, true) => write!(
            f,
            "联网结算：生育医疗费用已在本市联网结算，符合（{TARGETS}(三)）"
        ),
        (true, false) => write!(
            f,
            "联网结算：生育医疗费用未在本市联网结算，不符合（{TARGETS}(三)）"
        ),
    }
}

fn write_employment(f: &mut dyn fmt::Write, status: EmploymentStatus) -> fmt::Result {
    let name = status.name_zh();
    match status {
        EmploymentStatus::UnemploymentBenefit | EmploymentStatus::Retired => {
            write!(f, "就业状态：{name}，不享受生育津贴待遇（{EXCLUDED}）")
        }
        EmploymentStatus::Unemployed => write!(
            f,
            "就业状态：{name}，本身不构成不予享受的理由（{EXCLUDED} 只排除领取失业保险金期间的人员）"
        ),
        EmploymentStatus::Employed | EmploymentStatus::Flexible => {
            write!(f, "就业状态：{name}，符合")
        }
    }
}

/// Names the reading (连续 / 累计) every time: the same months give different answers.
fn write_contribution(
    f: &mut dyn fmt::Write,
    months: u32,
    min: u32,
    reading: ContributionReading,
    from_history: bool,
) -> fmt::Result {
    let (verdict, ok) = if months >= min {
        ("不少于", "符合")
    } else {
        ("少于", "不符合")
    };
    let how = if from_history {
        "按缴费记录"
    } else {
        "按申报"
    };
    write!(
        f,
        "参保缴费：须缴费满{min}个月，本地区按{}计算，{how}已缴{months}个月，{verdict}{min}个月，{ok}（{TARGETS}(一)）",
        reading.words_zh()
    )
}

/// A miscarriage, or an induction before the late threshold (which counts as one).
fn write_loss_event(
    f: &mut dyn fmt::Write,
    event_type: EventType,
    weeks: Option<u32>,
    late: u32,
) -> fmt::Result {
    match (event_type, weeks) {
        (EventType::Induced, Some(weeks)) => write!(
            f,
            "产假：妊娠{weeks}周引产，不满{late}周不按生育计、按流产计，"
        ),
        (EventType::Miscarriage, Some(weeks)) => write!(f, "产假：妊娠{weeks}周流产，"),
        _ => write!(f, "产假：{}，", event_type.name_zh()),
    }
}

/// `500228（梁平区）`, or the bare code when we don't know its name.
struct Place(RegionCode);

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.name_zh() {
            Some(name) => write!(f, "{}（{name}）", self.0),
            None => write!(f, "{}", self.0),
        }
    }
}

/// The period's `source`, or a note that the period is no longer in the file.
struct Source<'a>(Option<Selected<'a>>);

impl fmt::Display for Source<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(chosen) => f.write_str(&chosen.period.source),
            None => f.write_str("参数来源见当时施行的参数文件"),
        }
    }
}

struct ReasonList<'a>(&'a [Reason]);

impl fmt::Display for ReasonList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, reason) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("；")?;
            }
            f.write_str(reason.name_zh())?;
        }
        Ok(())
    }
}

// The rules' calls: each builds its step from the facts and parameters at hand.

pub(super) fn region(
    out: &mut MaternityDecision,
    region: RegionCode,
    event_date: NaiveDate,
    selected: Result<Selected<'_>, LookupError>,
) {
    let step = match selected {
        Ok(chosen) => Step::Params {
            region,
            event_date,
            rules_region: chosen.region.code,
            effective_from: chosen.period.effective_from,
        },
        Err(LookupError::UnknownRegion) => Step::UnknownRegion { region },
        Err(LookupError::NoRulesForDate) => Step::NoRulesForDate { region, event_date },
    };
    out.step(step, selected.ok());
}

pub(super) fn not_covered(out: &mut MaternityDecision, sex: Sex, event: Event) {
    let event = EventName::of(event);
    out.step(Step::NotCovered { sex, event }, None);
}

/// An event the chosen period grants no days for.
pub(super) fn no_leave(
    out: &mut MaternityDecision,
    sex: Sex,
    event: Event,
    leave: Leave,
    chosen: Selected<'_>,
) {
    if leave.rule == LeaveRule::NotCovered {
        return not_covered(out, sex, event);
    }
    let event = EventName::of(event);
    out.step(Step::NoLeave { sex, event }, Some(chosen));
}

/// Every leave rule applied, then the total.
pub(super) fn leave(out: &mut MaternityDecision, event: Event, leave: Leave, chosen: Selected<'_>) {
    let base = base_rule(event, leave, chosen);
    out.step(base, Some(chosen));
    if matches!(
        leave.rule,
        LeaveRule::Birth | LeaveRule::LateInductionAsBirth
    ) {
        birth_exceptions(out, event, leave, chosen);
    }
    let total = Step::LeaveTotal {
        base: leave.base,
        dystocia: leave.dystocia,
        multiple_birth: leave.multiple_birth,
        regional: leave.regional,
        total: leave.total,
    };
    out.step(total, Some(chosen));
}

fn base_rule(event: Event, leave: Leave, chosen: Selected<'_>) -> Step {
    let period = chosen.period;
    let days = leave.base;
    let late_weeks = period.late_induction_birth_weeks;
    let loss = |over_threshold| {
        let weeks = match event {
            Event::Induced { weeks, .. } | Event::Miscarriage { weeks } => Some(weeks),
            _ => None,
        };
        Step::Loss {
            event_type: event.event_type(),
            weeks,
            threshold_weeks: period.miscarriage_threshold_weeks,
            late_weeks,
            over_threshold,
            days,
        }
    };
    match (leave.rule, event) {
        (LeaveRule::LateInductionAsBirth, Event::Induced { weeks, .. }) => {
            Step::LateInductionAsBirth {
                weeks,
                late_weeks,
                days,
            }
        }
        (LeaveRule::LossUnderThreshold, _) => loss(false),
        (LeaveRule::LossOverThreshold, _) => loss(true),
        (LeaveRule::FamilyPlanning | LeaveRule::MaleVasectomy, Event::FamilyPlanningSurgery(p)) => {
            Step::FamilyPlanning {
                procedure: p,
                days: surgery_days(p, period),
            }
        }
        (LeaveRule::Paternity, _) => Step::Paternity {
            event: EventName::of(event),
            days,
        },
        _ => Step::Birth {
            event: EventName::of(event),
            days,
        },
    }
}

fn birth_exceptions(out: &mut MaternityDecision, event: Event, leave: Leave, chosen: Selected<'_>) {
    let period = chosen.period;
    let dystocia = match event {
        Event::Dystocia { .. } => Some(Step::Dystocia {
            days: leave.dystocia,
        }),
        Event::Cesarean { .. } if period.cesarean_is_dystocia => Some(Step::CesareanAsDystocia {
            days: leave.dystocia,
        }),
        Event::Cesarean { .. } => Some(Step::CesareanNotDystocia),
        _ => None,
    };
    if let Some(step) = dystocia {
        out.step(step, Some(chosen));
    }
    if leave.additional_babies > 0 {
        let step = Step::MultipleBirth {
            babies: leave.additional_babies + 1,
            days_per_baby: period.extra_days_per_additional_baby,
            days: leave.multiple_birth,
        };
        out.step(step, Some(chosen));
    }
    if leave.regional > 0 {
        out.step(
            Step::RegionalLeave {
                days: leave.regional,
            },
            Some(chosen),
        );
    }
}

pub(super) fn amount(out: &mut MaternityDecision, wage_fen: Fen, days: u32, amount_fen: Fen) {
    let step = Step::Amount {
        wage_fen,
        days,
        amount_fen,
    };
    out.step(step, None);
}

pub(super) fn payee(out: &mut MaternityDecision, chosen: Selected<'_>) {
    out.step(
        Step::Payee {
            payee: chosen.period.payee,
        },
        Some(chosen),
    );
}

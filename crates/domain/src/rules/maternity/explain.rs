//! The Chinese explanation: one line per rule applied, naming the regulation and the
//! values used, in words a citizen reads ("剖宫产按难产增加产假15天"): never a parameter
//! key or a reason code, since the lines are printed on the 申请表 and shown to employers
//! and mothers. The keys are on the administrators' parameter page and the codes in
//! `reasons`. Lines are written into the decision's reused strings (no allocation
//! once warm), so the wording lives here and the logic in `maternity.rs`.

use std::fmt;

use super::date_text;
use super::decision::{MaternityDecision, Reason, Yuan};
use super::facts::{EmploymentStatus, Event, InsuranceStatus, MaternityFacts, Scheme};
use super::leave::{Leave, LeaveRule, surgery_days};
use crate::rules::params::{LookupError, Period, Selected};
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

pub(super) fn region(
    out: &mut MaternityDecision,
    facts: &MaternityFacts,
    selected: Result<Selected<'_>, LookupError>,
) {
    let place = Place(facts.region);
    let date = date_text(facts.event_date);
    match selected {
        Ok(chosen) => out.explain(format_args!(
            "适用参数：{place} {date} 的事件适用 {} {} 自{}起施行的参数（{}）",
            chosen.region.code,
            chosen.region.name,
            date_text(chosen.period.effective_from),
            chosen.period.source
        )),
        Err(LookupError::UnknownRegion) => out.explain(format_args!(
            "适用参数：事件地区 {place}及其所属市（{}）、省（{}）均无生育津贴规定，无法认定",
            facts.region.city(),
            facts.region.province()
        )),
        Err(LookupError::NoRulesForDate) => out.explain(format_args!(
            "适用参数：事件地区 {place}所属地区的参数均在事件日期 {date} 之后才施行，该日无可适用的规定"
        )),
    }
}

pub(super) fn scheme(out: &mut MaternityDecision, scheme: Scheme) {
    match scheme {
        Scheme::Employee => out.explain(format_args!(
            "参保险种：职工医保（含生育保险），符合（{SIL54}；{MERGER}）"
        )),
        Scheme::Resident => out.explain(format_args!(
            "参保险种：城乡居民医保，不享受生育津贴，生育津贴只由职工医保（含生育保险）支付（{SIL54}；{MERGER}）"
        )),
    }
}

pub(super) fn insurance_status(out: &mut MaternityDecision, status: InsuranceStatus) {
    let verdict = if status == InsuranceStatus::Normal {
        "符合"
    } else {
        "不符合，应为正常"
    };
    out.explain(format_args!(
        "参保状态：{}，{verdict}（{TARGETS}(二)）",
        status.name_zh()
    ));
}

pub(super) fn network(out: &mut MaternityDecision, own_event: bool, settled: bool) {
    match (own_event, settled) {
        (false, _) => out.explain(format_args!(
            "联网结算：男职工申领的不是本人的生育医疗事项，不以本人联网结算为条件，不适用"
        )),
        (true, true) => out.explain(format_args!(
            "联网结算：生育医疗费用已在本市联网结算，符合（{TARGETS}(三)）"
        )),
        (true, false) => out.explain(format_args!(
            "联网结算：生育医疗费用未在本市联网结算，不符合（{TARGETS}(三)）"
        )),
    }
}

pub(super) fn employment(out: &mut MaternityDecision, status: EmploymentStatus) {
    let name = status.name_zh();
    match status {
        EmploymentStatus::UnemploymentBenefit | EmploymentStatus::Retired => out.explain(
            format_args!("就业状态：{name}，不享受生育津贴待遇（{EXCLUDED}）"),
        ),
        EmploymentStatus::Unemployed => out.explain(format_args!(
            "就业状态：{name}，本身不构成不予享受的理由（{EXCLUDED} 只排除领取失业保险金期间的人员）"
        )),
        EmploymentStatus::Employed | EmploymentStatus::Flexible => {
            out.explain(format_args!("就业状态：{name}，符合"));
        }
    }
}

pub(super) fn flexible(out: &mut MaternityDecision, period: &Period) {
    if period.flexible_workers_eligible {
        out.explain(format_args!(
            "就业状态：灵活就业，本地区规定灵活就业人员可以享受生育津贴，符合"
        ));
    } else {
        out.explain(format_args!(
            "就业状态：灵活就业，本地区规定灵活就业人员不享受生育津贴待遇（{EXCLUDED}）"
        ));
    }
}

pub(super) fn flexible_undecided(out: &mut MaternityDecision) {
    out.explain(format_args!(
        "就业状态：灵活就业，能否享受由本地区规定决定，因事件地区和日期没有可适用的规定，未作判断"
    ));
}

/// Names the reading (连续 / 累计) every time: the same months give different answers.
pub(super) fn contribution(
    out: &mut MaternityDecision,
    months: u32,
    counted_here: bool,
    period: &Period,
) {
    let min = period.min_contribution_months;
    let verdict = if months >= min { "不少于" } else { "少于" };
    let ok = if months >= min { "符合" } else { "不符合" };
    let words = period.contribution_reading.words_zh();
    let how = if counted_here {
        "按缴费记录"
    } else {
        "按申报"
    };
    out.explain(format_args!(
        "参保缴费：须缴费满{min}个月，本地区按{words}计算，{how}已缴{months}个月，{verdict}{min}个月，{ok}（{TARGETS}(一)）"
    ));
}

/// An event that no parameters could cover (checked without parameters).
pub(super) fn not_covered(out: &mut MaternityDecision, sex: Sex, event: Event) {
    out.explain(format_args!(
        "申领事项：{}职工的“{}”不属于生育津贴保障范围（{SIL56}：女职工生育、计划生育手术休假及男职工护理假）",
        sex.name_zh(),
        event.name_zh()
    ));
}

/// An event the chosen period grants no days for.
pub(super) fn no_leave(
    out: &mut MaternityDecision,
    facts: &MaternityFacts,
    leave: Leave,
    period: &Period,
) {
    if leave.rule == LeaveRule::NotCovered {
        return not_covered(out, facts.claimant_sex, facts.event);
    }
    out.explain(format_args!(
        "申领事项：本期参数对{}职工的“{}”给予0天假期，不享受生育津贴（{}）",
        facts.claimant_sex.name_zh(),
        facts.event.name_zh(),
        period.source
    ));
}

/// Every leave rule applied, then the total.
pub(super) fn leave(out: &mut MaternityDecision, event: Event, leave: Leave, period: &Period) {
    base_rule(out, event, leave, period);
    if matches!(
        leave.rule,
        LeaveRule::Birth | LeaveRule::LateInductionAsBirth
    ) {
        birth_exceptions(out, event, leave, period);
    }
    out.explain(format_args!("假期合计：{} = {}天", Sum(leave), leave.total));
}

fn base_rule(out: &mut MaternityDecision, event: Event, leave: Leave, period: &Period) {
    let days = leave.base;
    let threshold = period.miscarriage_threshold_weeks;
    let late = period.late_induction_birth_weeks;
    match (leave.rule, event) {
        (LeaveRule::LateInductionAsBirth, Event::Induced { weeks, .. }) => out.explain(
            format_args!("产假：妊娠{weeks}周引产，满{late}周按生育计，基本产假{days}天（{ART7}）"),
        ),
        (LeaveRule::LossUnderThreshold, _) => loss(
            out,
            event,
            late,
            format_args!("不满{threshold}周（“怀孕未满4个月”），产假{days}天（{ART7}）"),
        ),
        (LeaveRule::LossOverThreshold, _) => loss(
            out,
            event,
            late,
            format_args!("满{threshold}周（“怀孕满4个月”），产假{days}天（{ART7}）"),
        ),
        (LeaveRule::FamilyPlanning | LeaveRule::MaleVasectomy, Event::FamilyPlanningSurgery(p)) => {
            out.explain(format_args!(
                "计划生育手术休假：{}，{}天（{SIL56}第二项；{}）",
                p.name_zh(),
                surgery_days(p, period),
                period.source
            ));
        }
        (LeaveRule::Paternity, _) => out.explain(format_args!(
            "护理假：配偶生育（{}），男职工护理假{days}天，期间享受生育津贴（{SIL56}；{}）",
            event.name_zh(),
            period.source
        )),
        _ => out.explain(format_args!(
            "产假：{}，基本产假{days}天（{ART7}）",
            event.name_zh()
        )),
    }
}

/// A miscarriage, or an induction before the late threshold (which counts as one).
fn loss(out: &mut MaternityDecision, event: Event, late: u32, rest: fmt::Arguments<'_>) {
    match event {
        Event::Induced { weeks, .. } => out.explain(format_args!(
            "产假：妊娠{weeks}周引产，不满{late}周不按生育计、按流产计，{rest}"
        )),
        Event::Miscarriage { weeks } => {
            out.explain(format_args!("产假：妊娠{weeks}周流产，{rest}"))
        }
        _ => out.explain(format_args!("产假：{}，{rest}", event.name_zh())),
    }
}

fn birth_exceptions(out: &mut MaternityDecision, event: Event, leave: Leave, period: &Period) {
    match event {
        Event::Dystocia { .. } => {
            out.explain(format_args!("难产：增加产假{}天（{ART7}）", leave.dystocia))
        }
        Event::Cesarean { .. } if period.cesarean_is_dystocia => out.explain(format_args!(
            "剖宫产按难产增加产假{}天（{ART7}）",
            leave.dystocia
        )),
        Event::Cesarean { .. } => out.explain(format_args!("本地区剖宫产不按难产计，不增加产假")),
        _ => {}
    }
    if leave.additional_babies > 0 {
        out.explain(format_args!(
            "多胞胎：{}个婴儿，每多生育1个增加{}天，共增加{}天（{ART7}）",
            leave.additional_babies + 1,
            period.extra_days_per_additional_baby,
            leave.multiple_birth
        ));
    }
    if leave.regional > 0 {
        out.explain(format_args!(
            "地方延长产假：{}天（{}）",
            leave.regional, period.source
        ));
    }
}

/// `98 + 15 + 15 + 80`: the terms of the total that are not zero.
struct Sum(Leave);

impl fmt::Display for Sum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.base)?;
        for extra in [self.0.dystocia, self.0.multiple_birth, self.0.regional] {
            if extra > 0 {
                write!(f, " + {extra}")?;
            }
        }
        Ok(())
    }
}

pub(super) fn amount(out: &mut MaternityDecision, wage: Fen, days: u32, amount: Fen) {
    out.explain(format_args!(
        "生育津贴：用人单位上年度职工月平均工资{}元 ÷ 30 × {days}天 = {}元（四舍五入到分；{SIL56}）",
        Yuan(wage),
        Yuan(amount)
    ));
}

pub(super) fn payee(out: &mut MaternityDecision, period: &Period) {
    out.explain(format_args!("支付对象：{}", period.payee.name_zh()));
}

/// The closing line of a refusal, listing every failed condition.
pub(super) fn refusal(out: &mut MaternityDecision) {
    let reasons = std::mem::take(&mut out.reasons);
    out.explain(format_args!(
        "结论：不符合享受条件（{}），假期天数与津贴均按0计，不支付",
        ReasonList(&reasons)
    ));
    out.reasons = reasons;
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

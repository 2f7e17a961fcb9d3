//! Days of leave as labelled rules (design.md: "a base rule plus labelled exceptions").
//!
//! Every claimant and event falls under exactly one *base rule* of [`BASE_RULES`]: the
//! predicates are written side by side so a reader can see they partition the inputs, and
//! `tests/maternity_rules.rs` walks the whole input matrix to prove that exactly one
//! applies each time (no combination falls through, none is claimed twice). A birth then
//! takes the *additions* (dystocia, additional babies, regional extra leave), each
//! labelled too, so the explanation can name them one by one.

use super::facts::{Event, Procedure};
use crate::Sex;
use crate::rules::params::Period;

/// The label of each base rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LeaveRule {
    /// 女职工劳动保护特别规定 第七条: maternity leave for a delivery.
    Birth,
    /// Induction at or after `late_induction_birth_weeks` counts as a birth.
    LateInductionAsBirth,
    /// Miscarriage, or induction before the late threshold, under `miscarriage_threshold_weeks`.
    LossUnderThreshold,
    /// The same at or after `miscarriage_threshold_weeks`.
    LossOverThreshold,
    /// A woman's own family-planning operation.
    FamilyPlanning,
    /// A father's paternity (护理假) leave for his spouse's birth.
    Paternity,
    /// A man's own vasectomy.
    MaleVasectomy,
    /// Anything else (a man's claim for a miscarriage, a woman's "vasectomy"): no leave.
    NotCovered,
}

/// One base rule: when it applies and the days it grants.
pub struct BaseRule {
    pub label: LeaveRule,
    pub applies: fn(Sex, Event, &Period) -> bool,
    pub days: fn(Event, &Period) -> u32,
}

/// The base rules, in the order a reader should meet them.
pub const BASE_RULES: [BaseRule; 8] = [
    BaseRule {
        label: LeaveRule::Birth,
        applies: |sex, event, _| sex == Sex::Female && delivery_babies(event).is_some(),
        days: |_, p| p.base_days,
    },
    BaseRule {
        label: LeaveRule::LateInductionAsBirth,
        applies: |sex, event, p| sex == Sex::Female && late_induction_babies(event, p).is_some(),
        days: |_, p| p.base_days,
    },
    BaseRule {
        label: LeaveRule::LossUnderThreshold,
        applies: |sex, event, p| {
            sex == Sex::Female && loss_weeks(event, p).is_some_and(|w| w < threshold(p))
        },
        days: |_, p| p.miscarriage_days_under_threshold,
    },
    BaseRule {
        label: LeaveRule::LossOverThreshold,
        applies: |sex, event, p| {
            sex == Sex::Female && loss_weeks(event, p).is_some_and(|w| w >= threshold(p))
        },
        days: |_, p| p.miscarriage_days_over_threshold,
    },
    BaseRule {
        label: LeaveRule::FamilyPlanning,
        applies: |sex, event, _| {
            sex == Sex::Female && procedure(event).is_some_and(|p| p != Procedure::Vasectomy)
        },
        days: |event, p| procedure(event).map_or(0, |procedure| surgery_days(procedure, p)),
    },
    BaseRule {
        label: LeaveRule::Paternity,
        applies: |sex, event, p| sex == Sex::Male && birth_babies(event, p).is_some(),
        days: |_, p| p.paternity_days,
    },
    BaseRule {
        label: LeaveRule::MaleVasectomy,
        applies: |sex, event, _| sex == Sex::Male && procedure(event) == Some(Procedure::Vasectomy),
        days: |_, p| p.family_planning_days.vasectomy,
    },
    BaseRule {
        label: LeaveRule::NotCovered,
        applies: |sex, event, p| match sex {
            Sex::Male => {
                birth_babies(event, p).is_none() && procedure(event) != Some(Procedure::Vasectomy)
            }
            Sex::Female => procedure(event) == Some(Procedure::Vasectomy),
        },
        days: |_, _| 0,
    },
];

/// The days of leave and how they were made up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Leave {
    pub rule: LeaveRule,
    /// Days of the base rule.
    pub base: u32,
    /// Dystocia addition (or cesarean counted as dystocia), 0 when not applied.
    pub dystocia: u32,
    /// Babies beyond the first, and the days they add.
    pub additional_babies: u32,
    pub multiple_birth: u32,
    /// Regional extra leave for a birth, 0 when not applied.
    pub regional: u32,
    pub total: u32,
}

/// The labels of every base rule that applies; exactly one for any input (tested).
pub fn applicable_rules(
    sex: Sex,
    event: Event,
    period: &Period,
) -> impl Iterator<Item = LeaveRule> {
    BASE_RULES
        .iter()
        .filter(move |rule| (rule.applies)(sex, event, period))
        .map(|rule| rule.label)
}

/// The leave granted under `period` for this claimant and event.
pub fn leave(sex: Sex, event: Event, period: &Period) -> Leave {
    let rule = BASE_RULES
        .iter()
        .find(|rule| (rule.applies)(sex, event, period));
    let (label, base) = rule.map_or((LeaveRule::NotCovered, 0), |rule| {
        (rule.label, (rule.days)(event, period))
    });
    let mut leave = Leave {
        rule: label,
        base,
        dystocia: 0,
        additional_babies: 0,
        multiple_birth: 0,
        regional: 0,
        total: base,
    };
    if matches!(label, LeaveRule::Birth | LeaveRule::LateInductionAsBirth) {
        add_birth_exceptions(&mut leave, event, period);
    }
    leave
}

/// The labelled additions to a mother's birth leave.
fn add_birth_exceptions(leave: &mut Leave, event: Event, period: &Period) {
    let dystocia = match event {
        Event::Dystocia { .. } => true,
        Event::Cesarean { .. } => period.cesarean_is_dystocia,
        _ => false,
    };
    if dystocia {
        leave.dystocia = period.dystocia_extra_days;
    }
    let babies = birth_babies(event, period).unwrap_or(1);
    leave.additional_babies = babies.saturating_sub(1);
    leave.multiple_birth = period
        .extra_days_per_additional_baby
        .saturating_mul(leave.additional_babies);
    leave.regional = period.regional_extra_days;
    leave.total = leave
        .base
        .saturating_add(leave.dystocia)
        .saturating_add(leave.multiple_birth)
        .saturating_add(leave.regional);
}

/// Whether no period at all could grant leave for this claimant and event, so that
/// `EVENT_NOT_COVERED` can be reported even when the region or date has no parameters.
pub fn never_covered(sex: Sex, event: Event) -> bool {
    match (sex, event) {
        (Sex::Male, Event::Miscarriage { .. }) => true,
        (Sex::Male, Event::FamilyPlanningSurgery(p)) => p != Procedure::Vasectomy,
        (Sex::Female, Event::FamilyPlanningSurgery(p)) => p == Procedure::Vasectomy,
        _ => false,
    }
}

/// Babies of a delivery (vaginal, cesarean, dystocia).
fn delivery_babies(event: Event) -> Option<u32> {
    match event {
        Event::Vaginal { babies } | Event::Cesarean { babies } | Event::Dystocia { babies } => {
            Some(babies)
        }
        _ => None,
    }
}

/// Babies of an induction that counts as a birth (at least one).
fn late_induction_babies(event: Event, period: &Period) -> Option<u32> {
    match event {
        Event::Induced { weeks, babies } if weeks >= period.late_induction_birth_weeks => {
            Some(babies.max(1))
        }
        _ => None,
    }
}

/// Babies of anything that counts as a birth.
pub fn birth_babies(event: Event, period: &Period) -> Option<u32> {
    delivery_babies(event).or_else(|| late_induction_babies(event, period))
}

/// Weeks of a pregnancy lost: a miscarriage, or an induction before the late threshold.
fn loss_weeks(event: Event, period: &Period) -> Option<u32> {
    match event {
        Event::Miscarriage { weeks } => Some(weeks),
        Event::Induced { weeks, .. } if weeks < period.late_induction_birth_weeks => Some(weeks),
        _ => None,
    }
}

fn threshold(period: &Period) -> u32 {
    period.miscarriage_threshold_weeks
}

fn procedure(event: Event) -> Option<Procedure> {
    match event {
        Event::FamilyPlanningSurgery(procedure) => Some(procedure),
        _ => None,
    }
}

pub fn surgery_days(procedure: Procedure, period: &Period) -> u32 {
    let days = period.family_planning_days;
    match procedure {
        Procedure::IudInsertion => days.iud_insertion,
        Procedure::IudRemoval => days.iud_removal,
        Procedure::TubalLigation => days.tubal_ligation,
        Procedure::Vasectomy => days.vasectomy,
    }
}

//! `[[reimbursement]]`: the maternity medical costs the fund pays at the hospital window
//! (seed 002 RB-3, docs/hospital-window.md). Regions and dated periods as `[[regions]]`
//! (the most specific entry with a period in force on the event date decides), every
//! amount integer fen with its source. A region without an entry is refused, never guessed.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::load::{Lines, date, non_empty, ranged, region_entry};
use super::{LookupError, ParamsError, ParamsProblem};
use crate::RegionCode;
use crate::department::HospitalLevel;

/// The largest amount a line may carry (100 000 元), bounding every sum.
const MAX_FEN: u32 = 10_000_000;

/// Every key of a reimbursement period and of its levels' amounts: the names a note may
/// refer to.
pub const PERIOD_KEYS: [&str; 15] = [
    "effective_from",
    "source",
    "family_planning_review",
    "level_1",
    "level_2",
    "level_3",
    "prenatal_check_quota_fen",
    "vaginal_limit_fen",
    "cesarean_limit_fen",
    "dystocia_limit_fen",
    "miscarriage_limit_fen",
    "induced_limit_fen",
    "complication_limit_fen",
    "family_planning_limit_fen",
    "notes",
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRegion {
    code: Spanned<String>,
    name: Spanned<String>,
    periods: Vec<RawPeriod>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPeriod {
    effective_from: Spanned<String>,
    source: Spanned<String>,
    /// The amounts at a hospital of each grade (一级/二级/三级); a grade left out has no
    /// standard in this period and is refused at the window, never guessed.
    #[serde(default)]
    level_1: Option<RawAmounts>,
    #[serde(default)]
    level_2: Option<RawAmounts>,
    #[serde(default)]
    level_3: Option<RawAmounts>,
    /// Optional (absent = false): claims taken at a hospital wait for the health
    /// department's family-planning review (seed 002 四 卫健局).
    #[serde(default)]
    family_planning_review: bool,
    #[serde(default)]
    notes: Option<Spanned<BTreeMap<String, String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAmounts {
    prenatal_check_quota_fen: Spanned<u32>,
    vaginal_limit_fen: Spanned<u32>,
    cesarean_limit_fen: Spanned<u32>,
    dystocia_limit_fen: Spanned<u32>,
    miscarriage_limit_fen: Spanned<u32>,
    induced_limit_fen: Spanned<u32>,
    complication_limit_fen: Spanned<u32>,
    family_planning_limit_fen: Spanned<FamilyPlanningLimits>,
}

/// Limits of the family-planning operations (计划生育手术), fen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FamilyPlanningLimits {
    pub iud_insertion: u32,
    pub iud_removal: u32,
    pub tubal_ligation: u32,
    pub vasectomy: u32,
}

/// The amounts at hospitals of one grade: the prenatal-check quota (定额, once per
/// pregnancy) and the limit (限额) of each kind of stay or operation; the fund pays the
/// bill up to the limit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LevelAmounts {
    pub prenatal_check_quota_fen: u32,
    pub vaginal_limit_fen: u32,
    pub cesarean_limit_fen: u32,
    pub dystocia_limit_fen: u32,
    pub miscarriage_limit_fen: u32,
    pub induced_limit_fen: u32,
    /// 妊娠合并症/并发症住院 限额 (seed 002 三(一)2, 附件3 五(三)3).
    pub complication_limit_fen: u32,
    pub family_planning_limit_fen: FamilyPlanningLimits,
}

/// One period: its source and the amounts of each hospital grade it states.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReimbursementPeriod {
    pub effective_from: NaiveDate,
    pub source: String,
    /// The grades the period states amounts for; another grade is refused.
    pub levels: BTreeMap<HospitalLevel, LevelAmounts>,
    /// Claims taken at a hospital wait for the health department's review (卫健局
    /// 审核计划生育情况) before the bureau may approve them.
    pub family_planning_review: bool,
    pub notes: BTreeMap<String, String>,
}

impl ReimbursementPeriod {
    /// The amounts at a hospital of `level`, if the period states them.
    pub fn amounts(&self, level: HospitalLevel) -> Option<&LevelAmounts> {
        self.levels.get(&level)
    }
}

/// One `[[reimbursement]]` entry with its periods, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReimbursementRegion {
    pub code: RegionCode,
    pub name: String,
    pub periods: Vec<ReimbursementPeriod>,
}

/// The validated section, sorted by code.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ReimbursementParams {
    regions: Vec<ReimbursementRegion>,
}

impl ReimbursementParams {
    pub fn regions(&self) -> &[ReimbursementRegion] {
        &self.regions
    }

    /// The entry and period deciding an event in `region` on `date`: the county's, else its
    /// city's, else its province's entry with a period in force.
    pub fn lookup(
        &self,
        region: RegionCode,
        date: NaiveDate,
    ) -> Result<(&ReimbursementRegion, &ReimbursementPeriod), LookupError> {
        let mut any_entry = false;
        for code in [region, region.city(), region.province()] {
            let Some(entry) = self.regions.iter().find(|r| r.code == code) else {
                continue;
            };
            any_entry = true;
            if let Some(period) = entry
                .periods
                .iter()
                .rev()
                .find(|p| p.effective_from <= date)
            {
                return Ok((entry, period));
            }
        }
        Err(if any_entry {
            LookupError::NoRulesForDate
        } else {
            LookupError::UnknownRegion
        })
    }
}

pub(super) fn validate(
    lines: &Lines<'_>,
    raw: Vec<RawRegion>,
) -> Result<ReimbursementParams, ParamsError> {
    let mut seen: BTreeMap<RegionCode, usize> = BTreeMap::new();
    let mut regions = Vec::with_capacity(raw.len());
    for raw_region in raw {
        let line = lines.of(raw_region.code.span());
        let entry = region(lines, raw_region)?;
        if let Some(first_line) = seen.insert(entry.code, line) {
            let problem = ParamsProblem::DuplicateRegion {
                code: entry.code.to_string(),
                first_line,
            };
            return Err(ParamsError { line, problem });
        }
        regions.push(entry);
    }
    regions.sort_by_key(|r| r.code);
    Ok(ReimbursementParams { regions })
}

fn region(lines: &Lines<'_>, raw: RawRegion) -> Result<ReimbursementRegion, ParamsError> {
    let (code, name, periods) = region_entry(
        lines,
        (raw.code, raw.name),
        raw.periods,
        |raw: &RawPeriod| raw.effective_from.span(),
        period,
        |p: &ReimbursementPeriod| p.effective_from,
    )?;
    Ok(ReimbursementRegion {
        code,
        name,
        periods,
    })
}

fn period(lines: &Lines<'_>, raw: RawPeriod) -> Result<ReimbursementPeriod, ParamsError> {
    let from_span = raw.effective_from.span();
    let notes = match raw.notes {
        None => BTreeMap::new(),
        Some(value) => {
            let span = value.span();
            let notes = value.into_inner();
            if let Some(key) = notes.keys().find(|k| !PERIOD_KEYS.contains(&k.as_str())) {
                let problem = ParamsProblem::UnknownNoteKey { key: key.clone() };
                return Err(lines.error(span, problem));
            }
            notes
        }
    };
    let mut levels = BTreeMap::new();
    for (level, raw_amounts) in [
        (HospitalLevel::First, raw.level_1),
        (HospitalLevel::Second, raw.level_2),
        (HospitalLevel::Third, raw.level_3),
    ] {
        if let Some(raw_amounts) = raw_amounts {
            levels.insert(level, amounts(lines, raw_amounts)?);
        }
    }
    if levels.is_empty() {
        return Err(lines.error(from_span, ParamsProblem::NoHospitalLevels));
    }
    Ok(ReimbursementPeriod {
        effective_from: date(lines, "effective_from", raw.effective_from)?,
        source: non_empty(lines, "source", raw.source)?,
        levels,
        family_planning_review: raw.family_planning_review,
        notes,
    })
}

fn amounts(lines: &Lines<'_>, raw: RawAmounts) -> Result<LevelAmounts, ParamsError> {
    let fen = |key, value| ranged(lines, key, value, 0, MAX_FEN);
    let fp_span = raw.family_planning_limit_fen.span();
    let fp = raw.family_planning_limit_fen.into_inner();
    for (key, value) in [
        ("family_planning_limit_fen.iud_insertion", fp.iud_insertion),
        ("family_planning_limit_fen.iud_removal", fp.iud_removal),
        (
            "family_planning_limit_fen.tubal_ligation",
            fp.tubal_ligation,
        ),
        ("family_planning_limit_fen.vasectomy", fp.vasectomy),
    ] {
        fen(key, Spanned::new(fp_span.clone(), value))?;
    }
    Ok(LevelAmounts {
        prenatal_check_quota_fen: fen("prenatal_check_quota_fen", raw.prenatal_check_quota_fen)?,
        vaginal_limit_fen: fen("vaginal_limit_fen", raw.vaginal_limit_fen)?,
        cesarean_limit_fen: fen("cesarean_limit_fen", raw.cesarean_limit_fen)?,
        dystocia_limit_fen: fen("dystocia_limit_fen", raw.dystocia_limit_fen)?,
        miscarriage_limit_fen: fen("miscarriage_limit_fen", raw.miscarriage_limit_fen)?,
        induced_limit_fen: fen("induced_limit_fen", raw.induced_limit_fen)?,
        complication_limit_fen: fen("complication_limit_fen", raw.complication_limit_fen)?,
        family_planning_limit_fen: fp,
    })
}

//! Reading the parameter file: toml refuses unknown keys, missing keys, wrong types and
//! unknown enum values with their position; then every value is range-checked and the
//! regions and periods checked for duplicates, each with the span of the value at fault.

use std::collections::BTreeMap;
use std::ops::Range;

use chrono::NaiveDate;
use serde::Deserialize;
use toml::Spanned;

use super::{
    ContributionReading, FamilyPlanningDays, ParamsError, ParamsProblem, Payee, Period,
    RegionParams,
};
use crate::RegionCode;

/// Every key of a period, in file order: the names a note may refer to.
pub const PERIOD_KEYS: [&str; 21] = [
    "effective_from",
    "source",
    "base_days",
    "dystocia_extra_days",
    "cesarean_is_dystocia",
    "extra_days_per_additional_baby",
    "regional_extra_days",
    "miscarriage_threshold_weeks",
    "miscarriage_days_under_threshold",
    "miscarriage_days_over_threshold",
    "late_induction_birth_weeks",
    "paternity_days",
    "min_contribution_months",
    "flexible_workers_eligible",
    "payee",
    "family_planning_days",
    "contribution_reading",
    "contribution_window_months",
    "application_limit_months",
    "automatic_claims",
    "notes",
];

/// Longest leave any single parameter may grant; bounds every sum the rules compute.
const MAX_DAYS: u32 = 365;
/// Pregnancy weeks accepted anywhere (the same bound as the facts).
const MAX_WEEKS: u32 = 45;
const MAX_CONTRIBUTION_MONTHS: u32 = 120;
/// The store looks at the 24 months before the event; a cumulative window can't be longer.
pub const MAX_CONTRIBUTION_WINDOW: u32 = 24;
/// The longest application deadline accepted (10 years).
const MAX_APPLICATION_LIMIT_MONTHS: u32 = 120;

/// `contribution_reading` as written.
#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum RawReading {
    Continuous,
    Cumulative,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    regions: Vec<RawRegion>,
    /// The hospital window's maternity medical costs (optional section, added later: its
    /// absence means no region has reimbursement parameters).
    #[serde(default)]
    reimbursement: Vec<super::reimbursement::RawRegion>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRegion {
    code: Spanned<String>,
    name: Spanned<String>,
    periods: Vec<RawPeriod>,
}

// Every field is required: no `#[serde(default)]` except the optional notes.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPeriod {
    effective_from: Spanned<String>,
    source: Spanned<String>,
    base_days: Spanned<u32>,
    dystocia_extra_days: Spanned<u32>,
    cesarean_is_dystocia: bool,
    extra_days_per_additional_baby: Spanned<u32>,
    regional_extra_days: Spanned<u32>,
    miscarriage_threshold_weeks: Spanned<u32>,
    miscarriage_days_under_threshold: Spanned<u32>,
    miscarriage_days_over_threshold: Spanned<u32>,
    late_induction_birth_weeks: Spanned<u32>,
    paternity_days: Spanned<u32>,
    min_contribution_months: Spanned<u32>,
    flexible_workers_eligible: bool,
    payee: Payee,
    family_planning_days: Spanned<FamilyPlanningDays>,
    // Keys added later are optional: their absence keeps the file's earlier meaning
    // (continuous months, no application deadline). Unknown keys are still refused.
    #[serde(default)]
    contribution_reading: Option<Spanned<RawReading>>,
    #[serde(default)]
    contribution_window_months: Option<Spanned<u32>>,
    #[serde(default)]
    application_limit_months: Option<Spanned<u32>>,
    #[serde(default)]
    automatic_claims: Option<bool>,
    #[serde(default)]
    notes: Option<Spanned<BTreeMap<String, String>>>,
}

/// Turns byte spans into 1-based line numbers of one text.
pub(super) struct Lines<'a>(&'a str);

impl Lines<'_> {
    pub(super) fn of(&self, span: Range<usize>) -> usize {
        let end = span.start.min(self.0.len());
        self.0.as_bytes()[..end]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1
    }

    pub(super) fn error(&self, span: Range<usize>, problem: ParamsProblem) -> ParamsError {
        ParamsError {
            line: self.of(span),
            problem,
        }
    }
}

/// Parses and validates the whole file; regions come back sorted by code.
pub(super) fn parse(
    text: &str,
) -> Result<(Vec<RegionParams>, super::ReimbursementParams), ParamsError> {
    let lines = Lines(text);
    let raw: RawFile = toml::from_str(text).map_err(|e| ParamsError {
        line: e.span().map_or(1, |span| lines.of(span)),
        problem: ParamsProblem::Toml {
            message: e.message().to_owned(),
        },
    })?;
    if raw.regions.is_empty() {
        return Err(lines.error(0..0, ParamsProblem::NoRegions));
    }
    let mut seen: BTreeMap<RegionCode, usize> = BTreeMap::new();
    let mut regions = Vec::with_capacity(raw.regions.len());
    for raw_region in raw.regions {
        let line = lines.of(raw_region.code.span());
        let region = region(&lines, raw_region)?;
        if let Some(first_line) = seen.insert(region.code, line) {
            let problem = ParamsProblem::DuplicateRegion {
                code: region.code.to_string(),
                first_line,
            };
            return Err(ParamsError { line, problem });
        }
        regions.push(region);
    }
    regions.sort_by_key(|r| r.code);
    let reimbursement = super::reimbursement::validate(&lines, raw.reimbursement)?;
    Ok((regions, reimbursement))
}

fn region(lines: &Lines<'_>, raw: RawRegion) -> Result<RegionParams, ParamsError> {
    let (code, name, periods) = region_entry(
        lines,
        (raw.code, raw.name),
        raw.periods,
        |raw: &RawPeriod| raw.effective_from.span(),
        period,
        |p: &Period| p.effective_from,
    )?;
    Ok(RegionParams {
        code,
        name,
        periods,
    })
}

/// A region entry of any section (the allowance's, the reimbursement's): a valid code, a
/// name, at least one period and no two periods from the same date; the periods, each read
/// by `period`, in date order.
pub(super) fn region_entry<R, P>(
    lines: &Lines<'_>,
    (code, name): (Spanned<String>, Spanned<String>),
    raw_periods: Vec<R>,
    starts: impl Fn(&R) -> Range<usize>,
    period: impl Fn(&Lines<'_>, R) -> Result<P, ParamsError>,
    from: impl Fn(&P) -> NaiveDate,
) -> Result<(RegionCode, String, Vec<P>), ParamsError> {
    let code_span = code.span();
    let code = RegionCode::parse(code.get_ref()).map_err(|e| {
        let problem = ParamsProblem::InvalidRegionCode {
            value: code.get_ref().clone(),
            reason: e.message_zh(),
        };
        lines.error(code_span.clone(), problem)
    })?;
    let name = non_empty(lines, "name", name)?;
    if raw_periods.is_empty() {
        let problem = ParamsProblem::NoPeriods {
            code: code.to_string(),
        };
        return Err(lines.error(code_span, problem));
    }
    let mut seen: BTreeMap<NaiveDate, usize> = BTreeMap::new();
    let mut periods = Vec::with_capacity(raw_periods.len());
    for raw_period in raw_periods {
        let line = lines.of(starts(&raw_period));
        let p = period(lines, raw_period)?;
        if let Some(first_line) = seen.insert(from(&p), line) {
            let problem = ParamsProblem::DuplicatePeriod {
                code: code.to_string(),
                date: from(&p).to_string(),
                first_line,
            };
            return Err(ParamsError { line, problem });
        }
        periods.push(p);
    }
    periods.sort_by_key(|p| from(p));
    Ok((code, name, periods))
}

fn period(lines: &Lines<'_>, raw: RawPeriod) -> Result<Period, ParamsError> {
    let days = |key, value| ranged(lines, key, value, 0, MAX_DAYS);
    let weeks = |key, value| ranged(lines, key, value, 1, MAX_WEEKS);
    let threshold_span = raw.late_induction_birth_weeks.span();
    let contribution_reading = reading(
        lines,
        raw.contribution_reading,
        raw.contribution_window_months,
    )?;
    let application_limit_months = raw
        .application_limit_months
        .map(|value| {
            let max = MAX_APPLICATION_LIMIT_MONTHS;
            ranged(lines, "application_limit_months", value, 1, max)
        })
        .transpose()?;
    let period = Period {
        effective_from: date(lines, "effective_from", raw.effective_from)?,
        source: non_empty(lines, "source", raw.source)?,
        base_days: ranged(lines, "base_days", raw.base_days, 1, MAX_DAYS)?,
        dystocia_extra_days: days("dystocia_extra_days", raw.dystocia_extra_days)?,
        cesarean_is_dystocia: raw.cesarean_is_dystocia,
        extra_days_per_additional_baby: days(
            "extra_days_per_additional_baby",
            raw.extra_days_per_additional_baby,
        )?,
        regional_extra_days: days("regional_extra_days", raw.regional_extra_days)?,
        miscarriage_threshold_weeks: weeks(
            "miscarriage_threshold_weeks",
            raw.miscarriage_threshold_weeks,
        )?,
        miscarriage_days_under_threshold: days(
            "miscarriage_days_under_threshold",
            raw.miscarriage_days_under_threshold,
        )?,
        miscarriage_days_over_threshold: days(
            "miscarriage_days_over_threshold",
            raw.miscarriage_days_over_threshold,
        )?,
        late_induction_birth_weeks: weeks(
            "late_induction_birth_weeks",
            raw.late_induction_birth_weeks,
        )?,
        paternity_days: days("paternity_days", raw.paternity_days)?,
        min_contribution_months: ranged(
            lines,
            "min_contribution_months",
            raw.min_contribution_months,
            0,
            MAX_CONTRIBUTION_MONTHS,
        )?,
        flexible_workers_eligible: raw.flexible_workers_eligible,
        payee: raw.payee,
        family_planning_days: family_planning(lines, raw.family_planning_days)?,
        contribution_reading,
        application_limit_months,
        automatic_claims: raw.automatic_claims.unwrap_or(false),
        notes: notes(lines, raw.notes)?,
    };
    if period.late_induction_birth_weeks < period.miscarriage_threshold_weeks {
        let problem = ParamsProblem::ThresholdsOutOfOrder {
            late: period.late_induction_birth_weeks,
            threshold: period.miscarriage_threshold_weeks,
        };
        return Err(lines.error(threshold_span, problem));
    }
    Ok(period)
}

/// `contribution_reading` with its window: `cumulative` needs
/// `contribution_window_months`, `continuous` (or no reading) must not have one.
fn reading(
    lines: &Lines<'_>,
    reading: Option<Spanned<RawReading>>,
    window: Option<Spanned<u32>>,
) -> Result<ContributionReading, ParamsError> {
    let kind = reading.as_ref().map(|r| *r.get_ref());
    match (kind, window) {
        (None | Some(RawReading::Continuous), None) => Ok(ContributionReading::Continuous),
        (None | Some(RawReading::Continuous), Some(window)) => {
            Err(lines.error(window.span(), ParamsProblem::WindowWithoutCumulative))
        }
        (Some(RawReading::Cumulative), Some(window)) => {
            let max = MAX_CONTRIBUTION_WINDOW;
            let months = ranged(lines, "contribution_window_months", window, 1, max)?;
            Ok(ContributionReading::Cumulative {
                window_months: months,
            })
        }
        (Some(RawReading::Cumulative), None) => {
            let span = reading.map_or(0..0, |r| r.span());
            Err(lines.error(span, ParamsProblem::CumulativeWithoutWindow))
        }
    }
}

pub(super) fn ranged(
    lines: &Lines<'_>,
    key: &'static str,
    value: Spanned<u32>,
    min: u32,
    max: u32,
) -> Result<u32, ParamsError> {
    let number = *value.get_ref();
    if (min..=max).contains(&number) {
        return Ok(number);
    }
    let problem = ParamsProblem::OutOfRange {
        key,
        value: number,
        min,
        max,
    };
    Err(lines.error(value.span(), problem))
}

fn family_planning(
    lines: &Lines<'_>,
    value: Spanned<FamilyPlanningDays>,
) -> Result<FamilyPlanningDays, ParamsError> {
    let span = value.span();
    let days = value.into_inner();
    let each = [
        ("family_planning_days.iud_insertion", days.iud_insertion),
        ("family_planning_days.iud_removal", days.iud_removal),
        ("family_planning_days.tubal_ligation", days.tubal_ligation),
        ("family_planning_days.vasectomy", days.vasectomy),
    ];
    for (key, number) in each {
        ranged(lines, key, Spanned::new(span.clone(), number), 0, MAX_DAYS)?;
    }
    Ok(days)
}

pub(super) fn date(
    lines: &Lines<'_>,
    key: &'static str,
    value: Spanned<String>,
) -> Result<NaiveDate, ParamsError> {
    let text = value.get_ref();
    // chrono alone would accept "2021-1-5"; the contract's dates are always 10 characters.
    let parsed = (text.len() == 10)
        .then(|| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok())
        .flatten();
    parsed.ok_or_else(|| {
        let problem = ParamsProblem::InvalidDate {
            key,
            value: text.clone(),
        };
        lines.error(value.span(), problem)
    })
}

pub(super) fn non_empty(
    lines: &Lines<'_>,
    key: &'static str,
    value: Spanned<String>,
) -> Result<String, ParamsError> {
    if value.get_ref().trim().is_empty() {
        return Err(lines.error(value.span(), ParamsProblem::EmptyText { key }));
    }
    Ok(value.into_inner())
}

fn notes(
    lines: &Lines<'_>,
    value: Option<Spanned<BTreeMap<String, String>>>,
) -> Result<BTreeMap<String, String>, ParamsError> {
    let Some(value) = value else {
        return Ok(BTreeMap::new());
    };
    let span = value.span();
    let notes = value.into_inner();
    if let Some(key) = notes.keys().find(|k| !PERIOD_KEYS.contains(&k.as_str())) {
        let problem = ParamsProblem::UnknownNoteKey { key: key.clone() };
        return Err(lines.error(span, problem));
    }
    Ok(notes)
}

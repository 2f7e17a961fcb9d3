//! The maternity-allowance parameter file (contract.md, "Parameter file (TOML)"): regions,
//! each with dated periods, each period with every parameter and its legal source.
//!
//! Choosing the parameters for an event (domain.md, "Rules and parameters"): the most
//! specific region entry (the exact code, else its city `XXXX00`, else its province
//! `XX0000`) that has a period in force on the event date, and in it the period with the
//! latest `effective_from` on or before that date. A period stays in force until the next
//! one of the same entry starts; there are no end dates, so periods can't overlap or leave
//! gaps.

mod error;
mod load;
mod reimbursement;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::RegionCode;

pub use error::{ParamsError, ParamsProblem};
pub use reimbursement::{
    FamilyPlanningLimits, LevelAmounts, ReimbursementParams, ReimbursementPeriod,
    ReimbursementRegion,
};

/// The parameter file shipped with this build, compiled in so the binary needs no data
/// directory; `--params FILE` (or the config file) replaces it.
pub const SHIPPED_MATERNITY_TOML: &str = include_str!("../../../../data/params/maternity.toml");

/// Who receives the allowance (a dated parameter: the seeds pay the employer, many
/// provinces now pay the insured person directly).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Payee {
    Employer,
    InsuredPerson,
}

impl Payee {
    pub fn as_str(self) -> &'static str {
        match self {
            Payee::Employer => "employer",
            Payee::InsuredPerson => "insured_person",
        }
    }

    pub fn parse(text: &str) -> Option<Payee> {
        [Payee::Employer, Payee::InsuredPerson]
            .into_iter()
            .find(|p| p.as_str() == text)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Payee::Employer => "参保单位",
            Payee::InsuredPerson => "参保人本人",
        }
    }
}

/// How "contributed at least N months" (参保缴费满N个月) is read: the seeds do not say,
/// bureaus differ, so it is a dated parameter (`contribution_reading`). A file without the
/// key keeps the platform's original reading, [`ContributionReading::Continuous`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "reading", rename_all = "snake_case")]
pub enum ContributionReading {
    /// Unbroken paid months just before the event month (连续缴费).
    Continuous,
    /// Paid months, gaps allowed, among the `window_months` months before the event month
    /// (累计缴费).
    Cumulative { window_months: u32 },
}

impl ContributionReading {
    /// The parameter's value as written in the file.
    pub fn as_str(self) -> &'static str {
        match self {
            ContributionReading::Continuous => "continuous",
            ContributionReading::Cumulative { .. } => "cumulative",
        }
    }

    /// "连续缴费" / "事件前24个月内累计缴费": the reading in words, for citizens.
    pub fn words_zh(self) -> String {
        match self {
            ContributionReading::Continuous => "生育当月之前连续缴费".to_owned(),
            ContributionReading::Cumulative { window_months } => {
                format!("生育当月之前{window_months}个月内累计缴费")
            }
        }
    }
}

/// Days of leave for each family-planning operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FamilyPlanningDays {
    pub iud_insertion: u32,
    pub iud_removal: u32,
    pub tubal_ligation: u32,
    pub vasectomy: u32,
}

/// One period of one region's rules: every parameter, in force from `effective_from`
/// until the entry's next period starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Period {
    pub effective_from: NaiveDate,
    /// The legal text the values come from; shown in every explanation.
    pub source: String,
    pub base_days: u32,
    pub dystocia_extra_days: u32,
    pub cesarean_is_dystocia: bool,
    pub extra_days_per_additional_baby: u32,
    pub regional_extra_days: u32,
    pub miscarriage_threshold_weeks: u32,
    pub miscarriage_days_under_threshold: u32,
    pub miscarriage_days_over_threshold: u32,
    pub late_induction_birth_weeks: u32,
    pub paternity_days: u32,
    pub min_contribution_months: u32,
    pub flexible_workers_eligible: bool,
    pub payee: Payee,
    pub family_planning_days: FamilyPlanningDays,
    /// How contribution months are counted (optional key; absent = continuous).
    pub contribution_reading: ContributionReading,
    /// Months after the event within which a claim must be filed (optional key
    /// `application_limit_months`; absent = no deadline, as in the seeds).
    pub application_limit_months: Option<u32>,
    /// 免申即享: the platform opens and decides the claim itself for every pushed birth
    /// whose facts are complete (optional key `automatic_claims`; absent = off: claims are
    /// filed, as before the key existed).
    pub automatic_claims: bool,
    /// Optional per-value source notes (`[regions.periods.notes]`), keyed by parameter
    /// name; not used by the rules, printed by `onething params show`.
    pub notes: BTreeMap<String, String>,
}

/// One `[[regions]]` entry: a province, city or county and its periods, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegionParams {
    pub code: RegionCode,
    pub name: String,
    pub periods: Vec<Period>,
}

/// A validated parameter file. Entries are sorted by code and each entry's periods by
/// date, with no duplicates of either, so a lookup is two binary searches per level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MaternityParams {
    regions: Vec<RegionParams>,
    /// The hospital window's maternity medical costs (`[[reimbursement]]`, seed 002 RB-3).
    reimbursement: ReimbursementParams,
}

/// The entry and period that decide an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Selected<'a> {
    pub region: &'a RegionParams,
    pub period: &'a Period,
}

/// Why no parameters apply to an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LookupError {
    /// No entry for the code, its city or its province.
    #[error("no parameters for the region, its city or its province")]
    UnknownRegion,
    /// Entries exist, but none has a period in force on the event date.
    #[error("no parameters in force on the event date")]
    NoRulesForDate,
}

impl MaternityParams {
    /// Parses and validates a parameter file; the error names the line at fault.
    pub fn from_toml(text: &str) -> Result<MaternityParams, ParamsError> {
        load::parse(text).map(|(regions, reimbursement)| MaternityParams {
            regions,
            reimbursement,
        })
    }

    /// The parameters shipped with this build.
    ///
    /// # Panics
    /// If the shipped file is invalid. It is compiled in and the test suite loads it, so
    /// this can only fail in a build whose tests were not run.
    pub fn shipped() -> MaternityParams {
        match MaternityParams::from_toml(SHIPPED_MATERNITY_TOML) {
            Ok(params) => params,
            Err(e) => panic!("the shipped maternity parameters are invalid: {e}"),
        }
    }

    /// The reimbursement section (`[[reimbursement]]`).
    pub fn reimbursement(&self) -> &ReimbursementParams {
        &self.reimbursement
    }

    /// Every entry, sorted by region code.
    pub fn regions(&self) -> &[RegionParams] {
        &self.regions
    }

    /// The entry for exactly this code, if the file has one.
    pub fn region(&self, code: RegionCode) -> Option<&RegionParams> {
        self.regions
            .binary_search_by_key(&code, |r| r.code)
            .ok()
            .map(|i| &self.regions[i])
    }

    /// The parameters deciding an event in `region` on `date` (see the module doc).
    pub fn lookup(&self, region: RegionCode, date: NaiveDate) -> Result<Selected<'_>, LookupError> {
        let mut any_entry = false;
        // Built by hand rather than with `ancestors_or_self` to keep the hot path free of
        // allocation; duplicates (a city is its own city) only cost a repeated search.
        for code in [region, region.city(), region.province()] {
            let Some(entry) = self.region(code) else {
                continue;
            };
            any_entry = true;
            if let Some(period) = entry.period_on(date) {
                return Ok(Selected {
                    region: entry,
                    period,
                });
            }
        }
        Err(if any_entry {
            LookupError::NoRulesForDate
        } else {
            LookupError::UnknownRegion
        })
    }
}

/// A region's application limit for one event (`application_limit_months`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApplicationLimit {
    pub months: u32,
    /// The last day a claim may be filed.
    pub deadline: NaiveDate,
}

impl ApplicationLimit {
    /// A claim filed on `today` is too late.
    pub fn is_past(&self, today: NaiveDate) -> bool {
        today > self.deadline
    }
}

impl MaternityParams {
    /// The application limit for an event in `region` on `event_date`, if the parameters in
    /// force on that date set one (none, too, when no parameters apply: the rules then say
    /// `UNKNOWN_REGION` or `NO_RULES_FOR_DATE` on the claim itself).
    pub fn application_limit(
        &self,
        region: RegionCode,
        event_date: NaiveDate,
    ) -> Option<ApplicationLimit> {
        let period = self.lookup(region, event_date).ok()?.period;
        Some(ApplicationLimit {
            months: period.application_limit_months?,
            deadline: period.application_deadline(event_date)?,
        })
    }
}

impl MaternityParams {
    /// Whether the parameters in force for an event in `region` on `event_date` decide its
    /// claim without an application (免申即享, `automatic_claims`). Off where no
    /// parameters apply.
    pub fn automatic_claims(&self, region: RegionCode, event_date: NaiveDate) -> bool {
        self.lookup(region, event_date)
            .is_ok_and(|s| s.period.automatic_claims)
    }

    /// Whether any period of any region turns 免申即享 on (else a run has nothing to do).
    pub fn any_automatic_claims(&self) -> bool {
        self.regions
            .iter()
            .any(|r| r.periods.iter().any(|p| p.automatic_claims))
    }
}

impl Period {
    /// The last day a claim for an event on `event_date` may be filed, if the period sets
    /// an application deadline: the same day `application_limit_months` later (the month's
    /// last day where that month is shorter). `None` = no deadline.
    pub fn application_deadline(&self, event_date: NaiveDate) -> Option<NaiveDate> {
        let months = self.application_limit_months?;
        event_date.checked_add_months(chrono::Months::new(months))
    }
}

impl RegionParams {
    /// The period in force on `date`: the latest that starts on or before it.
    pub fn period_on(&self, date: NaiveDate) -> Option<&Period> {
        let after = self.periods.partition_point(|p| p.effective_from <= date);
        after.checked_sub(1).map(|i| &self.periods[i])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn shipped_file_is_valid() {
        let params = MaternityParams::shipped();
        assert!(
            params
                .region(RegionCode::new(500000).expect("code"))
                .is_some()
        );
        assert!(
            params
                .region(RegionCode::new(420000).expect("code"))
                .is_some()
        );
    }

    #[test]
    fn county_falls_back_to_province() {
        let params = MaternityParams::shipped();
        let liangping = RegionCode::new(500228).expect("code");
        let chosen = params.lookup(liangping, date("2024-03-05")).expect("rules");
        assert_eq!(chosen.region.code.as_u32(), 500000);
        assert_eq!(
            params.lookup(liangping, date("2000-01-01")),
            Err(LookupError::NoRulesForDate)
        );
        let beijing = RegionCode::new(110105).expect("code");
        assert_eq!(
            params.lookup(beijing, date("2024-03-05")),
            Err(LookupError::UnknownRegion)
        );
    }
}

//! The supervision periods the seeds leave open (how long a case can be rated, when a
//! rectification and a complaint answer are due): dated, regional, each with its source
//! (`data/params/supervision.toml`, compiled in). Chosen like the maternity parameters:
//! the most specific region entry with a period in force on the date, then that entry's
//! latest period on or before it.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::RegionCode;

/// The file shipped with this build.
pub const SHIPPED_SUPERVISION_TOML: &str = include_str!("../../../../data/params/supervision.toml");

/// One dated period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SupervisionPeriod {
    /// GB/T 2260 code the period applies to (and its sub-regions); none = everywhere.
    #[serde(default)]
    pub region: Option<String>,
    pub effective_from: NaiveDate,
    pub source: String,
    pub rating_window_working_days: u32,
    pub rectification_working_days: u32,
    pub complaint_response_working_days: u32,
    /// An open item due within this many working days is near due (临期, SV-3).
    pub near_due_working_days: u32,
    /// A visitor this old or older (full years on the day) is served first at the window
    /// (SV-4). Seed 004 names the elderly but no age, so the age has its own source.
    pub elderly_age: u32,
    pub elderly_age_source: String,
}

/// The whole file.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SupervisionParams {
    pub periods: Vec<SupervisionPeriod>,
}

/// Why a parameter file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SupervisionParamsError {
    #[error("supervision parameters: {0}")]
    Syntax(String),
    #[error("supervision parameters: region {0:?} is not a GB/T 2260 code")]
    Region(String),
    #[error("supervision parameters: a period needs a source (and one for its elderly age)")]
    NoSource,
    #[error("supervision parameters: no period without a region (the fallback everywhere)")]
    NoFallback,
}

impl SupervisionParams {
    /// The shipped file (checked by a test, so this never fails in a release).
    pub fn shipped() -> SupervisionParams {
        Self::from_toml(SHIPPED_SUPERVISION_TOML).expect("shipped supervision parameters")
    }

    pub fn from_toml(text: &str) -> Result<SupervisionParams, SupervisionParamsError> {
        let params: SupervisionParams =
            toml::from_str(text).map_err(|e| SupervisionParamsError::Syntax(e.to_string()))?;
        for p in &params.periods {
            if let Some(code) = &p.region {
                RegionCode::parse(code)
                    .map_err(|_| SupervisionParamsError::Region(code.clone()))?;
            }
            if p.source.trim().is_empty() || p.elderly_age_source.trim().is_empty() {
                return Err(SupervisionParamsError::NoSource);
            }
        }
        if !params.periods.iter().any(|p| p.region.is_none()) {
            return Err(SupervisionParamsError::NoFallback);
        }
        Ok(params)
    }

    /// The period in force in `region` (none: everywhere) on `on`; `None` only before the
    /// earliest fallback period.
    pub fn in_force(
        &self,
        region: Option<RegionCode>,
        on: NaiveDate,
    ) -> Option<&SupervisionPeriod> {
        let mut chain: Vec<Option<String>> = region
            .map(|r| {
                r.ancestors_or_self()
                    .into_iter()
                    .map(|c| Some(c.to_string()))
                    .collect()
            })
            .unwrap_or_default();
        chain.push(None);
        chain.iter().find_map(|entry| {
            self.periods
                .iter()
                .filter(|p| &p.region == entry && p.effective_from <= on)
                .max_by_key(|p| p.effective_from)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    #[test]
    fn the_shipped_file_loads_and_the_most_specific_period_wins() {
        let p = SupervisionParams::shipped();
        let qianjiang = RegionCode::parse("500114").ok();
        let here = p.in_force(qianjiang, day("2021-05-01")).expect("period");
        assert_eq!(here.rectification_working_days, 10);
        // Before the district's own period starts, the fallback applies.
        let before = p.in_force(qianjiang, day("2021-03-01")).expect("period");
        assert_eq!(before.rectification_working_days, 15);
        assert_eq!(here.elderly_age, 60);
        assert!(here.elderly_age_source.contains("老年人权益保障法"));
        let elsewhere = p.in_force(RegionCode::parse("450202").ok(), day("2025-01-01"));
        assert_eq!(elsewhere.map(|p| p.region.clone()), Some(None));
        assert!(p.in_force(None, day("2020-01-01")).is_none());
    }

    #[test]
    fn a_file_without_fallback_or_source_is_refused() {
        let no_fallback = "[[periods]]\nregion = \"500114\"\neffective_from = \"2021-01-01\"\nsource = \"x\"\nrating_window_working_days = 1\nrectification_working_days = 1\ncomplaint_response_working_days = 1\nnear_due_working_days = 1\nelderly_age = 60\nelderly_age_source = \"y\"\n";
        assert_eq!(
            SupervisionParams::from_toml(no_fallback),
            Err(SupervisionParamsError::NoFallback)
        );
        let no_source = no_fallback
            .replace("region = \"500114\"\n", "")
            .replace("\"x\"", "\" \"");
        assert_eq!(
            SupervisionParams::from_toml(&no_source),
            Err(SupervisionParamsError::NoSource)
        );
        assert!(matches!(
            SupervisionParams::from_toml("[[periods]]\nunknown = 1\n"),
            Err(SupervisionParamsError::Syntax(_))
        ));
    }
}

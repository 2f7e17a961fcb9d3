//! A synthetic province: the city generator ([`crate::city`]) spread over several counties
//! of 重庆市, at any size, with repeated and spoiled records at set rates, plus a JSON
//! Lines file of maternity-allowance rule cases ([`crate::cases`]) over the regions the
//! shipped parameters cover (重庆 and 湖北). Written for the benchmarks (`onething gen
//! --scale province`, `scripts/bench`).

use std::io;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use onething_domain::RegionCode;

use crate::cases::{CaseParams, write_cases};
use crate::city::{CityParams, Summary, write_city};

/// The province's counties (GB/T 2260, 重庆市): the first is the city generator's default.
pub const COUNTIES: [u32; 5] = [500228, 500101, 500103, 500105, 500114];
/// Where rule cases come from: the province's counties and two of 湖北省, so both shipped
/// parameter sets are exercised.
pub const CASE_REGIONS: [u32; 7] = [500228, 500101, 500103, 500105, 500114, 420281, 420100];
/// The rule cases' file name in the output directory.
pub const CASES_FILE: &str = "maternity-cases.jsonl";

/// What province to generate.
#[derive(Debug, Clone)]
pub struct ProvinceParams {
    pub seed: u64,
    /// Insured employees (spouses and newborns come on top).
    pub people: usize,
    /// Employers; one per 25 employees when `None`.
    pub employers: Option<usize>,
    pub today: NaiveDate,
    /// Months of contributions per employee, ending the month before `today`.
    pub contribution_months: u32,
    /// Rule cases to write (0: none).
    pub cases: u64,
    pub bad_record_rate: f64,
    pub duplicate_rate: f64,
}

impl ProvinceParams {
    /// One million people, one million rule cases, 12 months of contributions, 0.1% of
    /// records spoiled and 0.1% repeated.
    pub fn new(seed: u64, today: NaiveDate) -> Self {
        ProvinceParams {
            seed,
            people: 1_000_000,
            employers: None,
            today,
            contribution_months: 12,
            cases: 1_000_000,
            bad_record_rate: 0.001,
            duplicate_rate: 0.001,
        }
    }

    fn city(&self) -> CityParams {
        let employers = self.employers.unwrap_or(self.people / 25 + 1);
        let mut city = CityParams::new(self.seed, employers, self.people, self.today);
        city.region = county(COUNTIES[0]);
        city.more_counties = COUNTIES[1..].iter().map(|c| county(*c)).collect();
        city.contribution_months = self.contribution_months;
        city.bad_record_rate = self.bad_record_rate;
        city.duplicate_rate = self.duplicate_rate;
        city
    }
}

fn county(code: u32) -> RegionCode {
    RegionCode::new(code).expect("the province's counties are valid GB/T 2260 codes")
}

/// What [`write_province`] wrote.
#[derive(Debug, Clone)]
pub struct ProvinceSummary {
    pub datasets: Summary,
    pub cases: u64,
    pub cases_path: PathBuf,
}

/// Writes the eight datasets' CSV files and the rule cases into `dir`.
pub fn write_province(dir: &Path, params: &ProvinceParams) -> io::Result<ProvinceSummary> {
    let datasets = write_city(dir, params.city())?;
    let cases_path = dir.join(CASES_FILE);
    let cases = write_cases(
        &cases_path,
        &CaseParams {
            seed: params.seed,
            count: params.cases,
            today: params.today,
            regions: CASE_REGIONS.iter().map(|c| county(*c)).collect(),
        },
    )?;
    Ok(ProvinceSummary {
        datasets,
        cases,
        cases_path,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::city::Dataset;
    use crate::date;

    #[test]
    fn a_small_province_spreads_over_its_counties_with_repeats_and_cases() {
        let dir = tempfile::tempdir().expect("dir");
        let mut params = ProvinceParams::new(11, date(2026, 11, 23));
        params.people = 2_000;
        params.cases = 500;
        params.duplicate_rate = 0.01;
        let summary = write_province(dir.path(), &params).expect("write");
        assert_eq!(summary.cases, 500);
        assert!(summary.datasets.duplicated() > 0);
        let households = summary
            .datasets
            .file(Dataset::HouseholdRegistrations)
            .expect("households");
        let text = std::fs::read_to_string(&households.path).expect("read");
        for code in COUNTIES {
            assert!(
                text.contains(&format!(",CHN,{code},")),
                "no household in {code}"
            );
        }
        let cases = std::fs::read_to_string(&summary.cases_path).expect("cases");
        assert_eq!(cases.lines().count(), 500);
        assert!(cases.contains("\"region\":\"420281\""));
    }
}

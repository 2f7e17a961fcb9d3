//! A synthetic city's department data: one CSV file per dataset of the contract's
//! "Department pushes" table, with exactly its field names and formats, generated
//! deterministically from a seed, so that `onething push`, the demo and the benchmarks
//! have realistic input.
//!
//! What a city holds: employers (valid credit codes) with their previous years' wages;
//! insured employees with their household registration, employment status, employee-scheme
//! enrollment and monthly contributions over the last months (with some gaps); spouses and
//! marriages; births (birth certificates, twins ~1.5%), deliveries (cesarean ~40% of births,
//! some miscarriages, inductions and family-planning surgeries) and the newborns' household
//! registrations; some people on unemployment benefit, in flexible employment or retired.
//!
//! Every name carries 演示 and every id is drawn at random: nothing here is a real person.
//! All dates are on or before [`CityParams::today`] (a parameter, never the clock), and
//! births and deliveries fall from 2024 on, inside the published holiday calendar.
//!
//! Records are written as they are generated, so a city of any size takes constant memory
//! apart from the set of ids issued (kept to guarantee unique keys).

mod people;
mod sink;

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use onething_domain::RegionCode;

use sink::Corruption;

/// What city to generate.
#[derive(Debug, Clone)]
pub struct CityParams {
    pub seed: u64,
    /// Number of employers.
    pub employers: usize,
    /// Number of insured employees (their spouses and children come on top).
    pub people: usize,
    /// The reference date: nothing happens after it. The demo uses 2026-11-23.
    pub today: NaiveDate,
    /// The county the city's people and employers are registered in.
    pub region: RegionCode,
    /// More counties for a province: employers are spread over `region` and these in
    /// turn, and each employee lives in her employer's county. Empty for a city.
    pub more_counties: Vec<RegionCode>,
    /// How many months of contributions, ending with the month before `today`.
    pub contribution_months: u32,
    /// Share of records (0–1) spoiled on purpose (bad checksum, unknown enum value), to
    /// exercise per-record errors. The good records are the same whatever the rate.
    pub bad_record_rate: f64,
    /// Share of records (0–1) written twice in a row, as a department re-sending a
    /// record does: the platform must count the second as a duplicate.
    pub duplicate_rate: f64,
}

impl CityParams {
    /// A city in 梁平区 (500228) with 24 months of contributions and no bad records.
    pub fn new(seed: u64, employers: usize, people: usize, today: NaiveDate) -> Self {
        CityParams {
            seed,
            employers,
            people,
            today,
            region: RegionCode::new(500228).expect("50 is a province of GB/T 2260"),
            contribution_months: 24,
            bad_record_rate: 0.0,
            duplicate_rate: 0.0,
            more_counties: Vec::new(),
        }
    }

    /// The county of the `n`th employer: `region`, then `more_counties`, in turn.
    pub fn county(&self, n: usize) -> RegionCode {
        let all = 1 + self.more_counties.len();
        match n % all {
            0 => self.region,
            i => self.more_counties[i - 1],
        }
    }
}

/// The eight datasets of the contract, in the order their files are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dataset {
    BirthCertificates,
    EmployerWages,
    DeliveryRecords,
    Marriages,
    EmploymentStatus,
    HouseholdRegistrations,
    InsuranceEnrollments,
    Contributions,
}

impl Dataset {
    pub const ALL: [Dataset; 8] = [
        Dataset::BirthCertificates,
        Dataset::EmployerWages,
        Dataset::DeliveryRecords,
        Dataset::Marriages,
        Dataset::EmploymentStatus,
        Dataset::HouseholdRegistrations,
        Dataset::InsuranceEnrollments,
        Dataset::Contributions,
    ];

    /// The dataset's name in the push URL (`/api/v1/exchange/{name}`).
    pub fn name(self) -> &'static str {
        match self {
            Dataset::BirthCertificates => "birth-certificates",
            Dataset::EmployerWages => "employer-wages",
            Dataset::DeliveryRecords => "delivery-records",
            Dataset::Marriages => "marriages",
            Dataset::EmploymentStatus => "employment-status",
            Dataset::HouseholdRegistrations => "household-registrations",
            Dataset::InsuranceEnrollments => "insurance-enrollments",
            Dataset::Contributions => "contributions",
        }
    }

    /// The department kind that pushes it (contributions may also come from tax).
    pub fn department_kind(self) -> &'static str {
        match self {
            Dataset::BirthCertificates => "health",
            Dataset::EmployerWages => "tax",
            Dataset::DeliveryRecords => "hospital",
            Dataset::Marriages => "civil_affairs",
            Dataset::EmploymentStatus => "hr",
            Dataset::HouseholdRegistrations => "public_security",
            Dataset::InsuranceEnrollments | Dataset::Contributions => "medical_insurance",
        }
    }

    /// `contributions.csv` and so on.
    pub fn file_name(self) -> String {
        format!("{}.csv", self.name())
    }

    /// The CSV header: the contract's field names, in the contract's order.
    pub fn fields(self) -> &'static [&'static str] {
        match self {
            Dataset::BirthCertificates => &[
                "certificate_no",
                "child_name",
                "child_sex",
                "birth_time",
                "gestational_weeks",
                "weight_g",
                "length_cm",
                "birth_region",
                "institution_code",
                "institution_name",
                "mother_name",
                "mother_id",
                "father_name",
                "father_id",
                "issued_on",
            ],
            Dataset::EmployerWages => &[
                "employer_uscc",
                "year",
                "avg_monthly_wage_fen",
                "avg_monthly_base_fen",
            ],
            Dataset::DeliveryRecords => &[
                "record_id",
                "institution_code",
                "person_id",
                "admitted_on",
                "discharged_on",
                "event_date",
                "event_type",
                "babies",
                "pregnancy_weeks",
                "settled_in_network",
                "total_cost_fen",
                "fund_paid_fen",
            ],
            Dataset::Marriages => &[
                "certificate_no",
                "husband_id",
                "wife_id",
                "registered_on",
                "status",
            ],
            Dataset::EmploymentStatus => {
                &["person_id", "status", "employer_uscc", "effective_from"]
            }
            Dataset::HouseholdRegistrations => &[
                "person_id",
                "name",
                "sex",
                "ethnicity",
                "nationality",
                "region_code",
                "address",
            ],
            Dataset::InsuranceEnrollments => &[
                "person_id",
                "scheme",
                "employer_uscc",
                "status",
                "region_code",
                "effective_from",
            ],
            Dataset::Contributions => &["person_id", "employer_uscc", "month", "base_fen", "paid"],
        }
    }

    /// Columns that can be spoiled, and how, for `bad_record_rate`.
    fn corruptible(self) -> &'static [(usize, Corruption)] {
        use Corruption::{Checksum, Enum};
        match self {
            Dataset::BirthCertificates => &[(11, Checksum), (2, Enum)],
            Dataset::EmployerWages => &[(0, Checksum)],
            Dataset::DeliveryRecords => &[(2, Checksum), (6, Enum)],
            Dataset::Marriages => &[(1, Checksum), (2, Checksum), (4, Enum)],
            Dataset::EmploymentStatus => &[(0, Checksum), (1, Enum)],
            Dataset::HouseholdRegistrations => &[(0, Checksum), (2, Enum)],
            Dataset::InsuranceEnrollments => &[(0, Checksum), (1, Enum), (3, Enum)],
            Dataset::Contributions => &[(0, Checksum), (1, Checksum)],
        }
    }

    pub fn parse(name: &str) -> Option<Dataset> {
        Dataset::ALL.into_iter().find(|d| d.name() == name)
    }
}

impl fmt::Display for Dataset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One file written.
#[derive(Debug, Clone)]
pub struct DatasetSummary {
    pub dataset: Dataset,
    pub path: PathBuf,
    /// Data rows (the header not counted).
    pub records: u64,
    /// Rows spoiled on purpose.
    pub corrupted: u64,
    /// Rows written a second time (counted in `records` too).
    pub duplicated: u64,
}

/// What [`write_city`] wrote.
#[derive(Debug, Clone)]
pub struct Summary {
    pub files: Vec<DatasetSummary>,
}

impl Summary {
    pub fn file(&self, dataset: Dataset) -> Option<&DatasetSummary> {
        self.files.iter().find(|f| f.dataset == dataset)
    }

    pub fn records(&self) -> u64 {
        self.files.iter().map(|f| f.records).sum()
    }

    pub fn corrupted(&self) -> u64 {
        self.files.iter().map(|f| f.corrupted).sum()
    }

    pub fn duplicated(&self) -> u64 {
        self.files.iter().map(|f| f.duplicated).sum()
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for file in &self.files {
            writeln!(
                f,
                "{:<24} {:>9} records  {:>6} spoiled  {:>6} repeated  {}",
                file.dataset.name(),
                file.records,
                file.corrupted,
                file.duplicated,
                file.path.display()
            )?;
        }
        Ok(())
    }
}

/// Writes one CSV per dataset into `dir` (created if needed), e.g. `dir/contributions.csv`.
pub fn write_city(dir: &Path, params: CityParams) -> io::Result<Summary> {
    let sink = sink::Sink::create(dir, &params)?;
    let files = people::generate(&params, sink)?;
    Ok(Summary { files })
}

#[cfg(test)]
mod tests;

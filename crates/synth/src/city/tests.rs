use std::collections::{HashMap, HashSet};
use std::path::Path;

use chrono::NaiveDate;
use onething_domain::{BirthCertificateNo, CitizenId, RegionCode, Uscc, YearMonth};

use super::*;

const TODAY: NaiveDate = crate::date(2026, 11, 23);

fn city(dir: &Path, seed: u64, people: usize, bad: f64) -> Summary {
    let mut params = CityParams::new(seed, 20, people, TODAY);
    params.bad_record_rate = bad;
    write_city(dir, params).expect("city written")
}

/// Rows of a file as maps field → cell (generated cells never need CSV quoting).
fn rows(dir: &Path, dataset: Dataset) -> Vec<HashMap<String, String>> {
    let text = std::fs::read_to_string(dir.join(dataset.file_name())).expect("file");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    assert_eq!(header, dataset.fields(), "{dataset} header");
    lines
        .map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            assert_eq!(cells.len(), header.len(), "{dataset}: {line}");
            header
                .iter()
                .zip(cells)
                .map(|(h, c)| ((*h).to_owned(), c.to_owned()))
                .collect()
        })
        .collect()
}

fn date(cell: &str) -> NaiveDate {
    cell.parse().expect("YYYY-MM-DD")
}

#[test]
fn same_seed_same_files_other_seed_other_files() {
    let (a, b, c) = (tempdir(), tempdir(), tempdir());
    city(a.path(), 7, 150, 0.0);
    city(b.path(), 7, 150, 0.0);
    city(c.path(), 8, 150, 0.0);
    for dataset in Dataset::ALL {
        let read = |d: &Path| std::fs::read(d.join(dataset.file_name())).expect("file");
        assert_eq!(read(a.path()), read(b.path()), "{dataset}");
    }
    let contributions = Dataset::Contributions.file_name();
    assert_ne!(
        std::fs::read(a.path().join(&contributions)).expect("a"),
        std::fs::read(c.path().join(&contributions)).expect("c")
    );
}

#[test]
fn every_dataset_has_records_with_valid_ids_and_unique_keys() {
    let dir = tempdir();
    let summary = city(dir.path(), 11, 400, 0.0);
    for dataset in Dataset::ALL {
        let file = summary.file(dataset).expect("summary");
        assert!(file.records > 0, "{dataset} is empty");
        assert_eq!(rows(dir.path(), dataset).len() as u64, file.records);
    }
    assert_eq!(summary.corrupted(), 0);
    let ids = [
        (Dataset::Contributions, "person_id"),
        (Dataset::HouseholdRegistrations, "person_id"),
        (Dataset::InsuranceEnrollments, "person_id"),
        (Dataset::EmploymentStatus, "person_id"),
        (Dataset::DeliveryRecords, "person_id"),
        (Dataset::BirthCertificates, "mother_id"),
        (Dataset::Marriages, "husband_id"),
        (Dataset::Marriages, "wife_id"),
    ];
    for (dataset, field) in ids {
        for row in rows(dir.path(), dataset) {
            CitizenId::parse(&row[field]).expect("citizen id");
        }
    }
    for row in rows(dir.path(), Dataset::EmployerWages) {
        Uscc::parse(&row["employer_uscc"]).expect("uscc");
    }
    for row in rows(dir.path(), Dataset::BirthCertificates) {
        BirthCertificateNo::parse(&row["certificate_no"]).expect("certificate");
        RegionCode::parse(&row["birth_region"]).expect("region");
    }
    assert_unique(dir.path(), Dataset::Contributions, &["person_id", "month"]);
    assert_unique(dir.path(), Dataset::HouseholdRegistrations, &["person_id"]);
    assert_unique(dir.path(), Dataset::BirthCertificates, &["certificate_no"]);
    assert_unique(dir.path(), Dataset::DeliveryRecords, &["record_id"]);
    assert_unique(dir.path(), Dataset::Marriages, &["certificate_no"]);
    assert_unique(
        dir.path(),
        Dataset::EmployerWages,
        &["employer_uscc", "year"],
    );
    let enrollment_key = ["person_id", "scheme", "effective_from"];
    assert_unique(dir.path(), Dataset::InsuranceEnrollments, &enrollment_key);
    assert_unique(
        dir.path(),
        Dataset::EmploymentStatus,
        &["person_id", "effective_from"],
    );
}

fn assert_unique(dir: &Path, dataset: Dataset, key: &[&str]) {
    let mut seen = HashSet::new();
    for row in rows(dir, dataset) {
        let k: Vec<String> = key.iter().map(|f| row[*f].clone()).collect();
        assert!(seen.insert(k.clone()), "{dataset}: duplicate key {k:?}");
    }
}

#[test]
fn events_fall_from_2024_to_today_and_months_end_last_month() {
    let dir = tempdir();
    city(dir.path(), 3, 400, 0.0);
    for row in rows(dir.path(), Dataset::DeliveryRecords) {
        let on = date(&row["event_date"]);
        assert!(on >= crate::date(2024, 1, 1) && on <= TODAY, "{on}");
        assert!(date(&row["admitted_on"]) <= on);
        assert!(date(&row["discharged_on"]) >= on && date(&row["discharged_on"]) <= TODAY);
    }
    for row in rows(dir.path(), Dataset::BirthCertificates) {
        assert!(
            row["birth_time"].ends_with("+08:00"),
            "{}",
            row["birth_time"]
        );
        assert!(date(&row["issued_on"]) <= TODAY);
    }
    let months: Vec<YearMonth> = rows(dir.path(), Dataset::Contributions)
        .iter()
        .map(|r| YearMonth::parse(&r["month"]).expect("month"))
        .collect();
    let last = months.iter().max().expect("months");
    let first = months.iter().min().expect("months");
    assert_eq!(last.to_string(), "2026-10");
    assert_eq!(first.to_string(), "2024-11");
}

#[test]
fn shares_of_outcomes_are_realistic() {
    let dir = tempdir();
    city(dir.path(), 5, 4000, 0.0);
    let deliveries = rows(dir.path(), Dataset::DeliveryRecords);
    let births: Vec<_> = deliveries
        .iter()
        .filter(|r| ["vaginal", "cesarean", "dystocia"].contains(&r["event_type"].as_str()))
        .collect();
    let cesarean = births
        .iter()
        .filter(|r| r["event_type"] == "cesarean")
        .count();
    let share = cesarean as f64 / births.len() as f64;
    assert!((0.33..0.47).contains(&share), "cesarean share {share}");
    assert!(deliveries.iter().any(|r| r["event_type"] == "miscarriage"));
    let statuses: HashSet<String> = rows(dir.path(), Dataset::EmploymentStatus)
        .into_iter()
        .map(|r| r["status"].clone())
        .collect();
    for status in [
        "employed",
        "unemployed",
        "unemployment_benefit",
        "flexible",
        "retired",
    ] {
        assert!(statuses.contains(status), "no {status}");
    }
    let unpaid = rows(dir.path(), Dataset::Contributions)
        .iter()
        .filter(|r| r["paid"] == "false")
        .count();
    assert!(unpaid > 0);
}

#[test]
fn bad_records_are_counted_and_leave_the_good_ones_unchanged() {
    let (good, bad) = (tempdir(), tempdir());
    let clean = city(good.path(), 9, 300, 0.0);
    let spoiled = city(bad.path(), 9, 300, 0.05);
    let total = spoiled.records();
    assert_eq!(total, clean.records());
    let rate = spoiled.corrupted() as f64 / total as f64;
    assert!((0.03..0.07).contains(&rate), "rate {rate}");
    for dataset in Dataset::ALL {
        let a = rows(good.path(), dataset);
        let b = rows(bad.path(), dataset);
        let differing = a.iter().zip(&b).filter(|(x, y)| x != y).count() as u64;
        let corrupted = spoiled.file(dataset).expect("file").corrupted;
        // A spoiled cell can by chance equal the original (never for these corruptions).
        assert_eq!(differing, corrupted, "{dataset}");
    }
}

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

//! Ingest throughput, run on demand (not part of the suite):
//!
//! ```text
//! ONETHING_BENCH_RECORDS=1000000 cargo test --release -p onething-store \
//!     --test exchange_bench -- --ignored --nocapture
//! ```
//!
//! Pushes contributions in requests of 10,000 (the contract's maximum), then pushes them
//! all again (every record a duplicate), on SQLite and, with `ONETHING_TEST_PG`, PostgreSQL.

use crate::support;

use std::time::Instant;

use chrono::{NaiveDate, Utc};
use onething_domain::department::DepartmentKind;
use onething_domain::{CitizenId, RegionCode, YearMonth};
use onething_exchange::signature::generate_signing_key;
use onething_exchange::{Dataset, ValidRecord};
use onething_store::departments::NewDepartment;
use onething_store::shared_records::Push;
use serde_json::json;
use support::{TestDb, test_dbs};

const BATCH: usize = 10_000;
const MONTHS: usize = 100;

fn records(total: usize) -> Vec<ValidRecord> {
    let region = RegionCode::parse("500228").expect("region");
    let first = YearMonth::new(2016, 1).expect("month");
    let mut months = vec![first];
    for _ in 1..MONTHS {
        let next = months
            .last()
            .copied()
            .unwrap_or(first)
            .succ()
            .expect("month");
        months.push(next);
    }
    (0..total)
        .map(|n| {
            let person = n / MONTHS;
            let birth = NaiveDate::from_ymd_opt(1980, 1, 1).expect("date")
                + chrono::Duration::days(i64::try_from(person / 1000).expect("days"));
            let seq = u16::try_from(person % 1000).expect("seq");
            let id = CitizenId::from_parts(region, birth, seq).expect("id");
            let record = json!({"person_id": id.as_str(), "employer_uscc": "91500228MA5U12346P",
                "month": months[n % MONTHS].to_string(), "base_fen": 500_000, "paid": true});
            Dataset::Contributions.validate(&record).expect("valid")
        })
        .collect()
}

#[tokio::test]
#[ignore = "benchmark: run on demand with --ignored --release"]
async fn ingest_throughput() {
    let total: usize = std::env::var("ONETHING_BENCH_RECORDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let started = Instant::now();
    let all = records(total);
    eprintln!("validated {total} records in {:.1?}", started.elapsed());
    for TestDb { label, store, url } in test_dbs().await {
        eprintln!("{label}: {url}");
        let key = generate_signing_key().expect("key").verifying_key();
        let dept = NewDepartment {
            id: "mi".into(),
            name: "医保".into(),
            kind: DepartmentKind::MedicalInsurance,
            webhook_url: None,
        };
        store
            .add_department(&dept, &key, Utc::now())
            .await
            .expect("dept");
        for round in ["new", "duplicate"] {
            let started = Instant::now();
            for batch in all.chunks(BATCH) {
                let push = Push::unsigned("mi", Dataset::Contributions, Utc::now(), batch.len());
                store.ingest(&push, batch).await.expect("ingest");
            }
            let secs = started.elapsed().as_secs_f64();
            let rate = total as f64 / secs;
            eprintln!("{label}: {total} {round} records in {secs:.1} s ({rate:.0} records/s)");
        }
    }
}

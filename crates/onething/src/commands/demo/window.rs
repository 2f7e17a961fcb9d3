//! The demo's patient at the hospital window (seed 002): an insured woman of a synthetic
//! employer who was delivered at the demo hospital a week ago, pushed by the departments
//! through the real endpoint like the rest of the demo, so that with a region's
//! reimbursement values (`onething demo --params FILE`) the counter walks through filing,
//! reimbursement and the allowance claim. Her ids are fixed, for the browser test.

use std::path::Path;

use chrono::{Datelike, Duration, NaiveDate};
use onething_domain::department::DepartmentKind;
use onething_domain::{CitizenId, RegionCode, Uscc};
use onething_exchange::client::{self, ProgressMode, PushConfig};
use onething_exchange::datasets::Dataset;
use serde_json::{Value, json};

use super::departments::{DEMO_HOSPITAL, Keys};
use crate::failure::Failure;

/// Her delivery record at the demo hospital.
pub(super) const RECORD_ID: &str = "DEMO-HW-0001";

/// The patient (born 1994-03-08, sequence 702: a woman) and her employer.
pub(super) fn patient() -> Result<(CitizenId, Uscc), Failure> {
    let county = RegionCode::parse("500228").map_err(|e| Failure::environment("演示地区", e))?;
    let born = NaiveDate::from_ymd_opt(1994, 3, 8)
        .ok_or_else(|| Failure::environment("演示日期", "1994-03-08"))?;
    let person = CitizenId::from_parts(county, born, 702)
        .map_err(|e| Failure::environment("演示身份证号码", e))?;
    let employer = Uscc::from_parts('9', '1', county, "DEMWHP01")
        .map_err(|e| Failure::environment("演示统一社会信用代码", e))?;
    Ok((person, employer))
}

/// Pushes her records (enrollment, employment, twelve paid months, her employer's wages,
/// the birth certificate and the delivery record), delivered `today` minus seven days.
pub(super) async fn seed(
    base_url: &str,
    keys: &Keys,
    dir: &Path,
    today: NaiveDate,
) -> Result<u64, Failure> {
    let (person, employer) = patient()?;
    let born = today - Duration::days(7);
    let mut pushed = 0;
    for (dataset, kind, records) in records(&person, &employer, born) {
        let Some((id, key)) = keys.get(&kind) else {
            continue;
        };
        let path = dir.join(format!("window-{}.jsonl", dataset.as_str()));
        let lines: Vec<String> = records.iter().map(Value::to_string).collect();
        std::fs::write(&path, lines.join("\n"))
            .map_err(|e| Failure::environment("无法写出演示窗口数据", e))?;
        let mut config = PushConfig::new(base_url, id, key.clone(), dataset);
        config.progress = ProgressMode::Quiet;
        let report = client::push(&path, &config, &mut std::io::sink())
            .await
            .map_err(|e| Failure::environment("演示推送失败", e))?;
        if let Some(e) = report.stopped {
            return Err(Failure::environment("演示推送失败", e));
        }
        pushed += report.records;
    }
    Ok(pushed)
}

fn records(
    person: &CitizenId,
    employer: &Uscc,
    born: NaiveDate,
) -> Vec<(Dataset, DepartmentKind, Vec<Value>)> {
    let (p, e) = (person.as_str(), employer.as_str());
    let months = (1..=12)
        .map(|back| {
            let month = born - Duration::days(30 * back);
            json!({"person_id": p, "employer_uscc": e, "base_fen": 650000, "paid": true,
                   "month": format!("{}-{:02}", month.year(), month.month())})
        })
        .collect();
    let day = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
    vec![
        (
            Dataset::InsuranceEnrollments,
            DepartmentKind::MedicalInsurance,
            vec![
                json!({"person_id": p, "scheme": "employee", "employer_uscc": e,
                "status": "normal", "region_code": "500228", "effective_from": "2021-01-01"}),
            ],
        ),
        (
            Dataset::EmploymentStatus,
            DepartmentKind::Hr,
            vec![
                json!({"person_id": p, "status": "employed", "employer_uscc": e,
                "effective_from": "2021-01-01"}),
            ],
        ),
        (
            Dataset::Contributions,
            DepartmentKind::MedicalInsurance,
            months,
        ),
        (
            Dataset::EmployerWages,
            DepartmentKind::Tax,
            vec![json!({"employer_uscc": e, "year": born.year() - 1,
                "avg_monthly_wage_fen": 900000, "avg_monthly_base_fen": 650000})],
        ),
        (
            Dataset::BirthCertificates,
            DepartmentKind::Health,
            vec![
                json!({"certificate_no": "Q500228702", "child_name": "窗口演示宝宝",
                "child_sex": "female", "birth_time": format!("{}T08:30:00+08:00", day(born)),
                "gestational_weeks": 39, "weight_g": 3200, "length_cm": 50,
                "birth_region": "500228", "institution_code": DEMO_HOSPITAL,
                "institution_name": "梁平区演示人民医院", "mother_name": "窗口演示母亲",
                "mother_id": p, "issued_on": day(born + Duration::days(1))}),
            ],
        ),
        (
            Dataset::DeliveryRecords,
            DepartmentKind::Hospital,
            vec![
                json!({"record_id": RECORD_ID, "institution_code": DEMO_HOSPITAL,
                "person_id": p, "admitted_on": day(born - Duration::days(1)),
                "discharged_on": day(born + Duration::days(3)), "event_date": day(born),
                "event_type": "vaginal", "babies": 1, "pregnancy_weeks": 39,
                "settled_in_network": true, "total_cost_fen": 680000, "fund_paid_fen": 0}),
            ],
        ),
    ]
}

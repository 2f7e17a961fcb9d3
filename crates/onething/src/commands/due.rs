use std::process::ExitCode;

use chrono::Utc;
use onething_domain::china_time::date_in_china;
use onething_domain::department::DepartmentKind;
use onething_store::Store;

use crate::cli::DueArgs;
use crate::config::load_calendar;
use crate::failure::Failure;

/// Prints overdue and near-due items as JSON lines, overdue first (SV-3).
pub async fn run(args: DueArgs) -> Result<ExitCode, Failure> {
    let department = match args.department.as_deref() {
        None => None,
        Some(s) => Some(DepartmentKind::parse(s).ok_or_else(|| {
            Failure::usage(
                format!("未知的部门类型：{s}"),
                format!("unknown department kind {s:?}"),
            )
        })?),
    };
    let calendar = load_calendar(&args.holidays.files)?;
    let today = args.today.unwrap_or_else(|| date_in_china(Utc::now()));
    let until = calendar.add_working_days(today, args.within)?;
    let store = Store::open(&args.db).await?;
    let mut due = store.list_due(today, until, department).await?;
    due.sort_by_key(|d| (!d.overdue, d.due_on));
    for item in &due {
        let line = serde_json::to_string(item).map_err(|e| Failure::environment("无法输出", e))?;
        println!("{line}");
    }
    Ok(ExitCode::SUCCESS)
}

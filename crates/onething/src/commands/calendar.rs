use std::path::PathBuf;
use std::process::ExitCode;

use chrono::Utc;
use onething_domain::Calendar;
use onething_store::Store;

use crate::cli::CalendarCommand;
use crate::commands::redact;
use crate::config::load_calendar;
use crate::failure::Failure;
use crate::out::say;

pub fn run(cmd: CalendarCommand) -> Result<ExitCode, Failure> {
    match cmd {
        CalendarCommand::AddWorkingDays {
            date,
            n,
            provisional,
            holidays,
        } => {
            let calendar = load_calendar(&holidays.files)?;
            if !provisional {
                say!("{}", calendar.add_working_days(date, n)?)?;
                return Ok(ExitCode::SUCCESS);
            }
            let due = calendar.add_working_days_provisional(date, n)?;
            say!("{}", due.date)?;
            if due.provisional {
                eprintln!(
                    "注意：该日期为预计日期（涉及尚未发布节假日安排的年份，按《全国年节及纪念日放假办法》计算，不含调休）"
                );
                eprintln!(
                    "note: provisional (a year without a published notice, statutory festival days only)"
                );
            }
        }
        CalendarCommand::IsWorkingDay { date, holidays } => {
            let calendar = load_calendar(&holidays.files)?;
            say!("{}", calendar.is_working_day(date)?)?;
        }
        CalendarCommand::Between { from, to, holidays } => {
            let calendar = load_calendar(&holidays.files)?;
            say!("{}", calendar.working_days_between(from, to)?)?;
        }
        CalendarCommand::Load { file, db } => return super::block_on(load(file, db)),
    }
    Ok(ExitCode::SUCCESS)
}

/// `onething calendar load FILE --db URL`: validates the notice against the calendar the
/// server would use, keeps it in the database (every start merges it), and recomputes
/// every provisional due date, printing each change.
pub async fn load(file: PathBuf, db: String) -> Result<ExitCode, Failure> {
    let text = std::fs::read_to_string(&file).map_err(|e| {
        Failure::usage(
            format!("无法读取节假日文件 {}：{e}", file.display()),
            format!("cannot read {}: {e}", file.display()),
        )
    })?;
    let store = Store::open(&db).await?;
    let mut calendar = calendar_with_stored(&store, load_calendar(&[])?).await?;
    let years = calendar.merge_json(&text).map_err(|e| {
        Failure::usage(
            format!("节假日文件 {} 无效：{}", file.display(), e.message_zh()),
            format!("invalid holiday file {}: {e}", file.display()),
        )
    })?;
    let now = Utc::now();
    store
        .save_calendar_notice(&years, &text, "cli:calendar-load", now)
        .await?;
    let changes = store
        .recompute_provisional_due_dates(&calendar, "system:calendar", now)
        .await?;
    say!("已加载 / loaded {years:?} into {}", redact(&db))?;
    for c in &changes {
        let still = if c.provisional {
            "（仍为预计）"
        } else {
            ""
        };
        say!("  {} {}: {} → {}{still}", c.case_id, c.item, c.from, c.to)?;
    }
    say!(
        "重新计算的预计期限 / provisional due dates recomputed: {}",
        changes.len()
    )?;
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

/// `calendar` with the notices loaded at run time (kept in the database) merged in.
pub async fn calendar_with_stored(
    store: &Store,
    mut calendar: Calendar,
) -> Result<Calendar, Failure> {
    for text in store.calendar_notices().await? {
        calendar.merge_json(&text).map_err(|e| {
            Failure::usage(
                format!("数据库中的节假日安排无效：{}", e.message_zh()),
                format!("a stored holiday notice is invalid: {e}"),
            )
        })?;
    }
    Ok(calendar)
}

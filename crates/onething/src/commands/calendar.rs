use std::process::ExitCode;

use crate::cli::CalendarCommand;
use crate::config::load_calendar;
use crate::failure::Failure;

pub fn run(cmd: CalendarCommand) -> Result<ExitCode, Failure> {
    match cmd {
        CalendarCommand::AddWorkingDays { date, n, holidays } => {
            let calendar = load_calendar(&holidays.files)?;
            println!("{}", calendar.add_working_days(date, n)?);
        }
        CalendarCommand::IsWorkingDay { date, holidays } => {
            let calendar = load_calendar(&holidays.files)?;
            println!("{}", calendar.is_working_day(date)?);
        }
        CalendarCommand::Between { from, to, holidays } => {
            let calendar = load_calendar(&holidays.files)?;
            println!("{}", calendar.working_days_between(from, to)?);
        }
    }
    Ok(ExitCode::SUCCESS)
}

//! `onething settle --db URL --until DATE`: the settlement batch on demand (contract), and the
//! server's schedule: on each settlement day (China time, from `[settlement]` in the config),
//! once the configured time has passed, `serve` runs the same batch with `until` = that day.
//! A run is idempotent — a second one settles only what was approved or corrected since — so
//! a restart on a settlement day simply runs it again.

use std::process::ExitCode;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use onething_domain::allowance::settlement::{
    ScheduleError, SettlementDay, SettlementSchedule, mask_account,
};
use onething_domain::china_time::{china_offset, date_in_china};
use onething_domain::{Calendar, CalendarError, RegionCode};
use onething_services::allowance::payment_texts;
use onething_store::Store;
use onething_store::allowance::settlements::{Acting, SettleRun, SettlementOutcome};
use serde::Deserialize;

use crate::cli::SettleArgs;
use crate::failure::Failure;

/// `[settlement]` in the config file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettlementSection {
    /// Days of the month: numbers 1–28 and/or "last"; default `[15, "last"]`.
    pub days: Option<Vec<toml::Value>>,
    /// China time of day after which the day's run starts, `HH:MM`; default `17:00`.
    pub at: Option<String>,
    /// Settle each of these regions separately (so each region's clerks see their batch);
    /// default: one run for the whole platform.
    #[serde(default)]
    pub regions: Vec<String>,
    /// `false` turns the schedule off (runs on demand only); default `true`.
    pub enabled: Option<bool>,
}

/// The validated schedule.
#[derive(Debug, Clone)]
pub struct ScheduleConfig {
    pub schedule: SettlementSchedule,
    pub at: NaiveTime,
    /// Empty: one platform-wide run.
    pub regions: Vec<RegionCode>,
    pub enabled: bool,
}

const DEFAULT_AT: &str = "17:00";

impl SettlementSection {
    /// Validates the section; any mistake stops the start (exit 2) with a bilingual message.
    pub fn validate(&self) -> Result<ScheduleConfig, Failure> {
        let schedule = match &self.days {
            None => SettlementSchedule::default(),
            Some(values) => values
                .iter()
                .map(day_of)
                .collect::<Result<Vec<_>, _>>()
                .and_then(SettlementSchedule::new)
                .map_err(|e| config_error(&e.message_zh(), &e.to_string()))?,
        };
        let at_text = self.at.as_deref().unwrap_or(DEFAULT_AT);
        let at = NaiveTime::parse_from_str(at_text, "%H:%M").map_err(|_| {
            config_error(
                &format!("[settlement] at“{at_text}”无效，应为 HH:MM（北京时间）"),
                &format!("[settlement] at {at_text:?} is not HH:MM"),
            )
        })?;
        let regions = self
            .regions
            .iter()
            .map(|r| {
                RegionCode::parse(r).map_err(|e| {
                    config_error(
                        &format!("[settlement] regions：“{r}”{}", e.message_zh()),
                        &format!("[settlement] regions: {r:?}: {e}"),
                    )
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(ScheduleConfig {
            schedule,
            at,
            regions,
            enabled: self.enabled.unwrap_or(true),
        })
    }
}

fn day_of(value: &toml::Value) -> Result<SettlementDay, ScheduleError> {
    match value {
        toml::Value::Integer(n) => SettlementDay::from_number(*n),
        toml::Value::String(text) => SettlementDay::parse(text),
        other => Err(ScheduleError::Unknown(other.to_string())),
    }
}

fn config_error(zh: &str, en: &str) -> Failure {
    Failure::usage(
        format!("配置文件无效：{zh}"),
        format!("invalid config: {en}"),
    )
}

/// `onething settle`.
pub async fn run(args: SettleArgs) -> Result<ExitCode, Failure> {
    let today = date_in_china(Utc::now());
    if args.until > today {
        return Err(Failure::usage(
            format!(
                "--until {} 晚于今天（{today}），不能结算尚未到来的日期",
                args.until
            ),
            format!("--until {} is after today ({today})", args.until),
        ));
    }
    let scope = args
        .region
        .as_deref()
        .map(|r| {
            RegionCode::parse(r).map_err(|e| {
                Failure::usage(
                    format!("--region：{}", e.message_zh()),
                    format!("--region: {e}"),
                )
            })
        })
        .transpose()?;
    let store = Store::open(&args.db).await?;
    let outcome = store
        .settle(
            &SettleRun {
                until: args.until,
                scope,
                acting: acting("cli"),
            },
            payment_texts,
        )
        .await
        .map_err(|e| Failure::environment("结算失败，未写入任何数据", e))?;
    store.close().await;
    print_outcome(args.until, &outcome);
    Ok(if outcome.skipped.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn acting(name: &str) -> Acting {
    Acting {
        name: name.to_owned(),
        role: None,
        at: Utc::now(),
    }
}

fn print_outcome(until: NaiveDate, outcome: &SettlementOutcome) {
    match &outcome.settlement {
        None => println!("没有需要结算的申领 / nothing to settle (until {until})"),
        Some(s) => {
            println!("结算批次 / settlement: {}", s.head.id);
            println!("截止日期 / until: {until}");
            println!("申领数 / claims: {}", s.head.claims);
            println!(
                "总金额 / total: {} ({} fen)",
                s.head.total,
                s.head.total.as_i64()
            );
            println!("支付 / payments: {}", s.payments.len());
            for p in &s.payments {
                println!(
                    "  {}\t{}\t{}\t{}\t{} fen\t{} claims",
                    p.id,
                    p.payee_name,
                    p.bank,
                    mask_account(&p.account),
                    p.amount.as_i64(),
                    p.subject_ids.len()
                );
            }
        }
    }
    for s in &outcome.skipped {
        eprintln!(
            "未结算 / not settled: {} {} {}",
            s.subject_id,
            s.reason.code(),
            s.reason.message_zh()
        );
    }
}

/// Starts the schedule in the background (nothing when it is turned off).
pub fn spawn_schedule(
    store: Store,
    calendar: onething_services::CalendarInForce,
    config: ScheduleConfig,
) -> Option<tokio::task::JoinHandle<()>> {
    config
        .enabled
        .then(|| tokio::spawn(schedule_loop(store, calendar, config)))
}

/// How often the schedule looks at the clock.
const TICK: Duration = Duration::from_secs(300);

/// Reads the calendar in force at every tick, so a notice an administrator loads counts.
async fn schedule_loop(
    store: Store,
    calendar: onething_services::CalendarInForce,
    config: ScheduleConfig,
) {
    let mut last_run: Option<NaiveDate> = None;
    loop {
        match run_due(&config, &calendar.current(), Utc::now(), last_run) {
            Ok(Some(day)) => {
                run_scheduled(&store, &config, day).await;
                last_run = Some(day);
            }
            Ok(None) => {}
            Err(e) => {
                tracing::warn!(error = %e, "settlement schedule: calendar year not published; load the notice ([calendar] extra_notices)")
            }
        }
        tokio::time::sleep(TICK).await;
    }
}

/// The settlement day to run now, if any: today (China time) is a settlement date, the
/// configured time has passed, and today's run has not been done by this process.
pub fn run_due(
    config: &ScheduleConfig,
    calendar: &Calendar,
    now: DateTime<Utc>,
    last_run: Option<NaiveDate>,
) -> Result<Option<NaiveDate>, CalendarError> {
    let local = now.with_timezone(&china_offset());
    let today = local.date_naive();
    if last_run == Some(today) || local.time() < config.at {
        return Ok(None);
    }
    Ok(config
        .schedule
        .is_settlement_date(calendar, today)?
        .then_some(today))
}

async fn run_scheduled(store: &Store, config: &ScheduleConfig, day: NaiveDate) {
    let scopes: Vec<Option<RegionCode>> = if config.regions.is_empty() {
        vec![None]
    } else {
        config.regions.iter().copied().map(Some).collect()
    };
    for scope in scopes {
        let run = SettleRun {
            until: day,
            scope,
            acting: acting("schedule"),
        };
        match store.settle(&run, payment_texts).await {
            Ok(outcome) => tracing::info!(
                until = %day,
                region = ?scope.map(|r| r.to_string()),
                settlement = ?outcome.settlement.as_ref().map(|s| s.head.id.clone()),
                claims = outcome.claims(),
                total_fen = outcome.total().as_i64(),
                skipped = outcome.skipped.len(),
                "scheduled settlement run"
            ),
            Err(e) => {
                tracing::error!(error = %e, until = %day, "scheduled settlement run failed; nothing was written")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section(text: &str) -> Result<ScheduleConfig, Failure> {
        let section: SettlementSection = toml::from_str(text).expect("toml");
        section.validate()
    }

    #[test]
    fn the_default_is_the_15th_and_the_last_day_at_17() {
        let config = section("").expect("valid");
        assert_eq!(config.schedule, SettlementSchedule::default());
        assert_eq!(config.at, NaiveTime::from_hms_opt(17, 0, 0).expect("time"));
        assert!(config.enabled && config.regions.is_empty());
    }

    #[test]
    fn bad_sections_are_refused_with_exit_2() {
        for text in [
            "days = [31]",
            "days = []",
            "days = [15, 15]",
            "days = [\"end\"]",
            "days = [1.5]",
            "at = \"25:00\"",
            "regions = [\"999999\"]",
        ] {
            let failure = section(text).expect_err(text);
            assert_eq!(failure.exit, 2, "{text}");
            assert!(
                failure.zh.contains("配置文件无效"),
                "{text}: {}",
                failure.zh
            );
        }
        assert!(
            toml::from_str::<SettlementSection>("day = [1]").is_err(),
            "unknown key"
        );
    }

    #[test]
    fn runs_once_on_a_settlement_day_after_the_time() {
        let config = section("days = [15, \"last\"]\nat = \"17:00\"").expect("valid");
        let calendar = Calendar::shipped();
        let at = |text: &str| {
            DateTime::parse_from_rfc3339(text)
                .expect("instant")
                .to_utc()
        };
        let friday = NaiveDate::from_ymd_opt(2024, 11, 15).expect("date");
        // 16:59 and 17:00 China time on Friday 15 November 2024.
        assert_eq!(
            run_due(&config, &calendar, at("2024-11-15T08:59:00Z"), None),
            Ok(None)
        );
        assert_eq!(
            run_due(&config, &calendar, at("2024-11-15T09:00:00Z"), None),
            Ok(Some(friday))
        );
        assert_eq!(
            run_due(&config, &calendar, at("2024-11-15T12:00:00Z"), Some(friday)),
            Ok(None)
        );
        // Saturday 30 November is a rest day: the run moved to Friday the 29th.
        assert_eq!(
            run_due(&config, &calendar, at("2024-11-30T10:00:00Z"), None),
            Ok(None)
        );
        assert_eq!(
            run_due(&config, &calendar, at("2024-11-29T10:00:00Z"), None),
            Ok(NaiveDate::from_ymd_opt(2024, 11, 29))
        );
        assert!(run_due(&config, &calendar, at("2027-01-15T10:00:00Z"), None).is_err());
    }
}

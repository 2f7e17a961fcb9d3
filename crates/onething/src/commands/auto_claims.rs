//! `onething auto-claims --db URL [--until DATE] [--params FILE]` *(addition)*: 免申即享 on
//! demand — the run the server makes after each push and on its schedule. Prints what it
//! did as one JSON line; exit 0 (a birth left as an offer is not an error).

use std::process::ExitCode;
use std::sync::Arc;

use chrono::Utc;
use onething_domain::Calendar;
use onething_domain::china_time::date_in_china;
use onething_services::Services;
use onething_services::allowance::{AutomaticClaims, automatic_claims, platform_actor};
use onething_store::Store;

use super::calc::load_params;
use crate::cli::AutoClaimsArgs;
use crate::failure::Failure;

pub async fn run(args: AutoClaimsArgs) -> Result<ExitCode, Failure> {
    let now = Utc::now();
    let today = date_in_china(now);
    let until = args.until.unwrap_or(today);
    if until > today {
        return Err(Failure::usage(
            format!("--until {until} 晚于今天（{today}）"),
            format!("--until {until} is after today ({today})"),
        ));
    }
    let (_, params) = load_params(args.params.as_deref())?;
    let store = Store::open(&args.db).await?;
    let svc = Services::with_calendar(store.clone(), Arc::new(params), Calendar::shipped());
    let run = automatic_claims(&svc, &platform_actor(now), AutomaticClaims { until })
        .await
        .map_err(|e| Failure::environment("免申即享运行失败（已提交的批次保留，可重新运行）", e))?;
    store.close().await;
    println!(
        "{}",
        serde_json::to_string(&run).map_err(|e| Failure::environment("输出失败", e))?
    );
    Ok(ExitCode::SUCCESS)
}

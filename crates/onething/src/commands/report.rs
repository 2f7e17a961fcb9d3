//! `onething report`: makes (once) the periodic report of a closed period — the same use
//! case the server's schedule runs — and writes its PDF and .xlsx when asked.

use std::process::ExitCode;
use std::sync::Arc;

use chrono::Utc;
use onething_domain::RegionCode;
use onething_domain::rules::MaternityParams;
use onething_domain::supervision::periods::PeriodKind;
use onething_services::Services;
use onething_services::supervision::{PeriodReport, generate_period_report};
use onething_store::Store;

use crate::cli::ReportArgs;
use crate::config::load_calendar;
use crate::failure::Failure;

pub async fn run(args: ReportArgs) -> Result<ExitCode, Failure> {
    let kind = PeriodKind::parse(&args.period).ok_or_else(|| {
        Failure::usage(
            format!(
                "period 须为 week、month、quarter、year 之一：{}",
                args.period
            ),
            format!("unknown period {:?}", args.period),
        )
    })?;
    let calendar = load_calendar(&args.holidays.files)?;
    let store = Store::open(&args.db).await?;
    let regions = match args.region.as_deref() {
        Some(code) => vec![
            RegionCode::parse(code)
                .map_err(|e| Failure::usage(e.message_zh(), format!("invalid region {code:?}")))?,
        ],
        None => store
            .case_regions(None)
            .await?
            .iter()
            .filter_map(|c| RegionCode::parse(c).ok())
            .collect(),
    };
    let svc = Services::with_calendar(
        store.clone(),
        Arc::new(MaternityParams::shipped()),
        calendar,
    );
    let mut reports = Vec::new();
    for region in regions {
        let (report, made) =
            generate_period_report(&svc, "system:cli", Utc::now(), kind, args.on, region)
                .await
                .map_err(|e| Failure::usage(e.to_string(), e.to_string()))?;
        println!(
            "{}\t{}\t{}",
            report.id,
            if made { "generated" } else { "kept" },
            report.content_sha256
        );
        reports.push(report);
    }
    if let Some(dir) = &args.out {
        write_files(dir, args.font.as_deref(), &reports)?;
    }
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

fn write_files(
    dir: &std::path::Path,
    font: Option<&std::path::Path>,
    reports: &[PeriodReport],
) -> Result<(), Failure> {
    std::fs::create_dir_all(dir)
        .map_err(|e| Failure::environment(&format!("无法创建目录 {}", dir.display()), e))?;
    let fonts = onething_web::documents::DocumentFonts::new(font.map(ToOwned::to_owned));
    let fonts = fonts
        .get()
        .map_err(|e| Failure::usage(e.message_zh(), e.to_string()))?;
    for r in reports {
        let pdf = onething_web::period_reports::pdf_with(fonts, r)
            .map_err(|e| Failure::usage(e.message_zh(), e.to_string()))?;
        let xlsx = onething_web::period_reports::xlsx(&r.content)
            .map_err(|e| Failure::environment("无法生成 xlsx", e))?;
        for (ext, bytes) in [("pdf", pdf), ("xlsx", xlsx)] {
            let path = dir.join(format!("{}.{ext}", r.id));
            std::fs::write(&path, bytes)
                .map_err(|e| Failure::environment(&format!("无法写入 {}", path.display()), e))?;
        }
    }
    Ok(())
}

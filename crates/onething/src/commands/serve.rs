use crate::out::say;
use std::process::ExitCode;

use chrono::Utc;
use onething_domain::Calendar;
use onething_store::Store;
use onething_web::AppState;

use crate::cli::ServeArgs;
use crate::commands::redact;
use crate::config::{ConfigFile, DEFAULT_DB, DEFAULT_LISTEN, load_calendar};
use crate::failure::Failure;

pub async fn run(args: ServeArgs) -> Result<ExitCode, Failure> {
    let config = ConfigFile::load(args.config.as_deref())?;
    let auth = config.server.auth();
    let db = args
        .db
        .or(config.server.db)
        .unwrap_or_else(|| DEFAULT_DB.to_owned());
    let listen = args
        .listen
        .or(config.server.listen)
        .unwrap_or_else(|| DEFAULT_LISTEN.to_owned());
    // Validated before anything starts; merged over the stored notices below.
    load_calendar(&config.calendar.extra_notices)?;
    // An invalid parameter file stops the start, naming its line (contract: parameter file).
    let params_path = args.params.or(config.rules.params);
    let (params_text, params) = super::calc::load_params(params_path.as_deref())?;
    // The settlement schedule is validated before anything starts (exit 2 on a mistake).
    let schedule = config.settlement.validate()?;
    let newborn_city = config.newborn.city()?;
    init_logging();
    let store = Store::open(&db).await?;
    // PostgreSQL: hear other servers' sign-outs and account changes, so sessions can be
    // answered from memory between them (docs/security.md, "Sessions").
    store.watch_account_changes();
    store.ensure_shipped_catalog(Utc::now()).await?;
    // Notices loaded at run time (admin page, `onething calendar load`) are kept in the
    // database; the config's extra notices are applied last, as the operator's final word.
    let calendar = super::calendar::calendar_with_stored(&store, Calendar::shipped()).await?;
    let calendar = merge_config_notices(calendar, &config.calendar.extra_notices)?;
    // A notice that arrived through the config makes provisional dates final now.
    let changes = store
        .recompute_provisional_due_dates(&calendar, "system:calendar", Utc::now())
        .await?;
    if !changes.is_empty() {
        tracing::info!(count = changes.len(), "provisional due dates recomputed");
    }
    warn_if_calendar_runs_out(&calendar);
    let platform = super::platform_key::load(&store, &config.platform, &db).await?;
    let metrics_token = std::env::var("ONETHING_METRICS_TOKEN")
        .ok()
        .filter(|t| !t.is_empty())
        .or(config.server.metrics_token);
    let mut state = AppState::new(store, calendar)
        .with_platform_keys(platform)
        .with_metrics_token(metrics_token)
        .with_auth(auth)
        .with_params(params_text, params)
        .with_font(config.documents.font);
    if let Some(city) = newborn_city {
        state = state.with_newborn_city(city);
    }
    let settlements = super::settle::spawn_schedule(
        state.store.clone(),
        state.calendar_in_force.clone(),
        schedule,
    );
    let served = serve_state(state, &listen, &db).await;
    if let Some(task) = settlements {
        task.abort();
    }
    served?;
    Ok(ExitCode::SUCCESS)
}

/// The config file's extra notices over `calendar`, in order.
fn merge_config_notices(
    mut calendar: Calendar,
    files: &[std::path::PathBuf],
) -> Result<Calendar, Failure> {
    for path in files {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Failure::environment(&format!("无法读取节假日文件 {}", path.display()), e)
        })?;
        calendar.merge_json(&text).map_err(|e| {
            Failure::usage(
                format!("节假日文件 {} 无效：{}", path.display(), e.message_zh()),
                format!("invalid holiday file {}: {e}", path.display()),
            )
        })?;
    }
    Ok(calendar)
}

/// From 1 October while next year's notice is missing, due dates reaching it are only
/// provisional: say so at start (the pages warn administrators and supervisors too).
pub fn warn_if_calendar_runs_out(calendar: &Calendar) {
    let today = onething_domain::china_time::date_in_china(Utc::now());
    if let Some(year) = calendar.next_notice_missing(today) {
        tracing::warn!(
            year,
            "next year's holiday notice is missing: due dates reaching it are provisional"
        );
        eprintln!(
            "警告：{year}年节假日安排尚未加载，涉及该年的办理期限为预计日期。请在发布后加载（onething calendar load、管理页面或配置 [calendar] extra_notices）"
        );
    }
}

/// Loads the printed forms' fonts in the background, so the first form is quick and a
/// missing font is reported at start rather than at the first print.
fn warm_up_fonts(state: &AppState) {
    let fonts = state.fonts.clone();
    std::thread::spawn(move || {
        if let Err(e) = fonts.get() {
            tracing::warn!(error = %e, "printed forms unavailable");
            eprintln!("警告：{}。申请表等打印表单暂不可用", e.message_zh());
        }
    });
}

/// Binds `listen` and serves until Ctrl-C or SIGTERM; requests in flight are finished.
pub async fn serve_state(state: AppState, listen: &str, db: &str) -> Result<(), Failure> {
    let store = state.store.clone();
    warm_up_fonts(&state);
    // Outbox deliveries to departments (EX-6), retried until delivered or failed.
    let outbox = tokio::spawn(onething_web::outbox::run_outbox_loop(state.clone()));
    // Late complaints escalated to the supervisors (docs/supervision.md).
    let escalation = tokio::spawn(onething_web::escalation::run_escalation_loop(state.clone()));
    // 免申即享 on its hourly schedule (after pushes too: `onething_web::automatic`).
    let automatic = tokio::spawn(onething_web::automatic::run_automatic_loop(state.clone()));
    let listener = tokio::net::TcpListener::bind(listen).await.map_err(|e| {
        Failure::usage(
            format!("无法监听 {listen}：{e}"),
            format!("cannot listen on {listen}: {e}"),
        )
    })?;
    let addr = listener
        .local_addr()
        .map_err(|e| Failure::environment("无法读取监听地址", e))?;
    say!(
        "onething 已启动 / listening on http://{addr}  (database {})",
        redact(db)
    )?;
    say!("  API 文档 / OpenAPI: http://{addr}/api/openapi.json")?;
    tracing::info!(%addr, "serving");
    onething_web::serve(listener, state, shutdown_signal())
        .await
        .map_err(|e| Failure::environment("服务异常退出", e))?;
    outbox.abort();
    escalation.abort();
    automatic.abort();
    store.close().await;
    say!("onething 已停止 / stopped")?;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutdown requested; finishing requests in flight");
}

/// Structured JSON logs on stderr; the level comes from `ONETHING_LOG` (default `info`).
pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("ONETHING_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .json()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

use std::process::ExitCode;

use chrono::Utc;
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
    let calendar = load_calendar(&config.calendar.extra_notices)?;
    // An invalid parameter file stops the start, naming its line (contract: parameter file).
    let params_path = args.params.or(config.rules.params);
    let (params_text, params) = super::calc::load_params(params_path.as_deref())?;
    // The settlement schedule is validated before anything starts (exit 2 on a mistake).
    let schedule = config.settlement.validate()?;
    let newborn_city = config.newborn.city()?;
    init_logging();
    warn_if_calendar_runs_out(&calendar);
    let store = Store::open(&db).await?;
    store.ensure_shipped_catalog(Utc::now()).await?;
    let mut state = AppState::new(store, calendar)
        .with_auth(auth)
        .with_params(params_text, params)
        .with_font(config.documents.font);
    if let Some(city) = newborn_city {
        state = state.with_newborn_city(city);
    }
    let settlements =
        super::settle::spawn_schedule(state.store.clone(), state.calendar.clone(), schedule);
    let served = serve_state(state, &listen, &db).await;
    if let Some(task) = settlements {
        task.abort();
    }
    served?;
    Ok(ExitCode::SUCCESS)
}

/// Deadlines of up to 60 working days are computed at acceptance; if that reaches a year
/// without a published holiday notice, acceptances will be refused, so say so at start.
pub fn warn_if_calendar_runs_out(calendar: &onething_domain::Calendar) {
    let today = onething_domain::china_time::date_in_china(Utc::now());
    if let Err(e) = calendar.add_working_days(today, 60) {
        tracing::warn!(error = %e, "holiday calendar runs out soon: load next year's notice ([calendar] extra_notices)");
        eprintln!(
            "警告：{}。请尽快加载下一年度节假日安排（配置 [calendar] extra_notices）",
            e.message_zh()
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
    let listener = tokio::net::TcpListener::bind(listen).await.map_err(|e| {
        Failure::usage(
            format!("无法监听 {listen}：{e}"),
            format!("cannot listen on {listen}: {e}"),
        )
    })?;
    let addr = listener
        .local_addr()
        .map_err(|e| Failure::environment("无法读取监听地址", e))?;
    println!(
        "onething 已启动 / listening on http://{addr}  (database {})",
        redact(db)
    );
    println!("  API 文档 / OpenAPI: http://{addr}/api/openapi.json");
    tracing::info!(%addr, "serving");
    onething_web::serve(listener, state, shutdown_signal())
        .await
        .map_err(|e| Failure::environment("服务异常退出", e))?;
    outbox.abort();
    store.close().await;
    println!("onething 已停止 / stopped");
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

//! One module per subcommand; each returns the process exit code or a [`Failure`].

mod audit;
mod auto_claims;
mod backup;
mod bench;
mod bench_claims;
mod bench_claims_http;
mod calc;
mod calendar;
mod catalog;
mod demo;
mod dept;
mod due;
mod r#gen;
mod platform_key;
mod push;
mod report;
mod serve;
pub(crate) mod settle;
mod user;

use std::process::ExitCode;

use crate::cli::{Cli, Command};
use crate::failure::Failure;

pub fn run(cli: Cli) -> Result<ExitCode, Failure> {
    match cli.command {
        Command::Calendar(cmd) => calendar::run(cmd),
        Command::Serve(args) => block_on(serve::run(args)),
        Command::Demo(args) => block_on(demo::run(args)),
        Command::Migrate { db } => block_on(migrate(db)),
        Command::Catalog(cmd) => block_on(catalog::run(cmd)),
        Command::Due(args) => block_on(due::run(args)),
        Command::Audit(cmd) => block_on(audit::run(cmd)),
        Command::Backup(args) => block_on(backup::backup(args)),
        Command::Restore(args) => block_on(backup::restore(args)),
        Command::Dept(cmd) => block_on(dept::run(cmd)),
        Command::Push(args) => block_on(push::run(args)),
        Command::Gen(args) => r#gen::run(args),
        Command::User(cmd) => block_on(user::run(cmd)),
        Command::Calc(cmd) => calc::run(cmd),
        Command::Params(cmd) => calc::params(cmd),
        Command::Settle(args) => block_on(settle::run(args)),
        Command::Report(args) => block_on(report::run(args)),
        Command::AutoClaims(args) => block_on(auto_claims::run(args)),
        Command::Bench(cmd) => bench::run(cmd),
    }
}

fn block_on<F: std::future::Future<Output = Result<ExitCode, Failure>>>(
    future: F,
) -> Result<ExitCode, Failure> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::environment("无法启动运行时", e))?;
    runtime.block_on(future)
}

async fn migrate(db: String) -> Result<ExitCode, Failure> {
    let store = onething_store::Store::open(&db).await?;
    store.close().await;
    println!("数据库结构已是最新 / schema is up to date: {}", redact(&db));
    Ok(ExitCode::SUCCESS)
}

/// A database URL without its password, for printing.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}://{}:***{}", &url[..scheme_end], user, &url[at..])
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            super::redact("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(super::redact("sqlite://data/x.db"), "sqlite://data/x.db");
    }
}

//! `onething backup --db URL --out FILE` and `onething restore --db URL --from FILE`.
//!
//! - SQLite: an online backup with `VACUUM INTO` (a consistent copy while the server keeps
//!   running, compacted); restoring checks the copy's integrity and places it as the
//!   database file, which must not exist yet.
//! - PostgreSQL: `pg_dump --format=custom` and `pg_restore --no-owner` (found on `PATH`, or
//!   in `ONETHING_PG_BIN`); the target database must exist and be empty.
//!
//! Either way the restored database is migrated, so a backup of an older version restores
//! into the current schema. Neither ever overwrites: a backup file that exists, or a target
//! that holds data, is refused (exit 2).

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use onething_store::{Backend, Store};

use crate::cli::{BackupArgs, RestoreArgs};
use crate::failure::Failure;

pub async fn backup(args: BackupArgs) -> Result<ExitCode, Failure> {
    if args.out.exists() {
        return Err(exists(&args.out));
    }
    match Backend::from_url(&args.db)? {
        Backend::Sqlite => {
            let store = Store::connect(&args.db).await?;
            let path = args.out.display().to_string();
            let done = sqlx::query("VACUUM INTO $1")
                .bind(&path)
                .execute(store.pool())
                .await;
            store.close().await;
            done.map_err(|e| Failure::environment("备份失败", e))?;
        }
        Backend::Postgres => {
            let out = args.out.display().to_string();
            run_tool("pg_dump", &["--format=custom", "--file", &out, &args.db])?;
        }
    }
    println!(
        "已备份到 {} / backed up to {}",
        args.out.display(),
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}

pub async fn restore(args: RestoreArgs) -> Result<ExitCode, Failure> {
    if !args.from.is_file() {
        return Err(Failure::usage(
            format!("备份文件 {} 不存在", args.from.display()),
            format!("no backup file {}", args.from.display()),
        ));
    }
    match Backend::from_url(&args.db)? {
        Backend::Sqlite => restore_sqlite(&args.db, &args.from).await?,
        Backend::Postgres => {
            let store = Store::connect(&args.db).await?;
            let tables: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'")
                    .fetch_one(store.pool())
                    .await
                    .map_err(|e| Failure::environment("无法读取目标数据库", e))?;
            store.close().await;
            if tables > 0 {
                return Err(Failure::usage(
                    "目标数据库不是空库，未恢复（请新建一个空数据库）",
                    "the target database is not empty; restore into a new, empty database",
                ));
            }
            let from = args.from.display().to_string();
            run_tool(
                "pg_restore",
                &["--no-owner", "--exit-on-error", "--dbname", &args.db, &from],
            )?;
        }
    }
    // Brings an older backup up to the current schema.
    Store::open(&args.db).await?.close().await;
    println!("已恢复 / restored from {}", args.from.display());
    Ok(ExitCode::SUCCESS)
}

async fn restore_sqlite(db: &str, from: &Path) -> Result<(), Failure> {
    let target = sqlite_path(db);
    if target.exists() {
        return Err(exists(&target));
    }
    if let Some(parent) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| Failure::environment("无法创建目录", e))?;
    }
    std::fs::copy(from, &target).map_err(|e| Failure::environment("无法写入数据库文件", e))?;
    let store = Store::connect(db).await?;
    let verdict: Result<String, _> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(store.pool())
        .await;
    store.close().await;
    match verdict {
        Ok(verdict) if verdict == "ok" => Ok(()),
        other => {
            // Never leave a damaged copy where the server would open it.
            let _ = std::fs::remove_file(&target);
            let why = match other {
                Ok(verdict) => verdict,
                Err(e) => e.to_string(),
            };
            Err(Failure::usage(
                format!("备份文件损坏：{why}"),
                format!("the backup fails its integrity check: {why}"),
            ))
        }
    }
}

fn sqlite_path(db: &str) -> PathBuf {
    let rest = db.trim_start_matches("sqlite:").trim_start_matches("//");
    PathBuf::from(rest.split('?').next().unwrap_or(rest))
}

fn exists(path: &Path) -> Failure {
    Failure::usage(
        format!("{} 已存在，未覆盖", path.display()),
        format!("{} exists and was not overwritten", path.display()),
    )
}

/// Runs a PostgreSQL client tool; its own messages go to stderr.
fn run_tool(name: &str, args: &[&str]) -> Result<(), Failure> {
    let program = match std::env::var_os("ONETHING_PG_BIN") {
        Some(dir) => PathBuf::from(dir).join(name),
        None => PathBuf::from(name),
    };
    let status = Command::new(&program).args(args).status().map_err(|e| {
        Failure::usage(
            format!("无法运行 {name}（请安装 PostgreSQL 客户端，或设置 ONETHING_PG_BIN）：{e}"),
            format!(
                "cannot run {name} (install the PostgreSQL client or set ONETHING_PG_BIN): {e}"
            ),
        )
    })?;
    if status.success() {
        Ok(())
    } else {
        Err(Failure::environment(
            &format!("{name} 失败"),
            format!("{name} exited with {status}"),
        ))
    }
}

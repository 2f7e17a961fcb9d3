use std::path::Path;
use std::process::ExitCode;

use chrono::Utc;
use onething_domain::catalog::Catalog;
use onething_store::Store;
use onething_store::catalog::Imported;

use crate::cli::CatalogCommand;
use crate::failure::Failure;

pub async fn run(cmd: CatalogCommand) -> Result<ExitCode, Failure> {
    match cmd {
        CatalogCommand::Show { db } => {
            let store = Store::open(&db).await?;
            store.ensure_shipped_catalog(Utc::now()).await?;
            let current = store.current_catalog().await?;
            let json = serde_json::to_string_pretty(&current.catalog)
                .map_err(|e| Failure::environment("无法输出目录", e))?;
            println!("{json}");
        }
        CatalogCommand::Import {
            db,
            items,
            bundles,
            note,
        } => {
            let catalog = Catalog::from_toml(&read(&items)?, &read(&bundles)?)
                .map_err(|e| Failure::usage(e.message_zh(), e.to_string()))?;
            let store = Store::open(&db).await?;
            store.ensure_shipped_catalog(Utc::now()).await?;
            match store
                .import_catalog(&catalog, "cli", &note, Utc::now())
                .await?
            {
                Imported::NewVersion(v) => {
                    println!("已创建事项目录第 {v} 版 / catalogue version {v} created")
                }
                Imported::Unchanged(v) => {
                    println!("内容未变化，仍为第 {v} 版 / unchanged, still version {v}")
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn read(path: &Path) -> Result<String, Failure> {
    std::fs::read_to_string(path).map_err(|e| {
        Failure::usage(
            format!("无法读取 {}：{e}", path.display()),
            format!("cannot read {}: {e}", path.display()),
        )
    })
}

//! Where `onething serve` gets the platform's signing key: a file outside the database
//! (`[platform] key`, `ONETHING_PLATFORM_KEY`; beside a SQLite database by default). A
//! missing file is created (mode 0600), from the key an earlier version kept in the
//! database if there is one (which is then deleted from the database), else a new key.

use std::path::{Path, PathBuf};

use onething_exchange::signature;
use onething_store::{Backend, Store};
use onething_web::PlatformKeys;

use super::dept::write_new;
use crate::config::PlatformSection;
use crate::failure::Failure;

/// The key file's path: the environment, the config file, or beside the SQLite file.
fn key_path(section: &PlatformSection, db: &str) -> Result<PathBuf, Failure> {
    if let Some(path) = std::env::var_os("ONETHING_PLATFORM_KEY").filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(path));
    }
    if let Some(path) = &section.key {
        return Ok(path.clone());
    }
    match Backend::from_url(db)? {
        Backend::Sqlite => {
            let file = db.trim_start_matches("sqlite:").trim_start_matches("//");
            let file = file.split('?').next().unwrap_or(file);
            let dir = Path::new(file).parent().unwrap_or(Path::new("."));
            Ok(dir.join("platform.key"))
        }
        Backend::Postgres => Err(Failure::usage(
            "使用 PostgreSQL 时须在配置文件 [platform] key 中指定平台签名密钥文件（各应用服务器共用同一文件）",
            "with PostgreSQL set [platform] key (or ONETHING_PLATFORM_KEY) to the platform key file, the same on every app server",
        )),
    }
}

/// The platform's keys for `AppState::with_platform_keys`.
pub async fn load(
    store: &Store,
    section: &PlatformSection,
    db: &str,
) -> Result<PlatformKeys, Failure> {
    let path = key_path(section, db)?;
    if !path.exists() {
        create(store, &path).await?;
    }
    let keys = PlatformKeys::from_files(&path, &section.retired_keys).map_err(|e| {
        Failure::usage(
            format!("平台签名密钥无法读取：{e}"),
            format!("platform key unreadable: {e}"),
        )
    })?;
    if store.legacy_platform_key().await?.is_some() {
        // The file is the key from now on; a copy in the database would only leak.
        store.forget_legacy_platform_key().await?;
        tracing::warn!(file = %path.display(), "platform key found in the database deleted: the key file is used");
    }
    Ok(keys)
}

async fn create(store: &Store, path: &Path) -> Result<(), Failure> {
    let pem = match store.legacy_platform_key().await? {
        Some(pem) => pem,
        None => {
            let key = signature::generate_signing_key()
                .map_err(|e| Failure::environment("无法生成平台签名密钥", e))?;
            signature::signing_key_to_pem(&key)
                .map_err(|e| Failure::environment("无法生成平台签名密钥", e))?
        }
    };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| Failure::environment("无法创建平台签名密钥目录", e))?;
    }
    write_new(path, pem.as_bytes(), 0o600)?;
    tracing::info!(file = %path.display(), "platform key file written");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_key_moves_out_of_the_database_into_a_private_file() {
        let dir = tempfile::tempdir().expect("dir");
        let db = format!("sqlite://{}/a.db", dir.path().display());
        let store = Store::open(&db).await.expect("store");
        let legacy = signature::generate_signing_key().expect("key");
        let legacy_pem = signature::signing_key_to_pem(&legacy).expect("pem");
        sqlx::query(
            "INSERT INTO platform_keys (id, private_pem, public_pem, created_at)
             VALUES ('platform', $1, 'x', '2024-01-01T00:00:00Z')",
        )
        .bind(&legacy_pem)
        .execute(store.pool())
        .await
        .expect("legacy key");
        let keys = load(&store, &PlatformSection::default(), &db)
            .await
            .expect("keys");
        assert_eq!(
            keys.signing_key().verifying_key(),
            legacy.verifying_key(),
            "departments keep the key they know"
        );
        assert_eq!(store.legacy_platform_key().await.expect("read"), None);
        let file = dir.path().join("platform.key");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&file).expect("file").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let again = load(&store, &PlatformSection::default(), &db)
            .await
            .expect("keys");
        assert_eq!(
            again.signing_key().verifying_key(),
            legacy.verifying_key(),
            "the file is read on the next start"
        );
        let pg = load(&store, &PlatformSection::default(), "postgres://h/db").await;
        assert!(pg.is_err(), "PostgreSQL needs the key file configured");
    }
}

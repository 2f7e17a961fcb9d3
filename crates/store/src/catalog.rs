//! Catalogue versions (SC-1 动态调整): every change of the catalogue is a new immutable
//! version; a case records the version it was opened under and keeps it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use onething_domain::catalog::Catalog;
use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::text::{instant, json, parse_instant, parse_json};
use crate::{Store, StoreError};

/// One stored catalogue version.
#[derive(Debug, Clone)]
pub struct CatalogVersion {
    pub version: i64,
    pub catalog: Catalog,
    pub content_sha256: String,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    pub note: String,
}

/// What an import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Imported {
    /// The content differs from the current version: a new version was written.
    NewVersion(i64),
    /// The content equals the current version: nothing was written.
    Unchanged(i64),
}

impl Imported {
    pub fn version(self) -> i64 {
        match self {
            Imported::NewVersion(v) | Imported::Unchanged(v) => v,
        }
    }
}

fn content_hash(content: &str) -> String {
    hex::encode(Sha256::digest(content.as_bytes()))
}

impl Store {
    /// Stores `catalog` as the current version unless it equals the current one.
    /// The catalogue is validated first; an invalid one is refused and nothing is written.
    pub async fn import_catalog(
        &self,
        catalog: &Catalog,
        by: &str,
        note: &str,
        at: DateTime<Utc>,
    ) -> Result<Imported, StoreError> {
        let mut tx = self.begin_write().await?;
        let imported = import_in(&mut tx, catalog, by, note, at, None).await?;
        tx.commit().await?;
        Ok(imported)
    }

    /// A change made on version `on` (an administrator's edit, SC-1): the version check, the
    /// new version and its audit entry in one transaction. `Conflict` when another version
    /// was written since `on`; nothing is written then.
    pub async fn change_catalog(
        &self,
        catalog: &Catalog,
        on: i64,
        by: &str,
        note: &str,
        at: DateTime<Utc>,
        audit: &crate::audit::NewAuditEntry,
    ) -> Result<Imported, StoreError> {
        let mut tx = self.begin_write().await?;
        let imported = import_in(&mut tx, catalog, by, note, at, Some(on)).await?;
        crate::audit::append_audit_in(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(imported)
    }

    /// Imports the shipped catalogue unless that exact content was imported before, so a
    /// bureau's own later version is not overwritten at every start.
    pub async fn ensure_shipped_catalog(&self, at: DateTime<Utc>) -> Result<i64, StoreError> {
        let shipped = Catalog::shipped();
        let sha = content_hash(&json(&shipped)?);
        let seen: Option<i64> = sqlx::query_scalar(
            "SELECT MAX(version) FROM catalog_versions WHERE content_sha256 = $1",
        )
        .bind(&sha)
        .fetch_one(self.pool())
        .await?;
        match seen {
            Some(_) => Ok(self.current_catalog().await?.version),
            None => Ok(self
                .import_catalog(&shipped, "system", "随平台发布的事项目录", at)
                .await?
                .version()),
        }
    }

    /// The newest catalogue version.
    pub async fn current_catalog(&self) -> Result<Arc<CatalogVersion>, StoreError> {
        let latest: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM catalog_versions")
            .fetch_one(self.pool())
            .await?;
        let latest = latest.ok_or(StoreError::NotFound {
            what: "catalog",
            id: "current".into(),
        })?;
        self.catalog_version(latest).await
    }

    /// A given catalogue version (the one a case was opened under). Read once per process:
    /// a version never changes once written.
    pub async fn catalog_version(&self, version: i64) -> Result<Arc<CatalogVersion>, StoreError> {
        if let Some(known) = self.catalogs().get(version) {
            return Ok(known);
        }
        let row = sqlx::query(
            "SELECT version, content, content_sha256, created_at, created_by, note
             FROM catalog_versions WHERE version = $1",
        )
        .bind(version)
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound {
            what: "catalog version",
            id: version.to_string(),
        })?;
        let read = Arc::new(version_from_row(&row)?);
        self.catalogs().keep(&read);
        Ok(read)
    }
}

/// The catalogue versions this process has read, by number. Each case look-up names the
/// version its case was opened under; reading and parsing its JSON every time was an eighth
/// of a look-up's CPU (docs/benchmarks.md, "Look-ups, fourth cut"). Versions are immutable
/// (a change of the catalogue is a new version), so what is kept never goes stale.
#[derive(Debug, Default)]
pub(crate) struct CatalogCache(Mutex<HashMap<i64, Arc<CatalogVersion>>>);

impl CatalogCache {
    fn get(&self, version: i64) -> Option<Arc<CatalogVersion>> {
        self.0.lock().ok()?.get(&version).cloned()
    }

    fn keep(&self, read: &Arc<CatalogVersion>) {
        if let Ok(mut kept) = self.0.lock() {
            kept.insert(read.version, Arc::clone(read));
        }
    }
}

fn version_from_row(row: &sqlx::any::AnyRow) -> Result<CatalogVersion, StoreError> {
    let content: String = row.try_get("content")?;
    let created_at: String = row.try_get("created_at")?;
    Ok(CatalogVersion {
        version: row.try_get("version")?,
        catalog: parse_json(&content)?,
        content_sha256: row.try_get("content_sha256")?,
        created_at: parse_instant(&created_at)?,
        created_by: row.try_get("created_by")?,
        note: row.try_get("note")?,
    })
}

/// Writes `catalog` as the next version inside `tx` unless the latest has the same content;
/// with `on`, only when the latest version is `on` (else `Conflict`).
async fn import_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    catalog: &Catalog,
    by: &str,
    note: &str,
    at: DateTime<Utc>,
    on: Option<i64>,
) -> Result<Imported, StoreError> {
    catalog.validate()?;
    let content = json(catalog)?;
    let sha = content_hash(&content);
    let latest: Option<(i64, String)> = sqlx::query_as(
        "SELECT version, content_sha256 FROM catalog_versions ORDER BY version DESC LIMIT 1",
    )
    .fetch_optional(&mut **tx)
    .await?;
    if let Some(expected) = on
        && latest.as_ref().map(|(v, _)| *v) != Some(expected)
    {
        return Err(StoreError::Conflict {
            what: "catalog version",
            id: expected.to_string(),
        });
    }
    if let Some((version, latest_sha)) = &latest
        && *latest_sha == sha
    {
        return Ok(Imported::Unchanged(*version));
    }
    let version = latest.map_or(1, |(v, _)| v + 1);
    sqlx::query(
        "INSERT INTO catalog_versions (version, content, content_sha256, created_at, created_by, note)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(version)
    .bind(&content)
    .bind(&sha)
    .bind(instant(at))
    .bind(by)
    .bind(note)
    .execute(&mut **tx)
    .await?;
    Ok(Imported::NewVersion(version))
}

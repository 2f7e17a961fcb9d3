//! Registered department systems and their signing keys (contract: `onething dept add`).
//!
//! A department has one or more Ed25519 public keys. Rotation adds a new key while the old
//! one stays valid for an overlap (`valid_until`), so the department can switch its systems
//! over without a window in which its pushes fail; revocation ends a key at once. A push is
//! checked against every key valid at the moment it arrives.

use chrono::{DateTime, Utc};
use onething_domain::department::{DepartmentKind, HospitalLevel};
use onething_exchange::signature::{VerifyingKey, verifying_key_from_pem, verifying_key_to_pem};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::text::{instant, parse_instant};
use crate::{Store, StoreError};

pub use onething_exchange::signature::key_id;

/// A department system to register.
#[derive(Debug, Clone)]
pub struct NewDepartment {
    pub id: String,
    pub name: String,
    pub kind: DepartmentKind,
    /// Where the platform delivers results to this department (outbox), if anywhere.
    pub webhook_url: Option<String>,
}

/// A registered department system.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Department {
    pub id: String,
    pub name: String,
    pub kind: DepartmentKind,
    pub webhook_url: Option<String>,
    /// A hospital's grade (一级/二级/三级), once set; other kinds have none.
    pub hospital_level: Option<HospitalLevel>,
    pub created_at: DateTime<Utc>,
}

/// One public key of a department and its validity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepartmentKey {
    pub dept_id: String,
    /// First 16 hex digits of the SHA-256 of the raw key: shown to operators, stored in
    /// push receipts.
    pub key_id: String,
    pub public_key_pem: String,
    pub valid_from: DateTime<Utc>,
    pub valid_until: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl DepartmentKey {
    /// Valid at `at`: started, not expired, not revoked.
    pub fn is_valid_at(&self, at: DateTime<Utc>) -> bool {
        self.valid_from <= at
            && self.valid_until.is_none_or(|until| at < until)
            && self.revoked_at.is_none_or(|revoked| at < revoked)
    }
}

/// A key a push may be verified with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActiveKey {
    pub key_id: String,
    pub key: VerifyingKey,
}

const KEY_COLUMNS: &str = "dept_id, key_id, public_key_pem, valid_from, valid_until, revoked_at";

impl Store {
    /// Registers a department with its first key, valid from `at`. A department id already
    /// in use is refused by the database ([`StoreError::is_unique_violation`]).
    pub async fn add_department(
        &self,
        new: &NewDepartment,
        key: &VerifyingKey,
        at: DateTime<Utc>,
    ) -> Result<Department, StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO departments (id, name, kind, webhook_url, created_at)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&new.id)
        .bind(&new.name)
        .bind(new.kind.as_str())
        .bind(new.webhook_url.as_deref())
        .bind(instant(at))
        .execute(&mut *tx)
        .await?;
        insert_key(&mut tx, &new.id, key, at).await?;
        tx.commit().await?;
        Ok(Department {
            id: new.id.clone(),
            name: new.name.clone(),
            kind: new.kind,
            webhook_url: new.webhook_url.clone(),
            hospital_level: None,
            created_at: at,
        })
    }

    pub async fn department(&self, id: &str) -> Result<Option<Department>, StoreError> {
        let row = sqlx::query(
            "SELECT id, name, kind, webhook_url, hospital_level, created_at FROM departments
             WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(department_of).transpose()
    }

    /// Sets a hospital's grade; false when `id` is not a registered hospital.
    pub async fn set_hospital_level(
        &self,
        id: &str,
        level: HospitalLevel,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE departments SET hospital_level = $1 WHERE id = $2 AND kind = 'hospital'",
        )
        .bind(i64::from(level.number()))
        .bind(id)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn departments(&self) -> Result<Vec<Department>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, name, kind, webhook_url, hospital_level, created_at FROM departments
             ORDER BY id",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(department_of).collect()
    }

    /// Adds another key valid from `valid_from`, leaving the others as they are.
    pub async fn add_department_key(
        &self,
        dept_id: &str,
        key: &VerifyingKey,
        valid_from: DateTime<Utc>,
    ) -> Result<DepartmentKey, StoreError> {
        let mut tx = self.begin_write().await?;
        ensure_department(&mut tx, dept_id).await?;
        let added = insert_key(&mut tx, dept_id, key, valid_from).await?;
        tx.commit().await?;
        Ok(added)
    }

    /// Rotation: adds `key`, valid from `at`, and ends every other open-ended key at
    /// `old_valid_until` (the overlap during which both are accepted).
    pub async fn rotate_department_key(
        &self,
        dept_id: &str,
        key: &VerifyingKey,
        at: DateTime<Utc>,
        old_valid_until: DateTime<Utc>,
    ) -> Result<DepartmentKey, StoreError> {
        let mut tx = self.begin_write().await?;
        ensure_department(&mut tx, dept_id).await?;
        sqlx::query(
            "UPDATE department_keys SET valid_until = $2
             WHERE dept_id = $1 AND revoked_at IS NULL
               AND (valid_until IS NULL OR valid_until > $2)",
        )
        .bind(dept_id)
        .bind(instant(old_valid_until))
        .execute(&mut *tx)
        .await?;
        let added = insert_key(&mut tx, dept_id, key, at).await?;
        tx.commit().await?;
        Ok(added)
    }

    /// Revokes a key from `at` on. Revoking an already revoked key keeps the first time.
    pub async fn revoke_department_key(
        &self,
        dept_id: &str,
        key_id: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let done = sqlx::query(
            "UPDATE department_keys SET revoked_at = COALESCE(revoked_at, $3)
             WHERE dept_id = $1 AND key_id = $2",
        )
        .bind(dept_id)
        .bind(key_id)
        .bind(instant(at))
        .execute(self.pool())
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound {
                what: "department key",
                id: format!("{dept_id}/{key_id}"),
            });
        }
        Ok(())
    }

    /// Every key of a department, oldest first.
    pub async fn department_keys(&self, dept_id: &str) -> Result<Vec<DepartmentKey>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {KEY_COLUMNS} FROM department_keys WHERE dept_id = $1 ORDER BY valid_from, key_id"
        )))
        .bind(dept_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(key_of_row).collect()
    }

    /// The keys a push arriving at `at` may be signed with.
    pub async fn verifying_keys_at(
        &self,
        dept_id: &str,
        at: DateTime<Utc>,
    ) -> Result<Vec<ActiveKey>, StoreError> {
        let keys = self.department_keys(dept_id).await?;
        keys.into_iter()
            .filter(|k| k.is_valid_at(at))
            .map(|k| {
                let key = verifying_key_from_pem(&k.public_key_pem).map_err(StoreError::corrupt)?;
                Ok(ActiveKey {
                    key_id: k.key_id,
                    key,
                })
            })
            .collect()
    }
}

type Tx = sqlx::Transaction<'static, sqlx::Any>;

async fn ensure_department(tx: &mut Tx, dept_id: &str) -> Result<(), StoreError> {
    let found = sqlx::query("SELECT id FROM departments WHERE id = $1")
        .bind(dept_id)
        .fetch_optional(&mut **tx)
        .await?;
    match found {
        Some(_) => Ok(()),
        None => Err(StoreError::NotFound {
            what: "department",
            id: dept_id.to_owned(),
        }),
    }
}

async fn insert_key(
    tx: &mut Tx,
    dept_id: &str,
    key: &VerifyingKey,
    valid_from: DateTime<Utc>,
) -> Result<DepartmentKey, StoreError> {
    let stored = DepartmentKey {
        dept_id: dept_id.to_owned(),
        key_id: key_id(key),
        public_key_pem: verifying_key_to_pem(key).map_err(StoreError::corrupt)?,
        valid_from,
        valid_until: None,
        revoked_at: None,
    };
    sqlx::query(
        "INSERT INTO department_keys (dept_id, key_id, public_key_pem, valid_from)
         VALUES ($1, $2, $3, $4)",
    )
    .bind(&stored.dept_id)
    .bind(&stored.key_id)
    .bind(&stored.public_key_pem)
    .bind(instant(valid_from))
    .execute(&mut **tx)
    .await?;
    Ok(stored)
}

fn department_of(row: &AnyRow) -> Result<Department, StoreError> {
    let kind: String = row.try_get("kind")?;
    Ok(Department {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        kind: DepartmentKind::parse(&kind)
            .ok_or_else(|| StoreError::corrupt(format!("department kind {kind:?}")))?,
        webhook_url: row.try_get("webhook_url")?,
        hospital_level: match row.try_get::<Option<i64>, _>("hospital_level")? {
            None => None,
            Some(n) => Some(
                u8::try_from(n)
                    .ok()
                    .and_then(HospitalLevel::from_number)
                    .ok_or_else(|| StoreError::corrupt(format!("hospital level {n}")))?,
            ),
        },
        created_at: parse_instant(&row.try_get::<String, _>("created_at")?)?,
    })
}

fn key_of_row(row: &AnyRow) -> Result<DepartmentKey, StoreError> {
    let optional = |column: &str| -> Result<Option<DateTime<Utc>>, StoreError> {
        row.try_get::<Option<String>, _>(column)?
            .as_deref()
            .map(parse_instant)
            .transpose()
    };
    Ok(DepartmentKey {
        dept_id: row.try_get("dept_id")?,
        key_id: row.try_get("key_id")?,
        public_key_pem: row.try_get("public_key_pem")?,
        valid_from: parse_instant(&row.try_get::<String, _>("valid_from")?)?,
        valid_until: optional("valid_until")?,
        revoked_at: optional("revoked_at")?,
    })
}

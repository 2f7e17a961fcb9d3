//! Accounts: users with their role and scope, Argon2id password hashes ([`Passwords`]), and
//! the case rows an account's scope reaches ([`scoped_cases`]). Sessions and sign-in
//! attempts are in `sessions`, the audit log in `audit`.

mod passwords;
pub mod scoped_cases;
pub mod scoped_due;

use chrono::{DateTime, Utc};
use onething_domain::access::{OwnedScopeFlags, Role, Scope, Username};
use onething_domain::department::DepartmentKind;
use sqlx::Row;
use sqlx::any::AnyRow;
use uuid::Uuid;

pub use passwords::Passwords;

use crate::audit::{NewAuditEntry, append_audit_in};
use crate::text::{instant, parse_instant};
use crate::{Store, StoreError};

/// An account as the platform uses it once signed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: String,
    pub username: Username,
    pub role: Role,
    pub scope: Scope,
    /// A disabled account cannot sign in and its sessions stop working.
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
}

/// An account with its password hash, read only to check a sign-in.
pub struct Credentials {
    pub user: User,
    pub password_hash: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("user", &self.user)
            .field("password_hash", &"<redacted>")
            .finish()
    }
}

/// An account to open: the hash is made by the caller (`Passwords::hash`).
#[derive(Debug, Clone, Copy)]
pub struct NewAccount<'a> {
    pub username: &'a Username,
    pub role: Role,
    pub scope: &'a Scope,
    pub password_hash: &'a str,
}

const USER_COLUMNS: &str = "id, username, role, employer_uscc, person_id, dept_id, dept_kind, region, disabled, created_at";

impl Store {
    /// Creates an account. A taken username fails with a unique violation
    /// ([`StoreError::is_unique_violation`]).
    pub async fn add_user(
        &self,
        username: &Username,
        role: Role,
        scope: &Scope,
        password_hash: &str,
        at: DateTime<Utc>,
    ) -> Result<User, StoreError> {
        let account = NewAccount {
            username,
            role,
            scope,
            password_hash,
        };
        let mut conn = self.pool().acquire().await?;
        insert_user(&mut conn, &account, at).await
    }

    /// The account and its password hash, for checking a sign-in.
    pub async fn credentials(
        &self,
        username: &Username,
    ) -> Result<Option<Credentials>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS}, password_hash FROM users WHERE username = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(username.as_str())
            .fetch_optional(self.pool())
            .await?;
        row.map(|r| {
            Ok(Credentials {
                user: user_from_row(&r)?,
                password_hash: r.try_get("password_hash")?,
            })
        })
        .transpose()
    }

    pub async fn user(&self, id: &str) -> Result<User, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| StoreError::NotFound {
                what: "user",
                id: id.to_owned(),
            })?;
        user_from_row(&row)
    }

    /// Every account, by username.
    pub async fn list_users(&self) -> Result<Vec<User>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users ORDER BY username");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(user_from_row).collect()
    }

    /// Opens an account and records who opened it (`user_added`), in one transaction: an
    /// account never exists without its audit entry. A taken username fails with a unique
    /// violation and writes nothing.
    pub async fn open_account(
        &self,
        account: &NewAccount<'_>,
        by: (&str, Option<Role>),
        at: DateTime<Utc>,
    ) -> Result<User, StoreError> {
        let mut tx = self.begin_write().await?;
        let user = insert_user(&mut tx, account, at).await?;
        let entry = NewAuditEntry {
            at,
            actor: by.0.to_owned(),
            role: by.1,
            action: "user_added".to_owned(),
            subject_type: "user".to_owned(),
            subject_id: account.username.to_string(),
            case_id: None,
            detail: serde_json::json!({
                "role": account.role.as_str(),
                "scope": account.scope.masked_value(),
            }),
        };
        append_audit_in(&mut tx, &entry).await?;
        tx.commit().await?;
        Ok(user)
    }

    /// Disables or re-enables an account (its sessions stop working while disabled).
    pub async fn set_user_disabled(&self, id: &str, disabled: bool) -> Result<(), StoreError> {
        let done = sqlx::query("UPDATE users SET disabled = $1 WHERE id = $2")
            .bind(i64::from(disabled))
            .bind(id)
            .execute(self.pool())
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound {
                what: "user",
                id: id.to_owned(),
            });
        }
        self.accounts_changed().await
    }
}

async fn insert_user(
    conn: &mut sqlx::AnyConnection,
    account: &NewAccount<'_>,
    at: DateTime<Utc>,
) -> Result<User, StoreError> {
    let id = Uuid::new_v4().simple().to_string();
    let flags = account.scope.flags();
    sqlx::query(
        "INSERT INTO users (id, username, role, employer_uscc, person_id, dept_id, dept_kind, region, password_hash, disabled, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, $10)",
    )
    .bind(&id)
    .bind(account.username.as_str())
    .bind(account.role.as_str())
    .bind(flags.employer.as_deref())
    .bind(flags.person.as_deref())
    .bind(flags.dept.as_ref().map(|(id, _)| id.as_str()))
    .bind(flags.dept.as_ref().map(|(_, kind)| kind.as_str()))
    .bind(flags.region.as_deref())
    .bind(account.password_hash)
    .bind(instant(at))
    .execute(&mut *conn)
    .await?;
    Ok(User {
        id,
        username: account.username.clone(),
        role: account.role,
        scope: account.scope.clone(),
        disabled: false,
        created_at: at,
    })
}

pub(crate) fn user_from_row(row: &AnyRow) -> Result<User, StoreError> {
    let username: String = row.try_get("username")?;
    let role_text: String = row.try_get("role")?;
    let role = Role::parse(&role_text)
        .ok_or_else(|| StoreError::corrupt(format!("user role {role_text:?}")))?;
    let disabled: i64 = row.try_get("disabled")?;
    let created_at: String = row.try_get("created_at")?;
    Ok(User {
        id: row.try_get("id")?,
        username: Username::parse(&username)
            .map_err(|e| StoreError::corrupt(format!("username {username:?}: {e}")))?,
        role,
        scope: scope_from_row(row, role)?,
        disabled: disabled != 0,
        created_at: parse_instant(&created_at)?,
    })
}

fn scope_from_row(row: &AnyRow, role: Role) -> Result<Scope, StoreError> {
    let dept_id: Option<String> = row.try_get("dept_id")?;
    let dept_kind: Option<String> = row.try_get("dept_kind")?;
    let dept = match (dept_id, dept_kind) {
        (Some(id), Some(kind)) => Some((
            id,
            DepartmentKind::parse(&kind)
                .ok_or_else(|| StoreError::corrupt(format!("department kind {kind:?}")))?,
        )),
        _ => None,
    };
    let flags = OwnedScopeFlags {
        employer: row.try_get("employer_uscc")?,
        dept,
        person: row.try_get("person_id")?,
        region: row.try_get("region")?,
    };
    Scope::stored(role, flags.borrowed())
        .map_err(|e| StoreError::corrupt(format!("scope of a {role} account: {e}")))
}

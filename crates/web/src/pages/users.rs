//! `/admin/users`: the accounts (scopes masked), a form to open one, and a switch to disable
//! or re-enable one. Opening an account here and with `onething user add` is the same store
//! transaction (`Store::open_account`), so both leave the same `user_added` audit entry.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;
use onething_domain::access::{Role, Scope, ScopeFlags, ScopeKind, Username, check_new_password};
use onething_store::accounts::{NewAccount, User};
use onething_store::audit::NewAuditEntry;
use serde::Deserialize;

use super::chrome::{Chrome, Signed, redirect_with};
use super::{PageError, china_time, html};
use crate::AppState;
use crate::auth::CurrentUser;

const ADMIN: &[Role] = &[Role::Admin];

struct UserRow {
    id: String,
    username: String,
    role: &'static str,
    scope: String,
    disabled: bool,
    created: String,
}

struct RoleOption {
    value: &'static str,
    label: &'static str,
    selected: bool,
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    chrome: Chrome,
    rows: Vec<UserRow>,
    roles: Vec<RoleOption>,
    form: AddForm,
    error: Option<String>,
    notice: Option<String>,
}

/// The add form as posted (and shown again, without the password, on an error).
#[derive(Debug, Default, Clone, Deserialize)]
pub(crate) struct AddForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    role: String,
    /// The USCC, citizen id, department id or region code, as the role needs.
    #[serde(default)]
    scope: String,
    #[serde(default, skip_serializing)]
    password: String,
}

/// `GET /admin/users`.
pub(crate) async fn list(
    State(state): State<AppState>,
    Signed { user, chrome }: Signed,
) -> Result<Response, PageError> {
    user.require(ADMIN)?;
    render(&state, chrome, AddForm::default(), None, StatusCode::OK).await
}

/// `POST /admin/users`: opens an account; on a mistake the form comes back, naming the field.
pub(crate) async fn add(
    State(state): State<AppState>,
    Signed { user, chrome }: Signed,
    body: Bytes,
) -> Result<Response, PageError> {
    user.require(ADMIN)?;
    let form: AddForm = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    match open(&state, &user, &form).await {
        Ok(()) => Ok(redirect_with("/admin/users?added=1", None)),
        Err(message) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            render(&state, chrome, form, Some(message), status).await
        }
    }
}

#[derive(Debug, Default, Deserialize)]
struct DisableForm {
    #[serde(default)]
    disabled: String,
}

/// `POST /admin/users/{id}/disabled` with `disabled=true|false`.
pub(crate) async fn set_disabled(
    State(state): State<AppState>,
    Signed { user, .. }: Signed,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    user.require(ADMIN)?;
    let form: DisableForm = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let disabled = form.disabled == "true";
    let target = state.store.user(&id).await.map_err(crate::ApiError::from)?;
    state
        .store
        .set_user_disabled(&id, disabled)
        .await
        .map_err(crate::ApiError::from)?;
    let entry = NewAuditEntry {
        at: state.now(),
        actor: user.username().to_owned(),
        role: Some(user.role()),
        action: if disabled {
            "user_disabled"
        } else {
            "user_enabled"
        }
        .to_owned(),
        subject_type: "user".to_owned(),
        subject_id: target.username.to_string(),
        case_id: None,
        detail: serde_json::json!({}),
    };
    state
        .store
        .append_audit(&entry)
        .await
        .map_err(crate::ApiError::from)?;
    Ok(redirect_with("/admin/users", None))
}

/// Validates the form and opens the account; the error is the Chinese message to show.
async fn open(state: &AppState, admin: &CurrentUser, form: &AddForm) -> Result<(), String> {
    let username =
        Username::parse(form.username.trim()).map_err(|e| format!("用户名：{}", e.message_zh()))?;
    let role = Role::parse(form.role.trim()).ok_or_else(|| "角色：请选择角色".to_owned())?;
    check_new_password(&form.password).map_err(|e| format!("初始密码：{}", e.message_zh()))?;
    let scope = scope_of(state, role, form.scope.trim()).await?;
    let passwords = state.auth.passwords.clone();
    let password = form.password.clone();
    let hash = tokio::task::spawn_blocking(move || passwords.hash(&password))
        .await
        .map_err(|_| "服务器内部错误，请稍后重试".to_owned())?
        .map_err(|_| "服务器内部错误，请稍后重试".to_owned())?;
    let account = NewAccount {
        username: &username,
        role,
        scope: &scope,
        password_hash: &hash,
    };
    let by = (admin.username(), Some(admin.role()));
    match state.store.open_account(&account, by, Utc::now()).await {
        Ok(_) => Ok(()),
        Err(e) if e.is_unique_violation() => Err(format!("用户名：“{username}”已存在")),
        Err(e) => {
            tracing::error!(error = %e, "opening an account failed");
            Err("服务器内部错误，请稍后重试".to_owned())
        }
    }
}

/// The scope the role needs, from the one scope field.
async fn scope_of(state: &AppState, role: Role, text: &str) -> Result<Scope, String> {
    let given = (!text.is_empty()).then_some(text);
    let mut flags = ScopeFlags::default();
    match role.scope_kind() {
        ScopeKind::Platform => {}
        ScopeKind::Employer => flags.employer = given,
        ScopeKind::Person => flags.person = given,
        ScopeKind::Region => flags.region = given,
        ScopeKind::Department => {
            let kind = registered_kind(state, given).await?;
            flags.dept = given.map(|id| (id, kind));
        }
        // One field for two values: `HOSPITAL_ID/REGION` (as the scope is shown).
        ScopeKind::Hospital => {
            let (id, region) = match given.and_then(|t| t.split_once('/')) {
                Some((id, region)) => (Some(id.trim()), Some(region.trim())),
                None => (given, None),
            };
            let kind = registered_kind(state, id).await?;
            flags.dept = id.map(|id| (id, kind));
            flags.region = region;
        }
    }
    Scope::for_role(role, flags).map_err(|e| format!("范围：{}", e.message_zh()))
}

async fn registered_kind(
    state: &AppState,
    id: Option<&str>,
) -> Result<Option<onething_domain::department::DepartmentKind>, String> {
    match id {
        Some(id) => Ok(state
            .store
            .department(id)
            .await
            .map_err(|_| "服务器内部错误，请稍后重试".to_owned())?
            .map(|d| d.kind)),
        None => Ok(None),
    }
}

async fn render(
    state: &AppState,
    chrome: Chrome,
    form: AddForm,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let users = state
        .store
        .list_users()
        .await
        .map_err(crate::ApiError::from)?;
    let notice = chrome
        .here
        .contains("added=1")
        .then(|| "已开设账号，并记入审计日志。".to_owned());
    let roles = Role::ALL
        .iter()
        .map(|r| RoleOption {
            value: r.as_str(),
            label: r.label_zh(),
            selected: r.as_str() == form.role,
        })
        .collect();
    let page = UsersPage {
        chrome,
        rows: users.into_iter().map(user_row).collect(),
        roles,
        form: AddForm {
            password: String::new(),
            ..form
        },
        error,
        notice,
    };
    html(status, &page)
}

fn user_row(user: User) -> UserRow {
    UserRow {
        id: user.id,
        username: user.username.to_string(),
        role: user.role.label_zh(),
        scope: user
            .scope
            .masked_value()
            .unwrap_or_else(|| "全平台".to_owned()),
        disabled: user.disabled,
        created: china_time(user.created_at),
    }
}

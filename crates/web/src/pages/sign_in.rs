//! `/` (start page of the role), `/login` (the sign-in form, signing in through the same code
//! as `POST /api/v1/session`: throttling, audit, session cookie) and `/logout`.

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::{CONTENT_TYPE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use serde::Deserialize;

use super::chrome::{Chrome, Visitor, home_of, redirect_with};
use super::{PageError, html, ok};
use crate::AppState;
use crate::auth::{AuthError, CurrentUser};
use crate::routes::session;

/// `GET /`: the signed-in user's start page, or the sign-in form.
pub(crate) async fn home(visitor: Visitor) -> Response {
    match visitor.user {
        Some(user) => redirect_with(home_of(user.role()), None),
        None => redirect_with("/login", None),
    }
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    chrome: Chrome,
    username: String,
    error: Option<String>,
}

/// `GET /login`.
pub(crate) async fn form(visitor: Visitor) -> Result<Response, PageError> {
    if let Some(user) = &visitor.user {
        return Ok(redirect_with(home_of(user.role()), None));
    }
    ok(&LoginPage {
        chrome: visitor.chrome,
        username: String::new(),
        error: None,
    })
}

#[derive(Debug, Default, Deserialize)]
struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

/// `POST /login`: signs in with `POST /api/v1/session`'s own handler, then goes to the start
/// page with the session cookie; a failure shows the form again with the name kept.
pub(crate) async fn submit(
    State(state): State<AppState>,
    mut parts: Parts,
    body: Bytes,
) -> Result<Response, PageError> {
    let login: LoginForm = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let chrome = Chrome::new(&parts.headers, "/login", None);
    let json = serde_json::json!({ "username": login.username, "password": login.password });
    parts
        .headers
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    let answer = session::sign_in(State(state), parts, Bytes::from(json.to_string())).await;
    let failure = match answer {
        Ok(response) if response.status() == StatusCode::OK => {
            return Ok(signed_in(&response, &login.username));
        }
        Ok(_) => "请填写用户名和密码".to_owned(),
        Err(AuthError::InvalidCredentials) => "用户名或密码错误，请重新输入".to_owned(),
        Err(e @ AuthError::TooManyAttempts { .. }) => {
            return Err(e.into());
        }
        Err(other) => return Err(other.into()),
    };
    html(
        StatusCode::UNAUTHORIZED,
        &LoginPage {
            chrome,
            username: login.username,
            error: Some(failure),
        },
    )
}

/// 303 to `/` carrying the session cookie the API handler set.
fn signed_in(response: &Response, username: &str) -> Response {
    tracing::info!(username, "signed in through the page");
    redirect_with("/", response.headers().get(SET_COOKIE).cloned())
}

/// `POST /logout` (with the CSRF token): ends the session like `DELETE /api/v1/session`.
pub(crate) async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: Result<CurrentUser, AuthError>,
) -> Result<Response, PageError> {
    let Ok(user) = user else {
        return Ok(redirect_with("/login", None));
    };
    let response = session::sign_out(State(state), headers, user).await?;
    Ok(redirect_with(
        "/login",
        response.headers().get(SET_COOKIE).cloned(),
    ))
}

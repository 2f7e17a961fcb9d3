//! The one HTML face of errors. Handlers return `Result<_, PageError>`; `PageError` comes
//! from [`ApiError`] (so statuses and Chinese messages are those of `crate::error`) and from
//! the sign-in extractor. A missing session becomes 303 to `/login`; anything else becomes a
//! marker response that [`render_failures`] turns into the error page, drawn with the
//! visitor's header, navigation and elder mode.

use askama::Template;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::http::header::RETRY_AFTER;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::chrome::{Chrome, redirect_with};
use crate::auth::{AuthError, CurrentUser};
use crate::{ApiError, AppState};

/// Why a page could not be shown.
#[derive(Debug)]
pub(crate) enum PageError {
    /// No live session: go and sign in.
    SignIn,
    /// An error page with this status and message.
    Show {
        status: StatusCode,
        message: String,
        retry_after: Option<u64>,
    },
}

impl PageError {
    pub(crate) fn internal(detail: impl std::fmt::Display) -> PageError {
        tracing::error!(error = %detail, "page failed");
        PageError::Show {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            message: "服务器内部错误，请稍后重试".to_owned(),
            retry_after: None,
        }
    }
}

impl From<ApiError> for PageError {
    fn from(e: ApiError) -> Self {
        if e.status == StatusCode::UNAUTHORIZED {
            return PageError::SignIn;
        }
        PageError::Show {
            status: e.status,
            message: e.message,
            retry_after: None,
        }
    }
}

impl From<AuthError> for PageError {
    fn from(e: AuthError) -> Self {
        let retry_after = match &e {
            AuthError::TooManyAttempts { retry_after_secs } => Some(*retry_after_secs),
            _ => None,
        };
        match ApiError::from(e).into() {
            PageError::Show {
                status, message, ..
            } => PageError::Show {
                status,
                message,
                retry_after,
            },
            sign_in => sign_in,
        }
    }
}

impl From<onething_store::StoreError> for PageError {
    fn from(e: onething_store::StoreError) -> Self {
        ApiError::from(e).into()
    }
}

impl From<onething_domain::access::AccessDenied> for PageError {
    fn from(e: onething_domain::access::AccessDenied) -> Self {
        ApiError::from(e).into()
    }
}

impl From<onething_domain::CalendarError> for PageError {
    fn from(e: onething_domain::CalendarError) -> Self {
        ApiError::from(e).into()
    }
}

/// Carried by the marker response from the handler to [`render_failures`].
#[derive(Debug, Clone)]
struct Failure {
    message: String,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            PageError::SignIn => redirect_with("/login", None),
            PageError::Show {
                status,
                message,
                retry_after,
            } => {
                let mut response = status.into_response();
                response.extensions_mut().insert(Failure { message });
                if let Some(secs) = retry_after {
                    response.headers_mut().insert(RETRY_AFTER, secs.into());
                }
                response
            }
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    chrome: Chrome,
    title: &'static str,
    message: String,
    status: u16,
}

fn title_of(status: StatusCode) -> &'static str {
    match status {
        StatusCode::NOT_FOUND => "未找到",
        StatusCode::FORBIDDEN => "无权访问",
        StatusCode::TOO_MANY_REQUESTS => "操作过于频繁",
        StatusCode::SERVICE_UNAVAILABLE => "暂时无法办理",
        s if s.is_client_error() => "请求有误",
        _ => "系统繁忙",
    }
}

/// The middleware of the page routes: draws the error page for a [`PageError`] response.
pub(crate) async fn render_failures(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let (parts, body) = request.into_parts();
    let mut probe = parts.clone();
    let response = next.run(Request::from_parts(parts, body)).await;
    let Some(failure) = response.extensions().get::<Failure>().cloned() else {
        return response;
    };
    let user = <CurrentUser as axum::extract::FromRequestParts<AppState>>::from_request_parts(
        &mut probe, &state,
    )
    .await
    .ok();
    let here = probe.uri.path_and_query().map_or("/", |p| p.as_str());
    let page = ErrorPage {
        chrome: Chrome::new(&probe.headers, here, user.as_ref()),
        title: title_of(response.status()),
        message: failure.message,
        status: response.status().as_u16(),
    };
    let status = response.status();
    let mut rendered = match page.render() {
        Ok(body) => (
            status,
            super::chrome::page_headers(),
            axum::response::Html(body),
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "error page failed to render");
            (status, failure_text(status)).into_response()
        }
    };
    if let Some(retry) = response.headers().get(RETRY_AFTER) {
        rendered.headers_mut().insert(RETRY_AFTER, retry.clone());
    }
    rendered
}

fn failure_text(status: StatusCode) -> &'static str {
    title_of(status)
}

//! The signed-in user, extracted from a bearer token or the session cookie.

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use chrono::{DateTime, Utc};
use onething_domain::access::{Role, Scope, require_role};
use onething_store::accounts::User;
use onething_store::sessions::ActiveSession;

use super::AuthError;
use super::cookie::{over_tls, session_cookie};
use crate::{ApiError, AppState};

/// How the request proved who it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Credential {
    /// `Authorization: Bearer TOKEN`: API clients. Browsers never add it on their own, so
    /// such requests need no CSRF token.
    Bearer,
    /// The `onething_session` cookie: pages. State changes need the CSRF token.
    Cookie,
}

/// A signed-in user with a live session. Taking it as a handler argument is what makes a
/// route require sign-in.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub user: User,
    pub via: Credential,
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
    pub idle_expires_at: DateTime<Utc>,
    /// The session token, kept to end the session on sign-out.
    pub(crate) token: String,
}

/// A session the CSRF middleware already looked up, so the extractor does not read it twice.
#[derive(Clone)]
pub(crate) struct ResolvedSession {
    pub token: String,
    pub session: ActiveSession,
}

impl CurrentUser {
    pub fn role(&self) -> Role {
        self.user.role
    }

    pub fn scope(&self) -> &Scope {
        &self.user.scope
    }

    pub fn username(&self) -> &str {
        self.user.username.as_str()
    }

    /// The route-level rule: the user's role must be one of `allowed` (else 403 `FORBIDDEN`).
    pub fn require(&self, allowed: &[Role]) -> Result<(), ApiError> {
        Ok(require_role(self.user.role, allowed)?)
    }

    /// The user as the services layer sees it, acting now. `idempotency_key` is the
    /// request's `Idempotency-Key` header, if it sent one.
    pub fn actor(
        &self,
        state: &AppState,
        idempotency_key: Option<String>,
    ) -> onething_services::Actor {
        onething_services::Actor {
            username: self.username().to_owned(),
            role: self.role(),
            scope: self.scope().clone(),
            at: state.now(),
            idempotency_key,
        }
    }

    /// The actor, if the policy table lets this role do `use_case` (403 otherwise).
    pub fn permit(
        &self,
        state: &AppState,
        use_case: onething_domain::access::UseCase,
    ) -> Result<onething_services::Actor, ApiError> {
        let actor = self.actor(state, None);
        actor.authorize(use_case)?;
        Ok(actor)
    }

    fn from_session(token: String, session: ActiveSession, via: Credential) -> CurrentUser {
        CurrentUser {
            user: session.user,
            via,
            csrf_token: session.csrf_token,
            expires_at: session.expires_at,
            idle_expires_at: session.idle_expires_at,
            token,
        }
    }
}

/// The credential a request carries. An `Authorization` header that is not a bearer token
/// is an error rather than a reason to fall back to the cookie, so a request is never
/// authenticated by something other than what it meant to use.
pub(crate) fn credential(
    parts: &Parts,
    tls: bool,
) -> Result<Option<(String, Credential)>, AuthError> {
    if let Some(header) = parts.headers.get(AUTHORIZATION) {
        let text = header.to_str().map_err(|_| AuthError::Unauthenticated)?;
        let token = text
            .strip_prefix("Bearer ")
            .or_else(|| text.strip_prefix("bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or(AuthError::Unauthenticated)?;
        return Ok(Some((token.to_owned(), Credential::Bearer)));
    }
    Ok(session_cookie(&parts.headers, tls).map(|t| (t, Credential::Cookie)))
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = AuthError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let tls = over_tls(&parts.headers, &state.auth);
        let (token, via) = credential(parts, tls)?.ok_or(AuthError::Unauthenticated)?;
        if let Some(resolved) = parts.extensions.get::<ResolvedSession>()
            && resolved.token == token
        {
            let resolved = resolved.clone();
            return Ok(CurrentUser::from_session(
                resolved.token,
                resolved.session,
                via,
            ));
        }
        let session = state
            .store
            .active_session(&token, state.now())
            .await?
            .ok_or(AuthError::Unauthenticated)?;
        Ok(CurrentUser::from_session(token, session, via))
    }
}

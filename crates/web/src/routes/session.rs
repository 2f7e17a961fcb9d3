//! Sessions (contract "Sessions"): `POST /api/v1/session` signs in and answers the token (and
//! sets the session cookie), `GET` says who is signed in, `DELETE` signs out.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, TimeDelta, Utc};
use onething_domain::access::account::MAX_PASSWORD_CHARS;
use onething_domain::access::{Role, ScopeKind, Username};
use onething_store::accounts::{Credentials, User};
use onething_store::audit::NewAuditEntry;
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::client::client_address;
use crate::auth::cookie::{clear_session, over_tls, set_session};
use crate::auth::json::parse_json;
use crate::auth::openapi::SecuritySchemes;
use crate::auth::{AuthError, Credential, CurrentUser, throttle};
use crate::{ApiError, AppState};

#[derive(OpenApi)]
#[openapi(
    modifiers(&SecuritySchemes),
    tags((name = "session", description = "sign-in, sign-out, who am I"))
)]
struct SessionDoc;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(SessionDoc::openapi()).routes(routes!(sign_in, whoami, sign_out))
}

#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct SignInRequest {
    username: String,
    password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SignInResponse {
    /// Send as `Authorization: Bearer TOKEN`; also set as the `onething_session` cookie.
    token: String,
    role: Role,
    /// Echo in `X-CSRF-Token` (or the form field `csrf_token`) on state-changing cookie requests.
    csrf_token: String,
    /// The session ends then at the latest (12 h after sign-in).
    expires_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ScopeView {
    kind: ScopeKind,
    /// Person and employer ids masked; department id and region code in full.
    value_masked: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct WhoAmI {
    username: String,
    role: Role,
    role_label: String,
    scope: ScopeView,
    /// What authenticated this request: `bearer` or `cookie`.
    signed_in_via: Credential,
    csrf_token: String,
    expires_at: DateTime<Utc>,
    /// When the session ends if no request comes before.
    idle_expires_at: DateTime<Utc>,
}

/// Sign in. Wrong username or password → 401 `INVALID_CREDENTIALS` (the same for both);
/// more than 5 failures for an account or 20 from an address within 15 minutes → 429
/// `TOO_MANY_ATTEMPTS` with `Retry-After`.
#[utoipa::path(post, path = "/session", tag = "session", request_body = SignInRequest,
    responses((status = 200, body = SignInResponse, description = "signed in; `Set-Cookie: onething_session=…; HttpOnly; SameSite=Lax; Path=/` (+ `Secure` over TLS)"),
              (status = 400, body = crate::error::ErrorBody, description = "malformed body"),
              (status = 401, body = crate::error::ErrorBody, description = "INVALID_CREDENTIALS"),
              (status = 429, body = crate::error::ErrorBody, description = "TOO_MANY_ATTEMPTS, with Retry-After")))]
pub(crate) async fn sign_in(
    State(state): State<AppState>,
    parts: Parts,
    body: Bytes,
) -> Result<Response, AuthError> {
    let request: SignInRequest = match parse_json(&parts.headers, &body) {
        Ok(request) => request,
        Err(bad_body) => return Ok(bad_body.into_response()),
    };
    let now = state.now();
    let client = client_address(&parts, &state.auth);
    // Throttling counts the name as typed (normalised), so unknown and malformed names count.
    let counted_name: String = request
        .username
        .trim()
        .to_ascii_lowercase()
        .chars()
        .take(64)
        .collect();
    // The attempt is written before it is counted and before the password is hashed, so a
    // burst of parallel guesses cannot all pass the limit (see `throttle::reserve`).
    let attempt = throttle::reserve(
        &state.store,
        state.auth.throttle,
        &counted_name,
        &client,
        now,
    )
    .await?;
    match authenticate(&state, &request).await? {
        Some(user) => {
            state.store.settle_sign_in_attempt(attempt).await?;
            start_session(&state, &parts.headers, user, &client, now).await
        }
        None => {
            // The reservation already is the recorded failure.
            audit(&state, &counted_name, None, "sign_in_failed", &client, now).await?;
            Err(AuthError::InvalidCredentials)
        }
    }
}

/// The account if the password is right. Unknown users are checked against a dummy hash so
/// both failures take the same time; hashing runs off the async threads.
async fn authenticate(
    state: &AppState,
    request: &SignInRequest,
) -> Result<Option<User>, AuthError> {
    if request.password.chars().count() > MAX_PASSWORD_CHARS {
        return Ok(None);
    }
    let credentials = match Username::parse(&request.username) {
        Ok(username) => state.store.credentials(&username).await?,
        Err(_) => None,
    };
    let passwords = state.auth.passwords.clone();
    let password = request.password.clone();
    // At most a few hashes at once: each takes 19 MiB and a core.
    let slot = state.auth.hashing.acquire().await?;
    let verified = tokio::task::spawn_blocking(move || match credentials {
        Some(Credentials {
            user,
            password_hash,
        }) if !user.disabled => passwords.verify(&password, &password_hash).then_some(user),
        _ => {
            passwords.verify_dummy(&password);
            None
        }
    })
    .await
    .map_err(|e| {
        tracing::error!(error = %e, "password check panicked");
        AuthError::InvalidCredentials
    })?;
    drop(slot);
    Ok(verified)
}

async fn start_session(
    state: &AppState,
    headers: &HeaderMap,
    user: User,
    client: &str,
    now: DateTime<Utc>,
) -> Result<Response, AuthError> {
    let limits = state.auth.sessions;
    let session = state.store.create_session(&user.id, now, limits).await?;
    // Sessions that ended over a day ago are of no further use.
    state.store.prune_sessions(now - TimeDelta::days(1)).await?;
    audit(
        state,
        user.username.as_str(),
        Some(user.role),
        "sign_in",
        client,
        now,
    )
    .await?;
    let cookie = set_session(
        &session.token,
        limits.absolute.num_seconds(),
        over_tls(headers, &state.auth),
    );
    let body = SignInResponse {
        token: session.token,
        role: user.role,
        csrf_token: session.csrf_token,
        expires_at: session.expires_at,
    };
    Ok(([cookie], Json(body)).into_response())
}

async fn audit(
    state: &AppState,
    actor: &str,
    role: Option<Role>,
    action: &str,
    client: &str,
    now: DateTime<Utc>,
) -> Result<i64, AuthError> {
    let entry = NewAuditEntry {
        at: now,
        actor: actor.to_owned(),
        role,
        action: action.to_owned(),
        subject_type: "user".to_owned(),
        subject_id: actor.to_owned(),
        case_id: None,
        detail: serde_json::json!({ "client": client }),
    };
    Ok(state.store.append_audit(&entry).await?)
}

/// Who is signed in: username, role and scope (ids masked), the CSRF token and expiry.
#[utoipa::path(get, path = "/session", tag = "session",
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 200, body = WhoAmI),
              (status = 401, body = crate::error::ErrorBody, description = "UNAUTHENTICATED")))]
pub(crate) async fn whoami(user: CurrentUser) -> Json<WhoAmI> {
    Json(WhoAmI {
        username: user.username().to_owned(),
        role: user.role(),
        role_label: user.role().label_zh().to_owned(),
        scope: ScopeView {
            kind: user.scope().kind(),
            value_masked: user.scope().masked_value(),
        },
        signed_in_via: user.via,
        csrf_token: user.csrf_token.clone(),
        expires_at: user.expires_at,
        idle_expires_at: user.idle_expires_at,
    })
}

/// Sign out: ends the session (bearer or cookie) and clears the cookie. With the cookie, the
/// CSRF token is required like for any state change.
#[utoipa::path(delete, path = "/session", tag = "session",
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = 204, description = "signed out; the cookie is cleared"),
              (status = 401, body = crate::error::ErrorBody, description = "UNAUTHENTICATED"),
              (status = 403, body = crate::error::ErrorBody, description = "CSRF_FAILED")))]
pub(crate) async fn sign_out(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: CurrentUser,
) -> Result<Response, ApiError> {
    let now = state.now();
    state.store.revoke_session(&user.token, now).await?;
    let entry = NewAuditEntry {
        at: now,
        actor: user.username().to_owned(),
        role: Some(user.role()),
        action: "sign_out".to_owned(),
        subject_type: "user".to_owned(),
        subject_id: user.username().to_owned(),
        case_id: None,
        detail: serde_json::json!({}),
    };
    state.store.append_audit(&entry).await?;
    let cookie = clear_session(over_tls(&headers, &state.auth));
    Ok((StatusCode::NO_CONTENT, [cookie]).into_response())
}

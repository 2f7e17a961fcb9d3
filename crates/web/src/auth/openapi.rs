//! How the API document describes sign-in: a bearer scheme for API clients and the session
//! cookie for pages. Routes list both under `security`.

use utoipa::Modify;
use utoipa::openapi::OpenApi;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};

pub(crate) struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "The `token` from `POST /api/v1/session`. Sessions end 12 h after sign-in or after 30 min without a request.",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session_cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                "onething_session",
                "Set by `POST /api/v1/session` (HttpOnly, SameSite=Lax). State-changing requests also need the session's CSRF token in `X-CSRF-Token` or the form field `csrf_token`.",
            ))),
        );
    }
}

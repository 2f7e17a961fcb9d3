//! Sign-in, sessions and authorization, in one place.
//!
//! - [`CurrentUser`]: the extractor every protected handler takes. It accepts a session token
//!   as `Authorization: Bearer TOKEN` (API clients) or the `onething_session` cookie (pages),
//!   and answers 401 `UNAUTHENTICATED` when neither names a live session.
//! - Authorization rule: each route declares the roles that may call it
//!   (`user.require(ROLES)?`, 403 `FORBIDDEN` otherwise), then checks every record against
//!   the pure policy in `onething_domain::access::policy`, which answers 404 `NOT_FOUND` for
//!   data outside the user's scope, so other tenants' records look absent.
//! - [`csrf`]: the middleware that protects cookie-authenticated state changes.
//! - [`throttle`]: failed sign-ins per account and per client address.
//! - [`config`]: session lifetimes, throttling limits, cookie flags, password hashing.

pub(crate) mod client;
pub mod config;
pub(crate) mod cookie;
pub(crate) mod csrf;
mod current_user;
mod error;
mod hashing;
pub(crate) mod json;
pub(crate) mod openapi;
pub(crate) mod throttle;

pub use config::{AuthConfig, ThrottleLimits};
pub use current_user::{Credential, CurrentUser};
pub use error::AuthError;
pub use hashing::HashLimiter;

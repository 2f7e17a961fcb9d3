//! Who may do what, and what they may see: the pure part of accounts and authorization.
//!
//! - [`Role`]: the seven roles of the contract (`admin`, `agency_clerk`, …).
//! - [`Scope`]: the slice of data a user belongs to (an employer's USCC, a person's id, a
//!   department, a region, or the whole platform for administrators), validated against the
//!   role by [`Scope::for_role`].
//! - [`policy`]: the one authorization policy. Route-level refusals (wrong role) are
//!   [`AccessDenied::Forbidden`] (HTTP 403); data outside the user's scope is
//!   [`AccessDenied::NotFound`] (HTTP 404), so a probe cannot tell "exists but not yours"
//!   from "does not exist".
//! - [`mask`]: masking of personal identifiers and phone numbers for every list and response.
//! - [`use_case`]: the one table of which roles may do which use case ([`UseCase`]).
//! - [`account`]: usernames and the password rules for new accounts.
//!
//! Nothing here does I/O: the store persists users and sessions, the web layer extracts the
//! signed-in user and calls these functions.

pub mod account;
pub mod mask;
pub mod policy;
mod role;
mod scope;
pub mod use_case;

pub use account::{AccountError, Username, check_new_password};
pub use mask::{Applicant, MaskedApplicant, mask_id_text, mask_ids_in, mask_phone};
pub use policy::{AccessDenied, CaseFacts, PersonFacts, require_role};
pub use role::Role;
pub use scope::{OwnedScopeFlags, Scope, ScopeError, ScopeFlags, ScopeKind};
pub use use_case::UseCase;

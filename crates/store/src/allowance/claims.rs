//! Claims (MA-2..MA-6) as storage: the claim row (the service's detail of its case), the
//! facts derived from shared data, attachments and the scoped reads. What a claim becomes
//! is decided in the services layer (`onething-services`); a change arrives here as a
//! [`ClaimWrite`] and is written in one transaction: the row (version-checked, so a
//! concurrent change fails instead of being lost), the case's events (the claim's steps
//! and its items' moves), the notifications (an outbox) and the audit entry.
//!
//! Duplicates (RB-6) are refused by the database: `ma_claims.duplicate_key` (claimant id |
//! event date) is unique among claims that are not rejected. A refused insert answers
//! [`ClaimError::Exists`] with the earlier claim's id and is recorded in
//! `ma_duplicate_attempts` for supervision.

mod automatic;
mod bank;
mod consent;
mod detail;
mod evidence;
mod persist;
mod read;
mod write;

use chrono::{DateTime, NaiveDate, Utc};
use onething_domain::allowance::{ClaimStatus, Fact, Missing, WageBasis};
use onething_domain::rules::MaternityDecision;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::StoreError;

pub use automatic::ClaimSet;
pub use bank::BankAccount;
pub use consent::StandingConsent;
pub use detail::{ClaimParts, ClaimRead};
pub use evidence::{ClaimDerivation, ClaimSubject, SetDerived};
pub use read::{ClaimFilter, DuplicateAttempt, Offer, OfferSource};
pub(crate) use write::attachment_from_row;
pub use write::{
    Acting, Attachment, AttachmentMeta, Authorisation, ClaimWrite, HospitalLink, NewAttachment,
    NewClaim, PayableWrite,
};

/// How a claim came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// The employer online (MA-2).
    Online,
    /// An agency clerk at the window on the employer's behalf (MA-3).
    Window,
    /// The hospital's one-window counter after delivery (RB-4).
    Hospital,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Online => "online",
            Channel::Window => "window",
            Channel::Hospital => "hospital",
        }
    }
}

/// A stored claim.
#[derive(Debug, Clone, PartialEq)]
pub struct Claim {
    pub id: String,
    /// The claim's case (`maternity_allowance` bundle): its events are the claim's history.
    pub case_id: String,
    pub employer_uscc: String,
    pub person_id: String,
    pub channel: String,
    pub status: ClaimStatus,
    pub duplicate_key: String,
    pub certificate_no: Option<String>,
    pub event_date: Option<NaiveDate>,
    pub region: Option<String>,
    pub wage_basis: Option<WageBasis>,
    pub facts: Vec<Fact>,
    pub missing: Vec<Missing>,
    pub decision: Option<MaternityDecision>,
    /// The parameter period the amount was computed with, frozen at approval.
    pub params_used: Option<Value>,
    pub amount_fen: Option<i64>,
    pub payee: Option<String>,
    pub needs_review: bool,
    /// The window authorisation (授权确认表), as recorded.
    pub authorisation: Option<Authorisation>,
    pub bank_account: Option<BankAccount>,
    pub reject_code: Option<String>,
    pub reject_note: Option<String>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub reviewed_by: Option<String>,
    pub approved_on: Option<NaiveDate>,
    pub payment_due: Option<NaiveDate>,
    /// The deadline was computed over a year without a published notice (预计).
    pub payment_due_provisional: bool,
    /// The last derivation of the facts from shared data (`None` for a claim stored before
    /// it was recorded: submission then derives again).
    pub derivation: Option<Derivation>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

/// What a derivation of a claim's facts rested on, kept so submission can skip a second
/// derivation when nothing it read has changed (`Store::derivation_unchanged`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Derivation {
    /// SHA-256 over the dataset, key and version of every current record the derivation
    /// looked at (each dataset of the claim's people, the wage of the event's year).
    pub versions: String,
    /// The wage basis the derivation used.
    pub basis: WageBasis,
    /// The mother, when the claimant is the father (her records were read).
    pub mother: Option<String>,
    /// The rules' input it gave, `None` while data was missing.
    pub input: Option<onething_domain::rules::MaternityFacts>,
}

/// Why storage refused a claim write.
#[derive(Debug, thiserror::Error)]
pub enum ClaimError {
    /// The same claimant and event already has a claim that is not rejected.
    #[error("claim {existing} already exists for this claimant and event")]
    Exists { existing: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for ClaimError {
    fn from(e: sqlx::Error) -> Self {
        ClaimError::Store(StoreError::Database(e))
    }
}

/// `claimant id | event date`: what may be claimed once (RB-6).
pub fn duplicate_key(claimant: &str, event_date: NaiveDate) -> String {
    format!("{claimant}|{}", event_date.format("%Y-%m-%d"))
}

//! 新生儿出生一件事 (seed 003): applications of the one form, the notices the window issued,
//! materials uploaded after a one-time notice, and routing the case's items to the
//! departments. The services layer decides; every change here is one transaction that
//! writes the application row, the notice, the case's events, the deliveries to the
//! departments (the outbox), the family's notifications and the audit entry together.

mod counterfoils;
mod read;
pub(crate) mod route;
mod write;

use chrono::{DateTime, NaiveDate, Utc};
use onething_domain::newborn::{MissingMaterial, NewbornForm, NoticeKind, RefusalReason};
use serde::{Deserialize, Serialize};

pub use counterfoils::{HandoverRecord, IssuedCertificates};
pub use read::DepartmentItem;
pub use route::{Handover, Routing};
pub use write::NewbornWrite;

/// Where an application stands (contract: `status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationStatus {
    Accepted,
    NeedsSupplement,
    Refused,
}

impl ApplicationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ApplicationStatus::Accepted => "accepted",
            ApplicationStatus::NeedsSupplement => "needs_supplement",
            ApplicationStatus::Refused => "refused",
        }
    }

    fn parse(text: &str) -> Option<ApplicationStatus> {
        [Self::Accepted, Self::NeedsSupplement, Self::Refused]
            .into_iter()
            .find(|s| s.as_str() == text)
    }
}

/// One field filled in from shared data, with where it came from (NB-4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prefilled {
    /// `child.name`, `mother.ethnicity`, `marriage.certificate_no`, …
    pub field: String,
    pub value: serde_json::Value,
    /// The dataset and the record's key it was read from.
    pub source: String,
    pub record_key: String,
}

/// An application of the one form.
#[derive(Debug, Clone, PartialEq)]
pub struct Application {
    pub id: String,
    pub request_key: String,
    pub mother_id: String,
    pub father_id: String,
    pub birth_certificate_no: Option<String>,
    pub born_on: Option<NaiveDate>,
    pub region: String,
    /// `online` (the mother) or `window` (the hospital clerk on her behalf).
    pub channel: String,
    pub filed_by: String,
    pub status: ApplicationStatus,
    pub form: NewbornForm,
    pub reasons: Vec<RefusalReason>,
    pub missing: Vec<MissingMaterial>,
    pub prefilled: Vec<Prefilled>,
    pub case_id: Option<String>,
    /// Optimistic concurrency: a save expects this version.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A notice the window issued.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub number: String,
    pub application_id: String,
    pub kind: NoticeKind,
    pub verification_code: String,
    pub issued_on: NaiveDate,
    pub issued_at: DateTime<Utc>,
    pub applicant_masked: String,
    /// What it says: reasons, missing materials, the promised date, the items.
    pub content: serde_json::Value,
}

/// An uploaded material (its bytes stay in the database).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Material {
    pub id: String,
    pub material: MissingMaterial,
    pub filename: String,
    pub content_type: String,
    pub sha256: String,
    pub size: i64,
    pub uploaded_by: String,
    pub uploaded_at: DateTime<Utc>,
    pub checked_by: Option<String>,
}

/// A rating of a case (好差评).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rating {
    pub case_id: String,
    pub score: i64,
    pub comment: Option<String>,
    pub rated_by: String,
    pub rated_at: DateTime<Utc>,
}

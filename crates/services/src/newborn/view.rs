//! The application as the API and the pages show it (contract: "An application (JSON)").

use chrono::{DateTime, NaiveDate, Utc};
use onething_domain::access::mask_id_text;
use onething_domain::newborn::NewbornForm;
use onething_store::newborn::{Application, ApplicationStatus, Notice, Prefilled};
use serde::Serialize;

/// One failed condition with its message.
#[derive(Debug, Clone, Serialize)]
pub struct ReasonView {
    pub code: &'static str,
    pub message: &'static str,
}

/// One missing material (contract: `{"material", "message"}`).
#[derive(Debug, Clone, Serialize)]
pub struct MissingView {
    pub material: &'static str,
    pub message: &'static str,
    /// Uploaded and waiting for a clerk's check.
    pub uploaded: bool,
}

/// The current notice (contract: `{"kind", "number", "verification_code"}`).
#[derive(Debug, Clone, Serialize)]
pub struct NoticeView {
    pub kind: &'static str,
    pub title: &'static str,
    pub number: String,
    pub verification_code: String,
    pub issued_on: NaiveDate,
}

/// An application.
#[derive(Debug, Clone, Serialize)]
pub struct ApplicationView {
    pub id: String,
    pub status: ApplicationStatus,
    /// Failed conditions' codes (contract: `reasons`).
    pub reasons: Vec<&'static str>,
    pub reason_messages: Vec<ReasonView>,
    pub missing: Vec<MissingView>,
    pub prefilled: Vec<Prefilled>,
    pub notice: Option<NoticeView>,
    pub case_id: Option<String>,
    pub channel: String,
    pub mother_id_masked: String,
    pub father_id_masked: String,
    pub born_on: Option<NaiveDate>,
    pub form: NewbornForm,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl ApplicationView {
    pub fn of(app: &Application, notice: Option<&Notice>, uploaded: &[&'static str]) -> Self {
        ApplicationView {
            id: app.id.clone(),
            status: app.status,
            reasons: app.reasons.iter().map(|r| r.code()).collect(),
            reason_messages: app
                .reasons
                .iter()
                .map(|r| ReasonView {
                    code: r.code(),
                    message: r.message_zh(),
                })
                .collect(),
            missing: app
                .missing
                .iter()
                .map(|m| MissingView {
                    material: m.code(),
                    message: m.message_zh(),
                    uploaded: uploaded.contains(&m.code()),
                })
                .collect(),
            prefilled: app.prefilled.clone(),
            notice: notice.map(|n| NoticeView {
                kind: n.kind.as_str(),
                title: n.kind.title_zh(),
                number: n.number.clone(),
                verification_code: n.verification_code.clone(),
                issued_on: n.issued_on,
            }),
            case_id: app.case_id.clone(),
            channel: app.channel.clone(),
            mother_id_masked: mask_id_text(&app.mother_id),
            father_id_masked: mask_id_text(&app.father_id),
            born_on: app.born_on,
            form: app.form.clone(),
            created_at: app.created_at,
            updated_at: app.updated_at,
        }
    }
}

/// What the public notice check confirms (contract).
#[derive(Debug, Clone, Serialize)]
pub struct NoticeCheck {
    pub number: String,
    pub kind: &'static str,
    pub issued_on: NaiveDate,
    pub applicant_masked: String,
}

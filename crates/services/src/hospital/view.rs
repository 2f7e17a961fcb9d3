//! The filing as the API and the counter pages show it (contract: `{"id", "status",
//! "reasons", "missing"}`; the rest are additions).

use chrono::{DateTime, Utc};
use onething_domain::access::mask_id_text;
use onething_domain::hospital::{FilingMaterial, FilingReason, FilingStatus};
use onething_store::hospital::SpouseFiling;
use serde::Serialize;
use serde_json::Value;

/// One reason with its message.
#[derive(Debug, Clone, Serialize)]
pub struct ReasonView {
    pub code: &'static str,
    pub message: &'static str,
}

/// One missing record (as the newborn notice: `{"material", "message"}`).
#[derive(Debug, Clone, Serialize)]
pub struct MissingView {
    pub material: &'static str,
    pub message: &'static str,
}

/// A spouse filing.
#[derive(Debug, Clone, Serialize)]
pub struct FilingView {
    pub id: String,
    pub status: FilingStatus,
    pub status_label: &'static str,
    /// Every refusal reason's code (contract: `reasons`).
    pub reasons: Vec<&'static str>,
    pub reason_messages: Vec<ReasonView>,
    pub missing: Vec<MissingView>,
    pub hospital_id: String,
    pub husband_id_masked: String,
    pub wife_id_masked: String,
    pub marriage_certificate_no: Option<String>,
    /// The 附件1 fields (names from shared data, the clerk's additions).
    pub form: Value,
    /// The case it opened (every application is a case).
    pub case_id: Option<String>,
    /// The clerk who filed.
    pub filed_by: String,
    pub created_at: DateTime<Utc>,
}

impl FilingView {
    pub fn of(f: &SpouseFiling) -> FilingView {
        let reasons: Vec<FilingReason> = f
            .reasons
            .iter()
            .filter_map(|c| FilingReason::parse(c))
            .collect();
        FilingView {
            id: f.id.clone(),
            status: f.status,
            status_label: f.status.label_zh(),
            reasons: reasons.iter().map(|r| r.code()).collect(),
            reason_messages: reasons
                .iter()
                .map(|r| ReasonView {
                    code: r.code(),
                    message: r.message_zh(),
                })
                .collect(),
            missing: f
                .missing
                .iter()
                .filter_map(|c| FilingMaterial::parse(c))
                .map(|m| MissingView {
                    material: m.code(),
                    message: m.message_zh(),
                })
                .collect(),
            hospital_id: f.hospital_id.clone(),
            husband_id_masked: mask_id_text(&f.husband_id),
            wife_id_masked: mask_id_text(&f.wife_id),
            marriage_certificate_no: f.marriage_certificate_no.clone(),
            form: f.form.clone(),
            case_id: f.case_id.clone(),
            filed_by: f.filed_by.clone(),
            created_at: f.created_at,
        }
    }
}

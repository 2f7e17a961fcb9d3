//! 信用记录 (SV-5, seed 004 二(七)): supervisors record people and institutions found to have
//! obtained benefits by deceit — the decision, its basis and its period — and remove an entry
//! with a reason; both audited. A later claim by a recorded subject is flagged to its
//! reviewer ([`credit_flags`]), never refused for it.

use chrono::NaiveDate;
use onething_domain::access::{Scope, UseCase};
use onething_domain::{CitizenId, Uscc};
use onething_store::StoreError;
use onething_store::supervision::CreditRecord;
use serde::Deserialize;
use serde_json::json;

use super::{Note, audit, fresh_id, in_jurisdiction};
use crate::input::{optional_text, required_text};
use crate::{Actor, Invalid, ServiceError, Services};

/// An entry as sent: `{"subject_kind": "person"|"institution", "subject_id", "subject_name",
/// "decision", "basis", "valid_from", "valid_to"}` (`valid_to` absent: until removed).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreditInput {
    pub subject_kind: Option<String>,
    pub subject_id: Option<String>,
    pub subject_name: Option<String>,
    pub decision: Option<String>,
    pub basis: Option<String>,
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
}

/// A validated entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCredit {
    pub subject_kind: &'static str,
    pub subject_id: String,
    pub subject_name: Option<String>,
    pub decision: String,
    pub basis: String,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
}

fn day(value: Option<&str>, field: &str) -> Result<Option<NaiveDate>, Invalid> {
    optional_text(value)
        .map(|t| {
            t.parse().map_err(|_| {
                Invalid::new(
                    "INVALID_DATE",
                    field,
                    format!("日期（{field}）须为 YYYY-MM-DD"),
                )
            })
        })
        .transpose()
}

impl TryFrom<CreditInput> for NewCredit {
    type Error = Invalid;

    fn try_from(input: CreditInput) -> Result<NewCredit, Invalid> {
        let kind = required_text(
            input.subject_kind.as_deref(),
            "subject_kind",
            "对象类型",
            16,
        )?;
        let id = required_text(input.subject_id.as_deref(), "subject_id", "对象证件号", 32)?;
        let (subject_kind, subject_id) = match kind.as_str() {
            "person" => (
                "person",
                crate::input::citizen_id(&id, "subject_id")?.to_string(),
            ),
            "institution" => {
                let code = Uscc::parse(&id).map(|u| u.to_string()).or_else(|_| {
                    let ok = id.len() >= 6 && id.chars().all(|c| c.is_ascii_alphanumeric());
                    ok.then(|| id.to_ascii_uppercase()).ok_or_else(|| {
                        Invalid::new(
                            "INVALID_CODE",
                            "subject_id",
                            "机构代码（subject_id）须为统一社会信用代码或定点医药机构编码",
                        )
                    })
                })?;
                ("institution", code)
            }
            _ => {
                return Err(Invalid::new(
                    "INVALID_ENUM",
                    "subject_kind",
                    "对象类型（subject_kind）须为 person 或 institution",
                ));
            }
        };
        let valid_from = day(input.valid_from.as_deref(), "valid_from")?
            .ok_or_else(|| Invalid::missing("valid_from", "起始日期（valid_from）不能为空"))?;
        let valid_to = day(input.valid_to.as_deref(), "valid_to")?;
        if valid_to.is_some_and(|t| t < valid_from) {
            return Err(Invalid::new(
                "INVALID_PERIOD",
                "valid_to",
                "截止日期（valid_to）不能早于起始日期",
            ));
        }
        Ok(NewCredit {
            subject_kind,
            subject_id,
            subject_name: optional_text(input.subject_name.as_deref()),
            decision: required_text(input.decision.as_deref(), "decision", "处理决定", 500)?,
            basis: required_text(input.basis.as_deref(), "basis", "依据", 500)?,
            valid_from,
            valid_to,
        })
    }
}

/// Records an entry in the supervisor's region.
pub async fn record_credit(
    svc: &Services,
    actor: &Actor,
    entry: NewCredit,
) -> Result<CreditRecord, ServiceError> {
    actor.authorize(UseCase::ManageCreditRecords)?;
    let Scope::Region(region) = &actor.scope else {
        return Err(ServiceError::not_found());
    };
    let record = CreditRecord {
        id: fresh_id("XY", actor.at),
        subject_kind: entry.subject_kind.into(),
        subject_id: entry.subject_id,
        subject_name: entry.subject_name,
        decision: entry.decision,
        basis: entry.basis,
        valid_from: entry.valid_from,
        valid_to: entry.valid_to,
        region: Some(region.to_string()),
        recorded_by: actor.username.clone(),
        recorded_at: actor.at,
        removed: None,
    };
    let detail = json!({"subject_kind": record.subject_kind, "decision": record.decision,
        "basis": record.basis, "valid_from": record.valid_from, "valid_to": record.valid_to});
    let entry = audit(
        actor,
        "credit_recorded",
        "credit_record",
        &record.id,
        None,
        detail,
    );
    svc.store.add_credit_record(&record, &entry).await?;
    Ok(record)
}

/// Removes an entry of the supervisor's region, with the reason; once.
pub async fn remove_credit(
    svc: &Services,
    actor: &Actor,
    id: &str,
    reason: Note,
) -> Result<CreditRecord, ServiceError> {
    actor.authorize(UseCase::ManageCreditRecords)?;
    let record = match svc.store.credit_record(id).await {
        Ok(r) => r,
        Err(StoreError::NotFound { .. }) => return Err(ServiceError::not_found()),
        Err(e) => return Err(e.into()),
    };
    if !in_jurisdiction(actor, record.region.as_deref()) {
        return Err(ServiceError::not_found());
    }
    let entry = audit(
        actor,
        "credit_removed",
        "credit_record",
        id,
        None,
        json!({"reason": reason.0}),
    );
    let removed = svc
        .store
        .remove_credit_record(id, &actor.username, actor.at, &reason.0, &entry)
        .await;
    match removed {
        Err(StoreError::Conflict { .. }) => {
            return Err(ServiceError::NotNow("该信用记录已移除".into()));
        }
        other => other?,
    }
    Ok(svc.store.credit_record(id).await?)
}

/// The register in the actor's region (all for administrators), newest first.
pub async fn credit_records(
    svc: &Services,
    actor: &Actor,
) -> Result<Vec<CreditRecord>, ServiceError> {
    actor.authorize(UseCase::ViewCreditRecords)?;
    let prefix = super::jurisdiction(actor)?;
    Ok(svc.store.credit_records(prefix.as_deref()).await?)
}

/// The entries in force on `on` about any of `subjects` (a claimant's citizen id, her
/// employer's USCC): shown to the reviewer beside the claim, never a refusal by themselves.
/// Called inside a use case the reviewer is already permitted.
pub async fn credit_flags(
    svc: &Services,
    subjects: &[&str],
    on: NaiveDate,
) -> Result<Vec<CreditRecord>, ServiceError> {
    let ids: Vec<String> = subjects
        .iter()
        .map(|subject| {
            CitizenId::parse(subject)
                .map(|c| c.to_string())
                .unwrap_or_else(|_| subject.to_string())
        })
        .collect();
    Ok(svc.store.credit_records_in_force(&ids, on).await?)
}

//! The counterfoil handover (NB-11): each quarter's certificates per issuing hospital,
//! due to the police station by the 30th of the quarter's last month; the hospital's
//! clerk records handing them over, a public-security officer receiving them; supervisors
//! see the late ones.

use chrono::NaiveDate;
use onething_domain::RegionCode;
use onething_domain::access::{Role, Scope, UseCase};
use onething_domain::department::DepartmentKind;
use onething_domain::newborn::counterfoil::{HandoverStatus, Quarter, handover_status};
use onething_store::audit::NewAuditEntry;
use onething_store::newborn::HandoverRecord;
use serde::Serialize;
use serde_json::json;

use crate::{Actor, Invalid, ServiceError, Services};

/// One hospital's counterfoils of a quarter.
#[derive(Debug, Clone, Serialize)]
pub struct CounterfoilView {
    pub institution_code: String,
    pub institution_name: String,
    pub region: String,
    pub quarter: String,
    pub due_on: NaiveDate,
    pub certificates: i64,
    pub handed_by: Option<String>,
    pub handed_on: Option<NaiveDate>,
    pub received_by: Option<String>,
    pub received_on: Option<NaiveDate>,
    pub status: HandoverStatus,
    pub status_label: &'static str,
}

/// A quarter as typed (`2025Q1`).
pub fn quarter(text: &str) -> Result<Quarter, Invalid> {
    Quarter::parse(text)
        .ok_or_else(|| Invalid::new("INVALID_QUARTER", "quarter", "季度（quarter）格式为 2025Q1"))
}

/// A hospital clerk hands over its own hospital's counterfoils only.
fn covers(scope: &Scope, institution_code: &str, region: &str) -> bool {
    match scope {
        Scope::Platform => true,
        Scope::Department { kind, .. } => *kind == DepartmentKind::PublicSecurity,
        Scope::Region(mine) => RegionCode::parse(region).is_ok_and(|r| r.is_within(*mine)),
        Scope::Hospital { id, .. } => id == institution_code,
        Scope::Person(_) | Scope::Employer(_) => false,
    }
}

/// The quarter's hospitals with their counterfoils and where each handover stands.
pub async fn counterfoils(
    svc: &Services,
    actor: &Actor,
    q: Quarter,
) -> Result<Vec<CounterfoilView>, ServiceError> {
    actor.authorize(UseCase::ViewCounterfoils)?;
    let issued = svc
        .store
        .issued_certificates(q.first_day(), q.last_day())
        .await?;
    let records = svc.store.handover_records(&q.to_string()).await?;
    let today = actor.today();
    Ok(issued
        .into_iter()
        .filter(|i| covers(&actor.scope, &i.institution_code, &i.region))
        .map(|i| {
            let record = records
                .iter()
                .find(|r| r.institution_code == i.institution_code);
            let handed_on = record.and_then(|r| r.handed_on);
            let received_on = record.and_then(|r| r.received_on);
            let status = handover_status(q.handover_due(), handed_on, received_on, today);
            CounterfoilView {
                institution_code: i.institution_code,
                institution_name: i.institution_name,
                region: i.region,
                quarter: q.to_string(),
                due_on: q.handover_due(),
                certificates: record.map_or(i.count, |r| r.certificates),
                handed_by: record.and_then(|r| r.handed_by.clone()),
                handed_on,
                received_by: record.and_then(|r| r.received_by.clone()),
                received_on,
                status,
                status_label: status.label_zh(),
            }
        })
        .collect())
}

/// The late handovers of the quarters up to `q` (this one and the previous three).
pub async fn late_counterfoils(
    svc: &Services,
    actor: &Actor,
    q: Quarter,
) -> Result<Vec<CounterfoilView>, ServiceError> {
    let mut out = Vec::new();
    let mut current = q;
    for _ in 0..4 {
        let views = counterfoils(svc, actor, current).await?;
        out.extend(
            views
                .into_iter()
                .filter(|v| v.status == HandoverStatus::Late),
        );
        current = current.previous();
    }
    Ok(out)
}

/// The hospital clerk records the handover; a public-security officer the receipt.
pub async fn confirm_counterfoil(
    svc: &Services,
    actor: &Actor,
    institution_code: &str,
    q: Quarter,
) -> Result<CounterfoilView, ServiceError> {
    actor.authorize(UseCase::ConfirmCounterfoil)?;
    let view = counterfoils(svc, actor, q)
        .await?
        .into_iter()
        .find(|v| v.institution_code == institution_code)
        .ok_or_else(ServiceError::not_found)?;
    let today = actor.today();
    let recorded = match actor.role {
        Role::HospitalClerk => {
            let record = HandoverRecord {
                institution_code: view.institution_code.clone(),
                quarter: view.quarter.clone(),
                due_on: view.due_on,
                certificates: view.certificates,
                handed_by: None,
                handed_on: None,
                received_by: None,
                received_on: None,
            };
            svc.store
                .record_handed_over(&record, &actor.username, today)
                .await?
        }
        _ => {
            if view.handed_on.is_none() {
                return Err(ServiceError::NotNow(
                    "签发机构尚未登记移交，不能签收".into(),
                ));
            }
            svc.store
                .record_received(institution_code, &view.quarter, &actor.username, today)
                .await?
        }
    };
    if !recorded {
        return Err(ServiceError::NotNow("本季度的该项交接已登记".into()));
    }
    svc.store
        .append_audit(&NewAuditEntry {
            at: actor.at,
            actor: actor.username.clone(),
            role: Some(actor.role),
            action: "counterfoil_handover".into(),
            subject_type: "counterfoil".into(),
            subject_id: format!("{institution_code}:{}", view.quarter),
            case_id: None,
            detail: json!({"certificates": view.certificates}),
        })
        .await?;
    counterfoils(svc, actor, q)
        .await?
        .into_iter()
        .find(|v| v.institution_code == institution_code)
        .ok_or_else(ServiceError::not_found)
}

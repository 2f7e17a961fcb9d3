//! Complaints (投诉, seed 004 二(六) 响应率100%, 二(九)): a citizen or employer complains
//! about one of their cases, an item of it, or an office; the answer is due in working
//! days (the dated supervision parameter); the office's clerks or the supervisor answer
//! once; a complaint still open after its due date is escalated to the supervisors.

use onething_domain::access::{Applicant, Scope, UseCase};
use onething_store::StoreError;
use onething_store::allowance::{NewNotification, Recipient};
use onething_store::supervision::{Complaint, ComplaintAnswer, NewComplaint};
use serde_json::json;

use super::commands::ComplaintSubject;
use super::{FileComplaint, Note, audit, due_after, fresh_id, in_jurisdiction, period_for};
use crate::{Actor, Invalid, ServiceError, Services};

/// The complainant reference of a citizen or employer.
fn complainant(actor: &Actor) -> Result<String, ServiceError> {
    match &actor.scope {
        Scope::Person(id) => Ok(Applicant::person_ref(id)),
        Scope::Employer(uscc) => Ok(Applicant::employer_ref(uscc)),
        _ => Err(ServiceError::not_found()),
    }
}

/// The region of the complainant's own case (404 for anyone else's).
async fn own_case_region(
    svc: &Services,
    who: &str,
    case_id: &str,
    item: Option<&str>,
) -> Result<Option<String>, ServiceError> {
    let record = match svc.store.load_case(case_id).await {
        Ok(r) => r,
        Err(StoreError::NotFound { .. }) => return Err(ServiceError::not_found()),
        Err(e) => return Err(e.into()),
    };
    let filer = svc.store.case_filer(case_id).await?;
    if record.state.applicant != who && filer.as_deref() != Some(who) {
        return Err(ServiceError::not_found());
    }
    if let Some(code) = item.filter(|c| !record.state.items.contains_key(*c)) {
        return Err(Invalid::new(
            "UNKNOWN_ITEM",
            "item",
            format!("办件中没有事项“{code}”（item）"),
        )
        .into());
    }
    Ok(record.region)
}

pub async fn file_complaint(
    svc: &Services,
    actor: &Actor,
    complaint: FileComplaint,
) -> Result<Complaint, ServiceError> {
    actor.authorize(UseCase::FileComplaint)?;
    let who = complainant(actor)?;
    let (kind, case_id, item, region) = match &complaint.subject {
        ComplaintSubject::Case(c) => (
            "case",
            Some(c.clone()),
            None,
            own_case_region(svc, &who, c, None).await?,
        ),
        ComplaintSubject::Item(c, i) => (
            "item",
            Some(c.clone()),
            Some(i.clone()),
            own_case_region(svc, &who, c, Some(i)).await?,
        ),
        ComplaintSubject::Office(r) => ("office", None, None, Some(r.to_string())),
    };
    let today = actor.today();
    let rules = period_for(region.as_deref(), today)?;
    let due = due_after(svc, today, rules.complaint_response_working_days)?;
    let id = fresh_id("TS", actor.at);
    let new = NewComplaint {
        id: id.clone(),
        filed_by: actor.username.clone(),
        complainant: who,
        subject: kind.into(),
        case_id: case_id.clone(),
        item,
        region,
        body: complaint.body,
        filed_at: actor.at,
        filed_on: today,
        due_on: due.date,
        due_on_provisional: due.provisional,
        due_source: rules.source.clone(),
    };
    let detail = json!({"subject": kind, "due_on": due.date});
    let entry = audit(
        actor,
        "complaint_filed",
        "complaint",
        &id,
        case_id.as_deref(),
        detail,
    );
    Ok(svc.store.file_complaint(&new, &entry).await?)
}

/// The complaints the actor may see: a citizen's or employer's own, a region's for its
/// clerks and supervisors, all for administrators.
pub async fn complaints(svc: &Services, actor: &Actor) -> Result<Vec<Complaint>, ServiceError> {
    actor.authorize(UseCase::ViewComplaints)?;
    match &actor.scope {
        Scope::Person(_) | Scope::Employer(_) => Ok(svc
            .store
            .complaints(None, Some(&complainant(actor)?))
            .await?),
        _ => {
            let prefix = super::jurisdiction(actor)?;
            Ok(svc.store.complaints(prefix.as_deref(), None).await?)
        }
    }
}

/// The office answers an open complaint in its region, once.
pub async fn answer_complaint(
    svc: &Services,
    actor: &Actor,
    id: &str,
    answer: Note,
) -> Result<Complaint, ServiceError> {
    actor.authorize(UseCase::AnswerComplaint)?;
    let complaint = match svc.store.complaint(id).await {
        Ok(c) => c,
        Err(StoreError::NotFound { .. }) => return Err(ServiceError::not_found()),
        Err(e) => return Err(e.into()),
    };
    if !in_jurisdiction(actor, complaint.region.as_deref()) {
        return Err(ServiceError::not_found());
    }
    if complaint.answer.is_some() {
        return Err(ServiceError::NotNow("该投诉已答复".into()));
    }
    let today = actor.today();
    let detail = json!({"in_time": today <= complaint.due_on});
    let entry = audit(
        actor,
        "complaint_answered",
        "complaint",
        id,
        complaint.case_id.as_deref(),
        detail,
    );
    let written = ComplaintAnswer {
        answer: answer.0,
        by: actor.username.clone(),
        at: actor.at,
        on: today,
    };
    let notes = to_complainant(&complaint, &written.answer);
    match svc
        .store
        .answer_complaint(id, &written, &entry, &notes)
        .await
    {
        Err(StoreError::Conflict { .. }) => Err(ServiceError::NotNow("该投诉已答复".into())),
        other => Ok(other?),
    }
}

/// The in-site message that tells the complainant the answer.
fn to_complainant(c: &Complaint, answer: &str) -> Vec<NewNotification> {
    let recipient = match c.complainant.split_once(':') {
        Some(("person", id)) => Recipient::Person(id.to_owned()),
        Some(("employer", uscc)) => Recipient::Employer(uscc.to_owned()),
        _ => return Vec::new(),
    };
    vec![NewNotification {
        recipient,
        channel: "in_site",
        subject_type: "complaint",
        subject_id: c.id.clone(),
        body: format!("您的投诉（编号{}）已答复：{answer}", c.id),
    }]
}

/// Escalates every complaint still open after its due date (run by the server's daily
/// schedule): it is flagged on the supervisors' list and the escalation audited.
pub async fn escalate_late_complaints(
    svc: &Services,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<String>, ServiceError> {
    let today = onething_domain::china_time::date_in_china(at);
    // Each escalation and its audit entry in one transaction.
    let audit_of = |id: &str| onething_store::audit::NewAuditEntry {
        at,
        actor: "system".into(),
        role: None,
        action: "complaint_escalated".into(),
        subject_type: "complaint".into(),
        subject_id: id.to_owned(),
        case_id: None,
        detail: json!({"reason": "overdue"}),
    };
    let ids = svc
        .store
        .escalate_late_complaints(today, at, &audit_of)
        .await?;
    Ok(ids)
}

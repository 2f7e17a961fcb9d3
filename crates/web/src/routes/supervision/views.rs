//! The JSON shapes of supervision's records (documented in docs/supervision.md).

use onething_domain::supervision::RatingReason;
use onething_store::supervision::{Complaint, CreditRecord, Rectification, Visit};
use serde_json::{Value, json};

fn reasons(codes: &[String]) -> Value {
    codes
        .iter()
        .map(|c| {
            let label = RatingReason::parse(c).map_or("", RatingReason::label_zh);
            json!({"code": c, "label": label})
        })
        .collect()
}

fn record(r: &Option<(String, String, chrono::DateTime<chrono::Utc>)>) -> Value {
    r.as_ref().map_or(
        Value::Null,
        |(note, by, at)| json!({"note": note, "by": by, "at": at}),
    )
}

/// A rectification task: contract.md's `owner`, `due_on`, `status` and the record so far.
pub(crate) fn rectification(t: &Rectification, today: chrono::NaiveDate) -> Value {
    json!({
        "id": t.id,
        "case_id": t.case_id,
        "item": t.item,
        "score": t.score,
        "reasons": reasons(&t.reasons),
        "comment": t.comment,
        "owner": {"department": t.owner_department.as_str(), "region": t.owner_region},
        "status": t.status.as_str(),
        "opened_at": t.opened_at,
        "due_on": t.due_on,
        "due_on_provisional": t.due_on_provisional,
        "due_source": t.due_source,
        "overdue": t.status.as_str() == "open" && today > t.due_on,
        "investigation": record(&t.investigation),
        "rectification": record(&t.rectification),
        "revisit": t.revisit.as_ref().map_or(Value::Null, |(outcome, note, by, at)| {
            json!({"outcome": outcome.as_str(), "note": note, "by": by, "at": at})
        }),
    })
}

pub(crate) fn visit(v: &Visit) -> Value {
    json!({
        "id": v.id, "case_id": v.case_id, "kind": v.kind, "at": v.at, "region": v.region,
        "recorded_by": v.recorded_by, "priority": v.priority, "note": v.note,
    })
}

pub(crate) fn complaint(c: &Complaint, today: chrono::NaiveDate) -> Value {
    json!({
        "id": c.id,
        "subject": c.subject,
        "case_id": c.case_id,
        "item": c.item,
        "region": c.region,
        "body": c.body,
        "filed_at": c.filed_at,
        "due_on": c.due_on,
        "due_on_provisional": c.due_on_provisional,
        "status": if c.answer.is_some() { "answered" } else { "open" },
        "overdue": c.answer.is_none() && today > c.due_on,
        "escalated_at": c.escalated_at,
        "answer": c.answer.as_ref().map_or(Value::Null, |a| json!({
            "text": a.answer, "by": a.by, "at": a.at, "in_time": a.on <= c.due_on,
        })),
    })
}

/// The subject's id masked like every person id outside the audited reveal.
pub(crate) fn masked_subject(r: &CreditRecord) -> String {
    if r.subject_kind == "person" {
        onething_domain::access::Applicant::parse(&format!("person:{}", r.subject_id))
            .masked()
            .id_masked
    } else {
        r.subject_id.clone()
    }
}

pub(crate) fn credit(r: &CreditRecord) -> Value {
    json!({
        "id": r.id,
        "subject_kind": r.subject_kind,
        "subject_id_masked": masked_subject(r),
        "subject_name": r.subject_name,
        "decision": r.decision,
        "basis": r.basis,
        "valid_from": r.valid_from,
        "valid_to": r.valid_to,
        "region": r.region,
        "recorded_by": r.recorded_by,
        "recorded_at": r.recorded_at,
        "removed": r.removed.as_ref().map_or(Value::Null, |(by, at, reason)| json!({"by": by, "at": at, "reason": reason})),
    })
}

/// A credit record shown to the one who decides (SV-5: a flag, never a refusal): who it
/// names (`申领人`, `参保单位`, `母亲`, `父亲`), the decision, its basis and period, and the
/// line the pages print.
pub(crate) fn credit_flag(r: &CreditRecord, who: &str) -> Value {
    json!({
        "who": who,
        "subject_kind": r.subject_kind,
        "subject_id_masked": masked_subject(r),
        "decision": r.decision,
        "basis": r.basis,
        "valid_from": r.valid_from,
        "valid_to": r.valid_to,
        "message": credit_flag_line(r, who),
    })
}

pub(crate) fn credit_flag_line(r: &CreditRecord, who: &str) -> String {
    format!(
        "{who}有信用记录：{}（依据：{}；{} 起）",
        r.decision, r.basis, r.valid_from
    )
}

/// The credit records in force today about a claim's claimant or employer, each with who
/// it names: the review page's notice and the claim's JSON (`credit_flags`) show the same.
pub(crate) async fn claim_credit_flags(
    state: &crate::AppState,
    claim: &onething_store::allowance::claims::Claim,
) -> Result<Vec<(CreditRecord, &'static str)>, crate::ApiError> {
    let today = onething_domain::china_time::date_in_china(state.now());
    let subjects = [claim.person_id.as_str(), claim.employer_uscc.as_str()];
    let flags =
        onething_services::supervision::credit_flags(&state.services(), &subjects, today).await?;
    Ok(labelled(flags))
}

/// Each record with who it names on a claim: its claimant or her employer.
pub(crate) fn labelled(records: Vec<CreditRecord>) -> Vec<(CreditRecord, &'static str)> {
    records
        .into_iter()
        .map(|r| {
            let who = if r.subject_kind == "person" {
                "申领人"
            } else {
                "参保单位"
            };
            (r, who)
        })
        .collect()
}

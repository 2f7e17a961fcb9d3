//! 好差评 (SV-1, NB-12, seed 003 八): the applicant rates an ended case once (一次一评) and,
//! in the same rating, any of its items (一事一评), within the rating period after the case
//! ended; each bad score opens a rectification owned by the department that handled it
//! (the bundle's lead for the case, the item's department for an item) in the case's
//! office, due in working days — all in one transaction with the audit entry.

use chrono::NaiveDate;
use onething_domain::access::{Applicant, Scope, UseCase};
use onething_domain::case::CaseStatus;
use onething_domain::department::DepartmentKind;
use onething_domain::supervision::{RatingReason, is_bad};
use onething_store::cases::CaseRecord;
use onething_store::supervision::{ItemRatingRow, NewRating, NewRectification, StoredRating};
use serde_json::json;

use super::{Rate, audit, due_after, fresh_id, period_for};
use crate::{Actor, Invalid, ServiceError, Services};

/// The case, if the actor is its applicant (404 otherwise).
async fn own_case(
    svc: &Services,
    actor: &Actor,
    case_id: &str,
) -> Result<CaseRecord, ServiceError> {
    let Scope::Person(me) = &actor.scope else {
        return Err(ServiceError::not_found());
    };
    let record = match svc.store.load_case(case_id).await {
        Ok(r) => r,
        Err(onething_store::StoreError::NotFound { .. }) => return Err(ServiceError::not_found()),
        Err(e) => return Err(e.into()),
    };
    if record.state.applicant != Applicant::person_ref(me) {
        return Err(ServiceError::not_found());
    }
    Ok(record)
}

/// The day the case's last item finished.
fn ended_on(record: &CaseRecord) -> Option<NaiveDate> {
    record
        .state
        .items
        .values()
        .filter_map(|i| i.finished_on)
        .max()
}

fn codes(reasons: &[RatingReason]) -> Vec<String> {
    reasons.iter().map(|r| r.code().to_owned()).collect()
}

/// The sentence the notification that announces a case's end carries: where to rate it.
pub fn rating_invitation(case_id: &str) -> String {
    format!("全部事项已办结，欢迎对本次服务评价（好差评）：/cases/{case_id}")
}

/// Rates a case and its items; `409 INVALID_STATE` while open, `409 RATING_PERIOD_OVER`
/// after the period, `409 ALREADY_RATED` the second time.
pub async fn rate(
    svc: &Services,
    actor: &Actor,
    case_id: &str,
    rating: Rate,
) -> Result<(), ServiceError> {
    actor.authorize(UseCase::RateCase)?;
    let record = own_case(svc, actor, case_id).await?;
    let (CaseStatus::Done | CaseStatus::Refused | CaseStatus::Withdrawn, Some(ended)) =
        (record.state.status(), ended_on(&record))
    else {
        return Err(ServiceError::NotNow(
            "尚有事项未办结，全部办结后才能评价".into(),
        ));
    };
    let region = record.region.as_deref();
    let window = period_for(region, ended)?;
    let until = due_after(svc, ended, window.rating_window_working_days)?.date;
    if actor.today() > until {
        return Err(ServiceError::RatingPeriodOver { until });
    }
    let catalog = svc
        .store
        .catalog_version(record.state.catalog_version)
        .await?;
    let lead = catalog
        .catalog
        .bundle(&record.state.bundle)
        .map_or(DepartmentKind::MedicalInsurance, |b| b.lead);
    let mut items = Vec::new();
    let mut tasks = Vec::new();
    let today = actor.today();
    let rules = period_for(region, today)?;
    let due = due_after(svc, today, rules.rectification_working_days)?;
    let mut task =
        |item: Option<&str>, s: i64, reasons: &[RatingReason], comment: &Option<String>, owner| {
            tasks.push(NewRectification {
                id: fresh_id("ZG", actor.at),
                case_id: case_id.to_owned(),
                item: item.map(str::to_owned),
                score: s,
                reasons: codes(reasons),
                comment: comment.clone(),
                owner_department: owner,
                owner_region: record.region.clone(),
                opened_at: actor.at,
                due_on: due.date,
                due_on_provisional: due.provisional,
                due_source: rules.source.clone(),
            });
        };
    if is_bad(rating.score) {
        task(None, rating.score, &rating.reasons, &rating.comment, lead);
    }
    for (n, (code, s)) in rating.items.iter().enumerate() {
        if !record.state.items.contains_key(code) {
            return Err(Invalid::new(
                "UNKNOWN_ITEM",
                &format!("items[{n}].item"),
                format!("办件中没有事项“{code}”（items[{n}].item）"),
            )
            .into());
        }
        let owner = catalog.catalog.item(code).map_or(lead, |i| i.department);
        if is_bad(s.score) {
            task(Some(code), s.score, &s.reasons, &s.comment, owner);
        }
        items.push(ItemRatingRow {
            item: code.clone(),
            score: s.score,
            reasons: codes(&s.reasons),
            comment: s.comment.clone(),
        });
    }
    let opened: Vec<String> = tasks.iter().map(|t| t.id.clone()).collect();
    let detail = json!({
        "score": rating.score,
        "reasons": codes(&rating.reasons),
        "items": items.iter().map(|i| json!({"item": i.item, "score": i.score})).collect::<Vec<_>>(),
        "rectifications": opened,
    });
    let write = NewRating {
        case_id: case_id.to_owned(),
        score: rating.score,
        reasons: codes(&rating.reasons),
        comment: rating.comment.clone(),
        items,
        by: actor.username.clone(),
        at: actor.at,
        rectifications: tasks,
        audit: audit(actor, "case_rated", "case", case_id, Some(case_id), detail),
    };
    if !svc.store.rate_case_with_items(&write).await? {
        return Err(ServiceError::AlreadyRated);
    }
    Ok(())
}

/// The case's rating (its applicant only), and the last day it can still be rated.
pub async fn rating_of_case(
    svc: &Services,
    actor: &Actor,
    case_id: &str,
) -> Result<(Option<StoredRating>, Option<NaiveDate>), ServiceError> {
    actor.authorize(UseCase::RateCase)?;
    let record = own_case(svc, actor, case_id).await?;
    let until = match (record.state.status(), ended_on(&record)) {
        (CaseStatus::Open, _) | (_, None) => None,
        (_, Some(ended)) => {
            let window = period_for(record.region.as_deref(), ended)?;
            Some(due_after(svc, ended, window.rating_window_working_days)?.date)
        }
    };
    Ok((svc.store.rating_of_case(case_id).await?, until))
}

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

use super::{Rate, Score, audit, due_after, fresh_id, period_for};
use crate::{Actor, Invalid, ServiceError, Services};

/// The case, if the actor is its applicant (404 otherwise).
pub(super) async fn own_case(
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

/// Refuses a rating while an item is open or after the rating period.
fn check_period(svc: &Services, actor: &Actor, record: &CaseRecord) -> Result<(), ServiceError> {
    let (CaseStatus::Done | CaseStatus::Refused | CaseStatus::Withdrawn, Some(ended)) =
        (record.state.status(), ended_on(record))
    else {
        return Err(ServiceError::NotNow(
            "尚有事项未办结，全部办结后才能评价".into(),
        ));
    };
    let window = period_for(record.region.as_deref(), ended)?;
    let until = due_after(svc, ended, window.rating_window_working_days)?.date;
    if actor.today() > until {
        return Err(ServiceError::RatingPeriodOver { until });
    }
    Ok(())
}

/// The rectifications a rating's bad scores open, all due on the same day.
struct TaskPlan<'a> {
    actor: &'a Actor,
    record: &'a CaseRecord,
    due: onething_domain::Dated,
    source: String,
    tasks: Vec<NewRectification>,
}

impl TaskPlan<'_> {
    fn add(&mut self, item: Option<&str>, score: &Score, owner: DepartmentKind) {
        if !is_bad(score.score) {
            return;
        }
        self.tasks.push(NewRectification {
            id: fresh_id("ZG", self.actor.at),
            case_id: self.record.id.clone(),
            item: item.map(str::to_owned),
            score: score.score,
            reasons: codes(&score.reasons),
            comment: score.comment.clone(),
            owner_department: owner,
            owner_region: self.record.region.clone(),
            opened_at: self.actor.at,
            due_on: self.due.date,
            due_on_provisional: self.due.provisional,
            due_source: self.source.clone(),
        });
    }
}

/// Each item rating checked against the case, with the task its bad score opens.
fn item_rows(
    rating: &Rate,
    record: &CaseRecord,
    catalog: &onething_domain::catalog::Catalog,
    lead: DepartmentKind,
    plan: &mut TaskPlan<'_>,
) -> Result<Vec<ItemRatingRow>, ServiceError> {
    let mut rows = Vec::new();
    for (n, (code, s)) in rating.items.iter().enumerate() {
        if !record.state.items.contains_key(code) {
            let field = format!("items[{n}].item");
            let message = format!("办件中没有事项“{code}”（{field}）");
            return Err(Invalid::new("UNKNOWN_ITEM", &field, message).into());
        }
        plan.add(
            Some(code),
            s,
            catalog.item(code).map_or(lead, |i| i.department),
        );
        rows.push(ItemRatingRow {
            item: code.clone(),
            score: s.score,
            reasons: codes(&s.reasons),
            comment: s.comment.clone(),
        });
    }
    Ok(rows)
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
    check_period(svc, actor, &record)?;
    let catalog = svc
        .store
        .catalog_version(record.state.catalog_version)
        .await?;
    let lead = catalog
        .catalog
        .bundle(&record.state.bundle)
        .map_or(DepartmentKind::MedicalInsurance, |b| b.lead);
    let rules = period_for(record.region.as_deref(), actor.today())?;
    let mut plan = TaskPlan {
        actor,
        record: &record,
        due: due_after(svc, actor.today(), rules.rectification_working_days)?,
        source: rules.source.clone(),
        tasks: Vec::new(),
    };
    let whole = Score {
        score: rating.score,
        reasons: rating.reasons.clone(),
        comment: rating.comment.clone(),
    };
    plan.add(None, &whole, lead);
    let items = item_rows(&rating, &record, &catalog.catalog, lead, &mut plan)?;
    let detail = json!({
        "score": rating.score,
        "reasons": codes(&rating.reasons),
        "items": items.iter().map(|i| json!({"item": i.item, "score": i.score})).collect::<Vec<_>>(),
        "rectifications": plan.tasks.iter().map(|t| t.id.clone()).collect::<Vec<_>>(),
    });
    let write = NewRating {
        case_id: case_id.to_owned(),
        score: rating.score,
        reasons: codes(&rating.reasons),
        comment: rating.comment.clone(),
        items,
        by: actor.username.clone(),
        at: actor.at,
        rectifications: plan.tasks,
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

//! A newborn case's actions after acceptance, one front door for every channel: a
//! department system's signed result (`POST /api/v1/exchange/results`) and its officers'
//! page or API (`…/items/{item}/complete`, `…/deny`) call the same [`complete_item`] and
//! [`deny_item`]; the mother withdraws and rates. Acceptance, the one-time supplement
//! request and refusal are decided on the application (`crate::newborn::apply`, which
//! opens the case accepted); a clerk's acceptance or refusal after checking supplied
//! materials is [`accept_application`] / [`refuse_application`]. Routing is part of every
//! change: the items whose prerequisites are done are started and queued in the outbox.
//!
//! A completed item's result is kept in the case's history (`item_result` step), handed to
//! the items that wait for it (they are started and routed in the same transaction, their
//! deliveries carrying it) and to the departments the seed names; the mother is told.

pub use crate::newborn::{accept as accept_application, refuse as refuse_application};

use onething_domain::access::{Applicant, Scope, UseCase};
use onething_domain::case::{Action, ActorRole, CaseState, ItemState};
use onething_domain::ids::CaseId;
use onething_domain::newborn::{BUNDLE, NewbornItem};
use onething_store::cases::{self, CaseRecord, CaseWrite};
use onething_store::newborn::{Application, NewbornWrite, Routing};
use serde_json::{Value, json};

use crate::newborn::{
    ItemResult, Rate, Reason, Results, for_item, handover, item_denied, item_done, result_step,
    to_mother, withdrawn,
};
use crate::{Actor, ServiceError, Services};

/// The case and its application, if the actor's department handles `item` in it.
async fn department_case(
    svc: &Services,
    actor: &Actor,
    case_id: &str,
    item: &str,
) -> Result<(CaseRecord, Application, NewbornItem), ServiceError> {
    let Scope::Department { kind, .. } = &actor.scope else {
        return Err(ServiceError::not_found());
    };
    let record = load(svc, case_id).await?;
    let app = application_of(svc, case_id).await?;
    let code = NewbornItem::parse(item).ok_or_else(ServiceError::not_found)?;
    let catalog = svc.store.current_catalog().await?;
    let owner = catalog.catalog.item(item).map(|i| i.department);
    if owner != Some(*kind) || !record.state.items.contains_key(item) {
        return Err(ServiceError::not_found());
    }
    Ok((record, app, code))
}

async fn load(svc: &Services, case_id: &str) -> Result<CaseRecord, ServiceError> {
    match svc.store.load_case(case_id).await {
        Ok(r) if r.state.bundle == BUNDLE => Ok(r),
        Ok(_) | Err(onething_store::StoreError::NotFound { .. }) => Err(ServiceError::not_found()),
        Err(e) => Err(e.into()),
    }
}

async fn application_of(svc: &Services, case_id: &str) -> Result<Application, ServiceError> {
    svc.store
        .newborn_application_of_case(case_id)
        .await?
        .ok_or_else(ServiceError::not_found)
}

/// The results recorded in the case so far, by item.
async fn results(svc: &Services, case_id: &str) -> Result<Results, ServiceError> {
    let mut out = Results::new();
    for event in svc.store.case_events(case_id).await? {
        if let onething_domain::case::EventBody::Service { step, detail } = event.body
            && step == crate::newborn::RESULT_STEP
            && let Some(item) = detail["item"].as_str()
        {
            out.insert(item.to_owned(), detail.clone());
        }
    }
    Ok(out)
}

fn case_actor(actor: &Actor, subject: &str, role: ActorRole) -> cases::Actor {
    cases::Actor {
        name: actor.username.clone(),
        role,
        idempotency_key: actor.key_for(subject),
        at: actor.at,
    }
}

/// A department completes its item with its result (officer or system).
pub async fn complete_item(
    svc: &Services,
    actor: &Actor,
    case: &CaseId,
    item: &str,
    result: ItemResult,
) -> Result<CaseRecord, ServiceError> {
    actor.authorize(UseCase::CompleteItem)?;
    let case_id = case.as_str();
    let (record, app, code) = department_case(svc, actor, case_id, item).await?;
    let data = Value::Object(result.data.clone());
    let mut writes = Vec::new();
    // An item a department takes up without a delivery (no system) is started here.
    if record.state.items.get(item).map(|i| i.state) == Some(ItemState::Accepted) {
        writes.push(CaseWrite::Move {
            item: item.into(),
            action: Action::Start,
            role: ActorRole::Handler,
        });
    }
    writes.push(CaseWrite::Move {
        item: item.into(),
        action: Action::Complete {
            certificate_ref: result.certificate_ref.clone(),
        },
        role: ActorRole::Handler,
    });
    writes.push(result_step(
        item,
        result.certificate_ref.as_deref(),
        data.clone(),
    ));
    let entry = json!({"certificate_ref": result.certificate_ref, "data": data});
    let mut known = results(svc, case_id).await?;
    known.insert(item.to_owned(), entry.clone());
    let certificate = known
        .get(NewbornItem::BirthCertificate.code())
        .map(|r| r["data"].clone());
    let snapshot = app.clone();
    let build = move |next: &str, state: &CaseState| {
        for_item(&snapshot, certificate.as_ref(), &known, next, state)
    };
    let today = actor.today();
    let next_day = svc.calendar.add_working_days_provisional(today, 1)?.date;
    let tracking = result.data.get("tracking_no").and_then(Value::as_str);
    let mut body = item_done(code, today, next_day, &app.form, tracking);
    // The item that ends the case invites the rating (好差评, seed 003 八(一)).
    let last = record
        .state
        .items
        .iter()
        .all(|(code, i)| code == item || i.state.is_terminal());
    if last {
        body.push_str(&crate::supervision::rating_invitation(case_id));
    }
    let write = NewbornWrite {
        actor: case_actor(
            actor,
            &format!("{case_id}:{item}:complete"),
            ActorRole::Handler,
        ),
        role: Some(actor.role),
        case: writes,
        routing: Some(Routing { payload: &build }),
        handovers: vec![handover(code, &entry)],
        notice: None,
        notifications: to_mother(&app.mother_id, &app.id, &body),
        audit: Some((
            "newborn_item_done".into(),
            json!({"item": item, "result": entry}),
        )),
    };
    Ok(svc
        .store
        .change_newborn_case(case_id, &write, &svc.calendar)
        .await?)
}

/// A department denies its item with a reason; the items that wait for it can then never
/// start, so the platform denies them too, naming the item that failed.
pub async fn deny_item(
    svc: &Services,
    actor: &Actor,
    case: &CaseId,
    item: &str,
    reason: Reason,
) -> Result<CaseRecord, ServiceError> {
    actor.authorize(UseCase::DenyItem)?;
    let case_id = case.as_str();
    let (record, app, code) = department_case(svc, actor, case_id, item).await?;
    let mut writes = vec![CaseWrite::Move {
        item: item.into(),
        action: Action::Deny {
            reason: reason.0.clone(),
        },
        role: ActorRole::Handler,
    }];
    let mut body = item_denied(code, &reason.0);
    for dependent in dependents(&record.state, item) {
        let because = format!("前置事项“{}”不予办理", code.label_zh());
        writes.push(CaseWrite::Move {
            item: dependent.clone(),
            action: Action::Deny {
                reason: because.clone(),
            },
            role: ActorRole::System,
        });
        if let Some(d) = NewbornItem::parse(&dependent) {
            body.push_str(&format!("；{}", item_denied(d, &because)));
        }
    }
    let write = NewbornWrite {
        actor: case_actor(actor, &format!("{case_id}:{item}:deny"), ActorRole::Handler),
        role: Some(actor.role),
        case: writes,
        routing: None,
        handovers: Vec::new(),
        notice: None,
        notifications: to_mother(&app.mother_id, &app.id, &body),
        audit: Some((
            "newborn_item_denied".into(),
            json!({"item": item, "reason": reason.0}),
        )),
    };
    Ok(svc
        .store
        .change_newborn_case(case_id, &write, &svc.calendar)
        .await?)
}

/// Open items that wait, directly or through others, for `item`, in dependency order.
fn dependents(state: &CaseState, item: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut frontier = vec![item.to_owned()];
    while let Some(current) = frontier.pop() {
        for (code, snapshot) in &state.items {
            let waits = snapshot.depends_on.contains(&current);
            if waits && !snapshot.state.is_terminal() && !out.contains(code) {
                out.push(code.clone());
                frontier.push(code.clone());
            }
        }
    }
    out
}

/// The mother withdraws every item no department has started.
pub async fn withdraw(
    svc: &Services,
    actor: &Actor,
    case: &CaseId,
    reason: Reason,
) -> Result<CaseRecord, ServiceError> {
    actor.authorize(UseCase::WithdrawCase)?;
    let case_id = case.as_str();
    let record = load(svc, case_id).await?;
    let app = own_application(svc, actor, case_id, &record).await?;
    let open: Vec<String> = record
        .state
        .items
        .iter()
        .filter(|(_, i)| {
            matches!(
                i.state,
                ItemState::Submitted | ItemState::NeedsSupplement | ItemState::Accepted
            )
        })
        .map(|(code, _)| code.clone())
        .collect();
    if open.is_empty() {
        return Err(ServiceError::NotNow(
            "各事项均已开始办理或已办结，不能撤回".into(),
        ));
    }
    let writes = open
        .into_iter()
        .map(|item| CaseWrite::Move {
            item,
            action: Action::Withdraw {
                reason: reason.0.clone(),
            },
            role: ActorRole::Applicant,
        })
        .collect();
    let write = NewbornWrite {
        actor: case_actor(actor, &format!("{case_id}:withdraw"), ActorRole::Applicant),
        role: Some(actor.role),
        case: writes,
        routing: None,
        handovers: Vec::new(),
        notice: None,
        notifications: to_mother(&app.mother_id, &app.id, &withdrawn()),
        audit: Some(("newborn_withdrawn".into(), json!({"reason": reason.0}))),
    };
    Ok(svc
        .store
        .change_newborn_case(case_id, &write, &svc.calendar)
        .await?)
}

/// The mother's application of this case (404 for anyone else).
async fn own_application(
    svc: &Services,
    actor: &Actor,
    case_id: &str,
    record: &CaseRecord,
) -> Result<Application, ServiceError> {
    let Scope::Person(me) = &actor.scope else {
        return Err(ServiceError::not_found());
    };
    if record.state.applicant != Applicant::person_ref(me) {
        return Err(ServiceError::not_found());
    }
    application_of(svc, case_id).await
}

/// 好差评 (NB-12): the applicant rates the case once every item has ended, within the
/// rating period; once only. One front door for every bundle: `supervision::rate`.
pub async fn rate(
    svc: &Services,
    actor: &Actor,
    case_id: &str,
    rating: Rate,
) -> Result<(), ServiceError> {
    crate::supervision::rate(svc, actor, case_id, rating).await
}

/// A department kind's newborn items (its officers' queue).
pub async fn department_queue(
    svc: &Services,
    actor: &Actor,
) -> Result<Vec<onething_store::newborn::DepartmentItem>, ServiceError> {
    actor.authorize(UseCase::ViewDepartmentQueue)?;
    let Scope::Department { kind, .. } = &actor.scope else {
        return Err(ServiceError::not_found());
    };
    Ok(svc.store.department_items(*kind, BUNDLE).await?)
}

/// What a department's officer sees of one of its items: the item, and exactly what a
/// department system would receive with it (the application data it needs, ids masked
/// where it does not, the results of the items it waits for).
pub async fn department_item(
    svc: &Services,
    actor: &Actor,
    case: &CaseId,
    item: &str,
) -> Result<(onething_domain::case::ItemSnapshot, Value), ServiceError> {
    actor.authorize(UseCase::ViewDepartmentQueue)?;
    let case_id = case.as_str();
    let (record, app, _) = department_case(svc, actor, case_id, item).await?;
    let known = results(svc, case_id).await?;
    let certificate = known
        .get(NewbornItem::BirthCertificate.code())
        .map(|r| r["data"].clone());
    let payload = for_item(&app, certificate.as_ref(), &known, item, &record.state);
    let snapshot = record
        .state
        .items
        .get(item)
        .cloned()
        .ok_or_else(ServiceError::not_found)?;
    Ok((snapshot, payload))
}

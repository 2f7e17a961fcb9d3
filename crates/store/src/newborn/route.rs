//! Routing a case's items to the departments (NB-7, EX-6): every accepted item whose
//! prerequisites are done is started by the platform and, where its department has a
//! system (a webhook), queued in the outbox as a delivery; a department without a system
//! finds it in its officers' queue. A finished item's result is also handed to the
//! departments the seed names (`Handover`), as `result` deliveries.

use onething_domain::Calendar;
use onething_domain::case::{Action, ActorRole, CaseState, EventBody, ItemState, plan_item_change};
use onething_domain::department::DepartmentKind;
use serde_json::Value;
use sqlx::{Any, Transaction};
use uuid::Uuid;

use crate::StoreError;
use crate::cases::{Actor, CaseRecord, append_in};
use crate::text::instant;

/// What an item's delivery carries besides its id: the service builds it from the case
/// (the application data the department needs, the results of the items it waits for).
pub type PayloadFor<'a> = &'a (dyn Fn(&str, &CaseState) -> Value + Send + Sync);

/// Route the ready items after the write, with this payload.
pub struct Routing<'a> {
    pub payload: PayloadFor<'a>,
}

/// A finished item's result for departments of these kinds (附件2 五(三)).
#[derive(Debug, Clone)]
pub struct Handover {
    pub item: String,
    pub kinds: Vec<DepartmentKind>,
    pub payload: Value,
}

/// Items accepted whose prerequisites are all done, in code order.
fn ready(state: &CaseState) -> Vec<String> {
    state
        .items
        .iter()
        .filter(|(code, item)| item.state == ItemState::Accepted && state.deps_done(code))
        .map(|(code, _)| code.clone())
        .collect()
}

/// Starts every ready item (as the platform) and queues a delivery for each item whose
/// department has a system. Returns the case after the starts.
pub(crate) async fn route_ready_in(
    tx: &mut Transaction<'static, Any>,
    record: CaseRecord,
    actor: &Actor,
    calendar: &Calendar,
    routing: &Routing<'_>,
) -> Result<CaseRecord, StoreError> {
    let items = ready(&record.state);
    if items.is_empty() {
        return Ok(record);
    }
    let system = Actor {
        name: actor.name.clone(),
        role: ActorRole::System,
        idempotency_key: format!("{}:route", actor.idempotency_key),
        at: actor.at,
    };
    let on = system.working_date();
    let mut scratch = record.state.clone();
    let mut bodies: Vec<EventBody> = Vec::new();
    for item in &items {
        let body = plan_item_change(
            &scratch,
            item,
            Action::Start,
            ActorRole::System,
            on,
            calendar,
        )?;
        let event = onething_domain::case::CaseEvent {
            seq: scratch.last_seq + 1,
            at: system.at,
            actor: system.name.clone(),
            role: ActorRole::System,
            idempotency_key: format!("{}#{item}", system.idempotency_key),
            body: body.clone(),
        };
        scratch.apply(&event)?;
        bodies.push(body);
    }
    let written = append_in(tx, &record, bodies, &system).await?;
    for item in &items {
        let mut payload = (routing.payload)(item, &written.state);
        queue_in(tx, &written.id, item, "item", &mut payload, actor).await?;
    }
    Ok(written)
}

/// Queues `handover`'s result for one system of each kind named.
pub(crate) async fn hand_over_in(
    tx: &mut Transaction<'static, Any>,
    case_id: &str,
    handover: &Handover,
    actor: &Actor,
) -> Result<(), StoreError> {
    for kind in &handover.kinds {
        let Some(dept) = system_of_kind(tx, kind.as_str()).await? else {
            continue;
        };
        let mut payload = handover.payload.clone();
        insert_delivery(
            tx,
            &dept,
            case_id,
            &handover.item,
            "result",
            &mut payload,
            actor,
        )
        .await?;
    }
    Ok(())
}

pub(crate) async fn queue_in(
    tx: &mut Transaction<'static, Any>,
    case_id: &str,
    item: &str,
    purpose: &str,
    payload: &mut Value,
    actor: &Actor,
) -> Result<(), StoreError> {
    let kind: Option<String> =
        sqlx::query_scalar("SELECT department FROM case_items WHERE case_id = $1 AND item = $2")
            .bind(case_id)
            .bind(item)
            .fetch_optional(&mut **tx)
            .await?;
    let Some(kind) = kind else {
        return Ok(());
    };
    if let Some(dept) = system_of_kind(tx, &kind).await? {
        insert_delivery(tx, &dept, case_id, item, purpose, payload, actor).await?;
    }
    Ok(())
}

/// The department system of a kind that receives deliveries (the first by id).
async fn system_of_kind(
    tx: &mut Transaction<'static, Any>,
    kind: &str,
) -> Result<Option<String>, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM departments WHERE kind = $1 AND webhook_url IS NOT NULL ORDER BY id LIMIT 1",
    )
    .bind(kind)
    .fetch_optional(&mut **tx)
    .await?)
}

async fn insert_delivery(
    tx: &mut Transaction<'static, Any>,
    dept: &str,
    case_id: &str,
    item: &str,
    purpose: &str,
    payload: &mut Value,
    actor: &Actor,
) -> Result<(), StoreError> {
    let id = Uuid::new_v4().simple().to_string();
    if let Value::Object(map) = payload {
        map.insert("delivery_id".into(), Value::String(id.clone()));
        map.insert("case_id".into(), Value::String(case_id.to_owned()));
        map.insert("item".into(), Value::String(item.to_owned()));
        map.insert("purpose".into(), Value::String(purpose.to_owned()));
    }
    sqlx::query(
        "INSERT INTO deliveries (id, dept_id, case_id, item, payload, status, attempts,
             next_attempt_at, created_at, purpose)
         VALUES ($1, $2, $3, $4, $5, 'pending', 0, $6, $6, $7)",
    )
    .bind(&id)
    .bind(dept)
    .bind(case_id)
    .bind(item)
    .bind(payload.to_string())
    .bind(instant(actor.at))
    .bind(purpose)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

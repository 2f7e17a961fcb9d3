//! Cases (办件) on the case engine: the append-only event history is the truth, `cases` and
//! `case_items` are projections for lists and the due-date watch. Every write checks the
//! case's version, so two concurrent transitions on one case never both win.

use chrono::{DateTime, NaiveDate, Utc};
use futures_util::{Stream, StreamExt, TryStreamExt};
use onething_domain::Calendar;
use onething_domain::case::Action;
use onething_domain::case::{
    ActorRole, CaseEvent, CaseState, EventBody, ItemState, PlanError, plan_accept_all,
    plan_item_change, plan_open_with,
};
use onething_domain::china_time::date_in_china;
use onething_domain::department::DepartmentKind;
use serde::Serialize;
use sqlx::Row;
use uuid::Uuid;

use std::collections::HashMap;

use crate::columns::Columns;
use crate::rows::{Cell, insert_rows};
use crate::text::{
    date, instant, json, opt_date, parse_date, parse_instant, parse_json, parse_opt_date,
};
use crate::{Store, StoreError};

/// Who does something to a case, and the key that makes a retried request harmless.
#[derive(Debug, Clone)]
pub struct Actor {
    /// The user or system name recorded in the event.
    pub name: String,
    pub role: ActorRole,
    /// Chosen by the client per request; the same key again returns the earlier result.
    pub idempotency_key: String,
    pub at: DateTime<Utc>,
}

impl Actor {
    /// The China date of `at`: the working day the case engine records for the change.
    pub fn working_date(&self) -> NaiveDate {
        date_in_china(self.at)
    }
}

/// A request to open a case of a bundle.
#[derive(Debug, Clone)]
pub struct NewCase {
    pub bundle: String,
    /// Opaque reference to the applicant (a person's or employer's id); scoping uses it.
    pub applicant: String,
    pub region: Option<String>,
    /// Who filed on the applicant's behalf (`employer:…` for an employee's claim), if not
    /// the applicant: the filer sees the case as the applicant does.
    pub filer: Option<String>,
    /// The id to give the case (a service that audits reads for the case before opening it
    /// chooses it first); a fresh one when `None`.
    pub id: Option<String>,
}

/// A case as read back: its projection rebuilt from the events, and its version.
#[derive(Debug, Clone)]
pub struct CaseRecord {
    pub id: String,
    pub version: i64,
    pub region: Option<String>,
    pub state: CaseState,
}

/// One open item whose deadline is near or past (SV-3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DueItem {
    pub case_id: String,
    pub bundle: String,
    /// The case's region (GB/T 2260), when it has one.
    pub region: Option<String>,
    pub item: String,
    pub department: DepartmentKind,
    pub state: ItemState,
    pub due_on: NaiveDate,
    /// `due_on` is a forecast over a year without a published notice ("预计").
    pub due_on_provisional: bool,
    pub overdue: bool,
}

/// Text of a serde unit enum (`ItemState::InProgress` → `in_progress`).
fn enum_text<T: Serialize>(value: &T) -> Result<String, StoreError> {
    match serde_json::to_value(value).map_err(StoreError::corrupt)? {
        serde_json::Value::String(s) => Ok(s),
        other => Err(StoreError::corrupt(format!(
            "expected a unit enum, got {other}"
        ))),
    }
}

fn parse_enum<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, StoreError> {
    serde_json::from_value(serde_json::Value::String(text.to_owned())).map_err(StoreError::corrupt)
}

impl Store {
    /// Opens a case of `new.bundle` under the current catalogue version, all items submitted.
    pub async fn open_case(&self, new: &NewCase, actor: &Actor) -> Result<CaseRecord, StoreError> {
        if let Some(case_id) = self.case_of_idempotency_key(&actor.idempotency_key).await? {
            return self.load_case(&case_id).await;
        }
        let catalog = self.current_catalog().await?;
        let mut tx = self.begin_write().await?;
        let record = open_case_in(&mut tx, &catalog, new, actor).await?;
        tx.commit().await?;
        Ok(record)
    }

    /// Applies one action to one item of a case, deciding by the case engine's rules.
    pub async fn change_item(
        &self,
        case_id: &str,
        item: &str,
        action: Action,
        actor: &Actor,
        calendar: &Calendar,
    ) -> Result<CaseRecord, StoreError> {
        self.planned(case_id, actor, |state, on| {
            Ok(vec![plan_item_change(
                state, item, action, actor.role, on, calendar,
            )?])
        })
        .await
    }

    /// A change planned by the case engine on the case's current state: a retried request
    /// (same key on the same case) returns what it wrote the first time.
    async fn planned(
        &self,
        case_id: &str,
        actor: &Actor,
        plan: impl FnOnce(&CaseState, NaiveDate) -> Result<Vec<EventBody>, PlanError>,
    ) -> Result<CaseRecord, StoreError> {
        if let Some(existing) = self.replayed(case_id, actor).await? {
            return Ok(existing);
        }
        let record = self.load_case(case_id).await?;
        let bodies = plan(&record.state, actor.working_date())?;
        self.append(&record, bodies, actor).await
    }

    /// Accepts every submitted item at once (the window accepts the whole application).
    pub async fn accept_all(
        &self,
        case_id: &str,
        actor: &Actor,
        calendar: &Calendar,
    ) -> Result<CaseRecord, StoreError> {
        self.planned(case_id, actor, |state, on| {
            plan_accept_all(state, actor.role, on, calendar)
        })
        .await
    }

    /// Writes `bodies` as the next events of `record`, provided nobody wrote since it was
    /// read. The version check is the first write of the transaction, so on SQLite the write
    /// lock is taken before anything is read inside it.
    pub async fn append(
        &self,
        record: &CaseRecord,
        bodies: Vec<EventBody>,
        actor: &Actor,
    ) -> Result<CaseRecord, StoreError> {
        let mut tx = self.begin_write().await?;
        let written = append_in(&mut tx, record, bodies, actor).await?;
        tx.commit().await?;
        Ok(written)
    }

    /// Appends events and their audit entry in one transaction (a supervisor's urge: the
    /// step on the case and the audit commit together or not at all).
    pub async fn append_audited(
        &self,
        record: &CaseRecord,
        bodies: Vec<EventBody>,
        actor: &Actor,
        audit: &crate::audit::NewAuditEntry,
    ) -> Result<CaseRecord, StoreError> {
        let mut tx = self.begin_write().await?;
        let written = append_in(&mut tx, record, bodies, actor).await?;
        crate::audit::append_audit_in(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(written)
    }

    /// The case rebuilt from its events.
    pub async fn load_case(&self, case_id: &str) -> Result<CaseRecord, StoreError> {
        let rows = self
            .read_rows(READ_CASE.to_owned(), &[case_id], case_row)
            .await?;
        case_of_rows(case_id, rows)
    }

    /// The full history of a case, oldest first.
    pub async fn case_events(&self, case_id: &str) -> Result<Vec<CaseEvent>, StoreError> {
        let rows = sqlx::query(
            "SELECT seq, at, actor, role, idempotency_key, body FROM case_events
             WHERE case_id = $1 ORDER BY seq",
        )
        .bind(case_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(|row| event_from_row(row)).collect()
    }

    /// Item states and due dates as the projection table holds them (for the rebuild check).
    pub async fn item_projection(
        &self,
        case_id: &str,
    ) -> Result<Vec<(String, ItemState, Option<NaiveDate>)>, StoreError> {
        let rows = sqlx::query(
            "SELECT item, state, due_on FROM case_items WHERE case_id = $1 ORDER BY item",
        )
        .bind(case_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let state: String = r.try_get("state")?;
                Ok((
                    r.try_get("item")?,
                    parse_enum(&state)?,
                    parse_opt_date(r.try_get("due_on")?)?,
                ))
            })
            .collect()
    }

    /// Rewrites the projection rows of a case from its events (repair after a bug or restore).
    pub async fn rebuild_projection(&self, case_id: &str) -> Result<CaseRecord, StoreError> {
        let record = self.load_case(case_id).await?;
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE cases SET status = $1, due_on = $2 WHERE id = $3")
            .bind(enum_text(&record.state.status())?)
            .bind(opt_date(record.state.due_on()))
            .bind(case_id)
            .execute(&mut *tx)
            .await?;
        let items: Vec<(&str, &str, &CaseState)> = record
            .state
            .items
            .keys()
            .map(|item| (case_id, item.as_str(), &record.state))
            .collect();
        update_item_rows(&mut tx, &items).await?;
        tx.commit().await?;
        Ok(record)
    }

    /// Open items (accepted or in progress) due on or before `until`, soonest first;
    /// `overdue` marks those already past `today`. The caller picks `until` as today plus the
    /// near-due window in working days (see `Calendar::add_working_days`).
    pub async fn list_due(
        &self,
        today: NaiveDate,
        until: NaiveDate,
        department: Option<DepartmentKind>,
    ) -> Result<Vec<DueItem>, StoreError> {
        self.due_items(today, until, department).try_collect().await
    }

    /// [`Store::list_due`] as a stream, one item at a time: a province's open items are
    /// hundreds of thousands, and the supervision round reads them all; read as one list
    /// they (and the driver's rows) kept the server at 1.3 GB after every round.
    pub fn due_items(
        &self,
        today: NaiveDate,
        until: NaiveDate,
        department: Option<DepartmentKind>,
    ) -> impl Stream<Item = Result<DueItem, StoreError>> + Send + '_ {
        sqlx::query(
            "SELECT i.case_id, c.bundle, c.region, i.item, i.department, i.state, i.due_on,
                    i.due_on_provisional
             FROM case_items i JOIN cases c ON c.id = i.case_id
             WHERE i.state IN ('accepted', 'in_progress') AND i.due_on IS NOT NULL
               AND i.due_on <= $1 AND ($2 IS NULL OR i.department = $2)
             ORDER BY i.due_on, i.case_id, i.item",
        )
        .bind(date(until))
        .bind(department.map(|d| d.as_str()))
        .fetch(self.pool())
        .map(move |row| due_item_from_row(&row?, today))
    }

    /// The case an idempotency key already produced, if any.
    async fn case_of_idempotency_key(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT case_id FROM case_events WHERE idempotency_key = $1")
                .bind(key)
                .fetch_optional(self.pool())
                .await?,
        )
    }

    /// A retried request (same key on the same case) returns the case as it is now.
    pub(crate) async fn replayed(
        &self,
        case_id: &str,
        actor: &Actor,
    ) -> Result<Option<CaseRecord>, StoreError> {
        match self.case_of_idempotency_key(&actor.idempotency_key).await? {
            None => Ok(None),
            Some(existing) if existing == case_id => Ok(Some(self.load_case(case_id).await?)),
            Some(_) => Err(StoreError::IdempotencyKeyReused(
                actor.idempotency_key.clone(),
            )),
        }
    }
}

/// A case about to be opened, planned in memory: its id, its first event and state, and
/// each item's department (for the projection rows).
pub(crate) struct Opening {
    pub id: String,
    pub event: CaseEvent,
    pub state: CaseState,
    pub departments: Vec<(String, DepartmentKind)>,
}

/// Plans the opening of a case of `new.bundle` under `catalog` (nothing written), with the
/// bundle's optional items `with` names (`Bundle::items_for`: a parameter of the service
/// decided they apply).
pub(crate) fn plan_opening(
    catalog: &crate::catalog::CatalogVersion,
    new: &NewCase,
    actor: &Actor,
    with: &[String],
) -> Result<Opening, StoreError> {
    let bundle = catalog
        .catalog
        .bundle(&new.bundle)
        .ok_or_else(|| StoreError::NotFound {
            what: "bundle",
            id: new.bundle.clone(),
        })?;
    let items = bundle.items_for(with);
    let departments: Vec<(String, DepartmentKind)> = items
        .iter()
        .filter_map(|i| {
            catalog
                .catalog
                .item(&i.item)
                .map(|c| (i.item.clone(), c.department))
        })
        .collect();
    let body = plan_open_with(bundle, catalog.version, &new.applicant, with)?;
    let event = event_of(1, actor, &actor.idempotency_key, body);
    let state = CaseState::replay(std::slice::from_ref(&event))?;
    let id = new
        .id
        .clone()
        .unwrap_or_else(|| Uuid::new_v4().simple().to_string());
    Ok(Opening {
        id,
        event,
        state,
        departments,
    })
}

/// Opens a case inside the caller's transaction (a service opens its detail row with it).
pub(crate) async fn open_case_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    catalog: &crate::catalog::CatalogVersion,
    new: &NewCase,
    actor: &Actor,
) -> Result<CaseRecord, StoreError> {
    open_case_with_in(tx, catalog, new, actor, &[]).await
}

/// As [`open_case_in`], with the bundle's optional items `with` names.
pub(crate) async fn open_case_with_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    catalog: &crate::catalog::CatalogVersion,
    new: &NewCase,
    actor: &Actor,
    with: &[String],
) -> Result<CaseRecord, StoreError> {
    let Opening {
        id,
        event,
        state,
        departments,
    } = plan_opening(catalog, new, actor, with)?;
    sqlx::query(
        "INSERT INTO cases (id, bundle, catalog_version, applicant, region, status, version, opened_at, updated_at, due_on, filer)
         VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7, NULL, $8)",
    )
    .bind(&id)
    .bind(&new.bundle)
    .bind(catalog.version)
    .bind(&new.applicant)
    .bind(new.region.as_deref())
    .bind(enum_text(&state.status())?)
    .bind(instant(actor.at))
    .bind(new.filer.as_deref())
    .execute(&mut **tx)
    .await?;
    insert_event(tx, &id, &event).await?;
    // The items in one statement.
    let submitted = enum_text(&ItemState::Submitted)?;
    let items: Vec<Vec<Cell>> = departments
        .iter()
        .map(|(item, department)| {
            vec![
                id.as_str().into(),
                item.as_str().into(),
                department.as_str().into(),
                submitted.as_str().into(),
            ]
        })
        .collect();
    let columns = ["case_id", "item", "department", "state"];
    let backend = crate::Backend::of_connection(tx);
    insert_rows(tx, backend, "case_items", &columns, &items).await?;
    Ok(CaseRecord {
        id,
        version: 1,
        region: new.region.clone(),
        state,
    })
}

/// The case rebuilt from its events, as the caller's transaction sees it.
pub(crate) async fn load_case_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    case_id: &str,
) -> Result<CaseRecord, StoreError> {
    let rows = sqlx::query(READ_CASE)
        .bind(case_id)
        .fetch_all(&mut **tx)
        .await?;
    let rows = rows
        .iter()
        .map(|row| case_row(row))
        .collect::<Result<_, _>>()?;
    case_of_rows(case_id, rows)
}

/// The case row and its events in one statement (each statement is a round trip to the
/// database: to sqlx's SQLite thread or over PostgreSQL's socket; on SQLite outside a
/// transaction, run on the caller's thread).
const READ_CASE: &str =
    "SELECT c.version, c.region, e.seq, e.at, e.actor, e.role, e.idempotency_key, e.body
     FROM cases c LEFT JOIN case_events e ON e.case_id = c.id
     WHERE c.id = $1 ORDER BY e.seq";

/// The case's version and region, and the event of one row of [`READ_CASE`] (none for a
/// case without events, which reads as one row of NULLs).
type CaseRow = (i64, Option<String>, Option<CaseEvent>);

fn case_row(row: &dyn Columns) -> Result<CaseRow, StoreError> {
    let event = match row.get::<Option<i64>>("seq")? {
        Some(_) => Some(event_from_row(row)?),
        None => None,
    };
    Ok((row.get("version")?, row.get("region")?, event))
}

/// The case [`READ_CASE`] answered, replayed.
fn case_of_rows(case_id: &str, rows: Vec<CaseRow>) -> Result<CaseRecord, StoreError> {
    let Some((version, region)) = rows.first().map(|(v, r, _)| (*v, r.clone())) else {
        return Err(StoreError::NotFound {
            what: "case",
            id: case_id.to_owned(),
        });
    };
    let events: Vec<CaseEvent> = rows.into_iter().filter_map(|(_, _, e)| e).collect();
    Ok(CaseRecord {
        id: case_id.to_owned(),
        version,
        region,
        state: CaseState::replay(&events)?,
    })
}

/// One write a service makes to its case, in order.
#[derive(Debug, Clone)]
pub enum CaseWrite {
    /// An item moves by the engine's rules (due dates planned with the calendar).
    Move {
        item: String,
        action: Action,
        role: ActorRole,
    },
    /// Every submitted item accepted at once, dependencies first (`plan_accept_all`).
    AcceptAll { role: ActorRole },
    /// A step of the service's own workflow (`EventBody::Service`).
    Step {
        step: String,
        detail: serde_json::Value,
        role: ActorRole,
    },
}

/// Plans `writes` one after another on the case and appends them as its next events,
/// inside the caller's transaction (optimistic: refused if the case moved meanwhile).
pub(crate) async fn advance_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    case_id: &str,
    writes: &[CaseWrite],
    actor: &Actor,
    calendar: &Calendar,
) -> Result<CaseRecord, StoreError> {
    let record = load_case_in(tx, case_id).await?;
    advance_from_in(tx, &record, writes, actor, calendar).await
}

/// [`advance_in`] on a case the caller's transaction already holds as `record` (just
/// opened or advanced in it): not read again. Still version-checked.
pub(crate) async fn advance_from_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    record: &CaseRecord,
    writes: &[CaseWrite],
    actor: &Actor,
    calendar: &Calendar,
) -> Result<CaseRecord, StoreError> {
    let planned = plan_bodies(&record.state, writes, actor, calendar)?;
    append_roles_in(tx, record, planned, actor).await
}

/// The events `writes` make on a case at `record`, planned one after another by the case
/// engine, and the case after them (nothing written): what [`advance_in`] appends.
pub(crate) fn plan_advance(
    record: &CaseRecord,
    writes: &[CaseWrite],
    actor: &Actor,
    calendar: &Calendar,
) -> Result<(Vec<CaseEvent>, CaseRecord), StoreError> {
    let planned = plan_bodies(&record.state, writes, actor, calendar)?;
    let (events, state) = keyed_events(record, planned, actor)?;
    let after = CaseRecord {
        id: record.id.clone(),
        version: record.version + events.len() as i64,
        region: record.region.clone(),
        state,
    };
    Ok((events, after))
}

/// The bodies of `writes` with their roles, each planned on the case as the ones before
/// left it.
fn plan_bodies(
    state: &CaseState,
    writes: &[CaseWrite],
    actor: &Actor,
    calendar: &Calendar,
) -> Result<Vec<(ActorRole, EventBody)>, StoreError> {
    let on = actor.working_date();
    let mut scratch = state.clone();
    let mut planned: Vec<(ActorRole, EventBody)> = Vec::new();
    for write in writes {
        let bodies = match write {
            CaseWrite::Move { item, action, role } => vec![(
                *role,
                plan_item_change(&scratch, item, action.clone(), *role, on, calendar)?,
            )],
            CaseWrite::AcceptAll { role } => plan_accept_all(&scratch, *role, on, calendar)?
                .into_iter()
                .map(|b| (*role, b))
                .collect(),
            CaseWrite::Step { step, detail, role } => vec![(*role, service_body(step, detail))],
        };
        for (role, body) in bodies {
            let seq = scratch.last_seq + 1;
            let mut event = event_of(seq, actor, &actor.idempotency_key, body);
            event.role = role;
            scratch.apply(&event)?;
            planned.push((role, event.body));
        }
    }
    Ok(planned)
}

fn event_of(seq: u64, actor: &Actor, key: &str, body: EventBody) -> CaseEvent {
    CaseEvent {
        seq,
        at: actor.at,
        actor: actor.name.clone(),
        role: actor.role,
        idempotency_key: key.to_owned(),
        body,
    }
}

fn touched_items(events: &[CaseEvent]) -> Vec<String> {
    let mut items: Vec<String> = events
        .iter()
        .filter_map(|e| match &e.body {
            EventBody::ItemChanged { item, .. } | EventBody::DueDateRecomputed { item, .. } => {
                Some(item.clone())
            }
            EventBody::Opened { .. } | EventBody::Service { .. } => None,
        })
        .collect();
    items.sort();
    items.dedup();
    items
}

/// The columns of `case_events`, in the order of [`event_cells`].
pub(crate) const EVENT_COLUMNS: [&str; 9] = [
    "case_id",
    "seq",
    "at",
    "actor",
    "role",
    "kind",
    "item",
    "idempotency_key",
    "body",
];

/// An event as the row it is stored as.
pub(crate) fn event_cells(case_id: &str, event: &CaseEvent) -> Result<Vec<Cell>, StoreError> {
    let (kind, item) = match &event.body {
        EventBody::Opened { .. } => ("opened".to_owned(), None),
        EventBody::Service { step, .. } => (format!("service:{step}"), None),
        EventBody::ItemChanged { item, action, .. } => {
            (enum_text(&action.kind())?, Some(item.as_str()))
        }
        EventBody::DueDateRecomputed { item, .. } => {
            ("due_date_recomputed".to_owned(), Some(item.as_str()))
        }
    };
    Ok(vec![
        case_id.into(),
        (event.seq as i64).into(),
        instant(event.at).into(),
        event.actor.as_str().into(),
        enum_text(&event.role)?.into(),
        kind.into(),
        item.into(),
        event.idempotency_key.as_str().into(),
        json(&event.body)?.into(),
    ])
}

/// A change's events: one statement however many (a submission writes a dozen).
async fn insert_events(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    case_id: &str,
    events: &[CaseEvent],
) -> Result<(), StoreError> {
    if let [event] = events {
        return insert_event(tx, case_id, event).await;
    }
    let rows = events
        .iter()
        .map(|e| event_cells(case_id, e))
        .collect::<Result<Vec<_>, _>>()?;
    let backend = crate::Backend::of_connection(tx);
    insert_rows(tx, backend, "case_events", &EVENT_COLUMNS, &rows).await
}

async fn insert_event(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    case_id: &str,
    event: &CaseEvent,
) -> Result<(), StoreError> {
    let cells = event_cells(case_id, event)?;
    let mut query = sqlx::query(
        "INSERT INTO case_events (case_id, seq, at, actor, role, kind, item, idempotency_key, body)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    );
    for cell in cells {
        query = match cell {
            Cell::Text(v) => query.bind(v),
            Cell::Int(v) => query.bind(v),
        };
    }
    query.execute(&mut **tx).await?;
    Ok(())
}

/// The columns of `cases`, in the order of [`case_cells`].
pub(crate) const CASE_COLUMNS: [&str; 11] = [
    "id",
    "bundle",
    "catalog_version",
    "applicant",
    "region",
    "status",
    "version",
    "opened_at",
    "updated_at",
    "due_on",
    "filer",
];

/// A case's row as its events leave it (`record`), opened by `new` at `opened_at`,
/// last changed at `updated_at`.
pub(crate) fn case_cells(
    new: &NewCase,
    catalog_version: i64,
    record: &CaseRecord,
    (opened_at, updated_at): (DateTime<Utc>, DateTime<Utc>),
) -> Result<Vec<Cell>, StoreError> {
    Ok(vec![
        record.id.as_str().into(),
        new.bundle.as_str().into(),
        catalog_version.into(),
        new.applicant.as_str().into(),
        new.region.clone().into(),
        enum_text(&record.state.status())?.into(),
        record.version.into(),
        instant(opened_at).into(),
        instant(updated_at).into(),
        opt_date(record.state.due_on()).into(),
        new.filer.clone().into(),
    ])
}

/// The columns of `case_items`, in the order of [`item_cells`].
pub(crate) const ITEM_COLUMNS: [&str; 8] = [
    "case_id",
    "item",
    "department",
    "state",
    "due_on",
    "accepted_on",
    "finished_on",
    "due_on_provisional",
];

/// An item's projection row as the case's events leave it.
pub(crate) fn item_cells(
    case_id: &str,
    item: &str,
    department: DepartmentKind,
    state: &CaseState,
) -> Result<Vec<Cell>, StoreError> {
    let snapshot = state
        .items
        .get(item)
        .ok_or_else(|| StoreError::corrupt(format!("case {case_id} has no item {item}")))?;
    Ok(vec![
        case_id.into(),
        item.into(),
        department.as_str().into(),
        enum_text(&snapshot.state)?.into(),
        opt_date(snapshot.due_on).into(),
        opt_date(snapshot.accepted_on).into(),
        opt_date(snapshot.finished_on).into(),
        snapshot.due_on_provisional.into(),
    ])
}

/// The projection rows of `items` (case, item, the state they are in now) rewritten from
/// that state: one `UPDATE … FROM` a JSON array of the rows ([`crate::Backend::json_rows`]),
/// not one statement per item.
async fn update_item_rows(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    items: &[(&str, &str, &CaseState)],
) -> Result<(), StoreError> {
    if items.is_empty() {
        return Ok(());
    }
    let mut rows = Vec::with_capacity(items.len());
    for (case_id, item, state) in items {
        let snapshot = state
            .items
            .get(*item)
            .ok_or_else(|| StoreError::corrupt(format!("case {case_id} has no item {item}")))?;
        rows.push(serde_json::json!([
            case_id,
            item,
            enum_text(&snapshot.state)?,
            opt_date(snapshot.due_on),
            opt_date(snapshot.accepted_on),
            opt_date(snapshot.finished_on),
            i64::from(snapshot.due_on_provisional),
        ]));
    }
    let source = crate::Backend::of_connection(tx).json_rows("$1");
    let sql = format!(
        "UPDATE case_items SET state = j.value ->> 2, due_on = j.value ->> 3,
                accepted_on = j.value ->> 4, finished_on = j.value ->> 5,
                due_on_provisional = CAST(j.value ->> 6 AS BIGINT)
         FROM {source}
         WHERE case_items.case_id = j.value ->> 0 AND case_items.item = j.value ->> 1"
    );
    for piece in rows.chunks(2_048) {
        let list = serde_json::to_string(piece).map_err(StoreError::corrupt)?;
        let done = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(list)
            .execute(&mut **tx)
            .await?
            .rows_affected();
        if done != piece.len() as u64 {
            return Err(StoreError::corrupt(format!(
                "{done} item rows moved of {}",
                piece.len()
            )));
        }
    }
    Ok(())
}

pub(crate) fn event_from_row(row: &dyn Columns) -> Result<CaseEvent, StoreError> {
    let seq: i64 = row.get("seq")?;
    let at: String = row.get("at")?;
    let role: String = row.get("role")?;
    let body: String = row.get("body")?;
    Ok(CaseEvent {
        seq: u64::try_from(seq).map_err(StoreError::corrupt)?,
        at: parse_instant(&at)?,
        actor: row.get("actor")?,
        role: parse_enum(&role)?,
        idempotency_key: row.get("idempotency_key")?,
        body: parse_json(&body)?,
    })
}

pub(crate) fn due_item_from_row(
    row: &sqlx::any::AnyRow,
    today: NaiveDate,
) -> Result<DueItem, StoreError> {
    let department: String = row.try_get("department")?;
    let state: String = row.try_get("state")?;
    let due: String = row.try_get("due_on")?;
    let due_on = parse_date(&due)?;
    Ok(DueItem {
        case_id: row.try_get("case_id")?,
        bundle: row.try_get("bundle")?,
        region: row.try_get("region")?,
        item: row.try_get("item")?,
        department: DepartmentKind::parse(&department)
            .ok_or_else(|| StoreError::corrupt(format!("department {department:?}")))?,
        state: parse_enum(&state)?,
        due_on,
        due_on_provisional: row.try_get::<i64, _>("due_on_provisional")? != 0,
        overdue: due_on < today,
    })
}

/// Writes `bodies` as the next events of `record` inside `tx`, provided nobody wrote since
/// it was read (the version check is the transaction's first write).
pub(crate) async fn append_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    record: &CaseRecord,
    bodies: Vec<EventBody>,
    actor: &Actor,
) -> Result<CaseRecord, StoreError> {
    let bodies = bodies.into_iter().map(|b| (actor.role, b)).collect();
    append_roles_in(tx, record, bodies, actor).await
}

/// `append_in` with a role per event (a service's step by the system beside a clerk's move).
async fn append_roles_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    record: &CaseRecord,
    bodies: Vec<(ActorRole, EventBody)>,
    actor: &Actor,
) -> Result<CaseRecord, StoreError> {
    let (events, state) = keyed_events(record, bodies, actor)?;
    let new_version = record.version + events.len() as i64;
    let updated = sqlx::query(
        "UPDATE cases SET version = $1, status = $2, updated_at = $3, due_on = $4
             WHERE id = $5 AND version = $6",
    )
    .bind(new_version)
    .bind(enum_text(&state.status())?)
    .bind(instant(actor.at))
    .bind(opt_date(state.due_on()))
    .bind(&record.id)
    .bind(record.version)
    .execute(&mut **tx)
    .await?;
    StoreError::unless_one_row(updated.rows_affected(), "case", &record.id)?;
    insert_events(tx, &record.id, &events).await?;
    let touched = touched_items(&events);
    let items: Vec<(&str, &str, &CaseState)> = touched
        .iter()
        .map(|item| (record.id.as_str(), item.as_str(), &state))
        .collect();
    update_item_rows(tx, &items).await?;
    Ok(CaseRecord {
        id: record.id.clone(),
        version: new_version,
        region: record.region.clone(),
        state,
    })
}

/// The next events of `record` from `bodies`: numbered after its version, the first with
/// the actor's idempotency key and the others with `#2`, `#3`… after it; and the state
/// they leave.
fn keyed_events(
    record: &CaseRecord,
    bodies: Vec<(ActorRole, EventBody)>,
    actor: &Actor,
) -> Result<(Vec<CaseEvent>, CaseState), StoreError> {
    let events = numbered_events(record.version, bodies, actor);
    let mut state = record.state.clone();
    for event in &events {
        state.apply(event)?;
    }
    Ok((events, state))
}

/// `bodies` as the events after `version`, keyed as [`keyed_events`] says.
fn numbered_events(
    version: i64,
    bodies: Vec<(ActorRole, EventBody)>,
    actor: &Actor,
) -> Vec<CaseEvent> {
    let mut events = Vec::with_capacity(bodies.len());
    for (n, (role, body)) in bodies.into_iter().enumerate() {
        let key = match n {
            0 => actor.idempotency_key.clone(),
            n => format!("{}#{}", actor.idempotency_key, n + 1),
        };
        let seq = version as u64 + n as u64 + 1;
        let mut event = event_of(seq, actor, &key, body);
        event.role = role;
        events.push(event);
    }
    events
}

/// One case's change in a set of changes ([`advance_many_in`]).
#[derive(Debug, Clone)]
pub(crate) struct CaseChange {
    pub case_id: String,
    pub writes: Vec<CaseWrite>,
    pub actor: Actor,
}

/// Cases read per query by [`advance_many_in`].
const CASES_PER_READ: usize = 500;

/// [`advance_in`] for many cases at once (a settlement's steps). Cases whose changes are
/// all service steps that leave the state as it is ([`EventBody::leaves_state_unchanged`]:
/// a settlement's `settled`) need only their head ([`advance_heads_in`]); the others are
/// read with their events and replayed ([`advance_replayed_in`]). Either way the new events
/// are written with multi-row `INSERT`s and the case rows moved by one `UPDATE` per group of
/// cases at the same version with the same outcome, refused, as one by one, if any of them
/// moved meanwhile.
pub(crate) async fn advance_many_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    changes: &[CaseChange],
    calendar: &Calendar,
) -> Result<(), StoreError> {
    let backend = crate::Backend::of_connection(tx);
    let (heads, replayed) = split_by_need(changes);
    advance_heads_in(tx, backend, heads).await?;
    advance_replayed_in(tx, backend, &replayed, calendar).await
}

/// `changes` split, in order, into those of cases that need only their head and those of
/// cases that must be replayed: a case with a change of each kind is replayed whole.
/// A head-only change comes with the events it appends.
fn split_by_need(changes: &[CaseChange]) -> (Vec<HeadChange<'_>>, Vec<&CaseChange>) {
    let bodies: Vec<Option<Vec<(ActorRole, EventBody)>>> = changes
        .iter()
        .map(|c| unchanging_bodies(&c.writes))
        .collect();
    let mut head_only: HashMap<&str, bool> = HashMap::new();
    for (change, bodies) in changes.iter().zip(&bodies) {
        *head_only.entry(change.case_id.as_str()).or_insert(true) &= bodies.is_some();
    }
    let mut heads = Vec::new();
    let mut replayed = Vec::new();
    for (change, bodies) in changes.iter().zip(bodies) {
        match bodies {
            Some(bodies) if head_only[change.case_id.as_str()] => heads.push((change, bodies)),
            _ => replayed.push(change),
        }
    }
    (heads, replayed)
}

/// A change [`advance_heads_in`] appends, with its events' bodies.
type HeadChange<'a> = (&'a CaseChange, Vec<(ActorRole, EventBody)>);

/// The events of `writes` if every one is a service step that leaves the case's state as
/// it is; `None` if one of them needs the state.
fn unchanging_bodies(writes: &[CaseWrite]) -> Option<Vec<(ActorRole, EventBody)>> {
    let mut bodies = Vec::with_capacity(writes.len());
    for write in writes {
        let CaseWrite::Step { step, detail, role } = write else {
            return None;
        };
        let body = service_body(step, detail);
        if !body.leaves_state_unchanged() {
            return None;
        }
        bodies.push((*role, body));
    }
    Some(bodies)
}

fn service_body(step: &str, detail: &serde_json::Value) -> EventBody {
    EventBody::Service {
        step: step.to_owned(),
        detail: detail.clone(),
    }
}

/// A case row as [`advance_heads_in`] reads it.
struct Head {
    version: i64,
    status: String,
    due_on: Option<String>,
}

/// Appends steps that leave the cases' state as it is: only the case rows are read (no
/// events, no replay); status and due date stay as read, the version moves on.
async fn advance_heads_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    backend: crate::Backend,
    changes: Vec<HeadChange<'_>>,
) -> Result<(), StoreError> {
    if changes.is_empty() {
        return Ok(());
    }
    let ids = case_ids(changes.iter().map(|(c, _)| *c));
    let heads = load_heads_in(tx, backend, &ids).await?;
    let mut now: HashMap<&str, (i64, DateTime<Utc>)> = HashMap::with_capacity(heads.len());
    let mut events = Vec::new();
    for (change, bodies) in changes {
        let id = change.case_id.as_str();
        let head = heads.get(id).ok_or_else(|| StoreError::NotFound {
            what: "case",
            id: id.to_owned(),
        })?;
        let version = now.get(id).map_or(head.version, |(v, _)| *v);
        let new = numbered_events(version, bodies, &change.actor);
        for event in &new {
            events.push(event_cells(id, event)?);
        }
        now.insert(id, (version + new.len() as i64, change.actor.at));
    }
    let mut moves = Vec::with_capacity(now.len());
    for (id, (version, at)) in now {
        let head = &heads[id];
        let outcome = (
            head.version,
            version,
            head.status.clone(),
            head.due_on.clone(),
            instant(at),
        );
        moves.push((id, outcome));
    }
    move_case_rows(tx, backend, moves).await?;
    insert_rows(tx, backend, "case_events", &EVENT_COLUMNS, &events).await
}

/// The cases `changes` name, each once, in order.
fn case_ids<'a>(changes: impl Iterator<Item = &'a CaseChange>) -> Vec<&'a str> {
    let mut ids: Vec<&str> = changes.map(|c| c.case_id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// `columns` of the case rows whose ids are in `list` (a JSON array text).
async fn case_rows_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    backend: crate::Backend,
    columns: &str,
    list: &str,
) -> Result<Vec<sqlx::any::AnyRow>, StoreError> {
    let members = backend.json_text_array("$1");
    Ok(sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {columns} FROM cases WHERE id IN ({members})"
    )))
    .bind(list)
    .fetch_all(&mut **tx)
    .await?)
}

/// The rows of the cases `ids`, by id.
async fn load_heads_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    backend: crate::Backend,
    ids: &[&str],
) -> Result<HashMap<String, Head>, StoreError> {
    let mut heads = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(CASES_PER_READ) {
        let list = serde_json::to_string(chunk).map_err(StoreError::corrupt)?;
        let rows = case_rows_in(tx, backend, "id, version, status, due_on", &list).await?;
        for row in &rows {
            let head = Head {
                version: row.try_get("version")?,
                status: row.try_get("status")?,
                due_on: row.try_get("due_on")?,
            };
            heads.insert(row.try_get("id")?, head);
        }
    }
    Ok(heads)
}

/// Changes planned by the case engine on each case rebuilt from its events (changes to
/// one case one after another), the touched items' rows updated after.
async fn advance_replayed_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    backend: crate::Backend,
    changes: &[&CaseChange],
    calendar: &Calendar,
) -> Result<(), StoreError> {
    if changes.is_empty() {
        return Ok(());
    }
    let ids = case_ids(changes.iter().copied());
    let read = load_cases_in(tx, backend, &ids).await?;
    let mut now: HashMap<&str, (CaseRecord, DateTime<Utc>)> = HashMap::with_capacity(ids.len());
    let mut events = Vec::new();
    let mut touched: Vec<(String, String)> = Vec::new();
    for change in changes {
        let id = change.case_id.as_str();
        let record = match now.get(id) {
            Some((record, _)) => record,
            None => read.get(id).ok_or_else(|| StoreError::NotFound {
                what: "case",
                id: id.to_owned(),
            })?,
        };
        let (new, after) = plan_advance(record, &change.writes, &change.actor, calendar)?;
        for item in touched_items(&new) {
            touched.push((id.to_owned(), item));
        }
        for event in &new {
            events.push(event_cells(id, event)?);
        }
        now.insert(id, (after, change.actor.at));
    }
    let mut moves = Vec::with_capacity(now.len());
    for (id, (after, at)) in &now {
        let outcome = (
            read.get(*id).map_or(0, |r| r.version),
            after.version,
            enum_text(&after.state.status())?,
            opt_date(after.state.due_on()),
            instant(*at),
        );
        moves.push((*id, outcome));
    }
    move_case_rows(tx, backend, moves).await?;
    insert_rows(tx, backend, "case_events", &EVENT_COLUMNS, &events).await?;
    touched.sort();
    touched.dedup();
    let items: Vec<(&str, &str, &CaseState)> = touched
        .iter()
        .filter_map(|(case_id, item)| {
            let (after, _) = now.get(case_id.as_str())?;
            Some((case_id.as_str(), item.as_str(), &after.state))
        })
        .collect();
    update_item_rows(tx, &items).await
}

/// The cases `ids` rebuilt from their events, as the caller's transaction sees them.
async fn load_cases_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    backend: crate::Backend,
    ids: &[&str],
) -> Result<HashMap<String, CaseRecord>, StoreError> {
    let members = backend.json_text_array("$1");
    let mut found = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(CASES_PER_READ) {
        let list = serde_json::to_string(chunk).map_err(StoreError::corrupt)?;
        let rows = case_rows_in(tx, backend, "id, version, region", &list).await?;
        let mut heads = HashMap::with_capacity(rows.len());
        for row in &rows {
            let id: String = row.try_get("id")?;
            let version: i64 = row.try_get("version")?;
            let region: Option<String> = row.try_get("region")?;
            heads.insert(id, (version, region));
        }
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT case_id, seq, at, actor, role, idempotency_key, body FROM case_events
             WHERE case_id IN ({members}) ORDER BY case_id, seq"
        )))
        .bind(&list)
        .fetch_all(&mut **tx)
        .await?;
        let mut histories: HashMap<String, Vec<CaseEvent>> = HashMap::new();
        for row in &rows {
            let case_id: String = row.try_get("case_id")?;
            histories
                .entry(case_id)
                .or_default()
                .push(event_from_row(row)?);
        }
        for (id, (version, region)) in heads {
            let history = histories.remove(&id).unwrap_or_default();
            let state = CaseState::replay(&history)?;
            let record = CaseRecord {
                id: id.clone(),
                version,
                region,
                state,
            };
            found.insert(id, record);
        }
    }
    Ok(found)
}

/// What a set of changes does to one case row: the version read, the version after, and
/// the status, due date and time it is left with.
type Outcome = (i64, i64, String, Option<String>, String);

/// Moves the case rows of a set of changes: grouped by outcome, one `UPDATE` per group
/// whose count must match.
async fn move_case_rows(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    backend: crate::Backend,
    moves: Vec<(&str, Outcome)>,
) -> Result<(), StoreError> {
    let mut groups: HashMap<Outcome, Vec<&str>> = HashMap::new();
    for (id, outcome) in moves {
        groups.entry(outcome).or_default().push(id);
    }
    let members = backend.json_text_array("$6");
    for ((before, version, status, due_on, at), mut ids) in groups {
        ids.sort_unstable();
        for chunk in ids.chunks(CASES_PER_READ) {
            let list = serde_json::to_string(chunk).map_err(StoreError::corrupt)?;
            let moved = sqlx::query(sqlx::AssertSqlSafe(format!(
                "UPDATE cases SET version = $1, status = $2, updated_at = $3, due_on = $4
                 WHERE version = $5 AND id IN ({members})"
            )))
            .bind(version)
            .bind(&status)
            .bind(&at)
            .bind(due_on.clone())
            .bind(before)
            .bind(list)
            .execute(&mut **tx)
            .await?;
            if moved.rows_affected() != chunk.len() as u64 {
                return Err(StoreError::Conflict {
                    what: "case",
                    id: chunk.first().map(|c| (*c).to_owned()).unwrap_or_default(),
                });
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use onething_domain::case::PROMISE_STEP;
    use serde_json::json;

    fn change(case_id: &str, writes: Vec<CaseWrite>) -> CaseChange {
        CaseChange {
            case_id: case_id.to_owned(),
            writes,
            actor: Actor {
                name: "platform".into(),
                role: ActorRole::System,
                idempotency_key: format!("{case_id}:k"),
                at: Utc::now(),
            },
        }
    }

    fn step(name: &str) -> CaseWrite {
        CaseWrite::Step {
            step: name.into(),
            detail: json!({"due_on": "2024-06-03"}),
            role: ActorRole::System,
        }
    }

    #[test]
    fn only_cases_whose_every_change_leaves_the_state_skip_the_replay() {
        let complete = CaseWrite::Move {
            item: "ma".into(),
            action: Action::Complete {
                certificate_ref: None,
            },
            role: ActorRole::System,
        };
        let changes = [
            change("settled", vec![step("settled")]),
            change("paid", vec![step("paid"), complete]),
            change("mixed", vec![step("settled")]),
            change("mixed", vec![step(PROMISE_STEP)]),
            change("twice", vec![step("settled"), step("payment_failed")]),
            change(
                "accepted",
                vec![CaseWrite::AcceptAll {
                    role: ActorRole::System,
                }],
            ),
        ];
        let (heads, replayed) = split_by_need(&changes);
        let heads: Vec<(&str, usize)> = heads
            .iter()
            .map(|(c, bodies)| (c.case_id.as_str(), bodies.len()))
            .collect();
        let replayed: Vec<&str> = replayed.iter().map(|c| c.case_id.as_str()).collect();
        assert_eq!(heads, [("settled", 1), ("twice", 2)]);
        assert_eq!(replayed, ["paid", "mixed", "mixed", "accepted"]);
    }

    #[test]
    fn events_after_a_head_are_numbered_and_keyed_as_after_a_replay() {
        let c = change("c", vec![step("settled"), step("payment_failed")]);
        let bodies = unchanging_bodies(&c.writes).expect("service steps");
        let events = numbered_events(7, bodies, &c.actor);
        let seqs: Vec<u64> = events.iter().map(|e| e.seq).collect();
        let keys: Vec<&str> = events.iter().map(|e| e.idempotency_key.as_str()).collect();
        assert_eq!(seqs, [8, 9]);
        assert_eq!(keys, ["c:k", "c:k#2"]);
    }
}

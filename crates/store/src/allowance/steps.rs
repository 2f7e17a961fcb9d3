//! A claim's steps (MA-6: submitted, reviewed, settled, paid, each with its date and actor)
//! and the notifications they send. Steps are events of the claim's case; both are written
//! inside the transaction that changes the claim. Notifications are an outbox: in-site
//! messages are delivered by being written, SMS rows are sent by the outbox worker
//! ([`Store::take_unsent_sms`], [`Store::mark_sms_failed`]).

use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use onething_domain::Calendar;
use onething_domain::case::{Action, ActorRole, EventBody};
use serde_json::Value;
use sqlx::{Any, Row, Transaction};
use uuid::Uuid;

use crate::cases::{Actor, CaseChange, CaseWrite, advance_in};

use crate::text::{instant, parse_instant};
use crate::{Store, StoreError};

/// One step in a claim's history.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimStep {
    pub seq: i64,
    /// `created`, `submitted`, `approved`, `rejected`, `settled`, `paid`, `payment_failed`, …
    pub step: String,
    pub at: DateTime<Utc>,
    pub by: String,
    pub detail: Value,
}

/// Who a notification is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recipient {
    Person(String),
    Employer(String),
    /// The officers of a department kind (`medical_insurance`, …): near-due notices and
    /// daily digests (SV-3).
    Department(String),
}

impl Recipient {
    pub fn key(&self) -> String {
        match self {
            Recipient::Person(id) => format!("person:{id}"),
            Recipient::Employer(uscc) => format!("employer:{uscc}"),
            Recipient::Department(kind) => format!("department:{kind}"),
        }
    }
}

/// A message to write: in-site always; SMS rows are sent by the SMS adapter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNotification {
    pub recipient: Recipient,
    /// `in_site` or `sms`.
    pub channel: &'static str,
    pub subject_type: &'static str,
    pub subject_id: String,
    pub body: String,
}

/// A stored notification.
#[derive(Debug, Clone, PartialEq)]
pub struct Notification {
    pub id: String,
    pub recipient: String,
    pub channel: String,
    pub subject_type: String,
    pub subject_id: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

/// The case item a maternity-allowance claim's payment completes (生育津贴支付 in the
/// `maternity_allowance` bundle, `data/catalog/bundles.toml`).
pub const PAYMENT_ITEM: &str = "PS-05";

/// Appends a step of a claim's workflow to its case, in the caller's transaction. `paid`
/// also completes the case's payment item, with the payment as its result.
pub async fn append_step_in(
    tx: &mut Transaction<'static, Any>,
    claim_id: &str,
    step: &str,
    at: DateTime<Utc>,
    by: &str,
    detail: &Value,
) -> Result<(), StoreError> {
    let case_id: Option<String> = sqlx::query_scalar("SELECT case_id FROM ma_claims WHERE id = $1")
        .bind(claim_id)
        .fetch_optional(&mut **tx)
        .await?
        .flatten();
    let case_id =
        case_id.ok_or_else(|| StoreError::corrupt(format!("claim {claim_id} has no case")))?;
    let complete = (step == "paid").then_some(PAYMENT_ITEM);
    let step = CaseStep {
        step,
        at,
        by,
        detail,
        complete,
    };
    append_case_step_in(tx, &case_id, &step).await
}

/// A step to append to a case (a payable's: `settled`, `paid`, `payment_failed`,
/// `account_corrected`), and the item it completes, if any (`paid` completes the payable's
/// case item, with the payment as its result).
#[derive(Debug, Clone, Copy)]
pub struct CaseStep<'a> {
    pub step: &'a str,
    pub at: DateTime<Utc>,
    pub by: &'a str,
    pub detail: &'a Value,
    pub complete: Option<&'a str>,
}

/// Completing an item plans no due date, so any calendar serves; loaded once.
pub(crate) fn no_due_dates() -> &'static Calendar {
    static NO_DUE_DATES: LazyLock<Calendar> = LazyLock::new(Calendar::shipped);
    &NO_DUE_DATES
}

/// The change `step` makes to the case `case_id`: the step, and the item it completes.
pub(crate) fn case_step_change(case_id: &str, step: &CaseStep<'_>) -> CaseChange {
    let mut writes = vec![CaseWrite::Step {
        step: step.step.to_owned(),
        detail: step.detail.clone(),
        role: ActorRole::System,
    }];
    if let Some(item) = step.complete {
        writes.push(CaseWrite::Move {
            item: item.to_owned(),
            action: Action::Complete {
                certificate_ref: step.detail["payment_id"].as_str().map(str::to_owned),
            },
            role: ActorRole::System,
        });
    }
    let actor = Actor {
        name: step.by.to_owned(),
        role: ActorRole::System,
        idempotency_key: format!("{case_id}:{}:{}", step.step, Uuid::new_v4().simple()),
        at: step.at,
    };
    CaseChange {
        case_id: case_id.to_owned(),
        writes,
        actor,
    }
}

/// Appends `step` to the case `case_id` in the caller's transaction.
pub async fn append_case_step_in(
    tx: &mut Transaction<'static, Any>,
    case_id: &str,
    step: &CaseStep<'_>,
) -> Result<(), StoreError> {
    let change = case_step_change(case_id, step);
    advance_in(tx, case_id, &change.writes, &change.actor, no_due_dates()).await?;
    Ok(())
}

/// Writes notifications in the caller's transaction (multi-row statements).
pub async fn notify_in(
    tx: &mut Transaction<'static, Any>,
    notes: &[NewNotification],
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let rows: Vec<_> = notes.iter().map(|n| notification_cells(n, at)).collect();
    let backend = crate::Backend::of_connection(tx);
    let columns = &NOTIFICATION_COLUMNS;
    crate::rows::insert_rows(tx, backend, "notifications", columns, &rows).await
}

/// The columns of `notifications` a new one fills, in the order of [`notification_cells`].
pub(crate) const NOTIFICATION_COLUMNS: [&str; 7] = [
    "id",
    "recipient",
    "channel",
    "subject_type",
    "subject_id",
    "body",
    "created_at",
];

/// A notification as the row [`notify_in`] writes (a set's notifications written at once).
pub(crate) fn notification_cells(
    note: &NewNotification,
    at: DateTime<Utc>,
) -> Vec<crate::rows::Cell> {
    vec![
        Uuid::new_v4().simple().to_string().into(),
        note.recipient.key().into(),
        note.channel.into(),
        note.subject_type.into(),
        note.subject_id.as_str().into(),
        note.body.as_str().into(),
        instant(at).into(),
    ]
}

impl Store {
    /// A claim's steps, oldest first: the `Service` events of its case.
    pub async fn claim_steps(&self, claim_id: &str) -> Result<Vec<ClaimStep>, StoreError> {
        let case_id: Option<String> =
            sqlx::query_scalar("SELECT case_id FROM ma_claims WHERE id = $1")
                .bind(claim_id)
                .fetch_optional(self.pool())
                .await?
                .flatten();
        let Some(case_id) = case_id else {
            return Err(StoreError::NotFound {
                what: "claim",
                id: claim_id.to_owned(),
            });
        };
        let events = self.case_events(&case_id).await?;
        Ok(events.into_iter().filter_map(step_of).collect())
    }

    /// A recipient's notifications of one channel, newest first.
    pub async fn notifications_for(
        &self,
        recipient: &Recipient,
        channel: &str,
        limit: u32,
    ) -> Result<Vec<Notification>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, recipient, channel, subject_type, subject_id, body, created_at, read_at
             FROM notifications WHERE recipient = $1 AND channel = $2
             ORDER BY created_at DESC, id LIMIT $3",
        )
        .bind(recipient.key())
        .bind(channel)
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(notification_of).collect()
    }

    /// Copies the payment item's due date (after a recomputation) into the claim of case
    /// `case_id`, if the claim has one: the claim row is a projection of its case.
    pub async fn sync_payment_due(&self, case_id: &str) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE ma_claims SET
                 payment_due = (SELECT due_on FROM case_items WHERE case_id = $1 AND item = $2),
                 payment_due_provisional =
                     (SELECT due_on_provisional FROM case_items WHERE case_id = $1 AND item = $2)
             WHERE case_id = $1 AND payment_due IS NOT NULL",
        )
        .bind(case_id)
        .bind(PAYMENT_ITEM)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Takes up to `limit` unsent SMS rows for the gateway, marking them sent as it takes
    /// them, so two workers (two app servers) never send one twice; a failed send is put
    /// back with [`Store::mark_sms`]. A crash between taking and sending loses that message
    /// rather than sending it twice (documented in docs/architecture.md).
    pub async fn take_unsent_sms(
        &self,
        at: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<Notification>, StoreError> {
        let rows = sqlx::query(
            "UPDATE notifications SET sent_at = $1, send_attempts = send_attempts + 1
             WHERE id IN (SELECT id FROM notifications
                          WHERE channel = 'sms' AND sent_at IS NULL AND send_attempts < 5
                          ORDER BY created_at, id LIMIT $2)
               AND sent_at IS NULL
             RETURNING id, recipient, channel, subject_type, subject_id, body, created_at, read_at",
        )
        .bind(instant(at))
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(notification_of).collect()
    }

    /// Puts a message whose send failed back in the queue with the error (five tries).
    pub async fn mark_sms_failed(&self, id: &str, error: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE notifications SET sent_at = NULL, last_error = $2 WHERE id = $1")
            .bind(id)
            .bind(error)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// How many SMS rows wait for the gateway (operators and tests).
    pub async fn unsent_sms(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM notifications WHERE channel = 'sms' AND sent_at IS NULL",
        )
        .fetch_one(self.pool())
        .await?)
    }
}

fn notification_of(row: &sqlx::any::AnyRow) -> Result<Notification, StoreError> {
    let read_at: Option<String> = row.try_get("read_at")?;
    Ok(Notification {
        id: row.try_get("id")?,
        recipient: row.try_get("recipient")?,
        channel: row.try_get("channel")?,
        subject_type: row.try_get("subject_type")?,
        subject_id: row.try_get("subject_id")?,
        body: row.try_get("body")?,
        created_at: parse_instant(&row.try_get::<String, _>("created_at")?)?,
        read_at: read_at.as_deref().map(parse_instant).transpose()?,
    })
}

/// A case event as a claim step, if it is one (a `Service` event).
pub(crate) fn step_of(event: onething_domain::case::CaseEvent) -> Option<ClaimStep> {
    match event.body {
        EventBody::Service { step, detail } => Some(ClaimStep {
            seq: event.seq as i64,
            step,
            at: event.at,
            by: event.actor,
            detail,
        }),
        _ => None,
    }
}

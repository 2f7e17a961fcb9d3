//! The allowance's part of a payable's status change: the claim row's status and payment
//! columns follow the payable (a projection, replayable from the case's steps), checked
//! against the claim's one transition table, and the employer and the person get a message
//! worded by the services crate.

use onething_domain::allowance::{ClaimAction, ClaimStatus};
use sqlx::Row;

use crate::StoreError;
use crate::allowance::steps::{NewNotification, Recipient, notify_in};
use crate::payables::{Acting, PayableChange, PayableEvent, PayableSubjects, SubjectsFuture, Tx};
use crate::text::{date, instant};

/// The allowance's [`PayableSubjects`]: the claim projection, and the messages worded by
/// `texts` (the services crate's; the store holds no Chinese text of its own).
#[derive(Debug, Clone, Copy)]
pub struct ClaimPayments {
    pub texts: PaymentTexts,
}

impl PayableSubjects for ClaimPayments {
    fn changed<'a>(
        &'a self,
        tx: &'a mut Tx,
        acting: &'a Acting,
        changes: &'a [PayableChange],
    ) -> SubjectsFuture<'a> {
        Box::pin(async move {
            let mut notes = Vec::new();
            for change in changes {
                let (person, employer, case_id) = project(tx, acting, change).await?;
                notes.extend(messages(
                    self.texts,
                    change,
                    &person,
                    &employer,
                    case_id.as_deref(),
                ));
                if notes.len() >= 512 {
                    notify_in(tx, &notes, acting.at).await?;
                    notes.clear();
                }
            }
            notify_in(tx, &notes, acting.at).await
        })
    }
}

/// The claim status before and after `event`, from the one transition table.
fn transition(event: &PayableEvent) -> Result<(&'static [&'static str], ClaimStatus), StoreError> {
    let (from, action): (&[&str], _) = match event {
        PayableEvent::Settled { .. } => (&["approved", "payment_failed"], ClaimAction::Settle),
        PayableEvent::Paid { .. } => (&["settled"], ClaimAction::MarkPaid),
        PayableEvent::Failed { .. } => (&["settled"], ClaimAction::MarkFailed),
        PayableEvent::AccountCorrected { .. } => {
            return Ok((&["payment_failed"], ClaimStatus::PaymentFailed));
        }
    };
    let next = ClaimStatus::Settled
        .after(action)
        .or_else(|_| ClaimStatus::Approved.after(action))
        .map_err(StoreError::corrupt)?;
    Ok((from, next))
}

/// Moves the claim row; answers its person, employer and case for the messages.
async fn project(
    tx: &mut Tx,
    acting: &Acting,
    change: &PayableChange,
) -> Result<(String, String, Option<String>), StoreError> {
    let (from, next) = transition(&change.event)?;
    let (settlement, payment, paid_on, account) = match &change.event {
        PayableEvent::Settled {
            settlement_id,
            payment_id,
            ..
        } => (
            Some(settlement_id.as_str()),
            Some(payment_id.as_str()),
            None,
            None,
        ),
        PayableEvent::Paid { paid_on, .. } => (None, None, Some(date(*paid_on)), None),
        PayableEvent::Failed { .. } => (None, None, None, None),
        PayableEvent::AccountCorrected { name, bank, number } => {
            (None, None, None, Some([name, bank, number]))
        }
    };
    let corrected = account.is_some().then(|| instant(acting.at));
    let [name, bank, number] = account.map_or([None; 3], |a| a.map(Some));
    let row = sqlx::query(
        "UPDATE ma_claims SET status = $2,
                settlement_id = COALESCE($3, settlement_id), payment_id = COALESCE($4, payment_id),
                paid_on = COALESCE($5, paid_on), account_corrected_at = $6,
                account_name = COALESCE($7, account_name), bank = COALESCE($8, bank),
                account_number = COALESCE($9, account_number),
                updated_at = $10, version = version + 1
         WHERE id = $1 AND status IN ($11, $12)
         RETURNING person_id, employer_uscc, case_id",
    )
    .bind(&change.subject_id)
    .bind(next.as_str())
    .bind(settlement)
    .bind(payment)
    .bind(paid_on)
    .bind(corrected)
    .bind(name)
    .bind(bank)
    .bind(number)
    .bind(instant(acting.at))
    .bind(from[0])
    .bind(from.get(1).copied().unwrap_or(from[0]))
    .fetch_optional(&mut **tx)
    .await?;
    let row = row.ok_or_else(|| StoreError::Conflict {
        what: "claim",
        id: change.subject_id.clone(),
    })?;
    Ok((
        row.try_get("person_id")?,
        row.try_get("employer_uscc")?,
        row.try_get("case_id")?,
    ))
}

/// What a payment message is about; the services crate words it ([`PaymentTexts`]).
#[derive(Debug, Clone, Copy)]
pub struct PaymentNotice<'a> {
    pub claim_id: &'a str,
    /// The person's citizen id as stored: the wording masks it.
    pub person_id: &'a str,
    pub amount: onething_domain::Fen,
    pub event: &'a PayableEvent,
    /// The claim's case (a payment ends it: the person is invited to rate it).
    pub case_id: Option<&'a str>,
}

/// Words a payment's messages: `[to the employer, to the person]`, or none for a change
/// that whoever made it already knows (an account correction).
pub type PaymentTexts = fn(&PaymentNotice<'_>) -> Option<[String; 2]>;

/// The messages of one change, in the transaction of the change.
fn messages(
    texts: PaymentTexts,
    change: &PayableChange,
    person: &str,
    employer: &str,
    case_id: Option<&str>,
) -> Vec<NewNotification> {
    let notice = PaymentNotice {
        claim_id: &change.subject_id,
        person_id: person,
        amount: change.amount,
        event: &change.event,
        case_id,
    };
    let Some([to_employer, to_person]) = texts(&notice) else {
        return Vec::new();
    };
    let note = |recipient, body| NewNotification {
        recipient,
        channel: "in_site",
        subject_type: "ma_claim",
        subject_id: change.subject_id.clone(),
        body,
    };
    vec![
        note(Recipient::Employer(employer.to_owned()), to_employer),
        note(Recipient::Person(person.to_owned()), to_person),
    ]
}

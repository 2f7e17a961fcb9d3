//! The allowance's part of a payable's status change: the claim row's status and payment
//! columns follow the payable (a projection, replayable from the case's steps), checked
//! against the claim's one transition table, and the employer and the person get a message
//! worded by the services crate.

use std::collections::{HashMap, HashSet};

use onething_domain::allowance::{ClaimAction, ClaimStatus};
use serde_json::{Value, json};
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
            for piece in distinct_pieces(changes) {
                let moved = project(tx, acting, piece).await?;
                let mut notes = Vec::with_capacity(piece.len() * 2);
                for change in piece {
                    let Some((person, employer, case_id)) = moved.get(&change.subject_id) else {
                        return Err(StoreError::Conflict {
                            what: "claim",
                            id: change.subject_id.clone(),
                        });
                    };
                    let case_id = case_id.as_deref();
                    notes.extend(messages(self.texts, change, person, employer, case_id));
                }
                notify_in(tx, &notes, acting.at).await?;
            }
            Ok(())
        })
    }
}

/// Claims moved per statement: the rows travel as one JSON parameter.
const CLAIMS_PER_MOVE: usize = 2_048;

/// `changes` in pieces of at most [`CLAIMS_PER_MOVE`], no claim twice in a piece (one
/// `UPDATE … FROM` row per claim), in the order given.
fn distinct_pieces(changes: &[PayableChange]) -> Vec<&[PayableChange]> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut seen = HashSet::new();
    for (i, change) in changes.iter().enumerate() {
        if i - start == CLAIMS_PER_MOVE || !seen.insert(change.subject_id.as_str()) {
            pieces.push(&changes[start..i]);
            start = i;
            seen.clear();
            seen.insert(change.subject_id.as_str());
        }
    }
    if start < changes.len() {
        pieces.push(&changes[start..]);
    }
    pieces
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

/// A claim's person, employer and case, for the messages.
type Moved = HashMap<String, (String, String, Option<String>)>;

/// Moves the claim rows of `changes` (distinct claims) in one statement: each row's new
/// status and payment columns travel in a JSON array, a row moves only from a status its
/// change allows. Answers the moved claims' person, employer and case; a claim missing
/// from the answer was not in a status to move.
async fn project(
    tx: &mut Tx,
    acting: &Acting,
    changes: &[PayableChange],
) -> Result<Moved, StoreError> {
    let mut rows = Vec::with_capacity(changes.len());
    for change in changes {
        rows.push(projected(acting, change)?);
    }
    let list = serde_json::to_string(&rows).map_err(StoreError::corrupt)?;
    let source = crate::Backend::of_connection(tx).json_rows("$1");
    let sql = format!(
        "UPDATE ma_claims SET status = j.value ->> 1,
                settlement_id = COALESCE(j.value ->> 2, settlement_id),
                payment_id = COALESCE(j.value ->> 3, payment_id),
                paid_on = COALESCE(j.value ->> 4, paid_on), account_corrected_at = j.value ->> 5,
                account_name = COALESCE(j.value ->> 6, account_name),
                bank = COALESCE(j.value ->> 7, bank),
                account_number = COALESCE(j.value ->> 8, account_number),
                updated_at = $2, version = version + 1
         FROM {source}
         WHERE ma_claims.id = j.value ->> 0
           AND ma_claims.status IN (j.value ->> 9, j.value ->> 10)
         RETURNING ma_claims.id, ma_claims.person_id, ma_claims.employer_uscc, ma_claims.case_id"
    );
    let found = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(list)
        .bind(instant(acting.at))
        .fetch_all(&mut **tx)
        .await?;
    let mut moved = HashMap::with_capacity(found.len());
    for row in &found {
        let who = (
            row.try_get("person_id")?,
            row.try_get("employer_uscc")?,
            row.try_get("case_id")?,
        );
        moved.insert(row.try_get("id")?, who);
    }
    Ok(moved)
}

/// One claim's row of [`project`]'s array: `[id, status, settlement, payment, paid_on,
/// corrected_at, name, bank, number, from, from]` (null keeps the column).
fn projected(acting: &Acting, change: &PayableChange) -> Result<Value, StoreError> {
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
    Ok(json!([
        change.subject_id,
        next.as_str(),
        settlement,
        payment,
        paid_on,
        corrected,
        name,
        bank,
        number,
        from[0],
        from.get(1).copied().unwrap_or(from[0]),
    ]))
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

#[cfg(test)]
mod tests {
    use super::*;
    use onething_domain::Fen;

    fn change(claim: &str) -> PayableChange {
        PayableChange {
            payable_id: format!("P-{claim}"),
            service: "maternity_allowance".into(),
            subject_type: "ma_claim".into(),
            subject_id: claim.into(),
            case_id: None,
            case_item: None,
            amount: Fen::new(100),
            event: PayableEvent::Failed {
                payment_id: "X".into(),
                reason: "r".into(),
            },
        }
    }

    #[test]
    fn a_claim_moves_once_per_statement_and_pieces_stay_bounded() {
        let changes: Vec<PayableChange> = ["a", "b", "a", "c", "c"].map(change).to_vec();
        let sizes: Vec<Vec<&str>> = distinct_pieces(&changes)
            .iter()
            .map(|p| p.iter().map(|c| c.subject_id.as_str()).collect())
            .collect();
        assert_eq!(sizes, vec![vec!["a", "b"], vec!["a", "c"], vec!["c"]]);
        let many: Vec<PayableChange> = (0..CLAIMS_PER_MOVE + 1)
            .map(|i| change(&i.to_string()))
            .collect();
        let lens: Vec<usize> = distinct_pieces(&many).iter().map(|p| p.len()).collect();
        assert_eq!(lens, vec![CLAIMS_PER_MOVE, 1]);
        assert!(distinct_pieces(&[]).is_empty());
    }
}

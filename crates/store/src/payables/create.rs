//! Creating a payable inside the caller's transaction (the service's approval), with the
//! frozen copy of the account as the first entry of its account history.

use chrono::{DateTime, NaiveDate, Utc};
use onething_domain::Fen;
use onething_domain::allowance::settlement::PayeeKind;

use super::{Account, Tx};
use crate::StoreError;
use crate::rows::Cell;
use crate::text::{date, instant};

/// A payable to create. Its id is `{subject_type}-{subject_id}`; a service owes one payable
/// per subject (the database refuses a second).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPayable {
    /// The service that owes (`maternity_allowance`).
    pub service: String,
    pub subject_type: String,
    pub subject_id: String,
    /// The case whose steps record the payment, and the item `paid` completes.
    pub case_id: Option<String>,
    pub case_item: Option<String>,
    pub payee: Option<PayeeKind>,
    /// The payee's account as it is now: later changes elsewhere do not reach it.
    pub account: Option<Account>,
    pub amount: Fen,
    /// The date the debt arose (approval, China date).
    pub owed_on: NaiveDate,
    /// The date it must be paid by: the paying item's limit counted in working days from
    /// `owed_on`. `None` only where the catalogue gives the item no limit (the seeds state
    /// none): such a payable is settled like any other and never listed late.
    pub due_on: Option<NaiveDate>,
    pub due_on_provisional: bool,
    /// The region whose clerks settle it.
    pub region: String,
    pub created_by: String,
    pub at: DateTime<Utc>,
}

impl NewPayable {
    pub fn id(&self) -> String {
        payable_id(&self.subject_type, &self.subject_id)
    }
}

/// The id of a subject's payable (one per subject).
pub fn payable_id(subject_type: &str, subject_id: &str) -> String {
    format!("{subject_type}-{subject_id}")
}

/// Writes `new` as a `due` payable in `tx`.
pub async fn create_payable_in(tx: &mut Tx, new: &NewPayable) -> Result<String, StoreError> {
    let id = new.id();
    let account = new.account.as_ref();
    sqlx::query(
        "INSERT INTO payables (id, service, subject_type, subject_id, case_id, case_item,
             payee_kind, payee_name, bank, account_number, amount_fen, owed_on, due_on,
             due_on_provisional, region, status, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 'due', $16, $16)",
    )
    .bind(&id)
    .bind(&new.service)
    .bind(&new.subject_type)
    .bind(&new.subject_id)
    .bind(new.case_id.as_deref())
    .bind(new.case_item.as_deref())
    .bind(new.payee.map(|p| p.as_str()))
    .bind(account.map(|a| a.name.clone()))
    .bind(account.map(|a| a.bank.clone()))
    .bind(account.map(|a| a.number.clone()))
    .bind(new.amount.as_i64())
    .bind(date(new.owed_on))
    .bind(new.due_on.map(date))
    .bind(i64::from(new.due_on_provisional))
    .bind(&new.region)
    .bind(instant(new.at))
    .execute(&mut **tx)
    .await?;
    super::account::keep_version_in(tx, &id, account, "approval", new.at, &new.created_by).await?;
    Ok(id)
}

/// The columns of `payables` a new payable fills, in the order of [`payable_cells`].
pub(crate) const PAYABLE_COLUMNS: [&str; 18] = [
    "id",
    "service",
    "subject_type",
    "subject_id",
    "case_id",
    "case_item",
    "payee_kind",
    "payee_name",
    "bank",
    "account_number",
    "amount_fen",
    "owed_on",
    "due_on",
    "due_on_provisional",
    "region",
    "status",
    "created_at",
    "updated_at",
];

/// The columns of `payable_accounts`, in the order of [`payable_cells`]'s second row.
pub(crate) const PAYABLE_ACCOUNT_COLUMNS: [&str; 8] = [
    "payable_id",
    "seq",
    "payee_name",
    "bank",
    "account_number",
    "reason",
    "changed_at",
    "changed_by",
];

/// A new `due` payable as rows (a set of approvals written at once): the payable's row
/// and the first entry of its account history, as [`create_payable_in`] writes them.
pub(crate) fn payable_cells(new: &NewPayable) -> (Vec<Cell>, Vec<Cell>) {
    let id = new.id();
    let account = new.account.as_ref();
    let name = account.map(|a| a.name.clone());
    let bank = account.map(|a| a.bank.clone());
    let number = account.map(|a| a.number.clone());
    let at = instant(new.at);
    let payable = vec![
        id.as_str().into(),
        new.service.as_str().into(),
        new.subject_type.as_str().into(),
        new.subject_id.as_str().into(),
        new.case_id.clone().into(),
        new.case_item.clone().into(),
        new.payee.map(|p| p.as_str()).into(),
        name.clone().into(),
        bank.clone().into(),
        number.clone().into(),
        new.amount.as_i64().into(),
        date(new.owed_on).into(),
        new.due_on.map(date).into(),
        new.due_on_provisional.into(),
        new.region.as_str().into(),
        "due".into(),
        at.as_str().into(),
        at.as_str().into(),
    ];
    let history = vec![
        id.into(),
        1_i64.into(),
        name.into(),
        bank.into(),
        number.into(),
        "approval".into(),
        at.into(),
        new.created_by.as_str().into(),
    ];
    (payable, history)
}

/// Changes the amount of a payable that is still `due` (not taken into a settlement) in
/// `tx`: a correction of what was decided before anything was paid or put in a payment
/// file. Once settled the amount is what the bank was asked to pay:
/// [`StoreError::Conflict`].
pub async fn amend_due_amount_in(
    tx: &mut Tx,
    id: &str,
    amount: Fen,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let changed = sqlx::query(
        "UPDATE payables SET amount_fen = $2, updated_at = $3 WHERE id = $1 AND status = 'due'",
    )
    .bind(id)
    .bind(amount.as_i64())
    .bind(instant(at))
    .execute(&mut **tx)
    .await?
    .rows_affected();
    StoreError::unless_one_row(changed, "payable", id)
}

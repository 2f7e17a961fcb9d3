//! Storage of the hospital window (seed 002): spouse filings, reimbursements (with their
//! payable to the hospital) and the hospital's settlement account. Stores what the services
//! layer decided, one transaction per change with its audit entry; decides nothing.

mod family_planning;
mod filings;
mod reimbursements;

pub use family_planning::{FamilyPlanningReview, ReviewItemMoves};
pub use filings::{NewFiling, SpouseFiling};
pub use reimbursements::{Reimbursement, ReimbursementError, StoredLine};

use onething_domain::Calendar;
use sqlx::any::AnyRow;

use crate::cases::{Actor, CaseWrite, NewCase, advance_in, open_case_in};
use crate::catalog::CatalogVersion;
use crate::payables::Tx;
use crate::{Store, StoreError};

/// The service name of the window's payables (`payables.service`).
pub const SERVICE: &str = "maternity_reimbursement";

/// The case a piece of the window's work opens in the transaction of its row (a filing, a
/// reimbursement), and what the services layer decided to write on it at once.
#[derive(Debug, Clone)]
pub struct WindowCase {
    /// With its id chosen (the row records it).
    pub case: NewCase,
    pub writes: Vec<CaseWrite>,
    pub actor: Actor,
}

impl WindowCase {
    pub fn id(&self) -> Option<&str> {
        self.case.id.as_deref()
    }
}

/// Opens `window_case` and writes its moves and steps, inside the caller's transaction.
pub(crate) async fn open_window_case_in(
    tx: &mut Tx,
    catalog: &CatalogVersion,
    window_case: &WindowCase,
    calendar: &Calendar,
) -> Result<(), StoreError> {
    let record = open_case_in(tx, catalog, &window_case.case, &window_case.actor).await?;
    if window_case.writes.is_empty() {
        return Ok(());
    }
    let mut next = window_case.actor.clone();
    next.idempotency_key = format!("{}:window", next.idempotency_key);
    advance_in(tx, &record.id, &window_case.writes, &next, calendar).await?;
    Ok(())
}

/// A hospital's rows of one of the window's tables (`columns` of `table`), newest first,
/// each read by `row_of`: the filings' and the reimbursements' lists.
pub(crate) async fn of_hospital<T>(
    store: &Store,
    (table, columns): (&'static str, &'static str),
    hospital_id: &str,
    limit: u32,
    row_of: fn(&AnyRow) -> Result<T, StoreError>,
) -> Result<Vec<T>, StoreError> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {columns} FROM {table} WHERE hospital_id = $1
         ORDER BY created_at DESC, id LIMIT $2"
    )))
    .bind(hospital_id)
    .bind(i64::from(limit))
    .fetch_all(store.pool())
    .await?;
    rows.iter().map(row_of).collect()
}

//! Settlement and payment of approved claims (结算与支付, MA-5), as pure rules:
//!
//! - [`schedule`]: the settlement days of a month (default the 15th and the last day), each
//!   moved back to the previous working day when it is a rest day.
//! - [`due`]: a claim's payment due date (10 working days after approval) and lateness.
//! - [`account`]: a payee's bank account, validated (a personal card has a Luhn digit).
//! - [`plan`]: claims grouped into one payment per payee account, with control totals.
//! - [`payment_file`]: the CSV the bank receives.
//! - [`results`]: the bank's result CSV, parsed with an error per row.
//!
//! The store runs a settlement in one transaction with these; the web layer and the CLI only
//! show what they decide.

pub mod account;
pub mod due;
pub mod payment_file;
pub mod plan;
pub mod results;
pub mod schedule;

pub use account::{AccountError, AccountKind, Payee, PayeeAccount, PayeeKind, mask_account};
pub use due::overdue_working_days;
pub use payment_file::{PAYMENT_FILE_HEADER, PaymentLine, render_payment_csv};
pub use plan::{PlannedPayment, SettleItem, SettlementPlan, SkipReason, plan_payments};
pub use results::{
    PaymentOutcome, RESULTS_HEADER, ResultRow, ResultsError, ResultsRejected, parse_results,
};
pub use schedule::{ScheduleError, SettlementDay, SettlementSchedule};

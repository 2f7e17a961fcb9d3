//! Supervision's storage (SV-1, SV-2): ratings per case and per item, the rectifications
//! bad ratings open, window visits and complaints, and the rows the measures are computed
//! from. Stores only: what is bad, when a task is due and which move is allowed is decided
//! in `domain::supervision` and the services layer.

mod complaints;
pub(crate) mod credit;
mod due_notices;
mod home_visits;
mod measures;
mod queue;
mod ratings;
mod rectifications;
mod reports;
mod visits;

pub use complaints::{Complaint, ComplaintAnswer, NewComplaint};
pub use credit::CreditRecord;
pub use home_visits::{BOOKING_EXISTS, Booking, NewBooking, SLOT_EXISTS, SLOT_FULL, Slot};
pub use measures::MeasureRow;
pub use queue::{NewTicket, ServeTicket, Ticket};
pub use ratings::{ItemRatingRow, NewRating, StoredRating};
pub use rectifications::{NewRectification, Rectification, RectificationFilter, RectificationStep};
pub use reports::PeriodReportRow;
pub use visits::{NewVisit, Visit};

/// A `LIKE` pattern for regions inside a prefix (`None`: every row, regionless ones too).
fn like(prefix: Option<&str>) -> Option<String> {
    prefix.map(|p| format!("{p}%"))
}

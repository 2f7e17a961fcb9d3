//! Supervision and evaluation (seed 004, seed 003 八; SV-1, SV-2): the rating dictionary
//! and what makes a rating bad, the rectification a bad rating opens and the moves it
//! takes to its revisit, the dated parameters the seeds leave open, and the measures a
//! supervisor is judged by. Pure: the store keeps, the services layer decides with these.

pub mod home_visit;
pub mod measures;
pub mod params;
pub mod periods;
pub mod queue;
pub mod rating;
pub mod rectification;
pub mod reports;
pub mod targets;

pub use measures::{CatalogFigures, ComplaintFact, EndedCase, Measures, catalog_figures, measure};
pub use params::{SupervisionParams, SupervisionPeriod};
pub use queue::PriorityReason;
pub use rating::{RatingReason, is_bad};
pub use rectification::{RectificationMove, RectificationStatus, RevisitOutcome};

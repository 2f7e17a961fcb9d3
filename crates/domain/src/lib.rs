//! The pure core of onething: identifiers, money, the working-day calendar, the service
//! catalogue and the case state machine. Nothing here does I/O; everything is a plain
//! type or function, tested with tables and properties. Storage, the department
//! exchange, HTTP and the CLI all depend on this crate, never the other way round.

pub mod access;
pub mod allowance;
pub mod calendar;
pub mod case;
pub mod catalog;
pub mod china_time;
pub mod department;
pub mod hospital;
pub mod ids;
pub mod money;
pub mod newborn;
pub mod rules;
pub mod supervision;
pub mod year_month;

pub use calendar::{Calendar, CalendarError, Dated};
pub use ids::{BirthCertificateNo, CitizenId, IdError, RegionCode, Sex, Uscc};
pub use money::{Fen, MoneyError};
pub use year_month::YearMonth;

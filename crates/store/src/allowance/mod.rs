//! Maternity-allowance claims and their payment (MA-1..MA-7): the claim rows, their steps,
//! the notifications each step sends, settlements and payments. Every change of a claim is
//! one transaction that moves the status (checked against `domain::allowance`), appends the
//! step and writes the notifications, so a reader never sees one without the others.

pub mod claims;
mod history;
pub mod pages;
pub mod settlements;
pub mod steps;

pub use steps::{ClaimStep, NewNotification, Notification, Recipient};

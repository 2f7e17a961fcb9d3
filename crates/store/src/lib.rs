//! Storage for onething on SQLite (default, a file in WAL mode) or PostgreSQL, through one
//! code path: sqlx's `Any` driver runs the same SQL on both (`$1` placeholders, `RETURNING`,
//! `ON CONFLICT`). Each backend has its own migration folder with matching numbers, because
//! triggers and a few types differ. Values cross the boundary as the driver-neutral types
//! `Any` supports: text (dates as `YYYY-MM-DD`, instants as RFC 3339 UTC), BIGINT, and JSON
//! as text.
//!
//! One exception to the one driver, for speed, not for difference: on SQLite the reads of
//! one record by its key that look-ups run most (a claim, a case) go through rusqlite on the
//! caller's thread, with the same SQL and the same row mapping (`columns.rs` reads a row of
//! either driver); see `direct_reads.rs` for why.
//!
//! One module per aggregate: [`catalog`] (versioned service catalogue), [`cases`] (the case
//! engine's events and projections).

pub mod accounts;
pub mod allowance;
mod attempts;
pub mod audit;
pub mod audit_chain;
pub mod calendar_notices;
pub mod cases;
pub mod catalog;
mod columns;
mod db;
pub mod departments;
mod direct_reads;
mod error;
mod gauges;
pub mod hospital;
pub mod newborn;
pub mod outbox;
mod parameter_snapshots;
pub mod payables;
mod replays;
mod rows;
mod session_cache;
pub mod sessions;
pub mod shared_data;
pub mod shared_records;
pub mod supervision;
mod text;

pub use db::{Backend, Store};
pub use error::StoreError;
pub use gauges::Gauges;

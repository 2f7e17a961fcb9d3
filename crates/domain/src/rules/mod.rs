//! Rules as code: dated parameters with their legal source, and pure decision functions
//! over established facts.
//!
//! The parameters are data a bureau edits (`data/params/maternity.toml`); they are
//! validated once, at load, and every failure names the line ([`params`]). The decision
//! functions ([`maternity`]) never do I/O, never use floating point (money is integer fen,
//! rounded once and explicitly) and explain every rule they apply: as a code with its
//! values ([`maternity::Step`]), rendered in Chinese naming the regulation and the values
//! used.

pub mod maternity;
pub mod params;

pub use maternity::{
    Event, EventType, ExplainMode, InputError, MaternityDecision, MaternityFacts, Reason, Step,
    evaluate, evaluate_into, parse_facts, render_zh,
};
pub use params::{ApplicationLimit, MaternityParams, ParamsError, Payee, Period, RegionParams};

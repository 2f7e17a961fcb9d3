//! Maternity-allowance rule cases: one JSON line per claim in the input format of
//! `onething calc maternity-allowance` (contract.md, "Maternity-allowance rules"), with the
//! shares a bureau sees (mostly births, ~40% cesarean, twins ~1.5%, some miscarriages,
//! inductions and family-planning operations, fathers' paternity claims, and every
//! exclusion at a small rate), for the rules benchmark and its OpenFisca peer.
//!
//! The facts are drawn independently per line from the seed: they are "facts already
//! established", not derived from a generated city's records.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use chrono::NaiveDate;
use onething_domain::RegionCode;
use rand::Rng;

use crate::{Synth, date};

/// Claims before this day fall before every shipped parameter period (NO_RULES_FOR_DATE).
const EARLY: (NaiveDate, NaiveDate) = (date(2020, 1, 1), date(2020, 12, 31));
/// Most events happen in this span (inside the shipped periods).
const EVENTS_FROM: NaiveDate = date(2022, 1, 1);
/// A region the shipped parameters do not cover (UNKNOWN_REGION).
const UNCOVERED_REGION: u32 = 110101;

/// What rule cases to write.
#[derive(Debug, Clone)]
pub struct CaseParams {
    pub seed: u64,
    pub count: u64,
    /// No event after this day.
    pub today: NaiveDate,
    /// The regions claims come from, drawn uniformly (plus a few uncovered ones).
    pub regions: Vec<RegionCode>,
}

/// Writes `params.count` lines to `path`; returns the number written.
pub fn write_cases(path: &Path, params: &CaseParams) -> io::Result<u64> {
    let mut out = BufWriter::with_capacity(1 << 16, File::create(path)?);
    // A stream of its own: the same seed gives the same cases whatever else is generated.
    let mut synth = Synth::new(params.seed ^ 0xCA5E_CA5E_CA5E_CA5E);
    let mut line = String::with_capacity(512);
    for n in 0..params.count {
        line.clear();
        case_line(&mut synth, params, n, &mut line);
        out.write_all(line.as_bytes())?;
    }
    out.flush()?;
    Ok(params.count)
}

/// One claim's facts as a JSON line (all values are plain ASCII tokens: no escaping).
fn case_line(synth: &mut Synth, params: &CaseParams, n: u64, line: &mut String) {
    use std::fmt::Write as _;
    let father = synth.rng_mut().random_bool(0.08);
    let event = if father {
        father_event(synth)
    } else {
        mother_event(synth)
    };
    let region = region(synth, &params.regions);
    let event_date = if synth.rng_mut().random_bool(0.003) {
        synth.date_between(EARLY)
    } else {
        synth.date_between((EVENTS_FROM, params.today))
    };
    let rng = synth.rng_mut();
    // Average monthly wages of employers, not rounded: 2,500.00 to 25,000.00 yuan.
    let wage: i64 = rng.random_range(250_000..=2_500_000);
    let months: u32 = if rng.random_bool(0.04) {
        rng.random_range(0..=5)
    } else {
        rng.random_range(6..=120)
    };
    let insurance = pick(
        rng,
        &[("normal", 960), ("suspended", 30), ("terminated", 10)],
    );
    let employment = pick(
        rng,
        &[
            ("employed", 930),
            ("unemployed", 10),
            ("unemployment_benefit", 20),
            ("flexible", 30),
            ("retired", 10),
        ],
    );
    let scheme = if rng.random_bool(0.02) {
        "resident"
    } else {
        "employee"
    };
    let settled = rng.random_bool(0.96);
    let sex = if father { "male" } else { "female" };
    let _ = write!(
        line,
        "{{\"case_id\":\"c{n:08}\",\"claimant_sex\":\"{sex}\",\"event_type\":\"{}\",\"event_date\":\"{event_date}\"",
        event.kind
    );
    if let Some(babies) = event.babies {
        let _ = write!(line, ",\"babies\":{babies}");
    }
    if let Some(weeks) = event.weeks {
        let _ = write!(line, ",\"pregnancy_weeks\":{weeks}");
    }
    if let Some(procedure) = event.procedure {
        let _ = write!(line, ",\"procedure\":\"{procedure}\"");
    }
    let _ = writeln!(
        line,
        ",\"region\":\"{region}\",\"employer_avg_monthly_wage_fen\":{wage},\"contribution_months\":{months},\"insurance_status\":\"{insurance}\",\"employment_status\":\"{employment}\",\"scheme\":\"{scheme}\",\"settled_in_network\":{settled}}}"
    );
}

struct Event {
    kind: &'static str,
    babies: Option<u32>,
    weeks: Option<u32>,
    procedure: Option<&'static str>,
}

fn babies(synth: &mut Synth) -> u32 {
    let rng = synth.rng_mut();
    if rng.random_bool(0.0002) {
        3
    } else if rng.random_bool(0.015) {
        2
    } else {
        1
    }
}

/// A mother's event: 88% deliveries (cesarean ~40%), then losses and operations.
fn mother_event(synth: &mut Synth) -> Event {
    let roll = synth.rng_mut().random_range(0..1000u32);
    match roll {
        0..=879 => {
            let kind = pick(
                synth.rng_mut(),
                &[("cesarean", 40), ("dystocia", 5), ("vaginal", 55)],
            );
            let weeks = synth.rng_mut().random_range(33..=41);
            Event {
                kind,
                babies: Some(babies(synth)),
                weeks: Some(weeks),
                procedure: None,
            }
        }
        880..=949 => Event {
            kind: "miscarriage",
            babies: None,
            weeks: Some(synth.rng_mut().random_range(6..=27)),
            procedure: None,
        },
        950..=979 => Event {
            kind: "induced",
            babies: Some(1),
            weeks: Some(synth.rng_mut().random_range(14..=32)),
            procedure: None,
        },
        _ => Event {
            kind: "family_planning_surgery",
            babies: None,
            weeks: None,
            procedure: Some(pick(
                synth.rng_mut(),
                &[
                    ("iud_insertion", 50),
                    ("iud_removal", 30),
                    ("tubal_ligation", 19),
                    ("vasectomy", 1),
                ],
            )),
        },
    }
}

/// A father's claim: paternity leave for a birth, his own vasectomy, or (rarely, refused)
/// a miscarriage.
fn father_event(synth: &mut Synth) -> Event {
    let roll = synth.rng_mut().random_range(0..1000u32);
    match roll {
        0..=979 => Event {
            kind: pick(synth.rng_mut(), &[("cesarean", 40), ("vaginal", 60)]),
            babies: Some(babies(synth)),
            weeks: Some(synth.rng_mut().random_range(35..=41)),
            procedure: None,
        },
        980..=994 => Event {
            kind: "family_planning_surgery",
            babies: None,
            weeks: None,
            procedure: Some("vasectomy"),
        },
        _ => Event {
            kind: "miscarriage",
            babies: None,
            weeks: Some(synth.rng_mut().random_range(8..=20)),
            procedure: None,
        },
    }
}

fn region(synth: &mut Synth, regions: &[RegionCode]) -> String {
    if regions.is_empty() || synth.rng_mut().random_bool(0.005) {
        return UNCOVERED_REGION.to_string();
    }
    synth
        .pick(regions)
        .map_or_else(|| UNCOVERED_REGION.to_string(), ToString::to_string)
}

/// One of `options` by weight.
fn pick<R: Rng>(rng: &mut R, options: &[(&'static str, u32)]) -> &'static str {
    let total: u32 = options.iter().map(|(_, w)| w).sum();
    let mut roll = rng.random_range(0..total.max(1));
    for (name, weight) in options {
        if roll < *weight {
            return name;
        }
        roll -= weight;
    }
    options.first().map_or("", |(name, _)| name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(count: u64) -> CaseParams {
        CaseParams {
            seed: 7,
            count,
            today: date(2026, 11, 23),
            regions: vec![RegionCode::new(500228).expect("region")],
        }
    }

    #[test]
    fn same_seed_same_lines_and_every_line_is_one_json_object() {
        let dir = tempfile::tempdir().expect("dir");
        let (a, b) = (dir.path().join("a.jsonl"), dir.path().join("b.jsonl"));
        assert_eq!(write_cases(&a, &params(2_000)).expect("write"), 2_000);
        write_cases(&b, &params(2_000)).expect("write");
        let text = std::fs::read_to_string(&a).expect("read");
        assert_eq!(text, std::fs::read_to_string(&b).expect("read"));
        assert_eq!(text.lines().count(), 2_000);
        for line in text.lines() {
            assert!(
                line.starts_with("{\"case_id\":\"c") && line.ends_with('}'),
                "{line}"
            );
        }
        let cesarean = text.matches("\"cesarean\"").count();
        assert!(
            (500..1_000).contains(&cesarean),
            "{cesarean} cesareans in 2000"
        );
        assert!(text.contains("\"babies\":2"));
        assert!(text.contains("\"miscarriage\""));
    }
}

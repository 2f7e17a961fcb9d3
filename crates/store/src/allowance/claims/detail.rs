//! One claim with the parts its reader asks for, in one query: the claim row, its steps
//! (its case's service events) and its attachments come back as one row, the steps and
//! attachments aggregated as JSON by the database. A look-up under load paid one hand-off
//! to the database per query (four of them); the heavy columns (facts, decision,
//! parameters: ~5 KB of JSON) are read and parsed only when asked for.

use chrono::{DateTime, NaiveDate, Utc};
use onething_domain::case::EventBody;
use serde::Deserialize;

use super::read::{claim_of, claim_select};
use super::{AttachmentMeta, Claim};
use crate::allowance::ClaimStep;
use crate::columns::Columns;
use crate::db::Backend;
use crate::rows::json_agg;
use crate::supervision::credit::{CreditRecord, in_force_json, records_of_json};
use crate::text::{date, parse_instant, parse_json};
use crate::{Store, StoreError};

/// Which of a claim's larger parts a read brings. The rest of the row (status, people,
/// dates, amount, payee, account, rejection) always comes, and so does the latest step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ClaimParts {
    /// The derived facts and what is missing.
    pub facts: bool,
    /// The rules' decision with its explanation, and the parameters it used.
    pub decision: bool,
    /// Every step, not just the latest.
    pub steps: bool,
    pub attachments: bool,
    /// The claimant's and her employer's credit records in force on this day (a
    /// reviewer's flags), brought in the same statement.
    pub credit_on: Option<NaiveDate>,
}

impl ClaimParts {
    /// The summary: none of the larger parts.
    pub const SUMMARY: ClaimParts = ClaimParts {
        facts: false,
        decision: false,
        steps: false,
        attachments: false,
        credit_on: None,
    };
    pub const ALL: ClaimParts = ClaimParts {
        facts: true,
        decision: true,
        steps: true,
        attachments: true,
        credit_on: None,
    };
}

/// A claim as read with [`Store::claim_detail`].
#[derive(Debug, Clone)]
pub struct ClaimRead {
    /// Without `parts.facts` its facts and missing are empty; without `parts.decision` its
    /// decision and parameters are `None`.
    pub claim: Claim,
    /// Oldest first: every step with `parts.steps`, else only the latest (if any).
    pub steps: Vec<ClaimStep>,
    /// Empty without `parts.attachments`.
    pub attachments: Vec<AttachmentMeta>,
    /// With `parts.credit_on`: the claimant's records first, then her employer's.
    pub credit: Option<Vec<CreditRecord>>,
    pub parts: ClaimParts,
}

/// A step as the database aggregates it.
#[derive(Deserialize)]
struct StepCell {
    seq: i64,
    at: String,
    actor: String,
    body: String,
}

/// An attachment as the database aggregates it.
#[derive(Deserialize)]
struct AttachmentCell {
    id: String,
    kind: String,
    filename: String,
    content_type: String,
    sha256: String,
    size: i64,
    uploaded_by: String,
    uploaded_at: String,
}

impl Store {
    /// One claim with `parts`, in one query; `NotFound` when there is no such claim.
    pub async fn claim_detail(&self, id: &str, parts: ClaimParts) -> Result<ClaimRead, StoreError> {
        let sql = detail_sql(self.backend(), parts);
        let day = parts.credit_on.map(date);
        let params: Vec<&str> = std::iter::once(id).chain(day.as_deref()).collect();
        self.read_claim(sql, &params, |row| detail_of(row, parts))
            .await
    }
}

/// A claim read from its one row.
fn detail_of(row: &dyn Columns, parts: ClaimParts) -> Result<ClaimRead, StoreError> {
    let claim = claim_of(row)?;
    let steps: Option<String> = row.get("steps_json")?;
    let attachments: Option<String> = row.get("attachments_json")?;
    let credit = match parts.credit_on {
        Some(_) => {
            let json: Option<String> = row.get("credit_json")?;
            let subjects = [claim.person_id.clone(), claim.employer_uscc.clone()];
            Some(records_of_json(json.as_deref(), &subjects)?)
        }
        None => None,
    };
    Ok(ClaimRead {
        claim,
        steps: steps_of(steps.as_deref())?,
        attachments: attachments_of(attachments.as_deref())?,
        credit,
        parts,
    })
}

/// The one statement of a claim read: the row's columns (the heavy ones as empty values
/// when not asked for), then the steps and attachments as JSON arrays.
fn detail_sql(backend: Backend, parts: ClaimParts) -> String {
    let (columns, from) = claim_select(parts.facts, parts.decision);
    let (order, limit) = if parts.steps {
        ("seq", "")
    } else {
        ("seq DESC", " LIMIT 1")
    };
    let steps = format!(
        "SELECT seq, at, actor, body FROM case_events
         WHERE case_id = c.case_id AND {SERVICE_EVENT} ORDER BY {order}{limit}"
    );
    let attachments = if parts.attachments {
        json_agg(
            backend,
            "SELECT id, kind, filename, content_type, sha256, LENGTH(bytes) AS size,
                    uploaded_by, uploaded_at
             FROM ma_attachments WHERE claim_id = c.id",
            &[
                "id",
                "kind",
                "filename",
                "content_type",
                "sha256",
                "size",
                "uploaded_by",
                "uploaded_at",
            ],
        )
    } else {
        "CAST(NULL AS TEXT)".to_owned()
    };
    // Only when asked for: the day is then bound as $2.
    let credit = match parts.credit_on {
        Some(_) => format!(
            ",\n ({}) AS credit_json",
            in_force_json(backend, "c.person_id, c.employer_uscc", "$2")
        ),
        None => String::new(),
    };
    format!(
        "SELECT {columns},
                ({}) AS steps_json,
                ({attachments}) AS attachments_json{credit}
         FROM {from} WHERE c.id = $1",
        json_agg(backend, &steps, &["seq", "at", "actor", "body"]),
    )
}

/// The condition that a `case_events` row is a service step (`EventBody::Service`): its
/// `kind` is `service:<step>` ([`crate::cases`] writes it so). The condition is the one of
/// the partial index `case_events_service` (migration 0029), word for word, so the latest
/// step is one index entry away instead of a walk back over the case's events through
/// their JSON bodies (SQLite: 22–27 against 63–157 µs; docs/benchmarks.md, "API").
const SERVICE_EVENT: &str = "kind LIKE 'service:%'";

fn steps_of(json: Option<&str>) -> Result<Vec<ClaimStep>, StoreError> {
    let cells: Vec<StepCell> = match json {
        Some(text) => parse_json(text)?,
        None => Vec::new(),
    };
    let mut steps = Vec::with_capacity(cells.len());
    for cell in cells {
        let EventBody::Service { step, detail } = parse_json(&cell.body)? else {
            return Err(StoreError::corrupt(format!(
                "case event {} is not a service step",
                cell.seq
            )));
        };
        steps.push(ClaimStep {
            seq: cell.seq,
            step,
            at: parse_instant(&cell.at)?,
            by: cell.actor,
            detail,
        });
    }
    // The aggregate's order is not promised by either database: sort here.
    steps.sort_by_key(|s| s.seq);
    Ok(steps)
}

fn attachments_of(json: Option<&str>) -> Result<Vec<AttachmentMeta>, StoreError> {
    let cells: Vec<AttachmentCell> = match json {
        Some(text) => parse_json(text)?,
        None => Vec::new(),
    };
    let mut files: Vec<(DateTime<Utc>, AttachmentMeta)> = Vec::with_capacity(cells.len());
    for c in cells {
        let at = parse_instant(&c.uploaded_at)?;
        files.push((
            at,
            AttachmentMeta {
                id: c.id,
                kind: c.kind,
                filename: c.filename,
                content_type: c.content_type,
                sha256: c.sha256,
                size: c.size,
                uploaded_by: c.uploaded_by,
                uploaded_at: at,
            },
        ));
    }
    // Upload order, as `claim_attachments` answers.
    files.sort_by(|a, b| (a.0, &a.1.id).cmp(&(b.0, &b.1.id)));
    Ok(files.into_iter().map(|(_, f)| f).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The look-up's condition, the partial index's and the `kind` the store writes for a
    /// service step must agree, or the latest step goes back to a walk over every event.
    #[test]
    fn the_service_step_condition_is_the_partial_indexs_and_matches_what_is_written() {
        for migration in [
            include_str!("../../../migrations/sqlite/0029_service_step_index.sql"),
            include_str!("../../../migrations/postgres/0029_service_step_index.sql"),
        ] {
            assert!(
                migration.contains(&format!("WHERE {SERVICE_EVENT};")),
                "{migration}"
            );
        }
        let event = onething_domain::case::CaseEvent {
            seq: 2,
            at: chrono::Utc::now(),
            actor: "hr".into(),
            role: onething_domain::case::ActorRole::Applicant,
            idempotency_key: "k".into(),
            body: onething_domain::case::EventBody::Service {
                step: "approved".into(),
                detail: serde_json::json!({}),
            },
        };
        let cells = crate::cases::event_cells("c", &event).expect("cells");
        let kind_at = crate::cases::EVENT_COLUMNS
            .iter()
            .position(|c| *c == "kind")
            .expect("kind column");
        let prefix = SERVICE_EVENT
            .trim_start_matches("kind LIKE '")
            .trim_end_matches("%'");
        assert!(
            matches!(&cells[kind_at], crate::rows::Cell::Text(Some(k)) if k.starts_with(prefix)),
            "{:?}",
            cells[kind_at]
        );
    }

    #[test]
    fn the_summary_leaves_the_heavy_columns_out_on_both_products() {
        for backend in [Backend::Sqlite, Backend::Postgres] {
            let summary = detail_sql(backend, ClaimParts::SUMMARY);
            assert!(
                summary.contains("'[]' AS facts, '[]' AS missing,"),
                "{summary}"
            );
            assert!(
                summary.contains("CAST(NULL AS TEXT) AS decision"),
                "{summary}"
            );
            assert!(summary.contains("LIMIT 1"), "{summary}");
            assert!(!summary.contains("parameter_snapshots"), "{summary}");
            assert!(!summary.contains("ma_attachments"), "{summary}");
            // The summary reads the claim row alone: the findings are not even joined.
            assert!(!summary.contains("ma_claim_findings"), "{summary}");
            assert!(
                summary.contains("CAST(NULL AS TEXT) AS derivation"),
                "{summary}"
            );
            let all = detail_sql(backend, ClaimParts::ALL);
            assert!(
                all.contains("COALESCE(f.facts, '[]') AS facts") && all.contains("f.decision,"),
                "{all}"
            );
            assert!(
                all.contains("LEFT JOIN ma_claim_findings f ON f.claim_id = c.id"),
                "{all}"
            );
            assert!(all.contains("FROM parameter_snapshots"), "{all}");
            assert!(
                !all.contains("LIMIT 1") && all.contains("ma_attachments"),
                "{all}"
            );
        }
    }
}

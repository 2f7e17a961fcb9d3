//! Small SQL helpers shared by the payables modules (and their services' projections).

use std::fmt::Write;

use chrono::{DateTime, Utc};
use onething_domain::access::Role;
use serde_json::Value;
use sqlx::{Any, Transaction};

use crate::StoreError;

/// `$start, $start+1, …` (n placeholders).
pub(crate) fn numbered(start: usize, n: usize) -> String {
    let mut text = String::with_capacity(n * 6);
    for i in 0..n {
        let sep = if i == 0 { "" } else { ", " };
        let _ = write!(text, "{sep}${}", start + i);
    }
    text
}

/// Pieces of at most 256, in a few fixed sizes so the prepared statements stay few.
pub(crate) fn pieces<T>(items: &[T]) -> Vec<&[T]> {
    let mut out = Vec::new();
    let mut rest = items;
    while !rest.is_empty() {
        let size = [256, 64, 16, 4, 1]
            .into_iter()
            .find(|size| *size <= rest.len())
            .unwrap_or(1);
        let (piece, tail) = rest.split_at(size);
        out.push(piece);
        rest = tail;
    }
    out
}

pub(crate) fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// An audit entry written in the caller's transaction, so a run and its audit commit
/// together (the same columns as `Store::append_audit`).
pub(crate) struct AuditIn<'a> {
    pub at: DateTime<Utc>,
    pub actor: &'a str,
    pub role: Option<Role>,
    pub action: &'a str,
    pub subject_type: &'a str,
    pub subject_id: &'a str,
    pub detail: Value,
}

pub(crate) async fn audit_in(
    tx: &mut Transaction<'static, Any>,
    entry: AuditIn<'_>,
) -> Result<(), StoreError> {
    let entry = crate::audit::NewAuditEntry {
        at: entry.at,
        actor: entry.actor.to_owned(),
        role: entry.role,
        action: entry.action.to_owned(),
        subject_type: entry.subject_type.to_owned(),
        subject_id: entry.subject_id.to_owned(),
        case_id: None,
        detail: entry.detail,
    };
    crate::audit::append_audit_in(tx, &entry).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_have_few_shapes() {
        let items: Vec<u32> = (0..600).collect();
        let sizes: Vec<usize> = pieces(&items).iter().map(|p| p.len()).collect();
        assert_eq!(sizes, vec![256, 256, 64, 16, 4, 4]);
        assert_eq!(numbered(3, 2), "$3, $4");
    }
}

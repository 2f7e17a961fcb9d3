//! Small SQL helpers shared by the settlement modules.

use std::fmt::Write;

use chrono::{DateTime, Utc};
use onething_domain::access::Role;
use serde_json::Value;
use sqlx::{Any, Transaction};

use crate::StoreError;
use crate::text::instant;

/// `$start, $start+1, …` (n placeholders).
pub(super) fn numbered(start: usize, n: usize) -> String {
    let mut text = String::with_capacity(n * 6);
    for i in 0..n {
        let sep = if i == 0 { "" } else { ", " };
        let _ = write!(text, "{sep}${}", start + i);
    }
    text
}

/// Pieces of at most 256, in a few fixed sizes so the prepared statements stay few.
pub(super) fn pieces<T>(items: &[T]) -> Vec<&[T]> {
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

pub(super) fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// An audit entry written in the caller's transaction, so a run and its audit commit
/// together (the same columns as `Store::append_audit`).
pub(super) struct AuditIn<'a> {
    pub at: DateTime<Utc>,
    pub actor: &'a str,
    pub role: Option<Role>,
    pub action: &'a str,
    pub subject_type: &'a str,
    pub subject_id: &'a str,
    pub detail: Value,
}

pub(super) async fn audit_in(
    tx: &mut Transaction<'static, Any>,
    entry: AuditIn<'_>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor, role, action, subject_type, subject_id, case_id, detail)
         VALUES ($1, $2, $3, $4, $5, $6, NULL, $7)",
    )
    .bind(instant(entry.at))
    .bind(entry.actor)
    .bind(entry.role.map(Role::as_str))
    .bind(entry.action)
    .bind(entry.subject_type)
    .bind(entry.subject_id)
    .bind(crate::text::json(&entry.detail)?)
    .execute(&mut **tx)
    .await?;
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

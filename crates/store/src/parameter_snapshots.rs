//! The parameters a decision used, stored once per distinct content (migration 0030): a
//! claim names its snapshot by the SHA-256 of the snapshot's text instead of carrying its
//! own copy, since every claim of a parameter period used the same one.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::StoreError;
use crate::text::{instant, json};

/// A claim's parameters as read: its own inline copy (claims decided before migration 0030)
/// or its snapshot's body. The expression is the same in every claim read, so a claim reads
/// the same whichever way it was stored.
macro_rules! params_used_column {
    () => {
        "COALESCE(params_used, \
         (SELECT body FROM parameter_snapshots WHERE digest = params_digest)) AS params_used"
    };
}
pub(crate) use params_used_column;

/// One snapshot: its text as stored and the digest that names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Snapshot {
    pub(crate) digest: String,
    pub(crate) body: String,
}

impl Snapshot {
    pub(crate) fn of(value: &Value) -> Result<Snapshot, StoreError> {
        let body = json(value)?;
        let digest = hex::encode(Sha256::digest(body.as_bytes()));
        Ok(Snapshot { digest, body })
    }
}

/// Stores `snapshot` unless it is stored already (the same digest is the same text, so there
/// is nothing to update), in the caller's transaction.
pub(crate) async fn keep_in(
    conn: &mut sqlx::AnyConnection,
    snapshot: &Snapshot,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO parameter_snapshots (digest, body, stored_at) VALUES ($1, $2, $3)
         ON CONFLICT (digest) DO NOTHING",
    )
    .bind(&snapshot.digest)
    .bind(&snapshot.body)
    .bind(instant(at))
    .execute(conn)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_same_parameters_have_one_digest_and_different_ones_another() {
        let a =
            Snapshot::of(&json!({"region_code": "500000", "extra_days": 80})).expect("snapshot");
        let again =
            Snapshot::of(&json!({"region_code": "500000", "extra_days": 80})).expect("snapshot");
        let b =
            Snapshot::of(&json!({"region_code": "500000", "extra_days": 90})).expect("snapshot");
        assert_eq!(a, again);
        assert_ne!(a.digest, b.digest);
        assert_eq!(a.digest.len(), 64);
        assert_eq!(
            a.digest,
            hex::encode(Sha256::digest(a.body.as_bytes())),
            "the digest names the exact text stored"
        );
    }
}

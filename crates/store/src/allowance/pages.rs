//! Reads the allowance pages need beyond the claims and settlements modules: an uploaded
//! photo's bytes (shown to the reviewing clerk) and the employers whose employees have a
//! birth or delivery pushed (the demo picks its employer account among them).

use chrono::NaiveDate;
use onething_exchange::Dataset;
use sqlx::Row;

use crate::{Store, StoreError};

/// An uploaded file as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentFile {
    pub content_type: String,
    pub filename: String,
    pub bytes: Vec<u8>,
}

impl Store {
    /// The bytes of attachment `id` of claim `claim_id` (both must match), if any.
    pub async fn attachment_file(
        &self,
        claim_id: &str,
        id: &str,
    ) -> Result<Option<AttachmentFile>, StoreError> {
        let row = sqlx::query(
            "SELECT content_type, filename, bytes FROM ma_attachments WHERE claim_id = $1 AND id = $2",
        )
        .bind(claim_id)
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        row.map(|r| {
            Ok(AttachmentFile {
                content_type: r.try_get("content_type")?,
                filename: r.try_get("filename")?,
                bytes: r.try_get("bytes")?,
            })
        })
        .transpose()
    }

    /// Employers with current births or deliveries of their insured people since `since`,
    /// most such employees first: `(uscc, people)`. Not a read of anyone's data (no ids
    /// leave the query), so not audited.
    pub async fn employers_with_births(
        &self,
        since: NaiveDate,
    ) -> Result<Vec<(String, i64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT e.employer_uscc AS uscc, COUNT(DISTINCT s.subject_id) AS people
             FROM shared_records s JOIN shared_records e ON e.subject_id = s.subject_id
             WHERE s.is_current = 1 AND s.dataset IN ($1, $2) AND s.event_date >= $3
               AND e.is_current = 1 AND e.dataset = $4 AND e.employer_uscc IS NOT NULL
             GROUP BY e.employer_uscc ORDER BY people DESC, uscc",
        )
        .bind(Dataset::BirthCertificates.as_str())
        .bind(Dataset::DeliveryRecords.as_str())
        .bind(crate::text::date(since))
        .bind(Dataset::InsuranceEnrollments.as_str())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("uscc")?, r.try_get("people")?)))
            .collect()
    }
}

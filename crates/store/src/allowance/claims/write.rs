//! Opening and preparing claims: create (with the duplicate refusal), confirm the wage,
//! upload a photo. Each change is one write transaction: the row (with a version check),
//! the step, the notifications and the audit entry. Decisions are in `review.rs`.

use chrono::{DateTime, NaiveDate, Utc};
use onething_domain::access::Role;
use onething_domain::allowance::{Derived, RejectionReason, WageBasis};
use onething_domain::china_time::date_in_china;
use onething_domain::{CitizenId, Uscc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::evidence::ClaimSubject;
use super::persist::{audit_raw_in, notes, require_draft, save_in};
use super::{Channel, Claim, ClaimError, duplicate_key};
use crate::allowance::steps::{append_step_in, notify_in};
use crate::shared_data::DataUse;
use crate::text::{date, instant, json as to_json};
use crate::{Store, StoreError};

pub(super) const PURPOSE: &str = "maternity_allowance_claim";
pub(super) const SMART_REVIEW: &str = "smart_review";

/// The employer's authorisation of a window submission (授权确认表, seed 000 附件2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Authorisation {
    /// The form's number as the employer filled it in.
    pub number: String,
    /// The employer's clerk (经办人) who signed.
    pub signer: String,
    pub signed_on: NaiveDate,
}

/// A claim to open.
#[derive(Debug, Clone)]
pub struct NewClaim {
    pub person_id: CitizenId,
    pub employer: Uscc,
    pub certificate_no: Option<String>,
    pub channel: Channel,
    /// Required for the window channel (the web layer checks).
    pub authorisation: Option<Authorisation>,
    pub actor: String,
    pub role: Role,
    pub at: DateTime<Utc>,
}

/// A photo to attach.
#[derive(Debug, Clone)]
pub struct NewAttachment {
    pub filename: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// A stored attachment's description (the bytes stay in the database).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentMeta {
    pub id: String,
    pub filename: String,
    pub content_type: String,
    pub sha256: String,
    pub size: i64,
    pub uploaded_by: String,
    pub uploaded_at: DateTime<Utc>,
}

/// An attachment with its bytes.
#[derive(Debug, Clone)]
pub struct Attachment {
    pub meta: AttachmentMeta,
    pub bytes: Vec<u8>,
}

/// A clerk's review.
#[derive(Debug, Clone)]
pub enum ReviewDecision {
    /// Approve; `certificate_no` is the number the clerk read from the reviewed photo.
    Approve {
        certificate_no: Option<String>,
        note: Option<String>,
    },
    Reject {
        reason: RejectionReason,
        note: Option<String>,
    },
}

/// Who acts, and when.
#[derive(Debug, Clone)]
pub struct Acting<'a> {
    pub actor: &'a str,
    pub role: Role,
    pub at: DateTime<Utc>,
}

impl Store {
    /// Opens a claim: checks the employer insures the person, derives the facts (audited
    /// reads for the new claim) and inserts it. A second claim for the same claimant and
    /// event is refused by the database and recorded as a duplicate attempt.
    pub async fn create_claim(&self, new: &NewClaim) -> Result<Claim, ClaimError> {
        let today = date_in_china(new.at);
        let id = format!(
            "MA{}{}",
            today.format("%Y%m%d"),
            &Uuid::new_v4().simple().to_string()[..8].to_uppercase()
        );
        let data_use = DataUse {
            actor: new.actor.clone(),
            case_id: Some(id.clone()),
            purpose: PURPOSE.into(),
        };
        self.employment_link(&data_use, new.person_id.as_str(), new.employer.as_str())
            .await?
            .ok_or(ClaimError::NotFound)?;
        let subject = ClaimSubject {
            claimant: &new.person_id,
            employer: &new.employer,
            certificate_no: new.certificate_no.as_deref(),
            basis: None,
            uploaded_certificate_no: None,
            event_date: None,
            today,
        };
        let (_, derived) = self.derive_claim(&data_use, &subject).await?;
        let event_date = derived.event_date.ok_or(ClaimError::NoEvent)?;
        let key = duplicate_key(new.person_id.as_str(), event_date);
        match self.insert_claim(&id, new, &derived, &key).await {
            Err(ClaimError::Store(e)) if e.is_unique_violation() => {
                Err(self.refuse_duplicate(new, &key).await)
            }
            Err(e) => Err(e),
            Ok(()) => Ok(self.claim(&id).await?),
        }
    }

    async fn insert_claim(
        &self,
        id: &str,
        new: &NewClaim,
        derived: &Derived,
        key: &str,
    ) -> Result<(), ClaimError> {
        let certificate = new.certificate_no.clone().or_else(|| {
            derived
                .facts
                .iter()
                .find(|f| f.name == "certificate_no")
                .and_then(|f| f.value.as_str().map(str::to_owned))
        });
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO ma_claims (id, employer_uscc, person_id, channel, status, duplicate_key,
                 certificate_no, event_date, region, facts, missing, authorization_ref,
                 created_by, created_at, updated_at)
             VALUES ($1, $2, $3, $4, 'draft', $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)",
        )
        .bind(id)
        .bind(new.employer.as_str())
        .bind(new.person_id.as_str())
        .bind(new.channel.as_str())
        .bind(key)
        .bind(certificate)
        .bind(derived.event_date.map(date))
        // The enrollment's region; until it is pushed, the employer's registration region,
        // so the claim is in some clerk's queue (the rules never use this fallback).
        .bind(
            derived
                .region
                .unwrap_or_else(|| new.employer.region())
                .to_string(),
        )
        .bind(to_json(&derived.facts)?)
        .bind(to_json(&derived.missing)?)
        .bind(new.authorisation.as_ref().map(to_json).transpose()?)
        .bind(&new.actor)
        .bind(instant(new.at))
        .execute(&mut *tx)
        .await?;
        let detail = json!({"channel": new.channel.as_str(), "authorisation": new.authorisation});
        append_step_in(&mut tx, id, "created", new.at, &new.actor, &detail).await?;
        audit_raw_in(
            &mut tx,
            id,
            &new.actor,
            new.role,
            new.at,
            "claim_created",
            &detail,
        )
        .await?;
        let body = format!("已发起生育津贴申领（申领号{id}），请核对上年度月平均工资后提交");
        notify_in(
            &mut tx,
            &notes(new.employer.as_str(), new.person_id.as_str(), id, &body),
            new.at,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records a refused duplicate in its own transaction (the failed one rolled back) and
    /// answers with the earlier claim.
    async fn refuse_duplicate(&self, new: &NewClaim, key: &str) -> ClaimError {
        let existing: Result<Option<String>, sqlx::Error> = sqlx::query_scalar(
            "SELECT id FROM ma_claims WHERE duplicate_key = $1 AND status <> 'rejected'",
        )
        .bind(key)
        .fetch_optional(self.pool())
        .await;
        let existing = match existing {
            Ok(Some(id)) => id,
            Ok(None) => {
                return ClaimError::Store(StoreError::Conflict {
                    what: "claim",
                    id: key.into(),
                });
            }
            Err(e) => return e.into(),
        };
        let recorded = sqlx::query(
            "INSERT INTO ma_duplicate_attempts (id, duplicate_key, existing_claim, employer_uscc,
                 channel, attempted_by, attempted_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(Uuid::new_v4().simple().to_string())
        .bind(key)
        .bind(&existing)
        .bind(new.employer.as_str())
        .bind(new.channel.as_str())
        .bind(&new.actor)
        .bind(instant(new.at))
        .execute(self.pool())
        .await;
        match recorded {
            Ok(_) => ClaimError::Exists { existing },
            Err(e) => e.into(),
        }
    }

    /// The employer confirms its previous-year average wage or base (MA-2).
    pub async fn confirm_wage(
        &self,
        id: &str,
        basis: WageBasis,
        by: &Acting<'_>,
    ) -> Result<Claim, ClaimError> {
        let mut claim = self.claim(id).await?;
        require_draft(&claim, "confirm the wage of")?;
        claim.wage_basis = Some(basis);
        let mut tx = self.begin_write().await?;
        save_in(&mut tx, &claim, by.at).await?;
        let detail = json!({"basis": basis.as_str()});
        append_step_in(&mut tx, id, "wage_confirmed", by.at, by.actor, &detail).await?;
        tx.commit().await?;
        Ok(self.claim(id).await?)
    }

    /// Stores a photo (EX-5); the claim then needs a clerk's review.
    pub async fn add_attachment(
        &self,
        id: &str,
        file: &NewAttachment,
        by: &Acting<'_>,
    ) -> Result<AttachmentMeta, ClaimError> {
        let mut claim = self.claim(id).await?;
        require_draft(&claim, "given an attachment")?;
        claim.needs_review = true;
        let sha = hex::encode(Sha256::digest(&file.bytes));
        let meta = AttachmentMeta {
            id: Uuid::new_v4().simple().to_string(),
            filename: file.filename.clone(),
            content_type: file.content_type.clone(),
            sha256: sha,
            size: i64::try_from(file.bytes.len()).unwrap_or(i64::MAX),
            uploaded_by: by.actor.to_owned(),
            uploaded_at: by.at,
        };
        let mut tx = self.begin_write().await?;
        save_in(&mut tx, &claim, by.at).await?;
        sqlx::query(
            "INSERT INTO ma_attachments (id, claim_id, kind, filename, content_type, sha256, bytes,
                 uploaded_by, uploaded_at) VALUES ($1, $2, 'birth_certificate_photo', $3, $4, $5, $6, $7, $8)",
        )
        .bind(&meta.id)
        .bind(id)
        .bind(&meta.filename)
        .bind(&meta.content_type)
        .bind(&meta.sha256)
        .bind(file.bytes.clone())
        .bind(by.actor)
        .bind(instant(by.at))
        .execute(&mut *tx)
        .await?;
        let detail = json!({"attachment": meta.id, "sha256": meta.sha256, "size": meta.size});
        append_step_in(&mut tx, id, "photo_uploaded", by.at, by.actor, &detail).await?;
        tx.commit().await?;
        Ok(meta)
    }

    /// A claim's attachments (without bytes).
    pub async fn claim_attachments(&self, id: &str) -> Result<Vec<AttachmentMeta>, StoreError> {
        use sqlx::Row;
        let rows = sqlx::query(
            "SELECT id, filename, content_type, sha256, CAST(LENGTH(bytes) AS BIGINT) AS size, uploaded_by, uploaded_at
             FROM ma_attachments WHERE claim_id = $1 ORDER BY uploaded_at, id",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(AttachmentMeta {
                    id: r.try_get("id")?,
                    filename: r.try_get("filename")?,
                    content_type: r.try_get("content_type")?,
                    sha256: r.try_get("sha256")?,
                    size: r.try_get::<i64, _>("size")?,
                    uploaded_by: r.try_get("uploaded_by")?,
                    uploaded_at: crate::text::parse_instant(
                        &r.try_get::<String, _>("uploaded_at")?,
                    )?,
                })
            })
            .collect()
    }
}

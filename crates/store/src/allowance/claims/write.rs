//! Writing claims. The services layer decides what a claim becomes; these functions write
//! one decided change in one transaction: the claim row (version-checked), the events of
//! its case, the notifications and the audit entry. A retried request (the same
//! idempotency key on the same case) writes nothing and returns the claim as it is.

use chrono::{DateTime, NaiveDate, Utc};
use onething_domain::access::Role;
use onething_domain::allowance::{Fact, Missing};
use onething_domain::case::{Action, ActorRole};
use onething_domain::hospital::FAMILY_PLANNING_ITEM;
use onething_domain::{Calendar, CitizenId, Fen, Uscc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::persist::{
    CLAIM_ROW_COLUMNS, FINDINGS_COLUMNS, audit_entry, claim_cells, findings_cells, kept_params_in,
    save_in,
};
use super::{Channel, Claim, ClaimError};
use crate::allowance::steps::{NewNotification, notify_in};
use crate::audit::{NewAuditEntry, append_audits_in};
use crate::cases::{
    Actor, CaseRecord, CaseWrite, NewCase, advance_from_in, advance_in, open_case_with_in,
};
use crate::payables::{NewPayable, amend_due_amount_in, create_payable_in};
use crate::rows::insert_row as insert_one;
use crate::text::instant;
use crate::{Store, StoreError};

/// The employer's authorisation of a window submission (授权确认表, seed 000 附件2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Authorisation {
    /// The form's number as the employer filled it in.
    pub number: String,
    /// The employer's clerk (经办人) who signed.
    pub signer: String,
    pub signed_on: NaiveDate,
}

/// A claim row to insert, with its case.
#[derive(Debug, Clone)]
pub struct NewClaim {
    pub id: String,
    pub person_id: CitizenId,
    pub employer: Uscc,
    pub certificate_no: Option<String>,
    pub channel: Channel,
    pub authorisation: Option<Authorisation>,
    pub event_date: NaiveDate,
    /// The case's and the claim's region (the clerks' queue it lands in).
    pub region: String,
    pub facts: Vec<Fact>,
    pub missing: Vec<Missing>,
    /// `claimant id | event date`: unique among claims that are not rejected (RB-6).
    pub duplicate_key: String,
    /// The case bundle (`maternity_allowance`) and the applicant and filer references.
    pub case: NewCase,
    /// A claim taken at a hospital's window (channel `hospital`): the hospital and 胎次.
    pub hospital: Option<HospitalLink>,
    /// The region's parameters ask the health department's family-planning review (seed
    /// 002 四): a `pending` review is written with the claim, and its case gets the
    /// bundle's optional item `HEALTH-FAMILY-PLANNING-REVIEW`, started at once and handed
    /// to the health department's system (a delivery) when one is registered.
    pub family_planning_review: bool,
    /// The derivation the facts came from (kept so submission can reuse it).
    pub derivation: Option<super::Derivation>,
}

/// Which hospital's window took a claim, and the birth order its 申报表 gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HospitalLink {
    pub hospital_id: String,
    pub birth_order: u8,
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
    /// What the file is: `birth_certificate_photo` (EX-5), or a hospital window's
    /// `declaration_form` (申报表) / `discharge_record` (出院记录) (RB-4).
    pub kind: String,
    pub filename: String,
    pub content_type: String,
    pub sha256: String,
    pub size: i64,
    pub uploaded_by: String,
    pub uploaded_at: DateTime<Utc>,
}

impl AttachmentMeta {
    /// The description of `file` as `by` uploads it now.
    pub fn of(file: &NewAttachment, by: &Acting<'_>) -> AttachmentMeta {
        AttachmentMeta {
            id: Uuid::new_v4().simple().to_string(),
            kind: "birth_certificate_photo".to_owned(),
            filename: file.filename.clone(),
            content_type: file.content_type.clone(),
            sha256: hex::encode(Sha256::digest(&file.bytes)),
            size: i64::try_from(file.bytes.len()).unwrap_or(i64::MAX),
            uploaded_by: by.actor.to_owned(),
            uploaded_at: by.at,
        }
    }

    /// The same description as another kind of document.
    pub fn of_kind(mut self, kind: &str) -> AttachmentMeta {
        kind.clone_into(&mut self.kind);
        self
    }

    /// The same description with its id derived from the request's idempotency key, so a
    /// retried upload (which writes nothing) answers the attachment stored the first time.
    pub fn keyed(mut self, key: &str) -> AttachmentMeta {
        self.id = hex::encode(Sha256::digest(key.as_bytes()))[..32].to_owned();
        self
    }
}

/// An attachment with its bytes.
#[derive(Debug, Clone)]
pub struct Attachment {
    pub meta: AttachmentMeta,
    pub bytes: Vec<u8>,
}

/// Who acts, and when.
#[derive(Debug, Clone)]
pub struct Acting<'a> {
    pub actor: &'a str,
    pub role: Role,
    pub at: DateTime<Utc>,
}

/// One decided change of a claim, written in one transaction.
#[derive(Debug, Clone)]
pub struct ClaimWrite<'a> {
    pub by: Acting<'a>,
    /// The client's key (`Idempotency-Key`) or one made for the request: a retry with the
    /// same key writes nothing.
    pub idempotency_key: String,
    /// The case's events, in order: the claim's steps and its items' moves.
    pub case: Vec<CaseWrite>,
    pub notifications: Vec<NewNotification>,
    /// The audit entry's action and detail (decisions and other changes of record).
    pub audit: Option<(String, Value)>,
    /// A photo stored with the change.
    pub attachment: Option<(AttachmentMeta, Vec<u8>)>,
    /// What the change does to the claim's payable: an approval creates it, a correction
    /// before settlement amends its amount.
    pub payable: Option<PayableWrite>,
    /// The `data_read` entries of the shared records read for this change (EX-4), written
    /// with its audit entry in one statement inside its transaction: a change and the
    /// reads it rests on commit together.
    pub reads: Vec<NewAuditEntry>,
}

/// A claim's payable as one change writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PayableWrite {
    /// Created by an approval: the amount, payee, account and due date frozen.
    Create(Box<NewPayable>),
    /// The amount of the payable `id` corrected while it is still `due`; once a settlement
    /// took it the bank was asked to pay the first amount, and the whole change is refused
    /// with [`StoreError::Conflict`] (`what: "payable"`).
    Amend { id: String, amount: Fen },
}

impl ClaimWrite<'_> {
    pub(super) fn case_actor(&self) -> Actor {
        Actor {
            name: self.by.actor.to_owned(),
            role: self.by.role.actor_role().unwrap_or(ActorRole::System),
            idempotency_key: self.idempotency_key.clone(),
            at: self.by.at,
        }
    }
}

impl Store {
    /// Inserts a claim and opens its case, then writes `write` (the `created` step). The
    /// same claimant and event a second time is refused by the database
    /// ([`ClaimError::Exists`]) and the attempt recorded for supervision.
    pub async fn insert_claim(
        &self,
        new: &NewClaim,
        write: &ClaimWrite<'_>,
        calendar: &Calendar,
    ) -> Result<Claim, ClaimError> {
        if let Some(existing) = self.claim_of_key(&write.idempotency_key).await? {
            return Ok(existing);
        }
        let catalog = self.current_catalog().await?;
        let mut tx = self.begin_write().await?;
        let case = match insert_in(&mut tx, &catalog, new, write, calendar).await {
            Err(ClaimError::Store(e)) if e.is_unique_violation() => {
                drop(tx);
                self.record_reads(&write.reads).await?;
                return Err(self.refuse_duplicate(new, write).await);
            }
            Err(e) => {
                drop(tx);
                return Err(self.reads_kept(write, e).await);
            }
            Ok(case) => case,
        };
        tx.commit().await?;
        // The row as written: no second read of what the transaction just stored.
        Ok(stored(draft_of(new, &case.id, &write.by)))
    }

    /// Saves `claim` (read at its `version`) and writes `write` with it.
    pub async fn update_claim(
        &self,
        claim: &Claim,
        write: &ClaimWrite<'_>,
        calendar: &Calendar,
    ) -> Result<Claim, ClaimError> {
        self.update_claim_at(claim, None, write, calendar).await
    }

    /// [`Store::update_claim`] on the claim's case as the caller read it (`case`, e.g. to
    /// plan a decision): its events are planned on that state instead of reading the case
    /// again; a case moved meanwhile fails its version check (a conflict), as always.
    pub async fn update_claim_on(
        &self,
        claim: &Claim,
        case: &CaseRecord,
        write: &ClaimWrite<'_>,
        calendar: &Calendar,
    ) -> Result<Claim, ClaimError> {
        self.update_claim_at(claim, Some(case), write, calendar)
            .await
    }

    async fn update_claim_at(
        &self,
        claim: &Claim,
        case: Option<&CaseRecord>,
        write: &ClaimWrite<'_>,
        calendar: &Calendar,
    ) -> Result<Claim, ClaimError> {
        if self.claim_of_key(&write.idempotency_key).await?.is_some() {
            return Ok(self.claim(&claim.id).await?);
        }
        let mut tx = self.begin_write().await?;
        if let Err(e) = update_in(&mut tx, claim, case, write, calendar).await {
            drop(tx);
            return Err(self.reads_kept(write, e.into()).await);
        }
        tx.commit().await?;
        // The row as `save_in` left it: no second read of what the transaction just stored.
        let mut saved = claim.clone();
        saved.version += 1;
        saved.updated_at = write.by.at;
        Ok(stored(saved))
    }

    /// A refused change's reads still happened: recorded on their own, then the refusal.
    async fn reads_kept(&self, write: &ClaimWrite<'_>, refused: ClaimError) -> ClaimError {
        match self.record_reads(&write.reads).await {
            Ok(()) => refused,
            Err(e) => e.into(),
        }
    }

    /// The claim an idempotency key already changed, if any.
    async fn claim_of_key(&self, key: &str) -> Result<Option<Claim>, StoreError> {
        let id: Option<String> = sqlx::query_scalar(
            "SELECT m.id FROM case_events e JOIN ma_claims m ON m.case_id = e.case_id
             WHERE e.idempotency_key = $1 OR e.idempotency_key = $2",
        )
        .bind(key)
        .bind(format!("{key}:created"))
        .fetch_optional(self.pool())
        .await?;
        match id {
            Some(id) => Ok(Some(self.claim(&id).await?)),
            None => Ok(None),
        }
    }

    /// Records a refused duplicate in its own transaction (the failed one rolled back) and
    /// answers with the earlier claim.
    async fn refuse_duplicate(&self, new: &NewClaim, write: &ClaimWrite<'_>) -> ClaimError {
        let existing: Result<Option<String>, sqlx::Error> = sqlx::query_scalar(
            "SELECT id FROM ma_claims WHERE duplicate_key = $1 AND status <> 'rejected'",
        )
        .bind(&new.duplicate_key)
        .fetch_optional(self.pool())
        .await;
        let existing = match existing {
            Ok(Some(id)) => id,
            Ok(None) => {
                return ClaimError::Store(StoreError::Conflict {
                    what: "claim",
                    id: new.duplicate_key.clone(),
                });
            }
            Err(e) => return e.into(),
        };
        let recorded = sqlx::query(
            "INSERT INTO ma_duplicate_attempts (id, duplicate_key, existing_claim, employer_uscc,
                 channel, attempted_by, attempted_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(Uuid::new_v4().simple().to_string())
        .bind(&new.duplicate_key)
        .bind(&existing)
        .bind(new.employer.as_str())
        .bind(new.channel.as_str())
        .bind(write.by.actor)
        .bind(instant(write.by.at))
        .execute(self.pool())
        .await;
        match recorded {
            Ok(_) => ClaimError::Exists { existing },
            Err(e) => e.into(),
        }
    }

    /// A claim's attachments (without bytes).
    pub async fn claim_attachments(&self, id: &str) -> Result<Vec<AttachmentMeta>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, kind, filename, content_type, sha256, CAST(LENGTH(bytes) AS BIGINT) AS size, uploaded_by, uploaded_at
             FROM ma_attachments WHERE claim_id = $1 ORDER BY uploaded_at, id",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(attachment_from_row).collect()
    }
}

/// A claim as a read of its row answers it: instants at the stored (microsecond) precision.
fn stored(mut claim: Claim) -> Claim {
    let at = |t: DateTime<Utc>| crate::text::parse_instant(&instant(t)).unwrap_or(t);
    claim.created_at = at(claim.created_at);
    claim.updated_at = at(claim.updated_at);
    claim.submitted_at = claim.submitted_at.map(at);
    claim.reviewed_at = claim.reviewed_at.map(at);
    claim
}

/// The row a new claim starts as: a draft, version 1, created by the writer now.
pub(super) fn draft_of(new: &NewClaim, case_id: &str, by: &Acting<'_>) -> Claim {
    Claim {
        id: new.id.clone(),
        case_id: case_id.to_owned(),
        employer_uscc: new.employer.as_str().to_owned(),
        person_id: new.person_id.as_str().to_owned(),
        channel: new.channel.as_str().to_owned(),
        status: onething_domain::allowance::ClaimStatus::Draft,
        duplicate_key: new.duplicate_key.clone(),
        certificate_no: new.certificate_no.clone(),
        event_date: Some(new.event_date),
        region: Some(new.region.clone()),
        wage_basis: None,
        facts: new.facts.clone(),
        missing: new.missing.clone(),
        decision: None,
        params_used: None,
        amount_fen: None,
        payee: None,
        needs_review: false,
        authorisation: new.authorisation.clone(),
        bank_account: None,
        reject_code: None,
        reject_note: None,
        created_by: by.actor.to_owned(),
        created_at: by.at,
        submitted_at: None,
        reviewed_at: None,
        reviewed_by: None,
        approved_on: None,
        payment_due: None,
        payment_due_provisional: false,
        derivation: new.derivation.clone(),
        updated_at: by.at,
        version: 1,
    }
}

async fn insert_row(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    new: &NewClaim,
    case_id: &str,
    write: &ClaimWrite<'_>,
) -> Result<(), StoreError> {
    let draft = draft_of(new, case_id, &write.by);
    let params = kept_params_in(tx, &draft, write.by.at).await?;
    let row = claim_cells(&draft, params.as_ref())?;
    insert_one(tx, "ma_claims", &CLAIM_ROW_COLUMNS, row).await?;
    let findings = findings_cells(&draft)?;
    insert_one(tx, "ma_claim_findings", &FINDINGS_COLUMNS, findings).await
}

pub(super) async fn insert_hospital_link(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    claim_id: &str,
    link: &HospitalLink,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO ma_claim_hospital (claim_id, hospital_id, birth_order, created_at)
         VALUES ($1, $2, $3, $4)",
    )
    .bind(claim_id)
    .bind(&link.hospital_id)
    .bind(i64::from(link.birth_order))
    .bind(instant(at))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The pending family-planning review of a new claim, and its case item started for the
/// health department (the platform hands the review over at once); the department's system,
/// if one is registered, gets a delivery it answers through the signed results endpoint.
async fn ask_family_planning_review(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    new: &NewClaim,
    case: &CaseRecord,
    actor: &Actor,
    calendar: &Calendar,
) -> Result<CaseRecord, StoreError> {
    sqlx::query(
        "INSERT INTO ma_family_planning_reviews (claim_id, status, created_at)
         VALUES ($1, 'pending', $2)",
    )
    .bind(&new.id)
    .bind(instant(actor.at))
    .execute(&mut **tx)
    .await?;
    let item = FAMILY_PLANNING_ITEM;
    let system = Actor {
        name: actor.name.clone(),
        role: ActorRole::System,
        idempotency_key: format!("{}:family_planning", actor.idempotency_key),
        at: actor.at,
    };
    let moves = [Action::Accept, Action::Start].map(|action| CaseWrite::Move {
        item: item.to_owned(),
        action,
        role: ActorRole::System,
    });
    let started = advance_in(tx, &case.id, &moves, &system, calendar).await?;
    let mut payload = serde_json::json!({
        "claim_id": new.id, "person_id": new.person_id.as_str(),
        "event_date": new.event_date.to_string(), "region": new.region,
        "channel": new.channel.as_str(),
        "birth_order": new.hospital.as_ref().map(|h| h.birth_order),
    });
    crate::newborn::route::queue_in(tx, &case.id, item, "item", &mut payload, &system).await?;
    Ok(started)
}

impl Store {
    /// The hospital whose window took the claim, if it was taken at one.
    pub async fn claim_hospital(&self, claim_id: &str) -> Result<Option<HospitalLink>, StoreError> {
        let row: Option<(String, i64)> = sqlx::query_as(
            "SELECT hospital_id, birth_order FROM ma_claim_hospital WHERE claim_id = $1",
        )
        .bind(claim_id)
        .fetch_optional(self.pool())
        .await?;
        Ok(row.map(|(hospital_id, order)| HospitalLink {
            hospital_id,
            birth_order: u8::try_from(order).unwrap_or(0),
        }))
    }
}

pub(super) async fn insert_attachment(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    claim_id: &str,
    meta: &AttachmentMeta,
    bytes: &[u8],
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO ma_attachments (id, claim_id, kind, filename, content_type, sha256, bytes,
             uploaded_by, uploaded_at) VALUES ($1, $2, $9, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&meta.id)
    .bind(claim_id)
    .bind(&meta.filename)
    .bind(&meta.content_type)
    .bind(&meta.sha256)
    .bind(bytes.to_vec())
    .bind(&meta.uploaded_by)
    .bind(instant(meta.uploaded_at))
    .bind(&meta.kind)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The case events, notifications and audit entry of a change, in the caller's
/// transaction; `case` is the case as the transaction already holds it (else read).
async fn finish_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    claim_id: &str,
    case: Result<&CaseRecord, &str>,
    write: &ClaimWrite<'_>,
    calendar: &Calendar,
) -> Result<Option<CaseRecord>, StoreError> {
    let actor = write.case_actor();
    let case_id = match case {
        Ok(record) => record.id.as_str(),
        Err(id) => id,
    };
    let advanced = match (write.case.is_empty(), case) {
        (true, _) => None,
        (false, Ok(record)) => {
            Some(advance_from_in(tx, record, &write.case, &actor, calendar).await?)
        }
        (false, Err(id)) => Some(advance_in(tx, id, &write.case, &actor, calendar).await?),
    };
    notify_in(tx, &write.notifications, write.by.at).await?;
    // Last, so PostgreSQL holds the audit chain's lock only from here to the commit.
    let mut entries = write.reads.clone();
    if let Some((action, detail)) = &write.audit {
        entries.push(audit_entry(claim_id, case_id, &write.by, action, detail));
    }
    append_audits_in(tx, &entries).await?;
    Ok(advanced)
}

/// Inserts a claim with its case inside the caller's transaction and writes `write` (the
/// `created` step); answers the case as it stands after. A duplicate is the database's
/// unique violation ([`StoreError::is_unique_violation`]), for the caller to handle.
pub(super) async fn insert_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    catalog: &crate::catalog::CatalogVersion,
    new: &NewClaim,
    write: &ClaimWrite<'_>,
    calendar: &Calendar,
) -> Result<CaseRecord, ClaimError> {
    let optional = if new.family_planning_review {
        vec![FAMILY_PLANNING_ITEM.to_owned()]
    } else {
        Vec::new()
    };
    let case = open_case_with_in(tx, catalog, &new.case, &write.case_actor(), &optional).await?;
    insert_row(tx, new, &case.id, write).await?;
    if let Some(link) = &new.hospital {
        insert_hospital_link(tx, &new.id, link, write.by.at).await?;
    }
    let case = if new.family_planning_review {
        ask_family_planning_review(tx, new, &case, &write.case_actor(), calendar).await?
    } else {
        case
    };
    let mut next = write.clone();
    next.idempotency_key = format!("{}:created", write.idempotency_key);
    let after = finish_in(tx, &new.id, Ok(&case), &next, calendar).await?;
    Ok(after.unwrap_or(case))
}

/// Saves a claim read at its `version` with its change, inside the caller's transaction.
pub(super) async fn update_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    claim: &Claim,
    case: Option<&CaseRecord>,
    write: &ClaimWrite<'_>,
    calendar: &Calendar,
) -> Result<(), StoreError> {
    // The payable before the claim, as a settlement takes them: two writers lock in one
    // order and never wait on each other (PostgreSQL).
    if let Some(PayableWrite::Amend { id, amount }) = &write.payable {
        amend_due_amount_in(tx, id, *amount, write.by.at).await?;
    }
    save_in(tx, claim, write.by.at).await?;
    if let Some(PayableWrite::Create(payable)) = &write.payable {
        create_payable_in(tx, payable).await?;
    }
    if let Some((meta, bytes)) = &write.attachment {
        insert_attachment(tx, &claim.id, meta, bytes).await?;
    }
    let case = case.ok_or(claim.case_id.as_str());
    finish_in(tx, &claim.id, case, write, calendar).await?;
    Ok(())
}

/// The columns `SELECT id, kind, filename, content_type, sha256, size, uploaded_by, uploaded_at`.
pub(crate) fn attachment_from_row(r: &sqlx::any::AnyRow) -> Result<AttachmentMeta, StoreError> {
    use sqlx::Row;
    Ok(AttachmentMeta {
        id: r.try_get("id")?,
        kind: r.try_get("kind")?,
        filename: r.try_get("filename")?,
        content_type: r.try_get("content_type")?,
        sha256: r.try_get("sha256")?,
        size: r.try_get::<i64, _>("size")?,
        uploaded_by: r.try_get("uploaded_by")?,
        uploaded_at: crate::text::parse_instant(&r.try_get::<String, _>("uploaded_at")?)?,
    })
}

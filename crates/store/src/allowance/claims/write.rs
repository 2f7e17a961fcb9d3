//! Changing claims: create, confirm the wage, upload a photo, submit (smart review) and a
//! clerk's review. Each change is one write transaction: the row (with a version check),
//! the step, the notifications and, for decisions, the audit entry.

use chrono::{DateTime, NaiveDate, Utc};
use onething_domain::access::Role;
use onething_domain::allowance::{
    ClaimAction, ClaimStatus, Derived, Outcome, RejectionReason, Submission, WageBasis,
    smart_review,
};
use onething_domain::china_time::date_in_china;
use onething_domain::rules::{MaternityDecision, MaternityFacts, MaternityParams, evaluate};
use onething_domain::{Calendar, CitizenId, Uscc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use sqlx::{Any, Transaction};
use uuid::Uuid;

use super::evidence::ClaimSubject;
use super::{BankAccount, Channel, Claim, ClaimError, duplicate_key};
use crate::allowance::steps::{NewNotification, Recipient, append_step_in, notify_in};
use crate::shared_data::DataUse;
use crate::text::{date, instant, json as to_json};
use crate::{Store, StoreError};

/// Working days from approval to payment (MA-5, 001 二(五)).
pub const PAYMENT_WORKING_DAYS: u32 = 10;
const PURPOSE: &str = "maternity_allowance_claim";
const SMART_REVIEW: &str = "smart_review";

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
        .bind(derived.region.map(|r| r.to_string()))
        .bind(to_json(&derived.facts)?)
        .bind(to_json(&derived.missing)?)
        .bind(new.authorisation.as_ref().map(to_json).transpose()?)
        .bind(&new.actor)
        .bind(instant(new.at))
        .execute(&mut *tx)
        .await?;
        let detail = json!({"channel": new.channel.as_str(), "authorisation": new.authorisation});
        append_step_in(&mut tx, id, "created", new.at, &new.actor, &detail).await?;
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

    /// Submits a claim: the account (given, or the employer's on file), fresh facts, then
    /// smart review decides or queues it for a clerk (MA-4).
    pub async fn submit_claim(
        &self,
        id: &str,
        account: Option<BankAccount>,
        by: &Acting<'_>,
        params: &MaternityParams,
        calendar: &Calendar,
    ) -> Result<Claim, ClaimError> {
        let mut claim = self.claim(id).await?;
        claim
            .status
            .after(ClaimAction::Submit)
            .map_err(|_| invalid(&claim, "submitted"))?;
        let account = match account {
            Some(a) => a,
            None => self
                .employer_account(&claim.employer_uscc)
                .await?
                .ok_or(ClaimError::NoBankAccount)?,
        };
        claim.bank_account = Some(account);
        claim.submitted_at = Some(by.at);
        let derived = self.rederive(&claim, by.actor, None).await?;
        let facts = derived.maternity.clone().map(|f| with_case(f, id));
        let outcome = smart_review(
            Submission {
                facts: facts.as_ref(),
                has_upload: claim.needs_review,
                wage_confirmed: claim.wage_basis.is_some(),
            },
            params,
        );
        keep_facts(&mut claim, &derived);
        let mut tx = self.begin_write().await?;
        append_step_in(&mut tx, id, "submitted", by.at, by.actor, &json!({})).await?;
        let (step, detail, body) = match outcome {
            Outcome::Decided { action, decision } => {
                claim.status = claim
                    .status
                    .after(action)
                    .map_err(|_| invalid(&claim, "decided"))?;
                decide(
                    &mut claim,
                    decision,
                    facts.as_ref(),
                    params,
                    calendar,
                    by.at,
                );
                claim.reviewed_at = Some(by.at);
                claim.reviewed_by = Some(SMART_REVIEW.into());
                decided_step(&claim)
            }
            Outcome::Manual(reasons) => {
                claim.status = ClaimStatus::InReview;
                let labels: Vec<&str> = reasons.iter().map(|r| r.label_zh()).collect();
                let body = format!("生育津贴申领（申领号{id}）已提交，{}", labels.join("；"));
                ("queued_for_review", json!({"reasons": labels}), body)
            }
        };
        save_in(&mut tx, &claim, by.at).await?;
        let actor = if step == "queued_for_review" {
            by.actor
        } else {
            SMART_REVIEW
        };
        append_step_in(&mut tx, id, step, by.at, actor, &detail).await?;
        notify_in(
            &mut tx,
            &notes(&claim.employer_uscc, &claim.person_id, id, &body),
            by.at,
        )
        .await?;
        audit_in(&mut tx, &claim, by, step, &detail).await?;
        tx.commit().await?;
        Ok(self.claim(id).await?)
    }

    /// A clerk approves or rejects a claim in review (issue 4 item 6). Approval evaluates
    /// the rules on fresh facts and freezes the amount with the parameters used.
    pub async fn review_claim(
        &self,
        id: &str,
        review: &ReviewDecision,
        by: &Acting<'_>,
        params: &MaternityParams,
        calendar: &Calendar,
    ) -> Result<Claim, ClaimError> {
        let mut claim = self.claim(id).await?;
        let action = match review {
            ReviewDecision::Approve { .. } => ClaimAction::Approve,
            ReviewDecision::Reject { .. } => ClaimAction::Reject,
        };
        let next = claim
            .status
            .after(action)
            .map_err(|_| invalid(&claim, "reviewed"))?;
        match review {
            ReviewDecision::Approve {
                certificate_no,
                note,
            } => {
                let upload = certificate_no
                    .clone()
                    .or_else(|| claim.certificate_no.clone());
                let upload = upload.filter(|_| claim.needs_review);
                let derived = self.rederive(&claim, by.actor, upload.as_deref()).await?;
                let facts = derived.maternity.clone().map(|f| with_case(f, id));
                let Some(facts) = facts else {
                    return Err(ClaimError::FactsIncomplete(derived.missing));
                };
                let decision = evaluate(&facts, params);
                if !decision.eligible {
                    return Err(ClaimError::NotEligible(decision.reasons));
                }
                keep_facts(&mut claim, &derived);
                if upload.is_some() {
                    claim.certificate_no = upload;
                }
                decide(&mut claim, decision, Some(&facts), params, calendar, by.at);
                claim.reject_note = note.clone();
            }
            ReviewDecision::Reject { reason, note } => {
                claim.reject_code = Some(reason.code().into());
                claim.reject_note = note.clone();
            }
        }
        claim.status = next;
        claim.reviewed_at = Some(by.at);
        claim.reviewed_by = Some(by.actor.into());
        let (step, detail, body) = decided_step(&claim);
        let mut tx = self.begin_write().await?;
        save_in(&mut tx, &claim, by.at).await?;
        append_step_in(&mut tx, id, step, by.at, by.actor, &detail).await?;
        notify_in(
            &mut tx,
            &notes(&claim.employer_uscc, &claim.person_id, id, &body),
            by.at,
        )
        .await?;
        audit_in(&mut tx, &claim, by, step, &detail).await?;
        tx.commit().await?;
        Ok(self.claim(id).await?)
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

    /// The claim's facts derived again from the current shared data (audited for it).
    async fn rederive(
        &self,
        claim: &Claim,
        actor: &str,
        uploaded_certificate_no: Option<&str>,
    ) -> Result<Derived, ClaimError> {
        let claimant = CitizenId::parse(&claim.person_id)
            .map_err(|e| StoreError::corrupt(format!("claim person: {e}")))?;
        let employer = Uscc::parse(&claim.employer_uscc)
            .map_err(|e| StoreError::corrupt(format!("claim employer: {e}")))?;
        let data_use = DataUse {
            actor: actor.into(),
            case_id: Some(claim.id.clone()),
            purpose: PURPOSE.into(),
        };
        let subject = ClaimSubject {
            claimant: &claimant,
            employer: &employer,
            certificate_no: claim.certificate_no.as_deref(),
            basis: claim.wage_basis,
            uploaded_certificate_no,
            event_date: claim.event_date,
            today: claim
                .event_date
                .unwrap_or_else(|| date_in_china(claim.created_at)),
        };
        Ok(self.derive_claim(&data_use, &subject).await?.1)
    }
}

fn with_case(mut facts: MaternityFacts, id: &str) -> MaternityFacts {
    facts.case_id = id.to_owned();
    facts
}

fn keep_facts(claim: &mut Claim, derived: &Derived) {
    claim.facts = derived.facts.clone();
    claim.missing = derived.missing.clone();
    if claim.region.is_none() {
        claim.region = derived.region.map(|r| r.to_string());
    }
}

fn invalid(claim: &Claim, action: &'static str) -> ClaimError {
    ClaimError::InvalidState {
        from: claim.status,
        action,
    }
}

fn require_draft(claim: &Claim, action: &'static str) -> Result<(), ClaimError> {
    if claim.status == ClaimStatus::Draft {
        Ok(())
    } else {
        Err(invalid(claim, action))
    }
}

/// Stores a decision; on approval freezes the amount, payee and parameters and sets the
/// payment due date (null when the calendar has no notice for the year: never guessed).
fn decide(
    claim: &mut Claim,
    decision: MaternityDecision,
    facts: Option<&MaternityFacts>,
    params: &MaternityParams,
    calendar: &Calendar,
    at: DateTime<Utc>,
) {
    if decision.eligible {
        let today = date_in_china(at);
        claim.amount_fen = Some(decision.amount_fen.as_i64());
        claim.payee = decision.payee.map(|p| p.as_str().to_owned());
        claim.approved_on = Some(today);
        claim.payment_due = calendar.add_working_days(today, PAYMENT_WORKING_DAYS).ok();
        claim.params_used = facts.and_then(|f| params_used(params, f));
    } else {
        claim.reject_code = Some(RejectionReason::NotEligible.code().into());
    }
    claim.decision = Some(decision);
}

fn params_used(params: &MaternityParams, facts: &MaternityFacts) -> Option<Value> {
    let chosen = params.lookup(facts.region, facts.event_date).ok()?;
    Some(json!({
        "region_code": chosen.region.code.to_string(),
        "region_name": chosen.region.name,
        "period": chosen.period,
    }))
}

/// The step, its detail and the notification text of a decided claim.
fn decided_step(claim: &Claim) -> (&'static str, Value, String) {
    let id = &claim.id;
    match claim.status {
        ClaimStatus::Approved => {
            let amount = claim.amount_fen.unwrap_or(0);
            let body = format!(
                "生育津贴申领（申领号{id}）审核通过，核定金额{}.{:02}元，待结算支付",
                amount / 100,
                amount % 100
            );
            let detail = json!({"amount_fen": amount, "payment_due": claim.payment_due});
            ("approved", detail, body)
        }
        _ => {
            let reason = claim
                .reject_code
                .as_deref()
                .and_then(RejectionReason::parse)
                .unwrap_or(RejectionReason::Other);
            let reasons: Vec<&str> = claim
                .decision
                .iter()
                .flat_map(|d| d.reasons.iter().map(|r| r.name_zh()))
                .collect();
            let body = format!("生育津贴申领（申领号{id}）不予支付：{}", reason.label_zh());
            let detail = json!({"reason_code": reason.code(), "reason": reason.label_zh(),
                                "rule_reasons": reasons, "note": claim.reject_note});
            ("rejected", detail, body)
        }
    }
}

/// In-site and SMS messages to the employer and the insured person.
fn notes(employer: &str, person: &str, claim_id: &str, body: &str) -> Vec<NewNotification> {
    let mut out = Vec::new();
    for recipient in [
        Recipient::Employer(employer.into()),
        Recipient::Person(person.into()),
    ] {
        for channel in ["in_site", "sms"] {
            out.push(NewNotification {
                recipient: recipient.clone(),
                channel,
                subject_type: "ma_claim",
                subject_id: claim_id.into(),
                body: body.into(),
            });
        }
    }
    out
}

/// Writes every mutable column, refusing if another request changed the row meanwhile.
async fn save_in(
    tx: &mut Transaction<'static, Any>,
    c: &Claim,
    at: DateTime<Utc>,
) -> Result<(), ClaimError> {
    let account = c.bank_account.as_ref();
    let done = sqlx::query(
        "UPDATE ma_claims SET status = $1, certificate_no = $2, region = $3, wage_basis = $4,
             facts = $5, missing = $6, decision = $7, params_used = $8, amount_fen = $9, payee = $10,
             needs_review = $11, account_name = $12, bank = $13, account_number = $14,
             reject_code = $15, reject_note = $16, submitted_at = $17, reviewed_at = $18,
             reviewed_by = $19, approved_on = $20, payment_due = $21, updated_at = $22,
             version = version + 1
         WHERE id = $23 AND version = $24",
    )
    .bind(c.status.as_str())
    .bind(c.certificate_no.as_deref())
    .bind(c.region.as_deref())
    .bind(c.wage_basis.map(WageBasis::as_str))
    .bind(to_json(&c.facts)?)
    .bind(to_json(&c.missing)?)
    .bind(c.decision.as_ref().map(to_json).transpose()?)
    .bind(c.params_used.as_ref().map(to_json).transpose()?)
    .bind(c.amount_fen)
    .bind(c.payee.as_deref())
    .bind(i64::from(c.needs_review))
    .bind(account.map(|a| a.name.clone()))
    .bind(account.map(|a| a.bank.clone()))
    .bind(account.map(|a| a.number.clone()))
    .bind(c.reject_code.as_deref())
    .bind(c.reject_note.as_deref())
    .bind(c.submitted_at.map(instant))
    .bind(c.reviewed_at.map(instant))
    .bind(c.reviewed_by.as_deref())
    .bind(c.approved_on.map(date))
    .bind(c.payment_due.map(date))
    .bind(instant(at))
    .bind(&c.id)
    .bind(c.version)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() == 1 {
        Ok(())
    } else {
        Err(StoreError::Conflict {
            what: "claim",
            id: c.id.clone(),
        }
        .into())
    }
}

/// The decision's audit entry, in the same transaction.
async fn audit_in(
    tx: &mut Transaction<'static, Any>,
    claim: &Claim,
    by: &Acting<'_>,
    step: &str,
    detail: &Value,
) -> Result<(), ClaimError> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor, role, action, subject_type, subject_id, case_id, detail)
         VALUES ($1, $2, $3, $4, 'ma_claim', $5, $5, $6)",
    )
    .bind(instant(by.at))
    .bind(by.actor)
    .bind(by.role.as_str())
    .bind(format!("claim_{step}"))
    .bind(&claim.id)
    .bind(to_json(detail)?)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

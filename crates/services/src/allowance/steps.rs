//! A claim's steps after it is opened: the wage confirmation, a photo, the submission with
//! smart review, and a clerk's review (four eyes).

use onething_domain::CitizenId;
use onething_domain::Uscc;
use onething_domain::access::UseCase;
use onething_domain::allowance::{ClaimAction, ClaimStatus, Outcome, Submission, smart_review};
use onething_domain::case::ActorRole;
use onething_domain::ids::ClaimId;
use onething_domain::rules::{MaternityDecision, MaternityFacts, evaluate};
use onething_store::StoreError;
use onething_store::allowance::claims::{
    Acting, AttachmentMeta, Claim, ClaimDerivation, ClaimSubject, ClaimWrite,
};
use onething_store::audit::NewAuditEntry;
use onething_store::cases::CaseWrite;
use onething_store::shared_data::DataUse;
use serde_json::json;

use super::commands::{ConfirmWage, Photo, Review, Submit};
use super::decide::{
    decided_detail, decision_moves, keep_derivation, payable_of, payment_due, record_decision,
    rejection_reason,
};
use super::read::visible_claim;
use super::{PURPOSE, SMART_REVIEW, texts};
use crate::{Actor, ServiceError, Services};

pub(super) fn acting(actor: &Actor) -> Acting<'_> {
    Acting {
        actor: &actor.username,
        role: actor.role,
        at: actor.at,
    }
}

pub(super) fn step(name: &str, detail: serde_json::Value, role: ActorRole) -> CaseWrite {
    CaseWrite::Step {
        step: name.to_owned(),
        detail,
        role,
    }
}

/// The case role of the person acting: the employer applies, a clerk accepts.
pub(super) fn case_role(actor: &Actor) -> ActorRole {
    actor.role.actor_role().unwrap_or(ActorRole::System)
}

fn require_draft(claim: &Claim, action: &'static str) -> Result<(), ServiceError> {
    if claim.status == ClaimStatus::Draft {
        Ok(())
    } else {
        Err(ServiceError::InvalidState {
            from: claim.status,
            action,
        })
    }
}

/// The employer confirms its previous-year average wage or base (MA-2); on a claim
/// 免申即享 decided, it corrects the basis before settlement (`correct`).
pub async fn confirm_wage(
    svc: &Services,
    actor: &Actor,
    id: &ClaimId,
    cmd: ConfirmWage,
) -> Result<Claim, ServiceError> {
    actor.authorize(UseCase::ConfirmWage)?;
    let mut claim = visible_claim(svc, actor, id).await?;
    if super::correct::wage_correctable(&claim) {
        return super::correct::correct_wage_basis(svc, actor, claim, cmd.basis).await;
    }
    require_draft(&claim, "confirm the wage of")?;
    claim.wage_basis = Some(cmd.basis);
    let detail = json!({"basis": cmd.basis.as_str()});
    let write = ClaimWrite {
        by: acting(actor),
        idempotency_key: actor.key_for(&format!("{}:confirm_wage", claim.id)),
        case: vec![step("wage_confirmed", detail, case_role(actor))],
        notifications: Vec::new(),
        audit: None,
        attachment: None,
        payable: None,
        reads: Vec::new(),
    };
    Ok(svc
        .store
        .update_claim(&claim, &write, &svc.calendar)
        .await?)
}

/// Stores a photo of the certificate (EX-5); the claim then needs a clerk's review.
pub async fn attach_photo(
    svc: &Services,
    actor: &Actor,
    id: &ClaimId,
    photo: Photo,
) -> Result<AttachmentMeta, ServiceError> {
    attach(
        svc,
        actor,
        id,
        photo,
        ("birth_certificate_photo", "photo_uploaded"),
    )
    .await
}

/// Stores a file of `kind` with the case step `step` (the photo, or a hospital window's
/// 申报表 / 出院记录); the claim then needs a clerk's review.
pub(super) async fn attach(
    svc: &Services,
    actor: &Actor,
    id: &ClaimId,
    Photo(file): Photo,
    (kind, step_name): (&str, &str),
) -> Result<AttachmentMeta, ServiceError> {
    actor.authorize(UseCase::AttachPhoto)?;
    let mut claim = visible_claim(svc, actor, id).await?;
    require_draft(&claim, "given an attachment")?;
    within_upload_limits(svc, &claim, file.bytes.len()).await?;
    claim.needs_review = true;
    let by = acting(actor);
    let key = actor.key_for(&format!("{}:attach_{kind}", claim.id));
    let mut meta = AttachmentMeta::of(&file, &by).of_kind(kind);
    if actor.idempotency_key.is_some() {
        // A retry with the same key writes nothing and must answer the stored attachment.
        meta = meta.keyed(&key);
    }
    let detail =
        json!({"attachment": meta.id, "kind": kind, "sha256": meta.sha256, "size": meta.size});
    let write = ClaimWrite {
        by,
        idempotency_key: key,
        case: vec![step(step_name, detail, case_role(actor))],
        notifications: Vec::new(),
        audit: None,
        attachment: Some((meta.clone(), file.bytes)),
        payable: None,
        reads: Vec::new(),
    };
    svc.store
        .update_claim(&claim, &write, &svc.calendar)
        .await?;
    Ok(meta)
}

/// Photos a claim may carry, and their total size: a draft is not a file store.
const MAX_PHOTOS_PER_CLAIM: usize = 5;
const MAX_PHOTO_BYTES_PER_CLAIM: i64 = 20 * 1024 * 1024;

/// Refuses a photo past the claim's count (409 `TOO_MANY_FILES`) or total size (413
/// `FILES_TOO_LARGE`).
async fn within_upload_limits(
    svc: &Services,
    claim: &Claim,
    size: usize,
) -> Result<(), ServiceError> {
    let stored = svc.store.claim_attachments(&claim.id).await?;
    if stored.len() >= MAX_PHOTOS_PER_CLAIM {
        return Err(crate::Invalid::new(
            "TOO_MANY_FILES",
            "file",
            format!(
                "每件申领最多上传{MAX_PHOTOS_PER_CLAIM}个文件（file），已有{}个",
                stored.len()
            ),
        )
        .with_kind(crate::InvalidKind::Unprocessable)
        .into());
    }
    let total: i64 = stored.iter().map(|a| a.size).sum();
    let size = i64::try_from(size).unwrap_or(i64::MAX);
    if total.saturating_add(size) > MAX_PHOTO_BYTES_PER_CLAIM {
        return Err(crate::Invalid::new(
            "FILES_TOO_LARGE",
            "file",
            format!(
                "每件申领上传文件（file）合计不超过{}MB",
                MAX_PHOTO_BYTES_PER_CLAIM >> 20
            ),
        )
        .with_kind(crate::InvalidKind::TooLarge)
        .into());
    }
    Ok(())
}

/// Submits a claim: the account (given, or the employer's on file), fresh facts, then
/// smart review approves or rejects it at once, or queues it for a clerk (MA-4).
pub async fn submit(
    svc: &Services,
    actor: &Actor,
    id: &ClaimId,
    cmd: Submit,
) -> Result<Claim, ServiceError> {
    actor.authorize(UseCase::SubmitClaim)?;
    let mut claim = visible_claim(svc, actor, id).await?;
    claim
        .status
        .after(ClaimAction::Submit)
        .map_err(|_| invalid(&claim, "submitted"))?;
    let account = match cmd.account {
        Some(a) => a,
        None => svc
            .store
            .employer_account(&claim.employer_uscc)
            .await?
            .ok_or(ServiceError::NoBankAccount)?,
    };
    claim.bank_account = Some(account);
    claim.submitted_at = Some(actor.at);
    let (facts, reads) = submission_facts(svc, &mut claim, &actor.username).await?;
    let facts = facts.map(|f| with_claim(f, id.as_str()));
    // A claim the health department has not confirmed is a person's decision.
    let waits = super::hospital::review_unconfirmed(svc, &claim.id).await?;
    let outcome = smart_review(
        Submission {
            facts: facts.as_ref(),
            has_upload: claim.needs_review || waits,
            wage_confirmed: claim.wage_basis.is_some(),
        },
        &svc.params,
    );
    let case = svc.store.load_case(&claim.case_id).await?;
    let role = case_role(actor);
    let mut writes = vec![
        step("submitted", json!({}), role),
        CaseWrite::AcceptAll {
            role: if role == ActorRole::Acceptor {
                role
            } else {
                ActorRole::System
            },
        },
    ];
    let (audit_step, notes) = match outcome {
        Outcome::Decided { action, decision } => {
            let decided = (action, decision, facts.as_ref());
            let (moves, name, body) = smart_decision(svc, actor, &mut claim, &case.state, decided)?;
            writes.extend(moves);
            (name, body)
        }
        Outcome::Manual(reasons) => {
            claim.status = ClaimStatus::InReview;
            let labels: Vec<&str> = reasons.iter().map(|r| r.label_zh()).collect();
            let detail = json!({"reasons": labels});
            writes.push(step("queued_for_review", detail, ActorRole::System));
            ("queued_for_review", texts::queued(id.as_str(), &reasons))
        }
    };
    let detail = match claim.status {
        ClaimStatus::InReview => json!({}),
        status => decided_detail(&claim, status == ClaimStatus::Approved),
    };
    let write = ClaimWrite {
        by: acting(actor),
        idempotency_key: actor.key_for(&format!("{}:submit", claim.id)),
        case: writes,
        notifications: texts::to_both(&claim.employer_uscc, &claim.person_id, id.as_str(), &notes),
        audit: Some((format!("claim_{audit_step}"), detail)),
        attachment: None,
        payable: payable_of(&claim, SMART_REVIEW, actor.at),
        reads,
    };
    Ok(svc
        .store
        .update_claim_on(&claim, &case, &write, &svc.calendar)
        .await?)
}

/// Smart review's decision on a submitted claim: the claim's new status, amount and
/// payment deadline, and the case events and notification text that record it (the step
/// `approved` or `rejected` by `smart_review`, then the items' moves).
pub(super) fn smart_decision(
    svc: &Services,
    actor: &Actor,
    claim: &mut Claim,
    case: &onething_domain::case::CaseState,
    (action, decision, facts): (ClaimAction, MaternityDecision, Option<&MaternityFacts>),
) -> Result<(Vec<CaseWrite>, &'static str, String), ServiceError> {
    claim.status = claim
        .status
        .after(action)
        .map_err(|_| invalid(claim, "decided"))?;
    let today = actor.today();
    let due = payment_due(case, &svc.calendar, today)?;
    record_decision(claim, decision, facts, &svc.params, today, due);
    claim.reviewed_at = Some(actor.at);
    claim.reviewed_by = Some(SMART_REVIEW.into());
    let approved = claim.status == ClaimStatus::Approved;
    let (name, body) = decided_texts(claim);
    let mut writes = vec![step(
        name,
        decided_detail(claim, approved),
        ActorRole::System,
    )];
    writes.extend(decision_moves(case, claim, approved, ActorRole::System));
    Ok((writes, name, body))
}

/// A clerk approves or rejects a claim in review. Approval evaluates the rules on fresh
/// facts (a reviewed photo stands in for the certificate) and freezes the amount; the
/// clerk who filed or submitted the claim may not review it (four eyes).
pub async fn review(
    svc: &Services,
    actor: &Actor,
    id: &ClaimId,
    cmd: Review,
) -> Result<Claim, ServiceError> {
    actor.authorize(UseCase::ReviewClaim)?;
    let mut claim = visible_claim(svc, actor, id).await?;
    let action = match cmd {
        Review::Approve { .. } => ClaimAction::Approve,
        Review::Reject { .. } => ClaimAction::Reject,
    };
    let next = claim
        .status
        .after(action)
        .map_err(|_| invalid(&claim, "reviewed"))?;
    four_eyes(svc, actor, &claim).await?;
    let case = svc.store.load_case(&claim.case_id).await?;
    let mut reads = Vec::new();
    match cmd {
        Review::Approve {
            certificate_no,
            note,
        } => {
            super::hospital::review_allows_approval(svc, &claim.id).await?;
            let upload = certificate_no.or_else(|| claim.certificate_no.clone());
            let upload = upload.filter(|_| claim.needs_review);
            let found = rederive(svc, &claim, &actor.username, upload.as_deref()).await?;
            let Some(facts) = found
                .derived
                .maternity
                .clone()
                .map(|f| with_claim(f, id.as_str()))
            else {
                // Refused: nothing is written, so the reads are written on their own.
                svc.store.record_reads(&found.reads).await?;
                return Err(ServiceError::FactsIncomplete(found.derived.missing));
            };
            let decision = evaluate(&facts, &svc.params);
            if !decision.eligible {
                svc.store.record_reads(&found.reads).await?;
                return Err(ServiceError::NotEligible(decision.reasons));
            }
            keep_derivation(&mut claim, &found);
            reads = found.reads;
            if upload.is_some() {
                claim.certificate_no = upload;
            }
            let today = actor.today();
            let due = payment_due(&case.state, &svc.calendar, today)?;
            record_decision(&mut claim, decision, Some(&facts), &svc.params, today, due);
            claim.reject_note = note;
        }
        Review::Reject { reason, note } => {
            claim.reject_code = Some(reason.code().into());
            claim.reject_note = note;
        }
    }
    claim.status = next;
    claim.reviewed_at = Some(actor.at);
    claim.reviewed_by = Some(actor.username.clone());
    let approved = next == ClaimStatus::Approved;
    let detail = decided_detail(&claim, approved);
    let (name, body) = decided_texts(&claim);
    let mut writes = vec![step(name, detail.clone(), ActorRole::Handler)];
    writes.extend(decision_moves(
        &case.state,
        &claim,
        approved,
        ActorRole::Handler,
    ));
    let write = ClaimWrite {
        by: acting(actor),
        idempotency_key: actor.key_for(&format!("{}:review", claim.id)),
        case: writes,
        notifications: texts::to_both(&claim.employer_uscc, &claim.person_id, id.as_str(), &body),
        audit: Some((format!("claim_{name}"), detail)),
        attachment: None,
        payable: payable_of(&claim, &actor.username, actor.at),
        reads,
    };
    Ok(svc
        .store
        .update_claim_on(&claim, &case, &write, &svc.calendar)
        .await?)
}

/// Refuses a reviewer who opened or submitted the claim (contract: 403 `FOUR_EYES`).
async fn four_eyes(svc: &Services, actor: &Actor, claim: &Claim) -> Result<(), ServiceError> {
    if claim.created_by == actor.username {
        return Err(ServiceError::FourEyes);
    }
    let steps = svc.store.claim_steps(&claim.id).await?;
    let submitted_by_reviewer = steps
        .iter()
        .any(|s| s.step == "submitted" && s.by == actor.username);
    if submitted_by_reviewer {
        return Err(ServiceError::FourEyes);
    }
    Ok(())
}

/// The step name and the notification of a decided claim.
fn decided_texts(claim: &Claim) -> (&'static str, String) {
    match claim.status {
        ClaimStatus::Approved => (
            "approved",
            texts::approved(&claim.id, claim.amount_fen.unwrap_or(0)),
        ),
        _ => (
            "rejected",
            texts::rejected(&claim.id, rejection_reason(claim)),
        ),
    }
}

fn invalid(claim: &Claim, action: &'static str) -> ServiceError {
    ServiceError::InvalidState {
        from: claim.status,
        action,
    }
}

pub(super) fn with_claim(mut facts: MaternityFacts, id: &str) -> MaternityFacts {
    facts.case_id = id.to_owned();
    facts
}

/// The rules' input for a submission: the last derivation's while nothing it read has
/// changed (one query on the records' versions: no record read, nothing audited), else the
/// facts derived again — kept on the claim, their reads handed back to be written with the
/// submission.
async fn submission_facts(
    svc: &Services,
    claim: &mut Claim,
    actor: &str,
) -> Result<(Option<MaternityFacts>, Vec<NewAuditEntry>), ServiceError> {
    if svc.store.derivation_unchanged(claim).await? {
        let input = claim.derivation.as_ref().and_then(|d| d.input.clone());
        return Ok((input, Vec::new()));
    }
    let found = rederive(svc, claim, actor, None).await?;
    keep_derivation(claim, &found);
    Ok((found.derived.maternity, found.reads))
}

/// The claim's facts derived again from the current shared data, for its case; the reads
/// are not written yet (the caller writes them with its change).
pub(super) async fn rederive(
    svc: &Services,
    claim: &Claim,
    actor: &str,
    uploaded_certificate_no: Option<&str>,
) -> Result<ClaimDerivation, ServiceError> {
    let claimant = CitizenId::parse(&claim.person_id)
        .map_err(|e| StoreError::Corrupt(format!("claim person: {e}")))?;
    let employer = Uscc::parse(&claim.employer_uscc)
        .map_err(|e| StoreError::Corrupt(format!("claim employer: {e}")))?;
    let data_use = DataUse {
        actor: actor.into(),
        case_id: Some(claim.case_id.clone()),
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
            .unwrap_or_else(|| onething_domain::china_time::date_in_china(claim.created_at)),
    };
    Ok(svc
        .store
        .derive_claim_unwritten(&data_use, &subject)
        .await?)
}

/// What approval would decide now, for the clerk's review page: the facts derived again
/// from the current shared data (each read audited for the claim's case) and the rules
/// evaluated on them. `None` while data is missing.
pub async fn preview(
    svc: &Services,
    actor: &Actor,
    claim: &Claim,
) -> Result<Option<onething_domain::rules::MaternityDecision>, ServiceError> {
    actor.authorize(UseCase::ReviewClaim)?;
    let uploaded = claim
        .needs_review
        .then_some(claim.certificate_no.as_deref())
        .flatten();
    let found = rederive(svc, claim, &actor.username, uploaded).await?;
    svc.store.record_reads(&found.reads).await?;
    Ok(found
        .derived
        .maternity
        .map(|facts| evaluate(&with_claim(facts, &claim.id), &svc.params)))
}

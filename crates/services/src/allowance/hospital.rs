//! The allowance claimed at a hospital's window (seed 002 三(二), RB-4): after the
//! hospital reimbursed the delivery, its clerk fills the 申报表 with the patient — the
//! employer (`employer_uscc`) and the birth order (`birth_order`) — and the claim goes to
//! the bureau's review like any other, channel `hospital`.

use onething_domain::access::Scope;
use onething_domain::hospital::CostEvent;
use onething_domain::ids::ClaimId;
use onething_domain::{CitizenId, Sex, Uscc};
use onething_store::allowance::claims::{Authorisation, Channel, HospitalLink};
use onething_store::shared_data::DataUse;

use super::commands::OpenClaim;
use crate::{Actor, Invalid, InvalidKind, ServiceError, Services};

/// The employer and channel of a hospital clerk's claim: `employer_uscc` and `birth_order`
/// are required (附件2), no authorisation (the patient is at the counter).
pub(super) fn filer(
    cmd: &OpenClaim,
) -> Result<(Uscc, Channel, Option<Authorisation>), ServiceError> {
    let uscc = cmd.employer.clone().ok_or_else(|| {
        Invalid::missing(
            "employer_uscc",
            "医院窗口申报须填写 employer_uscc（职工所在单位统一社会信用代码，附件2 单位信息）",
        )
    })?;
    if cmd.birth_order.is_none() {
        return Err(Invalid::missing(
            "birth_order",
            "医院窗口申报须填写胎次（birth_order，附件2）",
        )
        .into());
    }
    Ok((uscc, Channel::Hospital, None))
}

/// The hospital link of a hospital clerk's claim; the claim comes after the window
/// reimbursed the person's costs (三(二)1), else 422 `NOT_REIMBURSED_HERE`.
pub(super) async fn link(
    svc: &Services,
    actor: &Actor,
    cmd: &OpenClaim,
    person: &CitizenId,
) -> Result<Option<HospitalLink>, ServiceError> {
    let Scope::Hospital { id, .. } = &actor.scope else {
        return Ok(None);
    };
    if !reimbursed_here(svc, actor, id, person).await? {
        return Err(Invalid::new(
            "NOT_REIMBURSED_HERE",
            "person_id",
            "本院窗口尚未为该参保人报销生育医疗费用：生育津贴在本院报销分娩或计划生育手术费用后申报",
        )
        .with_kind(InvalidKind::Unprocessable)
        .into());
    }
    Ok(Some(HospitalLink {
        hospital_id: id.clone(),
        birth_order: cmd.birth_order.unwrap_or(1),
    }))
}

/// Her delivery (or operation) reimbursed at this hospital, a complication stay not
/// counting; for a father's paternity allowance (RB-5,
/// 附件3 五(四)3), his wife's (found through the civil-affairs marriage record, read
/// audited).
async fn reimbursed_here(
    svc: &Services,
    actor: &Actor,
    hospital: &str,
    person: &CitizenId,
) -> Result<bool, ServiceError> {
    if svc
        .store
        .reimbursed_at(hospital, person.as_str(), CostEvent::Complication.kind())
        .await?
    {
        return Ok(true);
    }
    if person.sex() != Sex::Male {
        return Ok(false);
    }
    let data_use = DataUse {
        actor: actor.username.clone(),
        case_id: None,
        purpose: "maternity_allowance_hospital_claim".into(),
    };
    let marriages = svc.store.marriages_of(&data_use, person.as_str()).await?;
    for m in &marriages {
        let c = &m.content;
        let his = c["husband_id"].as_str() == Some(person.as_str()) && c["status"] == "married";
        if let (true, Some(wife)) = (his, c["wife_id"].as_str())
            && svc
                .store
                .reimbursed_at(hospital, wife, CostEvent::Complication.kind())
                .await?
        {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The two documents the hospital uploads with a claim (seed 002 三(二)2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HospitalDocument {
    /// 《职工生育津贴“一事联办”申报表》, signed (附件2).
    DeclarationForm,
    /// 出院记录 (出院小结).
    DischargeRecord,
}

impl HospitalDocument {
    pub fn parse(text: &str) -> Option<HospitalDocument> {
        match text {
            "declaration_form" => Some(Self::DeclarationForm),
            "discharge_record" => Some(Self::DischargeRecord),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::DeclarationForm => "declaration_form",
            Self::DischargeRecord => "discharge_record",
        }
    }
}

/// The hospital window uploads the scanned 申报表 or 出院记录 of its own claim; the claim
/// then goes to the bureau's review queue when submitted (a person checks the scans).
pub async fn attach_hospital_document(
    svc: &Services,
    actor: &Actor,
    id: &ClaimId,
    kind: HospitalDocument,
    file: super::commands::Photo,
) -> Result<onething_store::allowance::claims::AttachmentMeta, ServiceError> {
    if actor.scope.hospital().is_none() {
        return Err(onething_domain::access::AccessDenied::Forbidden.into());
    }
    let step = match kind {
        HospitalDocument::DeclarationForm => "declaration_form_uploaded",
        HospitalDocument::DischargeRecord => "discharge_record_uploaded",
    };
    super::steps::attach(svc, actor, id, file, (kind.as_str(), step)).await
}

/// Where the region's parameters in force on the event date say so
/// (`family_planning_review` in `[[reimbursement.periods]]`), a claim waits for the health
/// department's family-planning review (seed 002 四 卫健局 “负责生育保险待遇计划生育情况审核”:
/// the benefit's review, whichever channel the claim came by).
pub(super) fn review_required(
    svc: &Services,
    region: onething_domain::RegionCode,
    event_date: chrono::NaiveDate,
) -> bool {
    svc.params
        .reimbursement()
        .lookup(region, event_date)
        .is_ok_and(|(_, period)| period.family_planning_review)
}

/// The claim has a review the health department has not confirmed (pending, or denied:
/// then the bureau rejects, a person's decision, never smart review's approval).
pub(super) async fn review_unconfirmed(
    svc: &Services,
    claim_id: &str,
) -> Result<bool, ServiceError> {
    let review = svc.store.family_planning_review(claim_id).await?;
    Ok(review.is_some_and(|r| r.status != "confirmed"))
}

/// The bureau approves only after the health department confirmed (409 `INVALID_STATE`
/// otherwise, saying which); a denial leaves rejection as the bureau's decision.
pub(super) async fn review_allows_approval(
    svc: &Services,
    claim_id: &str,
) -> Result<(), ServiceError> {
    match svc.store.family_planning_review(claim_id).await? {
        None => Ok(()),
        Some(r) if r.status == "confirmed" => Ok(()),
        Some(r) if r.status == "pending" => Err(ServiceError::NotNow(
            "卫健部门尚未审核该申领的计划生育情况，审核确认后方可核准".into(),
        )),
        Some(_) => Err(ServiceError::NotNow(
            "卫健部门审核计划生育情况未通过，不能核准，请作不予支付处理".into(),
        )),
    }
}

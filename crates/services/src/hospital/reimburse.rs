//! The maternity medical costs settled at the window (RB-3): for the hospital's own patient,
//! insured herself or a filed spouse, the lines by the region's dated parameters; the
//! fund's share a payable to the hospital, settled with every other payable.

use chrono::NaiveDate;
use onething_domain::access::UseCase;
use onething_domain::allowance::settlement::PayeeKind;
use onething_domain::department::HospitalLevel;
use onething_domain::hospital::{CostEvent, compute};
use onething_domain::ids::ReimbursementId;
use onething_domain::rules::params::LookupError;
use onething_domain::{CitizenId, Fen};
use onething_store::hospital::{Reimbursement, ReimbursementError, SERVICE, StoredLine};
use onething_store::payables::{Account, NewPayable};
use onething_store::shared_data::DataUse;
use onething_store::shared_records::SharedRecord;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::cases::reimbursement_case;
use super::{own_hospital, reaches};
use crate::input::{citizen_id, optional_text};
use crate::{Actor, Invalid, InvalidKind, ServiceError, Services};

/// `POST /api/v1/hospital/reimbursements` (contract body).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReimbursementInput {
    pub person_id: Option<String>,
    pub delivery_record_id: Option<String>,
}

/// The validated command.
#[derive(Debug, Clone)]
pub struct Reimburse {
    pub person: CitizenId,
    pub delivery_record_id: String,
}

impl TryFrom<ReimbursementInput> for Reimburse {
    type Error = Invalid;

    fn try_from(input: ReimbursementInput) -> Result<Self, Invalid> {
        let person = match optional_text(input.person_id.as_deref()) {
            Some(t) => citizen_id(&t, "person_id")?,
            None => {
                return Err(Invalid::missing(
                    "person_id",
                    "参保人身份证号码（person_id）不能为空",
                ));
            }
        };
        let delivery_record_id = optional_text(input.delivery_record_id.as_deref())
            .filter(|t| t.chars().count() <= 64)
            .ok_or_else(|| {
                Invalid::missing(
                    "delivery_record_id",
                    "分娩结算记录号（delivery_record_id）不能为空，不超过64个字符",
                )
            })?;
        Ok(Reimburse {
            person,
            delivery_record_id,
        })
    }
}

/// The reimbursement as the contract shows it (`id`, `fund_pays_fen`, `person_pays_fen`,
/// `lines`, `explanation`; the rest are additions).
#[derive(Debug, Clone, Serialize)]
pub struct ReimbursementView {
    pub id: String,
    pub fund_pays_fen: i64,
    pub person_pays_fen: i64,
    pub lines: Vec<StoredLine>,
    pub explanation: String,
    /// `insured` or `filed_spouse`.
    pub coverage: String,
    pub filing_id: Option<String>,
    pub person_id_masked: String,
    pub delivery_record_id: String,
    pub event_type: String,
    pub event_date: NaiveDate,
    pub total_cost_fen: i64,
    pub hospital_id: String,
    pub payable_id: String,
    /// The case it opened (every application is a case).
    pub case_id: Option<String>,
}

impl ReimbursementView {
    pub fn of(r: &Reimbursement) -> ReimbursementView {
        ReimbursementView {
            id: r.id.clone(),
            fund_pays_fen: r.fund_pays_fen,
            person_pays_fen: r.person_pays_fen,
            lines: r.lines.clone(),
            explanation: r.explanation.clone(),
            coverage: r.coverage.clone(),
            filing_id: r.filing_id.clone(),
            person_id_masked: onething_domain::access::mask_id_text(&r.person_id),
            delivery_record_id: r.delivery_record_id.clone(),
            event_type: r.event_type.clone(),
            event_date: r.event_date,
            total_cost_fen: r.total_cost_fen,
            hospital_id: r.hospital_id.clone(),
            payable_id: r.payable_id.clone(),
            case_id: r.case_id.clone(),
        }
    }
}

fn unprocessable(code: &'static str, field: &str, message: impl Into<String>) -> ServiceError {
    Invalid::new(code, field, message)
        .with_kind(InvalidKind::Unprocessable)
        .into()
}

/// Settles the delivery's maternity costs at the window.
pub async fn reimburse(
    svc: &Services,
    actor: &Actor,
    cmd: Reimburse,
) -> Result<ReimbursementView, ServiceError> {
    actor.authorize(UseCase::ReimburseAtWindow)?;
    let (hospital_id, region) = own_hospital(&actor.scope)?;
    let id = Uuid::new_v4().to_string();
    let data_use = DataUse {
        actor: actor.username.clone(),
        case_id: None,
        purpose: format!("reimbursement {id}"),
    };
    let record = delivery(svc, &data_use, &cmd, hospital_id).await?;
    let c = &record.content;
    let event = CostEvent::of(
        c["event_type"].as_str().unwrap_or_default(),
        c["procedure"].as_str(),
    )
    .ok_or_else(|| {
        unprocessable(
            "NOT_COVERED",
            "delivery_record_id",
            "该结算记录不是生育保险支付的分娩、流产、引产或计划生育手术（计划生育手术须注明术式）",
        )
    })?;
    let event_date = record.event_date.unwrap_or_else(|| actor.today());
    let (coverage, filing_id) = coverage(svc, &data_use, &cmd.person, event_date).await?;
    let (entry, period) = svc
        .params
        .reimbursement()
        .lookup(region, event_date)
        .map_err(|e| no_rules(e, region, event_date))?;
    let level = hospital_level(svc, hospital_id).await?;
    let bill = Fen::new(c["total_cost_fen"].as_i64().unwrap_or(0));
    let computed = compute(event, bill, entry, period, level).ok_or_else(|| {
        unprocessable(
            "NO_RULES_FOR_LEVEL",
            "delivery_record_id",
            format!(
                "参数文件中{}自{}起的生育医疗费用支付标准没有{}医院的标准，不予估算：请医保局按公布的标准补充参数",
                entry.name,
                period.effective_from,
                level.label_zh()
            ),
        )
    })?;
    let account = svc
        .store
        .hospital_account(hospital_id)
        .await?
        .ok_or_else(|| {
            unprocessable(
                "HOSPITAL_ACCOUNT_REQUIRED",
                "bank_account",
                "本院尚未登记医保结算对公账户，基金应付款无法结算：请先在“本院结算账户”中登记",
            )
        })?;
    let request_key = actor.key_for("reimbursement");
    let detail = serde_json::json!({
        "reimbursement_id": id,
        "hospital_id": hospital_id,
        "event_type": event.kind(),
        "fund_pays_fen": computed.fund_pays_fen,
        "person_pays_fen": computed.person_pays_fen,
    });
    let window_case = reimbursement_case(actor, &cmd.person, region, event, detail, &request_key);
    let r = Reimbursement {
        id: id.clone(),
        request_key,
        hospital_id: hospital_id.to_owned(),
        region: region.to_string(),
        person_id: cmd.person.as_str().to_owned(),
        delivery_record_id: cmd.delivery_record_id.clone(),
        event_type: event.kind().to_owned(),
        event_date,
        coverage: coverage.to_owned(),
        filing_id,
        // The hospital's bill (the prenatal quota is a line of its own, not on the bill).
        total_cost_fen: bill.as_i64(),
        fund_pays_fen: computed.fund_pays_fen,
        person_pays_fen: computed.person_pays_fen,
        lines: computed.lines.iter().map(StoredLine::from).collect(),
        explanation: computed.explanation,
        payable_id: format!("reimbursement-{id}"),
        case_id: window_case.id().map(str::to_owned),
        created_by: actor.username.clone(),
        created_at: actor.at,
    };
    let due = item_due(svc, event.item(), actor.today()).await?;
    let payable = payable(actor, &r, event, account, due);
    match svc
        .store
        .record_reimbursement(&r, &payable, actor.role, &window_case, &svc.calendar)
        .await
    {
        Ok(saved) => Ok(ReimbursementView::of(&saved)),
        Err(ReimbursementError::Exists { existing }) => {
            Err(ServiceError::ReimbursementExists { existing })
        }
        Err(ReimbursementError::Store(e)) => Err(e.into()),
    }
}

/// The grade of the clerk's hospital (the standards depend on it); 422
/// `HOSPITAL_LEVEL_REQUIRED` while it is not registered.
async fn hospital_level(svc: &Services, hospital_id: &str) -> Result<HospitalLevel, ServiceError> {
    svc.store
        .department(hospital_id)
        .await?
        .and_then(|d| d.hospital_level)
        .ok_or_else(|| {
            unprocessable(
                "HOSPITAL_LEVEL_REQUIRED",
                "hospital_level",
                "本院的医院等级（一级/二级/三级）尚未登记，无法确定适用的支付标准：请平台管理员登记（onething dept set-level）",
            )
        })
}

/// The person's record with this id, at this hospital (404 otherwise: another hospital's
/// patient is not this window's business).
async fn delivery(
    svc: &Services,
    data_use: &DataUse,
    cmd: &Reimburse,
    hospital_id: &str,
) -> Result<SharedRecord, ServiceError> {
    let records = svc
        .store
        .delivery_records_of(data_use, cmd.person.as_str())
        .await?;
    records
        .into_iter()
        .find(|r| {
            r.key == cmd.delivery_record_id
                && r.content["institution_code"].as_str() == Some(hospital_id)
        })
        .ok_or_else(ServiceError::not_found)
}

/// Insured herself (employee scheme, normal on the event date), else a filed spouse; else
/// 422 `NOT_COVERED` (RB-1).
async fn coverage(
    svc: &Services,
    data_use: &DataUse,
    person: &CitizenId,
    on: NaiveDate,
) -> Result<(&'static str, Option<String>), ServiceError> {
    let enrollment = svc
        .store
        .insurance_enrollment_on(data_use, person.as_str(), on)
        .await?;
    let insured = enrollment
        .as_ref()
        .is_some_and(|r| r.content["scheme"] == "employee" && r.content["status"] == "normal");
    if insured {
        return Ok(("insured", None));
    }
    match svc.store.filing_of_wife(person.as_str()).await? {
        Some(filing) => Ok(("filed_spouse", Some(filing.id))),
        None => Err(unprocessable(
            "NOT_COVERED",
            "person_id",
            "该人员既未参加职工医保（或参保状态不正常），也未作为参保男职工未就业配偶备案：请先办理备案登记",
        )),
    }
}

fn no_rules(e: LookupError, region: onething_domain::RegionCode, on: NaiveDate) -> ServiceError {
    let (code, message) = match e {
        LookupError::UnknownRegion => (
            "NO_REIMBURSEMENT_RULES",
            format!(
                "参数文件没有地区 {region}（或其所属市、省）的生育医疗费用支付标准，不予估算：请医保局按公布的标准补充参数"
            ),
        ),
        LookupError::NoRulesForDate => (
            "NO_RULES_FOR_DATE",
            format!("参数文件没有地区 {region} 在 {on} 有效的生育医疗费用支付标准"),
        ),
    };
    unprocessable(code, "delivery_record_id", message)
}

/// What the fund owes the hospital: payee kind `hospital`, its corporate account (checked
/// by a unit account's rules), frozen now; settled in the next settlement like any payable.
/// When the fund must have paid: the paying item's limit in the catalogue in force (PS-07:
/// 15 working days, seed 003), provisional past a year without a notice; none where the
/// catalogue gives the item no limit (PS-06: the seeds state none).
async fn item_due(
    svc: &Services,
    item: &str,
    owed_on: chrono::NaiveDate,
) -> Result<Option<onething_domain::calendar::Dated>, ServiceError> {
    let catalog = svc.store.current_catalog().await?;
    let Some(limit) = catalog
        .catalog
        .item(item)
        .and_then(|i| i.limit_working_days)
    else {
        return Ok(None);
    };
    Ok(Some(
        svc.calendar.add_working_days_provisional(owed_on, limit)?,
    ))
}

fn payable(
    actor: &Actor,
    r: &Reimbursement,
    event: CostEvent,
    account: Account,
    due: Option<onething_domain::calendar::Dated>,
) -> NewPayable {
    NewPayable {
        service: SERVICE.into(),
        subject_type: "reimbursement".into(),
        subject_id: r.id.clone(),
        case_id: r.case_id.clone(),
        case_item: Some(event.item().to_owned()),
        payee: Some(PayeeKind::Hospital),
        account: Some(account),
        amount: Fen::new(r.fund_pays_fen),
        owed_on: actor.today(),
        due_on: due.map(|d| d.date),
        due_on_provisional: due.is_some_and(|d| d.provisional),
        region: r.region.clone(),
        created_by: actor.username.clone(),
        at: actor.at,
    }
}

/// One reimbursement, if the actor's scope reaches it.
pub async fn reimbursement(
    svc: &Services,
    actor: &Actor,
    id: &ReimbursementId,
) -> Result<ReimbursementView, ServiceError> {
    actor.authorize(UseCase::ViewReimbursements)?;
    let r = svc
        .store
        .reimbursement(id.as_str())
        .await?
        .filter(|r| reaches(&actor.scope, &r.hospital_id, &r.region))
        .ok_or_else(ServiceError::not_found)?;
    Ok(ReimbursementView::of(&r))
}

/// The hospital clerk's own hospital's reimbursements, newest first.
pub async fn reimbursements(
    svc: &Services,
    actor: &Actor,
) -> Result<Vec<ReimbursementView>, ServiceError> {
    actor.authorize(UseCase::ViewReimbursements)?;
    let Some(hospital) = actor.scope.hospital() else {
        return Ok(Vec::new());
    };
    let list = svc.store.reimbursements_of_hospital(hospital, 200).await?;
    Ok(list.iter().map(ReimbursementView::of).collect())
}

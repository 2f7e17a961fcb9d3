//! The spouse filing (备案登记, RB-2): the window checks civil-affairs, HR and enrollment
//! data (each read audited for the filing) and files at once, or says every reason or
//! every missing record.

use onething_domain::access::UseCase;
use onething_domain::hospital::{
    EmploymentFact, FilingStatus, InsuranceFact, MarriageFact, MarriageRecord, SpouseFacts,
    decide_filing,
};
use onething_domain::ids::FilingId;
use onething_store::StoreError;
use onething_store::hospital::{NewFiling, SpouseFiling};
use onething_store::shared_data::DataUse;
use onething_store::shared_records::SharedRecord;
use serde_json::{Value, json};
use uuid::Uuid;

use super::cases::filing_case;
use super::commands::FileSpouse;
use super::view::FilingView;
use super::{own_hospital, reaches};
use crate::{Actor, ServiceError, Services};

/// Files the spouse (or refuses, or lists what is missing), as the contract's 201 body.
pub async fn file_spouse(
    svc: &Services,
    actor: &Actor,
    cmd: FileSpouse,
) -> Result<FilingView, ServiceError> {
    actor.authorize(UseCase::FileSpouse)?;
    let (hospital_id, region) = own_hospital(&actor.scope)?;
    let id = Uuid::new_v4().to_string();
    let data_use = DataUse {
        actor: actor.username.clone(),
        case_id: None,
        purpose: format!("spouse_filing {id}"),
    };
    let read = read_facts(svc, &data_use, &cmd, actor.today()).await?;
    let decision = decide_filing(&read.facts);
    let marriage_certificate_no = match &read.facts.marriage {
        MarriageFact::Married { certificate_no } => Some(certificate_no.clone()),
        _ => None,
    };
    let request_key = actor.key_for("spouse_filing");
    let window_case = filing_case(
        actor,
        &cmd.wife,
        region,
        &id,
        &decision,
        marriage_certificate_no.clone(),
        &request_key,
    );
    let filing = SpouseFiling {
        id,
        request_key,
        hospital_id: hospital_id.to_owned(),
        region: region.to_string(),
        husband_id: cmd.husband.as_str().to_owned(),
        wife_id: cmd.wife.as_str().to_owned(),
        status: decision.status,
        reasons: NewFiling::reasons(&decision.reasons),
        missing: NewFiling::missing(&decision.missing),
        marriage_certificate_no,
        form: form(&cmd, &read, decision.status),
        case_id: window_case.id().map(str::to_owned),
        filed_by: actor.username.clone(),
        created_at: actor.at,
    };
    let saved = svc
        .store
        .record_spouse_filing(
            &NewFiling {
                filing,
                role: actor.role,
            },
            &window_case,
            &svc.calendar,
        )
        .await?;
    Ok(FilingView::of(&saved))
}

/// One filing, if the actor's scope reaches it (404 otherwise).
pub async fn spouse_filing(
    svc: &Services,
    actor: &Actor,
    id: &FilingId,
) -> Result<FilingView, ServiceError> {
    actor.authorize(UseCase::ViewSpouseFilings)?;
    let filing = match svc.store.spouse_filing(id.as_str()).await {
        Ok(f) => f,
        Err(StoreError::NotFound { .. }) => return Err(ServiceError::not_found()),
        Err(e) => return Err(e.into()),
    };
    if !reaches(&actor.scope, &filing.hospital_id, &filing.region) {
        return Err(ServiceError::not_found());
    }
    Ok(FilingView::of(&filing))
}

/// The hospital clerk's own hospital's filings, newest first.
pub async fn spouse_filings(
    svc: &Services,
    actor: &Actor,
) -> Result<Vec<FilingView>, ServiceError> {
    actor.authorize(UseCase::ViewSpouseFilings)?;
    let Some(hospital) = actor.scope.hospital() else {
        return Ok(Vec::new());
    };
    let list = svc.store.spouse_filings_of_hospital(hospital, 200).await?;
    Ok(list.iter().map(FilingView::of).collect())
}

/// The facts and what the form shows, from shared data.
pub(crate) struct Read {
    pub facts: SpouseFacts,
    pub wife_name: Option<String>,
    pub husband_name: Option<String>,
    pub wife_employer: Option<String>,
    pub husband_employer: Option<String>,
}

async fn read_facts(
    svc: &Services,
    data_use: &DataUse,
    cmd: &FileSpouse,
    today: chrono::NaiveDate,
) -> Result<Read, ServiceError> {
    let store = &svc.store;
    let mut marriages = store.marriages_of(data_use, cmd.wife.as_str()).await?;
    for r in store.marriages_of(data_use, cmd.husband.as_str()).await? {
        if !marriages.iter().any(|m| m.key == r.key) {
            marriages.push(r);
        }
    }
    let records: Vec<MarriageRecord> = marriages.iter().map(marriage_record).collect();
    let employment = store
        .employment_status_on(data_use, cmd.wife.as_str(), today)
        .await?;
    let enrollment = store
        .insurance_enrollment_on(data_use, cmd.husband.as_str(), today)
        .await?;
    let text = |r: &Option<SharedRecord>, key: &str| {
        r.as_ref()
            .and_then(|r| r.content[key].as_str())
            .map(str::to_owned)
    };
    let wife_house = store
        .household_registration(data_use, cmd.wife.as_str())
        .await?;
    let husband_house = store
        .household_registration(data_use, cmd.husband.as_str())
        .await?;
    Ok(Read {
        facts: SpouseFacts {
            husband: cmd.husband.clone(),
            wife: cmd.wife.clone(),
            marriage: MarriageFact::from_records(&cmd.husband, &cmd.wife, &records),
            wife_employment: EmploymentFact::from_status(text(&employment, "status").as_deref()),
            husband_insurance: InsuranceFact::from_enrollment(
                text(&enrollment, "scheme").as_deref(),
                text(&enrollment, "status").as_deref(),
            ),
        },
        wife_name: text(&wife_house, "name"),
        husband_name: text(&husband_house, "name"),
        wife_employer: text(&employment, "employer_uscc"),
        husband_employer: text(&enrollment, "employer_uscc"),
    })
}

fn marriage_record(r: &SharedRecord) -> MarriageRecord {
    let c = &r.content;
    MarriageRecord {
        certificate_no: r.key.clone(),
        husband_id: c["husband_id"].as_str().unwrap_or_default().to_owned(),
        wife_id: c["wife_id"].as_str().unwrap_or_default().to_owned(),
        married: c["status"].as_str() == Some("married"),
    }
}

/// 附件1's fields: who she is (from household registration), whether employed (HR), her
/// spouse and his employer (enrollment), and what the clerk entered.
fn form(cmd: &FileSpouse, read: &Read, status: FilingStatus) -> Value {
    let employed = match read.facts.wife_employment {
        EmploymentFact::Employed => Some(true),
        EmploymentFact::NotEmployed => Some(false),
        EmploymentFact::Unknown => None,
    };
    json!({
        "name": read.wife_name,
        "sex": "女",
        "id_masked": cmd.wife.masked(),
        "employed": employed,
        "employer": read.wife_employer,
        "phone": cmd.phone,
        "pregnant_since": cmd.pregnant_since,
        "fetuses": cmd.fetuses,
        "service": cmd.service.map(|s| s.as_str()),
        "service_label": cmd.service.map(|s| s.label_zh()),
        "spouse_name": read.husband_name,
        "spouse_id_masked": cmd.husband.masked(),
        "spouse_employer": read.husband_employer,
        "status": status.as_str(),
    })
}

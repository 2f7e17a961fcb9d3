//! The facts the acceptance rules need, derived from shared data (every read audited for
//! the application's case), and the form fields they pre-fill with their sources (NB-4).

use chrono::{Months, NaiveDate};
use onething_domain::newborn::{
    BirthFacts, HouseholdFacts, MarriageFacts, MissingMaterial, NewbornFacts,
};
use onething_domain::{CitizenId, RegionCode};
use onething_store::newborn::Prefilled;
use onething_store::shared_data::DataUse;
use onething_store::shared_records::SharedRecord;
use serde_json::Value;

use crate::{ServiceError, Services};

/// Delivery types that are a birth (a miscarriage or induction is not).
const BIRTHS: [&str; 3] = ["vaginal", "cesarean", "dystocia"];

/// What shared data says about the family.
#[derive(Debug, Clone)]
pub struct Derived {
    pub facts: NewbornFacts,
    pub prefilled: Vec<Prefilled>,
    /// The pushed birth certificate's number: its item is done at acceptance.
    pub certificate_no: Option<String>,
    pub certificate: Option<Value>,
    pub mother_ethnicity: Option<String>,
    pub father_ethnicity: Option<String>,
}

/// Reads everything the rules need for `mother` and `father`.
pub async fn derive(
    svc: &Services,
    data_use: &DataUse,
    mother: &CitizenId,
    father: &CitizenId,
    certificate_no: Option<&str>,
    supplied: Vec<MissingMaterial>,
    today: NaiveDate,
) -> Result<Derived, ServiceError> {
    let mut prefilled = Vec::new();
    // A year back is enough to see a birth too old to apply for (the limit is a month).
    let from = today.checked_sub_months(Months::new(12)).unwrap_or(today);
    let certificates = svc
        .store
        .birth_certificates_of_mother(data_use, mother.as_str(), from, today)
        .await?;
    let certificate = certificates
        .iter()
        .filter(|r| certificate_no.is_none_or(|no| r.key == no))
        .max_by_key(|r| r.event_date)
        .cloned();
    let birth = match &certificate {
        Some(record) => Some(birth_from_certificate(record, &mut prefilled)),
        None => birth_from_delivery(svc, data_use, mother, &mut prefilled).await?,
    };
    let mother_house = household(svc, data_use, mother, "mother", &mut prefilled).await?;
    let father_house = household(svc, data_use, father, "father", &mut prefilled).await?;
    let marriage = marriage(svc, data_use, mother, father, &mut prefilled).await?;
    Ok(Derived {
        mother_ethnicity: mother_house.as_ref().map(|h| h.ethnicity.clone()),
        father_ethnicity: father_house.as_ref().map(|h| h.ethnicity.clone()),
        facts: NewbornFacts {
            applicant: mother.clone(),
            birth,
            mother: mother_house,
            father: father_house,
            marriage,
            supplied,
        },
        prefilled,
        certificate_no: certificate.as_ref().map(|r| r.key.clone()),
        certificate: certificate.map(|r| r.content),
    })
}

fn fill(out: &mut Vec<Prefilled>, record: &SharedRecord, field: &str, value: &Value) {
    if value.is_null() {
        return;
    }
    out.push(Prefilled {
        field: field.to_owned(),
        value: value.clone(),
        source: record.dataset.as_str().to_owned(),
        // A household record's key is the person's id: shown masked (the audit keeps it).
        record_key: match CitizenId::parse(&record.key) {
            Ok(id) => id.masked(),
            Err(_) => record.key.clone(),
        },
    });
}

fn birth_from_certificate(record: &SharedRecord, out: &mut Vec<Prefilled>) -> BirthFacts {
    let c = &record.content;
    for (field, key) in [
        ("child.name", "child_name"),
        ("child.sex", "child_sex"),
        ("child.birth_time", "birth_time"),
        ("child.gestational_weeks", "gestational_weeks"),
        ("child.weight_g", "weight_g"),
        ("child.length_cm", "length_cm"),
        ("child.birth_region", "birth_region"),
        ("child.institution_name", "institution_name"),
        ("birth_certificate_no", "certificate_no"),
        ("mother.name", "mother_name"),
        ("father.name", "father_name"),
    ] {
        fill(out, record, field, &c[key]);
    }
    BirthFacts {
        born_on: record.event_date.unwrap_or_default(),
        region: c["birth_region"]
            .as_str()
            .and_then(|r| RegionCode::parse(r).ok()),
        mother_id: c["mother_id"].as_str().unwrap_or_default().to_owned(),
    }
}

async fn birth_from_delivery(
    svc: &Services,
    data_use: &DataUse,
    mother: &CitizenId,
    out: &mut Vec<Prefilled>,
) -> Result<Option<BirthFacts>, ServiceError> {
    let records = svc
        .store
        .delivery_records_of(data_use, mother.as_str())
        .await?;
    let latest = records
        .iter()
        .filter(|r| {
            r.content["event_type"]
                .as_str()
                .is_some_and(|t| BIRTHS.contains(&t))
        })
        .max_by_key(|r| r.event_date);
    let Some(record) = latest else {
        return Ok(None);
    };
    fill(
        out,
        record,
        "child.birth_date",
        &record.content["event_date"],
    );
    fill(out, record, "delivery.type", &record.content["event_type"]);
    fill(out, record, "delivery.babies", &record.content["babies"]);
    Ok(record.event_date.map(|born_on| BirthFacts {
        born_on,
        region: None,
        mother_id: mother.as_str().to_owned(),
    }))
}

async fn household(
    svc: &Services,
    data_use: &DataUse,
    person: &CitizenId,
    who: &str,
    out: &mut Vec<Prefilled>,
) -> Result<Option<HouseholdFacts>, ServiceError> {
    let Some(record) = svc
        .store
        .household_registration(data_use, person.as_str())
        .await?
    else {
        return Ok(None);
    };
    let c = &record.content;
    for key in ["name", "ethnicity", "nationality", "region_code", "address"] {
        fill(out, &record, &format!("{who}.{key}"), &c[key]);
    }
    let region = c["region_code"]
        .as_str()
        .and_then(|r| RegionCode::parse(r).ok());
    Ok(region.map(|region| HouseholdFacts {
        nationality: c["nationality"].as_str().unwrap_or_default().to_owned(),
        region,
        ethnicity: c["ethnicity"].as_str().unwrap_or_default().to_owned(),
    }))
}

async fn marriage(
    svc: &Services,
    data_use: &DataUse,
    mother: &CitizenId,
    father: &CitizenId,
    out: &mut Vec<Prefilled>,
) -> Result<MarriageFacts, ServiceError> {
    let records = svc.store.marriages_of(data_use, mother.as_str()).await?;
    let couple = records
        .iter()
        .filter(|r| {
            r.content["wife_id"].as_str() == Some(mother.as_str())
                && r.content["husband_id"].as_str() == Some(father.as_str())
        })
        .max_by_key(|r| r.event_date);
    let Some(record) = couple else {
        return Ok(MarriageFacts::Unknown);
    };
    fill(
        out,
        record,
        "marriage.certificate_no",
        &record.content["certificate_no"],
    );
    fill(
        out,
        record,
        "marriage.registered_on",
        &record.content["registered_on"],
    );
    let since = record.content["registered_on"]
        .as_str()
        .and_then(|d| d.parse().ok());
    Ok(match (since, record.content["status"].as_str()) {
        (Some(since), Some("married")) => MarriageFacts::Married { since },
        (Some(since), Some("divorced")) => MarriageFacts::Divorced { since },
        _ => MarriageFacts::Unknown,
    })
}

//! The printed 附件1 (备案登记表) of a filing, from what the filing recorded, so a reprint
//! says exactly the same.

use onething_documents::FilingForm;
use onething_domain::ids::FilingId;
use serde_json::Value;

use super::filing::spouse_filing;
use crate::{Actor, ServiceError, Services};

/// The filing's form, if the actor may see the filing (404 otherwise).
pub async fn filing_form(
    svc: &Services,
    actor: &Actor,
    id: &FilingId,
) -> Result<FilingForm, ServiceError> {
    let view = spouse_filing(svc, actor, id).await?;
    let hospital = svc
        .store
        .department(&view.hospital_id)
        .await?
        .map_or_else(|| view.hospital_id.clone(), |d| d.name);
    let f = &view.form;
    let text = |key: &str| match &f[key] {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => String::new(),
    };
    let employed = match f["employed"].as_bool() {
        Some(true) => "是",
        Some(false) => "否",
        None => "未核实",
    };
    let mut details: Vec<String> = view
        .reason_messages
        .iter()
        .map(|r| r.message.to_owned())
        .collect();
    details.extend(view.missing.iter().map(|m| m.message.to_owned()));
    Ok(FilingForm {
        number: view.id.clone(),
        hospital,
        name: text("name"),
        citizen_id: view.wife_id_masked.clone(),
        employed: employed.to_owned(),
        employer: text("employer"),
        phone: text("phone"),
        marriage_certificate_no: view.marriage_certificate_no.clone().unwrap_or_default(),
        pregnant_since: text("pregnant_since"),
        fetuses: text("fetuses"),
        service: text("service_label"),
        spouse_name: text("spouse_name"),
        spouse_citizen_id: view.husband_id_masked.clone(),
        spouse_employer: text("spouse_employer"),
        result: view.status_label.to_owned(),
        details,
        filed_on: onething_domain::china_time::date_in_china(view.created_at),
        filed_by: view.filed_by.clone(),
    })
}

//! What a department receives with an item (附件2 五(三)): the application data it needs,
//! citizen ids masked for the departments whose item does not need them, and the results
//! of the items it waits for (EX-6).

use std::collections::BTreeMap;

use onething_domain::access::mask_id_text;
use onething_domain::case::CaseState;
use onething_domain::newborn::NewbornItem;
use onething_store::newborn::Application;
use serde_json::{Value, json};

/// Results recorded so far, by item: `{"certificate_ref", "data"}`.
pub type Results = BTreeMap<String, Value>;

/// `value` with every citizen id in it masked (a certificate's `mother_id`, say).
pub fn mask_ids(value: &Value) -> Value {
    match value {
        Value::String(text) => match onething_domain::CitizenId::parse(text) {
            Ok(id) => Value::String(id.masked()),
            Err(_) => value.clone(),
        },
        Value::Array(items) => Value::Array(items.iter().map(mask_ids).collect()),
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (k.clone(), mask_ids(v))).collect())
        }
        other => other.clone(),
    }
}

/// Whether the department of `item` needs the parents' full ids to do its work.
fn needs_ids(item: NewbornItem) -> bool {
    !matches!(
        item,
        NewbornItem::Vaccination | NewbornItem::ParentingGuidance
    )
}

/// The delivery payload for `item`.
pub fn for_item(
    app: &Application,
    certificate: Option<&Value>,
    results: &Results,
    item: &str,
    state: &CaseState,
) -> Value {
    let parsed = NewbornItem::parse(item);
    let full = parsed.is_some_and(needs_ids);
    let id = |text: &str| {
        if full {
            text.to_owned()
        } else {
            mask_id_text(text)
        }
    };
    let snapshot = state.items.get(item);
    let inputs: BTreeMap<&String, &Value> = snapshot
        .map(|s| {
            s.depends_on
                .iter()
                .filter_map(|d| results.get_key_value(d))
                .collect()
        })
        .unwrap_or_default();
    let certificate = match certificate {
        Some(c) if !full => Some(mask_ids(c)),
        other => other.cloned(),
    };
    json!({
        "bundle": "newborn",
        "application_id": app.id,
        "due_on": snapshot.and_then(|s| s.due_on),
        "mother_id": id(&app.mother_id),
        "father_id": id(&app.father_id),
        "birth_certificate": certificate,
        "form": form_for(app, parsed),
        "inputs": inputs,
    })
}

/// The form's answers a department needs (the reimbursement account only for medical
/// insurance, the card's bank only for HR, the household choice for public security).
fn form_for(app: &Application, item: Option<NewbornItem>) -> Value {
    let form = &app.form;
    match item {
        Some(NewbornItem::BirthRegistration) => json!({
            "register_with": form.register_with, "ethnicity": form.ethnicity.value,
            "delivery": form.delivery}),
        Some(NewbornItem::SocialSecurityCard) => json!({"card_bank": form.card_bank}),
        Some(NewbornItem::MaternityReimbursement) => json!({"reimbursement": form.reimbursement}),
        Some(NewbornItem::ResidentEnrollment) => json!({"premium_channel": form.premium_channel}),
        Some(NewbornItem::BirthCertificate) => json!({"delivery": form.delivery}),
        _ => json!({}),
    }
}

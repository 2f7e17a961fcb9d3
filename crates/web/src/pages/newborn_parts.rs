//! What the newborn pages share: the form's answers as posted, and the case's items as rows.

use chrono::NaiveDate;
use onething_domain::Calendar;
use onething_domain::case::{CaseState, DueStatus, due_status};
use onething_domain::catalog::Catalog;
use onething_services::newborn::{
    ApplicationInput, DeliveryInput, EthnicityInput, HouseholdInput, ReimbursementInput,
};
use serde::Deserialize;

/// The form as posted (every field text; the command validates).
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct FormAnswers {
    #[serde(default)]
    pub mother_id: String,
    #[serde(default)]
    pub father_id: String,
    #[serde(default)]
    pub birth_certificate_no: String,
    #[serde(default)]
    pub register_with: String,
    #[serde(default)]
    pub ethnicity: String,
    #[serde(default)]
    pub confirmed_mother: String,
    #[serde(default)]
    pub confirmed_father: String,
    #[serde(default)]
    pub premium_channel: String,
    #[serde(default)]
    pub reimbursement_to: String,
    #[serde(default)]
    pub reimbursement_bank: String,
    #[serde(default)]
    pub reimbursement_number: String,
    #[serde(default)]
    pub card_bank: String,
    #[serde(default)]
    pub delivery_method: String,
    #[serde(default)]
    pub collector: String,
    #[serde(default)]
    pub mother_authorised: String,
    #[serde(default)]
    pub recipient: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub address: String,
}

fn some(text: &str) -> Option<String> {
    Some(text.to_owned()).filter(|t| !t.trim().is_empty())
}

impl From<&FormAnswers> for ApplicationInput {
    fn from(f: &FormAnswers) -> Self {
        let mut confirmed_by = Vec::new();
        if !f.confirmed_mother.is_empty() {
            confirmed_by.push("mother".to_owned());
        }
        if !f.confirmed_father.is_empty() {
            confirmed_by.push("father".to_owned());
        }
        ApplicationInput {
            mother_id: some(&f.mother_id),
            father_id: some(&f.father_id),
            birth_certificate_no: some(&f.birth_certificate_no),
            household: Some(HouseholdInput {
                register_with: some(&f.register_with),
            }),
            ethnicity: Some(EthnicityInput {
                value: some(&f.ethnicity),
                confirmed_by,
            }),
            premium_channel: some(&f.premium_channel),
            reimbursement: Some(ReimbursementInput {
                to: some(&f.reimbursement_to),
                bank: some(&f.reimbursement_bank),
                number: some(&f.reimbursement_number),
            }),
            card_bank: some(&f.card_bank),
            delivery: Some(DeliveryInput {
                method: some(&f.delivery_method),
                collector: some(&f.collector),
                mother_authorised: Some(!f.mother_authorised.is_empty()),
                recipient: some(&f.recipient),
                phone: some(&f.phone),
                address: some(&f.address),
            }),
        }
    }
}

/// One item of the case as the pages show it.
pub(crate) struct ItemRow {
    pub code: String,
    pub name: String,
    pub department: String,
    pub state: String,
    pub progress: String,
    pub done: bool,
    pub accepted_on: String,
    pub due_on: String,
    pub finished_on: String,
    pub overdue: bool,
    pub certificate_ref: String,
    pub reason: String,
}

pub(crate) fn item_rows(
    state: &CaseState,
    catalog: &Catalog,
    calendar: &Calendar,
    today: NaiveDate,
) -> Vec<ItemRow> {
    let order = onething_domain::newborn::ITEMS;
    let mut rows: Vec<(usize, ItemRow)> = state
        .items
        .iter()
        .map(|(code, item)| {
            let entry = catalog.item(code);
            let due = due_status(item, today, 1, calendar).ok();
            let position = order.iter().position(|i| i.code() == code).unwrap_or(99);
            let name = onething_domain::newborn::NewbornItem::parse(code)
                .map(|i| i.label_zh().to_owned())
                .or_else(|| entry.map(|e| e.name.clone()))
                .unwrap_or_else(|| code.clone());
            let row = ItemRow {
                code: code.clone(),
                name,
                department: entry.map_or("", |e| e.department.label_zh()).to_owned(),
                state: item.state.label_zh().to_owned(),
                progress: item.state.progress_zh().to_owned(),
                done: item.state.is_terminal(),
                accepted_on: super::day(item.accepted_on),
                due_on: super::day(item.due_on),
                finished_on: super::day(item.finished_on),
                overdue: matches!(due, Some(DueStatus::Overdue | DueStatus::DoneLate)),
                certificate_ref: item.certificate_ref.clone().unwrap_or_default(),
                reason: item.reason.clone().unwrap_or_default(),
            };
            (position, row)
        })
        .collect();
    rows.sort_by_key(|(position, _)| *position);
    rows.into_iter().map(|(_, row)| row).collect()
}

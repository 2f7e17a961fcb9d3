//! What the mother follows (NB-8, NB-9): the messages sent to her about the application
//! and the electronic results of the finished items.

use chrono::{DateTime, Utc};
use onething_domain::access::UseCase;
use onething_domain::case::EventBody;
use onething_domain::newborn::NewbornItem;
use onething_store::allowance::Recipient;
use serde::Serialize;
use serde_json::Value;

use super::RESULT_STEP;
use super::read::visible;
use crate::{Actor, ServiceError, Services};

/// One message to the mother.
#[derive(Debug, Clone, Serialize)]
pub struct Message {
    pub at: DateTime<Utc>,
    /// `at` in China, as people read it (`2026-09-21 10:00`).
    pub at_china: String,
    pub body: String,
}

/// One finished item's electronic result.
#[derive(Debug, Clone, Serialize)]
pub struct ResultView {
    pub item: String,
    pub name: &'static str,
    pub certificate_ref: Option<String>,
    pub data: Value,
    pub at: DateTime<Utc>,
}

/// The application's messages (newest first) and results.
#[derive(Debug, Clone, Serialize)]
pub struct Progress {
    pub messages: Vec<Message>,
    pub results: Vec<ResultView>,
}

pub async fn progress(svc: &Services, actor: &Actor, id: &str) -> Result<Progress, ServiceError> {
    actor.authorize(UseCase::ViewNewbornApplications)?;
    let app = visible(svc, actor, id).await?;
    let messages = svc
        .store
        .notifications_for(&Recipient::Person(app.mother_id.clone()), "in_site", 500)
        .await?
        .into_iter()
        .filter(|n| n.subject_type == "newborn" && n.subject_id == app.id)
        .map(|n| Message {
            at: n.created_at,
            at_china: n
                .created_at
                .with_timezone(&onething_domain::china_time::china_offset())
                .format("%Y-%m-%d %H:%M")
                .to_string(),
            body: n.body,
        })
        .collect();
    let mut results = Vec::new();
    if let Some(case_id) = &app.case_id {
        for event in svc.store.case_events(case_id).await? {
            let EventBody::Service { step, detail } = event.body else {
                continue;
            };
            let item = detail["item"].as_str().unwrap_or_default().to_owned();
            if step != RESULT_STEP {
                continue;
            }
            results.push(ResultView {
                name: NewbornItem::parse(&item).map_or("", |i| i.label_zh()),
                item,
                certificate_ref: detail["certificate_ref"].as_str().map(str::to_owned),
                // Her page shows results, not ids: any citizen id in them is masked.
                data: super::payload::mask_ids(&detail["data"]),
                at: event.at,
            });
        }
    }
    Ok(Progress { messages, results })
}

//! Near-due notices and the daily digest per department (SV-3), run by the server's
//! schedule: an open item due within `near_due_working_days` (a dated supervision
//! parameter, `data/params/supervision.toml`) tells its department's officers once (an
//! in-site message to `department:<kind>`); every day each department with open items gets
//! one message listing them — open, near due, overdue. Both are written with their marker
//! in one transaction (`Store::notify_once`), so a second run, a restart or a second server
//! sends nothing twice.

use std::collections::BTreeMap;

use chrono::{DateTime, Days, Utc};
use onething_domain::china_time::date_in_china;
use onething_store::allowance::{NewNotification, Recipient};
use onething_store::cases::DueItem;

use crate::{ServiceError, Services};

/// What a run sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DueNotices {
    /// Near-due notices sent (one per item).
    pub near_due: usize,
    /// Digests sent (one per department and day).
    pub digests: usize,
}

/// How far ahead open items are read for the digest (items due later still count as open).
const HORIZON_DAYS: u64 = 3660;

/// How many items of each kind a digest names; the counts cover all of them.
const DIGEST_LINES: usize = 20;

fn note(
    department: &str,
    subject_type: &'static str,
    subject_id: String,
    body: String,
) -> NewNotification {
    NewNotification {
        recipient: Recipient::Department(department.to_owned()),
        channel: "in_site",
        subject_type,
        subject_id,
        body,
    }
}

/// Sends the near-due notices and the day's digests at `at` (China date).
pub async fn notify_due_items(
    svc: &Services,
    at: DateTime<Utc>,
) -> Result<DueNotices, ServiceError> {
    let today = date_in_china(at);
    let rules = super::period_for(None, today)?;
    let until = super::due_after(svc, today, rules.near_due_working_days)?.date;
    let horizon = today
        .checked_add_days(Days::new(HORIZON_DAYS))
        .unwrap_or(today);
    let open = svc.store.list_due(today, horizon, None).await?;
    let catalog = svc.store.current_catalog().await?;
    let name = |code: &str| {
        catalog
            .catalog
            .item(code)
            .map(|i| i.name.clone())
            .unwrap_or_else(|| code.to_owned())
    };
    let near = |d: &DueItem| !d.overdue && d.due_on <= until;
    let mut sent = DueNotices::default();
    for d in open.iter().filter(|d| near(d)) {
        let body = format!(
            "临期提醒：办件 {} 的事项“{}”将于 {}{} 到期（{} 个工作日内），请及时办理。",
            d.case_id,
            name(&d.item),
            d.due_on,
            if d.due_on_provisional {
                "（预计）"
            } else {
                ""
            },
            rules.near_due_working_days
        );
        let key = format!("{}/{}/{}", d.case_id, d.item, d.due_on);
        let dept = d.department.as_str();
        let notes = [note(dept, "case", d.case_id.clone(), body)];
        if svc.store.notify_once("near_due", &key, at, &notes).await? {
            sent.near_due += 1;
        }
    }
    let mut by_department: BTreeMap<&str, Vec<&DueItem>> = BTreeMap::new();
    for d in &open {
        by_department
            .entry(d.department.as_str())
            .or_default()
            .push(d);
    }
    for (dept, items) in by_department {
        let overdue: Vec<&&DueItem> = items.iter().filter(|d| d.overdue).collect();
        let near_due: Vec<&&DueItem> = items.iter().filter(|d| near(d)).collect();
        let mut body = format!(
            "{today} 每日汇总：在办事项 {} 项，其中临期（{} 个工作日内到期）{} 项、超期 {} 项。",
            items.len(),
            rules.near_due_working_days,
            near_due.len(),
            overdue.len()
        );
        for (label, list) in [("超期", &overdue), ("临期", &near_due)] {
            for d in list.iter().take(DIGEST_LINES) {
                body.push_str(&format!(
                    "\n{label}：{} {}，{} 到期",
                    d.case_id,
                    name(&d.item),
                    d.due_on
                ));
            }
            if list.len() > DIGEST_LINES {
                body.push_str(&format!(
                    "\n另有{label}事项 {} 项",
                    list.len() - DIGEST_LINES
                ));
            }
        }
        let key = format!("{dept}/{today}");
        let notes = [note(dept, "department", dept.to_owned(), body)];
        if svc.store.notify_once("digest", &key, at, &notes).await? {
            sent.digests += 1;
        }
    }
    Ok(sent)
}

//! Near-due notices and the daily digest per department (SV-3), run by the server's
//! schedule: an open item due within `near_due_working_days` (a dated supervision
//! parameter, `data/params/supervision.toml`) tells its department's officers once (an
//! in-site message to `department:<kind>`); every day each department with open items gets
//! one message listing them — open, near due, overdue. Both are written with their marker
//! in one transaction (`Store::notify_once`), so a second run, a restart or a second server
//! sends nothing twice.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Days, NaiveDate, Utc};
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

/// An item's near-due window: its case region's `near_due_working_days` (the entry of the
/// region, else its city, province or the national one) and the last day it covers.
#[derive(Debug, Clone, Copy)]
struct Window {
    days: u32,
    until: NaiveDate,
}

/// Each open item's window, computed once per region.
fn near_windows(
    svc: &Services,
    today: NaiveDate,
    open: &[DueItem],
) -> Result<Vec<Window>, ServiceError> {
    let mut by_region: HashMap<Option<&str>, Window> = HashMap::new();
    let mut windows = Vec::with_capacity(open.len());
    for d in open {
        let region = d.region.as_deref();
        let window = match by_region.get(&region) {
            Some(w) => *w,
            None => {
                let days = super::period_for(region, today)?.near_due_working_days;
                let until = super::due_after(svc, today, days)?.date;
                let w = Window { days, until };
                by_region.insert(region, w);
                w
            }
        };
        windows.push(window);
    }
    Ok(windows)
}

/// "3 个工作日内到期", or, when a department's items fall under regions with different
/// windows, "按各地区规定的工作日内到期".
fn lead_words(mut days: impl Iterator<Item = u32>) -> String {
    match days.next() {
        Some(first) if days.all(|d| d == first) => format!("{first} 个工作日内到期"),
        Some(_) => "按各地区规定的工作日内到期".to_owned(),
        None => "无".to_owned(),
    }
}

/// Sends the near-due notices and the day's digests at `at` (China date), each item's
/// lead time by its case's region.
pub async fn notify_due_items(
    svc: &Services,
    at: DateTime<Utc>,
) -> Result<DueNotices, ServiceError> {
    let today = date_in_china(at);
    let horizon = today
        .checked_add_days(Days::new(HORIZON_DAYS))
        .unwrap_or(today);
    let open = svc.store.list_due(today, horizon, None).await?;
    let windows = near_windows(svc, today, &open)?;
    let catalog = svc.store.current_catalog().await?;
    let name = |code: &str| {
        catalog
            .catalog
            .item(code)
            .map(|i| i.name.clone())
            .unwrap_or_else(|| code.to_owned())
    };
    let near = |i: usize| !open[i].overdue && open[i].due_on <= windows[i].until;
    let mut sent = DueNotices::default();
    for (i, d) in open.iter().enumerate().filter(|(i, _)| near(*i)) {
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
            windows[i].days
        );
        let key = format!("{}/{}/{}", d.case_id, d.item, d.due_on);
        let dept = d.department.as_str();
        let notes = [note(dept, "case", d.case_id.clone(), body)];
        if svc.store.notify_once("near_due", &key, at, &notes).await? {
            sent.near_due += 1;
        }
    }
    let mut by_department: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, d) in open.iter().enumerate() {
        by_department
            .entry(d.department.as_str())
            .or_default()
            .push(i);
    }
    for (dept, items) in by_department {
        let overdue: Vec<&DueItem> = items
            .iter()
            .filter(|i| open[**i].overdue)
            .map(|i| &open[*i])
            .collect();
        let near_due: Vec<&DueItem> = items
            .iter()
            .filter(|i| near(**i))
            .map(|i| &open[*i])
            .collect();
        let mut body = format!(
            "{today} 每日汇总：在办事项 {} 项，其中临期（{}）{} 项、超期 {} 项。",
            items.len(),
            lead_words(items.iter().map(|i| windows[*i].days)),
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

#[cfg(test)]
mod tests {
    use super::lead_words;

    #[test]
    fn the_digest_names_one_lead_time_only_when_all_regions_share_it() {
        assert_eq!(lead_words([2, 2, 2].into_iter()), "2 个工作日内到期");
        assert_eq!(lead_words([2, 3].into_iter()), "按各地区规定的工作日内到期");
        assert_eq!(lead_words(std::iter::empty()), "无");
    }
}

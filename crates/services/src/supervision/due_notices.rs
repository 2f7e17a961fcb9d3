//! Near-due notices and the daily digest per department (SV-3), run by the server's
//! schedule: an open item due within `near_due_working_days` (a dated supervision
//! parameter, `data/params/supervision.toml`) tells its department's officers once (an
//! in-site message to `department:<kind>`); every day each department with open items gets
//! one message listing them — open, near due, overdue. Both are written with their marker
//! in one transaction (`Store::notify_once`), so a second run, a restart or a second server
//! sends nothing twice.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Days, NaiveDate, Utc};
use futures_util::TryStreamExt;
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

/// Each open item's window, computed once per region (a case without a region under "",
/// never a region's code, so the look-up of a streamed item allocates nothing).
struct Windows<'a> {
    svc: &'a Services,
    today: NaiveDate,
    by_region: HashMap<String, Window>,
}

impl<'a> Windows<'a> {
    fn new(svc: &'a Services, today: NaiveDate) -> Self {
        Windows {
            svc,
            today,
            by_region: HashMap::new(),
        }
    }

    fn of(&mut self, region: Option<&str>) -> Result<Window, ServiceError> {
        if let Some(w) = self.by_region.get(region.unwrap_or("")) {
            return Ok(*w);
        }
        let days = super::period_for(region, self.today)?.near_due_working_days;
        let until = super::due_after(self.svc, self.today, days)?.date;
        let w = Window { days, until };
        self.by_region.insert(region.unwrap_or("").to_owned(), w);
        Ok(w)
    }
}

/// The near-due windows a department's items fell under: one lead time, or several.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum Lead {
    #[default]
    None,
    One(u32),
    Mixed,
}

impl Lead {
    fn add(self, days: u32) -> Lead {
        match self {
            Lead::None => Lead::One(days),
            Lead::One(d) if d == days => self,
            _ => Lead::Mixed,
        }
    }

    /// "3 个工作日内到期", or, when a department's items fall under regions with different
    /// windows, "按各地区规定的工作日内到期".
    fn words(self) -> String {
        match self {
            Lead::One(days) => format!("{days} 个工作日内到期"),
            Lead::Mixed => "按各地区规定的工作日内到期".to_owned(),
            Lead::None => "无".to_owned(),
        }
    }
}

/// A count and the first [`DIGEST_LINES`] of its items, soonest first.
#[derive(Debug, Default)]
struct Lines {
    count: usize,
    first: Vec<String>,
}

impl Lines {
    fn add(&mut self, line: impl FnOnce() -> String) {
        self.count += 1;
        if self.first.len() < DIGEST_LINES {
            self.first.push(line());
        }
    }
}

/// One department's day, gathered item by item as the open items stream by.
#[derive(Debug, Default)]
struct Digest {
    open: usize,
    lead: Lead,
    overdue: Lines,
    near_due: Lines,
}

impl Digest {
    fn body(&self, today: NaiveDate) -> String {
        let mut body = format!(
            "{today} 每日汇总：在办事项 {} 项，其中临期（{}）{} 项、超期 {} 项。",
            self.open,
            self.lead.words(),
            self.near_due.count,
            self.overdue.count
        );
        for (label, lines) in [("超期", &self.overdue), ("临期", &self.near_due)] {
            for line in &lines.first {
                body.push_str(&format!("\n{label}：{line}"));
            }
            if lines.count > DIGEST_LINES {
                body.push_str(&format!(
                    "\n另有{label}事项 {} 项",
                    lines.count - DIGEST_LINES
                ));
            }
        }
        body
    }
}

/// Sends the near-due notices and the day's digests at `at` (China date), each item's
/// lead time by its case's region. The open items are read as a stream, so a province's
/// hundreds of thousands are never held at once.
pub async fn notify_due_items(
    svc: &Services,
    at: DateTime<Utc>,
) -> Result<DueNotices, ServiceError> {
    let today = date_in_china(at);
    let horizon = today
        .checked_add_days(Days::new(HORIZON_DAYS))
        .unwrap_or(today);
    let catalog = svc.store.current_catalog().await?;
    let name = |code: &str| {
        catalog
            .catalog
            .item(code)
            .map(|i| i.name.clone())
            .unwrap_or_else(|| code.to_owned())
    };
    let mut windows = Windows::new(svc, today);
    let mut digests: BTreeMap<&'static str, Digest> = BTreeMap::new();
    let mut sent = DueNotices::default();
    let mut open = std::pin::pin!(svc.store.due_items(today, horizon, None));
    while let Some(d) = open.try_next().await? {
        let window = windows.of(d.region.as_deref())?;
        let near = !d.overdue && d.due_on <= window.until;
        let line = || format!("{} {}，{} 到期", d.case_id, name(&d.item), d.due_on);
        let digest = digests.entry(d.department.as_str()).or_default();
        digest.open += 1;
        digest.lead = digest.lead.add(window.days);
        if d.overdue {
            digest.overdue.add(line);
        } else if near {
            digest.near_due.add(line);
        }
        if near && notify_near_due(svc, at, &d, &name(&d.item), window.days).await? {
            sent.near_due += 1;
        }
    }
    for (dept, digest) in digests {
        let key = format!("{dept}/{today}");
        let notes = [note(
            dept,
            "department",
            dept.to_owned(),
            digest.body(today),
        )];
        if svc.store.notify_once("digest", &key, at, &notes).await? {
            sent.digests += 1;
        }
    }
    Ok(sent)
}

/// The one near-due notice of an item (false when it was sent before).
async fn notify_near_due(
    svc: &Services,
    at: DateTime<Utc>,
    d: &DueItem,
    name: &str,
    days: u32,
) -> Result<bool, ServiceError> {
    let body = format!(
        "临期提醒：办件 {} 的事项“{}”将于 {}{} 到期（{} 个工作日内），请及时办理。",
        d.case_id,
        name,
        d.due_on,
        if d.due_on_provisional {
            "（预计）"
        } else {
            ""
        },
        days
    );
    let key = format!("{}/{}/{}", d.case_id, d.item, d.due_on);
    let dept = d.department.as_str();
    let notes = [note(dept, "case", d.case_id.clone(), body)];
    Ok(svc.store.notify_once("near_due", &key, at, &notes).await?)
}

#[cfg(test)]
mod tests {
    use super::{DIGEST_LINES, Digest, Lead};

    #[test]
    fn the_digest_names_one_lead_time_only_when_all_regions_share_it() {
        let lead = |days: &[u32]| days.iter().fold(Lead::None, |l, d| l.add(*d)).words();
        assert_eq!(lead(&[2, 2, 2]), "2 个工作日内到期");
        assert_eq!(lead(&[2, 3]), "按各地区规定的工作日内到期");
        assert_eq!(lead(&[2, 3, 2]), "按各地区规定的工作日内到期");
        assert_eq!(lead(&[]), "无");
    }

    #[test]
    fn a_digest_names_the_first_lines_and_counts_the_rest() {
        let mut digest = Digest {
            open: DIGEST_LINES + 3,
            lead: Lead::One(3),
            ..Digest::default()
        };
        for n in 0..DIGEST_LINES + 2 {
            digest.overdue.add(|| format!("c{n}"));
        }
        digest.near_due.add(|| "n0".to_owned());
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 4).expect("date");
        let body = digest.body(today);
        assert!(body.starts_with(&format!(
            "2026-12-04 每日汇总：在办事项 {} 项，其中临期（3 个工作日内到期）1 项、超期 {} 项。",
            DIGEST_LINES + 3,
            DIGEST_LINES + 2
        )));
        assert!(body.contains("\n超期：c0"));
        assert!(body.contains(&format!("\n超期：c{}", DIGEST_LINES - 1)));
        assert!(!body.contains(&format!("超期：c{}", DIGEST_LINES)));
        assert!(body.contains("\n另有超期事项 2 项"));
        assert!(body.ends_with("\n临期：n0"));
    }
}

//! The measures a bureau is judged by (SV-2; seed 004 二(二), 二(六)), computed from the
//! cases that ended in a period. Which cases count, and how each measure is defined, is
//! written down in docs/supervision.md; the rules in short:
//!
//! - a case counts in the period in which it ended (its last item finished), wherever it
//!   started; a case still open at the period's end counts in a later one;
//! - a withdrawn case (every item withdrawn) counts nowhere: nothing was handled;
//! - a share over no cases is `None` (shown as "—"), never 0 or 1.

use chrono::NaiveDate;
use serde::Serialize;

use crate::Calendar;
use crate::case::CaseStatus;

use super::rating::{is_bad, is_good};
use super::rectification::RectificationStatus;

/// One ended case with what the measures need of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndedCase {
    pub status: CaseStatus,
    /// The China date the case was accepted (its clock started).
    pub opened_on: NaiveDate,
    /// The date its last item finished.
    pub ended_on: NaiveDate,
    /// The case's due date (the bundle's promise, else its latest item's).
    pub due_on: Option<NaiveDate>,
    /// The statutory limit it is measured against: the bundle's promised limit, else the
    /// longest limit of its items; `None` when no source states one.
    pub limit_working_days: Option<u32>,
    /// Window visits recorded on the case (跑动次数).
    pub visits: u32,
    /// Its ratings (the case's and each item's), each with its rectification's status
    /// when the rating was bad.
    pub ratings: Vec<(i64, Option<RectificationStatus>)>,
}

/// A complaint, as the measures see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComplaintFact {
    pub filed_on: NaiveDate,
    pub answered_in_time: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RatingFigures {
    pub count: u32,
    pub good: u32,
    pub bad: u32,
    /// Bad ratings whose rectification was recorded (rectified or revisited).
    pub rectified: u32,
    pub revisited: u32,
    /// rectified / bad (target 100%); `None` without bad ratings.
    pub rectification_rate: Option<f64>,
    /// revisited / bad (target 100%).
    pub revisit_rate: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ComplaintFigures {
    pub count: u32,
    pub answered_in_time: u32,
    /// answered_in_time / count (响应率, target 100%).
    pub response_rate: Option<f64>,
}

/// The catalogue's shares (seed 004 二(六)): of the bureau's own items, not of cases.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CatalogFigures {
    pub public_service_items: u32,
    pub public_service_online: u32,
    pub public_service_online_share: Option<f64>,
    pub power_items: u32,
    pub power_online: u32,
    pub power_online_share: Option<f64>,
    /// 即办件 among the bureau's public-service and power items.
    pub instant_items: u32,
    pub instant_share: Option<f64>,
}

/// The catalogue's figures for the version in force.
pub fn catalog_figures(catalog: &crate::catalog::Catalog) -> CatalogFigures {
    use crate::catalog::ItemList;
    let of = |list: ItemList| catalog.items.iter().filter(move |i| i.list == list);
    let ps = of(ItemList::PublicService).count() as u32;
    let ps_online = of(ItemList::PublicService).filter(|i| i.online).count() as u32;
    let ap = of(ItemList::AdministrativePower).count() as u32;
    let ap_online = of(ItemList::AdministrativePower)
        .filter(|i| i.online)
        .count() as u32;
    let own = || catalog.items.iter().filter(|i| i.list != ItemList::Partner);
    let instant = own().filter(|i| i.instant).count() as u32;
    CatalogFigures {
        public_service_items: ps,
        public_service_online: ps_online,
        public_service_online_share: share(ps_online, ps),
        power_items: ap,
        power_online: ap_online,
        power_online_share: share(ap_online, ap),
        instant_items: instant,
        instant_share: share(instant, ps + ap),
    }
}

/// Ended cases by their end against their due date (an addition to the contract's fields).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Timeliness {
    pub early: u32,
    pub on_due_date: u32,
    pub overdue: u32,
    pub no_due_date: u32,
}

/// contract.md "Supervision": the measures of a period.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Measures {
    pub cases: u32,
    pub online_share: Option<f64>,
    pub instant_share: Option<f64>,
    pub avg_visits: Option<f64>,
    pub avg_time_reduction: Option<f64>,
    pub on_time_share: Option<f64>,
    pub ratings: RatingFigures,
    pub complaints: ComplaintFigures,
    pub timeliness: Timeliness,
}

fn share(part: u32, whole: u32) -> Option<f64> {
    (whole > 0).then(|| f64::from(part) / f64::from(whole))
}

/// The measures of the cases that ended in `from..=to` and the complaints filed in it.
pub fn measure(
    cases: &[EndedCase],
    complaints: &[ComplaintFact],
    from: NaiveDate,
    to: NaiveDate,
    calendar: &Calendar,
) -> Measures {
    let counted: Vec<&EndedCase> = cases
        .iter()
        .filter(|c| c.status != CaseStatus::Withdrawn && c.status != CaseStatus::Open)
        .filter(|c| (from..=to).contains(&c.ended_on))
        .collect();
    let n = u32::try_from(counted.len()).unwrap_or(u32::MAX);
    let online = counted.iter().filter(|c| c.visits == 0).count() as u32;
    let instant = counted.iter().filter(|c| c.ended_on == c.opened_on).count() as u32;
    let visits: u32 = counted.iter().map(|c| c.visits).sum();
    let mut m = Measures {
        cases: n,
        online_share: share(online, n),
        instant_share: share(instant, n),
        avg_visits: (n > 0).then(|| f64::from(visits) / f64::from(n)),
        avg_time_reduction: time_reduction(&counted, calendar),
        ..Measures::default()
    };
    m.timeliness = timeliness(&counted);
    let t = &m.timeliness;
    m.on_time_share = share(t.early + t.on_due_date, n - t.no_due_date);
    m.ratings = ratings(&counted);
    let filed: Vec<&ComplaintFact> = complaints
        .iter()
        .filter(|c| (from..=to).contains(&c.filed_on))
        .collect();
    m.complaints = ComplaintFigures {
        count: filed.len() as u32,
        answered_in_time: filed.iter().filter(|c| c.answered_in_time).count() as u32,
        response_rate: None,
    };
    m.complaints.response_rate = share(m.complaints.answered_in_time, m.complaints.count);
    m
}

/// Mean of `1 − actual / limit` in working days over the cases with a limit; a case whose
/// dates fall in a year without a published calendar is left out rather than guessed.
fn time_reduction(cases: &[&EndedCase], calendar: &Calendar) -> Option<f64> {
    let reductions: Vec<f64> = cases
        .iter()
        .filter_map(|c| {
            let limit = f64::from(c.limit_working_days.filter(|l| *l > 0)?);
            let actual = calendar
                .working_days_between(c.opened_on, c.ended_on)
                .ok()?;
            Some(1.0 - actual as f64 / limit)
        })
        .collect();
    (!reductions.is_empty()).then(|| reductions.iter().sum::<f64>() / reductions.len() as f64)
}

fn timeliness(cases: &[&EndedCase]) -> Timeliness {
    let mut t = Timeliness::default();
    for c in cases {
        match c.due_on {
            None => t.no_due_date += 1,
            Some(due) if c.ended_on < due => t.early += 1,
            Some(due) if c.ended_on == due => t.on_due_date += 1,
            Some(_) => t.overdue += 1,
        }
    }
    t
}

fn ratings(cases: &[&EndedCase]) -> RatingFigures {
    let mut r = RatingFigures::default();
    for (score, task) in cases.iter().flat_map(|c| c.ratings.iter()) {
        r.count += 1;
        r.good += u32::from(is_good(*score));
        if is_bad(*score) {
            r.bad += 1;
            r.rectified += u32::from(matches!(
                task,
                Some(RectificationStatus::Rectified | RectificationStatus::Revisited)
            ));
            r.revisited += u32::from(*task == Some(RectificationStatus::Revisited));
        }
    }
    r.rectification_rate = share(r.rectified, r.bad);
    r.revisit_rate = share(r.revisited, r.bad);
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    fn ended(status: CaseStatus, opened: &str, ended: &str, visits: u32) -> EndedCase {
        EndedCase {
            status,
            opened_on: day(opened),
            ended_on: day(ended),
            due_on: Some(day("2024-09-14")),
            limit_working_days: Some(10),
            visits,
            ratings: Vec::new(),
        }
    }

    #[test]
    fn withdrawn_open_and_outside_cases_count_nowhere_and_no_case_means_no_share() {
        let cal = Calendar::shipped();
        let (from, to) = (day("2024-09-01"), day("2024-09-30"));
        let cases = [
            ended(CaseStatus::Withdrawn, "2024-09-02", "2024-09-03", 1),
            ended(CaseStatus::Open, "2024-09-02", "2024-09-03", 0),
            ended(CaseStatus::Done, "2024-09-02", "2024-10-08", 0),
        ];
        let m = measure(&cases, &[], from, to, &cal);
        assert_eq!(m.cases, 0);
        assert_eq!(
            (m.online_share, m.avg_visits, m.on_time_share),
            (None, None, None)
        );
        assert_eq!(m.avg_time_reduction, None);
        let refused = ended(CaseStatus::Refused, "2024-09-02", "2024-09-02", 1);
        let m = measure(&[refused], &[], from, to, &cal);
        assert_eq!(
            (m.cases, m.avg_visits, m.online_share),
            (1, Some(1.0), Some(0.0))
        );
        assert_eq!(m.instant_share, Some(1.0));
    }

    #[test]
    fn bad_ratings_count_rectified_once_revisited() {
        let cal = Calendar::shipped();
        let mut c = ended(CaseStatus::Done, "2024-09-02", "2024-09-06", 0);
        c.ratings = vec![
            (1, Some(RectificationStatus::Revisited)),
            (2, Some(RectificationStatus::Open)),
            (3, None),
            (5, None),
        ];
        let m = measure(&[c], &[], day("2024-09-01"), day("2024-09-30"), &cal);
        let r = m.ratings;
        assert_eq!(
            (r.count, r.good, r.bad, r.rectified, r.revisited),
            (4, 1, 2, 1, 1)
        );
        assert_eq!(
            (r.rectification_rate, r.revisit_rate),
            (Some(0.5), Some(0.5))
        );
        assert_eq!(m.complaints.response_rate, None);
    }
}

//! The supervision demo (seed 004): maternity-allowance cases of synthetic people in 梁平区
//! that ended in each of the last six months — some fully online, some with window visits,
//! rated good and bad, one bad rating rectified and revisited — a complaint answered, and
//! one case of the demo mother ended today and not yet rated, for the dashboard, the
//! rectification page and the rating form. Everything goes through the use cases.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use onething_domain::access::{Applicant, Role, Scope};
use onething_domain::case::{Action, ActorRole};
use onething_domain::china_time::date_in_china;
use onething_domain::department::DepartmentKind;
use onething_domain::rules::MaternityParams;
use onething_domain::supervision::periods::PeriodKind;
use onething_domain::{Calendar, CitizenId, RegionCode};
use onething_services::supervision::{self as service, Note, Rate, Revisit, WindowVisit};
use onething_services::{Actor, Services};
use onething_store::Store;
use onething_store::cases::{Actor as CaseActor, NewCase};

use crate::failure::Failure;

/// Idempotency keys of the demo's case moves (one demo run per database).
static KEYS: AtomicU64 = AtomicU64::new(0);

fn fail(e: impl std::fmt::Display) -> Failure {
    Failure::environment("演示监督数据生成失败", e)
}

fn noon(day: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&day.and_hms_opt(3, 0, 0).unwrap_or_default())
}

fn actor(name: &str, role: Role, scope: Scope, day: NaiveDate) -> Actor {
    Actor {
        username: name.into(),
        role,
        scope,
        at: noon(day),
        idempotency_key: None,
    }
}

fn region(code: u32) -> Result<RegionCode, Failure> {
    RegionCode::new(code).map_err(fail)
}

/// A case of `who` accepted on `accepted` and paid on `ended`.
async fn ended_case(
    store: &Store,
    calendar: &Calendar,
    who: &CitizenId,
    accepted: NaiveDate,
    ended: NaiveDate,
) -> Result<String, Failure> {
    let by = |day| CaseActor {
        name: "demo-clerk".into(),
        role: ActorRole::System,
        idempotency_key: format!("demo-sv-{}", KEYS.fetch_add(1, Ordering::Relaxed)),
        at: noon(day),
    };
    let new = NewCase {
        bundle: "maternity_allowance".into(),
        applicant: Applicant::person_ref(who),
        region: Some("500228".into()),
        filer: None,
        id: None,
    };
    let case = store.open_case(&new, &by(accepted)).await?;
    store.accept_all(&case.id, &by(accepted), calendar).await?;
    let done = || Action::Complete {
        certificate_ref: Some("demo".into()),
    };
    for item in [
        "HEALTH-BIRTH-CERT-INFO",
        "TAX-EMPLOYER-WAGE",
        "HOSPITAL-DELIVERY-INFO",
    ] {
        for action in [Action::Start, done()] {
            store
                .change_item(&case.id, item, action, &by(accepted), calendar)
                .await?;
        }
    }
    store
        .change_item(&case.id, "PS-05", Action::Start, &by(accepted), calendar)
        .await?;
    store
        .change_item(&case.id, "PS-05", done(), &by(ended), calendar)
        .await?;
    Ok(case.id)
}

/// Seeds the supervision demo; returns a one-line summary.
pub async fn seed(
    store: &Store,
    calendar: &Calendar,
    mother: Option<&CitizenId>,
) -> Result<String, Failure> {
    let svc = Services::with_calendar(
        store.clone(),
        Arc::new(MaternityParams::shipped()),
        calendar.clone(),
    );
    let today = date_in_china(Utc::now());
    let city = Scope::Region(region(500000)?);
    let clerk = |day| actor("demo-clerk", Role::AgencyClerk, city.clone(), day);
    let mi = Scope::Department {
        id: "demo-medical-insurance".into(),
        kind: DepartmentKind::MedicalInsurance,
    };
    let mut cases = 0;
    for (m, (first, _)) in PeriodKind::Month.trailing(today, 6).into_iter().enumerate() {
        let ended = (first + Duration::days(9)).min(today);
        for j in 0..3u16 {
            let birth = NaiveDate::from_ymd_opt(1993, 3, 1 + u32::from(j)).unwrap_or(first);
            let who = CitizenId::from_parts(region(500228)?, birth, 900 + 10 * m as u16 + j)
                .map_err(fail)?;
            let accepted = ended
                - Duration::days(i64::from(2 + 3 * j)).min(Duration::days(ended.day0().into()));
            let id = ended_case(store, calendar, &who, accepted, ended).await?;
            cases += 1;
            for visit in 0..j.min(if m % 2 == 0 { 1 } else { 2 }) {
                let kind = if visit == 0 { "submission" } else { "pickup" };
                let v = WindowVisit {
                    kind,
                    priority: j == 2,
                    note: None,
                };
                service::record_visit(&svc, &clerk(accepted), &id, v)
                    .await
                    .map_err(fail)?;
            }
            let me = actor(
                "demo-person",
                Role::Person,
                Scope::Person(who.clone()),
                ended,
            );
            let score = [5, 4, if m == 2 { 2 } else { 5 }][usize::from(j)];
            let reasons = if score <= 2 {
                vec![onething_domain::supervision::RatingReason::Slow]
            } else {
                Vec::new()
            };
            let rate = Rate {
                score,
                reasons,
                comment: None,
                items: Vec::new(),
            };
            service::rate(&svc, &me, &id, rate).await.map_err(fail)?;
        }
    }
    // The bad rating: investigated and rectified by the insurance office, revisited.
    let sup = actor("demo-supervisor", Role::Supervisor, city.clone(), today);
    for task in service::rectifications(&svc, &sup, None)
        .await
        .map_err(fail)?
    {
        let officer = actor("demo-insurance", Role::DeptOfficer, mi.clone(), today);
        service::investigate(
            &svc,
            &officer,
            &task.id,
            Note("核实：结算日适逢节假日，支付顺延".into()),
        )
        .await
        .map_err(fail)?;
        service::rectify(
            &svc,
            &officer,
            &task.id,
            Note("节假日前增加一次结算".into()),
        )
        .await
        .map_err(fail)?;
        let visit = Revisit {
            outcome: onething_domain::supervision::RevisitOutcome::Satisfied,
            note: "电话回访，参保人满意".into(),
        };
        service::revisit(&svc, &sup, &task.id, visit)
            .await
            .map_err(fail)?;
    }
    if let Some(mother) = mother {
        ended_case(
            store,
            calendar,
            mother,
            today - Duration::days(3).min(Duration::days(today.day0().into())),
            today,
        )
        .await?;
        cases += 1;
    }
    Ok(format!(
        "{cases} 件已办结办件（近六个月），差评整改与回访 1 条"
    ))
}

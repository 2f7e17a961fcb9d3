//! `onething demo`: a fresh SQLite database with synthetic cases driven through the real case
//! engine (every change is an event planned by the same rules the server uses), then serve it.

mod accounts;
mod claims;
mod departments;
mod newborn;
mod supervision;
mod window;

use crate::out::say;
use std::path::Path;
use std::process::ExitCode;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use onething_domain::case::{Action, ActorRole, MissingMaterial};
use onething_domain::catalog::Bundle;
use onething_domain::china_time::date_in_china;
use onething_domain::{Calendar, RegionCode};
use onething_store::Store;
use onething_store::cases::{Actor, NewCase};
use onething_synth::Synth;
use rand::Rng;

use crate::cli::DemoArgs;
use crate::commands::serve::{init_logging, serve_state};
use crate::config::{DEFAULT_LISTEN, load_calendar};
use crate::failure::Failure;

/// How many demo cases of each bundle.
const CASES_PER_BUNDLE: [(&str, usize); 3] = [
    ("newborn", 18),
    ("maternity_reimbursement", 6),
    ("maternity_allowance", 6),
];

pub async fn run(args: DemoArgs) -> Result<ExitCode, Failure> {
    // A region's reimbursement values for the hospital window, if the operator passes them
    // (the shipped file has none: docs/hospital-window.md); checked before anything is built.
    let (params_text, params) = crate::commands::calc::load_params(args.params.as_deref())?;
    remove_old(&args.file)?;
    let db = format!("sqlite://{}", args.file.display());
    let calendar = load_calendar(&[])?;
    let store = Store::open(&db).await?;
    let today = date_in_china(Utc::now());
    let summary = seed(&store, &calendar, args.seed, today).await?;
    say!(
        "演示数据已生成 / demo data ready: {} ({summary})",
        args.file.display()
    )?;
    let city_dir = city_dir(&args.file);
    let pushed = departments::seed(&store, &calendar, args.seed, today, &city_dir).await?;
    say!("  演示部门 / demo departments: {pushed}")?;
    let claims = claims::seed(&store, &calendar, departments::city_today(&calendar, today)).await?;
    say!(
        "  生育津贴申领 / maternity-allowance claims: {}",
        claims.summary
    )?;
    if let Some(mother) = &claims.mother {
        seed_mother_case(&store, &calendar, args.seed, today, mother).await?;
    }
    let newborn = newborn::seed(&store, &calendar).await?;
    say!(
        "  新生儿出生一件事 / newborn applications: {}",
        newborn.summary
    )?;
    let supervised = supervision::seed(&store, &calendar, claims.mother.as_ref()).await?;
    say!("  监督与评价 / supervision: {supervised}")?;
    say!("  所有人员与单位均为合成数据 / every person and employer is synthetic")?;
    let passwords = onething_store::accounts::Passwords::new();
    let accounts = accounts::seed_demo_accounts(
        &store,
        &passwords,
        &claims,
        Some(&newborn.mother),
        Utc::now(),
    )
    .await?;
    say!("  演示账号 / demo accounts (username / password):")?;
    for a in &accounts {
        say!(
            "    {} / {}  {}：{}",
            a.username,
            a.password,
            a.role.label_zh(),
            a.can_do
        )?;
    }
    if args.no_serve {
        return Ok(ExitCode::SUCCESS);
    }
    init_logging();
    crate::commands::serve::warn_if_calendar_runs_out(&calendar);
    let listen = args.listen.unwrap_or_else(|| DEFAULT_LISTEN.to_owned());
    let city =
        RegionCode::new(newborn::CITY).map_err(|e| Failure::environment("演示城市代码无效", e))?;
    let state = onething_web::AppState::new(store, calendar)
        .with_newborn_city(city)
        .with_params(params_text, params);
    serve_state(state, &listen, &db).await?;
    Ok(ExitCode::SUCCESS)
}

/// The synthetic city's CSV files and the demo departments' keys, beside the database, so
/// a person can try `onething push` against the demo.
fn city_dir(file: &Path) -> std::path::PathBuf {
    file.parent()
        .unwrap_or_else(|| Path::new("."))
        .join("demo-city")
}

fn remove_old(file: &Path) -> Result<(), Failure> {
    for suffix in ["", "-wal", "-shm"] {
        let path = format!("{}{suffix}", file.display());
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Failure::environment("无法删除旧的演示数据库", e)),
        }
    }
    Ok(())
}

/// 梁平区, where the synthetic city of the demo departments lives: the demo cases are filed
/// there too, so one clerk's region covers cases and claims.
fn demo_region() -> Result<RegionCode, Failure> {
    RegionCode::parse("500228").map_err(|e| Failure::environment("演示地区代码无效", e))
}

/// A newborn case of the demo mother (the insured woman of a demo claim), accepted and
/// worked like the others, so her account shows her case beside her allowance claim.
async fn seed_mother_case(
    store: &Store,
    calendar: &Calendar,
    seed: u64,
    today: NaiveDate,
    mother: &onething_domain::CitizenId,
) -> Result<(), Failure> {
    let current = store.current_catalog().await?;
    let catalog = &current.catalog;
    let Some(bundle) = catalog.bundle("newborn") else {
        return Ok(());
    };
    let mut seeder = Seeder {
        store,
        calendar,
        synth: Synth::new(seed),
        today,
        keys: 10_000,
    };
    // The earliest demo day, so the case's due dates stay inside the published calendar.
    let opened_on = *opening_days(calendar, today)?.first().unwrap_or(&today);
    let applicant = seeder.actor(ActorRole::Applicant, "applicant", opened_on);
    let new = NewCase {
        bundle: bundle.code.clone(),
        applicant: format!("person:{mother}"),
        region: Some(demo_region()?.to_string()),
        filer: None,
        id: None,
    };
    let case = store.open_case(&new, &applicant).await?;
    if calendar.add_working_days(opened_on, 40).is_ok() {
        let window = seeder.actor(ActorRole::Acceptor, "window-clerk", opened_on);
        store.accept_all(&case.id, &window, calendar).await?;
        seeder.handle(&case.id, bundle, opened_on).await?;
    }
    Ok(())
}

/// Noon in China on `day`, as the instant an event carries.
fn noon(day: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&day.and_hms_opt(12, 0, 0).unwrap_or_default()) - Duration::hours(8)
}

struct Seeder<'a> {
    store: &'a Store,
    calendar: &'a Calendar,
    synth: Synth,
    today: NaiveDate,
    keys: u64,
}

async fn seed(
    store: &Store,
    calendar: &Calendar,
    seed: u64,
    today: NaiveDate,
) -> Result<String, Failure> {
    store.ensure_shipped_catalog(noon(today)).await?;
    let current = store.current_catalog().await?;
    let catalog = &current.catalog;
    let mut seeder = Seeder {
        store,
        calendar,
        synth: Synth::new(seed),
        today,
        keys: 0,
    };
    let days = opening_days(calendar, today)?;
    let mut opened = 0;
    for (code, count) in CASES_PER_BUNDLE {
        let Some(bundle) = catalog.bundle(code) else {
            continue;
        };
        // The cases the demo opens have no optional item (no region asks for one here).
        let bundle = &Bundle {
            items: bundle.items_for(&[]),
            ..bundle.clone()
        };
        for n in 0..count {
            let opened_on = days[(n * 7 + opened) % days.len()];
            seeder.case(bundle, opened_on).await?;
            opened += 1;
        }
    }
    let until = calendar.add_working_days(today, 2)?;
    let due = store.list_due(today, until, None).await?;
    let overdue = due.iter().filter(|d| d.overdue).count();
    Ok(format!(
        "{opened} cases, {overdue} overdue and {} near-due items",
        due.len() - overdue
    ))
}

/// Working days in the six weeks before `today` on which the demo's cases were filed.
fn opening_days(calendar: &Calendar, today: NaiveDate) -> Result<Vec<NaiveDate>, Failure> {
    let mut days = Vec::new();
    let mut day = today - Duration::days(42);
    while day <= today {
        if calendar.is_working_day(day)? {
            days.push(day);
        }
        day += Duration::days(1);
    }
    Ok(days)
}

impl Seeder<'_> {
    fn actor(&mut self, role: ActorRole, name: &str, on: NaiveDate) -> Actor {
        self.keys += 1;
        Actor {
            name: name.to_owned(),
            role,
            idempotency_key: format!("demo-{}", self.keys),
            at: noon(on),
        }
    }

    async fn case(&mut self, bundle: &Bundle, opened_on: NaiveDate) -> Result<(), Failure> {
        let region = demo_region()?;
        let mother = self.synth.mother_id(region);
        self.case_of(bundle, opened_on, &mother).await
    }

    /// A case of `mother`, which the departments then work as in [`Seeder::case`].
    async fn case_of(
        &mut self,
        bundle: &Bundle,
        opened_on: NaiveDate,
        mother: &onething_domain::CitizenId,
    ) -> Result<(), Failure> {
        let region = demo_region()?;
        let new = NewCase {
            bundle: bundle.code.clone(),
            applicant: format!("person:{mother}"),
            region: Some(region.to_string()),
            filer: None,
            id: None,
        };
        let applicant = self.actor(ActorRole::Applicant, "applicant", opened_on);
        let case = self.store.open_case(&new, &applicant).await?;
        let roll = self.synth.rng_mut().random_range(0..10);
        let window = self.actor(ActorRole::Acceptor, "window-clerk", opened_on);
        // Accept only where every due date stays inside published holiday years; later
        // applications wait, as they would until the bureau loads next year's notice.
        let accepts = self.calendar.add_working_days(opened_on, 40).is_ok();
        match roll {
            0 => {
                let first = bundle
                    .items
                    .first()
                    .map(|i| i.item.clone())
                    .unwrap_or_default();
                let reason = "新生儿非在本市助产机构出生，不符合受理条件".to_owned();
                self.store
                    .change_item(
                        &case.id,
                        &first,
                        Action::Refuse { reason },
                        &window,
                        self.calendar,
                    )
                    .await?;
            }
            1 | 2 if bundle.items.len() > 2 => {
                let item = bundle.items[2].item.clone();
                let missing = vec![MissingMaterial {
                    code: "MARRIAGE_CERT".into(),
                    name: "结婚证首页、主页".into(),
                    reason: "民政部门尚未推送婚姻登记信息，请拍照上传".into(),
                }];
                let action = Action::RequestSupplement { missing };
                self.store
                    .change_item(&case.id, &item, action, &window, self.calendar)
                    .await?;
            }
            _ if accepts => {
                self.store
                    .accept_all(&case.id, &window, self.calendar)
                    .await?;
                self.handle(&case.id, bundle, opened_on).await?;
            }
            _ => {}
        }
        Ok(())
    }

    /// The departments work the accepted items: mostly on time, sometimes late, never in
    /// the future; events are written in date order so the history reads forward.
    async fn handle(
        &mut self,
        case_id: &str,
        bundle: &Bundle,
        accepted_on: NaiveDate,
    ) -> Result<(), Failure> {
        let mut finished: std::collections::BTreeMap<String, NaiveDate> = Default::default();
        let mut steps: Vec<(NaiveDate, usize, u8, String)> = Vec::new();
        for (order, item) in bundle.topological_order().into_iter().enumerate() {
            let ready = item
                .depends_on
                .iter()
                .map(|d| finished.get(d).copied())
                .collect::<Option<Vec<_>>>();
            let Some(ready) = ready else { continue };
            let start = ready
                .into_iter()
                .max()
                .unwrap_or(accepted_on)
                .max(accepted_on);
            let limit = item.limit_working_days.unwrap_or(5);
            // Some items run late, and a few are stuck with their department (what SV-3 watches).
            let late = self.synth.rng_mut().random_range(0..4) == 0;
            let stuck = self.synth.rng_mut().random_range(0..6) == 0;
            let took = if late {
                limit + self.synth.rng_mut().random_range(1..4)
            } else {
                self.synth.rng_mut().random_range(0..=limit)
            };
            if start > self.today {
                continue;
            }
            steps.push((start, order, 0, item.item.clone()));
            let finish = self.calendar.add_working_days(start, took)?;
            if finish <= self.today && !stuck {
                steps.push((finish, order, 1, item.item.clone()));
                finished.insert(item.item.clone(), finish);
            }
        }
        steps.sort();
        for (on, _, phase, item) in steps {
            let handler = self.actor(ActorRole::Handler, "department", on);
            let action = match phase {
                0 => Action::Start,
                _ => Action::Complete {
                    certificate_ref: Some(format!("EC-{item}-{}", self.keys)),
                },
            };
            self.store
                .change_item(case_id, &item, action, &handler, self.calendar)
                .await?;
        }
        Ok(())
    }
}

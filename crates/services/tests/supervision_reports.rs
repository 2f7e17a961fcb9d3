//! The periodic reports (周通报、月考评、季分析、年考核) on SQLite and PostgreSQL: the schedule
//! makes the last closed period of each kind for each office once, the kept figures stay
//! as they were made, and only supervisors (their region) and administrators read them.

use crate::supervision::{HERE, actor, at, case, clerk, day, services, supervisor, visit};
use crate::support::test_dbs;
use onething_domain::RegionCode;
use onething_domain::access::{Role, Scope};
use onething_domain::supervision::periods::PeriodKind;
use onething_domain::supervision::reports::Trend;
use onething_services::ServiceError;
use onething_services::supervision;

fn ids(reports: &[supervision::PeriodReport]) -> Vec<String> {
    let mut ids: Vec<String> = reports.iter().map(|r| r.id.clone()).collect();
    ids.sort();
    ids
}

#[tokio::test]
async fn the_schedule_makes_each_closed_period_once_per_office() {
    for db in test_dbs().await {
        let store = &db.store;
        let svc = services(store);
        // 500114: X ended Mon 2 Sep (instant, online), Y ended Fri 6 Sep with one visit;
        // Z ended Fri 23 Aug with two visits (August: the period before).
        let _x = case(store, 40, HERE, "2024-09-02", Some("2024-09-02"), false).await;
        let y = case(store, 41, HERE, "2024-09-02", Some("2024-09-06"), false).await;
        visit(&svc, &y, "submission", "2024-09-02").await;
        let z = case(store, 42, HERE, "2024-08-19", Some("2024-08-23"), false).await;
        visit(&svc, &z, "submission", "2024-08-19").await;
        visit(&svc, &z, "pickup", "2024-08-23").await;
        // Another office.
        case(store, 43, "450202", "2024-09-02", Some("2024-09-05"), false).await;

        // Tuesday 1 October 2024: closed are the week 23–29 Sep, September, the third
        // quarter and the year 2023 — for each of the two offices.
        let made = supervision::generate_due_reports(&svc, at("2024-10-01"))
            .await
            .expect("reports");
        let mut want = Vec::new();
        for region in ["450202", HERE] {
            for id in [
                "month-2024-09-01",
                "quarter-2024-07-01",
                "week-2024-09-23",
                "year-2023-01-01",
            ] {
                want.push(format!("{id}-{region}"));
            }
        }
        want.sort();
        assert_eq!(ids(&made), want, "{}", db.label);

        // Again the same day, later that week, or after a restart: nothing twice.
        for when in ["2024-10-01", "2024-10-06"] {
            let again = supervision::generate_due_reports(&svc, at(when))
                .await
                .expect("again");
            assert!(
                again.is_empty(),
                "{}: {when} made {:?}",
                db.label,
                ids(&again)
            );
        }
        // Monday 7 October closes the week 30 Sep – 6 Oct (only).
        let monday = supervision::generate_due_reports(&svc, at("2024-10-07"))
            .await
            .expect("monday");
        assert_eq!(
            ids(&monday),
            ["week-2024-09-30-450202", "week-2024-09-30-500114"],
            "{}",
            db.label
        );

        // September in 500114, worked by hand: X and Y ended (2 cases), one visit:
        // avg 0.5 (target ≤ 0.3: not met), one of two online: 50 %. August: Z alone with
        // two visits: avg 2.0, online 0 %. So visits went down, online share up.
        let sup = supervisor(500114, "2024-10-08");
        let sept = supervision::period_report(&svc, &sup, "month-2024-09-01-500114")
            .await
            .expect("september");
        let c = &sept.content;
        assert_eq!((c.from, c.to), (day("2024-09-01"), day("2024-09-30")));
        assert_eq!(
            (c.previous_from, c.previous_to),
            (day("2024-08-01"), day("2024-08-31"))
        );
        assert_eq!(c.region_name, "黔江区");
        let line = |m: &str| c.lines.iter().find(|l| l.measure == m).expect(m).clone();
        let visits = line("avg_visits");
        assert_eq!(
            (visits.actual, visits.previous, visits.trend, visits.met),
            (Some(0.5), Some(2.0), Trend::Down, Some(false)),
            "{}",
            db.label
        );
        let online = line("online_share");
        assert_eq!(
            (online.actual, online.previous, online.trend),
            (Some(0.5), Some(0.0), Trend::Up)
        );
        assert_eq!((c.counts[0].actual, c.counts[0].previous), (2, 1));
        assert_eq!(sept.kind_label, "月考评");

        // Kept as made: a case that ends in September afterwards changes no kept report,
        // and asking for the period again answers the kept one, unchanged.
        case(store, 44, HERE, "2024-09-09", Some("2024-09-10"), false).await;
        let region = RegionCode::parse(HERE).expect("region");
        let (kept, made) = supervision::generate_period_report(
            &svc,
            "cli",
            at("2024-10-08"),
            PeriodKind::Month,
            day("2024-09-15"),
            region,
        )
        .await
        .expect("kept");
        assert!(!made);
        assert_eq!(kept.content, sept.content);
        assert_eq!(kept.content_sha256, sept.content_sha256);
        // A period not yet over is refused.
        let open = supervision::generate_period_report(
            &svc,
            "cli",
            at("2024-10-08"),
            PeriodKind::Month,
            day("2024-10-02"),
            region,
        )
        .await;
        assert!(matches!(open, Err(ServiceError::NotNow(_))), "{open:?}");
    }
}

#[tokio::test]
async fn only_supervisors_of_the_region_and_administrators_read_the_reports() {
    for db in test_dbs().await {
        let store = &db.store;
        let svc = services(store);
        case(store, 50, HERE, "2024-09-02", Some("2024-09-02"), false).await;
        case(store, 51, "450202", "2024-09-02", Some("2024-09-05"), false).await;
        supervision::generate_due_reports(&svc, at("2024-10-01"))
            .await
            .expect("reports");
        let sup = supervisor(500114, "2024-10-02");
        let mine = supervision::period_reports(&svc, &sup).await.expect("mine");
        assert_eq!(mine.len(), 4, "{}", db.label);
        assert!(mine.iter().all(|r| r.region == HERE));
        // Latest end first: September and Q3 (both end 30 Sep), the week (29 Sep), 2023.
        assert_eq!(mine[0].id, "month-2024-09-01-500114");
        assert_eq!(mine[2].id, "week-2024-09-23-500114");
        assert_eq!(mine[3].id, "year-2023-01-01-500114");
        let other = supervision::period_report(&svc, &sup, "month-2024-09-01-450202").await;
        assert!(
            matches!(other, Err(ServiceError::Access(_))),
            "another region's report is 404"
        );
        let missing = supervision::period_report(&svc, &sup, "month-1999-01-01-500114").await;
        assert!(matches!(missing, Err(ServiceError::Access(_))));
        let admin = actor("admin", Role::Admin, Scope::Platform, "2024-10-02");
        assert_eq!(
            supervision::period_reports(&svc, &admin)
                .await
                .expect("all")
                .len(),
            8
        );
        for nosy in [
            clerk("2024-10-02"),
            actor("p", Role::Person, Scope::Platform, "2024-10-02"),
        ] {
            let refused = supervision::period_reports(&svc, &nosy).await;
            assert!(
                matches!(refused, Err(ServiceError::Access(_))),
                "{:?}",
                nosy.role
            );
        }
    }
}

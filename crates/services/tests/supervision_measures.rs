//! The measures of a period on SQLite and PostgreSQL, from fixtures whose right answers are
//! worked out by hand in the comments (September 2024: the Mid-Autumn holiday is 15–17
//! September, Saturday 14 September a make-up working day), and the window filing that
//! counts as a submission visit. Fixtures: `supervision.rs`.

use crate::supervision::{
    HERE, actor, case, citizen, clerk, day, note, officer, period, person, rating, services,
    supervisor, visit,
};
use crate::support::test_dbs;
use onething_domain::access::{Role, Scope};
use onething_domain::department::DepartmentKind;
use onething_services::ServiceError;
use onething_services::supervision::{self, ComplaintInput, FileComplaint, Revisit};
use onething_store::Store;
use serde_json::json;

#[tokio::test]
async fn measures_of_a_period_match_the_hand_worked_answers() {
    for db in test_dbs().await {
        let store = &db.store;
        let svc = services(store);
        // A: accepted and ended Mon 2 Sep (instant), no visit. Due 2 Sep + 10 wd = Sat 14 Sep
        //    (3–6, 9–13, 14 make-up). Actual 0 wd: reduction 1 − 0/10 = 1.0. Early.
        let a = case(store, 10, HERE, "2024-09-02", Some("2024-09-02"), false).await;
        // B: 2 Sep → Fri 6 Sep, 4 wd: reduction 0.6; early; two visits (submission, pickup).
        let b = case(store, 11, HERE, "2024-09-02", Some("2024-09-06"), false).await;
        visit(&svc, &b, "submission", "2024-09-02").await;
        visit(&svc, &b, "pickup", "2024-09-06").await;
        // C spans periods: accepted Tue 20 Aug, ended Tue 10 Sep. Actual wd in (20 Aug,
        //    10 Sep]: 21–23 (3), 26–30 (5), 2–6 (5), 9–10 (2) = 15; reduction 1 − 15/10 = −0.5.
        //    Due 20 Aug + 10 wd = 3 Sep, so overdue. One visit.
        let c = case(store, 12, HERE, "2024-08-20", Some("2024-09-10"), false).await;
        visit(&svc, &c, "supplement", "2024-08-27").await;
        // D: withdrawn on 3 Sep, with a visit: counts nowhere.
        let d = case(store, 13, HERE, "2024-09-02", Some("2024-09-03"), true).await;
        visit(&svc, &d, "submission", "2024-09-02").await;
        // E ends after the period, F is still open, G is in another region.
        case(store, 14, HERE, "2024-09-10", Some("2024-10-08"), false).await;
        case(store, 15, HERE, "2024-09-03", None, false).await;
        case(store, 16, "450202", "2024-09-02", Some("2024-09-05"), false).await;

        let loaded = store.load_case(&a).await.expect("a");
        assert_eq!(
            loaded.state.due_on(),
            Some(day("2024-09-14")),
            "{}",
            db.label
        );
        let loaded = store.load_case(&c).await.expect("c");
        assert_eq!(
            loaded.state.due_on(),
            Some(day("2024-09-03")),
            "{}",
            db.label
        );

        // Ratings: B 1 (case) and 2 (PS-05); C 5. B's case task revisited, its item task
        // rectified only.
        let bad = rating(
            json!({"score": 1, "reasons": ["SLOW"], "items": [{"item": "PS-05", "score": 2, "reasons": ["OTHER"]}]}),
        );
        supervision::rate(&svc, &citizen(11, "2024-09-09"), &b, bad)
            .await
            .expect("b rated");
        supervision::rate(
            &svc,
            &citizen(12, "2024-09-11"),
            &c,
            rating(json!({"score": 5})),
        )
        .await
        .expect("c rated");
        let mi = officer(DepartmentKind::MedicalInsurance, "2024-09-12");
        let sup = supervisor(500114, "2024-09-13");
        for t in supervision::rectifications(&svc, &sup, None)
            .await
            .expect("tasks")
        {
            supervision::investigate(&svc, &mi, &t.id, note("查"))
                .await
                .expect("inv");
            supervision::rectify(&svc, &mi, &t.id, note("改"))
                .await
                .expect("rect");
            if t.item.is_none() {
                let r = Revisit {
                    outcome: onething_domain::supervision::RevisitOutcome::Satisfied,
                    note: "好".into(),
                };
                supervision::revisit(&svc, &sup, &t.id, r)
                    .await
                    .expect("revisit");
            }
        }
        // Complaints in 500114 (5 wd to answer): one on 5 Sep answered 6 Sep (in time), one
        // on 6 Sep answered 20 Sep (due 13 Sep: late), one in October (outside).
        let complain = |who: u16, when: &str, case_id: &str| {
            let input = ComplaintInput {
                subject: Some("case".into()),
                case_id: Some(case_id.into()),
                body: Some("太慢".into()),
                ..ComplaintInput::default()
            };
            let svc = &svc;
            let who = citizen(who, when);
            async move {
                supervision::file_complaint(
                    svc,
                    &who,
                    FileComplaint::try_from(input).expect("complaint"),
                )
                .await
                .expect("filed")
            }
        };
        let first = complain(11, "2024-09-05", &b).await;
        let second = complain(12, "2024-09-06", &c).await;
        assert_eq!(second.due_on, day("2024-09-13"));
        complain(12, "2024-10-09", &c).await;
        supervision::answer_complaint(&svc, &clerk("2024-09-06"), &first.id, note("已处理"))
            .await
            .expect("answer");
        supervision::answer_complaint(&svc, &clerk("2024-09-20"), &second.id, note("已处理"))
            .await
            .expect("answer");

        let m = supervision::measures(&svc, &sup, period("2024-09-01", "2024-09-30", None))
            .await
            .expect("measures");
        let close = |a: Option<f64>, b: f64| a.is_some_and(|a| (a - b).abs() < 1e-9);
        let m = &m.measures;
        assert_eq!(m.cases, 3, "{}: A, B, C", db.label);
        assert!(close(m.online_share, 1.0 / 3.0), "{:?}", m.online_share);
        assert!(close(m.instant_share, 1.0 / 3.0));
        assert!(close(m.avg_visits, 1.0), "{:?}", m.avg_visits);
        assert!(
            close(m.avg_time_reduction, (1.0 + 0.6 - 0.5) / 3.0),
            "{:?}",
            m.avg_time_reduction
        );
        assert!(close(m.on_time_share, 2.0 / 3.0));
        assert_eq!((m.timeliness.early, m.timeliness.overdue), (2, 1));
        let r = &m.ratings;
        assert_eq!(
            (r.count, r.good, r.bad, r.rectified, r.revisited),
            (3, 1, 2, 2, 1),
            "{}",
            db.label
        );
        assert!(close(r.revisit_rate, 0.5));
        assert_eq!((m.complaints.count, m.complaints.answered_in_time), (2, 1));

        // No case in the period: counts 0 and no share at all (not 0, not 1).
        let empty = supervision::measures(&svc, &sup, period("2024-07-01", "2024-07-31", None))
            .await
            .expect("empty");
        assert_eq!(empty.measures.cases, 0);
        assert_eq!(empty.measures.online_share, None);
        assert_eq!(empty.measures.avg_visits, None);
        assert_eq!(empty.measures.ratings.count, 0);
        // The admin sees every region (G too); the catalogue's shares come along.
        let admin = actor("admin", Role::Admin, Scope::Platform, "2024-10-01");
        let all = supervision::measures(&svc, &admin, period("2024-09-01", "2024-09-30", None))
            .await
            .expect("all");
        assert_eq!(all.measures.cases, 4);
        assert_eq!(
            (all.catalog.public_service_items, all.catalog.power_items),
            (38, 17)
        );
        // Per office: 500114 has A, B, C; 450202 has G.
        let offices =
            supervision::measures_by_region(&svc, &admin, day("2024-09-01"), day("2024-09-30"))
                .await
                .expect("offices");
        let cases: Vec<(Option<String>, u32)> = offices
            .iter()
            .map(|r| (r.region.clone(), r.measures.cases))
            .collect();
        assert_eq!(
            cases,
            [(Some("450202".to_owned()), 1), (Some(HERE.to_owned()), 3)],
            "{}",
            db.label
        );
        let mine =
            supervision::measures_by_region(&svc, &sup, day("2024-09-01"), day("2024-09-30"))
                .await
                .expect("mine");
        assert_eq!(mine.len(), 1, "a supervisor sees his own offices only");
        // A supervisor may not measure outside his region; a citizen not at all.
        let outside = supervision::measures(
            &svc,
            &sup,
            period("2024-09-01", "2024-09-30", Some("450202")),
        )
        .await;
        assert!(matches!(outside, Err(ServiceError::Access(_))));
        let nosy = supervision::measures(
            &svc,
            &citizen(10, "2024-10-01"),
            period("2024-09-01", "2024-09-30", None),
        )
        .await;
        assert!(matches!(nosy, Err(ServiceError::Access(_))));
    }
}

/// A claim row filed through `channel` for the fixture case `case_id`.
async fn claim_row(store: &Store, case_id: &str, who: u16, channel: &str) {
    sqlx::query(
        "INSERT INTO ma_claims (id, employer_uscc, person_id, channel, status, duplicate_key,
             created_by, created_at, updated_at, case_id)
         VALUES ($1, '91500114MA5U7CHW1X', $2, $3, 'paid', $1, 'clerk', $4, $4, $5)",
    )
    .bind(format!("MA-{case_id}"))
    .bind(person(who).as_str().to_owned())
    .bind(channel)
    .bind("2024-11-04T02:00:00Z")
    .bind(case_id)
    .execute(store.pool())
    .await
    .expect("claim row");
}

#[tokio::test]
async fn a_claim_filed_at_a_window_counts_its_submission_visit_once() {
    for db in test_dbs().await {
        let store = &db.store;
        let svc = services(store);
        // November 2024: four cases, 4–8 Nov.
        // W: filed at the window, pickup recorded → 1 (implied submission) + 1 = 2 visits.
        let w = case(store, 30, HERE, "2024-11-04", Some("2024-11-08"), false).await;
        claim_row(store, &w, 30, "window").await;
        visit(&svc, &w, "pickup", "2024-11-08").await;
        // R: filed at the window and its submission recorded too → 1 visit, not 2.
        let r = case(store, 31, HERE, "2024-11-04", Some("2024-11-08"), false).await;
        claim_row(store, &r, 31, "window").await;
        visit(&svc, &r, "submission", "2024-11-04").await;
        // H: filed at the hospital's window → 1 visit.
        let h = case(store, 32, HERE, "2024-11-04", Some("2024-11-08"), false).await;
        claim_row(store, &h, 32, "hospital").await;
        // O: filed online, nothing recorded → 0 visits.
        let o = case(store, 33, HERE, "2024-11-04", Some("2024-11-08"), false).await;
        claim_row(store, &o, 33, "online").await;
        let m = supervision::measures(
            &svc,
            &supervisor(500114, "2024-12-02"),
            period("2024-11-01", "2024-11-30", None),
        )
        .await
        .expect("measures");
        assert_eq!(m.measures.cases, 4, "{}", db.label);
        // (2 + 1 + 1 + 0) / 4 = 1.0; only O was fully online: 1/4.
        assert_eq!(m.measures.avg_visits, Some(1.0), "{}", db.label);
        assert_eq!(m.measures.online_share, Some(0.25), "{}", db.label);
    }
}

#[tokio::test]
async fn a_catalogue_change_is_a_new_version_with_its_note_and_moves_the_shares() {
    use onething_services::supervision::{ItemChange, ItemChangeInput};
    for db in test_dbs().await {
        let store = &db.store;
        let svc = services(store);
        store
            .ensure_shipped_catalog(crate::supervision::at("2024-01-01"))
            .await
            .expect("catalogue");
        let admin = actor("admin", Role::Admin, Scope::Platform, "2024-09-02");
        let before = supervision::measures(&svc, &admin, period("2024-09-01", "2024-09-30", None))
            .await
            .expect("measures")
            .catalog;
        let current = store.current_catalog().await.expect("current");
        let ap = store_item(&current.catalog, "AP-09");
        assert!(!ap.online, "the shipped proposal: inspections not online");
        let change = |version, online: bool, note: &str| {
            ItemChange::try_from(ItemChangeInput {
                version: Some(version),
                online: Some(online),
                note: Some(note.into()),
                ..ItemChangeInput::default()
            })
            .expect("change")
        };
        let (version, item) = supervision::change_catalog_item(
            &svc,
            &admin,
            "AP-09",
            change(current.version, true, "稽核申请可网上提交"),
        )
        .await
        .expect("changed");
        assert_eq!(version, current.version + 1, "{}", db.label);
        assert!(item.online);
        let latest = store.current_catalog().await.expect("latest");
        assert_eq!(latest.note, "AP-09：稽核申请可网上提交");
        let after = supervision::measures(&svc, &admin, period("2024-09-01", "2024-09-30", None))
            .await
            .expect("measures")
            .catalog;
        assert_eq!(after.power_online, before.power_online + 1);
        // A change made on the old version is refused; a clerk may not change the catalogue.
        let stale = supervision::change_catalog_item(
            &svc,
            &admin,
            "AP-09",
            change(current.version, false, "x"),
        )
        .await;
        assert!(
            matches!(stale, Err(ServiceError::NotNow(_))),
            "{}",
            db.label
        );
        // The version and its audit entry are written together (one transaction): one of
        // each; the store itself refuses a change on a stale version, writing neither.
        assert_eq!(
            audits(store, "catalog_item_changed").await,
            1,
            "{}",
            db.label
        );
        let entry = onething_store::audit::NewAuditEntry {
            at: latest.created_at,
            actor: "admin".into(),
            role: None,
            action: "catalog_item_changed".into(),
            subject_type: "catalog_item".into(),
            subject_id: "AP-09".into(),
            case_id: None,
            detail: serde_json::json!({}),
        };
        let mut edited = latest.catalog.clone();
        edited.items.iter_mut().for_each(|i| {
            if i.code == "AP-09" {
                i.online = false;
            }
        });
        let raced = store
            .change_catalog(
                &edited,
                current.version,
                "admin",
                "x",
                latest.created_at,
                &entry,
            )
            .await;
        assert!(
            matches!(raced, Err(onething_store::StoreError::Conflict { .. })),
            "{raced:?}"
        );
        assert_eq!(audits(store, "catalog_item_changed").await, 1);
        assert_eq!(store.current_catalog().await.expect("v").version, version);
        let clerk = supervision::change_catalog_item(
            &svc,
            &clerk("2024-09-02"),
            "AP-09",
            change(version, false, "x"),
        )
        .await;
        assert!(matches!(clerk, Err(ServiceError::Access(_))));
        // A limit shorter than a bundle's own for the item breaks the catalogue: refused.
        let short = ItemChange::try_from(ItemChangeInput {
            version: Some(version),
            limit_working_days: Some(1),
            note: Some("x".into()),
            ..ItemChangeInput::default()
        })
        .expect("change");
        let broken = supervision::change_catalog_item(&svc, &admin, "PS-05", short).await;
        assert!(
            matches!(broken, Err(ServiceError::Invalid(ref i)) if i.code == "CATALOG_INVALID"),
            "{broken:?}"
        );
        assert_eq!(
            store.current_catalog().await.expect("same").version,
            version,
            "nothing written"
        );
    }
}

/// How many audit entries of `action` there are.
pub(crate) async fn audits(store: &Store, action: &str) -> usize {
    let filter = onething_store::audit::AuditFilter {
        action: Some(action.into()),
        limit: 50,
        ..onething_store::audit::AuditFilter::default()
    };
    store.list_audit(&filter).await.expect("audit").len()
}

fn store_item<'a>(
    catalog: &'a onething_domain::catalog::Catalog,
    code: &str,
) -> &'a onething_domain::catalog::CatalogItem {
    catalog.item(code).expect("item")
}

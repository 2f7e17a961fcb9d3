//! Issue 13 on SQLite and (with ONETHING_TEST_PG) PostgreSQL: a newborn case accepted at
//! the year end gets provisional due dates in 2027; loading the 2027 notice recomputes
//! them, records each change as an event with the old and new date, and clears the flag.

use crate::support;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use onething_domain::Calendar;
use onething_domain::case::{ActorRole, EventBody};
use onething_store::Store;
use onething_store::cases::{Actor, NewCase};
use sqlx::Row;
use support::{TestDb, fresh_name, test_dbs};

const NOTICE_2027: &str = include_str!("../../domain/tests/data/holidays-2027.json");

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

fn noon(d: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&d.and_hms_opt(4, 0, 0).expect("time"))
}

fn actor(role: ActorRole, on: NaiveDate) -> Actor {
    Actor {
        name: format!("{role:?}").to_lowercase(),
        role,
        idempotency_key: fresh_name(),
        at: noon(on),
    }
}

async fn accepted_newborn_case(store: &Store, on: NaiveDate, calendar: &Calendar) -> String {
    store
        .ensure_shipped_catalog(noon(on))
        .await
        .expect("catalogue");
    let new = NewCase {
        bundle: "newborn".into(),
        applicant: "person:test".into(),
        region: Some("450100".into()),
        filer: None,
        id: None,
    };
    let case = store
        .open_case(&new, &actor(ActorRole::Applicant, on))
        .await
        .expect("case opens");
    store
        .accept_all(&case.id, &actor(ActorRole::Acceptor, on), calendar)
        .await
        .expect("accepted at the year end, not refused")
        .id
}

async fn provisional_rows(store: &Store, case_id: &str) -> Vec<String> {
    let rows = sqlx::query(
        "SELECT item FROM case_items WHERE case_id = $1 AND due_on_provisional = 1 ORDER BY item",
    )
    .bind(case_id)
    .fetch_all(store.pool())
    .await
    .expect("query");
    rows.iter().map(|r| r.get::<String, _>("item")).collect()
}

#[tokio::test]
async fn year_end_case_gets_provisional_dates_and_the_notice_makes_them_final() {
    for TestDb { label, url, store } in test_dbs().await {
        let on = day(2026, 12, 20);
        let calendar = Calendar::shipped();
        let case_id = accepted_newborn_case(&store, on, &calendar).await;
        let case = store.load_case(&case_id).await.expect("load");
        assert_eq!(case.state.due_on(), Some(day(2027, 2, 4)), "{label}: D+33");
        assert!(case.state.due_on_provisional(), "{label}");
        let provisional = provisional_rows(&store, &case_id).await;
        assert!(!provisional.is_empty(), "{label}: flag in the projection");
        for (code, item) in &case.state.items {
            let in_2027 = item.due_on.is_some_and(|d| d >= day(2027, 1, 1));
            assert_eq!(item.due_on_provisional, in_2027, "{label}: {code}");
        }
        // Nothing to do while 2027 is still missing.
        let none = store
            .recompute_provisional_due_dates(&calendar, "system", noon(on))
            .await
            .expect("recompute");
        assert!(none.is_empty(), "{label}");

        let mut loaded = calendar.clone();
        let years = loaded.merge_json(NOTICE_2027).expect("fixture notice");
        store
            .save_calendar_notice(&years, NOTICE_2027, "admin", noon(day(2026, 12, 22)))
            .await
            .expect("save");
        let changes = store
            .recompute_provisional_due_dates(&loaded, "system", noon(day(2026, 12, 22)))
            .await
            .expect("recompute");
        let mut items: Vec<String> = changes.iter().map(|c| c.item.clone()).collect();
        items.sort();
        assert_eq!(
            items, provisional,
            "{label}: every provisional date recomputed"
        );
        assert!(
            changes
                .iter()
                .all(|c| !c.provisional && c.case_id == case_id)
        );
        assert!(
            provisional_rows(&store, &case_id).await.is_empty(),
            "{label}"
        );

        let events = store.case_events(&case_id).await.expect("events");
        let recorded: Vec<(String, NaiveDate, NaiveDate)> = events
            .iter()
            .filter_map(|e| match &e.body {
                EventBody::DueDateRecomputed { item, from, to, .. } => {
                    Some((item.clone(), *from, *to))
                }
                _ => None,
            })
            .collect();
        assert_eq!(
            recorded.len(),
            changes.len(),
            "{label}: one event per change"
        );
        for change in &changes {
            assert!(
                recorded.contains(&(change.item.clone(), change.from, change.to)),
                "{label}: {change:?}"
            );
        }
        let case = store.load_case(&case_id).await.expect("reload");
        assert!(!case.state.due_on_provisional(), "{label}");
        // Idempotent: a second run (every start does one) records nothing more.
        let again = store
            .recompute_provisional_due_dates(&loaded, "system", noon(day(2026, 12, 23)))
            .await
            .expect("again");
        assert!(again.is_empty(), "{label}");
        // The notice is kept for the next start.
        let reopened = Store::open(&url).await.expect("reopen");
        let notices = reopened.calendar_notices().await.expect("notices");
        assert_eq!(notices, vec![NOTICE_2027.to_owned()], "{label}");
    }
}

//! The due watch read in SQL within a scope, a page at a time (`Store::due_in_scope`): a
//! region's supervisor never gets another region's items from the database, and paging walks
//! every item once, overdue first.

use crate::support;

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use onething_domain::access::Scope;
use onething_domain::case::ActorRole;
use onething_domain::{Calendar, RegionCode};
use onething_store::Store;
use onething_store::accounts::scoped_due::{DueCursor, DueQuery};
use onething_store::cases::{Actor, NewCase};
use support::{TestDb, test_dbs};

fn actor(role: ActorRole, key: String) -> Actor {
    Actor {
        name: "window".into(),
        role,
        idempotency_key: key,
        at: Utc
            .with_ymd_and_hms(2024, 9, 27, 4, 0, 0)
            .single()
            .expect("at"),
    }
}

async fn accepted_case(store: &Store, region: &str, n: usize) -> String {
    let new = NewCase {
        bundle: "newborn".into(),
        applicant: format!("person:{n}"),
        region: Some(region.into()),
        filer: None,
        id: None,
    };
    let case = store
        .open_case(&new, &actor(ActorRole::Applicant, format!("open{n}")))
        .await
        .expect("case");
    store
        .accept_all(
            &case.id,
            &actor(ActorRole::Acceptor, format!("accept{n}")),
            &Calendar::shipped(),
        )
        .await
        .expect("accept");
    case.id
}

#[tokio::test]
async fn due_items_are_scoped_and_paged_in_sql() {
    for TestDb { label, store, url } in test_dbs().await {
        assert!(url.contains(label.get(..2).unwrap_or_default()), "{url}");
        store
            .ensure_shipped_catalog(Utc::now())
            .await
            .expect("catalogue");
        let mut ours = Vec::new();
        for n in 0..3 {
            ours.push(accepted_case(&store, "500228", n).await);
        }
        let theirs = accepted_case(&store, "450100", 9).await;
        let today = NaiveDate::from_ymd_opt(2025, 1, 1).expect("date");
        let scope = Scope::Region(RegionCode::new(500_228).expect("region"));
        let query = |after: Option<DueCursor>, limit| DueQuery {
            scope: &scope,
            today,
            until: today + Duration::days(365),
            department: None,
            after,
            limit,
        };
        let everything = store.due_in_scope(&query(None, 500)).await.expect("due");
        assert!(everything.next.is_none());
        assert!(!everything.items.is_empty(), "{label}");
        for (item, case) in &everything.items {
            assert_ne!(item.case_id, theirs, "{label}: another region's item");
            assert!(ours.contains(&case.id), "{label}");
        }
        let mut walked = Vec::new();
        let mut after = None;
        loop {
            let page = store.due_in_scope(&query(after, 2)).await.expect("page");
            assert!(page.items.len() <= 2);
            walked.extend(page.items.into_iter().map(|(item, _)| item));
            match page.next {
                Some(next) => after = Some(next),
                None => break,
            }
        }
        let all: Vec<_> = everything.items.into_iter().map(|(item, _)| item).collect();
        assert_eq!(
            walked, all,
            "{label}: paging walks every item once, in order"
        );
        let (due, overdue) = store
            .due_counts_in_scope(&scope, today, today + Duration::days(365), None)
            .await
            .expect("counts");
        assert_eq!(due, i64::try_from(all.len()).expect("small"), "{label}");
        assert_eq!(
            overdue,
            i64::try_from(all.iter().filter(|i| i.overdue).count()).expect("small")
        );
    }
}

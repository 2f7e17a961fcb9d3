//! Near-due notices and the daily digest per department (SV-3) on SQLite and PostgreSQL:
//! each near-due item tells its department once, each department gets one digest a day.
//! September 2024: 14 September (a Saturday) is a make-up working day.

use crate::supervision::{HERE, at, case, services};
use crate::support::test_dbs;
use onething_services::supervision::{self, DueNotices};
use onething_store::allowance::Recipient;

#[tokio::test]
async fn near_due_items_tell_their_department_once_and_a_digest_goes_daily() {
    for db in test_dbs().await {
        let store = &db.store;
        let svc = services(store);
        // Each case's payment item (PS-05, medical insurance, 10 working days) is open.
        // N: accepted Mon 2 Sep → due Sat 14 Sep. On Thu 12 Sep the near-due window is two
        //    working days (13, 14): near due.
        let n = case(store, 70, HERE, "2024-09-02", None, false).await;
        // O: accepted Tue 20 Aug → due Tue 3 Sep: overdue on 12 Sep (no near-due notice).
        let o = case(store, 71, HERE, "2024-08-20", None, false).await;
        // L: accepted Wed 11 Sep → due after the window: open only.
        case(store, 72, HERE, "2024-09-11", None, false).await;
        // A finished case is in nothing.
        case(store, 73, HERE, "2024-09-02", Some("2024-09-03"), false).await;

        let first = supervision::notify_due_items(&svc, at("2024-09-12"))
            .await
            .expect("first");
        assert_eq!(
            first,
            DueNotices {
                near_due: 1,
                digests: 1
            },
            "{}",
            db.label
        );
        // The same day again (a restart, a second server): nothing twice.
        let again = supervision::notify_due_items(&svc, at("2024-09-12"))
            .await
            .expect("again");
        assert_eq!(again, DueNotices::default(), "{}", db.label);
        // The next day: N was told already; only the new day's digest.
        let next = supervision::notify_due_items(&svc, at("2024-09-13"))
            .await
            .expect("next");
        assert_eq!(
            next,
            DueNotices {
                near_due: 0,
                digests: 1
            }
        );

        let mi = Recipient::Department("medical_insurance".into());
        let notes = store
            .notifications_for(&mi, "in_site", 10)
            .await
            .expect("notes");
        assert_eq!(notes.len(), 3, "{}: {notes:?}", db.label);
        let near: Vec<_> = notes
            .iter()
            .filter(|m| m.body.starts_with("临期提醒"))
            .collect();
        assert_eq!(near.len(), 1);
        assert_eq!(near[0].subject_id, n);
        assert!(near[0].body.contains("2024-09-14"), "{}", near[0].body);
        let digest = notes
            .iter()
            .find(|m| m.body.starts_with("2024-09-12 每日汇总"))
            .expect("the 12th's digest");
        assert!(
            digest
                .body
                .contains("在办事项 3 项，其中临期（2 个工作日内到期）1 项、超期 1 项"),
            "{}",
            digest.body
        );
        assert!(
            digest.body.contains(&format!("超期：{o}")),
            "{}",
            digest.body
        );
        assert!(
            digest.body.contains(&format!("临期：{n}")),
            "{}",
            digest.body
        );
        // Other departments have nothing open here, so nothing.
        let health = Recipient::Department("health".into());
        assert!(
            store
                .notifications_for(&health, "in_site", 10)
                .await
                .expect("none")
                .is_empty()
        );
    }
}

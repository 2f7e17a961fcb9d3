//! The store's contract, told as stories that run on SQLite and (when configured) PostgreSQL.

use crate::support;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use onething_domain::Calendar;
use onething_domain::case::{Action, ActorRole, CaseStatus, ItemState, MissingMaterial};
use onething_domain::catalog::Catalog;
use onething_domain::department::DepartmentKind;
use onething_store::cases::{Actor, NewCase};
use onething_store::catalog::Imported;
use onething_store::{Store, StoreError};
use support::{TestDb, fresh_name, test_dbs};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

fn noon(d: NaiveDate) -> DateTime<Utc> {
    // 12:00 in China is 04:00 UTC: the China date of the instant is `d`.
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

async fn newborn_case(store: &Store, on: NaiveDate) -> String {
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
    store
        .open_case(&new, &actor(ActorRole::Applicant, on))
        .await
        .expect("case opens")
        .id
}

#[tokio::test]
async fn migrations_are_idempotent_and_the_database_answers() {
    for TestDb { label, url, store } in test_dbs().await {
        assert!(store.ping().await, "{label}");
        store.migrate().await.expect("second migrate is a no-op");
        let again = Store::open(&url).await.expect("reopen");
        assert!(again.ping().await, "{label}");
    }
}

#[tokio::test]
async fn catalogue_versions_are_immutable_and_new_content_makes_a_new_version() {
    for TestDb { label, store, .. } in test_dbs().await {
        let at = noon(day(2024, 1, 2));
        let v1 = store.ensure_shipped_catalog(at).await.expect("shipped");
        assert_eq!(v1, 1, "{label}");
        assert_eq!(
            store.ensure_shipped_catalog(at).await.expect("again"),
            1,
            "{label}: no duplicate version"
        );

        let mut changed = Catalog::shipped();
        changed.items[0].online = !changed.items[0].online;
        let imported = store
            .import_catalog(&changed, "admin", "flag change", at)
            .await
            .expect("import");
        assert_eq!(imported, Imported::NewVersion(2), "{label}");
        assert_eq!(
            store
                .import_catalog(&changed, "admin", "same again", at)
                .await
                .expect("import"),
            Imported::Unchanged(2),
            "{label}"
        );
        assert_eq!(
            store.current_catalog().await.expect("current").catalog,
            changed,
            "{label}"
        );
        assert_eq!(
            store.catalog_version(1).await.expect("v1").catalog,
            Catalog::shipped(),
            "{label}"
        );
        // The shipped content was imported before: a restart keeps the bureau's version 2.
        assert_eq!(
            store.ensure_shipped_catalog(at).await.expect("restart"),
            2,
            "{label}"
        );

        let mut broken = changed.clone();
        broken.items.push(broken.items[0].clone());
        let err = store
            .import_catalog(&broken, "admin", "dup", at)
            .await
            .expect_err("refused");
        assert!(matches!(err, StoreError::Catalog(_)), "{label}: {err:?}");
        assert_eq!(
            store.current_catalog().await.expect("current").version,
            2,
            "{label}: nothing written"
        );
    }
}

#[tokio::test]
async fn a_case_keeps_the_catalogue_version_it_was_opened_under() {
    for TestDb { label, store, .. } in test_dbs().await {
        let on = day(2024, 9, 27);
        let case_id = newborn_case(&store, on).await;
        let mut changed = Catalog::shipped();
        let newborn = changed
            .bundles
            .iter_mut()
            .find(|b| b.code == "newborn")
            .expect("newborn");
        newborn.items.retain(|i| i.item != "HEALTH-PARENTING");
        store
            .import_catalog(&changed, "admin", "drop parenting", noon(on))
            .await
            .expect("import");
        let case = store.load_case(&case_id).await.expect("load");
        assert_eq!(case.state.catalog_version, 1, "{label}");
        assert_eq!(
            case.state.items.len(),
            7,
            "{label}: old case keeps its items"
        );
        let new_id = newborn_case(&store, on).await;
        let new_case = store.load_case(&new_id).await.expect("load");
        assert_eq!(new_case.state.catalog_version, 2, "{label}");
        assert_eq!(new_case.state.items.len(), 6, "{label}");
    }
}

#[tokio::test]
async fn accepting_a_newborn_case_sets_due_dates_along_the_dependency_chain() {
    let calendar = Calendar::shipped();
    for TestDb { label, store, .. } in test_dbs().await {
        let on = day(2024, 9, 27);
        let case_id = newborn_case(&store, on).await;
        let case = store
            .accept_all(&case_id, &actor(ActorRole::Acceptor, on), &calendar)
            .await
            .expect("accept");
        let due = |item: &str| case.state.items[item].due_on.expect("due date");
        assert_eq!(
            due("HEALTH-BIRTH-CERT"),
            calendar.add_working_days(on, 1).expect("d"),
            "{label}"
        );
        assert_eq!(
            due("POLICE-BIRTH-REGISTRATION"),
            calendar.add_working_days(on, 3).expect("d"),
            "{label}"
        );
        assert_eq!(
            due("HR-SSCARD"),
            calendar.add_working_days(on, 33).expect("d"),
            "{label}"
        );
        assert_eq!(case.state.items["HEALTH-PARENTING"].due_on, None, "{label}");
        assert_eq!(
            case.state.items["HEALTH-BIRTH-CERT"].state,
            ItemState::Accepted,
            "{label}"
        );
        assert_eq!(
            case.version, 8,
            "{label}: one event per accepted item after Opened"
        );
        let projection = store.item_projection(&case_id).await.expect("projection");
        let card = projection
            .iter()
            .find(|(i, ..)| i == "HR-SSCARD")
            .expect("card row");
        assert_eq!(
            card.2,
            Some(calendar.add_working_days(on, 33).expect("d")),
            "{label}"
        );
    }
}

#[tokio::test]
async fn items_move_by_the_rules_and_refused_moves_change_nothing() {
    let calendar = Calendar::shipped();
    for TestDb { label, store, .. } in test_dbs().await {
        let on = day(2024, 9, 27);
        let case_id = newborn_case(&store, on).await;
        store
            .accept_all(&case_id, &actor(ActorRole::Acceptor, on), &calendar)
            .await
            .expect("accept");
        let before = store.load_case(&case_id).await.expect("load");

        let err = store
            .change_item(
                &case_id,
                "HR-SSCARD",
                Action::Start,
                &actor(ActorRole::Handler, on),
                &calendar,
            )
            .await
            .expect_err("card cannot start before registration");
        assert!(
            matches!(&err, StoreError::Plan(p) if p.code() == "DEPENDENCIES_PENDING"),
            "{label}: {err:?}"
        );
        let err = store
            .change_item(
                &case_id,
                "HEALTH-BIRTH-CERT",
                Action::Start,
                &actor(ActorRole::Applicant, on),
                &calendar,
            )
            .await
            .expect_err("the applicant cannot start an item");
        assert!(
            matches!(&err, StoreError::Plan(p) if p.code() == "INVALID_STATE"),
            "{label}: {err:?}"
        );
        let after = store.load_case(&case_id).await.expect("load");
        assert_eq!(
            before.version, after.version,
            "{label}: refused moves write nothing"
        );

        let handler = |_: ()| actor(ActorRole::Handler, on);
        store
            .change_item(
                &case_id,
                "HEALTH-BIRTH-CERT",
                Action::Start,
                &handler(()),
                &calendar,
            )
            .await
            .expect("start");
        let done = Action::Complete {
            certificate_ref: Some("CERT-E-0001".into()),
        };
        let case = store
            .change_item(&case_id, "HEALTH-BIRTH-CERT", done, &handler(()), &calendar)
            .await
            .expect("done");
        assert_eq!(
            case.state.items["HEALTH-BIRTH-CERT"].state,
            ItemState::Done,
            "{label}"
        );
        assert_eq!(
            case.state.items["HEALTH-BIRTH-CERT"]
                .certificate_ref
                .as_deref(),
            Some("CERT-E-0001"),
            "{label}"
        );
        assert_eq!(case.state.status(), CaseStatus::Open, "{label}");
    }
}

#[tokio::test]
async fn a_supplement_notice_lists_everything_missing_and_resubmission_reopens() {
    let calendar = Calendar::shipped();
    for TestDb { label, store, .. } in test_dbs().await {
        let on = day(2024, 9, 27);
        let case_id = newborn_case(&store, on).await;
        let missing = vec![
            MissingMaterial {
                code: "MARRIAGE_CERT".into(),
                name: "结婚证".into(),
                reason: "民政部门未推送婚姻登记信息".into(),
            },
            MissingMaterial {
                code: "HOUSEHOLD_BOOK".into(),
                name: "居民户口簿".into(),
                reason: "照片不清晰".into(),
            },
        ];
        let action = Action::RequestSupplement {
            missing: missing.clone(),
        };
        let case = store
            .change_item(
                &case_id,
                "POLICE-BIRTH-REGISTRATION",
                action,
                &actor(ActorRole::Acceptor, on),
                &calendar,
            )
            .await
            .expect("notice");
        let item = &case.state.items["POLICE-BIRTH-REGISTRATION"];
        assert_eq!(item.state, ItemState::NeedsSupplement, "{label}");
        assert_eq!(item.missing, missing, "{label}");
        let case = store
            .change_item(
                &case_id,
                "POLICE-BIRTH-REGISTRATION",
                Action::Resubmit,
                &actor(ActorRole::Applicant, on),
                &calendar,
            )
            .await
            .expect("resubmit");
        assert_eq!(
            case.state.items["POLICE-BIRTH-REGISTRATION"].state,
            ItemState::Submitted,
            "{label}"
        );
    }
}

#[tokio::test]
async fn a_retried_request_with_the_same_key_does_nothing_twice() {
    let calendar = Calendar::shipped();
    for TestDb { label, store, .. } in test_dbs().await {
        let on = day(2024, 9, 27);
        let case_id = newborn_case(&store, on).await;
        let clerk = actor(ActorRole::Acceptor, on);
        let first = store
            .accept_all(&case_id, &clerk, &calendar)
            .await
            .expect("accept");
        let retry = store
            .accept_all(&case_id, &clerk, &calendar)
            .await
            .expect("retry is harmless");
        assert_eq!(first.version, retry.version, "{label}");
        assert_eq!(
            store.case_events(&case_id).await.expect("events").len(),
            8,
            "{label}"
        );

        let other = newborn_case(&store, on).await;
        let err = store
            .accept_all(&other, &clerk, &calendar)
            .await
            .expect_err("key reused elsewhere");
        assert!(
            matches!(err, StoreError::IdempotencyKeyReused(_)),
            "{label}: {err:?}"
        );

        let applicant = actor(ActorRole::Applicant, on);
        let new = NewCase {
            bundle: "newborn".into(),
            applicant: "person:x".into(),
            region: None,
            filer: None,
            id: None,
        };
        let a = store.open_case(&new, &applicant).await.expect("open");
        let b = store
            .open_case(&new, &applicant)
            .await
            .expect("retried open");
        assert_eq!(a.id, b.id, "{label}: a retried open returns the same case");
    }
}

/// A version once read is answered from memory (versions never change, so a look-up need
/// not parse the catalogue again), and a new version is the current one at once.
#[tokio::test]
async fn a_catalogue_version_is_read_once_and_a_new_one_is_current_at_once() {
    for TestDb { label, store, .. } in test_dbs().await {
        let at = noon(day(2024, 1, 2));
        store.ensure_shipped_catalog(at).await.expect("shipped");
        let first = store.current_catalog().await.expect("current");
        assert_eq!(first.version, 1, "{label}");
        sqlx::query(
            "UPDATE catalog_versions SET note = 'edited behind the store' WHERE version = 1",
        )
        .execute(store.pool())
        .await
        .expect("edit");
        let again = store.catalog_version(1).await.expect("v1");
        assert_eq!(again.note, first.note, "{label}: answered from memory");
        assert!(std::sync::Arc::ptr_eq(&first, &again), "{label}");

        let mut changed = Catalog::shipped();
        changed.items[0].online = !changed.items[0].online;
        store
            .import_catalog(&changed, "admin", "flag change", at)
            .await
            .expect("import");
        let current = store.current_catalog().await.expect("current");
        assert_eq!(current.version, 2, "{label}: the new version at once");
        assert_eq!(current.catalog, changed, "{label}");
    }
}

#[tokio::test]
async fn the_database_refuses_to_rewrite_history() {
    for TestDb { label, store, .. } in test_dbs().await {
        let case_id = newborn_case(&store, day(2024, 9, 27)).await;
        let update =
            sqlx::query("UPDATE case_events SET actor = 'someone else' WHERE case_id = $1")
                .bind(&case_id)
                .execute(store.pool())
                .await;
        assert!(update.is_err(), "{label}: UPDATE of an event must fail");
        let delete = sqlx::query("DELETE FROM case_events WHERE case_id = $1")
            .bind(&case_id)
            .execute(store.pool())
            .await;
        assert!(delete.is_err(), "{label}: DELETE of an event must fail");
        assert_eq!(
            store.case_events(&case_id).await.expect("events").len(),
            1,
            "{label}"
        );
    }
}

#[tokio::test]
async fn the_current_state_is_rebuilt_from_the_events() {
    let calendar = Calendar::shipped();
    for TestDb { label, store, .. } in test_dbs().await {
        let on = day(2024, 9, 27);
        let case_id = newborn_case(&store, on).await;
        store
            .accept_all(&case_id, &actor(ActorRole::Acceptor, on), &calendar)
            .await
            .expect("accept");
        store
            .change_item(
                &case_id,
                "CDC-VACCINATION-CERT",
                Action::Start,
                &actor(ActorRole::Handler, on),
                &calendar,
            )
            .await
            .expect("start");
        let expected = store.item_projection(&case_id).await.expect("projection");

        // Damage the projection by hand, as a bug or a bad restore would.
        sqlx::query("UPDATE case_items SET state = 'done', due_on = NULL WHERE case_id = $1")
            .bind(&case_id)
            .execute(store.pool())
            .await
            .expect("damage");
        assert_ne!(
            store.item_projection(&case_id).await.expect("projection"),
            expected,
            "{label}"
        );

        let rebuilt = store.rebuild_projection(&case_id).await.expect("rebuild");
        assert_eq!(
            store.item_projection(&case_id).await.expect("projection"),
            expected,
            "{label}"
        );
        let replayed = onething_domain::case::CaseState::replay(
            &store.case_events(&case_id).await.expect("events"),
        )
        .expect("replay");
        assert_eq!(rebuilt.state, replayed, "{label}");
        let from_events: Vec<_> = replayed
            .items
            .iter()
            .map(|(code, item)| (code.clone(), item.state, item.due_on))
            .collect();
        assert_eq!(
            from_events, expected,
            "{label}: projection equals the fold of the events"
        );
    }
}

#[tokio::test]
async fn an_item_move_whose_projection_row_is_gone_writes_nothing() {
    let calendar = Calendar::shipped();
    for TestDb { label, store, .. } in test_dbs().await {
        let on = day(2024, 9, 27);
        let case_id = newborn_case(&store, on).await;
        let before = store.load_case(&case_id).await.expect("case");
        sqlx::query("DELETE FROM case_items WHERE case_id = $1 AND item = 'HR-SSCARD'")
            .bind(&case_id)
            .execute(store.pool())
            .await
            .expect("damage");
        let refused = store
            .accept_all(&case_id, &actor(ActorRole::Acceptor, on), &calendar)
            .await;
        assert!(
            matches!(refused, Err(StoreError::Corrupt(_))),
            "{label}: {refused:?}"
        );
        let after = store.load_case(&case_id).await.expect("case");
        assert_eq!(after.version, before.version, "{label}: rolled back");
        assert_eq!(
            store.case_events(&case_id).await.expect("events").len(),
            1,
            "{label}: only the opening"
        );
    }
}

#[tokio::test]
async fn two_concurrent_transitions_on_one_case_never_both_win() {
    let calendar = Calendar::shipped();
    for TestDb { label, store, .. } in test_dbs().await {
        let on = day(2024, 9, 27);
        let case_id = newborn_case(&store, on).await;
        let read_once = store.load_case(&case_id).await.expect("load");
        // Both requests planned from the same version: only one append may land.
        let plan = |item: &str| {
            onething_domain::case::plan_item_change(
                &read_once.state,
                item,
                Action::Accept,
                ActorRole::Acceptor,
                on,
                &calendar,
            )
            .expect("plan")
        };
        let (first, second) = (
            actor(ActorRole::Acceptor, on),
            actor(ActorRole::Acceptor, on),
        );
        let (a, b) = tokio::join!(
            store.append(&read_once, vec![plan("HEALTH-BIRTH-CERT")], &first),
            store.append(&read_once, vec![plan("CDC-VACCINATION-CERT")], &second),
        );
        let wins = [a.is_ok(), b.is_ok()].iter().filter(|w| **w).count();
        assert_eq!(wins, 1, "{label}: exactly one wins");
        let loser = if a.is_err() { a } else { b };
        assert!(
            matches!(loser, Err(StoreError::Conflict { .. })),
            "{label}: {loser:?}"
        );
        assert_eq!(
            store.case_events(&case_id).await.expect("events").len(),
            2,
            "{label}"
        );

        // Through the high-level call, many racing accepts of one item: one succeeds.
        let tasks: Vec<_> = (0..6)
            .map(|_| {
                let (store, calendar, case_id) = (store.clone(), calendar.clone(), case_id.clone());
                tokio::spawn(async move {
                    store
                        .change_item(
                            &case_id,
                            "HEALTH-PARENTING",
                            Action::Accept,
                            &actor(ActorRole::Acceptor, on),
                            &calendar,
                        )
                        .await
                })
            })
            .collect();
        let mut ok = 0;
        for task in tasks {
            match task.await.expect("task") {
                Ok(_) => ok += 1,
                Err(StoreError::Conflict { .. }) => {}
                Err(StoreError::Plan(p)) if p.code() == "INVALID_STATE" => {}
                Err(other) => panic!("{label}: unexpected {other:?}"),
            }
        }
        assert_eq!(ok, 1, "{label}");
        let case = store.load_case(&case_id).await.expect("load");
        assert_eq!(case.version, 3, "{label}");
    }
}

#[tokio::test]
async fn overdue_and_near_due_items_are_listed() {
    let calendar = Calendar::shipped();
    for TestDb { label, store, .. } in test_dbs().await {
        let accepted = day(2024, 9, 27);
        let case_id = newborn_case(&store, accepted).await;
        store
            .accept_all(&case_id, &actor(ActorRole::Acceptor, accepted), &calendar)
            .await
            .expect("accept");
        let cert_due = calendar.add_working_days(accepted, 1).expect("d");
        // The day after the certificate's due date: it is overdue; registration is due within 2 working days.
        let today = calendar.add_working_days(cert_due, 1).expect("d");
        let until = calendar.add_working_days(today, 2).expect("d");
        let due = store.list_due(today, until, None).await.expect("due");
        let cert = due
            .iter()
            .find(|d| d.item == "HEALTH-BIRTH-CERT")
            .expect("certificate listed");
        assert!(cert.overdue, "{label}");
        assert_eq!(cert.department, DepartmentKind::Health, "{label}");
        let reg = due
            .iter()
            .find(|d| d.item == "POLICE-BIRTH-REGISTRATION")
            .expect("registration listed");
        assert!(!reg.overdue, "{label}");
        assert!(
            due.iter().all(|d| d.item != "HR-SSCARD"),
            "{label}: the card is far from due"
        );
        let health_only = store
            .list_due(today, until, Some(DepartmentKind::Health))
            .await
            .expect("due");
        assert!(
            health_only
                .iter()
                .all(|d| d.department == DepartmentKind::Health),
            "{label}"
        );
        assert!(!health_only.is_empty(), "{label}");
    }
}

#[tokio::test]
async fn unknown_bundle_and_case_are_not_found() {
    for TestDb { label, store, .. } in test_dbs().await {
        store
            .ensure_shipped_catalog(noon(day(2024, 1, 2)))
            .await
            .expect("catalogue");
        let new = NewCase {
            bundle: "no_such_bundle".into(),
            applicant: "p".into(),
            region: None,
            filer: None,
            id: None,
        };
        let err = store
            .open_case(&new, &actor(ActorRole::Applicant, day(2024, 1, 2)))
            .await
            .expect_err("unknown");
        assert!(
            matches!(err, StoreError::NotFound { what: "bundle", .. }),
            "{label}: {err:?}"
        );
        let err = store.load_case("nope").await.expect_err("unknown");
        assert!(
            matches!(err, StoreError::NotFound { what: "case", .. }),
            "{label}: {err:?}"
        );
    }
}

#[tokio::test]
async fn unsupported_urls_are_refused() {
    assert!(matches!(
        Store::open("mysql://localhost/x").await,
        Err(StoreError::UnsupportedUrl(_))
    ));
    assert!(matches!(
        Store::open("sqlite::memory:").await,
        Err(StoreError::UnsupportedUrl(_))
    ));
}

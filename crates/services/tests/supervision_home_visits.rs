//! Home-visit appointments (预约上门服务, SV-4) through the services layer on SQLite and
//! PostgreSQL: slots only on working days and not in the past; the applicant books for her
//! case and is told in-site and by SMS; a full slot and a second live booking are refused by
//! the database (409); cancelling frees the place; the clerk records the visit on the case
//! as a `home_visit`, which counts no run in the measures.

use onething_domain::RegionCode;
use onething_domain::access::{Role, Scope};
use onething_services::ServiceError;
use onething_services::supervision::{self, Book, BookingInput, PublishSlot, SlotInput};
use onething_store::allowance::steps::Recipient;

use crate::supervision::{HERE, actor, case, citizen, clerk, period, person, services, supervisor};
use crate::support::test_dbs;

fn slot(date: &str, starts: &str, ends: &str, capacity: i64) -> PublishSlot {
    PublishSlot::try_from(SlotInput {
        date: Some(date.into()),
        starts: Some(starts.into()),
        ends: Some(ends.into()),
        capacity: Some(capacity),
        region: None,
    })
    .expect("valid slot")
}

fn book(slot_id: &str) -> Book {
    Book::try_from(BookingInput {
        slot_id: Some(slot_id.into()),
        address: Some("黔江区城西街道某小区3栋2单元".into()),
        phone: Some("023-79220000".into()),
    })
    .expect("valid booking")
}

fn field_of(r: &Result<impl std::fmt::Debug, ServiceError>) -> Option<(&'static str, String)> {
    match r {
        Err(ServiceError::Invalid(i)) => Some((i.code, i.field.clone())),
        _ => None,
    }
}

#[tokio::test]
async fn booking_cancelling_and_the_visit_with_capacity_and_one_booking_per_case() {
    for db in test_dbs().await {
        let store = &db.store;
        let svc = services(store);
        let now = "2024-12-03"; // Tuesday, 10:00 in China
        let desk = clerk(now);
        let hers = case(store, 41, HERE, "2024-12-02", None, false).await;
        let his = case(store, 42, HERE, "2024-12-02", None, false).await;

        // Slots: working days only, not started, once per start.
        let one = supervision::publish_slot(&svc, &desk, slot("2024-12-04", "09:00", "11:00", 1))
            .await
            .expect("published");
        let two = supervision::publish_slot(&svc, &desk, slot("2024-12-04", "14:00", "16:00", 2))
            .await
            .expect("published");
        let saturday =
            supervision::publish_slot(&svc, &desk, slot("2024-12-07", "09:00", "11:00", 1)).await;
        assert_eq!(
            field_of(&saturday),
            Some(("NOT_WORKING_DAY", "date".into())),
            "{}",
            db.label
        );
        let started =
            supervision::publish_slot(&svc, &desk, slot("2024-12-03", "09:30", "11:00", 1)).await;
        assert_eq!(field_of(&started), Some(("SLOT_IN_PAST", "date".into())));
        let twice =
            supervision::publish_slot(&svc, &desk, slot("2024-12-04", "09:00", "10:00", 3)).await;
        assert!(
            matches!(twice, Err(ServiceError::NotNow(_))),
            "{}",
            db.label
        );
        let by_person = supervision::publish_slot(
            &svc,
            &citizen(41, now),
            slot("2024-12-05", "09:00", "10:00", 1),
        )
        .await;
        assert!(matches!(by_person, Err(ServiceError::Access(_))));

        // The applicant books for her case and is told; a stranger cannot book for it.
        let mum = citizen(41, now);
        let listed = supervision::slots_for_case(&svc, &mum, &hers)
            .await
            .expect("slots");
        assert_eq!(listed.len(), 2, "{}", db.label);
        let booked = supervision::book_home_visit(&svc, &mum, &hers, book(&one.id))
            .await
            .expect("booked");
        assert_eq!(booked.status, "booked");
        assert_eq!(store.slot(&one.id).await.expect("slot").booked, 1);
        let me = Recipient::Person(person(41).to_string());
        for channel in ["in_site", "sms"] {
            let told = store
                .notifications_for(&me, channel, 10)
                .await
                .expect("notes");
            assert!(
                told.iter()
                    .any(|n| n.body.contains("已预约上门服务") && n.subject_id == booked.id),
                "{}: {channel}",
                db.label
            );
        }
        let stranger =
            supervision::book_home_visit(&svc, &citizen(43, now), &hers, book(&two.id)).await;
        assert!(
            matches!(stranger, Err(ServiceError::Access(_))),
            "{}",
            db.label
        );

        // One live booking per case; a full slot refused — both by the database.
        let again = supervision::book_home_visit(&svc, &mum, &hers, book(&two.id)).await;
        assert!(
            matches!(again, Err(ServiceError::AlreadyBooked)),
            "{}",
            db.label
        );
        let full = supervision::book_home_visit(&svc, &desk, &his, book(&one.id)).await;
        assert!(matches!(full, Err(ServiceError::SlotFull)), "{}", db.label);
        assert_eq!(
            store.slot(&one.id).await.expect("slot").booked,
            1,
            "nothing half-written"
        );

        // Cancelling frees the place and tells her; the clerk then books it for him.
        let cancelled = supervision::cancel_home_visit(&svc, &mum, &booked.id)
            .await
            .expect("cancelled");
        assert_eq!(cancelled.status, "cancelled");
        assert_eq!(store.slot(&one.id).await.expect("slot").booked, 0);
        let told = store
            .notifications_for(&me, "in_site", 10)
            .await
            .expect("notes");
        assert!(told.iter().any(|n| n.body.contains("上门服务预约已取消")));
        let twice = supervision::cancel_home_visit(&svc, &mum, &booked.id).await;
        assert!(matches!(twice, Err(ServiceError::NotNow(_))));
        let for_him = supervision::book_home_visit(&svc, &desk, &his, book(&one.id))
            .await
            .expect("booked on his behalf");

        // A slot already started cannot be booked.
        let later = clerk("2024-12-04");
        let late = supervision::book_home_visit(&svc, &later, &hers, book(&one.id)).await;
        assert_eq!(
            field_of(&late),
            Some(("SLOT_IN_PAST", "slot_id".into())),
            "{}",
            db.label
        );

        // The clerk records the visit: a `home_visit` on the case, the booking closed.
        let visited =
            supervision::record_home_visit(&svc, &later, &for_him.id, Some("已上门办结".into()))
                .await
                .expect("visited");
        assert_eq!(visited.status, "visited");
        let visits = supervision::visits_of_case(&svc, &desk, &his)
            .await
            .expect("visits");
        assert_eq!(visits.len(), 1);
        assert_eq!(visits[0].kind, "home_visit");
        assert_eq!(visited.visit_id.as_deref(), Some(visits[0].id.as_str()));
        let again = supervision::record_home_visit(&svc, &later, &for_him.id, None).await;
        assert!(matches!(again, Err(ServiceError::NotNow(_))));

        // The city's supervisor sees the district's slots and bookings.
        let city = supervisor(500000, now);
        let slots = supervision::office_slots(&svc, &city).await.expect("slots");
        assert_eq!(slots.len(), 2, "{}", db.label);
        let all = supervision::home_visits(&svc, &city).await.expect("list");
        assert_eq!(all.len(), 2, "{}: hers cancelled, his visited", db.label);

        // Another office sees none of it.
        let far = actor(
            "far",
            Role::AgencyClerk,
            Scope::Region(RegionCode::new(500228).expect("region")),
            now,
        );
        let theirs = supervision::home_visits(&svc, &far).await.expect("list");
        assert!(theirs.is_empty());
        let cancel_far = supervision::cancel_home_visit(&svc, &far, &for_him.id).await;
        assert!(matches!(cancel_far, Err(ServiceError::Access(_))));
        let mine = supervision::home_visits(&svc, &mum).await.expect("list");
        assert_eq!(mine.len(), 1, "her cancelled booking");
    }
}

#[tokio::test]
async fn a_home_visit_counts_no_run_in_the_measures() {
    for db in test_dbs().await {
        let store = &db.store;
        let svc = services(store);
        // Booked on Monday 2 September for Tuesday, visited then; the case ends Friday.
        let id = case(store, 44, HERE, "2024-09-02", Some("2024-09-06"), false).await;
        let s = supervision::publish_slot(
            &svc,
            &clerk("2024-09-02"),
            slot("2024-09-03", "14:00", "16:00", 2),
        )
        .await
        .expect("slot");
        let b = supervision::book_home_visit(&svc, &clerk("2024-09-02"), &id, book(&s.id))
            .await
            .expect("booked");
        supervision::record_home_visit(&svc, &clerk("2024-09-03"), &b.id, None)
            .await
            .expect("visited");
        let sup = supervisor(500114, "2024-10-08");
        let m = supervision::measures(&svc, &sup, period("2024-09-01", "2024-09-30", None))
            .await
            .expect("measures");
        assert_eq!(m.measures.cases, 1, "{}", db.label);
        assert_eq!(m.measures.avg_visits, Some(0.0), "{}", db.label);
        assert_eq!(
            m.measures.online_share,
            Some(1.0),
            "一次不用跑: no run of hers"
        );
    }
}

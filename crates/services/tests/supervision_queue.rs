//! The service hall's 取号/叫号 queue (SV-4) through the services layer on SQLite and
//! PostgreSQL: the elderly (by the dated `elderly_age`, 60 in 500114) and the disabled get
//! priority tickets called first, each class in the order taken; serving a ticket for a
//! case records its window visit with the priority; a served ticket is not served twice;
//! each office sees only its own queue of the day.

use chrono::NaiveDate;
use onething_domain::access::{Role, Scope};
use onething_domain::{CitizenId, RegionCode};
use onething_services::ServiceError;
use onething_services::supervision::{
    self, Serve, ServeInput, TakeTicket, TicketInput, WindowQueue,
};
use onething_store::supervision::Ticket;

use crate::supervision::{HERE, actor, case, citizen, clerk, services};
use crate::support::test_dbs;

fn born(birth: &str, seq: u16) -> CitizenId {
    let birth: NaiveDate = birth.parse().expect("date");
    CitizenId::from_parts(RegionCode::new(500114).expect("region"), birth, seq).expect("citizen id")
}

fn take(id: &CitizenId, name: &str, case_id: Option<&str>, disabled: bool) -> TakeTicket {
    TakeTicket::try_from(TicketInput {
        citizen_id: Some(id.as_str().to_owned()),
        name: Some(name.into()),
        case_id: case_id.map(str::to_owned),
        disabled,
    })
    .expect("valid ticket")
}

fn serve(kind: &str, case_id: Option<&str>) -> Serve {
    Serve::try_from(ServeInput {
        kind: Some(kind.into()),
        case_id: case_id.map(str::to_owned),
        note: Some("叫号办理".into()),
    })
    .expect("valid serve")
}

fn numbers(q: &WindowQueue) -> Vec<&str> {
    q.waiting.iter().map(|t| t.number.as_str()).collect()
}

fn find<'a>(q: &'a WindowQueue, number: &str) -> &'a Ticket {
    q.waiting
        .iter()
        .find(|t| t.number == number)
        .expect("ticket in the queue")
}

#[tokio::test]
async fn the_elderly_and_disabled_are_called_first_and_served_with_the_priority_flag() {
    for db in test_dbs().await {
        let store = &db.store;
        let svc = services(store);
        let today = "2024-12-03";
        let desk = clerk(today);
        let elderly_case = case(store, 31, HERE, "2024-12-02", None, false).await;
        let other_case = case(store, 32, HERE, "2024-12-02", None, false).await;

        // Taken in this order: an ordinary visitor, one a day short of 60, one 60 today
        // (with a case), a disabled one of 34.
        let plain = take(&born("1990-05-01", 11), "甲一", None, false);
        let almost = take(&born("1964-12-04", 12), "乙二", None, false);
        let sixty = take(&born("1964-12-03", 13), "丙三", Some(&elderly_case), false);
        let disabled = take(&born("1990-05-01", 14), "丁四", None, true);
        for t in [plain, almost, sixty, disabled] {
            supervision::issue_ticket(&svc, &desk, t)
                .await
                .expect("issued");
        }
        let q = supervision::window_queue(&svc, &desk).await.expect("queue");
        assert_eq!(
            numbers(&q),
            ["Y001", "Y002", "A001", "A002"],
            "{}",
            db.label
        );
        assert_eq!(q.elderly_age, 60);
        assert!(q.elderly_age_source.contains("老年人权益保障法"));
        let y1 = find(&q, "Y001").clone();
        assert_eq!(y1.priority_reason.as_deref(), Some("elderly"));
        assert_eq!(
            find(&q, "Y002").priority_reason.as_deref(),
            Some("disabled")
        );
        assert_eq!(find(&q, "A002").priority_reason, None, "59 is not elderly");

        // Serving the elderly visitor records the case's visit with the priority flag.
        let served = supervision::serve_ticket(&svc, &desk, &y1.id, serve("submission", None))
            .await
            .expect("served");
        assert_eq!(served.status, "served");
        let visits = supervision::visits_of_case(&svc, &desk, &elderly_case)
            .await
            .expect("visits");
        assert_eq!(visits.len(), 1, "{}", db.label);
        assert!(visits[0].priority);
        assert_eq!(visits[0].kind, "submission");
        assert_eq!(served.visit_id.as_deref(), Some(visits[0].id.as_str()));

        // Not twice: 409, and no second visit.
        let again = supervision::serve_ticket(&svc, &desk, &y1.id, serve("pickup", None)).await;
        assert!(
            matches!(again, Err(ServiceError::NotNow(_))),
            "{}",
            db.label
        );
        let visits = supervision::visits_of_case(&svc, &desk, &elderly_case)
            .await
            .expect("visits");
        assert_eq!(visits.len(), 1);

        // A consultation without a case records no visit; a case named when serving does,
        // ordinary.
        let q = supervision::window_queue(&svc, &desk).await.expect("queue");
        assert_eq!(numbers(&q), ["Y002", "A001", "A002"]);
        let a1 = find(&q, "A001").id.clone();
        let a2 = find(&q, "A002").id.clone();
        let none = supervision::serve_ticket(&svc, &desk, &a1, serve("consultation", None))
            .await
            .expect("served");
        assert_eq!(none.visit_id, None);
        supervision::serve_ticket(&svc, &desk, &a2, serve("supplement", Some(&other_case)))
            .await
            .expect("served");
        let visits = supervision::visits_of_case(&svc, &desk, &other_case)
            .await
            .expect("visits");
        assert_eq!(visits.len(), 1);
        assert!(!visits[0].priority);

        // Another office neither sees nor serves this queue; the next day starts afresh.
        let far = actor(
            "far",
            Role::AgencyClerk,
            Scope::Region(RegionCode::new(500228).expect("region")),
            today,
        );
        let theirs = supervision::window_queue(&svc, &far).await.expect("queue");
        assert!(theirs.waiting.is_empty());
        let y2 = find(&q, "Y002").id.clone();
        let stranger = supervision::serve_ticket(&svc, &far, &y2, serve("pickup", None)).await;
        assert!(
            matches!(stranger, Err(ServiceError::Access(_))),
            "{}",
            db.label
        );
        let tomorrow = clerk("2024-12-04");
        let q = supervision::window_queue(&svc, &tomorrow)
            .await
            .expect("queue");
        assert!(
            q.waiting.is_empty(),
            "yesterday's tickets are not called today"
        );
        let first = supervision::issue_ticket(
            &svc,
            &tomorrow,
            take(&born("1990-05-01", 15), "戊五", None, false),
        )
        .await
        .expect("issued");
        assert_eq!(first.number, "A001");

        let audit = store
            .list_audit(&onething_store::audit::AuditFilter {
                limit: 100,
                ..Default::default()
            })
            .await
            .expect("audit");
        let issued = audit
            .iter()
            .filter(|e| e.entry.action == "window_ticket_issued")
            .count();
        let served = audit
            .iter()
            .filter(|e| e.entry.action == "window_ticket_served")
            .count();
        assert_eq!((issued, served), (5, 3), "{}", db.label);
    }
}

#[tokio::test]
async fn only_the_hall_clerk_issues_and_bad_input_names_its_field() {
    for db in test_dbs().await {
        let store = &db.store;
        let svc = services(store);
        let t = take(&born("1990-05-01", 16), "己六", None, false);
        let person = supervision::issue_ticket(&svc, &citizen(16, "2024-12-03"), t.clone()).await;
        assert!(
            matches!(person, Err(ServiceError::Access(_))),
            "{}",
            db.label
        );
        let hospital = actor(
            "h",
            Role::HospitalClerk,
            Scope::Region(RegionCode::new(500114).expect("region")),
            "2024-12-03",
        );
        let refused = supervision::window_queue(&svc, &hospital).await;
        assert!(matches!(refused, Err(ServiceError::Access(_))));

        let bad = TakeTicket::try_from(TicketInput {
            citizen_id: Some("500114199005010000".into()),
            name: Some("庚七".into()),
            ..Default::default()
        });
        assert!(
            matches!(bad, Err(ref i) if i.field == "citizen_id"),
            "{bad:?}"
        );
        let no_name = TakeTicket::try_from(TicketInput {
            citizen_id: Some(born("1990-05-01", 17).as_str().into()),
            ..Default::default()
        });
        assert!(matches!(no_name, Err(ref i) if i.field == "name"));
        let bad_kind = Serve::try_from(ServeInput {
            kind: Some("lunch".into()),
            ..Default::default()
        });
        assert!(matches!(bad_kind, Err(ref i) if i.field == "kind"));

        // A case of another region is not this office's to name.
        let far_case = case(store, 33, "500228", "2024-12-02", None, false).await;
        let t = take(&born("1990-05-01", 18), "辛八", Some(&far_case), false);
        let outside =
            supervision::issue_ticket(&svc, &crate::supervision::clerk("2024-12-03"), t).await;
        assert!(
            matches!(outside, Err(ServiceError::Access(_))),
            "{}",
            db.label
        );
    }
}

//! Supervision through the services layer on SQLite and PostgreSQL: 好差评 per case and per
//! item with the rating period, the rectification a bad rating opens and its only way to
//! close (investigation → rectification → revisit), window visits, complaints, and the
//! measures of a period computed from a fixture whose right answers are worked out by hand
//! below (September 2024: the Mid-Autumn holiday is 15–17 September, Saturday 14 September
//! a make-up working day).

use std::sync::Arc;

use crate::support::test_dbs;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use onething_domain::access::{Role, Scope};
use onething_domain::case::{Action, ActorRole};
use onething_domain::department::DepartmentKind;
use onething_domain::rules::MaternityParams;
use onething_domain::supervision::RectificationStatus;
use onething_domain::{Calendar, CitizenId, RegionCode};
use onething_services::supervision::{
    self, ComplaintInput, FileComplaint, Note, Period, PeriodInput, Rate, RatingInput, Revisit,
    RevisitInput, VisitInput, WindowVisit,
};
use onething_services::{Actor, ServiceError, Services};
use onething_store::Store;
use onething_store::cases::{Actor as CaseActor, NewCase};
use serde_json::json;

pub(crate) const HERE: &str = "500114";

pub(crate) fn day(s: &str) -> NaiveDate {
    s.parse().expect("date")
}

/// 10:00 in China on `s`.
pub(crate) fn at(s: &str) -> DateTime<Utc> {
    let d = day(s);
    Utc.from_utc_datetime(&d.and_hms_opt(2, 0, 0).expect("time"))
}

pub(crate) fn person(seq: u16) -> CitizenId {
    CitizenId::from_parts(
        RegionCode::new(500114).expect("region"),
        day("1990-05-01"),
        seq,
    )
    .expect("citizen id")
}

pub(crate) fn services(store: &Store) -> Services {
    Services::with_calendar(
        store.clone(),
        Arc::new(MaternityParams::shipped()),
        Calendar::shipped(),
    )
}

pub(crate) fn actor(name: &str, role: Role, scope: Scope, when: &str) -> Actor {
    Actor {
        username: name.into(),
        role,
        scope,
        at: at(when),
        idempotency_key: None,
    }
}

pub(crate) fn citizen(seq: u16, when: &str) -> Actor {
    actor(
        &format!("p{seq}"),
        Role::Person,
        Scope::Person(person(seq)),
        when,
    )
}

pub(crate) fn supervisor(region: u32, when: &str) -> Actor {
    let scope = Scope::Region(RegionCode::new(region).expect("region"));
    actor("sup", Role::Supervisor, scope, when)
}

pub(crate) fn clerk(when: &str) -> Actor {
    let scope = Scope::Region(RegionCode::new(500114).expect("region"));
    actor("clerk", Role::AgencyClerk, scope, when)
}

pub(crate) fn officer(kind: DepartmentKind, when: &str) -> Actor {
    let scope = Scope::Department {
        id: format!("{}-1", kind.as_str()),
        kind,
    };
    actor("officer", Role::DeptOfficer, scope, when)
}

pub(crate) fn system(when: &str) -> CaseActor {
    CaseActor {
        name: "fixture".into(),
        role: ActorRole::System,
        idempotency_key: onething_test_support::fresh_name(),
        at: at(when),
    }
}

const DATA_ITEMS: [&str; 3] = [
    "HEALTH-BIRTH-CERT-INFO",
    "TAX-EMPLOYER-WAGE",
    "HOSPITAL-DELIVERY-INFO",
];

/// A maternity-allowance case of `who` in `region`, accepted on `accepted` with its data
/// items in and the payment item (PS-05, 10 working days) started that day; the payment
/// done on `ended` (open when `None`); or every item withdrawn on `ended`.
pub(crate) async fn case(
    store: &Store,
    who: u16,
    region: &str,
    accepted: &str,
    ended: Option<&str>,
    withdraw: bool,
) -> String {
    let new = NewCase {
        bundle: "maternity_allowance".into(),
        applicant: format!("person:{}", person(who)),
        region: Some(region.into()),
        filer: None,
        id: None,
    };
    store
        .ensure_shipped_catalog(at("2024-01-01"))
        .await
        .expect("catalogue");
    let calendar = Calendar::shipped();
    let case = store
        .open_case(&new, &system(accepted))
        .await
        .expect("open");
    store
        .accept_all(&case.id, &system(accepted), &calendar)
        .await
        .expect("accept");
    if withdraw {
        for item in DATA_ITEMS.into_iter().chain(["PS-05"]) {
            let mut by = system(ended.expect("withdrawal date"));
            by.role = ActorRole::Applicant;
            let why = Action::Withdraw {
                reason: "不办了".into(),
            };
            store
                .change_item(&case.id, item, why, &by, &calendar)
                .await
                .expect("withdraw");
        }
        return case.id;
    }
    let done = || Action::Complete {
        certificate_ref: Some("fixture".into()),
    };
    for item in DATA_ITEMS {
        for action in [Action::Start, done()] {
            store
                .change_item(&case.id, item, action, &system(accepted), &calendar)
                .await
                .expect("data item");
        }
    }
    store
        .change_item(
            &case.id,
            "PS-05",
            Action::Start,
            &system(accepted),
            &calendar,
        )
        .await
        .expect("start payment");
    if let Some(end) = ended {
        store
            .change_item(&case.id, "PS-05", done(), &system(end), &calendar)
            .await
            .expect("pay");
    }
    case.id
}

pub(crate) fn rating(value: serde_json::Value) -> Rate {
    let input: RatingInput = serde_json::from_value(value).expect("rating input");
    Rate::try_from(input).expect("valid rating")
}

pub(crate) async fn visit(svc: &Services, case_id: &str, kind: &str, when: &str) {
    let input = VisitInput {
        kind: Some(kind.into()),
        priority: false,
        note: None,
    };
    let v = WindowVisit::try_from(input).expect("visit");
    supervision::record_visit(svc, &clerk(when), case_id, v)
        .await
        .expect("visit recorded");
}

pub(crate) fn period(from: &str, to: &str, region: Option<&str>) -> Period {
    Period::try_from(PeriodInput {
        from: Some(from.into()),
        to: Some(to.into()),
        region: region.map(str::to_owned),
    })
    .expect("period")
}

pub(crate) fn note(text: &str) -> Note {
    Note(text.into())
}

#[tokio::test]
async fn a_bad_rating_opens_a_rectification_that_closes_only_through_its_revisit() {
    for db in test_dbs().await {
        let store = &db.store;
        let svc = services(store);
        // Accepted Monday 2 September, paid Friday 6 September.
        let id = case(store, 2, HERE, "2024-09-02", Some("2024-09-06"), false).await;
        let open = case(store, 3, HERE, "2024-09-02", None, false).await;
        let early = supervision::rate(
            &svc,
            &citizen(3, "2024-09-03"),
            &open,
            rating(json!({"score": 5})),
        )
        .await;
        assert!(
            matches!(early, Err(ServiceError::NotNow(_))),
            "{}",
            db.label
        );
        let stranger = supervision::rate(
            &svc,
            &citizen(9, "2024-09-09"),
            &id,
            rating(json!({"score": 5})),
        )
        .await;
        assert!(
            matches!(stranger, Err(ServiceError::Access(_))),
            "{}",
            db.label
        );
        let unknown = rating(json!({"score": 4, "items": [{"item": "PS-99", "score": 4}]}));
        let refused = supervision::rate(&svc, &citizen(2, "2024-09-09"), &id, unknown).await;
        assert!(matches!(refused, Err(ServiceError::Invalid(ref i)) if i.field == "items[0].item"));

        // Rated Monday 9 September: the case 1 (lead: medical insurance), PS-05 2.
        let bad = rating(json!({
            "score": 1, "reasons": ["SLOW"], "comment": "等了很久",
            "items": [{"item": "PS-05", "score": 2, "reasons": ["MANY_VISITS"]},
                      {"item": "TAX-EMPLOYER-WAGE", "score": 5, "reasons": ["FAST"]}]
        }));
        supervision::rate(&svc, &citizen(2, "2024-09-09"), &id, bad.clone())
            .await
            .expect("rated");
        let again = supervision::rate(&svc, &citizen(2, "2024-09-09"), &id, bad).await;
        assert!(
            matches!(again, Err(ServiceError::AlreadyRated)),
            "{}",
            db.label
        );
        let (stored, until) = supervision::rating_of_case(&svc, &citizen(2, "2024-09-10"), &id)
            .await
            .expect("rating");
        let stored = stored.expect("stored");
        assert_eq!(stored.reasons, ["SLOW"]);
        assert_eq!(stored.items.len(), 2);
        // Ended 6 Sep + 15 working days: 9–13 (5), Sat 14 make-up (6), 18–20 (9),
        // 23–27 (14), Sun 29 Sep (15: a make-up working day for National Day).
        assert_eq!(until, Some(day("2024-09-29")));

        let sup = supervisor(500114, "2024-09-10");
        let tasks = supervision::rectifications(&svc, &sup, None)
            .await
            .expect("tasks");
        assert_eq!(tasks.len(), 2, "{}: one per bad score", db.label);
        // 500114's period: 10 working days from 9 Sep: 10–13 (4), 14 (5), 18–20 (8), 23, 24.
        assert!(tasks.iter().all(|t| t.due_on == day("2024-09-24")));
        assert!(tasks.iter().all(|t| t.status == RectificationStatus::Open));
        let case_task = tasks.iter().find(|t| t.item.is_none()).expect("case task");
        let item_task = tasks
            .iter()
            .find(|t| t.item.as_deref() == Some("PS-05"))
            .expect("item task");
        assert_eq!(case_task.owner_department, DepartmentKind::MedicalInsurance);
        assert_eq!(case_task.owner_region.as_deref(), Some(HERE));

        // Another region's supervisor and another department see none of it.
        let far = supervisor(450200, "2024-09-10");
        assert!(
            supervision::rectifications(&svc, &far, None)
                .await
                .expect("none")
                .is_empty()
        );
        let health = officer(DepartmentKind::Health, "2024-09-10");
        assert!(
            supervision::rectifications(&svc, &health, None)
                .await
                .expect("none")
                .is_empty()
        );
        let wrong = supervision::investigate(&svc, &health, &case_task.id, note("x")).await;
        assert!(matches!(wrong, Err(ServiceError::Access(_))));

        // No step skipped: rectify before investigating, revisit before rectifying.
        let mi = officer(DepartmentKind::MedicalInsurance, "2024-09-11");
        let skip = supervision::rectify(&svc, &mi, &case_task.id, note("改")).await;
        assert!(matches!(skip, Err(ServiceError::NotNow(_))), "{}", db.label);
        let revisit = |outcome: &str| {
            Revisit::try_from(RevisitInput {
                outcome: Some(outcome.into()),
                note: Some("电话回访".into()),
            })
            .expect("revisit")
        };
        let sup11 = supervisor(500114, "2024-09-12");
        let too_soon =
            supervision::revisit(&svc, &sup11, &case_task.id, revisit("satisfied")).await;
        assert!(matches!(too_soon, Err(ServiceError::NotNow(_))));
        // The officer may not revisit, the supervisor may not rectify (policy table).
        let officer_revisit =
            supervision::revisit(&svc, &mi, &case_task.id, revisit("satisfied")).await;
        assert!(matches!(officer_revisit, Err(ServiceError::Access(_))));

        let t = supervision::investigate(&svc, &mi, &case_task.id, note("支付环节等待银行回盘"))
            .await
            .expect("investigated");
        assert_eq!(t.status, RectificationStatus::Open);
        let t = supervision::rectify(&svc, &mi, &case_task.id, note("改为每日回盘"))
            .await
            .expect("rectified");
        assert_eq!(t.status, RectificationStatus::Rectified);
        let t = supervision::revisit(&svc, &sup11, &case_task.id, revisit("satisfied"))
            .await
            .expect("revisited");
        assert_eq!(t.status, RectificationStatus::Revisited);
        assert!(t.investigation.is_some() && t.rectification.is_some() && t.revisit.is_some());
        let closed = supervision::investigate(&svc, &mi, &case_task.id, note("again")).await;
        assert!(matches!(closed, Err(ServiceError::NotNow(_))));
        supervision::investigate(&svc, &mi, &item_task.id, note("查明"))
            .await
            .expect("inv");
        supervision::rectify(&svc, &mi, &item_task.id, note("改"))
            .await
            .expect("rect");

        let audit = store
            .list_audit(&onething_store::audit::AuditFilter {
                limit: 100,
                ..Default::default()
            })
            .await
            .expect("audit");
        for action in [
            "case_rated",
            "rectification_investigate",
            "rectification_rectify",
            "rectification_revisit",
        ] {
            assert!(
                audit.iter().any(|e| e.entry.action == action),
                "{}: {action}",
                db.label
            );
        }
    }
}

#[tokio::test]
async fn an_unrated_case_can_be_rated_until_the_period_ends() {
    for db in test_dbs().await {
        let svc = services(&db.store);
        // Ended 2 Sep; + 15 working days: 3–6 (4), 9–13 (9), 14 (10), 18–20 (13), 23, 24.
        let id = case(&db.store, 4, HERE, "2024-09-02", Some("2024-09-02"), false).await;
        let late = supervision::rate(
            &svc,
            &citizen(4, "2024-09-25"),
            &id,
            rating(json!({"score": 4})),
        )
        .await;
        assert!(
            matches!(late, Err(ServiceError::RatingPeriodOver { until }) if until == day("2024-09-24")),
            "{}: {late:?}",
            db.label
        );
        supervision::rate(
            &svc,
            &citizen(4, "2024-09-24"),
            &id,
            rating(json!({"score": 4})),
        )
        .await
        .expect("the last day still counts");
        // A good rating opens nothing.
        let sup = supervisor(500114, "2024-09-24");
        assert!(
            supervision::rectifications(&svc, &sup, None)
                .await
                .expect("tasks")
                .is_empty()
        );
    }
}

#[test]
fn a_rating_names_the_field_it_refuses() {
    let refuse = |v: serde_json::Value| {
        Rate::try_from(serde_json::from_value::<RatingInput>(v).expect("input"))
            .expect_err("refused")
    };
    assert_eq!(refuse(json!({"score": 6})).code, "OUT_OF_RANGE");
    assert_eq!(
        refuse(json!({"score": 5, "reasons": ["SLOW"]})).code,
        "REASON_DOES_NOT_FIT"
    );
    assert_eq!(
        refuse(json!({"score": 5, "reasons": ["NOPE"]})).field,
        "reasons[0]"
    );
    let dup = json!({"score": 5, "items": [{"item": "PS-05", "score": 5}, {"item": "PS-05", "score": 4}]});
    assert_eq!(refuse(dup).field, "items[1].item");
    // The contract's body (score and comment only) is enough, even for a bad score.
    assert!(
        Rate::try_from(serde_json::from_value::<RatingInput>(json!({"score": 1})).expect("in"))
            .is_ok()
    );
}

#[tokio::test]
async fn late_complaints_are_escalated_once() {
    for db in test_dbs().await {
        let svc = services(&db.store);
        let id = case(&db.store, 20, HERE, "2024-09-02", Some("2024-09-06"), false).await;
        let input = ComplaintInput {
            subject: Some("item".into()),
            case_id: Some(id.clone()),
            item: Some("PS-05".into()),
            body: Some("慢".into()),
            ..ComplaintInput::default()
        };
        let filed = supervision::file_complaint(
            &svc,
            &citizen(20, "2024-09-06"),
            FileComplaint::try_from(input).expect("c"),
        )
        .await
        .expect("filed");
        let other = ComplaintInput {
            subject: Some("case".into()),
            case_id: Some(id.clone()),
            body: Some("x".into()),
            ..ComplaintInput::default()
        };
        let stranger = supervision::file_complaint(
            &svc,
            &citizen(21, "2024-09-06"),
            FileComplaint::try_from(other).expect("c"),
        )
        .await;
        assert!(
            matches!(stranger, Err(ServiceError::Access(_))),
            "{}",
            db.label
        );
        assert!(
            supervision::escalate_late_complaints(&svc, at("2024-09-13"))
                .await
                .expect("none")
                .is_empty()
        );
        let escalated = supervision::escalate_late_complaints(&svc, at("2024-09-18"))
            .await
            .expect("late");
        assert_eq!(escalated, vec![filed.id.clone()]);
        assert!(
            supervision::escalate_late_complaints(&svc, at("2024-09-19"))
                .await
                .expect("once")
                .is_empty()
        );
        // The escalation and its audit entry were written together, once.
        assert_eq!(
            crate::supervision_measures::audits(&db.store, "complaint_escalated").await,
            1,
            "{}",
            db.label
        );
        let answered =
            supervision::answer_complaint(&svc, &clerk("2024-09-19"), &filed.id, note("已答复"))
                .await
                .expect("answer");
        assert!(answered.escalated_at.is_some() && answered.answer.is_some());
        let twice =
            supervision::answer_complaint(&svc, &clerk("2024-09-19"), &filed.id, note("again"))
                .await;
        assert!(matches!(twice, Err(ServiceError::NotNow(_))));
        let told = db
            .store
            .notifications_for(
                &onething_store::allowance::Recipient::Person(person(20).as_str().to_owned()),
                "in_site",
                10,
            )
            .await
            .expect("notes");
        assert!(
            told.iter().any(|n| n.body.contains("已答复：已答复")),
            "{}: the complainant is told the answer",
            db.label
        );
        let mine = supervision::complaints(&svc, &citizen(20, "2024-09-20"))
            .await
            .expect("mine");
        assert_eq!(mine.len(), 1);
        assert!(
            supervision::complaints(&svc, &citizen(21, "2024-09-20"))
                .await
                .expect("none")
                .is_empty()
        );
    }
}

#[tokio::test]
async fn a_supervisor_urges_an_open_item_and_the_case_records_it() {
    for db in test_dbs().await {
        let store = &db.store;
        let svc = services(store);
        // Accepted 2 Sep, PS-05 due 14 Sep, still open on 18 Sep: overdue.
        let open = case(store, 40, HERE, "2024-09-02", None, false).await;
        let sup = supervisor(500114, "2024-09-18");
        let note = Some("请于本周内办结".to_owned());
        supervision::urge(&svc, &sup, &open, "PS-05", note)
            .await
            .expect("urged");
        let events = store.case_events(&open).await.expect("events");
        let urged = events.iter().find_map(|e| match &e.body {
            onething_domain::case::EventBody::Service { step, detail }
                if step == supervision::URGED_STEP =>
            {
                Some(detail.clone())
            }
            _ => None,
        });
        let urged = urged.expect("the urge is on the case");
        assert_eq!(urged["item"], "PS-05", "{}", db.label);
        assert_eq!(urged["overdue"], true);
        assert_eq!(urged["due_on"], "2024-09-14");
        // A finished item needs no urging; another region's supervisor sees nothing; a
        // department officer may not urge.
        let done = supervision::urge(&svc, &sup, &open, "TAX-EMPLOYER-WAGE", None).await;
        assert!(matches!(done, Err(ServiceError::NotNow(_))), "{}", db.label);
        let far = supervision::urge(
            &svc,
            &supervisor(450200, "2024-09-18"),
            &open,
            "PS-05",
            None,
        )
        .await;
        assert!(matches!(far, Err(ServiceError::Access(_))));
        let officer = supervision::urge(
            &svc,
            &officer(DepartmentKind::MedicalInsurance, "2024-09-18"),
            &open,
            "PS-05",
            None,
        )
        .await;
        assert!(matches!(officer, Err(ServiceError::Access(_))));
    }
}

/// A claim's reviewer sees the entries about the claimant and about her employer, read in
/// one query: grouped by subject in the order asked, each subject's by period.
#[tokio::test]
async fn credit_flags_come_grouped_by_subject_in_the_order_asked() {
    for db in test_dbs().await {
        let svc = services(&db.store);
        let sup = supervisor(500114, "2024-09-02");
        let who = person(51).as_str().to_owned();
        let firm = crate::support::employer("MA5U7CHY").to_string();
        let entries = [
            ("person", who.as_str(), "2024-06-01"),
            ("institution", firm.as_str(), "2024-08-01"),
            ("person", who.as_str(), "2024-03-01"),
            ("institution", firm.as_str(), "2024-02-01"),
        ];
        for (kind, id, from) in entries {
            crate::support::record_credit(&svc, &sup, (kind, id), from, None).await;
        }
        let order = |flags: Vec<onething_store::supervision::CreditRecord>| {
            flags
                .into_iter()
                .map(|r| (r.subject_kind, r.valid_from.to_string()))
                .collect::<Vec<_>>()
        };
        let flags = supervision::credit_flags(&svc, &[&firm, &who], day("2024-10-01"))
            .await
            .expect("flags");
        let expected = [
            ("institution", "2024-02-01"),
            ("institution", "2024-08-01"),
            ("person", "2024-03-01"),
            ("person", "2024-06-01"),
        ]
        .map(|(k, d)| (k.to_owned(), d.to_owned()));
        assert_eq!(order(flags), expected, "{}", db.label);
        let early = supervision::credit_flags(&svc, &[&who, &firm], day("2024-04-01"))
            .await
            .expect("flags");
        assert_eq!(
            order(early),
            [("person", "2024-03-01"), ("institution", "2024-02-01")]
                .map(|(k, d)| (k.to_owned(), d.to_owned())),
            "only what is in force on the day, claimant first: {}",
            db.label
        );
        let none: [&str; 0] = [];
        assert!(
            supervision::credit_flags(&svc, &none, day("2024-10-01"))
                .await
                .expect("no subjects")
                .is_empty()
        );
    }
}

#[tokio::test]
async fn credit_records_flag_without_refusing_and_removal_is_kept() {
    use onething_services::supervision::{CreditInput, NewCredit};
    for db in test_dbs().await {
        let svc = services(&db.store);
        let sup = supervisor(500114, "2024-09-02");
        let input = CreditInput {
            subject_kind: Some("person".into()),
            subject_id: Some(person(50).as_str().to_owned()),
            decision: Some("骗取生育津贴，追回并记入信用记录".into()),
            basis: Some("医保（2024）罚字第1号；社会保险法第八十八条".into()),
            valid_from: Some("2024-09-01".into()),
            valid_to: Some("2025-08-31".into()),
            ..CreditInput::default()
        };
        let entry = NewCredit::try_from(input.clone()).expect("valid");
        let recorded = supervision::record_credit(&svc, &sup, entry.clone())
            .await
            .expect("recorded");
        let who = person(50).as_str().to_owned();
        let flags = supervision::credit_flags(&svc, &[&who], day("2024-10-01"))
            .await
            .expect("flags");
        assert_eq!(flags.len(), 1, "{}", db.label);
        let before = supervision::credit_flags(&svc, &[&who], day("2024-08-31"))
            .await
            .expect("flags");
        assert!(before.is_empty(), "not in force before its period");
        let listed = supervision::credit_records(&svc, &sup).await.expect("list");
        assert_eq!(listed.len(), 1);
        assert!(
            supervision::credit_records(&svc, &supervisor(450200, "2024-09-02"))
                .await
                .expect("none")
                .is_empty()
        );
        let far = supervision::remove_credit(
            &svc,
            &supervisor(450200, "2024-09-03"),
            &recorded.id,
            note("x"),
        )
        .await;
        assert!(matches!(far, Err(ServiceError::Access(_))));
        let nosy = supervision::record_credit(&svc, &citizen(1, "2024-09-02"), entry).await;
        assert!(matches!(nosy, Err(ServiceError::Access(_))));
        let removed = supervision::remove_credit(&svc, &sup, &recorded.id, note("行政复议撤销"))
            .await
            .expect("removed");
        assert!(removed.removed.is_some(), "kept, marked removed");
        assert!(
            supervision::credit_flags(&svc, &[&who], day("2024-10-01"))
                .await
                .expect("flags")
                .is_empty()
        );
        let twice = supervision::remove_credit(&svc, &sup, &recorded.id, note("again")).await;
        assert!(matches!(twice, Err(ServiceError::NotNow(_))));
        let mut bad = input;
        bad.valid_to = Some("2024-01-01".into());
        assert_eq!(
            NewCredit::try_from(bad).expect_err("period").field,
            "valid_to"
        );
    }
}

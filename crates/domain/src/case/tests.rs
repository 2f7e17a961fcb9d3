//! Unit tests of the parts that need no calendar: wire shapes, codes, the projection's
//! bookkeeping and its corruption checks. The engine as a whole is tested in
//! `tests/case_engine.rs`.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;

use super::*;

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).expect("instant").to_utc()
}

fn date(s: &str) -> NaiveDate {
    s.parse().expect("date")
}

fn event(seq: u64, role: ActorRole, body: EventBody) -> CaseEvent {
    CaseEvent {
        seq,
        at: at("2024-05-06T02:00:00Z"),
        actor: format!("actor-{seq}"),
        role,
        idempotency_key: format!("key-{seq}"),
        body,
    }
}

fn change(item: &str, action: Action, due_on: Option<NaiveDate>) -> EventBody {
    EventBody::ItemChanged {
        item: item.into(),
        reason: action.reason().map(str::to_string),
        action,
        due_on,
        due_on_provisional: false,
    }
}

/// A two-item case: `a` (limit 1) and `b` (no limit), opened at seq 1.
fn opened() -> CaseEvent {
    let item = |code: &str, limit| OpenedItem {
        item: code.into(),
        limit_working_days: limit,
        depends_on: vec![],
    };
    event(
        1,
        ActorRole::Applicant,
        EventBody::Opened {
            bundle: "test".into(),
            catalog_version: 3,
            applicant: "person-1".into(),
            items: vec![item("a", Some(1)), item("b", None)],
        },
    )
}

fn missing() -> Vec<MissingMaterial> {
    vec![MissingMaterial {
        code: "M1".into(),
        name: "结婚证".into(),
        reason: "婚姻登记信息未能共享核验".into(),
    }]
}

#[test]
fn actions_and_events_have_a_stable_wire_shape() {
    let action = Action::RequestSupplement { missing: missing() };
    assert_eq!(
        serde_json::to_value(&action).expect("json"),
        json!({"type": "request_supplement",
               "missing": [{"code": "M1", "name": "结婚证", "reason": "婚姻登记信息未能共享核验"}]})
    );
    assert_eq!(
        serde_json::to_value(Action::Accept).expect("json"),
        json!({"type": "accept"})
    );
    assert_eq!(
        serde_json::to_value(ItemState::NeedsSupplement).expect("json"),
        json!("needs_supplement")
    );
    let events = vec![
        opened(),
        event(
            2,
            ActorRole::System,
            change("a", Action::Accept, Some(date("2024-05-07"))),
        ),
    ];
    let text = serde_json::to_string(&events).expect("json");
    let back: Vec<CaseEvent> = serde_json::from_str(&text).expect("parse");
    assert_eq!(back, events);
}

#[test]
fn labels_and_progress() {
    assert_eq!(ItemState::NeedsSupplement.label_zh(), "待补正");
    assert_eq!(ItemState::Refused.label_zh(), "不予受理");
    let terminal: Vec<ItemState> = ItemState::ALL
        .into_iter()
        .filter(|s| s.is_terminal())
        .collect();
    assert_eq!(
        terminal,
        [
            ItemState::Refused,
            ItemState::Done,
            ItemState::Denied,
            ItemState::Withdrawn
        ]
    );
    for state in ItemState::ALL {
        let expected = if state.is_terminal() {
            "已办结"
        } else {
            "未办结"
        };
        assert_eq!(state.progress_zh(), expected);
    }
}

#[test]
fn error_codes_and_messages() {
    let not_allowed = TransitionError::NotAllowed {
        from: ItemState::Done,
        action: ActionKind::Start,
        role: ActorRole::Supervisor,
    };
    assert_eq!(not_allowed.code(), "INVALID_STATE");
    assert!(not_allowed.message_zh().contains("监督人员"));
    let terminal = TransitionError::AlreadyTerminal {
        state: ItemState::Done,
    };
    assert_eq!(terminal.code(), "INVALID_STATE");
    assert_eq!(
        TransitionError::DependenciesPending.code(),
        "DEPENDENCIES_PENDING"
    );
    assert_eq!(
        TransitionError::EmptyMissingList.code(),
        "MISSING_LIST_EMPTY"
    );
    assert_eq!(TransitionError::EmptyReason.code(), "REASON_REQUIRED");
    assert!(
        TransitionError::EmptyMissingList
            .message_zh()
            .contains("一次性告知")
    );
}

#[test]
fn supplement_round_trip_keeps_the_notice_until_resubmitted() {
    let mut state = CaseState::replay(&[opened()]).expect("opened");
    let ask = event(
        2,
        ActorRole::Acceptor,
        change("a", Action::RequestSupplement { missing: missing() }, None),
    );
    state.apply(&ask).expect("request");
    assert_eq!(state.items["a"].state, ItemState::NeedsSupplement);
    assert_eq!(state.items["a"].missing, missing());
    state
        .apply(&event(
            3,
            ActorRole::Applicant,
            change("a", Action::Resubmit, None),
        ))
        .expect("resubmit");
    assert_eq!(state.items["a"].state, ItemState::Submitted);
    assert!(state.items["a"].missing.is_empty());
    assert_eq!(state.last_seq, 3);
}

#[test]
fn terminal_moves_record_reason_and_finish_date() {
    let mut state = CaseState::replay(&[opened()]).expect("opened");
    let refuse = Action::Refuse {
        reason: "不在本市出生".into(),
    };
    state
        .apply(&event(2, ActorRole::Acceptor, change("a", refuse, None)))
        .expect("refuse");
    let withdraw = Action::Withdraw {
        reason: "不再需要".into(),
    };
    state
        .apply(&event(3, ActorRole::Applicant, change("b", withdraw, None)))
        .expect("withdraw");
    let a = &state.items["a"];
    assert_eq!(a.reason.as_deref(), Some("不在本市出生"));
    // 02:00 UTC is 10:00 in China, the same date.
    assert_eq!(a.finished_on, Some(date("2024-05-06")));
    assert_eq!(state.status(), CaseStatus::Refused);
    assert_eq!(state.due_on(), None);
}

#[test]
fn status_summarises_items() {
    let mut state = CaseState::replay(&[opened()]).expect("opened");
    assert_eq!(state.status(), CaseStatus::Open);
    let withdraw = || Action::Withdraw {
        reason: "搬家".into(),
    };
    state
        .apply(&event(
            2,
            ActorRole::Applicant,
            change("a", withdraw(), None),
        ))
        .expect("a");
    assert_eq!(state.status(), CaseStatus::Open);
    state
        .apply(&event(
            3,
            ActorRole::Applicant,
            change("b", withdraw(), None),
        ))
        .expect("b");
    assert_eq!(state.status(), CaseStatus::Withdrawn);
    assert_eq!(state.status().label_zh(), "已撤回");
}

#[test]
fn due_dates_must_match_the_moves_that_plan_them() {
    let base = CaseState::replay(&[opened()]).expect("opened");
    // `a` has a limit: its acceptance must carry the due date.
    let mut state = base.clone();
    let err = state
        .apply(&event(
            2,
            ActorRole::System,
            change("a", Action::Accept, None),
        ))
        .expect_err("no due date");
    assert!(matches!(err, ReplayError::DueDateMismatch { seq: 2, .. }));
    assert_eq!(state, base, "a refused event changes nothing");
    // `b` has none: a due date on it is invented.
    let err = state
        .apply(&event(
            2,
            ActorRole::System,
            change("b", Action::Accept, Some(date("2024-05-07"))),
        ))
        .expect_err("invented due date");
    assert!(matches!(err, ReplayError::DueDateMismatch { .. }));
    assert_eq!(err.code(), "CORRUPT_HISTORY");
}

#[test]
fn replay_refuses_repeated_keys_and_second_opening() {
    let accept = event(2, ActorRole::System, change("b", Action::Accept, None));
    let mut repeated = accept.clone();
    repeated.idempotency_key = "key-1".into();
    assert!(matches!(
        CaseState::replay(&[opened(), repeated]),
        Err(ReplayError::DuplicateIdempotencyKey { seq: 2, .. })
    ));
    let mut again = opened();
    again.seq = 2;
    again.idempotency_key = "other".into();
    assert_eq!(
        CaseState::replay(&[opened(), again]),
        Err(ReplayError::OpenedAgain { seq: 2 })
    );
    assert_eq!(CaseState::replay(&[]), Err(ReplayError::Empty));
    let unknown = event(2, ActorRole::System, change("zz", Action::Accept, None));
    let err = CaseState::replay(&[opened(), unknown]).expect_err("unknown item");
    assert_eq!(err.code(), "UNKNOWN_ITEM");
}

#[test]
fn replay_refuses_an_invalid_plan() {
    let mut bad = opened();
    if let EventBody::Opened { items, .. } = &mut bad.body {
        items[0].depends_on = vec!["a".into()];
    }
    assert!(matches!(
        CaseState::replay(&[bad]),
        Err(ReplayError::InvalidPlan(PlanDefect::Cycle(_)))
    ));
}

#[test]
fn a_promise_step_fixes_the_case_due_date_whatever_the_items_forecast() {
    use chrono::{TimeZone, Utc};
    let at = Utc
        .with_ymd_and_hms(2024, 4, 1, 2, 0, 0)
        .single()
        .expect("at");
    let event = |seq, body| CaseEvent {
        seq,
        at,
        actor: "t".into(),
        role: ActorRole::System,
        idempotency_key: format!("k{seq}"),
        body,
    };
    let opened = EventBody::Opened {
        bundle: "b".into(),
        catalog_version: 1,
        applicant: "person:x".into(),
        items: vec![OpenedItem {
            item: "A".into(),
            limit_working_days: Some(1),
            depends_on: vec![],
        }],
    };
    let accept = EventBody::ItemChanged {
        item: "A".into(),
        action: Action::Accept,
        reason: None,
        due_on: "2024-04-02".parse().ok(),
        due_on_provisional: false,
    };
    let promise = |due: &str| EventBody::Service {
        step: PROMISE_STEP.into(),
        detail: serde_json::json!({"due_on": due}),
    };
    let mut events = vec![event(1, opened), event(2, accept)];
    let state = CaseState::replay(&events).expect("replay");
    assert_eq!(
        state.due_on(),
        "2024-04-02".parse().ok(),
        "no promise: the items' latest"
    );
    events.push(event(3, promise("2024-05-20")));
    let state = CaseState::replay(&events).expect("replay");
    assert_eq!(state.due_on(), "2024-05-20".parse().ok());
    events.push(event(4, promise("someday")));
    assert_eq!(
        CaseState::replay(&events),
        Err(ReplayError::BadPromise { seq: 4 })
    );
}

#[test]
fn only_a_service_step_other_than_the_promise_leaves_the_state_unchanged() {
    let accept = change("a", Action::Accept, Some(date("2024-05-07")));
    let mut events = vec![opened(), event(2, ActorRole::Acceptor, accept.clone())];
    let before = CaseState::replay(&events).expect("replay");
    let settled = EventBody::Service {
        step: "settled".into(),
        detail: json!({"amount_fen": 100}),
    };
    assert!(settled.leaves_state_unchanged());
    events.push(event(3, ActorRole::System, settled));
    let after = CaseState::replay(&events).expect("replay");
    assert_eq!(after.last_seq, 3);
    assert_eq!(
        CaseState {
            last_seq: 2,
            ..after
        },
        before,
        "only the seq moved"
    );

    let promise = EventBody::Service {
        step: PROMISE_STEP.into(),
        detail: json!({"due_on": "2024-06-03"}),
    };
    assert!(!promise.leaves_state_unchanged());
    assert!(!accept.leaves_state_unchanged());
    assert!(!opened().body.leaves_state_unchanged());
}

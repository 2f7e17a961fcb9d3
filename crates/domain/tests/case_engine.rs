//! The case engine end to end: the transition table written out by hand, the newborn
//! bundle's due dates around the 2024 National Day holiday, replay and its refusals.
//! The due-date watch's boundaries are tested beside `due_status` (src/case/due.rs).

use chrono::{DateTime, NaiveDate, Utc};
use onething_domain::calendar::Calendar;
use onething_domain::case::*;
use onething_domain::catalog::model::{Bundle, BundleItem};
use onething_domain::department::DepartmentKind;
use proptest::prelude::*;

fn date(s: &str) -> NaiveDate {
    s.parse().expect("date")
}

/// 10:00 in China on `day`.
fn at(day: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(&format!("{day}T02:00:00Z"))
        .expect("instant")
        .to_utc()
}

// ---------------------------------------------------------------- the table

/// Expected outcome of every state × action, written out independently of the engine.
/// A cell is `-` (not allowed for anyone), `T` (terminal state), or the roles allowed
/// (P applicant, A acceptor, H handler, S system; supervisors never) and the target
/// state; `+deps` means only when the item's dependencies are done.
#[rustfmt::skip]
const TABLE: [(ItemState, [&str; 8]); 8] = [
    //                            accept         request_supplement     resubmit       refuse        start                        complete     deny           withdraw
    (ItemState::Submitted,       ["AS accepted", "AS needs_supplement", "-",           "AS refused", "-",                         "-",         "-",           "P withdrawn"]),
    (ItemState::Accepted,        ["-",           "-",                   "-",           "-",          "HS+deps in_progress",       "-",         "HS denied",   "P withdrawn"]),
    (ItemState::NeedsSupplement, ["-",           "-",                   "P submitted", "-",          "-",                         "-",         "-",           "P withdrawn"]),
    (ItemState::Refused,         ["T", "T", "T", "T", "T", "T", "T", "T"]),
    (ItemState::InProgress,      ["-",           "-",                   "-",           "-",          "-",                         "HS done",   "HS denied",   "-"]),
    (ItemState::Done,            ["T", "T", "T", "T", "T", "T", "T", "T"]),
    (ItemState::Denied,          ["T", "T", "T", "T", "T", "T", "T", "T"]),
    (ItemState::Withdrawn,       ["T", "T", "T", "T", "T", "T", "T", "T"]),
];

const KINDS: [ActionKind; 8] = [
    ActionKind::Accept,
    ActionKind::RequestSupplement,
    ActionKind::Resubmit,
    ActionKind::Refuse,
    ActionKind::Start,
    ActionKind::Complete,
    ActionKind::Deny,
    ActionKind::Withdraw,
];

fn letter(role: ActorRole) -> char {
    match role {
        ActorRole::Applicant => 'P',
        ActorRole::Acceptor => 'A',
        ActorRole::Handler => 'H',
        ActorRole::Supervisor => 'V',
        ActorRole::System => 'S',
    }
}

/// A well-formed action of each kind.
fn sample(kind: ActionKind) -> Action {
    let reason = || "理由".to_string();
    match kind {
        ActionKind::Accept => Action::Accept,
        ActionKind::RequestSupplement => Action::RequestSupplement {
            missing: vec![MissingMaterial {
                code: "M1".into(),
                name: "户口簿".into(),
                reason: reason(),
            }],
        },
        ActionKind::Resubmit => Action::Resubmit,
        ActionKind::Refuse => Action::Refuse { reason: reason() },
        ActionKind::Start => Action::Start,
        ActionKind::Complete => Action::Complete {
            certificate_ref: None,
        },
        ActionKind::Deny => Action::Deny { reason: reason() },
        ActionKind::Withdraw => Action::Withdraw { reason: reason() },
    }
}

fn expected(
    cell: &str,
    from: ItemState,
    action: ActionKind,
    role: ActorRole,
    deps: bool,
) -> Result<ItemState, TransitionError> {
    let not_allowed = Err(TransitionError::NotAllowed { from, action, role });
    match cell {
        "T" => Err(TransitionError::AlreadyTerminal { state: from }),
        "-" => not_allowed,
        _ => {
            let (roles, target) = cell.split_once(' ').expect("roles and target");
            let target: ItemState =
                serde_json::from_value(serde_json::json!(target)).expect("state name");
            if !roles.contains(letter(role)) {
                not_allowed
            } else if roles.ends_with("+deps") && !deps {
                Err(TransitionError::DependenciesPending)
            } else {
                Ok(target)
            }
        }
    }
}

#[test]
fn every_state_action_role_and_dependency_flag_matches_the_table() {
    let mut allowed = 0;
    for (from, cells) in TABLE {
        for (kind, cell) in KINDS.into_iter().zip(cells) {
            for role in ActorRole::ALL {
                for deps in [false, true] {
                    let want = expected(cell, from, kind, role, deps);
                    let got = decide(from, &sample(kind), role, deps);
                    assert_eq!(got, want, "{from:?} {kind:?} {role:?} deps={deps}");
                    allowed += usize::from(got.is_ok());
                }
            }
        }
    }
    assert_eq!(TABLE.len(), ItemState::ALL.len());
    assert_eq!(allowed, 34);
}

#[test]
fn available_actions_agree_with_decide() {
    for state in ItemState::ALL {
        for role in ActorRole::ALL {
            for deps in [false, true] {
                let offered = available_actions(state, role, deps);
                for kind in ActionKind::ALL {
                    let ok = decide(state, &sample(kind), role, deps).is_ok();
                    assert_eq!(
                        offered.contains(&kind),
                        ok,
                        "{state:?} {kind:?} {role:?} {deps}"
                    );
                }
            }
        }
    }
    assert!(available_actions(ItemState::Submitted, ActorRole::Supervisor, true).is_empty());
}

#[test]
fn payloads_are_checked() {
    let empty = Action::RequestSupplement { missing: vec![] };
    assert_eq!(
        decide(ItemState::Submitted, &empty, ActorRole::Acceptor, true),
        Err(TransitionError::EmptyMissingList)
    );
    let refuse = Action::Refuse { reason: " ".into() };
    assert_eq!(
        decide(ItemState::Submitted, &refuse, ActorRole::Acceptor, true),
        Err(TransitionError::EmptyReason)
    );
    let withdraw = Action::Withdraw {
        reason: String::new(),
    };
    assert_eq!(
        decide(ItemState::Accepted, &withdraw, ActorRole::Applicant, true),
        Err(TransitionError::EmptyReason)
    );
    let deny = Action::Deny {
        reason: "\n".into(),
    };
    assert_eq!(
        decide(ItemState::InProgress, &deny, ActorRole::Handler, true),
        Err(TransitionError::EmptyReason)
    );
}

// ---------------------------------------------------------------- the newborn bundle

fn newborn() -> Bundle {
    let item = |code: &str, limit: Option<u32>, deps: &[&str]| BundleItem {
        item: code.into(),
        limit_working_days: limit,
        depends_on: deps.iter().map(|d| d.to_string()).collect(),
        optional: false,
    };
    Bundle {
        code: "newborn".into(),
        name: "新生儿出生一件事".into(),
        lead: DepartmentKind::Health,
        promised_limit_working_days: Some(33),
        guide: None,
        items: vec![
            item("cert", Some(1), &[]),
            item("vaccination", Some(1), &[]),
            item("registration", Some(2), &["cert"]),
            item("card", Some(30), &["registration"]),
            item("enrollment", Some(1), &["registration"]),
            item("reimbursement", Some(15), &["registration"]),
            item("parenting", None, &[]),
        ],
        source: "hand-made for tests".into(),
    }
}

/// A case's events with the state applied step by step, as the store would keep it.
struct History {
    calendar: Calendar,
    events: Vec<CaseEvent>,
    state: CaseState,
}

impl History {
    fn open(day: &str) -> History {
        let body = plan_open(&newborn(), 7, "mother-1").expect("valid bundle");
        let first = CaseEvent {
            seq: 1,
            at: at(day),
            actor: "mother-1".into(),
            role: ActorRole::Applicant,
            idempotency_key: "open".into(),
            body,
        };
        let state = CaseState::replay(std::slice::from_ref(&first)).expect("opened");
        History {
            calendar: Calendar::shipped(),
            events: vec![first],
            state,
        }
    }

    fn push(&mut self, body: EventBody, role: ActorRole, day: &str) {
        let seq = self.state.last_seq + 1;
        let event = CaseEvent {
            seq,
            at: at(day),
            actor: format!("{role:?}"),
            role,
            idempotency_key: format!("k{seq}"),
            body,
        };
        self.state.apply(&event).expect("planned events apply");
        self.events.push(event);
    }

    fn act(
        &mut self,
        item: &str,
        action: Action,
        role: ActorRole,
        day: &str,
    ) -> Result<(), PlanError> {
        let body = plan_item_change(&self.state, item, action, role, date(day), &self.calendar)?;
        self.push(body, role, day);
        Ok(())
    }

    fn accept_all(&mut self, day: &str) {
        let bodies = plan_accept_all(&self.state, ActorRole::System, date(day), &self.calendar)
            .expect("accept all");
        for body in bodies {
            self.push(body, ActorRole::System, day);
        }
    }

    fn due(&self, item: &str) -> Option<NaiveDate> {
        self.state.items[item].due_on
    }
}

#[test]
fn accepting_before_national_day_plans_the_dependency_chain() {
    let mut h = History::open("2024-09-27");
    h.accept_all("2024-09-27");
    // Hand-counted: Sat 09-28 is off, Sun 09-29 a make-up working day, 10-01..07 off,
    // Sat 10-12 a make-up working day.
    let hand = [
        ("cert", "2024-09-29"),
        ("vaccination", "2024-09-29"),
        ("registration", "2024-10-08"),
        ("enrollment", "2024-10-09"),
        ("reimbursement", "2024-10-28"),
        ("card", "2024-11-18"),
    ];
    let d = date("2024-09-27");
    let cal = Calendar::shipped();
    let add = |n| cal.add_working_days(d, n).expect("published year");
    let counted = [
        ("cert", 1),
        ("vaccination", 1),
        ("registration", 3),
        ("enrollment", 4),
        ("reimbursement", 18),
        ("card", 33),
    ];
    for ((item, day), (item2, n)) in hand.into_iter().zip(counted) {
        assert_eq!(item, item2);
        assert_eq!(h.due(item), Some(date(day)), "{item}");
        assert_eq!(h.due(item), Some(add(n)), "{item} = D+{n}");
        assert_eq!(h.state.items[item].accepted_on, Some(d));
    }
    assert_eq!(h.due("parenting"), None);
    assert_eq!(
        h.state.due_on(),
        Some(add(33)),
        "the bundle's promise of 33 working days"
    );
    let order: Vec<String> = h.events[1..]
        .iter()
        .map(|e| match &e.body {
            EventBody::ItemChanged { item, .. } => item.clone(),
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    let pos = |code: &str| order.iter().position(|i| i == code).expect("accepted");
    assert_eq!(order.len(), 7);
    assert!(pos("cert") < pos("registration") && pos("registration") < pos("card"));
    assert!(
        plan_accept_all(&h.state, ActorRole::System, d, &cal)
            .expect("nothing left")
            .is_empty()
    );
}

/// The whole newborn story; registration finishes two working days late.
fn full_history() -> History {
    let (handler, system) = (ActorRole::Handler, ActorRole::System);
    let done = |r: &str| Action::Complete {
        certificate_ref: Some(r.into()),
    };
    let deny = Action::Deny {
        reason: "已在异地报销".into(),
    };
    let steps = [
        ("cert", Action::Start, handler, "2024-09-27"),
        ("cert", done("Q440000001"), handler, "2024-09-29"),
        ("vaccination", Action::Start, handler, "2024-09-27"),
        ("vaccination", done("V1"), handler, "2024-09-27"),
        ("registration", Action::Start, system, "2024-09-29"),
        ("registration", done("HUKOU-1"), handler, "2024-10-10"),
        ("card", Action::Start, system, "2024-10-11"),
        ("enrollment", Action::Start, handler, "2024-10-11"),
        ("enrollment", done("ENR-1"), handler, "2024-10-11"),
        ("reimbursement", Action::Start, handler, "2024-10-11"),
        ("reimbursement", deny, handler, "2024-10-14"),
        ("parenting", Action::Start, handler, "2024-10-14"),
        ("parenting", done("P1"), handler, "2024-10-15"),
        ("card", done("CARD-1"), handler, "2024-11-19"),
    ];
    let mut h = History::open("2024-09-27");
    h.accept_all("2024-09-27");
    for (item, action, role, day) in steps {
        let what = format!("{item} {:?}", action.kind());
        h.act(item, action, role, day).expect(&what);
    }
    h
}

#[test]
fn replay_rebuilds_the_state_applied_step_by_step() {
    let h = full_history();
    let replayed = CaseState::replay(&h.events).expect("valid history");
    assert_eq!(replayed, h.state);
    assert_eq!(replayed.last_seq, h.events.len() as u64);
    assert_eq!(replayed.status(), CaseStatus::Done);
    let card = &replayed.items["card"];
    assert_eq!(card.certificate_ref.as_deref(), Some("CARD-1"));
    assert_eq!(
        replayed.items["reimbursement"].reason.as_deref(),
        Some("已在异地报销")
    );
    assert_eq!(replayed.catalog_version, 7);
    let json = serde_json::to_string(&h.events).expect("json");
    let parsed: Vec<CaseEvent> = serde_json::from_str(&json).expect("parse");
    assert_eq!(CaseState::replay(&parsed).expect("replay parsed"), h.state);
}

#[test]
fn a_late_dependency_shifts_the_next_item() {
    let h = full_history();
    let cal = Calendar::shipped();
    // Registration finished 10-10 (due 10-08); the card counts 30 from 10-10, not 09-27+33.
    assert_eq!(h.due("registration"), Some(date("2024-10-08")));
    assert_eq!(
        h.due("card"),
        Some(cal.add_working_days(date("2024-10-10"), 30).expect("2024"))
    );
    assert_eq!(h.due("card"), Some(date("2024-11-20")));
    assert_eq!(h.state.items["card"].started_on, Some(date("2024-10-11")));
    // Items without dependencies keep the due date planned at acceptance.
    assert_eq!(h.due("cert"), Some(date("2024-09-29")));
}

#[test]
fn card_cannot_start_before_registration_is_done() {
    let mut h = History::open("2024-09-27");
    h.accept_all("2024-09-27");
    let err = h
        .act("card", Action::Start, ActorRole::Handler, "2024-09-30")
        .expect_err("deps pending");
    assert_eq!(
        err,
        PlanError::Transition(TransitionError::DependenciesPending)
    );
    assert_eq!(err.code(), "DEPENDENCIES_PENDING");
    assert!(!h.state.deps_done("card"));
    // Waiting for its dependencies, the card can only be denied, not started.
    assert_eq!(
        available_actions(h.state.items["card"].state, ActorRole::Handler, false),
        vec![ActionKind::Deny]
    );
    let unknown = h
        .act("nope", Action::Start, ActorRole::Handler, "2024-09-30")
        .expect_err("unknown");
    assert_eq!(unknown.code(), "UNKNOWN_ITEM");
}

#[test]
fn replay_refuses_corrupt_histories() {
    let h = full_history();
    let mut gap = h.events.clone();
    gap.remove(3);
    assert_eq!(
        CaseState::replay(&gap),
        Err(ReplayError::SeqGap {
            expected: 4,
            found: 5
        })
    );
    assert_eq!(
        CaseState::replay(&h.events[1..]),
        Err(ReplayError::NotOpenedFirst)
    );
    // The card "started" right after acceptance, before registration was done.
    let mut early = h.events[..8].to_vec();
    early.push(CaseEvent {
        seq: 9,
        at: at("2024-09-28"),
        actor: "x".into(),
        role: ActorRole::System,
        idempotency_key: "evil".into(),
        body: EventBody::ItemChanged {
            item: "card".into(),
            action: Action::Start,
            reason: None,
            due_on: Some(date("2024-11-18")),
            due_on_provisional: false,
        },
    });
    let err = CaseState::replay(&early).expect_err("illegal start");
    assert!(
        matches!(
            err,
            ReplayError::Transition {
                seq: 9,
                source: TransitionError::DependenciesPending,
                ..
            }
        ),
        "{err:?}"
    );
    // A supervisor accepting an item.
    let mut forged = h.events.clone();
    forged[4].role = ActorRole::Supervisor;
    let err = CaseState::replay(&forged).expect_err("supervisor");
    assert_eq!(err.code(), "INVALID_STATE");
}

#[test]
fn unpublished_years_and_bad_plans_are_errors() {
    // Past the statutory table (2040) not even a provisional date can be given.
    let h = History::open("2040-12-21");
    let err = plan_accept_all(&h.state, ActorRole::System, date("2040-12-21"), &h.calendar)
        .expect_err("2041");
    assert_eq!(err.code(), "CALENDAR_YEAR_NOT_PUBLISHED");
    let mut bundle = newborn();
    bundle.items[0].depends_on = vec!["missing".into()];
    assert_eq!(
        plan_open(&bundle, 1, "m").map_err(|e| e.code()),
        Err("INVALID_PLAN")
    );
}

const NOTICE_2027: &str = include_str!("data/holidays-2027.json");

#[test]
fn accepted_at_the_year_end_the_dates_in_2027_are_provisional_until_the_notice() {
    let mut h = History::open("2026-12-20");
    h.accept_all("2026-12-20");
    let item = |h: &History, code: &str| {
        let i = &h.state.items[code];
        (i.due_on.map(|d| d.to_string()), i.due_on_provisional)
    };
    let day = |s: &str| Some(s.to_owned());
    // Inside 2026: final. Reaching 2027: provisional (元旦 from the regulation).
    assert_eq!(item(&h, "cert"), (day("2026-12-21"), false));
    assert_eq!(item(&h, "registration"), (day("2026-12-23"), false));
    assert_eq!(item(&h, "reimbursement"), (day("2027-01-14"), true));
    assert_eq!(item(&h, "card"), (day("2027-02-04"), true));
    assert_eq!(h.state.due_on(), Some(date("2027-02-04")));
    assert!(h.state.due_on_provisional());
    // Nothing to recompute while the notice is missing.
    assert!(
        plan_recompute(&h.state, &h.calendar)
            .expect("plan")
            .is_empty()
    );
    h.calendar.merge_json(NOTICE_2027).expect("fixture notice");
    let bodies = plan_recompute(&h.state, &h.calendar).expect("plan");
    let changed: Vec<(String, NaiveDate, NaiveDate, bool)> = bodies
        .iter()
        .map(|b| match b {
            EventBody::DueDateRecomputed {
                item,
                from,
                to,
                provisional,
            } => (item.clone(), *from, *to, *provisional),
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    assert_eq!(
        changed,
        vec![
            ("card".into(), date("2027-02-04"), date("2027-02-04"), false),
            (
                "reimbursement".into(),
                date("2027-01-14"),
                date("2027-01-14"),
                false
            ),
        ]
    );
    for body in bodies {
        h.push(body, ActorRole::System, "2026-12-24");
    }
    assert!(!h.state.due_on_provisional());
    assert_eq!(CaseState::replay(&h.events).expect("replay"), h.state);
    assert!(
        plan_recompute(&h.state, &h.calendar)
            .expect("plan")
            .is_empty()
    );
}

#[test]
fn a_recomputed_chain_moves_with_the_notices_longer_spring_festival() {
    let mut h = History::open("2027-01-04");
    h.accept_all("2027-01-04");
    let provisional = h.due("card").expect("planned");
    assert!(h.state.items["card"].due_on_provisional);
    assert!(h.state.items["cert"].due_on_provisional, "2027 itself");
    let mut with_notice = Calendar::shipped();
    with_notice.merge_json(NOTICE_2027).expect("fixture");
    let final_card = with_notice
        .add_working_days(date("2027-01-04"), 33)
        .expect("published");
    assert_ne!(provisional, final_card, "the notice's break is longer");
    h.calendar = with_notice;
    for body in plan_recompute(&h.state, &h.calendar).expect("plan") {
        h.push(body, ActorRole::System, "2027-01-05");
    }
    assert_eq!(h.due("card"), Some(final_card));
    assert!(h.state.items.values().all(|i| !i.due_on_provisional));
    // A forged recomputation of a final date is refused on replay.
    let mut forged = h.events.clone();
    forged.push(CaseEvent {
        seq: h.state.last_seq + 1,
        at: at("2027-01-06"),
        actor: "x".into(),
        role: ActorRole::System,
        idempotency_key: "forged".into(),
        body: EventBody::DueDateRecomputed {
            item: "card".into(),
            from: final_card,
            to: date("2027-03-01"),
            provisional: false,
        },
    });
    assert!(CaseState::replay(&forged).is_err());
}

// ---------------------------------------------------------------- property

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// Whatever sequence of actions people try, the events the engine lets through
    /// replay to the state built step by step, and every accepted item with a limit
    /// has a due date.
    #[test]
    fn any_accepted_sequence_replays(steps in prop::collection::vec((0usize..7, 0usize..8, 0usize..5, 0i64..20), 0..40)) {
        let mut h = History::open("2024-09-02");
        let codes: Vec<String> = h.state.items.keys().cloned().collect();
        for (item, kind, role, offset) in steps {
            let day = (date("2024-09-02") + chrono::Days::new(offset as u64)).to_string();
            let _ = h.act(&codes[item], sample(ActionKind::ALL[kind]), ActorRole::ALL[role], &day);
        }
        prop_assert_eq!(CaseState::replay(&h.events).expect("replay"), h.state.clone());
        for item in h.state.items.values() {
            let planned = item.accepted_on.is_some() && item.limit_working_days.is_some();
            prop_assert_eq!(planned, item.due_on.is_some());
        }
    }
}

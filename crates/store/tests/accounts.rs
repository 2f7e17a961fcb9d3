//! Accounts, sessions, sign-in attempts, the audit log and scoped case lists, on SQLite and
//! (when ONETHING_TEST_PG is set) PostgreSQL.

use crate::support;

use chrono::{DateTime, NaiveDate, TimeDelta, TimeZone, Utc};
use onething_domain::access::{Applicant, Role, Scope, Username};
use onething_domain::case::ActorRole;
use onething_domain::department::DepartmentKind;
use onething_domain::{CitizenId, RegionCode};
use onething_store::Store;
use onething_store::accounts::Passwords;
use onething_store::accounts::scoped_cases::Page;
use onething_store::audit::{AuditFilter, NewAuditEntry};
use onething_store::cases::{Actor, NewCase};
use onething_store::sessions::{AttemptKey, SessionLimits, token_digest};
use onething_synth::Synth;
use support::{TestDb, fresh_name, test_dbs};

fn at(h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 9, 27, h, m, 0)
        .single()
        .expect("instant")
}

fn name(text: &str) -> Username {
    Username::parse(text).expect("username")
}

fn region(code: u32) -> RegionCode {
    RegionCode::new(code).expect("region")
}

fn person(seq: u16) -> CitizenId {
    let birth = NaiveDate::from_ymd_opt(1993, 3, 8).expect("date");
    CitizenId::from_parts(region(500228), birth, seq).expect("id")
}

const LIMITS: SessionLimits = SessionLimits {
    absolute: TimeDelta::hours(12),
    idle: TimeDelta::minutes(30),
};

async fn clerk(store: &Store) -> String {
    store
        .add_user(
            &name("clerk"),
            Role::AgencyClerk,
            &Scope::Region(region(500200)),
            "$argon2id$placeholder",
            at(8, 0),
        )
        .await
        .expect("user added")
        .id
}

#[tokio::test]
async fn users_keep_their_role_and_scope_and_usernames_are_unique() {
    let mut synth = Synth::new(7);
    for TestDb { label, store, url } in test_dbs().await {
        let passwords = Passwords::with_cost(64, 1).expect("params");
        let hash = passwords.hash("geheim-123").expect("hash");
        let scopes = [
            (Role::Admin, Scope::Platform),
            (Role::Person, Scope::Person(person(11))),
            (Role::Employer, Scope::Employer(synth.uscc(region(500228)))),
            (
                Role::DeptOfficer,
                Scope::Department {
                    id: "cq-cdc".into(),
                    kind: DepartmentKind::Cdc,
                },
            ),
            (Role::Supervisor, Scope::Region(region(500000))),
        ];
        for (role, scope) in scopes {
            let username = name(&format!("u-{role}"));
            let added = store
                .add_user(&username, role, &scope, &hash, at(8, 0))
                .await
                .expect("added");
            let read = store
                .credentials(&username)
                .await
                .expect("read")
                .expect("exists");
            assert_eq!(read.user, added, "{label}");
            assert_eq!(read.user.scope, scope, "{label}");
            assert!(passwords.verify("geheim-123", &read.password_hash));
            assert_eq!(store.user(&added.id).await.expect("by id"), added);
        }
        let again = store
            .add_user(
                &name("U-admin"),
                Role::Admin,
                &Scope::Platform,
                &hash,
                at(9, 0),
            )
            .await
            .expect_err("username taken, whatever its case");
        assert!(again.is_unique_violation(), "{label}: {again:?}");
        assert!(
            store
                .credentials(&name("nobody"))
                .await
                .expect("read")
                .is_none()
        );
        let reopened = Store::open(&url).await.expect("reopen");
        let admin = reopened.credentials(&name("u-admin")).await.expect("read");
        assert_eq!(admin.map(|c| c.user.role), Some(Role::Admin), "{label}");
    }
}

#[tokio::test]
async fn sessions_store_only_a_digest_and_expire_when_idle_or_old() {
    for TestDb { label, store, .. } in test_dbs().await {
        let user = clerk(&store).await;
        let new = store
            .create_session(&user, at(8, 0), LIMITS)
            .await
            .expect("session");
        let stored: Vec<String> = sqlx::query_scalar("SELECT token_sha256 FROM sessions")
            .fetch_all(store.pool())
            .await
            .expect("rows");
        assert_eq!(stored, vec![token_digest(&new.token)], "{label}");
        assert_ne!(stored[0], new.token);

        let live = store
            .active_session(&new.token, at(8, 29))
            .await
            .expect("read");
        let live = live.expect("still live after 29 minutes");
        assert_eq!(live.user.id, user);
        assert_eq!(live.csrf_token, new.csrf_token);
        assert_eq!(
            live.idle_expires_at,
            at(8, 59),
            "{label}: use extends the idle limit"
        );
        assert!(
            store
                .active_session(&new.token, at(8, 58))
                .await
                .expect("read")
                .is_some()
        );
        assert!(
            store
                .active_session(&new.token, at(9, 29))
                .await
                .expect("read")
                .is_none(),
            "{label}: 31 minutes idle"
        );
        assert!(
            store
                .active_session("forged", at(8, 1))
                .await
                .expect("read")
                .is_none()
        );
    }
}

#[tokio::test]
async fn sessions_end_at_twelve_hours_on_sign_out_and_when_disabled() {
    for TestDb { label, store, .. } in test_dbs().await {
        let user = clerk(&store).await;
        let kept_busy = store
            .create_session(&user, at(0, 0), LIMITS)
            .await
            .expect("s");
        for hour in 0..12 {
            for minute in [0, 20, 40] {
                let now = at(hour, minute);
                let live = store
                    .active_session(&kept_busy.token, now)
                    .await
                    .expect("read");
                assert!(live.is_some(), "{label}: live at {now}");
            }
        }
        assert!(
            store
                .active_session(&kept_busy.token, at(12, 0))
                .await
                .expect("read")
                .is_none(),
            "{label}: absolute limit"
        );

        let signed_out = store
            .create_session(&user, at(1, 0), LIMITS)
            .await
            .expect("s");
        assert!(
            store
                .revoke_session(&signed_out.token, at(1, 1))
                .await
                .expect("revoke")
        );
        assert!(
            !store
                .revoke_session(&signed_out.token, at(1, 2))
                .await
                .expect("again")
        );
        assert!(
            store
                .active_session(&signed_out.token, at(1, 2))
                .await
                .expect("r")
                .is_none()
        );

        let other = store
            .create_session(&user, at(2, 0), LIMITS)
            .await
            .expect("s");
        store.set_user_disabled(&user, true).await.expect("disable");
        assert!(
            store
                .active_session(&other.token, at(2, 1))
                .await
                .expect("r")
                .is_none()
        );
        store.set_user_disabled(&user, false).await.expect("enable");
        assert!(
            store
                .active_session(&other.token, at(2, 2))
                .await
                .expect("r")
                .is_some()
        );
        assert_eq!(
            store
                .revoke_user_sessions(&user, at(2, 3))
                .await
                .expect("all"),
            2
        );
        assert!(
            store.prune_sessions(at(23, 0)).await.expect("prune") >= 3,
            "{label}"
        );
    }
}

/// Deletes a session's row behind the store's back: only a session answered from memory
/// survives it.
async fn delete_row(store: &Store, token: &str) {
    sqlx::query("DELETE FROM sessions WHERE token_sha256 = $1")
        .bind(token_digest(token))
        .execute(store.pool())
        .await
        .expect("delete");
}

#[tokio::test]
async fn sessions_are_answered_from_memory_until_revoked_or_disabled() {
    for TestDb { label, store, .. } in test_dbs().await {
        let user = clerk(&store).await;
        let read = |token: String, now| {
            let store = store.clone();
            async move { store.active_session(&token, now).await.expect("read") }
        };
        let cached = store
            .create_session(&user, at(8, 0), LIMITS)
            .await
            .expect("s");
        assert!(read(cached.token.clone(), at(8, 0)).await.is_some());
        delete_row(&store, &cached.token).await;
        let again = read(cached.token.clone(), at(8, 0)).await;
        match store.backend() {
            // The only server on the file: its own changes are all there are.
            onething_store::Backend::Sqlite => assert!(again.is_some(), "{label}: from memory"),
            // No listener for other servers' changes: every check is a query.
            onething_store::Backend::Postgres => assert!(again.is_none(), "{label}: queried"),
        }

        let signed_out = store
            .create_session(&user, at(8, 0), LIMITS)
            .await
            .expect("s");
        assert!(read(signed_out.token.clone(), at(8, 0)).await.is_some());
        store
            .revoke_session(&signed_out.token, at(8, 1))
            .await
            .expect("revoke");
        assert!(
            read(signed_out.token.clone(), at(8, 1)).await.is_none(),
            "{label}"
        );

        let disabled = store
            .create_session(&user, at(8, 0), LIMITS)
            .await
            .expect("s");
        assert!(read(disabled.token.clone(), at(8, 0)).await.is_some());
        store.set_user_disabled(&user, true).await.expect("disable");
        assert!(
            read(disabled.token.clone(), at(8, 1)).await.is_none(),
            "{label}"
        );
        store.set_user_disabled(&user, false).await.expect("enable");

        let all = store
            .create_session(&user, at(8, 0), LIMITS)
            .await
            .expect("s");
        assert!(read(all.token.clone(), at(8, 0)).await.is_some());
        store
            .revoke_user_sessions(&user, at(8, 1))
            .await
            .expect("revoke all");
        assert!(read(all.token.clone(), at(8, 1)).await.is_none(), "{label}");

        // Idle and absolute limits hold for a session answered from memory too.
        let idle = store
            .create_session(&user, at(9, 0), LIMITS)
            .await
            .expect("s");
        assert!(read(idle.token.clone(), at(9, 0)).await.is_some());
        assert!(
            read(idle.token.clone(), at(9, 31)).await.is_none(),
            "{label}"
        );
    }
}

/// PostgreSQL: a server listening for account changes answers sessions from memory, and a
/// sign-out made through another server (another store) still ends them at once.
#[tokio::test]
async fn another_servers_sign_out_reaches_a_listening_server() {
    for TestDb { label, url, store } in test_dbs().await {
        if store.backend() != onething_store::Backend::Postgres {
            continue;
        }
        let other = Store::connect(&url).await.expect("second server");
        store.watch_account_changes();
        let user = clerk(&store).await;
        // Until the listener is connected every check is a query: wait for the cache.
        let started = std::time::Instant::now();
        loop {
            let probe = store
                .create_session(&user, at(8, 0), LIMITS)
                .await
                .expect("s");
            let first = store
                .active_session(&probe.token, at(8, 0))
                .await
                .expect("r");
            assert!(first.is_some(), "{label}");
            delete_row(&store, &probe.token).await;
            let again = store
                .active_session(&probe.token, at(8, 0))
                .await
                .expect("r");
            if again.is_some() {
                break;
            }
            assert!(
                started.elapsed().as_secs() < 10,
                "{label}: listener never connected"
            );
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let session = store
            .create_session(&user, at(8, 0), LIMITS)
            .await
            .expect("s");
        let first = store
            .active_session(&session.token, at(8, 0))
            .await
            .expect("r");
        assert!(first.is_some(), "{label}");
        other
            .revoke_session(&session.token, at(8, 1))
            .await
            .expect("revoke");
        let started = std::time::Instant::now();
        while store
            .active_session(&session.token, at(8, 1))
            .await
            .expect("r")
            .is_some()
        {
            assert!(
                started.elapsed().as_secs() < 2,
                "{label}: the other server's sign-out did not arrive (recheck is 5 s)"
            );
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }
}

#[tokio::test]
async fn failed_sign_ins_are_counted_per_account_and_per_client() {
    for TestDb { label, store, .. } in test_dbs().await {
        for minute in 0..4 {
            store
                .record_sign_in_attempt("alice", "10.0.0.1", false, at(9, minute))
                .await
                .expect("record");
        }
        store
            .record_sign_in_attempt("bob", "10.0.0.1", false, at(9, 5))
            .await
            .expect("record");
        let since = at(9, 1);
        let alice = store
            .failed_sign_ins(AttemptKey::Account("alice"), since)
            .await
            .expect("count");
        assert_eq!(
            alice,
            vec![at(9, 2), at(9, 3)],
            "{label}: strictly inside the window"
        );
        let client = store
            .failed_sign_ins(AttemptKey::Client("10.0.0.1"), at(8, 59))
            .await
            .expect("count");
        assert_eq!(client.len(), 5, "{label}");

        store
            .record_sign_in_attempt("alice", "10.0.0.2", true, at(9, 6))
            .await
            .expect("record");
        let alice = store
            .failed_sign_ins(AttemptKey::Account("alice"), at(8, 59))
            .await
            .expect("count");
        assert!(
            alice.is_empty(),
            "{label}: a success clears the account's count"
        );
        let client = store
            .failed_sign_ins(AttemptKey::Client("10.0.0.1"), at(8, 59))
            .await
            .expect("count");
        assert_eq!(client.len(), 5, "{label}: but not the address's");
    }
}

fn entry(action: &str, case_id: Option<&str>, minute: u32) -> NewAuditEntry {
    NewAuditEntry {
        at: at(10, minute),
        actor: "clerk".into(),
        role: Some(Role::AgencyClerk),
        action: action.into(),
        subject_type: "case".into(),
        subject_id: case_id.unwrap_or("none").into(),
        case_id: case_id.map(str::to_owned),
        detail: serde_json::json!({"reason": "核对身份"}),
    }
}

#[tokio::test]
async fn the_audit_log_is_append_only_and_filterable() {
    for TestDb { label, store, .. } in test_dbs().await {
        let first = store
            .append_audit(&entry("reveal_applicant_id", Some("c1"), 0))
            .await;
        let first = first.expect("append");
        let second = store
            .append_audit(&entry("sign_in", None, 1))
            .await
            .expect("append");
        assert!(second > first, "{label}");
        let mut sign_in = entry("sign_in", None, 1);
        sign_in.role = None;
        store.append_audit(&sign_in).await.expect("append");

        let all = store
            .list_audit(&AuditFilter {
                limit: 10,
                ..AuditFilter::default()
            })
            .await
            .expect("list");
        assert_eq!(all.len(), 3, "{label}");
        assert!(all[0].id > all[1].id, "{label}: newest first");
        let reveals = store
            .list_audit(&AuditFilter {
                subject_type: Some("case".into()),
                subject_id: Some("c1".into()),
                limit: 10,
                ..AuditFilter::default()
            })
            .await
            .expect("list");
        assert_eq!(reveals.len(), 1, "{label}");
        assert_eq!(
            reveals[0].entry,
            entry("reveal_applicant_id", Some("c1"), 0)
        );

        for sql in [
            "UPDATE audit_log SET actor = 'someone else'",
            "DELETE FROM audit_log",
        ] {
            let refused = sqlx::query(sql).execute(store.pool()).await;
            assert!(refused.is_err(), "{label}: {sql} must be refused");
        }
        let still = store
            .list_audit(&AuditFilter {
                limit: 10,
                ..AuditFilter::default()
            })
            .await
            .expect("list");
        assert_eq!(still, all, "{label}: nothing changed");
    }
}

async fn open(store: &Store, bundle: &str, applicant: String, region: Option<&str>) -> String {
    let actor = Actor {
        name: "window".into(),
        role: ActorRole::Acceptor,
        idempotency_key: fresh_name(),
        at: at(8, 0),
    };
    let new = NewCase {
        bundle: bundle.into(),
        applicant,
        region: region.map(str::to_owned),
        filer: None,
        id: None,
    };
    store.open_case(&new, &actor).await.expect("case").id
}

#[tokio::test]
async fn case_lists_reach_exactly_the_scope() {
    let mut synth = Synth::new(3);
    for TestDb { label, store, .. } in test_dbs().await {
        store
            .ensure_shipped_catalog(at(7, 0))
            .await
            .expect("catalogue");
        let p1 = person(21);
        let e1 = synth.uscc(region(500228));
        let mine = open(
            &store,
            "newborn",
            Applicant::person_ref(&p1),
            Some("500228"),
        )
        .await;
        let theirs = open(
            &store,
            "newborn",
            Applicant::person_ref(&person(23)),
            Some("420281"),
        )
        .await;
        let firm = open(
            &store,
            "maternity_allowance",
            Applicant::employer_ref(&e1),
            Some("500101"),
        )
        .await;
        let page = Page {
            limit: 50,
            offset: 0,
        };
        let ids = |scope: Scope| {
            let store = store.clone();
            async move {
                let mut ids: Vec<String> = store
                    .cases_in_scope(&scope, page)
                    .await
                    .expect("list")
                    .into_iter()
                    .map(|c| c.id)
                    .collect();
                ids.sort();
                ids
            }
        };
        let sorted = |mut v: Vec<&String>| {
            v.sort();
            v.into_iter().cloned().collect::<Vec<String>>()
        };
        assert_eq!(
            ids(Scope::Platform).await,
            sorted(vec![&mine, &theirs, &firm]),
            "{label}"
        );
        assert_eq!(
            ids(Scope::Person(p1.clone())).await,
            vec![mine.clone()],
            "{label}"
        );
        assert_eq!(
            ids(Scope::Employer(e1.clone())).await,
            vec![firm.clone()],
            "{label}"
        );
        assert_eq!(
            ids(Scope::Region(region(500228))).await,
            vec![mine.clone()],
            "{label}"
        );
        assert_eq!(
            ids(Scope::Region(region(500000))).await,
            sorted(vec![&mine, &firm])
        );
        assert_eq!(
            ids(Scope::Region(region(420200))).await,
            vec![theirs.clone()],
            "{label}"
        );
        let cdc = Scope::Department {
            id: "cdc".into(),
            kind: DepartmentKind::Cdc,
        };
        assert_eq!(ids(cdc).await, sorted(vec![&mine, &theirs]), "{label}");
        let tax = Scope::Department {
            id: "tax".into(),
            kind: DepartmentKind::Tax,
        };
        assert_eq!(ids(tax).await, vec![firm.clone()], "{label}");

        let summary = store.case_summary(&mine).await.expect("summary");
        assert_eq!(summary.items.len(), 7, "{label}");
        assert!(summary.departments.contains(&DepartmentKind::Cdc));
        assert_eq!(summary.region, Some(region(500228)));
        assert!(store.case_summary("nope").await.is_err());
        let two = store
            .case_summaries(&[mine.clone(), firm.clone(), "nope".into()])
            .await
            .expect("summaries");
        assert_eq!(two.len(), 2, "{label}");
        let first = store
            .cases_in_scope(
                &Scope::Platform,
                Page {
                    limit: 1,
                    offset: 1,
                },
            )
            .await
            .expect("page");
        assert_eq!(first.len(), 1, "{label}: paging counts cases, not items");
    }
}

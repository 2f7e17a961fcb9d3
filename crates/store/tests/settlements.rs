//! Settlement and payment (MA-5) on SQLite and (when configured) PostgreSQL: a run takes
//! every due claim exactly once, groups payments per account, records steps, notifications
//! and audit; results import marks paid and failed; a failed payment goes into the next run
//! only after its account is corrected; runs at the same time never share a claim.

use crate::support;

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use onething_domain::access::Role;
use onething_domain::allowance::ClaimStatus;
use onething_domain::allowance::settlement::{Payee, PayeeAccount, parse_results};
use onething_domain::case::{Action, ActorRole, ItemState};
use onething_domain::{Calendar, CitizenId, Fen, RegionCode, Uscc};
use onething_store::Store;
use onething_store::allowance::Recipient;
use onething_store::allowance::settlements::{Acting, PaymentNotice, SettleRun, SettlementError};
use onething_store::allowance::steps::PAYMENT_ITEM;
use onething_store::audit::AuditFilter;
use onething_store::cases::{Actor as CaseActor, NewCase};
use onething_store::payables::PayableEvent;
use sqlx::Row;
use support::test_dbs;

/// The data items of the `maternity_allowance` bundle.
const DATA_ITEMS: [&str; 3] = [
    "HEALTH-BIRTH-CERT-INFO",
    "TAX-EMPLOYER-WAGE",
    "HOSPITAL-DELIVERY-INFO",
];

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

fn at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 11, 15, 2, 0, 0)
        .single()
        .expect("at")
}

fn region(code: u32) -> RegionCode {
    RegionCode::new(code).expect("region")
}

fn person(code: u32, seq: u16) -> CitizenId {
    CitizenId::from_parts(region(code), day(1994, 6, 2), seq).expect("citizen id")
}

fn employer(code: u32, n: u8) -> Uscc {
    Uscc::from_parts('9', '1', region(code), &format!("MA5U7C{n:02}")).expect("uscc")
}

/// Test double for the services crate's wording of payment messages: the step, the claim
/// and the recipient, so a test can tell which message went where.
fn texts_double(notice: &PaymentNotice<'_>) -> Option<[String; 2]> {
    if matches!(notice.event, PayableEvent::AccountCorrected { .. }) {
        return None;
    }
    let what = format!(
        "{} {} {}",
        notice.event.step(),
        notice.claim_id,
        notice.amount
    );
    Some([format!("employer: {what}"), format!("person: {what}")])
}

fn acting(name: &str) -> Acting {
    Acting {
        name: name.into(),
        role: Some(Role::AgencyClerk),
        at: at(),
    }
}

fn run(until: NaiveDate, scope: Option<u32>) -> SettleRun {
    SettleRun {
        until,
        scope: scope.map(region),
        acting: acting("clerk"),
    }
}

/// Test fixture: an approved claim written straight into `ma_claims` with its case as an
/// approval leaves it (the claims flow is the services layer's; settlement starts from
/// `approved`).
struct Approved {
    id: String,
    employer: Uscc,
    person: CitizenId,
    region: u32,
    amount: i64,
    approved_on: NaiveDate,
    /// None: no account on the claim (the employer's account on file is used).
    account: Option<(&'static str, &'static str, &'static str)>,
}

impl Approved {
    fn new(id: &str, region_code: u32, employer_no: u8, seq: u16, amount: i64) -> Approved {
        Approved {
            id: id.into(),
            employer: employer(region_code, employer_no),
            person: person(region_code, seq),
            region: region_code,
            amount,
            approved_on: day(2024, 11, 1),
            account: Some(("测试甲有限公司", "测试银行梁平支行", "31000123456789")),
        }
    }
}

/// The claim's case as approval leaves it: every item accepted, the data items done and
/// the payment item started, so the settlement's steps (and `paid`) land on it.
async fn approved_case(store: &Store, claim: &Approved) -> String {
    store.ensure_shipped_catalog(at()).await.expect("catalogue");
    let calendar = Calendar::shipped();
    let approved_at = claim
        .approved_on
        .and_hms_opt(2, 0, 0)
        .expect("time")
        .and_utc();
    let actor = |key: &str| CaseActor {
        name: "fixture".into(),
        role: ActorRole::System,
        idempotency_key: format!("{}:{key}", claim.id),
        at: approved_at,
    };
    let new = NewCase {
        bundle: "maternity_allowance".into(),
        applicant: format!("person:{}", claim.person),
        region: Some(claim.region.to_string()),
        filer: None,
        id: None,
    };
    let case = store.open_case(&new, &actor("open")).await.expect("case");
    store
        .accept_all(&case.id, &actor("accept"), &calendar)
        .await
        .expect("accepted");
    let mut moves = Vec::new();
    for item in DATA_ITEMS {
        let done = Action::Complete {
            certificate_ref: Some(format!("{item}:{}", claim.id)),
        };
        moves.extend([(item, Action::Start), (item, done)]);
    }
    moves.push((PAYMENT_ITEM, Action::Start));
    for (n, (item, action)) in moves.into_iter().enumerate() {
        store
            .change_item(&case.id, item, action, &actor(&n.to_string()), &calendar)
            .await
            .expect("item moved");
    }
    case.id
}

async fn insert(store: &Store, claim: &Approved) {
    let case_id = approved_case(store, claim).await;
    let (name, bank, number) = match claim.account {
        Some((n, b, a)) => (Some(n), Some(b), Some(a)),
        None => (None, None, None),
    };
    sqlx::query(
        "INSERT INTO ma_claims (id, case_id, employer_uscc, person_id, channel, status, duplicate_key,
             event_date, region, amount_fen, payee, account_name, bank, account_number,
             created_by, created_at, approved_on, payment_due, updated_at)
         VALUES ($1, $2, $3, $4, 'online', 'approved', $5, '2024-10-01', $6, $7, 'employer', $8, $9, $10,
             'fixture', '2024-10-20T00:00:00.000000Z', $11, $12, '2024-10-20T00:00:00.000000Z')",
    )
    .bind(&claim.id)
    .bind(&case_id)
    .bind(claim.employer.as_str())
    .bind(claim.person.as_str())
    .bind(format!("{}|2024-10-01|{}", claim.person.as_str(), claim.id))
    .bind(claim.region.to_string())
    .bind(claim.amount)
    .bind(name)
    .bind(bank)
    .bind(number)
    .bind(claim.approved_on.format("%Y-%m-%d").to_string())
    // As approval fixes it: the payment item PS-05's limit, 10 working days.
    .bind(
        Calendar::shipped()
            .add_working_days(claim.approved_on, 10)
            .expect("published year")
            .format("%Y-%m-%d")
            .to_string(),
    )
    .execute(store.pool())
    .await
    .expect("fixture claim");
    // What approval writes with the claim: its payable.
    support::claim_payables(store).await;
}

/// The state of an item of the claim's case.
async fn item_state(store: &Store, claim_id: &str, item: &str) -> ItemState {
    let case_id: String = sqlx::query_scalar("SELECT case_id FROM ma_claims WHERE id = $1")
        .bind(claim_id)
        .fetch_one(store.pool())
        .await
        .expect("case id");
    let case = store.load_case(&case_id).await.expect("case");
    case.state.items[item].state
}

async fn status_of(store: &Store, id: &str) -> String {
    sqlx::query_scalar("SELECT status FROM ma_claims WHERE id = $1")
        .bind(id)
        .fetch_one(store.pool())
        .await
        .expect("status")
}

/// claim id → how many payments carry it.
async fn payments_per_claim(store: &Store) -> HashMap<String, i64> {
    let rows = sqlx::query(
        "SELECT y.subject_id AS claim_id, COUNT(*) AS n FROM payment_lines l
         JOIN payables y ON y.id = l.payable_id GROUP BY y.subject_id",
    )
    .fetch_all(store.pool())
    .await
    .expect("rows");
    rows.iter()
        .map(|r| (r.get::<String, _>("claim_id"), r.get::<i64, _>("n")))
        .collect()
}

#[tokio::test]
async fn a_run_takes_every_due_claim_once_grouped_per_account() {
    for db in test_dbs().await {
        let store = &db.store;
        let mut other_account = Approved::new("c3", 500228, 2, 3, 30_000);
        other_account.account = Some(("测试乙有限公司", "测试银行", "62000000001111"));
        let mut late_approval = Approved::new("c4", 500228, 1, 4, 40_000);
        late_approval.approved_on = day(2024, 11, 20);
        for claim in [
            Approved::new("c1", 500228, 1, 1, 10_000),
            Approved::new("c2", 500228, 1, 2, 20_001),
            other_account,
            late_approval,
        ] {
            insert(store, &claim).await;
        }
        let outcome = store
            .settle(&run(day(2024, 11, 15), None), texts_double)
            .await
            .expect("settle");
        let settlement = outcome.settlement.expect("a settlement");
        assert_eq!(settlement.head.claims, 3, "{}", db.label);
        assert_eq!(settlement.head.total, Fen::new(60_001));
        assert_eq!(settlement.payments.len(), 2);
        let first = &settlement.payments[1];
        assert_eq!(first.payee_name, "测试甲有限公司");
        assert_eq!(first.subject_ids, vec!["c1", "c2"]);
        assert_eq!(first.amount, Fen::new(30_001));
        assert!(outcome.skipped.is_empty());
        assert_eq!(status_of(store, "c1").await, "settled");
        case_row_agrees_with_its_replay(store, "c1").await;
        assert_eq!(
            status_of(store, "c4").await,
            "approved",
            "approved after the cut-off"
        );

        // Read back exactly as written.
        let read = store
            .settlement(&settlement.head.id, None)
            .await
            .expect("read")
            .expect("found");
        assert_eq!(read, settlement, "{}", db.label);

        // Steps and in-site messages to the person and the employer.
        let steps = store.claim_steps("c1").await.expect("steps");
        assert_eq!(steps.last().map(|s| s.step.as_str()), Some("settled"));
        assert_eq!(
            steps.last().map(|s| s.detail["settlement_id"].clone()),
            Some(settlement.head.id.clone().into())
        );
        let to_person = store
            .notifications_for(
                &Recipient::Person(person(500228, 1).as_str().into()),
                "in_site",
                10,
            )
            .await
            .expect("notes");
        assert_eq!(to_person.len(), 1);
        assert!(
            to_person[0].body.starts_with("person: settled c1"),
            "{:?}",
            to_person
        );
        let to_employer = store
            .notifications_for(
                &Recipient::Employer(employer(500228, 1).as_str().into()),
                "in_site",
                10,
            )
            .await
            .expect("notes");
        assert_eq!(to_employer.len(), 2);
        assert!(
            to_employer[0].body.starts_with("employer: settled"),
            "{:?}",
            to_employer
        );

        // A second run finds nothing new: no settlement is written.
        let again = store
            .settle(&run(day(2024, 11, 15), None), texts_double)
            .await
            .expect("settle");
        assert_eq!(again.settlement, None);
        assert_eq!(again.claims(), 0);
        let runs = store
            .list_audit(&AuditFilter {
                action: Some("settlement_run".into()),
                limit: 10,
                ..AuditFilter::default()
            })
            .await
            .expect("audit");
        assert_eq!(runs.len(), 2, "every run is audited");
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM settlements")
            .fetch_one(store.pool())
            .await
            .expect("count");
        assert_eq!(count, 1);
    }
}

#[tokio::test]
async fn unusable_claims_are_reported_and_the_employer_account_on_file_stands_in() {
    for db in test_dbs().await {
        let store = &db.store;
        let mut no_account = Approved::new("c1", 500228, 1, 1, 10_000);
        no_account.account = None;
        let mut on_file = Approved::new("c2", 500228, 2, 2, 10_000);
        on_file.account = None;
        let mut bad = Approved::new("c3", 500228, 3, 3, 10_000);
        bad.account = Some(("测试丙", "测试银行", "12AB"));
        // On file when the claims were approved: the payable copies it.
        sqlx::query(
            "INSERT INTO employer_accounts (employer_uscc, account_name, bank, number, updated_at, updated_by)
             VALUES ($1, '测试乙有限公司', '测试银行', '55556666777', '2024-01-01T00:00:00.000000Z', 'fixture')",
        )
        .bind(on_file.employer.as_str())
        .execute(store.pool())
        .await
        .expect("account on file");
        for claim in [&no_account, &on_file, &bad] {
            insert(store, claim).await;
        }
        let outcome = store
            .settle(&run(day(2024, 11, 15), None), texts_double)
            .await
            .expect("settle");
        let settlement = outcome.settlement.expect("settlement");
        assert_eq!(settlement.payments.len(), 1, "{}", db.label);
        assert_eq!(settlement.payments[0].account, "55556666777");
        let skipped: Vec<(&str, &str)> = outcome
            .skipped
            .iter()
            .map(|s| (s.subject_id.as_str(), s.reason.code()))
            .collect();
        assert_eq!(
            skipped,
            vec![("c1", "INVALID_ACCOUNT"), ("c3", "INVALID_ACCOUNT")]
        );
        assert_eq!(status_of(store, "c1").await, "approved");
    }
}

#[tokio::test]
async fn a_clerk_settles_the_claims_of_the_region_and_sees_only_those_settlements() {
    for db in test_dbs().await {
        let store = &db.store;
        insert(store, &Approved::new("cq1", 500228, 1, 1, 10_000)).await;
        insert(store, &Approved::new("hb1", 420281, 1, 2, 20_000)).await;
        let cq = store
            .settle(&run(day(2024, 11, 15), Some(500000)), texts_double)
            .await
            .expect("settle");
        let cq = cq.settlement.expect("cq settlement");
        assert_eq!(cq.payments[0].subject_ids, vec!["cq1"], "{}", db.label);
        assert_eq!(status_of(store, "hb1").await, "approved");
        let hb = store
            .settle(&run(day(2024, 11, 15), Some(420281)), texts_double)
            .await
            .expect("settle");
        let hb = hb.settlement.expect("hb settlement");
        let ids = |list: Vec<onething_store::allowance::settlements::SettlementSummary>| {
            list.into_iter().map(|s| s.head.id).collect::<Vec<_>>()
        };
        let seen_cq = ids(store
            .list_settlements(Some(region(500200)), 50)
            .await
            .expect("list"));
        assert_eq!(seen_cq, vec![cq.head.id.clone()]);
        let all = ids(store.list_settlements(None, 50).await.expect("list"));
        assert_eq!(all.len(), 2);
        assert!(
            store
                .settlement(&hb.head.id, Some(region(500000)))
                .await
                .expect("read")
                .is_none()
        );
        assert!(
            store
                .settlement(&hb.head.id, Some(region(420000)))
                .await
                .expect("read")
                .is_some()
        );
    }
}

#[tokio::test]
async fn results_mark_paid_and_failed_and_report_unknown_and_duplicate_rows() {
    for db in test_dbs().await {
        let store = &db.store;
        let mut other = Approved::new("c2", 500228, 2, 2, 20_000);
        other.account = Some(("测试乙有限公司", "测试银行", "62000000001111"));
        insert(store, &Approved::new("c1", 500228, 1, 1, 10_000)).await;
        insert(store, &other).await;
        let first = store
            .settle(&run(day(2024, 11, 15), None), texts_double)
            .await
            .expect("settle");
        let first = first.settlement.expect("settlement");
        insert(store, &Approved::new("c3", 500228, 3, 3, 30_000)).await;
        let second = store
            .settle(&run(day(2024, 11, 15), None), texts_double)
            .await
            .expect("settle");
        let second = second.settlement.expect("settlement");
        let (jia, yi) = (&first.payments[1].id, &first.payments[0].id);
        let text = format!(
            "payment_id,result,reason\n{jia},paid,\n{yi},failed,账户已销户\n{jia},paid,\n{},paid,\nNOPE,paid,\n",
            second.payments[0].id
        );
        let rows = parse_results(text.as_bytes()).expect("rows");
        let report = store
            .import_results(&first.head.id, &rows, &acting("clerk"), texts_double)
            .await
            .expect("import");
        assert_eq!(
            (report.matched, report.paid, report.failed),
            (2, 1, 1),
            "{}",
            db.label
        );
        assert_eq!(
            report.duplicates.iter().map(|r| r.line).collect::<Vec<_>>(),
            vec![4]
        );
        assert_eq!(
            report.unknown.iter().map(|r| r.line).collect::<Vec<_>>(),
            vec![5, 6]
        );
        assert_eq!(status_of(store, "c1").await, "paid");
        assert_eq!(status_of(store, "c2").await, "payment_failed");
        assert_eq!(
            status_of(store, "c3").await,
            "settled",
            "another settlement's payment"
        );
        let paid_on: Option<String> =
            sqlx::query_scalar("SELECT paid_on FROM ma_claims WHERE id = 'c1'")
                .fetch_one(store.pool())
                .await
                .expect("paid_on");
        assert_eq!(paid_on.as_deref(), Some("2024-11-15"));
        let read = store
            .settlement(&first.head.id, None)
            .await
            .expect("read")
            .expect("found");
        assert_eq!(read.payments[0].status, "failed");
        assert_eq!(read.payments[0].reason.as_deref(), Some("账户已销户"));
        let steps = store.claim_steps("c2").await.expect("steps");
        assert_eq!(
            steps.last().map(|s| s.step.as_str()),
            Some("payment_failed")
        );
        // The payment completes the case's payment item; a failed one leaves it open.
        let paid_item = item_state(store, "c1", PAYMENT_ITEM).await;
        assert_eq!(paid_item, ItemState::Done, "{}", db.label);
        let failed_item = item_state(store, "c2", PAYMENT_ITEM).await;
        assert_eq!(failed_item, ItemState::InProgress, "{}", db.label);

        // The same file again: every row is now a duplicate, nothing changes.
        let again = store
            .import_results(&first.head.id, &rows, &acting("clerk"), texts_double)
            .await
            .expect("import");
        assert_eq!((again.matched, again.duplicates.len()), (0, 3));
        let missing = store
            .import_results("ST-none", &rows, &acting("clerk"), texts_double)
            .await;
        assert!(matches!(missing, Err(SettlementError::NotFound { .. })));
    }
}

#[tokio::test]
async fn a_failed_payment_is_rebatched_only_after_its_account_is_corrected() {
    for db in test_dbs().await {
        let store = &db.store;
        insert(store, &Approved::new("c1", 500228, 1, 1, 10_000)).await;
        let first = store
            .settle(&run(day(2024, 11, 15), None), texts_double)
            .await
            .expect("settle");
        let first = first.settlement.expect("settlement");
        let text = format!(
            "payment_id,result,reason\n{},failed,户名不符\n",
            first.payments[0].id
        );
        let rows = parse_results(text.as_bytes()).expect("rows");
        store
            .import_results(&first.head.id, &rows, &acting("clerk"), texts_double)
            .await
            .expect("import");

        let before = store
            .settle(&run(day(2024, 11, 29), None), texts_double)
            .await
            .expect("settle");
        assert_eq!(
            before.settlement, None,
            "{}: not before the correction",
            db.label
        );

        let account = PayeeAccount::parse(
            "测试甲有限公司（更正）",
            "测试银行",
            "31000999888777",
            Payee::Employer,
        )
        .expect("account");
        store
            .correct_account("c1", &account, &acting("emp"))
            .await
            .expect("corrected");
        let steps = store.claim_steps("c1").await.expect("steps");
        assert_eq!(
            steps.last().map(|s| s.step.as_str()),
            Some("account_corrected")
        );

        let after = store
            .settle(&run(day(2024, 11, 29), None), texts_double)
            .await
            .expect("settle");
        let after = after.settlement.expect("re-batched");
        assert_eq!(after.head.claims, 1);
        assert_eq!(after.payments[0].account, "31000999888777");
        assert_eq!(after.payments[0].subject_ids, vec!["c1"]);
        assert_eq!(status_of(store, "c1").await, "settled");
        // Once re-batched it is not taken again.
        let third = store
            .settle(&run(day(2024, 11, 29), None), texts_double)
            .await
            .expect("settle");
        assert_eq!(third.settlement, None);
        assert_eq!(payments_per_claim(store).await.get("c1"), Some(&2));

        // Only a failed payment's account can be corrected.
        let refused = store.correct_account("c1", &account, &acting("emp")).await;
        assert!(matches!(
            refused,
            Err(SettlementError::InvalidState {
                status: ClaimStatus::Settled,
                ..
            })
        ));
        let missing = store
            .correct_account("nope", &account, &acting("emp"))
            .await;
        assert!(matches!(missing, Err(SettlementError::NotFound { .. })));
    }
}

#[tokio::test]
async fn simultaneous_runs_never_take_the_same_claim() {
    for db in test_dbs().await {
        let store = &db.store;
        for i in 0..120_u16 {
            let mut claim = Approved::new(
                &format!("k{i:04}"),
                500228,
                (i % 7) as u8,
                i,
                1_000 + i64::from(i),
            );
            claim.account = Some((
                "测试甲有限公司",
                "测试银行",
                ["31000123456789", "31000123450000"][usize::from(i % 2)],
            ));
            insert(store, &claim).await;
        }
        let runs = (0..4).map(|_| {
            let store = store.clone();
            tokio::spawn(async move {
                store
                    .settle(&run(day(2024, 11, 15), None), texts_double)
                    .await
            })
        });
        let mut settled = 0;
        for handle in runs {
            let outcome = handle.await.expect("task").expect("settle");
            settled += outcome.claims();
        }
        assert_eq!(settled, 120, "{} ({})", db.label, db.url);
        let per_claim = payments_per_claim(store).await;
        assert_eq!(per_claim.len(), 120);
        assert!(
            per_claim.values().all(|n| *n == 1),
            "{}: a claim in two payments",
            db.label
        );
        let total: i64 =
            sqlx::query_scalar("SELECT CAST(SUM(total_fen) AS BIGINT) FROM settlements")
                .fetch_one(store.pool())
                .await
                .expect("total");
        let expected: i64 = (0..120).map(|i| 1_000 + i).sum();
        assert_eq!(total, expected);
    }
}

#[tokio::test]
async fn late_payments_are_the_unpaid_claims_past_their_due_date() {
    for db in test_dbs().await {
        let store = &db.store;
        let calendar = Calendar::shipped();
        let mut old = Approved::new("old", 500228, 1, 1, 10_000);
        old.approved_on = day(2024, 10, 8); // due 2024-10-21 (12 October is a make-up working day)
        let mut recent = Approved::new("recent", 500228, 1, 2, 10_000);
        recent.approved_on = day(2024, 11, 1); // due 2024-11-15
        let mut elsewhere = Approved::new("hb", 420281, 1, 3, 10_000);
        elsewhere.approved_on = day(2024, 10, 8);
        for claim in [&old, &recent, &elsewhere] {
            insert(store, claim).await;
        }
        let today = day(2024, 11, 15);
        let late = store
            .late_payments(Some(region(500000)), today, &calendar)
            .await
            .expect("late");
        assert_eq!(late.len(), 1, "{}", db.label);
        assert_eq!(late[0].claim_id, "old");
        assert_eq!(late[0].payment_due, day(2024, 10, 21));
        assert_eq!(late[0].overdue_working_days, 19);
        assert_eq!(
            store
                .late_payments(None, today, &calendar)
                .await
                .expect("late")
                .len(),
            2
        );
        // Paid claims are no longer late.
        for sql in [
            "UPDATE ma_claims SET status = 'paid' WHERE id = 'old'",
            "UPDATE payables SET status = 'paid' WHERE subject_id = 'old'",
        ] {
            sqlx::query(sql).execute(store.pool()).await.expect("paid");
        }
        assert!(
            store
                .late_payments(Some(region(500000)), today, &calendar)
                .await
                .expect("late")
                .is_empty()
        );
    }
}

/// Migration 0020: a payable copied from a claim approved before due dates were recorded
/// gets its approval date, so the late list flags it at once instead of failing on it.
#[tokio::test]
async fn a_payable_without_a_due_date_is_due_from_its_approval_after_migration_0020() {
    for db in test_dbs().await {
        let store = &db.store;
        let calendar = Calendar::shipped();
        let mut old = Approved::new("undated", 500228, 1, 1, 10_000);
        old.approved_on = day(2024, 10, 8);
        insert(store, &old).await;
        sqlx::query("UPDATE payables SET due_on = NULL")
            .execute(store.pool())
            .await
            .expect("as copied by 0008");
        let today = day(2024, 10, 9);
        let unseen = store
            .late_payments(None, today, &calendar)
            .await
            .expect("late");
        assert!(unseen.is_empty(), "{}: {unseen:?}", db.label);
        let migration = match db.label {
            "postgres" => include_str!("../migrations/postgres/0020_payables_due.sql"),
            _ => include_str!("../migrations/sqlite/0020_payables_due.sql"),
        };
        sqlx::raw_sql(migration)
            .execute(store.pool())
            .await
            .expect("0020");
        let late = store
            .late_payments(None, today, &calendar)
            .await
            .expect("late");
        assert_eq!(late.len(), 1, "{}", db.label);
        assert_eq!(late[0].payment_due, day(2024, 10, 8));
        assert_eq!(late[0].overdue_working_days, 1);
    }
}

/// A settlement appends its `settled` step from the case row alone (no replay): the row's
/// version, status and due date must still be what replaying the case's events gives.
async fn case_row_agrees_with_its_replay(store: &Store, claim_id: &str) {
    let case_id: String = sqlx::query_scalar("SELECT case_id FROM ma_claims WHERE id = $1")
        .bind(claim_id)
        .fetch_one(store.pool())
        .await
        .expect("case id");
    let row = sqlx::query("SELECT version, status, due_on FROM cases WHERE id = $1")
        .bind(&case_id)
        .fetch_one(store.pool())
        .await
        .expect("case row");
    let replayed = store.load_case(&case_id).await.expect("replayed");
    let events = store.case_events(&case_id).await.expect("events");
    let version: i64 = row.get("version");
    assert_eq!(version, events.len() as i64, "{case_id}");
    assert_eq!(version as u64, replayed.state.last_seq);
    let status = serde_json::to_value(replayed.state.status()).expect("status");
    assert_eq!(
        Some(row.get::<String, _>("status").as_str()),
        status.as_str()
    );
    let due_on: Option<String> = row.get("due_on");
    assert_eq!(due_on, replayed.state.due_on().map(|d| d.to_string()));
}

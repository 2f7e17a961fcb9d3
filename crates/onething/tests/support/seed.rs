//! Test fixture shared by the settlement tests: approved claims written straight into the
//! database (settlement starts from `approved`).

use onething_store::Store;
use sqlx::AssertSqlSafe;

/// Test fixture: `n` approved claims written straight into `ma_claims` (the claims flow is
/// built elsewhere; settlement starts from `approved`), over 200 employers' accounts.
pub async fn seed(store: &Store, n: usize) -> i64 {
    const ROWS: usize = 250;
    store
        .ensure_shipped_catalog(chrono::Utc::now())
        .await
        .expect("catalogue");
    // Every application is a case: each fixture claim gets a copy of an approved claim's.
    let template = onething_test_support::approved_claim_case(store, "person-x", "500228").await;
    let last = i64::try_from(n).expect("n") - 1;
    onething_test_support::clone_case(store, &template, "fixture-case-", 0, last).await;
    let mut total = 0;
    let mut tx = store.pool().begin().await.expect("tx");
    for start in (0..n).step_by(ROWS) {
        let end = (start + ROWS).min(n);
        let values: Vec<String> = (0..end - start)
            .map(|i| {
                let p = i * 5;
                format!(
                    "(${}, ${}, ${}, 'online', 'approved', ${}, '500228', ${}, 'employer',
                      '测试单位', '测试银行', ${}, 'fixture', '2024-10-20T00:00:00.000000Z',
                      '2024-11-01', '2024-10-20T00:00:00.000000Z', ${})",
                    p + 1,
                    p + 2,
                    p + 3,
                    p + 1,
                    p + 4,
                    p + 2,
                    p + 5
                )
            })
            .collect();
        let sql = format!(
            "INSERT INTO ma_claims (id, employer_uscc, person_id, channel, status, duplicate_key,
                 region, amount_fen, payee, account_name, bank, account_number, created_by,
                 created_at, approved_on, updated_at, case_id) VALUES {}",
            values.join(", ")
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for i in start..end {
            let amount = 1_000_000 + i64::try_from(i).expect("small") * 7;
            total += amount;
            // Fixture data: the employer column only scopes; 200 accounts, 100 claims each.
            query = query
                .bind(format!("claim-{i:05}"))
                .bind(format!("3100000000{:04}", i % 200))
                .bind(format!("person-{i:05}"))
                .bind(amount)
                .bind(format!("fixture-case-{i}"));
        }
        query.execute(&mut *tx).await.expect("seed");
    }
    tx.commit().await.expect("commit");
    // What approval writes with each claim: its payable.
    onething_test_support::claim_payables(store).await;
    total
}

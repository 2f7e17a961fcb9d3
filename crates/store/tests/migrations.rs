//! Migrations that move data, tested on rows written in the shape before them, on SQLite
//! and (when configured) PostgreSQL.

use crate::support;

use onething_domain::allowance::derive::{Fact, Missing};
use serde_json::json;

const MOTHER: &str = "500228199003050027";
const EMPLOYER: &str = "91500228MA5U12346P";

/// Inserts a claim row as the schema before migration 0031 held it: the findings in the row.
async fn claim_in_the_old_shape(
    store: &onething_store::Store,
    id: &str,
    findings: [Option<&str>; 4],
) {
    let case_id = support::approved_claim_case(store, MOTHER, "500228").await;
    let [facts, missing, decision, derivation] = findings;
    sqlx::query(
        "INSERT INTO ma_claims (id, case_id, employer_uscc, person_id, channel, status,
             duplicate_key, region, facts, missing, decision, derivation, created_by,
             created_at, updated_at)
         VALUES ($1, $2, $3, $4, 'online', 'in_review', $1, '500228',
             COALESCE($5, '[]'), COALESCE($6, '[]'), $7, $8, 'hr', $9, $9)",
    )
    .bind(id)
    .bind(case_id)
    .bind(EMPLOYER)
    .bind(MOTHER)
    .bind(facts)
    .bind(missing)
    .bind(decision)
    .bind(derivation)
    .bind("2024-09-02T02:00:00Z")
    .execute(store.pool())
    .await
    .expect("claim in the old shape");
}

/// Migration 0031: a claim's facts, missing, decision and derivation move, text for text,
/// from the claim row to `ma_claim_findings`; the row keeps none of them; a claim read
/// answers what it answered before; a claim row with no findings (written by hand) reads as
/// the old columns' defaults did: no facts, nothing missing, no decision.
#[tokio::test]
async fn claim_findings_move_to_their_own_table_and_read_as_before() {
    let fact = Fact {
        name: "event_type".into(),
        label: "事件类型".into(),
        value: json!("birth"),
        source: "birth_certificates".into(),
        record_key: "BC-1".into(),
    };
    let facts = serde_json::to_string(&[fact]).expect("facts");
    let missing = serde_json::to_string(&[Missing {
        name: "employer_avg_monthly_wage_fen".into(),
        message: "缺少单位上年度职工月平均工资".into(),
    }])
    .expect("missing");
    for db in support::unmigrated_test_dbs().await {
        let store = &db.store;
        store.migrate_to(30).await.expect("migrated to 0030");
        let at = chrono::Utc::now();
        store.ensure_shipped_catalog(at).await.expect("catalogue");
        claim_in_the_old_shape(store, "old-1", [Some(&facts), Some(&missing), None, None]).await;
        claim_in_the_old_shape(store, "old-2", [None, None, None, None]).await;
        store.migrate().await.expect("migration 0031");

        let moved: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT claim_id, facts, missing FROM ma_claim_findings ORDER BY claim_id",
        )
        .fetch_all(store.pool())
        .await
        .expect("findings");
        assert_eq!(
            moved,
            vec![
                ("old-1".into(), facts.clone(), missing.clone()),
                ("old-2".into(), "[]".into(), "[]".into()),
            ],
            "{}",
            db.label
        );
        let gone = sqlx::query("SELECT facts FROM ma_claims")
            .fetch_all(store.pool())
            .await;
        assert!(gone.is_err(), "{}: the row keeps no findings", db.label);

        let read = store.claim("old-1").await.expect("read");
        assert_eq!(read.facts.len(), 1, "{}", db.label);
        assert_eq!(read.facts[0].record_key, "BC-1", "{}", db.label);
        assert_eq!(read.missing.len(), 1, "{}", db.label);
        assert!(read.decision.is_none() && read.derivation.is_none());

        // A claim row written on its own (fixtures do): no findings row, none read.
        claim_row_alone(store).await;
        let alone = store.claim("alone").await.expect("read");
        assert!(
            alone.facts.is_empty() && alone.missing.is_empty(),
            "{}",
            db.label
        );
    }
}

async fn claim_row_alone(store: &onething_store::Store) {
    let case_id = support::approved_claim_case(store, MOTHER, "500228").await;
    sqlx::query(
        "INSERT INTO ma_claims (id, case_id, employer_uscc, person_id, channel, status,
             duplicate_key, created_by, created_at, updated_at)
         VALUES ('alone', $1, $2, $3, 'online', 'approved', 'alone', 'hr', $4, $4)",
    )
    .bind(case_id)
    .bind(EMPLOYER)
    .bind(MOTHER)
    .bind("2024-09-02T02:00:00Z")
    .execute(store.pool())
    .await
    .expect("claim row alone");
}

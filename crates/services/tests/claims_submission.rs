//! Submission without a second derivation (issue 16): a claim keeps what its facts rested
//! on; submission reuses them while no shared record of its people has a new version (one
//! query on the versions, nothing read or audited), and derives again when one has, when a
//! record was added, or when the employer chose the other wage basis. The reads of a
//! derivation are written with the claim's own change, in its transaction.

use crate::support;

use onething_domain::allowance::{ClaimStatus, WageBasis};
use onething_exchange::Dataset;
use onething_store::Store;
use onething_store::allowance::claims::Claim;
use onething_store::audit::{AuditEntry, AuditFilter};
use serde_json::json;
use support::{
    account, base, confirm, employer_a, hr, mother, open, push, services, submit, test_dbs,
};

/// The audit entries of a claim's case, oldest first.
async fn entries(store: &Store, claim: &Claim) -> Vec<AuditEntry> {
    let filter = AuditFilter {
        case_id: Some(claim.case_id.clone()),
        limit: 500,
        ..AuditFilter::default()
    };
    let mut found = store.list_audit(&filter).await.expect("audit");
    found.sort_by_key(|e| e.id);
    found
}

fn reads(entries: &[AuditEntry]) -> usize {
    entries
        .iter()
        .filter(|e| e.entry.action == "data_read")
        .count()
}

#[tokio::test]
async fn an_unchanged_derivation_is_reused_at_submission() {
    for db in test_dbs().await {
        let store = &db.store;
        let svc = &services(store);
        let hr_a = hr("hr_a", employer_a());
        base(store).await;
        let mum = mother(store, 302, true, 14).await;
        let claim = open(svc, &hr_a, &mum).await.expect("opened");
        assert!(claim.derivation.is_some(), "{}", db.label);
        let opened = entries(store, &claim).await;
        // The reads and the claim's entry are written together, the reads first, in one
        // run of ids (one statement in the claim's transaction).
        let n = reads(&opened);
        assert!(n >= 1, "{}", db.label);
        assert_eq!(opened.len(), n + 1, "{}: {opened:?}", db.label);
        assert_eq!(opened[n].entry.action, "claim_created", "{}", db.label);
        assert!(
            opened.windows(2).all(|w| w[1].id == w[0].id + 1),
            "{}",
            db.label
        );

        let claim = confirm(svc, &hr_a, &claim, WageBasis::AvgWage)
            .await
            .expect("confirmed");
        assert!(store.derivation_unchanged(&claim).await.expect("checked"));
        let claim = submit(svc, &hr_a, &claim, Some(account()))
            .await
            .expect("submitted");
        assert_eq!(claim.status, ClaimStatus::Approved, "{}", db.label);
        // Twins by cesarean in Chongqing: 208 days × 9000 元 ÷ 30, as when derived again.
        assert_eq!(claim.amount_fen, Some(6_240_000), "{}", db.label);
        let after = entries(store, &claim).await;
        assert_eq!(reads(&after), n, "{}: nothing read again", db.label);
        // The answer is the row as stored.
        assert_eq!(store.claim(&claim.id).await.expect("stored"), claim);
    }
}

#[tokio::test]
async fn a_corrected_record_is_derived_again_at_submission() {
    for db in test_dbs().await {
        let store = &db.store;
        let svc = &services(store);
        let hr_a = hr("hr_a", employer_a());
        base(store).await;
        let mum = mother(store, 306, true, 14).await;
        let claim = open(svc, &hr_a, &mum).await.expect("opened");
        let n = reads(&entries(store, &claim).await);
        let claim = confirm(svc, &hr_a, &claim, WageBasis::AvgWage)
            .await
            .expect("confirmed");
        // The tax department corrects the employer's 2023 wage: a new version of the record.
        push(
            store,
            Dataset::EmployerWages,
            &[json!({"employer_uscc": employer_a().as_str(), "year": 2023,
                "avg_monthly_wage_fen": 600000, "avg_monthly_base_fen": 650000})],
        )
        .await;
        assert!(!store.derivation_unchanged(&claim).await.expect("checked"));
        let claim = submit(svc, &hr_a, &claim, Some(account()))
            .await
            .expect("submitted");
        assert_eq!(claim.status, ClaimStatus::Approved, "{}", db.label);
        // 208 days × 6000 元 ÷ 30: the corrected wage.
        assert_eq!(claim.amount_fen, Some(4_160_000), "{}", db.label);
        let wage = claim
            .facts
            .iter()
            .find(|f| f.name == "avg_monthly_wage_fen")
            .expect("wage fact");
        assert_eq!(wage.value, json!(600000), "{}", db.label);
        assert!(reads(&entries(store, &claim).await) > n, "{}", db.label);
        assert_eq!(store.claim(&claim.id).await.expect("stored"), claim);
    }
}

#[tokio::test]
async fn a_new_record_or_the_other_basis_is_derived_again() {
    for db in test_dbs().await {
        let store = &db.store;
        let svc = &services(store);
        let hr_a = hr("hr_a", employer_a());
        base(store).await;
        // A record added (not a correction): a later contribution month.
        let mum = mother(store, 304, true, 14).await;
        let claim = open(svc, &hr_a, &mum).await.expect("opened");
        let claim = confirm(svc, &hr_a, &claim, WageBasis::AvgWage)
            .await
            .expect("confirmed");
        push(
            store,
            Dataset::Contributions,
            &[
                json!({"person_id": mum.as_str(), "employer_uscc": employer_a().as_str(),
                "month": "2024-03", "base_fen": 650000, "paid": true}),
            ],
        )
        .await;
        assert!(!store.derivation_unchanged(&claim).await.expect("checked"));

        // The average base instead of the wage the derivation used.
        let other = mother(store, 308, true, 14).await;
        let claim = open(svc, &hr_a, &other).await.expect("opened");
        let n = reads(&entries(store, &claim).await);
        let claim = confirm(svc, &hr_a, &claim, WageBasis::AvgBase)
            .await
            .expect("confirmed");
        assert!(!store.derivation_unchanged(&claim).await.expect("checked"));
        let claim = submit(svc, &hr_a, &claim, Some(account()))
            .await
            .expect("submitted");
        assert_eq!(claim.status, ClaimStatus::Approved, "{}", db.label);
        assert!(reads(&entries(store, &claim).await) > n, "{}", db.label);
        // 208 days × 6500 元 ÷ 30, not the wage's 6,240,000 fen.
        assert!(
            claim.amount_fen.is_some_and(|a| a < 6_240_000),
            "{}: {:?}",
            db.label,
            claim.amount_fen
        );
        let kept = claim.derivation.as_ref().map(|d| d.basis);
        assert_eq!(kept, Some(WageBasis::AvgBase), "{}", db.label);
    }
}

//! 免申即享 as storage: which mothers may have a claim the platform should open itself, the
//! duplicate keys already claimed among a set, and a set of claims written in ONE
//! transaction. The set is planned in memory — each claim's case opened and advanced by
//! the case engine on the state the set holds (no reload per change), each claim row
//! kept as it ends up — and written at commit with multi-row `INSERT`s per table (cases,
//! items, events, claims, payables, notifications, then the audit entries in one pass of
//! the hash chain): a few dozen statements for a thousand claims instead of ~60 each.
//! A set either commits whole or not at all, so a run stopped by a crash is simply run
//! again: what committed has its claims (the candidates and the keys exclude them), what
//! did not is found again; a claim filed meanwhile is refused by the same unique index
//! as any other ([`ClaimError::Exists`]). The decisions are the services layer's; this
//! writes what it is given.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use onething_domain::Calendar;
use onething_exchange::Dataset;
use sqlx::{Any, Transaction};

use super::persist::{
    CLAIM_ROW_COLUMNS, FINDINGS_COLUMNS, claim_cells, findings_cells, params_snapshot,
};
use super::write::{
    ClaimWrite, HospitalLink, NewClaim, PayableWrite, draft_of, insert_attachment,
    insert_hospital_link,
};
use super::{Claim, ClaimError};
use crate::allowance::steps::{NOTIFICATION_COLUMNS, notification_cells};
use crate::audit::{NewAuditEntry, append_audits_in};
use crate::cases::{
    CASE_COLUMNS, CaseRecord, EVENT_COLUMNS, ITEM_COLUMNS, NewCase, Opening, case_cells,
    event_cells, item_cells, plan_advance, plan_opening,
};
use crate::catalog::CatalogVersion;
use crate::parameter_snapshots::keep_in;
use crate::payables::{PAYABLE_ACCOUNT_COLUMNS, PAYABLE_COLUMNS, payable_cells};
use crate::rows::{Cell, insert_rows};
use crate::text::date;
use crate::{Backend, Store, StoreError};

/// Claims written in one transaction ([`Store::begin_claim_set`]): planned in memory,
/// written at [`ClaimSet::commit`].
pub struct ClaimSet {
    tx: Transaction<'static, Any>,
    backend: Backend,
    catalog: std::sync::Arc<CatalogVersion>,
    claims: Vec<Planned>,
    /// Claim id → its place in `claims`.
    index: HashMap<String, usize>,
    notifications: Vec<Vec<Cell>>,
    /// In the order given: the chain links them in that order.
    audit: Vec<NewAuditEntry>,
    attachments: Vec<(String, super::AttachmentMeta, Vec<u8>)>,
}

/// One claim of a set as it stands: its case (opened, its events so far) and its row.
struct Planned {
    case: NewCase,
    opened_at: chrono::DateTime<chrono::Utc>,
    departments: Vec<(String, onething_domain::department::DepartmentKind)>,
    record: CaseRecord,
    events: Vec<onething_domain::case::CaseEvent>,
    claim: Claim,
    hospital: Option<HospitalLink>,
    payable: Option<crate::payables::NewPayable>,
}

impl Store {
    /// Mothers with a current birth certificate or delivery record dated up to `until` and
    /// no claim (not rejected) on that date, in id order: every person a 免申即享 run looks
    /// at, read once. (A page per set, `subject_id > last LIMIT n`, sorted the births left
    /// after the last id again for every page: quadratic in the run's births.) A mother
    /// claimed after this read is refused by the set's key check and the unique index.
    pub async fn automatic_claim_candidates(
        &self,
        until: NaiveDate,
    ) -> Result<Vec<String>, StoreError> {
        let ids: Vec<String> = sqlx::query_scalar(
            "SELECT DISTINCT s.subject_id FROM shared_records s
             WHERE s.is_current = 1 AND s.dataset IN ($1, $2) AND s.event_date <= $3
               AND NOT EXISTS (SELECT 1 FROM ma_claims c WHERE c.person_id = s.subject_id
                   AND c.event_date = s.event_date AND c.status <> 'rejected')
             ORDER BY s.subject_id",
        )
        .bind(Dataset::BirthCertificates.as_str())
        .bind(Dataset::DeliveryRecords.as_str())
        .bind(date(until))
        .fetch_all(self.pool())
        .await?;
        Ok(ids)
    }

    /// Which of `keys` (`claimant | event date`) already have a claim that is not rejected.
    pub async fn claimed_keys(&self, keys: &[&str]) -> Result<HashSet<String>, StoreError> {
        if keys.is_empty() {
            return Ok(HashSet::new());
        }
        let list = serde_json::to_string(keys).map_err(StoreError::corrupt)?;
        let members = self.backend().json_text_array("$1");
        let found: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT duplicate_key FROM ma_claims
             WHERE status <> 'rejected' AND duplicate_key IN ({members})"
        )))
        .bind(list)
        .fetch_all(self.pool())
        .await?;
        Ok(found.into_iter().collect())
    }

    /// Starts a set of claim writes in one write transaction.
    pub async fn begin_claim_set(&self) -> Result<ClaimSet, StoreError> {
        let catalog = self.current_catalog().await?;
        let tx = self.begin_write().await?;
        Ok(ClaimSet {
            tx,
            backend: self.backend(),
            catalog,
            claims: Vec::new(),
            index: HashMap::new(),
            notifications: Vec::new(),
            audit: Vec::new(),
            attachments: Vec::new(),
        })
    }
}

impl ClaimSet {
    /// Opens a claim with its case and its `created` step (`write`), in memory; answers the
    /// claim row and the case as they stand in the set. The same events, keys and rows as
    /// [`Store::insert_claim`] writes.
    pub fn insert(
        &mut self,
        new: &NewClaim,
        write: &ClaimWrite<'_>,
        calendar: &Calendar,
    ) -> Result<(Claim, CaseRecord), ClaimError> {
        let actor = write.case_actor();
        let Opening {
            id,
            event,
            state,
            departments,
        } = plan_opening(&self.catalog, &new.case, &actor, &[])?;
        let opened = CaseRecord {
            id,
            version: 1,
            region: new.case.region.clone(),
            state,
        };
        let mut created = write.clone();
        created.idempotency_key = format!("{}:created", write.idempotency_key);
        let claim = draft_of(new, &opened.id, &write.by);
        let mut planned = Planned {
            case: new.case.clone(),
            opened_at: write.by.at,
            departments,
            record: opened,
            events: vec![event],
            claim: claim.clone(),
            hospital: new.hospital.clone(),
            payable: None,
        };
        let logs = (&mut self.notifications, &mut self.audit);
        follow(&mut planned, &created, calendar, logs)?;
        let case = planned.record.clone();
        self.index.insert(new.id.clone(), self.claims.len());
        self.claims.push(planned);
        Ok((claim, case))
    }

    /// Saves a claim of the set with its next change (in memory): the row becomes `claim`
    /// one version on, the change's events follow the case's, with its payable (created,
    /// or amended when the set holds it), notifications and audit entry.
    pub fn update(
        &mut self,
        claim: &Claim,
        write: &ClaimWrite<'_>,
        calendar: &Calendar,
    ) -> Result<(), StoreError> {
        let Some(&at) = self.index.get(&claim.id) else {
            return Err(StoreError::NotFound {
                what: "claim in the set",
                id: claim.id.clone(),
            });
        };
        let planned = &mut self.claims[at];
        if planned.claim.version != claim.version {
            return Err(StoreError::Conflict {
                what: "claim",
                id: claim.id.clone(),
            });
        }
        plan_payable(planned, write.payable.as_ref())?;
        planned.claim = claim.clone();
        planned.claim.version = claim.version + 1;
        planned.claim.updated_at = write.by.at;
        if let Some((meta, bytes)) = &write.attachment {
            let file = (claim.id.clone(), meta.clone(), bytes.clone());
            self.attachments.push(file);
        }
        let logs = (&mut self.notifications, &mut self.audit);
        follow(planned, write, calendar, logs)
    }

    /// Audit entries (the set's data reads), chained in the order given with the rest.
    pub fn audit(&mut self, entries: &[NewAuditEntry]) {
        self.audit.extend_from_slice(entries);
    }

    /// Claims planned so far.
    pub fn len(&self) -> usize {
        self.claims.len()
    }

    pub fn is_empty(&self) -> bool {
        self.claims.is_empty()
    }

    /// Writes the whole set (multi-row statements per table) and commits. A claimant and
    /// event already claimed is [`ClaimError::Exists`] (with no id) and nothing is written.
    pub async fn commit(mut self) -> Result<(), ClaimError> {
        match self.write().await {
            Err(e) if e.is_unique_violation() => Err(ClaimError::Exists {
                existing: String::new(),
            }),
            Err(e) => Err(e.into()),
            Ok(()) => Ok(self.tx.commit().await.map_err(StoreError::from)?),
        }
    }

    async fn write(&mut self) -> Result<(), StoreError> {
        let mut cases = Vec::with_capacity(self.claims.len());
        let mut items = Vec::new();
        let mut events = Vec::new();
        let mut claims = Vec::with_capacity(self.claims.len());
        let mut findings = Vec::with_capacity(self.claims.len());
        let mut payables = Vec::new();
        let mut histories = Vec::new();
        // A set's claims share one or two parameter snapshots: each stored once.
        let mut snapshots = HashMap::new();
        for p in &self.claims {
            let case_id = p.record.id.as_str();
            let at = (p.opened_at, p.claim.updated_at);
            cases.push(case_cells(&p.case, self.catalog.version, &p.record, at)?);
            for (item, department) in &p.departments {
                items.push(item_cells(case_id, item, *department, &p.record.state)?);
            }
            for event in &p.events {
                events.push(event_cells(case_id, event)?);
            }
            let params = params_snapshot(&p.claim)?;
            claims.push(claim_cells(&p.claim, params.as_ref())?);
            findings.push(findings_cells(&p.claim)?);
            if let Some(snapshot) = params {
                let at = p.claim.updated_at;
                snapshots
                    .entry(snapshot.digest.clone())
                    .or_insert((snapshot, at));
            }
            if let Some(payable) = &p.payable {
                let (row, history) = payable_cells(payable);
                payables.push(row);
                histories.push(history);
            }
        }
        let (tx, backend) = (&mut *self.tx, self.backend);
        for (snapshot, at) in snapshots.values() {
            keep_in(&mut *tx, snapshot, *at).await?;
        }
        // Claims first: a claimant and event claimed meanwhile stops the set at once.
        insert_rows(tx, backend, "cases", &CASE_COLUMNS, &cases).await?;
        insert_rows(tx, backend, "ma_claims", &CLAIM_ROW_COLUMNS, &claims).await?;
        insert_rows(
            tx,
            backend,
            "ma_claim_findings",
            &FINDINGS_COLUMNS,
            &findings,
        )
        .await?;
        insert_rows(tx, backend, "case_items", &ITEM_COLUMNS, &items).await?;
        insert_rows(tx, backend, "case_events", &EVENT_COLUMNS, &events).await?;
        insert_rows(tx, backend, "payables", &PAYABLE_COLUMNS, &payables).await?;
        insert_rows(
            tx,
            backend,
            "payable_accounts",
            &PAYABLE_ACCOUNT_COLUMNS,
            &histories,
        )
        .await?;
        insert_rows(
            tx,
            backend,
            "notifications",
            &NOTIFICATION_COLUMNS,
            &self.notifications,
        )
        .await?;
        for p in &self.claims {
            if let Some(link) = &p.hospital {
                insert_hospital_link(&mut self.tx, &p.claim.id, link, p.opened_at).await?;
            }
        }
        for (claim_id, meta, bytes) in &self.attachments {
            insert_attachment(&mut self.tx, claim_id, meta, bytes).await?;
        }
        append_audits_in(&mut self.tx, &self.audit).await
    }
}

/// A change's payable, planned: created, or amended before the set writes it. A set holds
/// only its own claims, so a payable it does not hold is not found.
fn plan_payable(planned: &mut Planned, change: Option<&PayableWrite>) -> Result<(), StoreError> {
    match (change, planned.payable.as_mut()) {
        (None, _) => Ok(()),
        (Some(PayableWrite::Create(new)), _) => {
            planned.payable = Some(new.as_ref().clone());
            Ok(())
        }
        (Some(PayableWrite::Amend { id, amount }), Some(held)) if held.id() == *id => {
            held.amount = *amount;
            Ok(())
        }
        (Some(PayableWrite::Amend { id, .. }), _) => Err(StoreError::NotFound {
            what: "payable in the set",
            id: id.clone(),
        }),
    }
}

/// The case events, notifications and audit entry of a change, planned on the case as the
/// set holds it (the same keys and events as `advance_in` on the stored case).
fn follow(
    planned: &mut Planned,
    write: &ClaimWrite<'_>,
    calendar: &Calendar,
    (notifications, audit): (&mut Vec<Vec<Cell>>, &mut Vec<NewAuditEntry>),
) -> Result<(), StoreError> {
    if !write.case.is_empty() {
        let actor = write.case_actor();
        let (events, after) = plan_advance(&planned.record, &write.case, &actor, calendar)?;
        planned.events.extend(events);
        planned.record = after;
    }
    for note in &write.notifications {
        notifications.push(notification_cells(note, write.by.at));
    }
    if let Some((action, detail)) = &write.audit {
        audit.push(super::persist::audit_entry(
            &planned.claim.id,
            &planned.record.id,
            &write.by,
            action,
            detail,
        ));
    }
    Ok(())
}

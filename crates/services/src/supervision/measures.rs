//! The measures (SV-2, contract.md "Supervision"): computed from the cases that ended in
//! the period (their dates, visits, ratings and rectifications), the complaints filed in
//! it, and the catalogue version in force — by `domain::supervision::measure`.

use std::collections::BTreeMap;

use onething_domain::access::{Scope, UseCase};
use onething_domain::allowance::visibility::region_prefix;
use onething_domain::supervision::measures::{CatalogFigures, catalog_figures};
use onething_domain::supervision::{EndedCase, Measures, measure};
use serde::Serialize;

use super::Period;
use crate::{Actor, ServiceError, Services};

/// The contract's measures (flattened) with the catalogue's figures beside them.
#[derive(Debug, Clone, Serialize)]
pub struct MeasuresReport {
    pub from: chrono::NaiveDate,
    pub to: chrono::NaiveDate,
    /// The region measured (`None`: everywhere, for an administrator).
    pub region: Option<String>,
    #[serde(flatten)]
    pub measures: Measures,
    pub catalog: CatalogFigures,
}

/// A supervisor measures his region or a region inside it (404 outside it); an
/// administrator any region or the whole platform.
fn region_of(
    actor: &Actor,
    period: &Period,
) -> Result<Option<onething_domain::RegionCode>, ServiceError> {
    match (&actor.scope, period.region) {
        (Scope::Region(mine), None) => Ok(Some(*mine)),
        (Scope::Region(mine), Some(asked)) if asked.is_within(*mine) => Ok(Some(asked)),
        (Scope::Platform, asked) => Ok(asked),
        _ => Err(ServiceError::not_found()),
    }
}

pub async fn measures(
    svc: &Services,
    actor: &Actor,
    period: Period,
) -> Result<MeasuresReport, ServiceError> {
    actor.authorize(UseCase::ViewMeasures)?;
    let region = region_of(actor, &period)?;
    measures_of(svc, region, period.from, period.to).await
}

/// The measures of a region (`None`: everywhere) for a period, without asking who wants
/// them: the callers (the use case above, the scheduled reports) decide that.
pub(super) async fn measures_of(
    svc: &Services,
    region: Option<onething_domain::RegionCode>,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> Result<MeasuresReport, ServiceError> {
    let prefix = region.map(region_prefix);
    let rows = svc.store.measure_rows(prefix.as_deref(), from, to).await?;
    // The limit each case is measured against, per catalogue version and bundle.
    let mut limits: BTreeMap<(i64, String), Option<u32>> = BTreeMap::new();
    let mut cases = Vec::with_capacity(rows.len());
    for row in rows {
        let key = (row.catalog_version, row.bundle.clone());
        if !limits.contains_key(&key) {
            let catalog = svc.store.catalog_version(row.catalog_version).await?;
            let limit = catalog.catalog.bundle(&row.bundle).and_then(|b| {
                b.promised_limit_working_days
                    .or_else(|| Some(b.critical_path_working_days()).filter(|d| *d > 0))
            });
            limits.insert(key.clone(), limit);
        }
        cases.push(EndedCase {
            status: row.status,
            opened_on: row.opened_on,
            ended_on: row.ended_on,
            due_on: row.due_on,
            limit_working_days: limits[&key],
            visits: row.visits,
            ratings: row.ratings,
        });
    }
    let complaints = svc
        .store
        .complaint_facts(prefix.as_deref(), from, to)
        .await?;
    let current = svc.store.current_catalog().await?;
    Ok(MeasuresReport {
        from,
        to,
        region: region.map(|r| r.to_string()),
        measures: measure(&cases, &complaints, from, to, &svc.calendar),
        catalog: catalog_figures(&current.catalog),
    })
}

/// The period's measures for each office (region with cases) inside the actor's jurisdiction
/// (supervisor: his region; administrator: every region), in region order.
pub async fn measures_by_region(
    svc: &Services,
    actor: &Actor,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> Result<Vec<MeasuresReport>, ServiceError> {
    actor.authorize(UseCase::ViewMeasures)?;
    let prefix = super::jurisdiction(actor)?;
    let mut out = Vec::new();
    for code in svc.store.case_regions(prefix.as_deref()).await? {
        let Ok(region) = onething_domain::RegionCode::parse(&code) else {
            continue;
        };
        let period = Period {
            from,
            to,
            region: Some(region),
        };
        out.push(measures(svc, actor, period).await?);
    }
    Ok(out)
}

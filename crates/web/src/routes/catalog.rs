//! `GET /api/v1/catalog/items` and `GET /api/v1/catalog/bundles` (SC-1, SC-2): public
//! information, as the bureau publishes its catalogue; no sign-in needed.

use axum::Json;
use axum::extract::State;
use onething_domain::catalog::{Bundle, Catalog, CatalogItem, ItemList};
use onething_domain::department::DepartmentKind;
use onething_store::catalog::CatalogVersion;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::extract::ApiQuery;
use crate::{ApiError, AppState};

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(items))
        .routes(routes!(bundles))
        .routes(routes!(guide))
        .routes(routes!(guide_pdf))
}

/// An item's service guide (办事指南, RB-7) from the catalogue in force — an item's, else
/// the bundle's with that code (`maternity_reimbursement`: seed 002 附件3).
#[utoipa::path(get, path = "/catalog/items/{code}/guide", tag = "catalog",
    params(("code" = String, Path, description = "item or bundle code")),
    responses((status = 200, body = onething_domain::catalog::ServiceGuide),
              (status = 404, body = crate::error::ErrorBody, description = "no such item or no guide")))]
pub(crate) async fn guide(
    State(state): State<AppState>,
    axum::extract::Path(code): axum::extract::Path<String>,
) -> Result<Json<onething_domain::catalog::ServiceGuide>, ApiError> {
    let (_, guide) = onething_services::guide::guide(&state.services(), &code).await?;
    Ok(Json(guide))
}

/// The same guide as a PDF.
#[utoipa::path(get, path = "/catalog/items/{code}/guide.pdf", tag = "catalog",
    params(("code" = String, Path, description = "item or bundle code")),
    responses((status = 200, content_type = "application/pdf", description = "the guide"),
              (status = 404, body = crate::error::ErrorBody),
              (status = 503, body = crate::error::ErrorBody, description = "FONT_MISSING")))]
pub(crate) async fn guide_pdf(
    State(state): State<AppState>,
    axum::extract::Path(code): axum::extract::Path<String>,
) -> Result<axum::response::Response, ApiError> {
    let (version, guide) = onething_services::guide::guide(&state.services(), &code).await?;
    let fonts = state.fonts.get().map_err(ApiError::from)?.clone();
    let pdf =
        tokio::task::spawn_blocking(move || onething_documents::guide_pdf(&guide, version, &fonts))
            .await
            .map_err(|e| ApiError::internal(&e))?
            .map_err(|e| ApiError::from(&e))?;
    Ok(crate::documents::pdf_response(
        &format!("guide-{code}.pdf"),
        pdf,
    ))
}

/// Which items to list. `bureau` (the default) is the bureau's own catalogue: the
/// administrative-power and public-service lists of seed 004.
#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum ListFilter {
    #[default]
    Bureau,
    AdministrativePower,
    PublicService,
    Partner,
    All,
}

impl ListFilter {
    fn admits(self, list: ItemList) -> bool {
        match self {
            ListFilter::Bureau => list != ItemList::Partner,
            ListFilter::AdministrativePower => list == ItemList::AdministrativePower,
            ListFilter::PublicService => list == ItemList::PublicService,
            ListFilter::Partner => list == ItemList::Partner,
            ListFilter::All => true,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct CatalogQuery {
    /// Catalogue version to read; the current one when absent.
    version: Option<i64>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ItemsQuery {
    /// Which list: `bureau` (default), `administrative_power`, `public_service`, `partner`, `all`.
    #[param(inline)]
    list: Option<ListFilter>,
    /// Catalogue version to read; the current one when absent.
    version: Option<i64>,
}

/// Counts per list, the basis of the 全程网办 and 即办件 measures (SV-2).
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ListSummary {
    list: ItemList,
    total: u32,
    online: u32,
    instant: u32,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ItemsResponse {
    version: i64,
    items: Vec<CatalogItem>,
    summary: Vec<ListSummary>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct BundleItemView {
    item: String,
    name: String,
    department: DepartmentKind,
    limit_working_days: Option<u32>,
    depends_on: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct BundleView {
    code: String,
    name: String,
    lead: DepartmentKind,
    /// What the source promises for the whole bundle.
    promised_limit_working_days: Option<u32>,
    /// The limit computed from the item chain (the longest dependency path).
    critical_path_working_days: u32,
    items: Vec<BundleItemView>,
    source: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct BundlesResponse {
    version: i64,
    bundles: Vec<BundleView>,
}

async fn load(
    state: &AppState,
    version: Option<i64>,
) -> Result<std::sync::Arc<CatalogVersion>, ApiError> {
    Ok(match version {
        Some(v) => state.store.catalog_version(v).await?,
        None => state.store.current_catalog().await?,
    })
}

/// The catalogue's service items with their limits and online / instant flags.
#[utoipa::path(get, path = "/catalog/items", tag = "catalog", params(ItemsQuery),
    responses((status = 200, body = ItemsResponse),
              (status = 400, body = crate::error::ErrorBody, description = "bad query parameter"),
              (status = 404, body = crate::error::ErrorBody, description = "no such catalogue version")))]
pub(crate) async fn items(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<ItemsQuery>,
) -> Result<Json<ItemsResponse>, ApiError> {
    let stored = load(&state, query.version).await?;
    let filter = query.list.unwrap_or_default();
    let items: Vec<CatalogItem> = stored
        .catalog
        .items
        .iter()
        .filter(|i| filter.admits(i.list))
        .cloned()
        .collect();
    let summary = [
        ItemList::AdministrativePower,
        ItemList::PublicService,
        ItemList::Partner,
    ]
    .into_iter()
    .filter(|l| filter.admits(*l))
    .map(|l| summarise(&stored.catalog, l))
    .collect();
    Ok(Json(ItemsResponse {
        version: stored.version,
        items,
        summary,
    }))
}

fn summarise(catalog: &Catalog, list: ItemList) -> ListSummary {
    let (online, total) = catalog.online_share(list);
    let (instant, _) = catalog.instant_share(list);
    ListSummary {
        list,
        total,
        online,
        instant,
    }
}

/// The one-thing bundles: their items, departments, limits and dependencies.
#[utoipa::path(get, path = "/catalog/bundles", tag = "catalog", params(CatalogQuery),
    responses((status = 200, body = BundlesResponse),
              (status = 400, body = crate::error::ErrorBody, description = "INVALID_QUERY: version is not an integer"),
              (status = 404, body = crate::error::ErrorBody, description = "no such catalogue version")))]
pub(crate) async fn bundles(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<CatalogQuery>,
) -> Result<Json<BundlesResponse>, ApiError> {
    let stored = load(&state, query.version).await?;
    let bundles = stored
        .catalog
        .bundles
        .iter()
        .map(|b| bundle_view(&stored.catalog, b))
        .collect();
    Ok(Json(BundlesResponse {
        version: stored.version,
        bundles,
    }))
}

fn bundle_view(catalog: &Catalog, bundle: &Bundle) -> BundleView {
    let items = bundle
        .items
        .iter()
        .filter_map(|bi| {
            let item = catalog.item(&bi.item)?;
            Some(BundleItemView {
                item: bi.item.clone(),
                name: item.name.clone(),
                department: item.department,
                limit_working_days: bi.limit_working_days,
                depends_on: bi.depends_on.clone(),
            })
        })
        .collect();
    BundleView {
        code: bundle.code.clone(),
        name: bundle.name.clone(),
        lead: bundle.lead,
        promised_limit_working_days: bundle.promised_limit_working_days,
        critical_path_working_days: bundle.critical_path_working_days(),
        items,
        source: bundle.source.clone(),
    }
}

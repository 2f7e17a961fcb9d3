//! Administration and oversight pages: `/audit` (data-use audit: administrators all of it,
//! supervisors the entries about their region's cases), `/admin/departments`
//! (registered departments and their key fingerprints), `/admin/catalog` (items, bundles and
//! their dependency chains) and `/admin/params` (the maternity parameter file in use).

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use onething_domain::access::Role;
use onething_domain::access::policy::{MAY_READ_AUDIT, can_see_audit_entry};
use onething_domain::catalog::{Bundle, Catalog, ItemList, flag_zh};
use onething_domain::rules::MaternityParams;
use onething_store::audit::{AuditEntry, AuditFilter};
use serde::Deserialize;

use super::chrome::{Chrome, Signed};
use super::{PageError, china_time, ok};
use crate::AppState;

const ADMIN: &[Role] = &[Role::Admin];
const AUDIT_PAGE: u32 = 200;

#[derive(Debug, Default, Deserialize)]
pub(crate) struct AuditQuery {
    action: Option<String>,
    actor: Option<String>,
}

struct AuditRow {
    at: String,
    actor: String,
    role: &'static str,
    action: String,
    subject: String,
    case_id: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    chrome: Chrome,
    action: String,
    actor: String,
    rows: Vec<AuditRow>,
}

/// `GET /audit?action=&actor=`: the newest entries the user may see.
pub(crate) async fn audit(
    State(state): State<AppState>,
    Signed { user, chrome }: Signed,
    Query(query): Query<AuditQuery>,
) -> Result<Response, PageError> {
    user.require(MAY_READ_AUDIT)?;
    let non_empty = |s: Option<String>| s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    let filter = AuditFilter {
        action: non_empty(query.action.clone()),
        actor: non_empty(query.actor.clone()),
        limit: AUDIT_PAGE,
        ..AuditFilter::default()
    };
    let entries = state.store.list_audit(&filter).await?;
    let rows = crate::routes::audit::visible_entries(&state, &user, entries, can_see_audit_entry)
        .await?
        .into_iter()
        .map(audit_row)
        .collect();
    ok(&AuditPage {
        chrome,
        action: query.action.unwrap_or_default(),
        actor: query.actor.unwrap_or_default(),
        rows,
    })
}

fn audit_row(e: AuditEntry) -> AuditRow {
    let entry = e.entry;
    AuditRow {
        at: china_time(entry.at),
        actor: entry.actor,
        role: entry.role.map_or("—", Role::label_zh),
        action: action_label(&entry.action).to_owned(),
        subject: format!("{}:{}", entry.subject_type, entry.subject_id),
        case_id: entry.case_id.unwrap_or_default(),
    }
}

fn action_label(action: &str) -> &str {
    match action {
        "sign_in" => "登录",
        "sign_out" => "退出",
        "sign_in_failed" => "登录失败",
        "reveal_applicant_id" => "查看完整证件号",
        "user_added" => "新增账号",
        other => other,
    }
}

struct KeyRow {
    key_id: String,
    valid_from: String,
    valid_until: String,
    valid_now: bool,
    revoked: bool,
}

struct DeptRow {
    id: String,
    name: String,
    kind: &'static str,
    webhook: String,
    keys: Vec<KeyRow>,
}

#[derive(Template)]
#[template(path = "departments.html")]
struct DepartmentsPage {
    chrome: Chrome,
    rows: Vec<DeptRow>,
}

/// `GET /admin/departments`: registered department systems and their signing keys.
pub(crate) async fn departments(
    State(state): State<AppState>,
    Signed { user, chrome }: Signed,
) -> Result<Response, PageError> {
    user.require(ADMIN)?;
    let now = state.now();
    let mut rows = Vec::new();
    for dept in state.store.departments().await? {
        let keys = state
            .store
            .department_keys(&dept.id)
            .await?
            .into_iter()
            .map(|k| KeyRow {
                valid_now: k.is_valid_at(now),
                revoked: k.revoked_at.is_some(),
                key_id: k.key_id,
                valid_from: china_time(k.valid_from),
                valid_until: k.valid_until.map_or_else(|| "长期".to_owned(), china_time),
            })
            .collect();
        rows.push(DeptRow {
            kind: dept.kind.label_zh(),
            webhook: dept.webhook_url.unwrap_or_else(|| "—".to_owned()),
            id: dept.id,
            name: dept.name,
            keys,
        });
    }
    ok(&DepartmentsPage { chrome, rows })
}

struct ItemRow {
    code: String,
    name: String,
    list: &'static str,
    department: &'static str,
    limit: String,
    /// The limit as the upkeep form's field holds it (empty: none stated).
    limit_value: String,
    online: bool,
    instant: bool,
    /// 告知承诺 / 容缺受理 / 最多跑一次 (是 / 否 / 未规定).
    promise: &'static str,
    tolerant: &'static str,
    one_visit: &'static str,
    /// The materials, each marked when data sharing waives it; empty: none listed.
    materials: String,
}

struct StepRow {
    name: String,
    department: &'static str,
    limit: String,
    after: String,
    window: String,
}

struct BundleRow {
    code: String,
    name: String,
    lead: &'static str,
    promised: String,
    computed: u32,
    steps: Vec<StepRow>,
}

#[derive(Template)]
#[template(path = "catalog.html")]
struct CatalogPage {
    chrome: Chrome,
    version: i64,
    items: Vec<ItemRow>,
    bundles: Vec<BundleRow>,
}

fn days(limit: Option<u32>) -> String {
    limit.map_or_else(|| "无时限".to_owned(), |d| format!("{d}个工作日"))
}

/// `GET /admin/catalog`.
pub(crate) async fn catalog(
    State(state): State<AppState>,
    Signed { user, chrome }: Signed,
) -> Result<Response, PageError> {
    user.require(ADMIN)?;
    let current = state.store.current_catalog().await?;
    let catalog = &current.catalog;
    let items = catalog
        .items
        .iter()
        .map(|i| ItemRow {
            code: i.code.clone(),
            name: i.name.clone(),
            list: match i.list {
                ItemList::AdministrativePower => "行政权力事项",
                ItemList::PublicService => "公共服务事项",
                ItemList::Partner => "协同部门事项",
            },
            department: i.department.label_zh(),
            limit: days(i.limit_working_days),
            limit_value: i
                .limit_working_days
                .map(|d| d.to_string())
                .unwrap_or_default(),
            online: i.online,
            instant: i.instant,
            promise: flag_zh(i.promise),
            tolerant: flag_zh(i.tolerant_acceptance),
            one_visit: flag_zh(i.at_most_one_visit),
            materials: i
                .materials
                .iter()
                .map(|m| {
                    if m.waived_by_sharing {
                        format!("{}（共享免交：{}）", m.name, m.source)
                    } else {
                        format!("{}（{}）", m.name, m.source)
                    }
                })
                .collect::<Vec<_>>()
                .join("；"),
        })
        .collect();
    let bundles = catalog
        .bundles
        .iter()
        .map(|b| bundle_row(catalog, b))
        .collect();
    ok(&CatalogPage {
        chrome,
        version: current.version,
        items,
        bundles,
    })
}

fn bundle_row(catalog: &Catalog, bundle: &Bundle) -> BundleRow {
    let steps = bundle
        .schedule()
        .into_iter()
        .map(|s| {
            let entry = catalog.item(&s.item.item);
            let after: Vec<String> = s
                .item
                .depends_on
                .iter()
                .map(|d| {
                    catalog
                        .item(d)
                        .map_or_else(|| d.clone(), |e| e.name.clone())
                })
                .collect();
            StepRow {
                name: entry.map_or_else(|| s.item.item.clone(), |e| e.name.clone()),
                department: entry.map_or("—", |e| e.department.label_zh()),
                limit: days(s.item.limit_working_days),
                after: if after.is_empty() {
                    "—".to_owned()
                } else {
                    after.join("、")
                },
                window: match s.due_after {
                    Some(due) => format!("第{}–{}个工作日", s.starts_after, due),
                    None => format!("第{}个工作日起", s.starts_after),
                },
            }
        })
        .collect();
    BundleRow {
        code: bundle.code.clone(),
        name: bundle.name.clone(),
        lead: bundle.lead.label_zh(),
        promised: days(bundle.promised_limit_working_days),
        computed: bundle.critical_path_working_days(),
        steps,
    }
}

struct PeriodRow {
    region: String,
    from: String,
    base_days: u32,
    paternity_days: u32,
    min_months: u32,
    payee: &'static str,
    source: String,
}

#[derive(Template)]
#[template(path = "params.html")]
struct ParamsPage {
    chrome: Chrome,
    rows: Vec<PeriodRow>,
    text: std::sync::Arc<str>,
}

/// `GET /admin/params`: the maternity parameter file the server loaded (and validated) at
/// start: the shipped file or `--params` / `[rules] params`.
pub(crate) async fn params(
    State(state): State<AppState>,
    Signed { user, chrome }: Signed,
) -> Result<Response, PageError> {
    user.require(ADMIN)?;
    ok(&ParamsPage {
        chrome,
        rows: period_rows(&state.params),
        text: state.params_text.clone(),
    })
}

fn period_rows(params: &MaternityParams) -> Vec<PeriodRow> {
    params
        .regions()
        .iter()
        .flat_map(|r| {
            r.periods.iter().map(move |p| PeriodRow {
                region: format!("{}（{}）", r.name, r.code),
                from: p.effective_from.format("%Y-%m-%d").to_string(),
                base_days: p.base_days,
                paternity_days: p.paternity_days,
                min_months: p.min_contribution_months,
                payee: p.payee.name_zh(),
                source: p.source.clone(),
            })
        })
        .collect()
}

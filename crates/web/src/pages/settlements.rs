//! Settlement batches for agency clerks (结算与支付, MA-5): run a settlement up to a date in
//! the clerk's region, the batches with their totals, each batch with its payments, the
//! payment file (CSV from the same domain renderer the API uses; the .xlsx is the API's), the
//! bank's results import (pasted CSV) showing the counts and every unknown or duplicate row,
//! and the late payments (also for supervisors). Batches outside the region are the 404 page.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use onething_domain::access::{Role, UseCase, mask_id_text};
use onething_domain::allowance::settlement::{mask_account, parse_results};
use onething_domain::china_time::date_in_china;
use onething_domain::ids::SettlementId;
use onething_services::allowance as service;
use onething_store::allowance::settlements::{ImportReport, Settlement};
use serde::Deserialize;

use super::chrome::{Chrome, Signed, redirect_with};
use super::claims::{region_scope, settlement_refusal};
use super::{PageError, china_time, day, html, ok};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::extract::PagePath;
use crate::routes::allowance::settlements::file::{FileFormat, download};

const LIMIT: u32 = 100;

struct BatchRow {
    id: String,
    until: String,
    claims: i64,
    total: String,
    payments: i64,
    paid: i64,
    failed: i64,
    created: String,
}

#[derive(Template)]
#[template(path = "ma_settlements.html")]
struct SettlementsPage {
    chrome: Chrome,
    rows: Vec<BatchRow>,
    until: String,
    error: Option<String>,
    notice: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ListQuery {
    nothing: Option<String>,
}

/// `GET /clerk/settlements`: the batches of the region, and the form to run one.
pub(crate) async fn list(
    State(state): State<AppState>,
    Signed { user, chrome }: Signed,
    Query(query): Query<ListQuery>,
) -> Result<Response, PageError> {
    super::permit(&state, &user, UseCase::ViewSettlements)?;
    let notice = query
        .nothing
        .map(|_| "截至该日没有待结算的申领，未生成批次。".to_owned());
    let today = date_in_china(state.now());
    render_list(
        &state,
        &user,
        chrome,
        day(Some(today)),
        None,
        notice,
        StatusCode::OK,
    )
    .await
}

async fn render_list(
    state: &AppState,
    user: &CurrentUser,
    chrome: Chrome,
    until: String,
    error: Option<String>,
    notice: Option<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let rows = service::settlements(&state.services(), &user.actor(state, None), LIMIT)
        .await
        .map_err(crate::ApiError::from)?
        .into_iter()
        .map(|s| BatchRow {
            id: s.head.id,
            until: day(Some(s.head.until)),
            claims: s.head.claims,
            total: s.head.total.to_string(),
            payments: s.payments,
            paid: s.paid,
            failed: s.failed,
            created: china_time(s.head.created_at),
        })
        .collect();
    html(
        status,
        &SettlementsPage {
            chrome,
            rows,
            until,
            error,
            notice,
        },
    )
}

#[derive(Debug, Default, Deserialize)]
struct RunForm {
    #[serde(default)]
    until: String,
}

/// `POST /clerk/settlements` with `until=YYYY-MM-DD` (not after today): settles every
/// approved, unsettled claim of the region approved up to that date, in one transaction.
pub(crate) async fn run(
    State(state): State<AppState>,
    Signed { user, chrome }: Signed,
    body: Bytes,
) -> Result<Response, PageError> {
    let actor = super::permit(&state, &user, UseCase::Settle)?;
    let form: RunForm = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    // The API's command and use case: the same date checks, the same region.
    let cmd = match service::Settle::parse(Some(&form.until), actor.today()) {
        Ok(cmd) => cmd,
        Err(invalid) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            let (until, error) = (form.until, Some(invalid.message));
            return render_list(&state, &user, chrome, until, error, None, status).await;
        }
    };
    let outcome = service::settle(&state.services(), &actor, cmd)
        .await
        .map_err(crate::ApiError::from)?;
    Ok(match outcome.settlement {
        Some(s) => redirect_with(&format!("/clerk/settlements/{}", s.head.id), None),
        None => redirect_with("/clerk/settlements?nothing=1", None),
    })
}

struct PaymentRow {
    id: String,
    payee: String,
    bank: String,
    account: String,
    amount: String,
    claims: Vec<String>,
    status: &'static str,
    status_class: &'static str,
    reason: String,
}

#[derive(Template)]
#[template(path = "ma_settlement.html")]
struct SettlementPage {
    chrome: Chrome,
    id: String,
    until: String,
    claims: i64,
    total: String,
    created: String,
    created_by: String,
    payments: Vec<PaymentRow>,
    csv: String,
    report: Option<ReportView>,
    error: Option<String>,
    /// The file form's action: a multipart form carries the CSRF token in the query.
    upload_action: String,
}

struct ReportView {
    matched: u64,
    paid: u64,
    failed: u64,
    unknown: Vec<String>,
    duplicates: Vec<String>,
}

async fn visible_settlement(
    state: &AppState,
    user: &CurrentUser,
    id: &SettlementId,
) -> Result<Settlement, PageError> {
    let actor = user.actor(state, None);
    Ok(service::settlement(&state.services(), &actor, id)
        .await
        .map_err(crate::ApiError::from)?)
}

fn payment_row(p: &onething_store::allowance::settlements::Payment) -> PaymentRow {
    let (status, status_class) = match p.status.as_str() {
        "paid" => ("已支付", "good"),
        "failed" => ("支付失败", "bad"),
        _ => ("待银行回盘", "warn"),
    };
    PaymentRow {
        id: p.id.clone(),
        payee: p.payee_name.clone(),
        bank: p.bank.clone(),
        account: mask_account(&p.account),
        amount: p.amount.to_string(),
        claims: p.subject_ids.clone(),
        status,
        status_class,
        reason: p.reason.clone().unwrap_or_default(),
    }
}

/// `GET /clerk/settlements/{id}`.
pub(crate) async fn show(
    State(state): State<AppState>,
    Signed { user, chrome }: Signed,
    PagePath(id): PagePath<SettlementId>,
) -> Result<Response, PageError> {
    super::permit(&state, &user, UseCase::ViewSettlements)?;
    let settlement = visible_settlement(&state, &user, &id).await?;
    render_one(
        chrome,
        &settlement,
        String::new(),
        None,
        None,
        StatusCode::OK,
    )
}

fn render_one(
    chrome: Chrome,
    s: &Settlement,
    csv: String,
    report: Option<ReportView>,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    // The CSRF token travels in the multipart body's first field, never in the address.
    let upload_action = format!("/clerk/settlements/{}/results-file", s.head.id);
    html(
        status,
        &SettlementPage {
            chrome,
            upload_action,
            id: s.head.id.clone(),
            until: day(Some(s.head.until)),
            claims: s.head.claims,
            total: s.head.total.to_string(),
            created: china_time(s.head.created_at),
            created_by: s.head.created_by.clone(),
            payments: s.payments.iter().map(payment_row).collect(),
            csv,
            report,
            error,
        },
    )
}

/// `GET /clerk/settlements/{id}/payment-file.csv`: the bank's file (full account numbers:
/// the bank needs them), the same download as the API's: control totals checked, audited.
pub(crate) async fn payment_file(
    State(state): State<AppState>,
    Signed { user, .. }: Signed,
    PagePath(id): PagePath<SettlementId>,
) -> Result<Response, PageError> {
    super::permit(&state, &user, UseCase::DownloadPaymentFile)?;
    Ok(download(&state, &user, &id, FileFormat::Csv).await?)
}

#[derive(Debug, Default, Deserialize)]
struct ResultsForm {
    #[serde(default)]
    csv: String,
}

/// `POST /clerk/settlements/{id}/results` with the bank's CSV pasted in `csv`: a file with
/// any bad row is refused whole (every problem listed, nothing written); otherwise the
/// import's counts and every unknown or duplicate row are shown.
pub(crate) async fn import(
    State(state): State<AppState>,
    Signed { user, chrome }: Signed,
    PagePath(id): PagePath<SettlementId>,
    body: Bytes,
) -> Result<Response, PageError> {
    super::permit(&state, &user, UseCase::ImportBankResults)?;
    let settlement = visible_settlement(&state, &user, &id).await?;
    let form: ResultsForm = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    import_text(&state, &user, chrome, (&id, &settlement), form.csv).await
}

/// `POST /clerk/settlements/{id}/results-file` (multipart: `csrf_token` first, then `file`): the
/// bank's CSV as a file, imported like the pasted text.
pub(crate) async fn import_file(
    State(state): State<AppState>,
    Signed { user, chrome }: Signed,
    PagePath(id): PagePath<SettlementId>,
    multipart: Option<Multipart>,
) -> Result<Response, PageError> {
    super::permit(&state, &user, UseCase::ImportBankResults)?;
    let settlement = visible_settlement(&state, &user, &id).await?;
    let mut text = String::new();
    if let Some(mut multipart) = multipart {
        while let Ok(Some(field)) = multipart.next_field().await {
            if field.name() == Some("file") {
                let bytes = field.bytes().await.unwrap_or_default();
                // Not UTF-8: left to the parser, which names the line.
                text = String::from_utf8(bytes.to_vec())
                    .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
                break;
            }
        }
    }
    import_text(&state, &user, chrome, (&id, &settlement), text).await
}

/// Parses and imports the bank's results; a bad file is refused whole, naming every problem.
async fn import_text(
    state: &AppState,
    user: &CurrentUser,
    chrome: Chrome,
    (id, settlement): (&SettlementId, &Settlement),
    csv: String,
) -> Result<Response, PageError> {
    let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
    if csv.trim().is_empty() {
        let error = Some("银行回盘文件：请粘贴回盘 CSV 内容或选择文件".to_owned());
        return render_one(chrome, settlement, csv, None, error, unprocessable);
    }
    let rows = match parse_results(csv.as_bytes()) {
        Ok(rows) => rows,
        Err(rejected) => {
            let problems: Vec<String> = rejected.errors.iter().map(|e| e.message_zh()).collect();
            let error = Some(format!("银行回盘文件：{}", problems.join("；")));
            return render_one(chrome, settlement, csv, None, error, unprocessable);
        }
    };
    let actor = user.actor(state, None);
    let report = service::import_results(&state.services(), &actor, id, &rows)
        .await
        .map_err(crate::ApiError::from)?;
    let settlement = visible_settlement(state, user, id).await?;
    let view = report_view(&report);
    render_one(
        chrome,
        &settlement,
        String::new(),
        Some(view),
        None,
        StatusCode::OK,
    )
}

fn report_view(report: &ImportReport) -> ReportView {
    let line = |r: &onething_store::allowance::settlements::RowRef| {
        format!("第 {} 行：{}", r.line, r.payment_id)
    };
    ReportView {
        matched: report.matched,
        paid: report.paid,
        failed: report.failed,
        unknown: report.unknown.iter().map(line).collect(),
        duplicates: report.duplicates.iter().map(line).collect(),
    }
}

struct LateRow {
    claim_id: String,
    status: &'static str,
    employer: String,
    person: String,
    amount: String,
    approved: String,
    due: String,
    overdue: i64,
    reason: String,
}

#[derive(Template)]
#[template(path = "ma_late.html")]
struct LatePage {
    chrome: Chrome,
    rows: Vec<LateRow>,
    claim_base: &'static str,
}

/// `GET /allowance/late`: unpaid claims past their payment due date (10 working days after
/// approval), most overdue first; clerks and supervisors in their region.
pub(crate) async fn late(
    State(state): State<AppState>,
    Signed { user, chrome }: Signed,
) -> Result<Response, PageError> {
    super::permit(&state, &user, UseCase::ViewLatePayments)?;
    let today = date_in_china(state.now());
    let late = state
        .store
        .late_payments(region_scope(&user), today, &state.calendar())
        .await
        .map_err(settlement_refusal)?;
    let rows = late
        .into_iter()
        .map(|l| LateRow {
            claim_id: l.claim_id,
            status: l.status.label_zh(),
            employer: l.employer_uscc,
            person: mask_id_text(&l.person_id),
            amount: l.amount.map_or_else(|| "—".to_owned(), |a| a.to_string()),
            approved: day(Some(l.approved_on)),
            due: day(Some(l.payment_due)),
            overdue: l.overdue_working_days,
            reason: l.failure_reason.unwrap_or_default(),
        })
        .collect();
    let claim_base = if matches!(user.role(), Role::AgencyClerk | Role::Admin) {
        "/clerk/claims/"
    } else {
        ""
    };
    ok(&LatePage {
        chrome,
        rows,
        claim_base,
    })
}

//! 医院一窗受理柜台 (seed 002): the hospital clerk's counter pages for the spouse filing,
//! the reimbursement at the window, the allowance claim and the hospital's account. Each
//! form calls the same use case with the same validated command as the API; a client
//! mistake is shown on the form (422), nothing written. Keyboard only: the first field has
//! focus, every action is a button, the tabs are links.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use onething_domain::access::UseCase;
use onething_domain::ids::ClaimId;
use onething_services::allowance::{
    self as allowance, AccountInput, ConfirmWage, HospitalDocument, OpenClaim, OpenClaimInput,
    Photo, Submit,
};
use onething_services::hospital::{
    self as service, FileSpouse, FilingView, Reimburse, ReimbursementInput, ReimbursementView,
    SpouseFilingInput,
};
use onething_services::{Actor, ServiceError};
use serde::Deserialize;

use super::chrome::{Chrome, Signed, redirect_with};
use super::{PageError, html, ok, permit};
use crate::extract::PagePath;
use crate::{ApiError, AppState};

#[derive(Debug, Default, Clone, Deserialize)]
pub(crate) struct CounterForm {
    #[serde(default)]
    husband_id: String,
    #[serde(default)]
    wife_id: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    service: String,
    #[serde(default)]
    person_id: String,
    #[serde(default)]
    delivery_record_id: String,
    #[serde(default)]
    employer_uscc: String,
    #[serde(default)]
    birth_order: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    bank: String,
    #[serde(default)]
    number: String,
    #[serde(default)]
    basis: String,
}

/// Which counter page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tab {
    Filing,
    Reimbursement,
    Claim,
    Account,
}

#[derive(Template)]
#[template(path = "hospital_counter.html")]
struct CounterPage {
    chrome: Chrome,
    tab: Tab,
    form: CounterForm,
    error: Option<String>,
    filing: Option<FilingView>,
    reimbursement: Option<ReimbursementView>,
    claim_id: Option<String>,
    /// The claim's status after the counter submitted it (已提交 / 审核通过 …).
    claim_status: Option<String>,
    /// The scans uploaded for the claim so far: (申报表 / 出院记录, file name, size in KiB).
    documents: Vec<(String, String, i64)>,
    saved: bool,
}

impl CounterPage {
    fn new(chrome: Chrome, tab: Tab) -> CounterPage {
        CounterPage {
            chrome,
            tab,
            form: CounterForm::default(),
            error: None,
            filing: None,
            reimbursement: None,
            claim_id: None,
            claim_status: None,
            documents: Vec::new(),
            saved: false,
        }
    }

    fn is(&self, tab: Tab) -> bool {
        self.tab == tab
    }

    fn yuan(&self, fen: &i64) -> String {
        onething_domain::Fen::new(*fen).to_yuan_string()
    }
}

fn clerk(
    state: &AppState,
    user: &crate::auth::CurrentUser,
    case: UseCase,
) -> Result<Actor, PageError> {
    permit(state, user, case)
}

/// `GET /hospital/{filings,reimbursements,claims,account}`: the empty form.
pub(crate) async fn page(
    State(state): State<AppState>,
    Signed { user, chrome }: Signed,
    Path(tab): Path<String>,
) -> Result<Response, PageError> {
    let tab = tab_of(&tab).ok_or_else(|| PageError::from(ApiError::not_found()))?;
    clerk(&state, &user, UseCase::FileSpouse)?;
    ok(&CounterPage::new(chrome, tab))
}

/// `GET /hospital`: the counter opens on the filing.
pub(crate) async fn home() -> Response {
    redirect_with("/hospital/filings", None)
}

fn tab_of(text: &str) -> Option<Tab> {
    Some(match text {
        "filings" => Tab::Filing,
        "reimbursements" => Tab::Reimbursement,
        "claims" => Tab::Claim,
        "account" => Tab::Account,
        _ => return None,
    })
}

/// `POST /hospital/{tab}`: the tab's use case; the result, or the mistake, on the page.
pub(crate) async fn submit(
    State(state): State<AppState>,
    Signed { user, chrome }: Signed,
    Path(tab): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let tab = tab_of(&tab).ok_or_else(|| PageError::from(ApiError::not_found()))?;
    let form: CounterForm = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let mut page = CounterPage::new(chrome, tab);
    let svc = state.services();
    let done: Result<(), ServiceError> = match tab {
        Tab::Filing => {
            let actor = clerk(&state, &user, UseCase::FileSpouse)?;
            match FileSpouse::try_from(filing_input(&form)) {
                Ok(cmd) => service::file_spouse(&svc, &actor, cmd)
                    .await
                    .map(|v| page.filing = Some(v)),
                Err(e) => Err(e.into()),
            }
        }
        Tab::Reimbursement => {
            let actor = clerk(&state, &user, UseCase::ReimburseAtWindow)?;
            let input = ReimbursementInput {
                person_id: Some(form.person_id.clone()),
                delivery_record_id: Some(form.delivery_record_id.clone()),
            };
            match Reimburse::try_from(input) {
                Ok(cmd) => service::reimburse(&svc, &actor, cmd)
                    .await
                    .map(|v| page.reimbursement = Some(v)),
                Err(e) => Err(e.into()),
            }
        }
        Tab::Claim => {
            let actor = clerk(&state, &user, UseCase::OpenClaim)?;
            let input = OpenClaimInput {
                person_id: Some(form.person_id.clone()),
                employer_uscc: Some(form.employer_uscc.clone()),
                birth_order: form.birth_order.trim().parse().ok(),
                ..OpenClaimInput::default()
            };
            match OpenClaim::try_from(input) {
                Ok(cmd) => allowance::open_claim(&svc, &actor, cmd)
                    .await
                    .map(|c| page.claim_id = Some(c.id)),
                Err(e) => Err(e.into()),
            }
        }
        Tab::Account => {
            let actor = clerk(&state, &user, UseCase::ReimburseAtWindow)?;
            let input = AccountInput {
                name: Some(form.name.clone()),
                bank: Some(form.bank.clone()),
                number: Some(form.number.clone()),
                ..AccountInput::default()
            };
            service::set_hospital_account(&svc, &actor, &input)
                .await
                .map(|_| page.saved = true)
        }
    };
    match done {
        // Done: the form is empty for the next patient (and no full id is shown again).
        Ok(()) => html(StatusCode::OK, &page),
        Err(e) => {
            // A mistake: the form as typed, to correct.
            page.form = form;
            let error = ApiError::from(e);
            if error.status.is_server_error() || error.status == StatusCode::UNAUTHORIZED {
                return Err(error.into());
            }
            page.error = Some(match (error.status, error.field.is_none()) {
                (StatusCode::NOT_FOUND, true) => {
                    "未找到：该结算记录不是本院患者的，或编号有误".to_owned()
                }
                _ => error.message,
            });
            let status = match error.status {
                StatusCode::NOT_FOUND | StatusCode::BAD_REQUEST => StatusCode::UNPROCESSABLE_ENTITY,
                other => other,
            };
            html(status, &page)
        }
    }
}

fn filing_input(form: &CounterForm) -> SpouseFilingInput {
    SpouseFilingInput {
        husband_id: Some(form.husband_id.clone()),
        wife_id: Some(form.wife_id.clone()),
        phone: Some(form.phone.clone()),
        service: Some(form.service.clone()),
        ..SpouseFilingInput::default()
    }
}

/// `POST /hospital/claims/{id}/finish`: the 申报表's wage basis and the employer's account
/// (附件2 单位对公账户): confirms the wage and submits, as the API's two steps do.
pub(crate) async fn finish_claim(
    State(state): State<AppState>,
    Signed { user, chrome }: Signed,
    PagePath(id): PagePath<ClaimId>,
    body: Bytes,
) -> Result<Response, PageError> {
    let actor = clerk(&state, &user, UseCase::SubmitClaim)?;
    let form: CounterForm = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let svc = state.services();
    let account = AccountInput {
        name: Some(form.name.clone()),
        bank: Some(form.bank.clone()),
        number: Some(form.number.clone()),
        ..AccountInput::default()
    };
    let done = async {
        let basis = ConfirmWage::try_from(Some(form.basis.as_str()))?;
        let submit = Submit::try_from(Some(account))?;
        allowance::confirm_wage(&svc, &actor, &id, basis).await?;
        allowance::submit(&svc, &actor, &id, submit).await
    }
    .await;
    let mut page = CounterPage::new(chrome, Tab::Claim);
    page.claim_id = Some(id.to_string());
    match done {
        Ok(claim) => {
            page.claim_status = Some(claim.status.label_zh().to_owned());
            html(StatusCode::OK, &page)
        }
        Err(e) => {
            let error = ApiError::from(e);
            if error.status.is_server_error() || error.status == StatusCode::UNAUTHORIZED {
                return Err(error.into());
            }
            page.form = form;
            page.error = Some(error.message);
            html(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

/// `POST /hospital/claims/{id}/documents/{kind}` (multipart: `csrf_token` first, then
/// `file`): the scanned 申报表 or 出院记录 (seed 002 三(二)2), through the API's use case and
/// its checks (type by the first bytes, 5 MiB); the claim's form stays open to finish it.
pub(crate) async fn upload_document(
    State(state): State<AppState>,
    Signed { user, chrome }: Signed,
    PagePath((id, kind)): PagePath<(ClaimId, String)>,
    multipart: Option<Multipart>,
) -> Result<Response, PageError> {
    let actor = clerk(&state, &user, UseCase::AttachPhoto)?;
    let kind =
        HospitalDocument::parse(&kind).ok_or_else(|| PageError::from(ApiError::not_found()))?;
    let svc = state.services();
    let done: Result<(), ApiError> = async {
        let mut multipart = multipart
            .ok_or_else(|| ApiError::bad_request("INVALID_UPLOAD", "请选择扫描件文件", "file"))?;
        let file =
            Photo::try_from(crate::routes::allowance::claims::read_file(&mut multipart).await?)?;
        allowance::attach_hospital_document(&svc, &actor, &id, kind, file).await?;
        Ok(())
    }
    .await;
    let mut page = CounterPage::new(chrome, Tab::Claim);
    page.claim_id = Some(id.to_string());
    let status = match done {
        Ok(()) => StatusCode::OK,
        Err(error)
            if error.status.is_server_error() || error.status == StatusCode::UNAUTHORIZED =>
        {
            return Err(error.into());
        }
        Err(error) => {
            page.error = Some(error.message);
            match error.status {
                StatusCode::BAD_REQUEST => StatusCode::UNPROCESSABLE_ENTITY,
                other => other,
            }
        }
    };
    let attachments = allowance::ClaimParts {
        attachments: true,
        ..allowance::ClaimParts::SUMMARY
    };
    let detail = allowance::claim(&svc, &actor, &id, attachments)
        .await
        .map_err(ApiError::from)?;
    page.documents = detail
        .attachments
        .iter()
        .filter_map(|a| {
            let label = match HospitalDocument::parse(&a.kind)? {
                HospitalDocument::DeclarationForm => "申报表",
                HospitalDocument::DischargeRecord => "出院记录",
            };
            Some((label.to_owned(), a.filename.clone(), (a.size + 1023) / 1024))
        })
        .collect();
    html(status, &page)
}

//! The employer's pages (参保单位, MA-2): the proactive offers (主动服务: employees with a
//! birth or delivery pushed and no claim yet), the claim wizard in three steps (出生医学证明
//! → 确认上年度月平均工资 → 核对并提交) ending on the decision, its claims, and its bank
//! account. Every page is scoped to the employer's own USCC; another employer's claim is the
//! 404 page. Forms that fail come back with a Chinese message naming the field, the values
//! kept, and nothing written.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use onething_domain::access::{AccessDenied, Role, Scope, mask_id_text};
use onething_domain::allowance::WageBasis;
use onething_domain::allowance::bank::{AccountKind, validate_account};
use onething_domain::allowance::settlement::mask_account;
use onething_domain::china_time::date_in_china;
use onething_domain::{CitizenId, Uscc};
use onething_store::allowance::claims::{
    Acting, BankAccount, Channel, Claim, NewAttachment, NewClaim,
};
use onething_store::shared_data::DataUse;
use serde::Deserialize;

use super::chrome::{Chrome, Signed, redirect_with};
use super::claims::{ClaimView, LIST_LIMIT, claim_refusal, claim_view, money, visible_claim};
use super::{PageError, day, html, ok};
use crate::AppState;
use crate::auth::CurrentUser;

const EMPLOYER: &[Role] = &[Role::Employer];
/// Who fills a claim in: the employer online, a clerk at the window on its behalf (MA-3).
const FILERS: &[Role] = &[Role::Employer, Role::AgencyClerk, Role::Admin];

/// Where a user's claim pages live.
pub(crate) fn claims_base(user: &CurrentUser) -> &'static str {
    if user.role() == Role::Employer {
        "/employer/claims"
    } else {
        "/clerk/claims"
    }
}

/// The signed-in employer's USCC.
fn my_uscc(user: &CurrentUser) -> Result<Uscc, PageError> {
    user.require(EMPLOYER)?;
    match user.scope() {
        Scope::Employer(uscc) => Ok(uscc.clone()),
        _ => Err(AccessDenied::NotFound.into()),
    }
}

struct OfferRow {
    person: String,
    person_ref: String,
    event_date: String,
    certificate: String,
}

#[derive(Template)]
#[template(path = "ma_offers.html")]
struct OffersPage {
    chrome: Chrome,
    offers: Vec<OfferRow>,
    error: Option<String>,
}

/// `GET /employer/offers`: the proactive list (each shared record read is audited).
pub(crate) async fn offers(
    State(state): State<AppState>,
    Signed { user, chrome }: Signed,
) -> Result<Response, PageError> {
    let uscc = my_uscc(&user)?;
    render_offers(&state, &user, chrome, &uscc, None, StatusCode::OK).await
}

async fn render_offers(
    state: &AppState,
    user: &CurrentUser,
    chrome: Chrome,
    uscc: &Uscc,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let data_use = DataUse {
        actor: user.username().to_owned(),
        case_id: None,
        purpose: "生育津贴主动服务：本单位职工的出生与分娩信息".to_owned(),
    };
    let today = date_in_china(state.now());
    let offers = state
        .store
        .offers(&data_use, uscc.as_str(), today)
        .await?
        .into_iter()
        .map(|o| OfferRow {
            person: mask_id_text(&o.person_id),
            person_ref: o.person_ref,
            event_date: day(Some(o.event_date)),
            certificate: o.certificate_no.unwrap_or_else(|| "未推送".to_owned()),
        })
        .collect();
    html(
        status,
        &OffersPage {
            chrome,
            offers,
            error,
        },
    )
}

#[derive(Debug, Default, Deserialize)]
struct OpenForm {
    #[serde(default)]
    person_ref: String,
}

/// `POST /employer/offers` with `person_ref`: opens the claim and goes to its wizard.
pub(crate) async fn open(
    State(state): State<AppState>,
    Signed { user, chrome }: Signed,
    body: Bytes,
) -> Result<Response, PageError> {
    let uscc = my_uscc(&user)?;
    let form: OpenForm = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let person = match state
        .store
        .resolve_person_ref(form.person_ref.trim())
        .await?
    {
        Some(id) => CitizenId::parse(&id).ok(),
        None => None,
    };
    let Some(person) = person else {
        let message = "职工：请从列表中选择要申领的职工".to_owned();
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return render_offers(&state, &user, chrome, &uscc, Some(message), status).await;
    };
    let new = NewClaim {
        person_id: person,
        employer: uscc.clone(),
        certificate_no: None,
        channel: Channel::Online,
        authorisation: None,
        actor: user.username().to_owned(),
        role: user.role(),
        at: state.now(),
    };
    match state.store.create_claim(&new).await {
        Ok(claim) => Ok(redirect_with(
            &format!("/employer/claims/{}", claim.id),
            None,
        )),
        Err(e) => {
            let (status, message) = claim_refusal(e)?;
            render_offers(&state, &user, chrome, &uscc, Some(message), status).await
        }
    }
}

pub(crate) struct ClaimRow {
    pub id: String,
    pub person: String,
    pub event_date: String,
    pub status: &'static str,
    pub status_class: &'static str,
    pub amount: String,
    pub created: String,
}

#[derive(Template)]
#[template(path = "ma_claims.html")]
struct ClaimsPage {
    chrome: Chrome,
    heading: &'static str,
    base: &'static str,
    rows: Vec<ClaimRow>,
}

pub(crate) fn claim_row(claim: &Claim) -> ClaimRow {
    let view = ClaimView::new(claim, &[]);
    ClaimRow {
        id: view.id,
        person: view.person,
        event_date: view.event_date,
        status: view.status,
        status_class: view.status_class,
        amount: view.amount.unwrap_or_else(|| "—".to_owned()),
        created: view.created,
    }
}

/// `GET /employer/claims`: the employer's claims with their status.
pub(crate) async fn claims(
    State(state): State<AppState>,
    Signed { user, chrome }: Signed,
) -> Result<Response, PageError> {
    let uscc = my_uscc(&user)?;
    let filter = onething_store::allowance::claims::ClaimFilter {
        employer_uscc: Some(uscc.as_str().to_owned()),
        limit: LIST_LIMIT,
        ..Default::default()
    };
    let rows = state
        .store
        .claims(&filter)
        .await?
        .iter()
        .map(claim_row)
        .collect();
    ok(&ClaimsPage {
        chrome,
        heading: "本单位的生育津贴申领",
        base: "/employer/claims",
        rows,
    })
}

/// The account fields of the submit form and the bank page, as posted.
#[derive(Debug, Default, Clone, Deserialize)]
pub(crate) struct AccountForm {
    /// `file` (the account on file) or `new`.
    #[serde(default)]
    account_choice: String,
    #[serde(default)]
    account_name: String,
    #[serde(default)]
    bank: String,
    #[serde(default)]
    account_number: String,
}

impl AccountForm {
    /// The account entered, checked; the message names the field at fault.
    fn account(&self) -> Result<BankAccount, String> {
        let name = self.account_name.trim();
        let bank = self.bank.trim();
        let number: String = self.account_number.split_whitespace().collect();
        if name.is_empty() {
            return Err("账户名称：请填写收款账户的户名".to_owned());
        }
        if bank.is_empty() {
            return Err("开户银行：请填写开户银行".to_owned());
        }
        validate_account(&number, AccountKind::Corporate)
            .map_err(|e| format!("银行账号：{}", e.message_zh(AccountKind::Corporate)))?;
        Ok(BankAccount {
            name: name.to_owned(),
            bank: bank.to_owned(),
            number,
        })
    }
}

/// An account as pages show it: the number masked.
pub(crate) struct AccountView {
    name: String,
    bank: String,
    number: String,
}

fn account_view(a: &BankAccount) -> AccountView {
    AccountView {
        name: a.name.clone(),
        bank: a.bank.clone(),
        number: mask_account(&a.number),
    }
}

struct WageChoice {
    value: &'static str,
    label: &'static str,
    amount: String,
    checked: bool,
}

#[derive(Template)]
#[template(path = "ma_wizard.html")]
struct WizardPage {
    chrome: Chrome,
    claim: ClaimView,
    certificate_facts: Vec<super::claims::FactRow>,
    wages: Vec<WageChoice>,
    wage_confirmed: bool,
    on_file: Option<AccountView>,
    form: AccountForm,
    error: Option<String>,
    /// Which step the wizard is at: 1, 2 or 3; 4 once submitted.
    step: u8,
    /// `/employer/claims` or `/clerk/claims`: where the forms post.
    base: &'static str,
    /// A window claim: the clerk prints the 申请表 for the employer to sign.
    window: bool,
    /// Photos uploaded so far (file names).
    photos: Vec<String>,
    /// The photo form's action: a multipart form carries the CSRF token in the query.
    upload_action: String,
}

/// `GET /employer/claims/{id}`: the wizard while the claim is a draft, its decision after.
pub(crate) async fn wizard(
    State(state): State<AppState>,
    Signed { user, chrome }: Signed,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    my_uscc(&user)?;
    let claim = visible_claim(&state, &user, &id).await?;
    let form = AccountForm::default();
    render_wizard(&state, &user, chrome, &claim, form, None, StatusCode::OK).await
}

/// The wizard (or, once submitted, the result) of `claim` for `user`.
pub(crate) async fn render_wizard(
    state: &AppState,
    user: &CurrentUser,
    chrome: Chrome,
    claim: &Claim,
    form: AccountForm,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let view = claim_view(state, claim).await?;
    let fact = |name: &str| claim.facts.iter().find(|f| f.name == name);
    let amount = |name: &str| {
        fact(name)
            .and_then(|f| f.value.as_i64())
            .map_or_else(|| "税务部门尚未推送".to_owned(), money)
    };
    let wages = vec![
        WageChoice {
            value: WageBasis::AvgWage.as_str(),
            label: "上年度职工月平均工资",
            amount: amount("avg_monthly_wage_fen"),
            checked: claim.wage_basis != Some(WageBasis::AvgBase),
        },
        WageChoice {
            value: WageBasis::AvgBase.as_str(),
            label: "上年度月平均缴费基数",
            amount: amount("avg_monthly_base_fen"),
            checked: claim.wage_basis == Some(WageBasis::AvgBase),
        },
    ];
    let certificate_facts = view
        .facts
        .iter()
        .filter(|f| f.source.starts_with("出生医学证明") || f.source.starts_with("分娩记录"))
        .map(|f| super::claims::FactRow {
            label: f.label.clone(),
            value: f.value.clone(),
            source: f.source.clone(),
            key: f.key.clone(),
        })
        .collect();
    let on_file = state
        .store
        .employer_account(&claim.employer_uscc)
        .await?
        .as_ref()
        .map(account_view);
    let photos = state
        .store
        .claim_attachments(&claim.id)
        .await?
        .into_iter()
        .map(|a| a.filename)
        .collect();
    let token: String = form_urlencoded::byte_serialize(chrome.csrf_token.as_bytes()).collect();
    let upload_action = format!(
        "{}/{}/photo?csrf_token={token}",
        claims_base(user),
        claim.id
    );
    let wage_confirmed = claim.wage_basis.is_some();
    let step = if !view.is_draft() {
        4
    } else if wage_confirmed {
        3
    } else {
        2
    };
    html(
        status,
        &WizardPage {
            chrome,
            claim: view,
            certificate_facts,
            wages,
            wage_confirmed,
            on_file,
            form,
            error,
            step,
            base: claims_base(user),
            window: claim.channel == "window",
            photos,
            upload_action,
        },
    )
}

#[derive(Debug, Default, Deserialize)]
struct WageForm {
    #[serde(default)]
    basis: String,
}

/// `POST /employer/claims/{id}/wage` with `basis=avg_wage|avg_base`.
pub(crate) async fn confirm_wage(
    State(state): State<AppState>,
    Signed { user, chrome }: Signed,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    user.require(FILERS)?;
    let claim = visible_claim(&state, &user, &id).await?;
    let form: WageForm = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let refuse = |message: String, status| {
        render_wizard(
            &state,
            &user,
            chrome.clone(),
            &claim,
            AccountForm::default(),
            Some(message),
            status,
        )
    };
    let Some(basis) = WageBasis::parse(form.basis.trim()) else {
        let message = "上年度月平均工资：请选择按月平均工资还是按月平均缴费基数".to_owned();
        return refuse(message, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let by = acting(&state, &user);
    match state.store.confirm_wage(&id, basis, &by).await {
        Ok(_) => Ok(redirect_with(
            &format!("{}/{id}#step-3", claims_base(&user)),
            None,
        )),
        Err(e) => {
            let (status, message) = claim_refusal(e)?;
            refuse(message, status).await
        }
    }
}

fn acting<'a>(state: &AppState, user: &'a CurrentUser) -> Acting<'a> {
    Acting {
        actor: user.username(),
        role: user.role(),
        at: state.now(),
    }
}

/// `POST /employer/claims/{id}/submit`: the account on file or the one entered; smart review
/// decides at once or queues the claim for a clerk; the page then shows the decision.
pub(crate) async fn submit(
    State(state): State<AppState>,
    Signed { user, chrome }: Signed,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    user.require(FILERS)?;
    let claim = visible_claim(&state, &user, &id).await?;
    let form: AccountForm = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
    if claim.wage_basis.is_none() {
        let message = "上年度月平均工资：请先在第 2 步确认工资基数".to_owned();
        return render_wizard(
            &state,
            &user,
            chrome,
            &claim,
            form,
            Some(message),
            unprocessable,
        )
        .await;
    }
    let account = if form.account_choice == "new" {
        match form.account() {
            Ok(account) => Some(account),
            Err(message) => {
                return render_wizard(
                    &state,
                    &user,
                    chrome,
                    &claim,
                    form,
                    Some(message),
                    unprocessable,
                )
                .await;
            }
        }
    } else {
        None
    };
    let by = acting(&state, &user);
    let submitted = state
        .store
        .submit_claim(&id, account, &by, &state.params, &state.calendar)
        .await;
    match submitted {
        Ok(_) => Ok(redirect_with(
            &format!("{}/{id}#result", claims_base(&user)),
            None,
        )),
        Err(e) => {
            let (status, message) = claim_refusal(e)?;
            render_wizard(&state, &user, chrome, &claim, form, Some(message), status).await
        }
    }
}

#[derive(Template)]
#[template(path = "ma_bank.html")]
struct BankPage {
    chrome: Chrome,
    on_file: Option<AccountView>,
    form: AccountForm,
    error: Option<String>,
    saved: bool,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct SavedQuery {
    saved: Option<String>,
}

/// `GET /employer/bank`: the account on file (masked) and a form to replace it.
pub(crate) async fn bank(
    State(state): State<AppState>,
    Signed { user, chrome }: Signed,
    Query(query): Query<SavedQuery>,
) -> Result<Response, PageError> {
    let uscc = my_uscc(&user)?;
    let on_file = state.store.employer_account(uscc.as_str()).await?;
    ok(&BankPage {
        chrome,
        on_file: on_file.as_ref().map(account_view),
        form: AccountForm::default(),
        error: None,
        saved: query.saved.is_some(),
    })
}

/// `POST /employer/bank`: records the account (audited by the store) after the checks.
pub(crate) async fn save_bank(
    State(state): State<AppState>,
    Signed { user, chrome }: Signed,
    body: Bytes,
) -> Result<Response, PageError> {
    let uscc = my_uscc(&user)?;
    let form: AccountForm = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    match form.account() {
        Ok(account) => {
            state
                .store
                .put_employer_account(uscc.as_str(), &account, user.username(), state.now())
                .await?;
            Ok(redirect_with("/employer/bank?saved=1", None))
        }
        Err(message) => {
            let on_file = state.store.employer_account(uscc.as_str()).await?;
            html(
                StatusCode::UNPROCESSABLE_ENTITY,
                &BankPage {
                    chrome,
                    on_file: on_file.as_ref().map(account_view),
                    form,
                    error: Some(message),
                    saved: false,
                },
            )
        }
    }
}

/// Largest photo accepted (the request body limit is raised to match on the route).
pub(crate) const PHOTO_LIMIT: usize = 5 * 1024 * 1024;

/// The photo in a multipart body (field `file`), or the message naming the field.
async fn read_photo(multipart: Option<Multipart>) -> Result<NewAttachment, String> {
    const FIELD: &str = "出生医学证明照片";
    let mut multipart = multipart.ok_or_else(|| format!("{FIELD}：请选择要上传的照片"))?;
    while let Ok(Some(field)) = multipart.next_field().await {
        if field.name() != Some("file") {
            continue;
        }
        let filename = field.file_name().unwrap_or("photo").to_owned();
        let content_type = field.content_type().unwrap_or_default().to_owned();
        if !matches!(content_type.as_str(), "image/jpeg" | "image/png") {
            return Err(format!("{FIELD}：只接受 JPG 或 PNG 图片"));
        }
        let bytes = field
            .bytes()
            .await
            .map_err(|_| format!("{FIELD}：文件过大或上传中断（不超过 5 MB）"))?;
        if bytes.is_empty() {
            return Err(format!("{FIELD}：请选择要上传的照片"));
        }
        return Ok(NewAttachment {
            filename,
            content_type,
            bytes: bytes.to_vec(),
        });
    }
    Err(format!("{FIELD}：请选择要上传的照片"))
}

/// `POST /employer/claims/{id}/photo` (multipart, field `file`; the CSRF token in the
/// query): when the certificate cannot be fetched, a photo of it; the claim then needs a
/// clerk's review.
pub(crate) async fn upload_photo(
    State(state): State<AppState>,
    Signed { user, chrome }: Signed,
    Path(id): Path<String>,
    multipart: Option<Multipart>,
) -> Result<Response, PageError> {
    user.require(FILERS)?;
    let claim = visible_claim(&state, &user, &id).await?;
    let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
    let form = AccountForm::default();
    let file = match read_photo(multipart).await {
        Ok(file) => file,
        Err(message) => {
            return render_wizard(
                &state,
                &user,
                chrome,
                &claim,
                form,
                Some(message),
                unprocessable,
            )
            .await;
        }
    };
    match state
        .store
        .add_attachment(&id, &file, &acting(&state, &user))
        .await
    {
        Ok(_) => Ok(redirect_with(
            &format!("{}/{id}#step-1", claims_base(&user)),
            None,
        )),
        Err(e) => {
            let (status, message) = claim_refusal(e)?;
            render_wizard(&state, &user, chrome, &claim, form, Some(message), status).await
        }
    }
}

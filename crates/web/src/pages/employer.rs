//! The employer's pages (参保单位, MA-2): the proactive offers (主动服务: employees with a
//! birth or delivery pushed and no claim yet; the claim wizard is in `wizard`), its claims,
//! and its bank account. Every page is scoped to the employer's own USCC; another employer's claim is the
//! 404 page. Forms that fail come back with a Chinese message naming the field, the values
//! kept, and nothing written.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use onething_domain::Uscc;
use onething_domain::access::{AccessDenied, Role, Scope, mask_id_text};
use onething_domain::allowance::settlement::{AccountKind, mask_account};
use onething_services::allowance::{self as service, AccountInput, OpenClaim, OpenClaimInput};
use onething_store::allowance::claims::{BankAccount, Claim};
use serde::Deserialize;

use super::chrome::{Chrome, Signed, redirect_with};
use super::claims::{ClaimView, claim_refusal, scoped_claims};
use super::{PageError, china_time, day, html, ok};
use crate::AppState;
use crate::auth::CurrentUser;

const EMPLOYER: &[Role] = &[Role::Employer];
/// The signed-in employer's USCC.
pub(crate) fn my_uscc(user: &CurrentUser) -> Result<Uscc, PageError> {
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
    certificate_no: Option<String>,
    /// "已超过申领期限（生育之日起12个月内）" when the region's limit has passed.
    past_limit: Option<String>,
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
    my_uscc(&user)?;
    render_offers(&state, &user, chrome, None, StatusCode::OK).await
}

async fn render_offers(
    state: &AppState,
    user: &CurrentUser,
    chrome: Chrome,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let offers = service::offers(&state.services(), &user.actor(state, None))
        .await
        .map_err(crate::ApiError::from)?
        .into_iter()
        .map(|o| OfferRow {
            person: mask_id_text(&o.person_id),
            person_ref: o.person_ref,
            event_date: day(Some(o.event_date)),
            certificate: o
                .certificate_no
                .clone()
                .unwrap_or_else(|| "未推送".to_owned()),
            certificate_no: o.certificate_no,
            past_limit: o.past_limit.then(|| {
                let months = o.limit_months.unwrap_or_default();
                format!("已超过本地区规定的申领期限（生育之日起{months}个月内）")
            }),
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
    /// The offer's certificate, so a mother with several births is claimed for this one.
    #[serde(default)]
    certificate_no: String,
}

/// `POST /employer/offers` with `person_ref`: opens the claim and goes to its wizard.
pub(crate) async fn open(
    State(state): State<AppState>,
    Signed { user, chrome }: Signed,
    body: Bytes,
) -> Result<Response, PageError> {
    my_uscc(&user)?;
    let form: OpenForm = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let raw = OpenClaimInput {
        person_ref: Some(form.person_ref.clone()),
        certificate_no: Some(form.certificate_no.clone()).filter(|c| !c.is_empty()),
        ..OpenClaimInput::default()
    };
    let opened = match OpenClaim::try_from(raw) {
        Ok(cmd) => service::open_claim(&state.services(), &user.actor(&state, None), cmd).await,
        Err(invalid) => Err(invalid.into()),
    };
    match opened {
        Ok(claim) => Ok(redirect_with(
            &format!("/employer/claims/{}", claim.id),
            None,
        )),
        Err(e) => {
            let (status, message) = claim_refusal(e)?;
            render_offers(&state, &user, chrome, Some(message), status).await
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
    my_uscc(&user)?;
    let rows = scoped_claims(&state, &user, None)
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
    pub account_choice: String,
    #[serde(default)]
    pub account_name: String,
    #[serde(default)]
    pub bank: String,
    #[serde(default)]
    pub account_number: String,
}

impl AccountForm {
    /// The account fields as the account command's raw input (the API's body gives the same).
    pub(crate) fn input(&self) -> AccountInput {
        AccountInput {
            name: Some(self.account_name.clone()),
            bank: Some(self.bank.clone()),
            number: Some(self.account_number.clone()),
            kind: AccountKind::Corporate,
        }
    }
}

/// An account as pages show it: the number masked.
pub(crate) struct AccountView {
    pub name: String,
    pub bank: String,
    pub number: String,
}

pub(crate) fn account_view(a: &BankAccount) -> AccountView {
    AccountView {
        name: a.name.clone(),
        bank: a.bank.clone(),
        number: mask_account(&a.number),
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
    /// The standing consent to 免申即享: when given and by whom, if it stands.
    consent: Option<(String, String)>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct SavedQuery {
    saved: Option<String>,
}

/// The bank page as it stands for the employer, with the account form as posted.
async fn bank_page(
    state: &AppState,
    user: &CurrentUser,
    chrome: Chrome,
    (form, error, saved): (AccountForm, Option<String>, bool),
) -> Result<BankPage, PageError> {
    let uscc = my_uscc(user)?;
    let on_file = state.store.employer_account(uscc.as_str()).await?;
    let actor = user.actor(state, None);
    let consent = service::automatic_consent(&state.services(), &actor)
        .await
        .map_err(crate::ApiError::from)?;
    Ok(BankPage {
        chrome,
        on_file: on_file.as_ref().map(account_view),
        form,
        error,
        saved,
        consent: consent.map(|c| (china_time(c.given_at), c.given_by)),
    })
}

/// `GET /employer/bank`: the account on file (masked) and a form to replace it, and the
/// standing consent to 免申即享.
pub(crate) async fn bank(
    State(state): State<AppState>,
    Signed { user, chrome }: Signed,
    Query(query): Query<SavedQuery>,
) -> Result<Response, PageError> {
    let page = (AccountForm::default(), None, query.saved.is_some());
    ok(&bank_page(&state, &user, chrome, page).await?)
}

/// `POST /employer/bank`: records the account (audited by the store) after the checks.
pub(crate) async fn save_bank(
    State(state): State<AppState>,
    Signed { user, chrome }: Signed,
    body: Bytes,
) -> Result<Response, PageError> {
    my_uscc(&user)?;
    let form: AccountForm = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let actor = user.actor(&state, None);
    let saved = match service::parse_account(&form.input(), "") {
        Ok(account) => service::change_employer_account(&state.services(), &actor, &account).await,
        Err(invalid) => Err(invalid.into()),
    };
    match saved {
        Ok(()) => Ok(redirect_with("/employer/bank?saved=1", None)),
        Err(e) => {
            let (status, message) = claim_refusal(e)?;
            let page = bank_page(&state, &user, chrome, (form, Some(message), false)).await?;
            html(status, &page)
        }
    }
}

#[derive(Debug, Default, Deserialize)]
struct ConsentForm {
    /// `1` gives the consent, anything else withdraws it.
    #[serde(default)]
    consent: String,
}

/// `POST /employer/automatic-consent`: gives or withdraws the standing consent to 免申即享
/// (the API's `PUT /employer/automatic-claims-consent`, the same service function).
pub(crate) async fn save_consent(
    State(state): State<AppState>,
    Signed { user, .. }: Signed,
    body: Bytes,
) -> Result<Response, PageError> {
    let form: ConsentForm = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let actor = user.actor(&state, None);
    service::set_automatic_consent(&state.services(), &actor, form.consent == "1")
        .await
        .map_err(crate::ApiError::from)?;
    Ok(redirect_with("/employer/bank?saved=1", None))
}

//! 新生儿出生一件事 pages (docs/newborn.md): the guide (智能导引), the one form for the
//! mother and for the hospital's one-window clerk filing for her, the applications list, and
//! the application's page: its notice, the materials to upload, the clerk's acceptance, the
//! seven items with their dates, the messages, the electronic results and the rating. Every
//! action calls the same use case as the API.

use askama::Template;
use axum::body::Bytes;
use axum::extract::multipart::Multipart;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use onething_domain::access::{Role, UseCase};
use onething_domain::newborn::{CardBank, MissingMaterial, PremiumChannel, RefusalReason};
use onething_services::newborn::{
    self as service, ApplicationInput, ApplicationView, Apply, MaterialInput, Progress,
    SupplyMaterial,
};
use onething_services::{ServiceError, cases};

use super::chrome::{Chrome, Signed, Visitor, page_headers, redirect_with};
use super::newborn_parts::{FormAnswers, ItemRow, item_rows};
use super::{PageError, html, ok, permit};
use crate::documents::pdf_response;
use crate::routes::newborn::{configured, sealed_notice_pdf};
use crate::{ApiError, AppState};

fn api(e: ServiceError) -> PageError {
    ApiError::from(e).into()
}

#[derive(Template)]
#[template(path = "newborn_guide.html")]
struct GuidePage {
    chrome: Chrome,
    conditions: Vec<&'static str>,
    materials: Vec<&'static str>,
    /// A signed-in mother may check her family against the rules before she starts.
    may_check: bool,
    father_id: String,
    check: Option<Check>,
}

/// The rules' answer on the family's shared data now.
struct Check {
    reasons: Vec<&'static str>,
    missing: Vec<&'static str>,
    error: Option<String>,
}

#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct GuideQuery {
    father_id: Option<String>,
}

/// 智能导引: whether the family qualifies and what will be asked, before starting; a
/// signed-in mother who names the father gets the rules' answer on their shared data.
pub(crate) async fn guide(
    State(state): State<AppState>,
    Visitor { user, chrome }: Visitor,
    axum::extract::Query(query): axum::extract::Query<GuideQuery>,
) -> Result<Response, PageError> {
    let may_check = user.as_ref().is_some_and(|u| u.role() == Role::Person);
    let father_id = query.father_id.unwrap_or_default();
    let check = match (&user, may_check && !father_id.trim().is_empty()) {
        (Some(user), true) => Some(precheck(&state, user, &father_id).await?),
        _ => None,
    };
    ok(&GuidePage {
        chrome,
        conditions: RefusalReason::ALL.iter().map(|r| r.message_zh()).collect(),
        materials: MissingMaterial::ALL
            .iter()
            .map(|m| m.message_zh())
            .collect(),
        may_check,
        father_id,
        check,
    })
}

async fn precheck(
    state: &AppState,
    user: &crate::auth::CurrentUser,
    father_id: &str,
) -> Result<Check, PageError> {
    let actor = permit(state, user, UseCase::ApplyNewborn)?;
    let nb = configured(state)?;
    let father = match onething_services::input::citizen_id(father_id, "father_id") {
        Ok(id) => id,
        Err(e) => {
            return Ok(Check {
                reasons: Vec::new(),
                missing: Vec::new(),
                error: Some(e.message),
            });
        }
    };
    let verdict = service::precheck(&state.services(), &nb, &actor, &father)
        .await
        .map_err(api)?;
    Ok(Check {
        reasons: verdict.reasons.iter().map(|r| r.message_zh()).collect(),
        missing: verdict.missing.iter().map(|m| m.message_zh()).collect(),
        error: None,
    })
}

#[derive(Template)]
#[template(path = "newborn_form.html")]
struct FormPage {
    chrome: Chrome,
    window: bool,
    form: FormAnswers,
    error: Option<String>,
    banks: Vec<(&'static str, &'static str)>,
    channels: Vec<(&'static str, &'static str)>,
}

fn form_page(chrome: Chrome, window: bool, form: FormAnswers, error: Option<String>) -> FormPage {
    FormPage {
        chrome,
        window,
        form,
        error,
        banks: CardBank::ALL
            .iter()
            .map(|b| (b.as_str(), b.label_zh()))
            .collect(),
        channels: PremiumChannel::ALL
            .iter()
            .map(|c| (c.as_str(), c.label_zh()))
            .collect(),
    }
}

/// The one form: the mother's own, or the window clerk's for her (`mother_id` asked).
pub(crate) async fn form(
    State(state): State<AppState>,
    Signed { user, chrome }: Signed,
) -> Result<Response, PageError> {
    permit(&state, &user, UseCase::ApplyNewborn)?;
    let window = user.role() == Role::HospitalClerk;
    ok(&form_page(chrome, window, FormAnswers::default(), None))
}

pub(crate) async fn submit(
    State(state): State<AppState>,
    Signed { user, chrome }: Signed,
    body: Bytes,
) -> Result<Response, PageError> {
    let actor = permit(&state, &user, UseCase::ApplyNewborn)?;
    let nb = configured(&state)?;
    let answers: FormAnswers = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let window = user.role() == Role::HospitalClerk;
    let applied = match Apply::try_from(ApplicationInput::from(&answers)) {
        Ok(cmd) => service::apply(&state.services(), &nb, &actor, cmd).await,
        Err(invalid) => Err(invalid.into()),
    };
    let error = match applied {
        Ok(app) => {
            return Ok(redirect_with(
                &format!("/newborn/applications/{}", app.id),
                None,
            ));
        }
        Err(e) => ApiError::from(e),
    };
    if error.status.is_server_error() || error.status == StatusCode::FORBIDDEN {
        return Err(error.into());
    }
    html(
        StatusCode::UNPROCESSABLE_ENTITY,
        &form_page(chrome, window, answers, Some(error.message)),
    )
}

#[derive(Template)]
#[template(path = "newborn_list.html")]
struct ListPage {
    chrome: Chrome,
    applications: Vec<ApplicationView>,
    may_apply: bool,
}

pub(crate) async fn list(
    State(state): State<AppState>,
    Signed { user, chrome }: Signed,
) -> Result<Response, PageError> {
    let actor = user.actor(&state, None);
    let applications = service::applications(&state.services(), &actor)
        .await
        .map_err(api)?;
    ok(&ListPage {
        chrome,
        applications,
        may_apply: UseCase::ApplyNewborn.permits(user.role()),
    })
}

#[derive(Template)]
#[template(path = "newborn_show.html")]
struct ShowPage {
    chrome: Chrome,
    app: ApplicationView,
    items: Vec<ItemRow>,
    promised: String,
    progress: Progress,
    may_upload: bool,
    may_accept: bool,
    /// 信用记录提示 for the window that accepts (SV-5): lines, never a refusal.
    credit: Vec<String>,
    may_rate: bool,
    rated: Option<i64>,
    reasons: Vec<super::rating_form::ReasonOption>,
}

pub(crate) async fn show(
    State(state): State<AppState>,
    Signed { user, chrome }: Signed,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let actor = user.actor(&state, None);
    let svc = state.services();
    let app = service::application(&svc, &actor, &id).await.map_err(api)?;
    let progress = service::progress(&svc, &actor, &id).await.map_err(api)?;
    let (items, promised, ended, rated) = match &app.case_id {
        Some(case_id) => {
            let record = state.store.load_case(case_id).await?;
            let catalog = state
                .store
                .catalog_version(record.state.catalog_version)
                .await?;
            let rated = state.store.case_rating(case_id).await?.map(|r| r.score);
            // Open for rating only while the rating period runs (and only for the mother).
            let ended = super::rating_form::section(&state, &user, &record, &catalog.catalog)
                .await
                .may_rate;
            let today = onething_domain::china_time::date_in_china(state.now());
            let rows = item_rows(&record.state, &catalog.catalog, &state.calendar(), today);
            (rows, super::day(record.state.due_on()), ended, rated)
        }
        None => (Vec::new(), String::new(), false, None),
    };
    let waiting = app.status == onething_store::newborn::ApplicationStatus::NeedsSupplement;
    let may_accept = waiting && UseCase::AcceptApplication.permits(user.role());
    let credit = if may_accept {
        service::acceptance_credit_flags(&svc, &actor, &id)
            .await
            .map_err(api)?
            .iter()
            .map(|(r, who)| crate::routes::supervision::credit_flag_line(r, who))
            .collect()
    } else {
        Vec::new()
    };
    ok(&ShowPage {
        chrome,
        may_upload: waiting && UseCase::SupplyMaterial.permits(user.role()),
        may_accept,
        credit,
        may_rate: ended && rated.is_none() && UseCase::RateCase.permits(user.role()),
        rated,
        reasons: super::rating_form::reason_options(),
        app,
        items,
        promised,
        progress,
    })
}

pub(crate) async fn upload(
    State(state): State<AppState>,
    Signed { user, .. }: Signed,
    Path(id): Path<String>,
    mut multipart: Multipart,
) -> Result<Response, PageError> {
    let actor = permit(&state, &user, UseCase::SupplyMaterial)?;
    let mut input = MaterialInput::default();
    while let Ok(Some(field)) = multipart.next_field().await {
        match field.name() {
            Some("material") => input.material = field.text().await.ok(),
            Some("file") => {
                input.filename = field.file_name().map(str::to_owned);
                input.content_type = field.content_type().map(str::to_owned);
                input.bytes = field.bytes().await.map(|b| b.to_vec()).unwrap_or_default();
            }
            _ => {}
        }
    }
    let cmd = SupplyMaterial::try_from(input).map_err(|e| api(e.into()))?;
    service::supply_material(&state.services(), &actor, &id, cmd)
        .await
        .map_err(api)?;
    Ok(redirect_with(
        &format!("/newborn/applications/{id}#materials"),
        None,
    ))
}

pub(crate) async fn accept(
    State(state): State<AppState>,
    Signed { user, .. }: Signed,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let actor = permit(&state, &user, UseCase::AcceptApplication)?;
    let nb = configured(&state)?;
    service::accept(&state.services(), &nb, &actor, &id)
        .await
        .map_err(api)?;
    Ok(redirect_with(&format!("/newborn/applications/{id}"), None))
}

pub(crate) async fn rate(
    State(state): State<AppState>,
    Signed { user, .. }: Signed,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let actor = permit(&state, &user, UseCase::RateCase)?;
    let svc = state.services();
    let app = service::application(&svc, &actor, &id).await.map_err(api)?;
    let case_id = app
        .case_id
        .ok_or_else(|| PageError::from(ApiError::not_found()))?;
    let input = super::rating_form::rating_input(&body);
    let rating = onething_services::newborn::Rate::try_from(input).map_err(|e| api(e.into()))?;
    cases::rate(&svc, &actor, &case_id, rating)
        .await
        .map_err(api)?;
    Ok(redirect_with(
        &format!("/newborn/applications/{id}#rating"),
        None,
    ))
}

pub(crate) async fn notice_pdf(
    State(state): State<AppState>,
    Signed { user, .. }: Signed,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let actor = user.actor(&state, None);
    let (_, notice) = service::current_notice(&state.services(), &actor, &id)
        .await
        .map_err(api)?;
    let pdf = sealed_notice_pdf(&state, &notice).await?;
    let filename = format!("{}.pdf", notice.number);
    Ok((page_headers(), pdf_response(&filename, pdf)).into_response())
}

#[derive(Template)]
#[template(path = "notice_check.html")]
struct CheckPage {
    chrome: Chrome,
    number: String,
    code: String,
    found: Option<service::NoticeCheck>,
    asked: bool,
}

#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct CheckQuery {
    number: Option<String>,
    code: Option<String>,
}

/// The public notice check for people (文书核验).
pub(crate) async fn check(
    State(state): State<AppState>,
    Visitor { chrome, .. }: Visitor,
    axum::extract::Query(query): axum::extract::Query<CheckQuery>,
) -> Result<Response, PageError> {
    let number = query.number.unwrap_or_default();
    let code = query.code.unwrap_or_default();
    let asked = !number.is_empty();
    let found = if asked && !code.is_empty() {
        service::verify_notice(&state.services(), &number, &code)
            .await
            .ok()
    } else {
        None
    };
    ok(&CheckPage {
        chrome,
        number,
        code,
        found,
        asked,
    })
}

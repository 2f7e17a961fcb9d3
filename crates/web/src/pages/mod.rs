//! Server-rendered pages in Simplified Chinese (askama templates in `crates/web/templates/`,
//! auto-escaped). They work without JavaScript; `/static/site.js` only adds confirmations.
//!
//! Authorization is the API's: every page takes [`Signed`] (the `CurrentUser` extractor; a
//! visitor without a session is sent to `/login` with 303), states its roles with
//! `user.require(…)` (403 page) and checks records with the same pure policy (404 page for
//! other tenants' records, the same as for records that do not exist). Errors become HTML in
//! one place, [`error`]: [`PageError`] maps from `ApiError`, and [`error::render_failures`]
//! renders the page with the visitor's header, navigation and elder mode.

mod admin;
mod calendar;
mod cases;
mod catalog_upkeep;
mod charts;
mod chrome;
mod claims;
mod complaints;
mod credit;
mod dashboard;
mod employer;
mod error;
mod family_planning;
mod guide;
mod home_visits;
mod hospital;
mod lookup;
mod newborn;
mod newborn_dept;
mod newborn_parts;
mod period_reports;
mod rating_form;
mod rectifications;
mod review;
mod settlements;
mod sign_in;
mod supervision;
mod users;
mod visits;
mod watch;
mod window;
mod window_queue;
mod wizard;

use axum::Router;
use axum::routing::{get, post};

pub(crate) use error::PageError;

use crate::AppState;

/// Every page route (not in the OpenAPI document; covered by `tests/pages.rs`).
pub(crate) fn router(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/", get(sign_in::home))
        .route("/login", get(sign_in::form).post(sign_in::submit))
        .route("/logout", post(sign_in::logout))
        .route("/cases", get(cases::list))
        .route("/cases/{id}", get(cases::show))
        .route("/cases/{id}/rating", post(rating_form::rate))
        .route("/cases/{id}/visits", post(visits::record))
        .route("/due", get(watch::due))
        .route("/due/{case}/{item}/urge", post(watch::urge))
        .route("/dept/items", get(watch::dept_items))
        .route("/audit", get(admin::audit))
        .route("/admin/catalog", get(admin::catalog))
        .route("/admin/catalog/items/{code}", post(catalog_upkeep::change))
        .route("/admin/users", get(users::list).post(users::add))
        .route("/admin/users/{id}/disabled", post(users::set_disabled))
        .route("/admin/departments", get(admin::departments))
        .route("/admin/params", get(admin::params))
        .route(
            "/admin/calendar",
            get(calendar::show).post(calendar::upload),
        )
        .route(
            "/employer/offers",
            get(employer::offers).post(employer::open),
        )
        .route("/employer/claims", get(employer::claims))
        .route("/employer/claims/{id}", get(wizard::wizard))
        .route("/employer/claims/{id}/wage", post(wizard::confirm_wage))
        .route("/employer/claims/{id}/submit", post(wizard::submit))
        .route(
            "/employer/claims/{id}/photo",
            post(wizard::upload_photo).layer(axum::extract::DefaultBodyLimit::max(
                onething_services::allowance::MAX_PHOTO_BYTES + 64 * 1024,
            )),
        )
        .route(
            "/employer/bank",
            get(employer::bank).post(employer::save_bank),
        )
        .route("/employer/automatic-consent", post(employer::save_consent))
        .route("/my/claims", get(claims::my_claims))
        .route("/clerk/review", get(review::queue))
        .route("/clerk/claims", get(review::all))
        .route("/clerk/claims/{id}", get(review::show))
        .route("/clerk/claims/{id}/review", post(review::decide))
        .route("/clerk/claims/{id}/wage", post(wizard::confirm_wage))
        .route("/clerk/claims/{id}/submit", post(wizard::submit))
        .route(
            "/clerk/claims/{id}/photo",
            post(wizard::upload_photo).layer(axum::extract::DefaultBodyLimit::max(
                onething_services::allowance::MAX_PHOTO_BYTES + 64 * 1024,
            )),
        )
        .route(
            "/clerk/claims/{id}/application-form.pdf",
            get(window::application_pdf),
        )
        .route("/clerk/window", get(window::form).post(window::submit))
        .route(
            "/clerk/queue",
            get(window_queue::show).post(window_queue::issue),
        )
        .route("/clerk/queue/{id}/serve", post(window_queue::serve))
        .route("/clerk/queue/{id}/miss", post(window_queue::miss))
        .route("/home-visits", get(home_visits::show))
        .route("/home-visits/slots", post(home_visits::publish))
        .route("/home-visits/book", post(home_visits::book))
        .route("/home-visits/{id}/cancel", post(home_visits::cancel))
        .route("/home-visits/{id}/visit", post(home_visits::visit))
        .route("/clerk/lookup", get(lookup::form).post(lookup::lookup))
        .route(
            "/clerk/claims/{id}/attachments/{file}",
            get(review::attachment),
        )
        .route(
            "/clerk/settlements",
            get(settlements::list).post(settlements::run),
        )
        .route("/clerk/settlements/{id}", get(settlements::show))
        .route(
            "/clerk/settlements/{id}/payment-file.csv",
            get(settlements::payment_file),
        )
        .route("/clerk/settlements/{id}/results", post(settlements::import))
        .route(
            "/clerk/settlements/{id}/results-file",
            post(settlements::import_file),
        )
        .route("/allowance/late", get(settlements::late))
        .route("/supervision/duplicates", get(supervision::duplicates))
        .route("/supervision", get(dashboard::dashboard))
        .route("/supervision/measures.xlsx", get(dashboard::export))
        .route("/supervision/reports", get(period_reports::list))
        .route("/supervision/rectifications", get(rectifications::list))
        .route(
            "/supervision/rectifications/{id}/{step}",
            post(rectifications::step),
        )
        .route("/complaints", get(complaints::list).post(complaints::file))
        .route(
            "/supervision/credit-records",
            get(credit::list).post(credit::record),
        )
        .route("/supervision/credit-records.csv", get(credit::export))
        .route(
            "/supervision/credit-records/{id}/remove",
            post(credit::remove),
        )
        .route("/complaints/{id}/answer", post(complaints::answer))
        .route("/newborn/guide", get(newborn::guide))
        .route("/newborn/apply", get(newborn::form).post(newborn::submit))
        .route("/newborn/applications", get(newborn::list))
        .route("/newborn/applications/{id}", get(newborn::show))
        .route(
            "/newborn/applications/{id}/materials",
            post(newborn::upload).layer(axum::extract::DefaultBodyLimit::max(
                onething_services::newborn::commands::MAX_MATERIAL_BYTES + 64 * 1024,
            )),
        )
        .route("/newborn/applications/{id}/accept", post(newborn::accept))
        .route("/newborn/applications/{id}/rating", post(newborn::rate))
        .route(
            "/newborn/applications/{id}/notice.pdf",
            get(newborn::notice_pdf),
        )
        .route("/notices", get(newborn::check))
        .route("/guide/{code}", get(guide::show))
        .route("/hospital", get(hospital::home))
        .route(
            "/hospital/{tab}",
            get(hospital::page).post(hospital::submit),
        )
        .route("/hospital/claims/{id}/finish", post(hospital::finish_claim))
        .route(
            "/hospital/claims/{id}/documents/{kind}",
            post(hospital::upload_document).layer(axum::extract::DefaultBodyLimit::max(
                onething_services::allowance::MAX_PHOTO_BYTES + 64 * 1024,
            )),
        )
        .route("/dept/family-planning", get(family_planning::list))
        .route(
            "/dept/family-planning/{claim_id}",
            post(family_planning::decide),
        )
        .route("/dept/newborn", get(newborn_dept::queue))
        .route("/newborn/counterfoils", get(newborn_dept::counterfoils))
        .route(
            "/newborn/counterfoils/{id}/{quarter}/confirm",
            post(newborn_dept::confirm_counterfoil),
        )
        .route("/dept/newborn/{id}/{item}", get(newborn_dept::item))
        .route(
            "/dept/newborn/{id}/{item}/complete",
            post(newborn_dept::complete),
        )
        .route("/dept/newborn/{id}/{item}/deny", post(newborn_dept::deny))
        .route("/elder", get(chrome::elder_switch))
        .layer(axum::middleware::from_fn_with_state(
            state,
            error::render_failures,
        ))
        .route("/static/site.css", get(chrome::stylesheet))
        .route("/static/site.js", get(chrome::script))
}

/// Renders `template` as an HTML response with `status`.
pub(crate) fn html<T: askama::Template>(
    status: axum::http::StatusCode,
    template: &T,
) -> Result<axum::response::Response, PageError> {
    use axum::response::IntoResponse;
    let body = template.render().map_err(PageError::internal)?;
    Ok((status, chrome::page_headers(), axum::response::Html(body)).into_response())
}

/// `html` with 200.
pub(crate) fn ok<T: askama::Template>(template: &T) -> Result<axum::response::Response, PageError> {
    html(axum::http::StatusCode::OK, template)
}

/// A date for display: `2026-03-05`, or a dash.
pub(crate) fn day(date: Option<chrono::NaiveDate>) -> String {
    date.map_or_else(|| "—".to_owned(), |d| d.format("%Y-%m-%d").to_string())
}

/// A due date, with "预计" before one forecast over a year whose holiday notice is not
/// published yet (docs/case-engine.md, "Provisional due dates"): nothing provisional is shown
/// as final.
pub(crate) fn due_day(date: Option<chrono::NaiveDate>, provisional: bool) -> String {
    match date {
        Some(d) if provisional => format!("预计 {}", d.format("%Y-%m-%d")),
        other => day(other),
    }
}

/// An instant as a date and time in China: `2026-03-05 14:03`.
pub(crate) fn china_time(at: chrono::DateTime<chrono::Utc>) -> String {
    at.with_timezone(&onething_domain::china_time::china_offset())
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// The user as the services layer's actor, if the policy table lets the role do
/// `use_case` (the same check the API makes); the 403 page otherwise.
pub(crate) fn permit(
    state: &crate::AppState,
    user: &crate::auth::CurrentUser,
    use_case: onething_domain::access::UseCase,
) -> Result<onething_services::Actor, PageError> {
    Ok(user.permit(state, use_case)?)
}

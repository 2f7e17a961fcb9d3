//! The application deadline end to end (issue 13): any pushed birth without a claim is
//! offered and claimable, however long ago, unless the region's parameters set
//! `application_limit_months` and it has passed; then the offer is marked, opening the claim
//! is refused with `APPLICATION_TOO_LATE` naming the limit, and the refusal stays visible on
//! the window clerk's person look-up.

use crate::allowance;
use crate::auth_support;

use allowance::{departments, employer_a, mother, wages};
use auth_support::{SignedIn, TestApp, assert_error, cookie_request, region};
use axum::body::Body;
use axum::http::StatusCode;
use chrono::{TimeZone, Utc};
use onething_domain::CitizenId;
use onething_domain::access::{Role, Scope};
use onething_domain::rules::params::SHIPPED_MATERNITY_TOML;
use serde_json::{Value, json};

/// The shipped parameters with a 12-month application limit in every period.
fn twelve_month_limit() -> String {
    SHIPPED_MATERNITY_TOML.replace(
        "\nmin_contribution_months = 6",
        "\napplication_limit_months = 12\nmin_contribution_months = 6",
    )
}

/// A mother whose twins were born on 2024-08-20, her employer and a window clerk, on
/// 2 March 2026 (more than eighteen months later).
async fn late(app: &TestApp) -> (CitizenId, SignedIn, SignedIn, allowance::Depts) {
    let depts = departments(app).await;
    wages(app, &depts).await;
    let mum = mother(app, &depts, 512, &employer_a(), true).await;
    let at = Utc
        .with_ymd_and_hms(2026, 3, 2, 2, 0, 0)
        .single()
        .expect("at");
    app.advance(at - app.now());
    app.add_user("hr_a", Role::Employer, Scope::Employer(employer_a()))
        .await;
    app.add_user("clerk", Role::AgencyClerk, Scope::Region(region(500000)))
        .await;
    let (hr, clerk) = (app.sign_in("hr_a").await, app.sign_in("clerk").await);
    (mum, hr, clerk, depts)
}

async fn offers(app: &TestApp, hr: &SignedIn) -> Vec<Value> {
    let reply = app
        .bearer(hr, "GET", "/api/v1/maternity-allowance/offers", None)
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.json.as_array().expect("offers").clone()
}

async fn open(app: &TestApp, hr: &SignedIn, mum: &CitizenId) -> auth_support::Reply {
    app.bearer(
        hr,
        "POST",
        "/api/v1/maternity-allowance/claims",
        Some(json!({"person_id": mum.as_str()})),
    )
    .await
}

#[tokio::test]
async fn a_birth_from_2024_is_offered_and_claimable_without_a_limit() {
    let app = TestApp::new().await;
    let (mum, hr, _, depts) = late(&app).await;
    let listed = offers(&app, &hr).await;
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0]["event_date"], "2024-08-20");
    assert_eq!(listed[0]["past_limit"], false);
    let created = open(&app, &hr, &mum).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    assert_eq!(created.json["event_date"], "2024-08-20");
    assert!(
        offers(&app, &hr).await.is_empty(),
        "claimed: no longer offered"
    );
    // "No record" is said only when there is none, and names no window of months.
    let nobody = allowance::person(514);
    allowance::also_paid_by(&app, &depts, &nobody, &employer_a()).await;
    let none = open(&app, &hr, &nobody).await;
    assert_error(&none, StatusCode::UNPROCESSABLE_ENTITY, "NO_BIRTH_RECORD");
    assert!(!none.text.contains("个月"), "{}", none.text);
}

#[tokio::test]
async fn past_a_twelve_month_limit_the_claim_is_refused_and_the_window_sees_it() {
    let app = TestApp::with_params(&twelve_month_limit()).await;
    let (mum, hr, clerk, _) = late(&app).await;
    let listed = offers(&app, &hr).await;
    assert_eq!(listed.len(), 1, "still offered: {listed:?}");
    assert_eq!(listed[0]["past_limit"], true);
    let page = cookie_request(&hr, "GET", "/employer/offers", None)
        .body(Body::empty())
        .expect("request");
    let page = app.send(page).await;
    assert!(
        page.text
            .contains("已超过本地区规定的申领期限（生育之日起12个月内）"),
        "{}",
        page.text
    );
    let refused = open(&app, &hr, &mum).await;
    assert_error(
        &refused,
        StatusCode::UNPROCESSABLE_ENTITY,
        "APPLICATION_TOO_LATE",
    );
    let message = refused.json["error"]["message"].as_str().expect("message");
    assert!(message.contains("生育之日起12个月内"), "{message}");
    assert!(message.contains("2025-08-20"), "the last day: {message}");
    assert!(!message.contains("application_limit_months"), "{message}");
    // Nothing written but the record of the attempt, which the window clerk sees.
    let claims = app
        .bearer(&hr, "GET", "/api/v1/maternity-allowance/claims", None)
        .await;
    assert_eq!(claims.json["claims"], json!([]), "{}", claims.text);
    let uri = format!(
        "/api/v1/maternity-allowance/lookup?person_id={}",
        mum.as_str()
    );
    let lookup = app.bearer(&clerk, "GET", &uri, None).await;
    assert_eq!(lookup.status, StatusCode::OK, "{}", lookup.text);
    assert_eq!(lookup.json["past_limit"], true);
    assert_eq!(lookup.json["application_deadline"], "2025-08-20");
    let attempts = lookup.json["refused_too_late"]
        .as_array()
        .expect("attempts");
    assert_eq!(attempts.len(), 1);
    assert_eq!(attempts[0]["by"], "hr_a");
    assert_eq!(attempts[0]["event_date"], "2024-08-20");
    let form = format!("csrf_token={}&id={}", clerk.csrf, mum.as_str());
    let request = cookie_request(&clerk, "POST", "/clerk/lookup", None)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(form))
        .expect("request");
    let page = app.send(request).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(
        page.text.contains("因超过申领期限未受理的申领"),
        "{}",
        page.text
    );
    assert!(
        page.text.contains("截至2025-08-20（已超过）"),
        "{}",
        page.text
    );
}

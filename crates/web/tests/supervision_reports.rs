//! The periodic reports over HTTP on both databases: the server's schedule round makes
//! them, the supervisor lists them (API and page) and downloads the PDF and the .xlsx with
//! their content types; others are refused.

use std::io::Cursor;

use crate::auth_support::{TestApp, assert_error, cookie_request, person_in, region};
use crate::supervision::ended_case;
use crate::support;
use axum::body::Body;
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use calamine::{Data, Reader, Xlsx};
use chrono::TimeDelta;
use onething_domain::Calendar;
use onething_domain::access::{Applicant, Role, Scope};
use onething_web::AppState;

#[tokio::test]
async fn the_schedule_makes_the_reports_and_the_supervisor_downloads_them() {
    for db in support::test_dbs().await {
        let app = TestApp::on(db.store).await;
        // A case in 梁平区 ended on Friday 27 September 2024.
        let mum = person_in(500228, 61);
        ended_case(&app, &Applicant::person_ref(&mum)).await;
        app.add_user("sup", Role::Supervisor, Scope::Region(region(500200)))
            .await;
        app.add_user("far", Role::Supervisor, Scope::Region(region(450200)))
            .await;
        app.add_user("clerk", Role::AgencyClerk, Scope::Region(region(500000)))
            .await;
        // Tuesday 1 October: September, Q3, the week 23–29 Sep and 2023 have closed.
        app.advance(TimeDelta::days(4));
        let now = app.now();
        let state = AppState::new(app.store.clone(), Calendar::shipped()).with_clock(move || now);
        onething_web::escalation::run_once(&state).await;
        onething_web::escalation::run_once(&state).await;
        let (sup, far, clerk) = (
            app.sign_in("sup").await,
            app.sign_in("far").await,
            app.sign_in("clerk").await,
        );
        let get = |who, path: &str| {
            cookie_request(who, "GET", path, None)
                .body(Body::empty())
                .expect("req")
        };
        let list = app.send(get(&sup, "/api/v1/supervision/reports")).await;
        assert_eq!(list.status, StatusCode::OK, "{}", list.text);
        let rows = list.json.as_array().expect("array");
        assert_eq!(rows.len(), 4, "{}: once each, {}", db.label, list.text);
        let month = rows
            .iter()
            .find(|r| r["kind"] == "month")
            .expect("the month's report");
        assert_eq!(month["id"], "month-2024-09-01-500228");
        assert_eq!(month["kind_label"], "月考评");
        assert_eq!(month["from"], "2024-09-01");

        let one = app
            .send(get(
                &sup,
                "/api/v1/supervision/reports/month-2024-09-01-500228",
            ))
            .await;
        assert_eq!(one.status, StatusCode::OK);
        assert_eq!(one.json["content"]["counts"][0]["actual"], 1);

        let pdf = app
            .send(get(&sup, month["pdf"].as_str().expect("pdf link")))
            .await;
        if pdf.status == StatusCode::OK {
            assert_eq!(pdf.headers[CONTENT_TYPE], "application/pdf");
            assert!(pdf.bytes.starts_with(b"%PDF"), "{}", db.label);
        } else {
            assert_error(&pdf, StatusCode::SERVICE_UNAVAILABLE, "FONT_MISSING");
        }
        let xlsx = app
            .send(get(&sup, month["xlsx"].as_str().expect("xlsx link")))
            .await;
        assert_eq!(xlsx.status, StatusCode::OK);
        assert_eq!(
            xlsx.headers[CONTENT_TYPE],
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
        assert!(xlsx.bytes.starts_with(b"PK"), "a zip");
        let mut book: Xlsx<_> = Xlsx::new(Cursor::new(xlsx.bytes.clone())).expect("a real xlsx");
        let sheet = book.worksheet_range("report").expect("sheet report");
        let cases = sheet
            .rows()
            .find(|r| r.first() == Some(&Data::String("cases".into())))
            .expect("cases row");
        assert_eq!(cases[2], Data::Float(1.0));

        let page = app.send(get(&sup, "/supervision/reports")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.text.contains("月考评"), "{}", page.text);
        assert!(
            page.text
                .contains("/api/v1/supervision/reports/month-2024-09-01-500228/report.pdf")
        );

        // Another region's supervisor sees none and cannot fetch it; a clerk is refused.
        let none = app.send(get(&far, "/api/v1/supervision/reports")).await;
        assert_eq!(none.json.as_array().map(Vec::len), Some(0));
        let hidden = app
            .send(get(
                &far,
                "/api/v1/supervision/reports/month-2024-09-01-500228/report.xlsx",
            ))
            .await;
        assert_eq!(hidden.status, StatusCode::NOT_FOUND);
        let refused = app.send(get(&clerk, "/api/v1/supervision/reports")).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        let refused = app.send(get(&clerk, "/supervision/reports")).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
    }
}

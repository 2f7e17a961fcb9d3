//! Supervision over HTTP on both databases: the contract's rating body with items, the
//! rectifications list as the contract names it and the moves to the revisit, a window
//! visit, the measures' JSON (every contract field), the dashboard's SVG charts and the
//! .xlsx export read back.

use std::io::Cursor;

use crate::auth_support::{TestApp, assert_error, cookie_request, person_in, region};
use crate::support;
use axum::body::Body;
use axum::http::StatusCode;
use calamine::{Data, Reader, Xlsx};
use onething_domain::Calendar;
use onething_domain::access::{Applicant, Role, Scope};
use onething_domain::case::{Action, ActorRole};
use onething_domain::department::DepartmentKind;
use onething_store::cases::{Actor, NewCase};
use serde_json::json;

/// A maternity-allowance case of `person` in 500228, accepted and finished today (Friday
/// 27 September 2024).
pub(crate) async fn ended_case(app: &TestApp, person: &str) -> String {
    case_in_500228(app, person, true).await
}

/// The same case accepted today, its data items done; the payment item (PS-05) finished
/// when `finish`, else left open.
async fn case_in_500228(app: &TestApp, person: &str, finish: bool) -> String {
    let actor = || Actor {
        name: "fixture".into(),
        role: ActorRole::System,
        idempotency_key: uuid::Uuid::new_v4().simple().to_string(),
        at: app.now(),
    };
    let new = NewCase {
        bundle: "maternity_allowance".into(),
        applicant: person.to_owned(),
        region: Some("500228".into()),
        filer: None,
        id: None,
    };
    let calendar = Calendar::shipped();
    let case = app.store.open_case(&new, &actor()).await.expect("open");
    app.store
        .accept_all(&case.id, &actor(), &calendar)
        .await
        .expect("accept");
    for item in [
        "HEALTH-BIRTH-CERT-INFO",
        "TAX-EMPLOYER-WAGE",
        "HOSPITAL-DELIVERY-INFO",
        "PS-05",
    ]
    .into_iter()
    .filter(|i| finish || *i != "PS-05")
    {
        let done = Action::Complete {
            certificate_ref: Some("x".into()),
        };
        for action in [Action::Start, done] {
            app.store
                .change_item(&case.id, item, action, &actor(), &calendar)
                .await
                .expect("move");
        }
    }
    case.id
}

#[tokio::test]
async fn from_a_bad_rating_to_the_revisit_and_into_the_measures() {
    for db in support::test_dbs().await {
        let app = TestApp::on(db.store).await;
        let mum = person_in(500228, 41);
        let case_id = ended_case(&app, &Applicant::person_ref(&mum)).await;
        let mi = Scope::Department {
            id: "mi-1".into(),
            kind: DepartmentKind::MedicalInsurance,
        };
        app.add_user("mum", Role::Person, Scope::Person(mum)).await;
        app.add_user("mi", Role::DeptOfficer, mi).await;
        app.add_user("sup", Role::Supervisor, Scope::Region(region(500200)))
            .await;
        app.add_user("clerk", Role::AgencyClerk, Scope::Region(region(500000)))
            .await;
        let (mum, mi, sup, clerk) = (
            app.sign_in("mum").await,
            app.sign_in("mi").await,
            app.sign_in("sup").await,
            app.sign_in("clerk").await,
        );
        let rating = json!({"score": 1, "comment": "等太久", "reasons": ["SLOW"],
                            "items": [{"item": "PS-05", "score": 2}]});
        let rated = app
            .bearer(
                &mum,
                "POST",
                &format!("/api/v1/cases/{case_id}/rating"),
                Some(rating.clone()),
            )
            .await;
        assert_eq!(
            rated.status,
            StatusCode::CREATED,
            "{}: {}",
            db.label,
            rated.text
        );
        assert_eq!(rated.json, json!({"case_id": case_id, "score": 1}));
        let again = app
            .bearer(
                &mum,
                "POST",
                &format!("/api/v1/cases/{case_id}/rating"),
                Some(rating),
            )
            .await;
        assert_error(&again, StatusCode::CONFLICT, "ALREADY_RATED");
        let bad_reason = json!({"score": 5, "reasons": ["SLOW"]});
        let refused = app
            .bearer(
                &mum,
                "POST",
                &format!("/api/v1/cases/{case_id}/rating"),
                Some(bad_reason),
            )
            .await;
        assert_error(&refused, StatusCode::BAD_REQUEST, "REASON_DOES_NOT_FIT");

        let list = app
            .bearer(&sup, "GET", "/api/v1/supervision/rectifications", None)
            .await;
        assert_eq!(list.status, StatusCode::OK, "{}", list.text);
        let tasks = list.json.as_array().expect("array").clone();
        assert_eq!(tasks.len(), 2, "{}", db.label);
        for t in &tasks {
            assert_eq!(t["owner"]["department"], "medical_insurance");
            assert_eq!(t["owner"]["region"], "500228");
            assert_eq!(t["status"], "open");
            // 27 Sep + 15 working days: Sun 29 Sep and 30 Sep (2), the National Day break,
            // 8–11 Oct (6), Sat 12 Oct (7), 14–18 (12), 21–23 (15).
            assert_eq!(t["due_on"], "2024-10-23", "{}", db.label);
        }
        let id = tasks[0]["id"].as_str().expect("id");
        let move_ = |who, step: &str, body| {
            let uri = format!("/api/v1/supervision/rectifications/{id}/{step}");
            let app = &app;
            async move { app.bearer(who, "POST", &uri, Some(body)).await }
        };
        let early = move_(&mi, "rectify", json!({"note": "改"})).await;
        assert_error(&early, StatusCode::CONFLICT, "INVALID_STATE");
        let no_note = move_(&mi, "investigate", json!({})).await;
        assert_error(&no_note, StatusCode::BAD_REQUEST, "MISSING_FIELD");
        assert_eq!(
            move_(&mi, "investigate", json!({"note": "银行回盘慢"}))
                .await
                .status,
            StatusCode::OK
        );
        let rectified = move_(&mi, "rectify", json!({"note": "每日回盘"})).await;
        assert_eq!(rectified.json["status"], "rectified", "{}", rectified.text);
        let forbidden = move_(&mi, "revisit", json!({"outcome": "satisfied", "note": "x"})).await;
        assert_error(&forbidden, StatusCode::FORBIDDEN, "FORBIDDEN");
        let revisited = move_(
            &sup,
            "revisit",
            json!({"outcome": "satisfied", "note": "电话回访，满意"}),
        )
        .await;
        assert_eq!(revisited.json["status"], "revisited", "{}", revisited.text);
        assert_eq!(revisited.json["revisit"]["outcome"], "satisfied");

        let visit = app
            .bearer(
                &clerk,
                "POST",
                &format!("/api/v1/cases/{case_id}/visits"),
                Some(json!({"kind": "pickup"})),
            )
            .await;
        assert_eq!(visit.status, StatusCode::CREATED, "{}", visit.text);

        // The case page lists the visit; the clerk records another there, served first.
        let page = |who| {
            let uri = format!("/cases/{case_id}");
            let app = &app;
            async move {
                app.send(
                    cookie_request(who, "GET", &uri, None)
                        .body(Body::empty())
                        .expect("req"),
                )
                .await
            }
        };
        assert!(
            page(&clerk).await.text.contains("窗口跑动记录（1 次）"),
            "{}",
            db.label
        );
        let form = format!("csrf_token={}&kind=supplement&priority=1&note=", clerk.csrf);
        let posted = app
            .send(
                cookie_request(&clerk, "POST", &format!("/cases/{case_id}/visits"), None)
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(Body::from(form))
                    .expect("req"),
            )
            .await;
        assert_eq!(posted.status, StatusCode::SEE_OTHER, "{}", posted.text);
        let shown = page(&clerk).await.text;
        assert!(shown.contains("窗口跑动记录（2 次）") && shown.contains("优先办理"));
        assert!(
            !page(&mum).await.text.contains("窗口跑动记录"),
            "not the applicant's business"
        );

        let m = app
            .bearer(
                &sup,
                "GET",
                "/api/v1/supervision/measures?from=2024-09-01&to=2024-09-30",
                None,
            )
            .await;
        assert_eq!(m.status, StatusCode::OK, "{}", m.text);
        for key in [
            "cases",
            "online_share",
            "instant_share",
            "avg_visits",
            "avg_time_reduction",
            "on_time_share",
            "ratings",
            "complaints",
        ] {
            assert!(m.json.get(key).is_some(), "{key} in {}", m.text);
        }
        assert_eq!(m.json["cases"], 1);
        assert_eq!(
            m.json["online_share"], 0.0,
            "one window visit: not fully online"
        );
        assert_eq!(
            m.json["instant_share"], 1.0,
            "accepted and ended the same day"
        );
        assert_eq!(m.json["avg_visits"], 2.0);
        assert_eq!(m.json["avg_time_reduction"], 1.0);
        assert_eq!(m.json["on_time_share"], 1.0);
        assert_eq!(m.json["ratings"]["count"], 2);
        assert_eq!(m.json["ratings"]["good"], 0);
        assert_eq!(m.json["ratings"]["bad"], 2);
        assert_eq!(m.json["ratings"]["rectified"], 1);
        assert_eq!(m.json["ratings"]["revisited"], 1);
        assert_eq!(
            m.json["complaints"],
            json!({"count": 0, "answered_in_time": 0, "response_rate": null})
        );
        let missing = app
            .bearer(
                &sup,
                "GET",
                "/api/v1/supervision/measures?to=2024-09-30",
                None,
            )
            .await;
        assert_error(&missing, StatusCode::BAD_REQUEST, "MISSING_FIELD");
        assert_eq!(missing.json["error"]["field"], "from");

        // The dashboard draws each measure as SVG beside its target; the export reads back.
        let page = app
            .send(
                cookie_request(&sup, "GET", "/supervision?period=month&on=2024-09-27", None)
                    .body(Body::empty())
                    .expect("req"),
            )
            .await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.text.contains("<svg class=\"chart bar\""),
            "{}",
            db.label
        );
        assert!(
            page.text.contains("平均跑动次数") && page.text.contains("2024-09-01 至 2024-09-30")
        );
        assert!(
            page.text.contains("各办理地区")
                && page.text.contains("<span class=\"mono\">500228</span>")
        );
        let file = app
            .send(
                cookie_request(
                    &sup,
                    "GET",
                    "/supervision/measures.xlsx?period=month&on=2024-09-27",
                    None,
                )
                .body(Body::empty())
                .expect("req"),
            )
            .await;
        assert_eq!(file.status, StatusCode::OK);
        let mut book: Xlsx<_> = Xlsx::new(Cursor::new(file.bytes.clone())).expect("a real xlsx");
        let sheet = book.worksheet_range("measures").expect("sheet");
        let visits = sheet
            .rows()
            .find(|r| r.first() == Some(&Data::String("avg_visits".into())))
            .expect("avg_visits row");
        assert_eq!(visits[2], Data::Float(2.0));
        assert_eq!(visits[3], Data::Float(0.3));
        assert_eq!(visits[5], Data::String("no".into()));
        let refused = app
            .send(
                cookie_request(&mum, "GET", "/supervision", None)
                    .body(Body::empty())
                    .expect("req"),
            )
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
    }
}

#[tokio::test]
async fn the_administrator_changes_an_item_on_the_catalogue_page_as_a_new_version() {
    for db in support::test_dbs().await {
        let app = TestApp::on(db.store).await;
        app.add_user("admin", Role::Admin, Scope::Platform).await;
        let admin = app.sign_in("admin").await;
        let version = app
            .store
            .current_catalog()
            .await
            .expect("catalogue")
            .version;
        let form = format!(
            "csrf_token={}&version={version}&online=1&limit_working_days=&note=%E5%8F%AF%E7%BD%91%E5%8A%9E",
            admin.csrf
        );
        let posted = app
            .send(
                cookie_request(&admin, "POST", "/admin/catalog/items/AP-09", None)
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(Body::from(form.clone()))
                    .expect("req"),
            )
            .await;
        assert_eq!(
            posted.status,
            StatusCode::SEE_OTHER,
            "{}: {}",
            db.label,
            posted.text
        );
        let latest = app.store.current_catalog().await.expect("latest");
        assert_eq!(latest.version, version + 1);
        assert_eq!(latest.note, "AP-09：可网办");
        assert!(latest.catalog.item("AP-09").expect("item").online);
        // The same form again, on the old version: refused, nothing written.
        let stale = app
            .send(
                cookie_request(&admin, "POST", "/admin/catalog/items/AP-09", None)
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(Body::from(form))
                    .expect("req"),
            )
            .await;
        assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.text);
        assert_eq!(
            app.store.current_catalog().await.expect("same").version,
            version + 1
        );
    }
}

#[tokio::test]
async fn urge_takes_no_body_a_null_body_an_empty_object_or_a_bounded_note() {
    for db in support::test_dbs().await {
        let app = TestApp::on(db.store).await;
        let mum = person_in(500228, 62);
        let case_id = case_in_500228(&app, &Applicant::person_ref(&mum), false).await;
        app.add_user("sup", Role::Supervisor, Scope::Region(region(500200)))
            .await;
        let sup = app.sign_in("sup").await;
        let uri = format!("/api/v1/cases/{case_id}/items/PS-05/urge");
        for body in [None, Some(serde_json::Value::Null), Some(json!({}))] {
            let reply = app.bearer(&sup, "POST", &uri, body.clone()).await;
            assert_eq!(
                reply.status,
                StatusCode::OK,
                "{}: {body:?}: {}",
                db.label,
                reply.text
            );
            assert_eq!(reply.json["item"], "PS-05");
        }
        let noted = app
            .bearer(&sup, "POST", &uri, Some(json!({"note": "请尽快办理"})))
            .await;
        assert_eq!(noted.status, StatusCode::OK, "{}", noted.text);
        // A note is a note: at most 2,000 characters, as on every other supervision body.
        let long = json!({"note": "催".repeat(2001)});
        let refused = app.bearer(&sup, "POST", &uri, Some(long)).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.text);
        assert_eq!(refused.json["error"]["field"], "note", "{}", refused.text);
    }
}

//! Priority service and reach over HTTP on both databases (SV-4). The 取号/叫号 queue: tickets by API,
//! the queue priority first with ids masked, serving from the page records the case's visit
//! with the priority flag, a served ticket refused with 409, bad input 400 naming its
//! field, other roles 403. Home visits (预约上门服务): slots on working days only, booked on
//! the page, SLOT_FULL and ALREADY_BOOKED from the database, cancelled, the visit recorded
//! as no run.

use crate::auth_support::{TestApp, assert_error, cookie_request, person_in, region};
use crate::supervision::ended_case;
use crate::support;
use axum::body::Body;
use axum::http::StatusCode;
use onething_domain::CitizenId;
use onething_domain::access::{Applicant, Role, Scope};
use serde_json::json;

#[tokio::test]
async fn the_clerk_calls_the_elderly_first_and_serving_records_a_priority_visit() {
    for db in support::test_dbs().await {
        let app = TestApp::on(db.store).await;
        let mum = person_in(500228, 51);
        let case_id = ended_case(&app, &Applicant::person_ref(&mum)).await;
        app.add_user("clerk", Role::AgencyClerk, Scope::Region(region(500228)))
            .await;
        app.add_user("mum", Role::Person, Scope::Person(mum.clone()))
            .await;
        let (clerk, mum_in) = (app.sign_in("clerk").await, app.sign_in("mum").await);
        // 27 September 2024: born 27 September 1964 is 60 today.
        let grandpa = CitizenId::from_parts(
            region(500228),
            chrono::NaiveDate::from_ymd_opt(1964, 9, 27).expect("date"),
            53,
        )
        .expect("id");
        let issue = |body| app.bearer(&clerk, "POST", "/api/v1/window/queue", Some(body));
        let plain = issue(json!({"citizen_id": mum.as_str(), "name": "王小红"})).await;
        assert_eq!(
            plain.status,
            StatusCode::CREATED,
            "{}: {}",
            db.label,
            plain.text
        );
        assert_eq!(plain.json["number"], "A001");
        let old = issue(json!({"citizen_id": grandpa.as_str(), "name": "李大爷",
                               "case_id": case_id}))
        .await;
        assert_eq!(old.status, StatusCode::CREATED, "{}", old.text);
        assert_eq!(old.json["number"], "Y001");
        assert_eq!(old.json["priority_reason"], "elderly");
        assert_eq!(old.json["age"], 60);

        let queue = app
            .bearer(&clerk, "GET", "/api/v1/window/queue", None)
            .await;
        assert_eq!(queue.status, StatusCode::OK, "{}", queue.text);
        let numbers: Vec<&str> = queue.json["waiting"]
            .as_array()
            .expect("waiting")
            .iter()
            .map(|t| t["number"].as_str().expect("number"))
            .collect();
        assert_eq!(numbers, ["Y001", "A001"], "{}", db.label);
        assert_eq!(queue.json["elderly_age"], 60);
        assert!(!queue.text.contains(grandpa.as_str()), "ids are masked");
        assert_eq!(
            queue.json["waiting"][0]["citizen_id_masked"],
            grandpa.masked()
        );

        // The page shows the queue, the next one first; serving from it records the visit.
        let page = app
            .send(
                cookie_request(&clerk, "GET", "/clerk/queue", None)
                    .body(Body::empty())
                    .expect("req"),
            )
            .await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text);
        assert!(
            page.text.contains("Y001</strong> （下一位）"),
            "{}",
            page.text
        );
        assert!(page.text.contains("优先：老年人"));
        let ticket = old.json["id"].as_str().expect("id");
        let form = format!("csrf_token={}&kind=submission&note=", clerk.csrf);
        let served = app
            .send(
                cookie_request(
                    &clerk,
                    "POST",
                    &format!("/clerk/queue/{ticket}/serve"),
                    None,
                )
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from(form))
                .expect("req"),
            )
            .await;
        assert_eq!(served.status, StatusCode::SEE_OTHER, "{}", served.text);
        let visits = app
            .bearer(
                &clerk,
                "GET",
                &format!("/api/v1/cases/{case_id}/visits"),
                None,
            )
            .await;
        assert_eq!(
            visits.json.as_array().map(Vec::len),
            Some(1),
            "{}",
            visits.text
        );
        assert_eq!(visits.json[0]["priority"], true);
        assert_eq!(visits.json[0]["kind"], "submission");
        let again = app
            .bearer(
                &clerk,
                "POST",
                &format!("/api/v1/window/queue/{ticket}/serve"),
                Some(json!({"kind": "pickup"})),
            )
            .await;
        assert_error(&again, StatusCode::CONFLICT, "INVALID_STATE");

        // 过号: A001 called, nobody there; it leaves the queue for the missed list, cannot be
        // missed twice, and is served from there when she comes back (on the page).
        let a001 = plain.json["id"].as_str().expect("id").to_owned();
        let missed = app
            .bearer(
                &clerk,
                "POST",
                &format!("/api/v1/window/queue/{a001}/miss"),
                None,
            )
            .await;
        assert_eq!(
            missed.status,
            StatusCode::OK,
            "{}: {}",
            db.label,
            missed.text
        );
        assert_eq!(missed.json["status"], "missed");
        assert_eq!(missed.json["served_by"], "clerk");
        let twice = app
            .bearer(
                &clerk,
                "POST",
                &format!("/api/v1/window/queue/{a001}/miss"),
                None,
            )
            .await;
        assert_error(&twice, StatusCode::CONFLICT, "INVALID_STATE");
        let queue = app
            .bearer(&clerk, "GET", "/api/v1/window/queue", None)
            .await;
        assert_eq!(
            queue.json["waiting"].as_array().map(Vec::len),
            Some(0),
            "{}",
            queue.text
        );
        assert_eq!(queue.json["missed"][0]["number"], "A001", "{}", queue.text);
        let page = app
            .send(
                cookie_request(&clerk, "GET", "/clerk/queue", None)
                    .body(Body::empty())
                    .expect("req"),
            )
            .await;
        assert!(page.text.contains("已过号"), "{}", page.text);
        assert!(page.text.contains(&format!("/clerk/queue/{a001}/serve")));
        let back = app
            .send(self::form(
                &clerk,
                &format!("/clerk/queue/{a001}/serve"),
                "kind=consultation&note=".into(),
            ))
            .await;
        assert_eq!(back.status, StatusCode::SEE_OTHER, "{}", back.text);
        let served = app
            .bearer(&clerk, "GET", "/api/v1/window/queue", None)
            .await;
        assert_eq!(
            served.json["missed"].as_array().map(Vec::len),
            Some(0),
            "{}",
            served.text
        );
        let audit = app
            .store
            .list_audit(&onething_store::audit::AuditFilter {
                subject_type: Some("window_ticket".into()),
                subject_id: Some(a001.clone()),
                limit: 10,
                ..Default::default()
            })
            .await
            .expect("audit");
        // Newest first.
        let actions: Vec<&str> = audit
            .iter()
            .rev()
            .map(|e| e.entry.action.as_str())
            .collect();
        assert_eq!(
            actions,
            [
                "window_ticket_issued",
                "window_ticket_missed",
                "window_ticket_served"
            ],
            "{}",
            db.label
        );

        let bad = issue(json!({"citizen_id": "500228196409270000", "name": "x"})).await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.text);
        assert_eq!(bad.json["error"]["field"], "citizen_id");
        let no_name = issue(json!({"citizen_id": mum.as_str()})).await;
        assert_error(&no_name, StatusCode::BAD_REQUEST, "MISSING_FIELD");
        assert_eq!(no_name.json["error"]["field"], "name");
        let bad_kind = app
            .bearer(
                &clerk,
                "POST",
                &format!(
                    "/api/v1/window/queue/{}/serve",
                    plain.json["id"].as_str().expect("id")
                ),
                Some(json!({"kind": "lunch"})),
            )
            .await;
        assert_error(&bad_kind, StatusCode::BAD_REQUEST, "INVALID_ENUM");
        let missing = app
            .bearer(
                &clerk,
                "POST",
                "/api/v1/window/queue/QH-nothing/serve",
                Some(json!({"kind": "pickup"})),
            )
            .await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND);
        let person = app
            .bearer(&mum_in, "GET", "/api/v1/window/queue", None)
            .await;
        assert_error(&person, StatusCode::FORBIDDEN, "FORBIDDEN");
    }
}

fn form(who: &crate::auth_support::SignedIn, uri: &str, body: String) -> axum::http::Request<Body> {
    cookie_request(who, "POST", uri, None)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(format!("csrf_token={}&{body}", who.csrf)))
        .expect("req")
}

#[tokio::test]
async fn a_mother_books_a_home_visit_and_the_clerk_records_it_as_no_run() {
    for db in support::test_dbs().await {
        let app = TestApp::on(db.store).await;
        let (mum, dad) = (person_in(500228, 61), person_in(500228, 63));
        let hers = ended_case(&app, &Applicant::person_ref(&mum)).await;
        let his = ended_case(&app, &Applicant::person_ref(&dad)).await;
        app.add_user("clerk", Role::AgencyClerk, Scope::Region(region(500228)))
            .await;
        app.add_user("mum", Role::Person, Scope::Person(mum)).await;
        let (clerk, mum) = (app.sign_in("clerk").await, app.sign_in("mum").await);

        // Friday 27 September 2024, noon: Monday 30 September is a working day, Saturday
        // 28 September is not.
        let publish = |body| app.bearer(&clerk, "POST", "/api/v1/home-visits/slots", Some(body));
        let morning = publish(
            json!({"date": "2024-09-30", "starts": "09:00", "ends": "11:00", "capacity": 1}),
        )
        .await;
        assert_eq!(
            morning.status,
            StatusCode::CREATED,
            "{}: {}",
            db.label,
            morning.text
        );
        assert_eq!(morning.json["free"], 1);
        let afternoon = publish(
            json!({"date": "2024-09-30", "starts": "14:00", "ends": "16:00", "capacity": 3}),
        )
        .await;
        assert_eq!(afternoon.status, StatusCode::CREATED, "{}", afternoon.text);
        let weekend = publish(
            json!({"date": "2024-09-28", "starts": "09:00", "ends": "11:00", "capacity": 1}),
        )
        .await;
        assert_error(&weekend, StatusCode::BAD_REQUEST, "NOT_WORKING_DAY");
        assert_eq!(weekend.json["error"]["field"], "date");
        let past = publish(
            json!({"date": "2024-09-27", "starts": "09:00", "ends": "11:00", "capacity": 1}),
        )
        .await;
        assert_error(&past, StatusCode::BAD_REQUEST, "SLOT_IN_PAST");
        // A past day is refused as past whatever its year; a year whose holiday notice is
        // not published is the client's date to change (400 naming `date`, not a 503).
        let long_ago = publish(
            json!({"date": "2000-01-04", "starts": "09:00", "ends": "11:00", "capacity": 1}),
        )
        .await;
        assert_error(&long_ago, StatusCode::BAD_REQUEST, "SLOT_IN_PAST");
        let unpublished = publish(
            json!({"date": "2099-03-03", "starts": "09:00", "ends": "11:00", "capacity": 1}),
        )
        .await;
        assert_error(
            &unpublished,
            StatusCode::BAD_REQUEST,
            "CALENDAR_YEAR_NOT_PUBLISHED",
        );
        assert_eq!(unpublished.json["error"]["field"], "date");
        let by_mum = app
            .bearer(&mum, "POST", "/api/v1/home-visits/slots", Some(json!({})))
            .await;
        assert_error(&by_mum, StatusCode::FORBIDDEN, "FORBIDDEN");

        // She sees her case's slots and books the morning on the page.
        let slots = app
            .bearer(
                &mum,
                "GET",
                &format!("/api/v1/cases/{hers}/home-visit-slots"),
                None,
            )
            .await;
        assert_eq!(
            slots.json.as_array().map(Vec::len),
            Some(2),
            "{}",
            slots.text
        );
        let morning_id = morning.json["id"].as_str().expect("id");
        let booked = app
            .send(form(&mum, "/home-visits/book", format!(
                "case_id={hers}&slot_id={morning_id}&address=%E6%9F%90%E8%A1%97%E9%81%931%E5%8F%B7&phone=13800000000"
            )))
            .await;
        assert_eq!(booked.status, StatusCode::SEE_OTHER, "{}", booked.text);
        let mine = app.bearer(&mum, "GET", "/api/v1/home-visits", None).await;
        assert_eq!(mine.json[0]["status"], "booked", "{}", mine.text);
        let booking_id = mine.json[0]["id"].as_str().expect("id").to_owned();
        let notes = app.bearer(&mum, "GET", "/api/v1/notifications", None).await;
        assert!(notes.text.contains("已预约上门服务"), "{}", notes.text);

        // Full, and one live booking per case: 409 with their codes.
        let book = |who, case: &str, slot: &serde_json::Value| {
            let uri = format!("/api/v1/cases/{case}/home-visits");
            let body = json!({"slot_id": slot["id"], "address": "某街道2号"});
            let app = &app;
            async move { app.bearer(who, "POST", &uri, Some(body)).await }
        };
        let full = book(&clerk, &his, &morning.json).await;
        assert_error(&full, StatusCode::CONFLICT, "SLOT_FULL");
        let twice = book(&mum, &hers, &afternoon.json).await;
        assert_error(&twice, StatusCode::CONFLICT, "ALREADY_BOOKED");
        let not_hers = book(&mum, &his, &afternoon.json).await;
        assert_eq!(not_hers.status, StatusCode::NOT_FOUND, "{}", not_hers.text);

        // She cancels; the clerk books the freed place for him and records the visit.
        let cancelled = app
            .bearer(
                &mum,
                "POST",
                &format!("/api/v1/home-visits/{booking_id}/cancel"),
                None,
            )
            .await;
        assert_eq!(cancelled.json["status"], "cancelled", "{}", cancelled.text);
        let again = app
            .bearer(
                &mum,
                "POST",
                &format!("/api/v1/home-visits/{booking_id}/cancel"),
                None,
            )
            .await;
        assert_error(&again, StatusCode::CONFLICT, "INVALID_STATE");
        let for_him = book(&clerk, &his, &morning.json).await;
        assert_eq!(for_him.status, StatusCode::CREATED, "{}", for_him.text);
        let his_booking = for_him.json["id"].as_str().expect("id");
        let page = app
            .send(
                cookie_request(&clerk, "GET", "/home-visits", None)
                    .body(Body::empty())
                    .expect("req"),
            )
            .await;
        assert!(page.text.contains("登记已上门办理"), "{}", page.text);
        let visited = app
            .send(form(
                &clerk,
                &format!("/home-visits/{his_booking}/visit"),
                "note=".into(),
            ))
            .await;
        assert_eq!(visited.status, StatusCode::SEE_OTHER, "{}", visited.text);
        // A `null` or `{}` body is no note (not a 400): the booking, visited, is then a 409.
        for body in [json!(null), json!({})] {
            let again = app
                .bearer(
                    &clerk,
                    "POST",
                    &format!("/api/v1/home-visits/{his_booking}/visit"),
                    Some(body),
                )
                .await;
            assert_error(&again, StatusCode::CONFLICT, "INVALID_STATE");
        }
        let visits = app
            .bearer(&clerk, "GET", &format!("/api/v1/cases/{his}/visits"), None)
            .await;
        assert_eq!(visits.json[0]["kind"], "home_visit", "{}", visits.text);
        let case_page = app
            .send(
                cookie_request(&clerk, "GET", &format!("/cases/{his}"), None)
                    .body(Body::empty())
                    .expect("req"),
            )
            .await;
        assert!(
            case_page.text.contains("窗口跑动记录（0 次）"),
            "{}",
            db.label
        );
        assert!(case_page.text.contains("预约上门服务（不计跑动）"));
    }
}

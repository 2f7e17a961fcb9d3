//! Case reads through the policy: lists and details masked and scoped, the audited reveal,
//! the due-date watch and the audit log endpoint.

use crate::auth_support;
use crate::world;

use auth_support::assert_error;
use axum::http::StatusCode;
use chrono::TimeDelta;
use onething_domain::access::Role;
use serde_json::{Value, json};

fn ids(list: &Value) -> Vec<String> {
    let mut ids: Vec<String> = list["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .filter_map(|c| c["id"].as_str().map(str::to_owned))
        .collect();
    ids.sort();
    ids
}

#[tokio::test]
async fn every_role_lists_exactly_the_cases_of_its_scope_with_ids_masked() {
    let w = world::world().await;
    for (username, role, visible) in &w.users {
        let who = w.app.sign_in(username).await;
        let reply = w.app.bearer(&who, "GET", "/api/v1/cases", None).await;
        assert_eq!(reply.status, StatusCode::OK, "{username}: {}", reply.text);
        let mut expected: Vec<String> = visible.iter().map(|c| w.case(c).to_owned()).collect();
        expected.sort();
        assert_eq!(ids(&reply.json), expected, "{username} ({role})");
        for person in [&w.person_cq, &w.person_hb] {
            assert!(
                !reply.text.contains(person.as_str()),
                "{username}: full id listed"
            );
        }
    }
    let mum = w.app.sign_in("mum_cq").await;
    let list = w.app.bearer(&mum, "GET", "/api/v1/cases", None).await;
    let applicant = &list.json["cases"][0]["applicant"];
    assert_eq!(applicant["kind"], "person");
    assert_eq!(applicant["id_masked"], w.person_cq.masked());
    assert_eq!(
        list.json["cases"][0]["items"].as_array().map(Vec::len),
        Some(7)
    );
}

#[tokio::test]
async fn case_detail_shows_items_states_due_dates_and_progress() {
    let w = world::world().await;
    let mum = w.app.sign_in("mum_cq").await;
    let uri = format!("/api/v1/cases/{}", w.case("newborn_cq"));
    let reply = w.app.bearer(&mum, "GET", &uri, None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let case = &reply.json;
    assert_eq!(case["bundle"], "newborn");
    assert_eq!(case["status_label"], "未办结");
    assert_eq!(case["applicant"]["id_masked"], w.person_cq.masked());
    let items = case["items"].as_array().expect("items");
    assert_eq!(items.len(), 7);
    for item in items {
        assert_eq!(item["state"], "accepted", "{item}");
        assert_eq!(item["progress"], "未办结");
        assert!(
            item["name"].is_string() && item["department"].is_string(),
            "{item}"
        );
        // An item without a time limit has no due date; every other one has.
        assert_eq!(
            item["due_on"].is_string(),
            item["limit_working_days"].is_number(),
            "{item}"
        );
    }
    assert!(
        items.iter().any(|i| i["due_status"] == "on_time"),
        "{items:?}"
    );
    let other = format!("/api/v1/cases/{}", w.case("newborn_hb"));
    assert_error(
        &w.app.bearer(&mum, "GET", &other, None).await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    );
}

#[tokio::test]
async fn every_reveal_is_audited_and_only_window_clerks_and_supervisors_may_reveal() {
    let w = world::world().await;
    let case = w.case("newborn_cq");
    let uri = format!("/api/v1/cases/{case}/reveal");
    let body = |reason: &str| Some(json!({ "reason": reason }));
    let mut revealed = 0;
    for username in ["clerk_cq", "hosp_cq", "sup_cq"] {
        let who = w.app.sign_in(username).await;
        let reply = w
            .app
            .bearer(&who, "POST", &uri, body(&format!("{username} 核对身份")))
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{username}: {}", reply.text);
        assert_eq!(reply.json["applicant_id"], w.person_cq.as_str());
        assert_eq!(reply.json["applicant_kind"], "person");
        revealed += 1;
    }
    for username in ["admin", "emp_cq", "mum_cq", "cdc"] {
        let who = w.app.sign_in(username).await;
        let reply = w.app.bearer(&who, "POST", &uri, body("想看看")).await;
        assert_error(&reply, StatusCode::FORBIDDEN, "FORBIDDEN");
    }
    for username in ["clerk_hb", "hosp_hb", "sup_hb"] {
        let who = w.app.sign_in(username).await;
        let reply = w.app.bearer(&who, "POST", &uri, body("越权查看")).await;
        assert_error(&reply, StatusCode::NOT_FOUND, "NOT_FOUND");
    }
    let clerk = w.app.sign_in("clerk_cq").await;
    let no_reason = w
        .app
        .bearer(&clerk, "POST", &uri, Some(json!({"reason": " "})))
        .await;
    assert_error(&no_reason, StatusCode::BAD_REQUEST, "MISSING_FIELD");
    assert_eq!(no_reason.json["error"]["field"], "reason");
    let no_body = w.app.bearer(&clerk, "POST", &uri, None).await;
    assert_error(&no_body, StatusCode::BAD_REQUEST, "INVALID_BODY");

    let admin = w.app.sign_in("admin").await;
    let audit = w
        .app
        .bearer(
            &admin,
            "GET",
            &format!("/api/v1/audit?subject=case:{case}"),
            None,
        )
        .await;
    assert_eq!(audit.status, StatusCode::OK, "{}", audit.text);
    let entries = audit.json["entries"].as_array().expect("entries");
    assert_eq!(
        entries.len(),
        revealed,
        "every reveal, and only reveals, audited"
    );
    for entry in entries {
        assert_eq!(entry["action"], "reveal_applicant_id");
        assert_eq!(entry["case_id"], case);
        let actor = entry["actor"].as_str().expect("actor");
        assert_eq!(entry["detail"]["reason"], format!("{actor} 核对身份"));
        assert!(entry["at"].is_string() && entry["role"].is_string());
    }
}

#[tokio::test]
async fn supervisors_read_the_audit_log_of_their_region_only() {
    let w = world::world().await;
    for (username, case) in [("clerk_cq", "newborn_cq"), ("clerk_hb", "allowance_hb")] {
        let who = w.app.sign_in(username).await;
        let uri = format!("/api/v1/cases/{}/reveal", w.case(case));
        let reply = w
            .app
            .bearer(&who, "POST", &uri, Some(json!({"reason": "核对"})))
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    }
    let sup = w.app.sign_in("sup_cq").await;
    let reply = w.app.bearer(&sup, "GET", "/api/v1/audit", None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let entries = reply.json["entries"].as_array().expect("entries");
    assert_eq!(entries.len(), 1, "{}", reply.text);
    assert_eq!(entries[0]["case_id"], w.case("newborn_cq"));

    let admin = w.app.sign_in("admin").await;
    let all = w
        .app
        .bearer(&admin, "GET", "/api/v1/audit?limit=1000", None)
        .await;
    let actions: Vec<&str> = all.json["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert_eq!(
        actions
            .iter()
            .filter(|a| **a == "reveal_applicant_id")
            .count(),
        2
    );
    assert!(actions.contains(&"sign_in"), "{actions:?}");
    let page = w
        .app
        .bearer(&admin, "GET", "/api/v1/audit?limit=1", None)
        .await;
    let next = page.json["next_before"].as_i64().expect("next page");
    let older = w
        .app
        .bearer(
            &admin,
            "GET",
            &format!("/api/v1/audit?limit=1&before={next}"),
            None,
        )
        .await;
    assert!(older.json["entries"][0]["id"].as_i64() < Some(next));
    let bad = w
        .app
        .bearer(&admin, "GET", "/api/v1/audit?limit=x", None)
        .await;
    assert_error(&bad, StatusCode::BAD_REQUEST, "INVALID_QUERY");
}

#[tokio::test]
async fn the_due_watch_shows_a_supervisor_its_region_overdue_first() {
    let w = world::world().await;
    // Past every item's due date: all open items are overdue.
    w.app.advance(TimeDelta::days(90));
    let sup = w.app.sign_in("sup_cq").await;
    let reply = w
        .app
        .bearer(&sup, "GET", "/api/v1/due?within=5", None)
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let items = reply.json["items"].as_array().expect("items");
    assert!(!items.is_empty());
    let cq = [w.case("newborn_cq"), w.case("allowance_cq")];
    for item in items {
        let case = item["case_id"].as_str().expect("case id");
        assert!(
            cq.contains(&case),
            "{case} is not in the supervisor's region"
        );
        assert_eq!(item["overdue"], true);
        assert_eq!(item["region"], "500228");
    }
    let admin = w.app.sign_in("admin").await;
    let all = w.app.bearer(&admin, "GET", "/api/v1/due", None).await;
    assert!(all.json["items"].as_array().map(Vec::len) > Some(items.len()));
    let too_far = w
        .app
        .bearer(&sup, "GET", "/api/v1/due?within=61", None)
        .await;
    assert_error(&too_far, StatusCode::BAD_REQUEST, "OUT_OF_RANGE");
    // Paged in SQL: one item per page, each page continuing after the previous one, the
    // whole walk giving exactly the unpaged list.
    let everything: Vec<Value> = all.json["items"].as_array().expect("items").clone();
    assert_eq!(all.json["next_after"], Value::Null);
    let mut walked = Vec::new();
    let mut uri = "/api/v1/due?limit=1".to_owned();
    loop {
        let page = w.app.bearer(&admin, "GET", &uri, None).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text);
        walked.extend(
            page.json["items"]
                .as_array()
                .expect("items")
                .iter()
                .cloned(),
        );
        match page.json["next_after"].as_str() {
            Some(after) => {
                let after: String = form_urlencoded::byte_serialize(after.as_bytes()).collect();
                uri = format!("/api/v1/due?limit=1&after={after}");
            }
            None => break,
        }
        assert!(walked.len() <= everything.len(), "paging never ends");
    }
    assert_eq!(walked, everything);
    let bad = w
        .app
        .bearer(&admin, "GET", "/api/v1/due?after=nonsense", None)
        .await;
    assert_error(&bad, StatusCode::BAD_REQUEST, "INVALID_CURSOR");
    for (username, role, _) in &w.users {
        if !matches!(role, Role::Supervisor | Role::Admin) {
            let who = w.app.sign_in(username).await;
            let reply = w
                .app
                .bearer(&who, "GET", "/api/v1/due?within=oops", None)
                .await;
            assert_error(&reply, StatusCode::FORBIDDEN, "FORBIDDEN");
        }
    }
}

/// Data-use entries (EX-4) as the audited query layer writes them.
async fn record_data_reads(w: &world::World) {
    for case in [Some(w.case("newborn_cq")), Some(w.case("newborn_hb")), None] {
        let entry = onething_store::audit::NewAuditEntry {
            at: w.app.now(),
            actor: "clerk_cq".into(),
            role: None,
            action: onething_store::shared_data::DATA_READ.into(),
            subject_type: "person".into(),
            subject_id: "500228199003050027".into(),
            case_id: case.map(str::to_owned),
            detail: json!({"dataset": "birth-certificates", "purpose": "新生儿出生一件事",
                "records": [{"record_key": "Q500000001", "version": 1}]}),
        };
        w.app.store.append_audit(&entry).await.expect("audit");
    }
}

#[tokio::test]
async fn the_data_use_audit_is_for_officers_supervisors_and_admins_within_their_cases() {
    let w = world::world().await;
    record_data_reads(&w).await;
    let by_person = json!({"person": "500228199003050027"});
    let by_case = format!("/api/v1/audit/data-use?case_id={}", w.case("newborn_cq"));
    let search = "/api/v1/audit/data-use/search";
    for (username, uri, body, expected) in [
        ("admin", search, Some(by_person.clone()), 3),
        ("sup_cq", search, Some(by_person.clone()), 1),
        ("cdc", search, Some(by_person.clone()), 2),
        ("cdc", by_case.as_str(), None, 1),
        ("tax", by_case.as_str(), None, 0),
    ] {
        let who = w.app.sign_in(username).await;
        let method = if body.is_some() { "POST" } else { "GET" };
        let reply = w.app.bearer(&who, method, uri, body).await;
        assert_eq!(reply.status, StatusCode::OK, "{username}: {}", reply.text);
        let entries = reply.json["entries"].as_array().expect("entries");
        assert_eq!(entries.len(), expected, "{username} {uri}: {}", reply.text);
        if let Some(first) = entries.first() {
            assert_eq!(first["action"], "data_read");
            assert_eq!(first["detail"]["records"][0]["record_key"], "Q500000001");
            assert_eq!(first["detail"]["purpose"], "新生儿出生一件事");
        }
    }
    for username in ["clerk_cq", "emp_cq", "mum_cq", "hosp_cq"] {
        let who = w.app.sign_in(username).await;
        let reply = w.app.bearer(&who, "GET", &by_case, None).await;
        assert_error(&reply, StatusCode::FORBIDDEN, "FORBIDDEN");
    }
    // A full citizen id never travels in a URL (access logs keep URLs).
    let admin = w.app.sign_in("admin").await;
    for uri in [
        "/api/v1/audit/data-use?person=500228199003050027",
        "/api/v1/audit?subject=person:500228199003050027",
    ] {
        let reply = w.app.bearer(&admin, "GET", uri, None).await;
        assert_error(&reply, StatusCode::BAD_REQUEST, "ID_IN_QUERY_STRING");
    }
    let reply = w
        .app
        .bearer(
            &admin,
            "POST",
            "/api/v1/audit/search",
            Some(json!({"subject": "person:500228199003050027"})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(reply.json["entries"].as_array().map(Vec::len), Some(3));
}

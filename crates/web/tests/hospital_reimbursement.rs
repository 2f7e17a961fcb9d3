//! The reimbursement at the hospital window (RB-3) end to end through HTTP, on SQLite and on
//! PostgreSQL when configured: a filed spouse's cesarean delivery is settled by the region's
//! parameters (the TEST FIXTURE section, docs/hospital-window.md: no published standard
//! was found), the fund's share is a payable to the hospital that the agency's next
//! settlement pays into the hospital's account; the same delivery again is refused by the
//! database rule; a person neither insured nor filed is not covered; another hospital's
//! record is not this window's; a region without parameters is refused, never guessed.

use crate::allowance;
use crate::auth_support;
use crate::support;

use allowance::{departments, person, push};
use auth_support::{SignedIn, TestApp, assert_error, region};
use axum::http::StatusCode;
use onething_domain::access::{Role, Scope};
use onething_domain::rules::MaternityParams;
use onething_domain::rules::params::SHIPPED_MATERNITY_TOML;
use serde_json::json;

const FIXTURE: &str = include_str!("../../domain/tests/data/reimbursement_fixture.toml");

fn params_text() -> String {
    format!("{SHIPPED_MATERNITY_TOML}\n{FIXTURE}")
}

async fn app_with_fixture(store: onething_store::Store) -> TestApp {
    let text = params_text();
    let params = MaternityParams::from_toml(&text).expect("fixture params");
    TestApp::on_with(store, move |state| state.with_params(text, params)).await
}

fn delivery(id: &str, person: &str, hospital: &str, event: &str, cost: i64) -> serde_json::Value {
    json!({"record_id": id, "institution_code": hospital, "person_id": person,
        "admitted_on": "2024-09-18", "discharged_on": "2024-09-22", "event_date": "2024-09-19",
        "event_type": event, "babies": 1, "pregnancy_weeks": 39, "settled_in_network": true,
        "total_cost_fen": cost, "fund_paid_fen": 0})
}

async fn reimburse(
    app: &TestApp,
    who: &SignedIn,
    person: &str,
    record: &str,
) -> auth_support::Reply {
    let body = json!({"person_id": person, "delivery_record_id": record});
    app.bearer(who, "POST", "/api/v1/hospital/reimbursements", Some(body))
        .await
}

#[tokio::test]
async fn a_filed_spouses_delivery_is_reimbursed_once_and_settled_to_the_hospital() {
    for db in support::test_dbs().await {
        eprintln!("hospital reimbursement on {}", db.label);
        let store = db.store.clone();
        let app = app_with_fixture(db.store).await;
        let depts = departments(&app).await;
        let hospital = Scope::Hospital {
            id: "hospital".into(),
            region: region(500228),
        };
        app.add_user("window", Role::HospitalClerk, hospital).await;
        app.add_user("clerk", Role::AgencyClerk, Scope::Region(region(500000)))
            .await;
        let window = app.sign_in("window").await;

        // The spouse, filed first (civil affairs, HR, the husband's enrollment).
        let (husband, wife) = (person(711), person(710));
        push(
            &app,
            &depts,
            "civil",
            "marriages",
            vec![json!({"certificate_no": "J500228-2020-0710",
            "husband_id": husband.as_str(), "wife_id": wife.as_str(),
            "registered_on": "2020-10-01", "status": "married"})],
        )
        .await;
        push(
            &app,
            &depts,
            "hr",
            "employment-status",
            vec![json!({"person_id": wife.as_str(),
            "status": "unemployed", "effective_from": "2021-01-01"})],
        )
        .await;
        push(
            &app,
            &depts,
            "mi",
            "insurance-enrollments",
            vec![json!({"person_id": husband.as_str(),
            "scheme": "employee", "employer_uscc": auth_support::employer_in(500228).as_str(),
            "status": "normal", "region_code": "500228", "effective_from": "2020-01-01"})],
        )
        .await;
        let filing = app
            .bearer(
                &window,
                "POST",
                "/api/v1/hospital/spouse-filings",
                Some(json!({"husband_id": husband.as_str(), "wife_id": wife.as_str()})),
            )
            .await;
        assert_eq!(filing.json["status"], "filed", "{}", filing.text);

        let stranger = person(712);
        push(
            &app,
            &depts,
            "hospital",
            "delivery-records",
            vec![
                delivery("DR-710", wife.as_str(), "hospital", "cesarean", 412_345),
                delivery("DR-712", stranger.as_str(), "hospital", "vaginal", 200_000),
                delivery(
                    "DR-713",
                    wife.as_str(),
                    "other-hospital",
                    "vaginal",
                    200_000,
                ),
            ],
        )
        .await;

        // No account on file yet: nothing is recorded.
        let early = reimburse(&app, &window, wife.as_str(), "DR-710").await;
        assert_error(
            &early,
            StatusCode::UNPROCESSABLE_ENTITY,
            "HOSPITAL_ACCOUNT_REQUIRED",
        );
        let account =
            json!({"name": "测试医院", "bank": "测试银行", "number": "50001000000000000077"});
        let set = app
            .bearer(
                &window,
                "PUT",
                "/api/v1/hospital/bank-account",
                Some(account),
            )
            .await;
        assert_eq!(set.status, StatusCode::OK, "{}", set.text);

        // 重庆 fixture: cesarean limit 4000.00 of a 4123.45 bill, + prenatal quota 800.00.
        let done = reimburse(&app, &window, wife.as_str(), "DR-710").await;
        assert_eq!(done.status, StatusCode::CREATED, "{}", done.text);
        assert_eq!(done.json["fund_pays_fen"], 480_000);
        assert_eq!(done.json["person_pays_fen"], 12_345);
        assert_eq!(done.json["coverage"], "filed_spouse");
        assert_eq!(done.json["total_cost_fen"], 412_345, "the hospital's bill");
        assert_eq!(done.json["filing_id"], filing.json["id"]);
        let lines = done.json["lines"].as_array().expect("lines");
        assert_eq!(
            lines
                .iter()
                .map(|l| (
                    l["kind"].as_str().unwrap_or(""),
                    l["amount_fen"].as_i64().unwrap_or(0),
                    l["fund_pays_fen"].as_i64().unwrap_or(0)
                ))
                .collect::<Vec<_>>(),
            [
                ("cesarean_delivery", 412_345, 400_000),
                ("prenatal_check", 80_000, 80_000)
            ]
        );
        assert!(
            done.json["explanation"]
                .as_str()
                .unwrap_or("")
                .contains("测试用值")
        );
        assert!(!done.text.contains(wife.as_str()), "id masked");

        every_piece_is_a_case(&app, &filing.json, &done.json, &wife).await;

        // The same delivery again, even with a new request: the database refuses it.
        let again = reimburse(&app, &window, wife.as_str(), "DR-710").await;
        assert_error(&again, StatusCode::CONFLICT, "REIMBURSEMENT_EXISTS");
        let uncovered = reimburse(&app, &window, stranger.as_str(), "DR-712").await;
        assert_error(&uncovered, StatusCode::UNPROCESSABLE_ENTITY, "NOT_COVERED");
        let elsewhere = reimburse(&app, &window, wife.as_str(), "DR-713").await;
        assert_error(&elsewhere, StatusCode::NOT_FOUND, "NOT_FOUND");

        settled_to_the_hospital(&app).await;
        complication_and_levels(&app, &depts, &window, &wife).await;
        without_parameters(store, &wife).await;
    }
}

/// The filing and the reimbursement each opened a case: in the case API, the person's
/// 我的办件 and the supervisor's due list (the fund's payment to the hospital, PS-07, is
/// open until the settlement pays it; the birth's prenatal quota, PS-08, is done at once).
async fn every_piece_is_a_case(
    app: &TestApp,
    filing: &serde_json::Value,
    reimbursed: &serde_json::Value,
    wife: &onething_domain::CitizenId,
) {
    let clerk = app.sign_in("clerk").await;
    let state_of = |case: &serde_json::Value, item: &str| {
        case["items"]
            .as_array()
            .and_then(|items| items.iter().find(|i| i["item"] == item))
            .map(|i| i["state"].as_str().unwrap_or("").to_owned())
    };
    let filing_case = filing["case_id"].as_str().expect("filing case");
    let case = app
        .bearer(&clerk, "GET", &format!("/api/v1/cases/{filing_case}"), None)
        .await;
    assert_eq!(case.status, StatusCode::OK, "{}", case.text);
    assert_eq!(case.json["bundle"], "spouse_filing", "{}", case.text);
    for item in [
        "CIVIL-MARRIAGE-INFO",
        "HR-EMPLOYMENT-INFO",
        "HOSPITAL-SPOUSE-FILING",
    ] {
        assert_eq!(
            state_of(&case.json, item).as_deref(),
            Some("done"),
            "{item}"
        );
    }
    let costs_case = reimbursed["case_id"].as_str().expect("reimbursement case");
    let case = app
        .bearer(&clerk, "GET", &format!("/api/v1/cases/{costs_case}"), None)
        .await;
    assert_eq!(case.status, StatusCode::OK, "{}", case.text);
    assert_eq!(
        case.json["bundle"], "maternity_costs_birth",
        "{}",
        case.text
    );
    assert_eq!(
        state_of(&case.json, "PS-07").as_deref(),
        Some("in_progress")
    );
    assert_eq!(state_of(&case.json, "PS-08").as_deref(), Some("done"));

    app.add_user("patient", Role::Person, Scope::Person(wife.clone()))
        .await;
    let patient = app.sign_in("patient").await;
    let mine = app.bearer(&patient, "GET", "/api/v1/cases", None).await;
    assert_eq!(mine.status, StatusCode::OK, "{}", mine.text);
    let ids: Vec<&str> = mine.json["cases"]
        .as_array()
        .map(|c| c.iter().filter_map(|c| c["id"].as_str()).collect())
        .unwrap_or_default();
    assert!(
        ids.contains(&filing_case) && ids.contains(&costs_case),
        "{}",
        mine.text
    );

    app.add_user("sup", Role::Supervisor, Scope::Region(region(500000)))
        .await;
    let sup = app.sign_in("sup").await;
    let due = app.bearer(&sup, "GET", "/api/v1/due?within=60", None).await;
    assert_eq!(due.status, StatusCode::OK, "{}", due.text);
    assert!(
        due.json["items"].as_array().is_some_and(|items| items
            .iter()
            .any(|i| i["case_id"] == costs_case && i["item"] == "PS-07")),
        "{}",
        due.text
    );
}

/// The agency's settlement pays the fund's share into the hospital's account, with the
/// allowance's payables in the same run.
async fn settled_to_the_hospital(app: &TestApp) {
    let clerk = app.sign_in("clerk").await;
    let run = app.settle(&clerk).await;
    assert_eq!(run.status, StatusCode::OK, "{}", run.text);
    assert_eq!(run.json["total_fen"], 480_000, "{}", run.text);
    let id = run.json["id"].as_str().expect("settlement").to_owned();
    let file = app
        .bearer(
            &clerk,
            "GET",
            &format!("/api/v1/settlements/{id}/payment-file?format=csv"),
            None,
        )
        .await;
    assert_eq!(file.status, StatusCode::OK, "{}", file.text);
    let row = file
        .text
        .lines()
        .find(|l| l.contains("50001000000000000077"))
        .unwrap_or_else(|| panic!("the hospital's account in {}", file.text));
    assert!(row.contains("480000") || row.contains("4800.00"), "{row}");
    // The payee is the hospital itself (PS-07), not an employer.
    let kinds: Vec<String> = sqlx::query_scalar(
        "SELECT payee_kind FROM payables WHERE service = 'maternity_reimbursement'",
    )
    .fetch_all(app.store.pool())
    .await
    .expect("payables");
    assert_eq!(kinds, ["hospital"]);
}

/// A complication stay (妊娠合并症/并发症住院) is reimbursed up to its own limit, without a
/// prenatal line; the standards are the hospital's grade's: a hospital without a grade,
/// or of a grade the region's period does not state, is refused, never guessed.
async fn complication_and_levels(
    app: &TestApp,
    depts: &allowance::Depts,
    window: &SignedIn,
    wife: &onething_domain::CitizenId,
) {
    let mut stay = delivery("DR-714", wife.as_str(), "hospital", "complication", 360_000);
    stay["babies"] = json!(0);
    let mut daye = delivery("DR-715", wife.as_str(), "dy-hospital", "vaginal", 250_000);
    daye["event_date"] = json!("2024-09-20");
    push(app, depts, "hospital", "delivery-records", vec![stay, daye]).await;
    // 重庆 grade 2: complication limit 3500.00 of a 3600.00 bill.
    let done = reimburse(app, window, wife.as_str(), "DR-714").await;
    assert_eq!(done.status, StatusCode::CREATED, "{}", done.text);
    assert_eq!(
        (&done.json["fund_pays_fen"], &done.json["person_pays_fen"]),
        (&json!(350_000), &json!(10_000))
    );
    let lines = done.json["lines"].as_array().expect("lines");
    assert_eq!(lines.len(), 1, "no prenatal line: {}", done.text);
    assert_eq!(lines[0]["kind"], "complication");
    assert!(
        lines[0]["explanation"]
            .as_str()
            .unwrap_or("")
            .contains("complication_limit_fen")
    );

    // A Daye hospital: no grade registered, then grade 1 (not stated), then grade 3.
    allowance::hospital(app, "dy-hospital", None).await;
    let scope = Scope::Hospital {
        id: "dy-hospital".into(),
        region: region(420281),
    };
    app.add_user("dy-window", Role::HospitalClerk, scope).await;
    let dy = app.sign_in("dy-window").await;
    let account =
        json!({"name": "大冶测试医院", "bank": "测试银行", "number": "42001000000000000088"});
    let set = app
        .bearer(&dy, "PUT", "/api/v1/hospital/bank-account", Some(account))
        .await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.text);
    let no_level = reimburse(app, &dy, wife.as_str(), "DR-715").await;
    assert_error(
        &no_level,
        StatusCode::UNPROCESSABLE_ENTITY,
        "HOSPITAL_LEVEL_REQUIRED",
    );
    let first = onething_domain::department::HospitalLevel::First;
    assert!(
        app.store
            .set_hospital_level("dy-hospital", first)
            .await
            .expect("level")
    );
    let unstated = reimburse(app, &dy, wife.as_str(), "DR-715").await;
    assert_error(
        &unstated,
        StatusCode::UNPROCESSABLE_ENTITY,
        "NO_RULES_FOR_LEVEL",
    );
    assert!(unstated.text.contains("一级"), "{}", unstated.text);
    let third = onething_domain::department::HospitalLevel::Third;
    assert!(
        app.store
            .set_hospital_level("dy-hospital", third)
            .await
            .expect("level")
    );
    // 大冶 grade 3: vaginal limit 2400.00 of a 2500.00 bill, + prenatal quota 700.00.
    let done = reimburse(app, &dy, wife.as_str(), "DR-715").await;
    assert_eq!(done.status, StatusCode::CREATED, "{}", done.text);
    assert_eq!(
        (&done.json["fund_pays_fen"], &done.json["person_pays_fen"]),
        (&json!(310_000), &json!(10_000))
    );
    assert!(done.text.contains("三级"), "{}", done.text);
    // Only a hospital has a grade.
    let health = onething_domain::department::HospitalLevel::Second;
    assert!(
        !app.store
            .set_hospital_level("health", health)
            .await
            .expect("level")
    );
}

/// The shipped parameters have no reimbursement section: refused, never guessed.
async fn without_parameters(store: onething_store::Store, wife: &onething_domain::CitizenId) {
    let shipped = TestApp::on(store).await;
    let window = shipped.sign_in("window").await;
    let refused = reimburse(&shipped, &window, wife.as_str(), "DR-710").await;
    assert_error(
        &refused,
        StatusCode::UNPROCESSABLE_ENTITY,
        "NO_REIMBURSEMENT_RULES",
    );
}

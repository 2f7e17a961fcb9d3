//! The hospital clerk's counter pages (Chinese, keyboard only) call the same use cases as
//! the API: a filing filed at once, a mistake shown on the form with nothing written, the
//! account saved, a reimbursement with its lines, a claim of channel hospital. Both
//! databases.

use crate::allowance;
use crate::auth_support;
use crate::support;

use allowance::{departments, employer_a, mother, push, wages};
use auth_support::{SignedIn, TestApp, region};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use onething_domain::access::{Role, Scope};
use onething_domain::rules::MaternityParams;
use onething_domain::rules::params::SHIPPED_MATERNITY_TOML;
use serde_json::json;

const FIXTURE: &str = include_str!("../../domain/tests/data/reimbursement_fixture.toml");

fn post(who: &SignedIn, uri: &str, body: &str) -> Request<Body> {
    auth_support::cookie_request(who, "POST", uri, Some(&who.csrf))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body.to_owned()))
        .expect("request")
}

/// A multipart upload as the counter's form sends it: the CSRF token first, then `file`.
fn upload(
    who: &SignedIn,
    uri: &str,
    token: &str,
    file: (&str, &str),
    bytes: &[u8],
) -> Request<Body> {
    let (name, content_type) = file;
    let boundary = "counterboundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
         Content-Type: {content_type}\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    auth_support::cookie_request(who, "POST", uri, None)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .expect("request")
}

/// The scanned 申报表 and 出院记录 uploaded on the counter page: the API's checks (type by
/// the first bytes), the CSRF token required, each upload listed on the page.
async fn scans(app: &auth_support::TestApp, window: &SignedIn, id: &str) {
    let form = format!("/hospital/claims/{id}/documents/declaration_form");
    let jpeg = [0xff, 0xd8, 0xff, 0xe0, 1, 2, 3];
    let forged = app
        .send(upload(
            window,
            &form,
            "wrong",
            ("a.jpg", "image/jpeg"),
            &jpeg,
        ))
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN, "{}", forged.text);
    let text = app
        .send(upload(
            window,
            &form,
            &window.csrf,
            ("a.jpg", "image/jpeg"),
            b"not a scan",
        ))
        .await;
    assert!(text.status.is_client_error(), "{}", text.text);
    assert!(text.text.contains("role=\"alert\""), "{}", text.text);
    assert!(!text.text.contains("已上传申报表"), "{}", text.text);
    let done = app
        .send(upload(
            window,
            &form,
            &window.csrf,
            ("申报表.jpg", "image/jpeg"),
            &jpeg,
        ))
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);
    assert!(
        done.text.contains("已上传申报表：申报表.jpg"),
        "{}",
        done.text
    );
    let form = format!("/hospital/claims/{id}/documents/discharge_record");
    let pdf = b"%PDF-1.4 test";
    let both = app
        .send(upload(
            window,
            &form,
            &window.csrf,
            ("出院记录.pdf", "application/pdf"),
            pdf,
        ))
        .await;
    assert_eq!(both.status, StatusCode::OK, "{}", both.text);
    assert!(both.text.contains("已上传申报表"), "{}", both.text);
    assert!(
        both.text.contains("已上传出院记录：出院记录.pdf"),
        "{}",
        both.text
    );
}

#[tokio::test]
async fn the_counter_files_reimburses_and_claims_from_forms() {
    for db in support::test_dbs().await {
        eprintln!("counter pages on {}", db.label);
        let text = format!("{SHIPPED_MATERNITY_TOML}\n{FIXTURE}");
        let params = MaternityParams::from_toml(&text).expect("params");
        let app = TestApp::on_with(db.store, move |s| s.with_params(text, params)).await;
        let depts = departments(&app).await;
        wages(&app, &depts).await;
        let grade_2 = onething_domain::department::HospitalLevel::Second;
        allowance::hospital(&app, "H50022800001", Some(grade_2)).await;
        let mum = mother(&app, &depts, 440, &employer_a(), true).await;
        let scope = Scope::Hospital {
            id: "H50022800001".into(),
            region: region(500228),
        };
        app.add_user("window", Role::HospitalClerk, scope).await;
        let window = app.sign_in("window").await;

        let home = app
            .send(
                auth_support::cookie_request(&window, "GET", "/hospital/filings", None)
                    .body(Body::empty())
                    .expect("request"),
            )
            .await;
        assert_eq!(home.status, StatusCode::OK);
        assert!(home.text.contains("autofocus") && home.text.contains("备案登记"));

        // Filing at once from the form.
        let (husband, wife) = (allowance::person(443), allowance::person(442));
        push(
            &app,
            &depts,
            "civil",
            "marriages",
            vec![json!({"certificate_no": "J-442",
            "husband_id": husband.as_str(), "wife_id": wife.as_str(),
            "registered_on": "2020-01-01", "status": "married"})],
        )
        .await;
        push(
            &app,
            &depts,
            "hr",
            "employment-status",
            vec![json!({"person_id": wife.as_str(),
            "status": "unemployed", "effective_from": "2020-01-01"})],
        )
        .await;
        push(
            &app,
            &depts,
            "mi",
            "insurance-enrollments",
            vec![json!({"person_id": husband.as_str(),
            "scheme": "employee", "employer_uscc": employer_a().as_str(), "status": "normal",
            "region_code": "500228", "effective_from": "2020-01-01"})],
        )
        .await;
        let body = format!(
            "husband_id={}&wife_id={}&phone=13800000000&service=delivery",
            husband.as_str(),
            wife.as_str()
        );
        let filed = app.send(post(&window, "/hospital/filings", &body)).await;
        assert_eq!(filed.status, StatusCode::OK, "{}", filed.text);
        assert!(filed.text.contains("备案结果：已备案"), "{}", filed.text);
        assert!(!filed.text.contains(wife.as_str()), "masked");

        // A mistake is shown on the form (422), nothing written.
        let bad = app
            .send(post(
                &window,
                "/hospital/reimbursements",
                "person_id=123&delivery_record_id=D440",
            ))
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.text.contains("person_id") && bad.text.contains("role=\"alert\""));

        let saved = app.send(post(&window, "/hospital/account",
            "name=%E6%B5%8B%E8%AF%95%E5%8C%BB%E9%99%A2&bank=%E6%B5%8B%E8%AF%95%E9%93%B6%E8%A1%8C&number=50001000000000000099")).await;
        assert!(saved.text.contains("已保存本院结算账户"), "{}", saved.text);
        let body = format!("person_id={}&delivery_record_id=D440", mum.as_str());
        let done = app
            .send(post(&window, "/hospital/reimbursements", &body))
            .await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.text);
        // 重庆 fixture: cesarean 12000.00 over the 4000.00 limit + prenatal 800.00.
        assert!(
            done.text
                .contains("基金支付 4800.00 元，个人负担 8000.00 元"),
            "{}",
            done.text
        );

        let body = format!(
            "person_id={}&employer_uscc={}&birth_order=1",
            mum.as_str(),
            employer_a().as_str()
        );
        let claimed = app.send(post(&window, "/hospital/claims", &body)).await;
        assert_eq!(claimed.status, StatusCode::OK, "{}", claimed.text);
        assert!(claimed.text.contains("渠道：医院窗口"), "{}", claimed.text);
        // Finish from the counter: wage basis and the employer's account, then submitted.
        let marker = "action=\"/hospital/claims/";
        let start = claimed.text.find(marker).expect("the finish form") + marker.len();
        let id: String = claimed.text[start..]
            .chars()
            .take_while(|c| *c != '/')
            .collect();
        scans(&app, &window, &id).await;
        let body = "basis=avg_wage&name=%E6%B5%8B%E8%AF%95%E5%8D%95%E4%BD%8D%E7%94%B2&bank=%E6%B5%8B%E8%AF%95%E9%93%B6%E8%A1%8C&number=50001000000000000001";
        let finished = app
            .send(post(
                &window,
                &format!("/hospital/claims/{id}/finish"),
                body,
            ))
            .await;
        assert_eq!(finished.status, StatusCode::OK, "{}", finished.text);
        assert!(
            finished.text.contains("当前状态：审核中"),
            "{}",
            finished.text
        );

        // 卫健局 on its page: a denial without a reason is refused on the page, then confirmed.
        let health_scope = Scope::Department {
            id: "health".into(),
            kind: onething_domain::department::DepartmentKind::Health,
        };
        app.add_user("health_officer", Role::DeptOfficer, health_scope)
            .await;
        let health = app.sign_in("health_officer").await;
        let uri = format!("/dept/family-planning/{id}");
        let refused = app.send(post(&health, &uri, "decision=deny&note=")).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.text.contains("note"), "{}", refused.text);
        let confirmed = app
            .send(post(&health, &uri, "decision=confirm&note="))
            .await;
        assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.text);
        assert!(confirmed.text.contains("已确认"), "{}", confirmed.text);
    }
}

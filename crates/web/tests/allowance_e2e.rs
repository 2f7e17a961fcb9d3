//! Maternity allowance end to end, through HTTP only: departments push a synthetic
//! employer's data through the signed exchange endpoint; the employer sees the proactive
//! offer, opens the claim, confirms the wage and submits; smart review approves it with the
//! contract's amount; the insured person sees her claim with its steps; a second employer's
//! attempt is refused with the first claim's number and shows in supervision; the photo
//! path goes through a clerk's review; a clerk files at the window with the employer's
//! authorisation and prints the 申请表 (its Chinese text read back); a settlement pays the
//! three claims in one payment per employer account; the bank's results mark one paid and
//! one failed; the failed one is paid in the next batch after its account is corrected;
//! the insured person sees every step. On SQLite, and on PostgreSQL when configured.

use crate::allowance;
use crate::auth_support;
use crate::support;

use allowance::{also_paid_by, departments, employer_a, employer_b, mother, multipart, wages};
use auth_support::{SignedIn, TestApp, assert_error, region};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use onething_domain::access::{Role, Scope};
use serde_json::{Value, json};

async fn accounts(app: &TestApp, mum: &onething_domain::CitizenId) {
    app.add_user("hr_a", Role::Employer, Scope::Employer(employer_a()))
        .await;
    app.add_user("hr_b", Role::Employer, Scope::Employer(employer_b()))
        .await;
    app.add_user("mum", Role::Person, Scope::Person(mum.clone()))
        .await;
    app.add_user("clerk", Role::AgencyClerk, Scope::Region(region(500000)))
        .await;
    app.add_user("sup", Role::Supervisor, Scope::Region(region(500000)))
        .await;
}

fn steps(claim: &Value) -> Vec<&str> {
    claim["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .map(|s| s["step"].as_str().expect("test value"))
        .collect()
}

async fn upload(app: &TestApp, who: &SignedIn, id: &str) -> auth_support::Reply {
    let (content_type, body) = multipart("image/jpeg", &[0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
    let request = Request::post(format!(
        "/api/v1/maternity-allowance/claims/{id}/attachments"
    ))
    .header("authorization", format!("Bearer {}", who.token))
    .header("content-type", content_type)
    .body(Body::from(body))
    .expect("request");
    app.send(request).await
}

#[tokio::test]
async fn employer_online_window_and_photo_paths_then_settlement_and_payment() {
    for db in support::test_dbs().await {
        eprintln!("end to end on {}", db.label);
        let app = TestApp::on(db.store).await;
        let (ids, mum) = claims_story(&app).await;
        payment_story(&app, &ids, &mum).await;
    }
}

/// Three approved claims: online (employer A), photo upload (employer A), window (employer
/// B). Returns their ids and the first mother.
async fn claims_story(app: &TestApp) -> ([String; 3], onething_domain::CitizenId) {
    let depts = departments(app).await;
    wages(app, &depts).await;
    let mum = mother(app, &depts, 402, &employer_a(), true).await;
    also_paid_by(app, &depts, &mum, &employer_b()).await;
    accounts(app, &mum).await;
    let hr_a = app.sign_in("hr_a").await;

    // The proactive offer.
    let offers = app
        .bearer(&hr_a, "GET", "/api/v1/maternity-allowance/offers", None)
        .await;
    assert_eq!(offers.status, StatusCode::OK, "{}", offers.text);
    let offer = &offers.json[0];
    assert_eq!(offer["certificate_no"], "Q500000402");
    assert_eq!(offer["event_date"], "2024-08-20");
    assert!(
        !offers.text.contains(mum.as_str()),
        "masked: {}",
        offers.text
    );

    // Open, confirm, submit: smart review approves at once.
    let created = app
        .bearer(
            &hr_a,
            "POST",
            "/api/v1/maternity-allowance/claims",
            Some(json!({"person_ref": offer["person_ref"]})),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let id = created.json["id"].as_str().expect("id").to_owned();
    assert_eq!(created.json["status"], "draft");
    assert_eq!(created.json["missing"], json!([]));
    let wage = created.json["facts"]
        .as_array()
        .expect("test value")
        .iter()
        .find(|f| f["name"] == "avg_monthly_wage_fen")
        .cloned()
        .expect("test value");
    assert_eq!(wage["value"], 900000);
    assert_eq!(wage["source"], "employer-wages");
    let confirmed = app
        .bearer(
            &hr_a,
            "POST",
            &format!("/api/v1/maternity-allowance/claims/{id}/confirm-wage"),
            Some(json!({"basis": "avg_wage"})),
        )
        .await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.text);
    let put = app.bearer(&hr_a, "PUT", "/api/v1/employer/bank-account",
        Some(json!({"name": "测试单位甲", "bank": "测试银行梁平支行", "number": "50001000000000000001"}))).await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.text);
    let submitted = app
        .bearer(
            &hr_a,
            "POST",
            &format!("/api/v1/maternity-allowance/claims/{id}/submit"),
            Some(json!({})),
        )
        .await;
    assert_eq!(submitted.status, StatusCode::OK, "{}", submitted.text);
    let claim = &submitted.json;
    assert_eq!(claim["status"], "approved", "{claim}");
    assert_eq!(claim["amount_fen"], 6_240_000);
    assert_eq!(claim["decision"]["leave_days"], 208);
    assert_eq!(claim["decision"]["payee"], "employer");
    assert_eq!(claim["approved_on"], "2024-09-27");
    // 10 working days after Friday 27 September 2024: Sun 29 Sep (make-up day), 30 Sep,
    // then after the National Day holiday 8–11 Oct, Sat 12 Oct (make-up day), 14–16 Oct.
    assert_eq!(claim["payment_due"], "2024-10-16");
    assert_eq!(claim["params_used"]["region_code"], "500000");
    assert_eq!(
        claim["bank_account"]["number_masked"],
        "****************0001"
    );
    assert_eq!(
        steps(claim),
        ["created", "wage_confirmed", "submitted", "approved"]
    );

    // The insured person sees it, with its steps, amount and explanation, and her messages.
    let mum_in = app.sign_in("mum").await;
    let mine = app
        .bearer(&mum_in, "GET", "/api/v1/maternity-allowance/claims", None)
        .await;
    assert_eq!(mine.status, StatusCode::OK);
    assert_eq!(mine.json["claims"][0]["id"], id.as_str());
    assert_eq!(mine.json["claims"][0]["amount_fen"], 6_240_000);
    assert!(
        !mine.json["claims"][0]["decision"]["explanation"]
            .as_array()
            .expect("test value")
            .is_empty()
    );
    assert!(!mine.text.contains(mum.as_str()));
    let notes = app
        .bearer(&mum_in, "GET", "/api/v1/notifications", None)
        .await;
    assert!(
        notes
            .json
            .as_array()
            .expect("test value")
            .iter()
            .any(|n| n["body"].as_str().expect("test value").contains("审核通过")),
        "{}",
        notes.text
    );

    // A second employer's attempt: refused with the first claim's number, recorded.
    let hr_b = app.sign_in("hr_b").await;
    let again = app
        .bearer(
            &hr_b,
            "POST",
            "/api/v1/maternity-allowance/claims",
            Some(json!({"person_id": mum.as_str()})),
        )
        .await;
    assert_error(&again, StatusCode::CONFLICT, "CLAIM_EXISTS");
    assert_eq!(again.json["error"]["existing_claim_id"], id.as_str());
    let sup = app.sign_in("sup").await;
    let attempts = app
        .bearer(
            &sup,
            "GET",
            "/api/v1/maternity-allowance/duplicate-attempts",
            None,
        )
        .await;
    assert_eq!(
        attempts.json[0]["existing_claim"],
        id.as_str(),
        "{}",
        attempts.text
    );
    assert!(!attempts.text.contains(mum.as_str()));
    // The other employer cannot read the claim.
    let other = app
        .bearer(
            &hr_b,
            "GET",
            &format!("/api/v1/maternity-allowance/claims/{id}"),
            None,
        )
        .await;
    assert_error(&other, StatusCode::NOT_FOUND, "NOT_FOUND");

    // The photo path: no certificate pushed → upload → review queue → clerk approves.
    let mum2 = mother(app, &depts, 404, &employer_a(), false).await;
    let opened = app
        .bearer(
            &hr_a,
            "POST",
            "/api/v1/maternity-allowance/claims",
            Some(json!({"person_id": mum2.as_str()})),
        )
        .await;
    assert_eq!(opened.status, StatusCode::CREATED, "{}", opened.text);
    let id2 = opened.json["id"].as_str().expect("test value").to_owned();
    assert_eq!(opened.json["missing"][0]["name"], "birth_certificate");
    let uploaded = upload(app, &hr_a, &id2).await;
    assert_eq!(uploaded.status, StatusCode::CREATED, "{}", uploaded.text);
    assert_eq!(uploaded.json["size"], 7);
    app.bearer(
        &hr_a,
        "POST",
        &format!("/api/v1/maternity-allowance/claims/{id2}/confirm-wage"),
        Some(json!({"basis": "avg_wage"})),
    )
    .await;
    let queued = app
        .bearer(
            &hr_a,
            "POST",
            &format!("/api/v1/maternity-allowance/claims/{id2}/submit"),
            None,
        )
        .await;
    assert_eq!(queued.json["status"], "in_review", "{}", queued.text);
    let clerk = app.sign_in("clerk").await;
    let queue = app
        .bearer(
            &clerk,
            "GET",
            "/api/v1/maternity-allowance/claims?status=in_review",
            None,
        )
        .await;
    assert_eq!(
        queue.json["claims"][0]["id"],
        id2.as_str(),
        "{}",
        queue.text
    );
    assert_eq!(
        queue.json["claims"][0]["attachments"][0]["content_type"],
        "image/jpeg"
    );
    let approved = app.bearer(&clerk, "POST", &format!("/api/v1/maternity-allowance/claims/{id2}/review"),
        Some(json!({"decision": "approve", "certificate_no": "Q500000404", "note": "照片清晰，与分娩记录一致"}))).await;
    assert_eq!(approved.status, StatusCode::OK, "{}", approved.text);
    assert_eq!(approved.json["status"], "approved");
    assert_eq!(approved.json["amount_fen"], 6_240_000);
    assert_eq!(
        steps(&approved.json),
        [
            "created",
            "photo_uploaded",
            "wage_confirmed",
            "submitted",
            "queued_for_review",
            "approved"
        ]
    );

    // The window: the clerk looks the person up and files with the employer's authorisation.
    let mum3 = mother(app, &depts, 406, &employer_b(), true).await;
    let found = app
        .bearer(
            &clerk,
            "GET",
            &format!(
                "/api/v1/maternity-allowance/lookup?person_id={}",
                mum3.as_str()
            ),
            None,
        )
        .await;
    assert_eq!(found.status, StatusCode::OK, "{}", found.text);
    assert_eq!(found.json["missing"], json!([]));
    assert!(!found.text.contains(mum3.as_str()));
    let window = app.bearer(&clerk, "POST", "/api/v1/maternity-allowance/claims", Some(json!({
        "person_id": mum3.as_str(), "employer_uscc": employer_b().as_str(),
        "authorisation": {"number": "SQ2024-0917", "signer": "测试丙", "signed_on": "2024-09-26"}}))).await;
    assert_eq!(window.status, StatusCode::CREATED, "{}", window.text);
    assert_eq!(window.json["channel"], "window");
    assert_eq!(window.json["authorisation"]["number"], "SQ2024-0917");
    let id3 = window.json["id"].as_str().expect("test value").to_owned();
    app.bearer(
        &clerk,
        "POST",
        &format!("/api/v1/maternity-allowance/claims/{id3}/confirm-wage"),
        Some(json!({"basis": "avg_base"})),
    )
    .await;
    let done = app.bearer(&clerk, "POST", &format!("/api/v1/maternity-allowance/claims/{id3}/submit"),
        Some(json!({"bank_account": {"name": "测试单位乙", "bank": "测试银行", "number": "50001000000000000002"}}))).await;
    assert_eq!(done.json["status"], "approved", "{}", done.text);
    // 6500 元 × 208 ÷ 30 = 45066.666… → 4506667 fen.
    assert_eq!(done.json["amount_fen"], 4_506_667);
    let hr_b_view = app
        .bearer(
            &hr_b,
            "GET",
            &format!("/api/v1/maternity-allowance/claims/{id3}?include=decision"),
            None,
        )
        .await;
    assert_eq!(
        hr_b_view.json["status"], "approved",
        "the employer sees the window claim"
    );
    let pdf = app
        .send(
            Request::get(format!(
                "/api/v1/maternity-allowance/claims/{id3}/application-form.pdf"
            ))
            .header("authorization", format!("Bearer {}", clerk.token))
            .body(Body::empty())
            .expect("request"),
        )
        .await;
    assert_eq!(pdf.status, StatusCode::OK, "{}", pdf.text);
    assert_eq!(pdf.headers["content-type"], "application/pdf");
    let text = pdf_text(&pdf.bytes);
    for expected in [
        "生育津贴申请表",
        "测试单位乙",
        "剖宫产",
        "¥45,066.67",
        "单位盖章",
    ] {
        assert!(text.contains(expected), "{expected} in {text}");
    }
    assert!(
        !text.contains(mum3.as_str()),
        "the id is masked on the form"
    );
    // Citizens read the regulation and values in words, never parameter keys or codes.
    for key in [
        "min_contribution_months",
        "cesarean_is_dystocia",
        "regional_extra_days",
        "base_days",
        "= true",
    ] {
        assert!(!text.contains(key), "{key} on the printed form: {text}");
    }
    // The explanation people read (the frozen `params_used` is the integrators' record).
    let explanation = hr_b_view.json["decision"]["explanation"].to_string();
    for key in [
        "min_contribution_months",
        "cesarean_is_dystocia",
        "regional_extra_days",
    ] {
        assert!(!explanation.contains(key), "{key} in {explanation}");
    }
    let refused = app
        .bearer(
            &hr_a,
            "GET",
            &format!("/api/v1/maternity-allowance/claims/{id3}/application-form.pdf"),
            None,
        )
        .await;
    assert_error(&refused, StatusCode::NOT_FOUND, "NOT_FOUND");
    ([id, id2, id3], mum)
}

/// Settlement, payment file, bank results, correction and re-batching, and what the insured
/// person then sees.
async fn payment_story(app: &TestApp, ids: &[String; 3], mum: &onething_domain::CitizenId) {
    let clerk = app.sign_in("clerk").await;
    let run = app.settle(&clerk).await;
    assert_eq!(run.status, StatusCode::OK, "{}", run.text);
    assert_eq!(run.json["claims"], 3, "{}", run.text);
    assert_eq!(run.json["total_fen"], 6_240_000 * 2 + 4_506_667);
    let settlement = run.json["id"].as_str().expect("settlement id").to_owned();
    let again = app.settle(&clerk).await;
    assert_eq!(
        again.json["claims"], 0,
        "nothing settles twice: {}",
        again.text
    );

    let file = app
        .bearer(
            &clerk,
            "GET",
            &format!("/api/v1/settlements/{settlement}/payment-file?format=csv"),
            None,
        )
        .await;
    assert_eq!(file.status, StatusCode::OK, "{}", file.text);
    let rows = payment_rows(&file.text);
    let row_a = &rows["50001000000000000001"];
    let row_b = &rows["50001000000000000002"];
    assert_eq!(row_a.amount_fen, 12_480_000, "both of employer A's claims");
    let mut carried: Vec<&str> = row_a.claims.split(';').collect();
    carried.sort_unstable();
    let mut expected = [ids[0].as_str(), ids[1].as_str()];
    expected.sort_unstable();
    assert_eq!(
        carried, expected,
        "both of employer A's claims in one payment"
    );
    assert_eq!(row_b.amount_fen, 4_506_667);

    let results = format!(
        "payment_id,result,reason\n{},paid,\n{},failed,账户已销户\n",
        row_a.payment_id, row_b.payment_id
    );
    let imported = post_csv(app, &clerk, &settlement, results).await;
    assert_eq!(imported.status, StatusCode::OK, "{}", imported.text);
    assert_eq!(
        (
            imported.json["paid"].clone(),
            imported.json["failed"].clone()
        ),
        (json!(1), json!(1))
    );
    let failed = claim(app, &clerk, &ids[2]).await;
    assert_eq!(failed["status"], "payment_failed", "{failed}");

    // Not re-batched until the account is corrected; then paid in the next batch.
    let early = app.settle(&clerk).await;
    assert_eq!(early.json["claims"], 0, "{}", early.text);
    let hr_b = app.sign_in("hr_b").await;
    let corrected = app
        .bearer(
            &hr_b,
            "PUT",
            &format!("/api/v1/maternity-allowance/claims/{}/bank-account", ids[2]),
            Some(
                json!({"name": "测试单位乙", "bank": "测试银行", "number": "50001000000000000003"}),
            ),
        )
        .await;
    assert_eq!(corrected.status, StatusCode::OK, "{}", corrected.text);
    let second = app.settle(&clerk).await;
    assert_eq!(second.json["claims"], 1, "{}", second.text);
    let second_id = second.json["id"].as_str().expect("id").to_owned();
    let file = app
        .bearer(
            &clerk,
            "GET",
            &format!("/api/v1/settlements/{second_id}/payment-file?format=csv"),
            None,
        )
        .await;
    let rows = payment_rows(&file.text);
    let row = &rows["50001000000000000003"];
    assert_eq!(row.amount_fen, 4_506_667);
    let paid = post_csv(
        app,
        &clerk,
        &second_id,
        format!("payment_id,result,reason\n{},paid,\n", row.payment_id),
    )
    .await;
    assert_eq!(paid.json["paid"], 1, "{}", paid.text);

    // The insured person sees every step of her claim.
    let mum_in = app.sign_in("mum").await;
    let mine = claim(app, &mum_in, &ids[0]).await;
    assert_eq!(mine["status"], "paid");
    assert_eq!(
        steps(&mine),
        [
            "created",
            "wage_confirmed",
            "submitted",
            "approved",
            "settled",
            "paid"
        ]
    );
    assert!(!mine.to_string().contains(mum.as_str()));
    assert_eq!(claim(app, &clerk, &ids[2]).await["status"], "paid");
}

struct PaymentRow {
    payment_id: String,
    amount_fen: i64,
    claims: String,
}

/// The payment file's rows by account, after checking the contract's header.
fn payment_rows(csv: &str) -> std::collections::HashMap<String, PaymentRow> {
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("payment_id,payee_name,bank,account,amount_fen,claims")
    );
    lines
        .map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            assert_eq!(cells.len(), 6, "{line}");
            let row = PaymentRow {
                payment_id: cells[0].to_owned(),
                amount_fen: cells[4].parse().expect("amount"),
                claims: cells[5].to_owned(),
            };
            (cells[3].to_owned(), row)
        })
        .collect()
}

async fn post_csv(
    app: &TestApp,
    who: &SignedIn,
    settlement: &str,
    body: String,
) -> auth_support::Reply {
    let request = Request::post(format!("/api/v1/settlements/{settlement}/results"))
        .header("authorization", format!("Bearer {}", who.token))
        .header("content-type", "text/csv")
        .body(Body::from(body))
        .expect("request");
    app.send(request).await
}

async fn claim(app: &TestApp, who: &SignedIn, id: &str) -> Value {
    let reply = app
        .bearer(
            who,
            "GET",
            &format!("/api/v1/maternity-allowance/claims/{id}?include=all"),
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.json
}

/// Every page's text, as a PDF reader extracts it (the font's ToUnicode map).
fn pdf_text(pdf: &[u8]) -> String {
    let document = lopdf::Document::load_mem(pdf).expect("a PDF");
    let pages: Vec<u32> = document.get_pages().keys().copied().collect();
    document
        .extract_text(&pages)
        .expect("text")
        .replace(['\n', ' '], "")
}

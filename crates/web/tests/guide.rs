//! The service guide (办事指南, RB-7) of seed 002 附件3, from the catalogue: the contract's
//! JSON, the PDF and the public page, all without signing in.

use crate::auth_support;

use auth_support::{TestApp, assert_error};
use axum::body::Body;
use axum::http::{Request, StatusCode};

async fn get(app: &TestApp, uri: &str) -> auth_support::Reply {
    app.send(Request::get(uri).body(Body::empty()).expect("request"))
        .await
}

#[tokio::test]
async fn the_hospital_window_guide_is_public_as_json_pdf_and_page() {
    let app = TestApp::new().await;
    let reply = get(&app, "/api/v1/catalog/items/maternity_reimbursement/guide").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let g = &reply.json;
    for key in [
        "name",
        "scope",
        "audience",
        "conditions",
        "deciding_body",
        "materials",
        "time_limit",
        "fee",
        "delivery",
        "hours",
        "place",
        "phone",
    ] {
        assert!(!g[key].is_null(), "{key} in {}", reply.text);
    }
    assert_eq!(g["name"], "生育保险报销一件事");
    assert_eq!(g["deciding_body"], "大冶市医疗保障服务中心");
    assert_eq!(g["time_limit"], "1个工作日（不含审核、拨付时间）");
    assert_eq!(g["fee"], "不收费");
    assert_eq!(g["conditions"].as_array().map(Vec::len), Some(4));
    assert!(g["materials"].as_array().is_some_and(|m| {
        m.len() == 7
            && m.iter()
                .all(|x| !x["source"].as_str().unwrap_or("").is_empty())
    }));
    assert!(g["phone"].as_str().unwrap_or("").contains("0714-8769847"));

    // An item without a guide, and an unknown code.
    assert_error(
        &get(&app, "/api/v1/catalog/items/PS-05/guide").await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    );
    assert_error(
        &get(&app, "/api/v1/catalog/items/NOPE/guide").await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    );

    let pdf = get(
        &app,
        "/api/v1/catalog/items/maternity_reimbursement/guide.pdf",
    )
    .await;
    if pdf.status == StatusCode::OK {
        let document = lopdf::Document::load_mem(&pdf.bytes).expect("a PDF");
        let pages: Vec<u32> = document.get_pages().keys().copied().collect();
        let text = document
            .extract_text(&pages)
            .expect("text")
            .replace(['\n', ' '], "");
        for expected in [
            "生育保险报销一件事服务指南",
            "大冶市医疗保障服务中心",
            "出院小结",
            "0714-8725809",
        ] {
            assert!(text.contains(expected), "{expected}: {text}");
        }
    } else {
        assert_error(&pdf, StatusCode::SERVICE_UNAVAILABLE, "FONT_MISSING");
    }

    let page = get(&app, "/guide/maternity_reimbursement").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    for expected in [
        "服务指南",
        "大冶市医疗保障服务中心",
        "周一至周五",
        "申请人提交",
        "guide.pdf",
    ] {
        assert!(page.text.contains(expected), "{expected}");
    }
    let missing = get(&app, "/guide/NOPE").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

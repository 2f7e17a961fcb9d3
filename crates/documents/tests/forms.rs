//! Renders both forms with synthetic data and reads them back: the Chinese text must
//! extract (embedded subset font with ToUnicode), the file must be a small valid PDF,
//! and a long explanation must flow onto a second page.

mod support;

use onething_documents::{DocumentError, Fonts, application_form_pdf, authorization_form_pdf};
use onething_domain::{CitizenId, Uscc};
use support::{flat_text, fonts_or_skip, page_texts, sample};

/// A one-page form with a subset font stays well below this.
const MAX_FORM_BYTES: usize = 200 * 1024;

#[test]
fn sample_ids_have_valid_checksums() {
    CitizenId::parse(sample::CITIZEN_ID).expect("valid citizen id");
    CitizenId::parse(sample::AGENT_ID).expect("valid agent id");
    Uscc::parse(sample::USCC).expect("valid USCC");
}

#[test]
fn application_form_shows_the_labels_and_values_in_chinese() {
    let Some(fonts) = fonts_or_skip("application_form_shows_the_labels_and_values_in_chinese")
    else {
        return;
    };
    let pdf = application_form_pdf(&sample::application(), &fonts).expect("renders");
    let text = flat_text(&pdf);
    for expected in [
        "生育津贴申请表",
        "业务编号：MA-2026-000123",
        "单位名称",
        "测试甲科技有限公司",
        sample::USCC,
        "开户银行",
        "测试银行梁平支行",
        "测试乙",
        "500155********0021",
        "剖宫产",
        "2026年9月14日",
        "39周",
        sample::CERTIFICATE,
        "测试区人民医院",
        "¥5,530.86",
        "68天",
        "¥12,345.67",
        "壹万贰仟叁佰肆拾伍元陆角柒分",
        "参保单位",
        "核定说明",
        "卫生健康委推送",
        "税务局推送",
        "单位盖章",
        "经办人签字",
        "日期",
        "第1页/共1页",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in {text}");
    }
    assert!(
        !text.contains(sample::CITIZEN_ID),
        "only the masked id is shown"
    );
}

#[test]
fn authorization_form_shows_employer_agent_items_and_validity() {
    let Some(fonts) = fonts_or_skip("authorization_form_shows_employer_agent_items_and_validity")
    else {
        return;
    };
    let pdf = authorization_form_pdf(&sample::authorization(), &fonts).expect("renders");
    let text = flat_text(&pdf);
    for expected in [
        "生育津贴办理授权确认表",
        "测试甲科技有限公司",
        sample::USCC,
        "测试丙",
        "500155********1011",
        "138****0000",
        "1.到医保经办机构申领本单位职工生育津贴",
        "3.查询本单位生育津贴办理进度",
        "自2026年1月1日起至2026年12月31日止",
        "单位盖章",
        "法定代表人（负责人）签字",
        "经办人签字",
        "编号：AUTH-2026-0042",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in {text}");
    }
    assert_eq!(page_texts(&pdf).len(), 1);
}

#[test]
fn forms_are_small_pdfs_with_an_embedded_font_subset() {
    let Some(fonts) = fonts_or_skip("forms_are_small_pdfs_with_an_embedded_font_subset") else {
        return;
    };
    let forms = [
        application_form_pdf(&sample::application(), &fonts).expect("renders"),
        authorization_form_pdf(&sample::authorization(), &fonts).expect("renders"),
    ];
    for pdf in forms {
        assert!(pdf.starts_with(b"%PDF-"), "PDF header");
        assert!(
            pdf.len() < MAX_FORM_BYTES,
            "{} bytes is too large",
            pdf.len()
        );
        let document = lopdf::Document::load_mem(&pdf).expect("parses");
        let fonts: Vec<_> = document
            .objects
            .values()
            .filter_map(|object| object.as_dict().ok())
            .filter(|dict| dict.has_type(b"Font"))
            .collect();
        // A subset's name carries a six-letter tag: ABCDEF+NotoSansCJKsc-Regular.
        let subset = fonts.iter().find_map(|font| {
            let name = font.get(b"BaseFont").ok()?.as_name().ok()?;
            let name = String::from_utf8_lossy(name).into_owned();
            (name.len() > 7 && name.as_bytes()[6] == b'+').then_some(name)
        });
        assert!(subset.is_some(), "no subset font among {fonts:?}");
        assert!(
            fonts.iter().any(|font| font.has(b"ToUnicode")),
            "text must be extractable"
        );
        let embedded = document.objects.values().any(|object| {
            object.as_dict().is_ok_and(|dict| {
                dict.has_type(b"FontDescriptor")
                    && (dict.has(b"FontFile2") || dict.has(b"FontFile3"))
            })
        });
        assert!(embedded, "the font program is embedded");
    }
}

#[test]
fn a_long_explanation_continues_on_further_pages() {
    let Some(fonts) = fonts_or_skip("a_long_explanation_continues_on_further_pages") else {
        return;
    };
    let mut form = sample::application();
    form.explanation = sample::long_explanation(60);
    let pdf = application_form_pdf(&form, &fonts).expect("renders");
    let pages = page_texts(&pdf);
    assert!(pages.len() > 1, "{} page(s)", pages.len());
    let count = pages.len();
    for (index, page) in pages.iter().enumerate() {
        let flat: String = page.chars().filter(|c| !c.is_whitespace()).collect();
        assert!(
            flat.contains("业务编号：MA-2026-000123"),
            "footer on page {index}"
        );
        assert!(flat.contains(&format!("第{}页/共{count}页", index + 1)));
    }
    let second: String = pages[1].chars().filter(|c| !c.is_whitespace()).collect();
    assert!(
        second.starts_with("四、核定说明（续）"),
        "a continued table repeats its heading: {second}"
    );
    let all = flat_text(&pdf);
    assert!(all.contains("第60条说明"), "the last line is printed");
    assert!(
        pages[count - 1].contains("单位盖章"),
        "signatures end the form"
    );
}

#[test]
fn a_machine_without_fonts_gets_a_clear_error_naming_the_package() {
    let missing = Fonts::discover_in(&[("/nonexistent/NotoSansCJK-Regular.ttc", None)])
        .expect_err("no font there");
    assert!(matches!(missing, DocumentError::FontMissing { .. }));
    assert_eq!(missing.code(), "FONT_MISSING");
    let message = missing.message_zh();
    assert!(message.contains("fonts-noto-cjk"), "{message}");
    assert!(
        message.contains("/nonexistent/NotoSansCJK-Regular.ttc"),
        "{message}"
    );

    let configured = Fonts::from_path("/nonexistent/font.ttc").expect_err("missing file");
    assert!(matches!(configured, DocumentError::FontMissing { .. }));
    // A configured path is never silently replaced by a discovered font.
    let loaded = Fonts::load(Some(std::path::Path::new("/nonexistent/font.ttc")))
        .expect_err("configured path missing");
    assert!(matches!(loaded, DocumentError::FontMissing { .. }));
}

#[test]
fn a_file_that_is_not_a_chinese_font_is_refused() {
    let dir = std::env::temp_dir().join(format!("onething-docs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("not-a-font.ttf");
    std::fs::write(&path, b"this is not a font").expect("write");
    let error = Fonts::from_path(&path).expect_err("not a font");
    assert!(
        matches!(error, DocumentError::FontUnusable { .. }),
        "{error:?}"
    );
    assert_eq!(error.code(), "FONT_UNUSABLE");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_character_missing_from_the_font_is_an_error_not_an_empty_box() {
    let Some(fonts) = fonts_or_skip("a_character_missing_from_the_font_is_an_error") else {
        return;
    };
    let mut form = sample::application();
    // A private-use code point: no font maps it.
    form.person_name = "测试\u{E000}".to_owned();
    let error = application_form_pdf(&form, &fonts).expect_err("unmappable name");
    assert_eq!(error, DocumentError::MissingGlyph { ch: '\u{E000}' });
}

#[test]
fn fonts_are_shared_between_threads() {
    fn shareable<T: Send + Sync + Clone>() {}
    shareable::<Fonts>();
}

#[test]
fn a_newborn_notice_shows_its_number_code_and_every_line() {
    let Some(fonts) = fonts_or_skip("a_newborn_notice_shows_its_number_code_and_every_line") else {
        return;
    };
    let form = onething_documents::NoticeForm {
        title: "一次性告知书".into(),
        number: "XSBZ20250120A1B2C3D4".into(),
        verification_code: "K7M2Q9XA".into(),
        issued_on: chrono::NaiveDate::from_ymd_opt(2025, 1, 20).expect("date"),
        application_id: "NB0123456789AB".into(),
        applicant_masked: "450202********0024".into(),
        decision: "您的申请符合受理条件，但材料不齐全，请一次性补正以下材料。".into(),
        lines: vec![
            "父亲的居民户口簿首页、户主页、本人页".into(),
            "父母双方结婚证首页、主页".into(),
        ],
        closing: "补正材料经窗口审核后予以受理。".into(),
        verify_hint: "可在平台“文书核验”页面输入编号和核验码核验。".into(),
    };
    let pdf = onething_documents::notice_pdf(&form, &fonts).expect("renders");
    let text = flat_text(&pdf);
    for expected in [
        "一次性告知书",
        "XSBZ20250120A1B2C3D4",
        "K7M2Q9XA",
        "450202********0024",
        "父亲的居民户口簿首页",
        "结婚证首页",
        "电子印章",
    ] {
        assert!(text.contains(expected), "{expected} missing from {text}");
    }
    assert!(pdf.len() < MAX_FORM_BYTES, "{} bytes", pdf.len());
}

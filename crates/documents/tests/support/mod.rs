//! Test helpers: sample data, the installed font, and text extraction from the PDF.
#![allow(dead_code)]

pub mod sample;

use onething_documents::Fonts;

/// The installed CJK font. Without one, the test is skipped with a note, except on
/// CI (`CI=true`), where the setup must have installed `fonts-noto-cjk`.
pub fn fonts_or_skip(test: &str) -> Option<Fonts> {
    match Fonts::discover() {
        Ok(fonts) => Some(fonts),
        Err(error) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("{test}: {} (CI must install it)", error.message_zh())
        }
        Err(error) => {
            eprintln!("SKIPPED {test}: {}", error.message_zh());
            None
        }
    }
}

/// The text of every page, through each font's ToUnicode map (as a reader copying
/// text out of the PDF would see it).
pub fn page_texts(pdf: &[u8]) -> Vec<String> {
    let document = lopdf::Document::load_mem(pdf).expect("the output parses as a PDF");
    let pages: Vec<u32> = document.get_pages().keys().copied().collect();
    pages
        .iter()
        .map(|page| document.extract_text(&[*page]).expect("text extracts"))
        .collect()
}

/// Everything on all pages with whitespace removed, so assertions do not depend on
/// how the text was split into runs.
pub fn flat_text(pdf: &[u8]) -> String {
    page_texts(pdf)
        .concat()
        .chars()
        .filter(|ch| !ch.is_whitespace())
        .collect()
}

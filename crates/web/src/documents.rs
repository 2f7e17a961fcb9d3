//! The fonts the printed forms (申请表, 授权确认表) embed, loaded once on first use: a
//! configured font file (`[documents] font`) or the first CJK font of the Debian packages
//! found on the machine. A server without one still serves everything else; the forms then
//! answer 503 `FONT_MISSING` naming the package to install, and `serve` warns at start.

use std::path::PathBuf;
use std::sync::OnceLock;

use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use onething_documents::{DocumentError, Fonts};

use crate::ApiError;

/// Where the fonts come from, and the fonts once loaded.
#[derive(Debug, Default)]
pub struct DocumentFonts {
    configured: Option<PathBuf>,
    loaded: OnceLock<Result<Fonts, DocumentError>>,
}

impl DocumentFonts {
    /// Fonts from `configured`, or discovered among the Debian packages' paths when `None`.
    pub fn new(configured: Option<PathBuf>) -> DocumentFonts {
        DocumentFonts {
            configured,
            loaded: OnceLock::new(),
        }
    }

    /// The fonts, loading them on the first call.
    pub fn get(&self) -> Result<&Fonts, &DocumentError> {
        self.loaded
            .get_or_init(|| Fonts::load(self.configured.as_deref()))
            .as_ref()
    }
}

impl From<&DocumentError> for ApiError {
    fn from(e: &DocumentError) -> Self {
        tracing::error!(error = %e, "document could not be produced");
        let status = match e {
            DocumentError::MissingGlyph { .. } | DocumentError::Pdf(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
            _ => StatusCode::SERVICE_UNAVAILABLE,
        };
        ApiError::new(status, e.code(), e.message_zh())
    }
}

/// A PDF shown inline under `filename`, never cached (the forms carry personal data); the
/// API and the pages answer a document the same way.
pub(crate) fn pdf_response(filename: &str, pdf: Vec<u8>) -> Response {
    let mut response = pdf.into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/pdf"));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    // A file name is ours (an id or a notice number), so it is always a valid header value.
    if let Ok(v) = HeaderValue::from_str(&format!("inline; filename=\"{filename}\"")) {
        headers.insert(CONTENT_DISPOSITION, v);
    }
    response
}

//! The fonts the printed forms (申请表, 授权确认表) embed, loaded once on first use: a
//! configured font file (`[documents] font`) or the first CJK font of the Debian packages
//! found on the machine. A server without one still serves everything else; the forms then
//! answer 503 `FONT_MISSING` naming the package to install, and `serve` warns at start.

use std::path::PathBuf;
use std::sync::OnceLock;

use axum::http::StatusCode;
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

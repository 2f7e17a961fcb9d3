//! Printable documents of the onething platform, as PDF: the maternity-allowance
//! application form (生育津贴申请表, seed 000 附件3) that the agency prints for the
//! employer to check and sign, and the employer's authorisation form (授权确认表,
//! 附件2) that its clerk brings to the agency (domain.md MA-3).
//!
//! The hospital window's spouse filing form (备案登记表, seed 002 附件1) is
//! [`filing_form_pdf`].
//!
//! The newborn bundle's notices (受理通知书, 一次性告知书, 不予受理通知书, seed 003) are
//! here too ([`notice_pdf`]).
//!
//! The periodic supervision reports (周通报、月考评、季分析、年考核) are
//! [`period_report_pdf`].
//!
//! The API is pure apart from reading the font once: plain data in, PDF bytes out. No
//! database, no HTTP; the caller decides what to show (for instance a masked citizen
//! id) and where the bytes go. Fonts are loaded once ([`Fonts`]) and shared.

mod application;
mod authorization;
mod filing;
mod fonts;
mod format;
mod guide;
mod layout;
mod notice;
mod report;

pub use application::{
    APPLICATION_TITLE, ApplicationForm, BankAccount, Fact, application_form_pdf,
};
pub use authorization::{AUTHORIZATION_TITLE, AuthorizationForm, authorization_form_pdf};
pub use filing::{FILING_TITLE, FilingForm, filing_form_pdf};
pub use fonts::{DEBIAN_FONT_PATHS, Fonts};
pub use format::{amount_in_words, format_date, format_yuan};
pub use guide::guide_pdf;
pub use notice::{NoticeForm, notice_pdf};
pub use report::period_report_pdf;

use std::path::PathBuf;

/// Why a document could not be produced. All of these are server-side problems
/// (missing font, unusable configuration), never the client's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocumentError {
    #[error("no CJK font found (searched {searched:?}); install fonts-noto-cjk")]
    FontMissing { searched: Vec<PathBuf> },
    #[error("font {path:?} could not be read: {reason}")]
    FontUnreadable { path: PathBuf, reason: String },
    #[error("{path:?} is not a font with Chinese characters")]
    FontUnusable { path: PathBuf },
    #[error("the font has no glyph for {ch:?}")]
    MissingGlyph { ch: char },
    #[error("PDF could not be written: {0}")]
    Pdf(String),
}

impl DocumentError {
    /// Stable SCREAMING_SNAKE code for API responses and logs.
    pub fn code(&self) -> &'static str {
        match self {
            Self::FontMissing { .. } => "FONT_MISSING",
            Self::FontUnreadable { .. } => "FONT_UNREADABLE",
            Self::FontUnusable { .. } => "FONT_UNUSABLE",
            Self::MissingGlyph { .. } => "FONT_MISSING_GLYPH",
            Self::Pdf(_) => "PDF_WRITE_FAILED",
        }
    }

    /// The message shown to staff (and in the server log).
    pub fn message_zh(&self) -> String {
        match self {
            Self::FontMissing { searched } => format!(
                "未找到中文字体（已查找：{}）。请安装 Debian 软件包 fonts-noto-cjk（或 fonts-wqy-microhei），或在配置中指定字体文件路径",
                join_paths(searched)
            ),
            Self::FontUnreadable { path, reason } => {
                format!("无法读取字体文件 {}：{reason}", path.display())
            }
            Self::FontUnusable { path } => format!(
                "字体文件 {} 不是包含中文字符的字体，请改用 fonts-noto-cjk 提供的 NotoSansCJK-Regular.ttc",
                path.display()
            ),
            Self::MissingGlyph { ch } => {
                format!(
                    "字体缺少字符“{ch}”（U+{:04X}），无法生成文书",
                    u32::from(*ch)
                )
            }
            Self::Pdf(reason) => format!("生成 PDF 失败：{reason}"),
        }
    }
}

fn join_paths(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|path| path.display().to_string())
        .collect::<Vec<_>>()
        .join("、")
}

//! How a command fails: a Chinese and an English line on stderr and the contract's exit code
//! (1 the work found errors, 2 usage or configuration error).

use std::process::ExitCode;

#[derive(Debug)]
pub struct Failure {
    pub exit: u8,
    pub zh: String,
    pub en: String,
    /// Ends the command without a word (stdout's reader has gone: `onething demo | head`).
    pub quiet: bool,
}

impl Failure {
    pub fn usage(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Failure {
            exit: 2,
            zh: zh.into(),
            en: en.into(),
            quiet: false,
        }
    }

    /// A failure of the platform itself (database unreachable, I/O): exit 2, as it is the
    /// configuration or environment that must change.
    pub fn environment(zh: &str, err: impl std::fmt::Display) -> Self {
        Failure {
            exit: 2,
            zh: format!("{zh}：{err}"),
            en: err.to_string(),
            quiet: false,
        }
    }

    /// Stdout was closed by its reader: exit 0, print nothing (see `out.rs`).
    pub fn closed_pipe() -> Self {
        Failure {
            exit: 0,
            zh: String::new(),
            en: String::new(),
            quiet: true,
        }
    }

    pub fn report(self) -> ExitCode {
        if self.quiet {
            return ExitCode::from(self.exit);
        }
        eprintln!("错误：{}", self.zh);
        eprintln!("error: {}", self.en);
        ExitCode::from(self.exit)
    }
}

impl From<onething_domain::CalendarError> for Failure {
    fn from(e: onething_domain::CalendarError) -> Self {
        Failure::usage(e.message_zh(), e.to_string())
    }
}

impl From<onething_store::StoreError> for Failure {
    fn from(e: onething_store::StoreError) -> Self {
        Failure::environment("数据库操作失败", e)
    }
}

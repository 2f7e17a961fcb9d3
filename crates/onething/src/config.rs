//! Settings: command-line flags and environment first, then the config file, then defaults.

use std::path::{Path, PathBuf};

use onething_domain::Calendar;
use serde::Deserialize;

use crate::failure::Failure;

pub const DEFAULT_DB: &str = "sqlite://data/onething.db";
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

/// The config file (TOML). Unknown keys are refused so a typo never passes silently.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    #[serde(default)]
    pub server: ServerSection,
    #[serde(default)]
    pub calendar: CalendarSection,
    #[serde(default)]
    pub rules: RulesSection,
    #[serde(default)]
    pub documents: DocumentsSection,
    #[serde(default)]
    pub settlement: crate::commands::settle::SettlementSection,
    #[serde(default)]
    pub platform: PlatformSection,
    #[serde(default)]
    pub newborn: NewbornSection,
}

/// 新生儿出生一件事 (docs/newborn.md): the city the bundle serves.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewbornSection {
    /// GB/T 2260 city code (`XXXX00`); its counties are included. Without it the bundle
    /// takes no applications.
    pub city: Option<String>,
}

impl NewbornSection {
    /// The configured city, checked: a valid code at city level.
    pub fn city(&self) -> Result<Option<onething_domain::RegionCode>, Failure> {
        let Some(text) = &self.city else {
            return Ok(None);
        };
        let code = onething_domain::RegionCode::parse(text.trim()).map_err(|e| {
            Failure::usage(
                format!("[newborn] city：{}", e.message_zh()),
                format!("[newborn] city: {e}"),
            )
        })?;
        if !code.is_city() {
            return Err(Failure::usage(
                format!("[newborn] city：{text} 不是地级市代码（应为 XXXX00，如 450200）"),
                format!("[newborn] city: {text} is not a city code (XXXX00, e.g. 450200)"),
            ));
        }
        Ok(Some(code))
    }
}

/// The platform's signing key (deliveries to departments), kept in files, never in the
/// database.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlatformSection {
    /// PKCS#8 PEM private key, readable by the server's account only. Created on first start
    /// if missing. Default `platform.key` beside a SQLite database; required with PostgreSQL
    /// (every app server must read the same key). `ONETHING_PLATFORM_KEY` overrides it.
    pub key: Option<PathBuf>,
    /// Public keys (SPKI PEM) of earlier platform keys, still published during a rotation.
    #[serde(default)]
    pub retired_keys: Vec<PathBuf>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentsSection {
    /// The CJK font (TTF/OTF/TTC) the printed forms embed; discovered among the Debian
    /// packages' paths (fonts-noto-cjk, fonts-wqy-*) when absent.
    pub font: Option<PathBuf>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulesSection {
    /// The maternity-allowance parameter file; the shipped one when absent.
    pub params: Option<PathBuf>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSection {
    pub db: Option<String>,
    pub listen: Option<String>,
    /// Always mark the session cookie `Secure` (TLS ends at a proxy that sends no
    /// `X-Forwarded-Proto`).
    #[serde(default)]
    pub secure_cookies: bool,
    /// Throttle sign-ins by the last `X-Forwarded-For` entry: only behind a proxy that sets it.
    #[serde(default)]
    pub trust_forwarded_for: bool,
    /// When set, `GET /metrics` wants `Authorization: Bearer` this token
    /// (`ONETHING_METRICS_TOKEN` overrides it).
    pub metrics_token: Option<String>,
}

impl ServerSection {
    pub fn auth(&self) -> onething_web::AuthConfig {
        onething_web::AuthConfig {
            secure_cookies: self.secure_cookies,
            trust_forwarded_for: self.trust_forwarded_for,
            ..Default::default()
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalendarSection {
    /// Holiday notices published after this build (same shape as the shipped JSON).
    #[serde(default)]
    pub extra_notices: Vec<PathBuf>,
}

impl ConfigFile {
    pub fn load(path: Option<&Path>) -> Result<ConfigFile, Failure> {
        let Some(path) = path else {
            return Ok(ConfigFile::default());
        };
        let text = std::fs::read_to_string(path).map_err(|e| {
            Failure::usage(
                format!("无法读取配置文件 {}：{e}", path.display()),
                format!("cannot read {}: {e}", path.display()),
            )
        })?;
        toml::from_str(&text).map_err(|e| {
            Failure::usage(
                format!("配置文件 {} 无效：{e}", path.display()),
                format!("invalid config {}: {e}", path.display()),
            )
        })
    }
}

/// The shipped calendar plus any extra notices, in order (a later file replaces a year).
pub fn load_calendar(extra: &[PathBuf]) -> Result<Calendar, Failure> {
    let mut calendar = Calendar::shipped();
    for path in extra {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Failure::usage(
                format!("无法读取节假日文件 {}：{e}", path.display()),
                format!("cannot read {}: {e}", path.display()),
            )
        })?;
        calendar.merge_json(&text).map_err(|e| {
            Failure::usage(
                format!("节假日文件 {} 无效：{}", path.display(), e.message_zh()),
                format!("invalid holiday file {}: {e}", path.display()),
            )
        })?;
    }
    Ok(calendar)
}

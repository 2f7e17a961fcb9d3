//! What every page shares: the header (platform, signed-in user, sign-out), the navigation
//! of the user's role, the elder-mode switch (长者模式, a cookie), and the static files.

use axum::extract::{FromRequestParts, Query};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, LOCATION, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use onething_domain::access::Role;
use serde::Deserialize;

use super::PageError;
use crate::AppState;
use crate::auth::{AuthError, CurrentUser};

const ELDER_COOKIE: &str = "elder";
const STYLESHEET: &str = include_str!("../../static/site.css");
const SCRIPT: &str = include_str!("../../static/site.js");

/// One link of the navigation.
#[derive(Debug, Clone)]
pub(crate) struct NavLink {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

/// The signed-in user as the header shows it.
#[derive(Debug, Clone)]
pub(crate) struct Badge {
    pub username: String,
    pub role_label: &'static str,
}

/// The frame of a page: header, navigation, elder mode, CSRF token for forms.
#[derive(Debug, Clone)]
pub(crate) struct Chrome {
    pub user: Option<Badge>,
    pub nav: Vec<NavLink>,
    pub csrf_token: String,
    pub elder: bool,
    /// The path (and query) of this page, where the elder switch returns.
    pub here: String,
    /// From 1 October, administrators and supervisors are told while next year's holiday
    /// notice is missing (deadlines into it are provisional): that year.
    pub notice_missing: Option<i32>,
    /// The user may load it (`UseCase::LoadCalendarNotice`): the banner links the page.
    pub may_load_notice: bool,
    /// The complaint telephone (投诉电话) of the catalogue's guide, in every page's foot.
    pub complaint_phone: Option<&'static str>,
}

/// The complaint telephone the shipped catalogue's guides publish (seed 002 附件3), read
/// once; `None` when no guide names one.
fn complaint_phone() -> Option<&'static str> {
    static PHONE: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    PHONE
        .get_or_init(|| {
            onething_domain::catalog::Catalog::shipped()
                .complaint_phone()
                .map(str::to_owned)
        })
        .as_deref()
}

impl Chrome {
    pub(crate) fn new(headers: &HeaderMap, here: &str, user: Option<&CurrentUser>) -> Chrome {
        let path = here.split('?').next().unwrap_or("/");
        Chrome {
            user: user.map(|u| Badge {
                username: u.username().to_owned(),
                role_label: u.role().label_zh(),
            }),
            nav: user.map(|u| nav(u.role(), path)).unwrap_or_default(),
            csrf_token: user.map(|u| u.csrf_token.clone()).unwrap_or_default(),
            elder: elder_cookie(headers),
            here: here.to_owned(),
            notice_missing: None,
            may_load_notice: false,
            complaint_phone: complaint_phone(),
        }
    }
}

/// The pages a role uses, in the order of its work.
fn nav(role: Role, path: &str) -> Vec<NavLink> {
    let mut links: Vec<(&'static str, &'static str)> = Vec::new();
    match role {
        Role::DeptOfficer => links.extend([
            ("/dept/items", "本部门事项"),
            ("/supervision/rectifications", "差评整改"),
            ("/dept/newborn", "新生儿出生一件事"),
            ("/newborn/counterfoils", "副页移交"),
        ]),
        Role::HospitalClerk => links.extend([
            ("/hospital/filings", "生育保险一事联办"),
            ("/newborn/apply", "新生儿一窗受理"),
            ("/newborn/applications", "新生儿申请"),
            ("/newborn/counterfoils", "副页移交"),
        ]),
        Role::Supervisor => links.extend([
            ("/supervision", "效能监测"),
            ("/supervision/reports", "定期报告"),
            ("/supervision/rectifications", "差评整改"),
            ("/complaints", "投诉"),
            ("/home-visits", "预约上门"),
            ("/due", "超期预警"),
            ("/newborn/counterfoils?late=1", "副页逾期移交"),
        ]),
        Role::Admin => links.extend([
            ("/supervision", "效能监测"),
            ("/supervision/reports", "定期报告"),
            ("/due", "超期预警"),
        ]),
        Role::Employer => links.extend([
            ("/employer/offers", "待申领生育津贴"),
            ("/employer/claims", "生育津贴申领"),
            ("/employer/bank", "银行账户"),
        ]),
        Role::Person => links.extend([
            ("/my/claims", "我的生育津贴"),
            ("/newborn/applications", "新生儿出生一件事"),
            ("/complaints", "投诉"),
            ("/home-visits", "预约上门"),
        ]),
        Role::AgencyClerk => links.extend([
            ("/clerk/queue", "取号叫号"),
            ("/home-visits", "预约上门"),
            ("/clerk/review", "待审核"),
            ("/clerk/lookup", "参保人查询"),
            ("/clerk/window", "窗口代办"),
            ("/clerk/claims", "生育津贴申领"),
            ("/clerk/settlements", "结算批次"),
            ("/complaints", "投诉"),
        ]),
    }
    links.push((
        "/cases",
        match role {
            Role::Person | Role::Employer => "我的办件",
            Role::AgencyClerk | Role::HospitalClerk => "办件查询",
            _ => "办件",
        },
    ));
    if matches!(role, Role::AgencyClerk | Role::Supervisor | Role::Admin) {
        links.push(("/allowance/late", "逾期未支付"));
    }
    if matches!(role, Role::Supervisor | Role::Admin) {
        links.push(("/supervision/duplicates", "重复申领拦截"));
        links.push(("/audit", "数据使用审计"));
    }
    if role == Role::Admin {
        links.extend([
            ("/admin/users", "用户"),
            ("/admin/departments", "部门与密钥"),
            ("/admin/catalog", "服务目录"),
            ("/admin/params", "参数文件"),
            ("/admin/calendar", "节假日安排"),
        ]);
    }
    links
        .into_iter()
        .map(|(href, label)| NavLink {
            href,
            label,
            current: path == href || path.starts_with(&format!("{href}/")),
        })
        .collect()
}

/// The page a role starts from.
pub(crate) fn home_of(role: Role) -> &'static str {
    match role {
        Role::DeptOfficer => "/dept/items",
        Role::Supervisor | Role::Admin => "/due",
        Role::Employer => "/employer/offers",
        Role::Person => "/my/claims",
        Role::AgencyClerk => "/clerk/review",
        _ => "/cases",
    }
}

fn elder_cookie(headers: &HeaderMap) -> bool {
    crate::auth::cookie::cookie_value(headers, ELDER_COOKIE) == Some("1")
}

fn here(parts: &Parts) -> String {
    parts
        .uri
        .path_and_query()
        .map_or_else(|| "/".to_owned(), |p| p.as_str().to_owned())
}

/// A signed-in visitor and the page frame. Without a session: 303 to `/login`.
pub(crate) struct Signed {
    pub user: CurrentUser,
    pub chrome: Chrome,
}

impl FromRequestParts<AppState> for Signed {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        let user = CurrentUser::from_request_parts(parts, state).await?;
        let mut chrome = Chrome::new(&parts.headers, &here(parts), Some(&user));
        if matches!(user.role(), Role::Admin | Role::Supervisor) {
            let today = onething_domain::china_time::date_in_china(state.now());
            chrome.notice_missing = state.calendar().next_notice_missing(today);
            chrome.may_load_notice =
                onething_domain::access::UseCase::LoadCalendarNotice.permits(user.role());
        }
        Ok(Signed { user, chrome })
    }
}

/// Any visitor, signed in or not (the sign-in page, error pages).
pub(crate) struct Visitor {
    pub user: Option<CurrentUser>,
    pub chrome: Chrome,
}

impl FromRequestParts<AppState> for Visitor {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        let user = match CurrentUser::from_request_parts(parts, state).await {
            Ok(user) => Some(user),
            Err(AuthError::Unauthenticated) => None,
            Err(other) => return Err(other.into()),
        };
        let chrome = Chrome::new(&parts.headers, &here(parts), user.as_ref());
        Ok(Visitor { user, chrome })
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct ElderQuery {
    on: Option<String>,
    back: Option<String>,
}

/// `GET /elder?on=1&back=/cases`: turns elder mode on (`on=1`) or off and returns to the page.
pub(crate) async fn elder_switch(Query(query): Query<ElderQuery>) -> Response {
    let on = query.on.as_deref() == Some("1");
    let cookie = if on {
        "elder=1; Max-Age=31536000; Path=/; SameSite=Lax"
    } else {
        "elder=; Max-Age=0; Path=/; SameSite=Lax"
    };
    let back = query
        .back
        .filter(|b| is_local(b))
        .unwrap_or_else(|| "/".to_owned());
    redirect_with(&back, Some(HeaderValue::from_static(cookie)))
}

/// Only paths of this site, so the switch cannot send a visitor elsewhere. Browsers drop
/// tabs and newlines from URLs and read `\` as `/`, so `/\t/evil.example` would become
/// `//evil.example` (another site): any control character, space or backslash is refused.
fn is_local(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && !path
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || c == '\\')
}

/// 303 See Other to `to`, optionally setting a cookie.
pub(crate) fn redirect_with(to: &str, cookie: Option<HeaderValue>) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(location) = HeaderValue::from_str(to) {
        response.headers_mut().insert(LOCATION, location);
    }
    if let Some(cookie) = cookie {
        response.headers_mut().append(SET_COOKIE, cookie);
    }
    response
}

/// Headers of every page: no caching of personal data, no framing, only our own resources.
pub(crate) fn page_headers() -> [(HeaderName, HeaderValue); 3] {
    [
        (CACHE_CONTROL, HeaderValue::from_static("no-store")),
        (
            HeaderName::from_static("content-security-policy"),
            HeaderValue::from_static(
                "default-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
            ),
        ),
        (
            HeaderName::from_static("x-content-type-options"),
            HeaderValue::from_static("nosniff"),
        ),
    ]
}

pub(crate) async fn stylesheet() -> Response {
    static_file("text/css; charset=utf-8", STYLESHEET)
}

pub(crate) async fn script() -> Response {
    static_file("text/javascript; charset=utf-8", SCRIPT)
}

fn static_file(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            ),
        ],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::header::COOKIE;

    #[test]
    fn elder_cookie_is_read_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(COOKIE, HeaderValue::from_static("a=1; elder=1"));
        assert!(elder_cookie(&headers));
        headers.insert(COOKIE, HeaderValue::from_static("elder=0"));
        assert!(!elder_cookie(&headers));
    }

    #[test]
    fn the_switch_returns_only_to_local_paths() {
        assert!(is_local("/cases?q=1"));
        assert!(!is_local("//evil.example"));
        assert!(!is_local("https://evil.example"));
        assert!(!is_local("/\\evil.example"));
        // `/elder?back=/%09/evil.example`: the decoded tab is dropped by browsers.
        assert!(!is_local("/\t/evil.example"));
        assert!(!is_local("/\n/evil.example"));
        assert!(!is_local("/ /evil.example"));
    }

    #[test]
    fn every_role_has_a_home_in_its_navigation() {
        for role in Role::ALL {
            let links = nav(role, home_of(role));
            assert!(links.iter().any(|l| l.current), "{role:?}");
        }
    }
}

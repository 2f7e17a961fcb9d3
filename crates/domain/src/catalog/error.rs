//! Why a catalogue could not be loaded or is not consistent.

/// A catalogue that failed to parse or to validate. Every variant names the item or
/// bundle at fault so the person editing the TOML can fix it without guessing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogError {
    /// A TOML file did not parse or has the wrong shape (unknown key, wrong type…).
    /// `message` is toml's own text, which names the line and column and quotes it.
    #[error("{file}: {message}")]
    Parse {
        file: String,
        /// 1-based line of the error, when toml reports a position.
        line: Option<usize>,
        message: String,
    },
    /// An item or bundle code is empty or has surrounding whitespace.
    #[error("invalid code {code:?}")]
    InvalidCode { code: String },
    #[error("duplicate item code {code}")]
    DuplicateItem { code: String },
    #[error("duplicate bundle code {code}")]
    DuplicateBundle { code: String },
    #[error("bundle {bundle} has no items")]
    EmptyBundle { bundle: String },
    #[error("bundle {bundle} refers to unknown item {item}")]
    UnknownItem { bundle: String, item: String },
    #[error("bundle {bundle} lists item {item} more than once")]
    DuplicateBundleItem { bundle: String, item: String },
    #[error("bundle {bundle}: item {item} depends on {depends_on}, which is not in the bundle")]
    UnknownDependency {
        bundle: String,
        item: String,
        depends_on: String,
    },
    #[error("bundle {bundle}: item {item} depends on itself")]
    SelfDependency { bundle: String, item: String },
    /// `cycle` lists the items around the loop, the first repeated at the end.
    #[error("bundle {bundle}: dependency cycle {}", cycle.join(" -> "))]
    DependencyCycle { bundle: String, cycle: Vec<String> },
    /// A bundle may promise less than an item's own limit, never more.
    #[error(
        "bundle {bundle}: item {item} has limit {bundle_limit} but the item's own limit is {item_limit}"
    )]
    LimitAboveItem {
        bundle: String,
        item: String,
        bundle_limit: u32,
        item_limit: u32,
    },
    /// The item has a stated limit but the bundle would drop it (no deadline at all).
    #[error("bundle {bundle}: item {item} has a limit of {item_limit} but none in the bundle")]
    LimitMissing {
        bundle: String,
        item: String,
        item_limit: u32,
    },
    /// The promise can't be kept even if every item meets its own limit.
    #[error(
        "bundle {bundle}: promised {promised} working days, but the critical path is {critical_path}"
    )]
    PromiseBelowCriticalPath {
        bundle: String,
        promised: u32,
        critical_path: u32,
    },
}

impl CatalogError {
    /// Stable machine-readable code for the API and the logs: the file could not be read
    /// as a catalogue, or it was read but its content is inconsistent.
    pub fn code(&self) -> &'static str {
        match self {
            CatalogError::Parse { .. } => "CATALOG_PARSE",
            _ => "CATALOG_INVALID",
        }
    }

    /// The message shown to the staff who maintain the catalogue.
    pub fn message_zh(&self) -> String {
        use CatalogError as E;
        match self {
            E::Parse {
                file,
                line,
                message,
            } => match line {
                Some(line) => format!("事项目录文件 {file} 第{line}行有误：{message}"),
                None => format!("事项目录文件 {file} 有误：{message}"),
            },
            E::InvalidCode { code } => format!("编码“{code}”无效：不能为空，前后不能有空格"),
            E::DuplicateItem { code } => format!("事项编码 {code} 重复"),
            E::DuplicateBundle { code } => format!("一件事编码 {code} 重复"),
            E::EmptyBundle { bundle } => format!("一件事 {bundle} 没有任何事项"),
            E::UnknownItem { bundle, item } => {
                format!("一件事 {bundle} 引用了目录中不存在的事项 {item}")
            }
            E::DuplicateBundleItem { bundle, item } => {
                format!("一件事 {bundle} 重复列入事项 {item}")
            }
            E::UnknownDependency {
                bundle,
                item,
                depends_on,
            } => format!("一件事 {bundle} 中事项 {item} 的前置事项 {depends_on} 不在该一件事内"),
            E::SelfDependency { bundle, item } => {
                format!("一件事 {bundle} 中事项 {item} 以自身为前置事项")
            }
            E::DependencyCycle { bundle, cycle } => {
                format!("一件事 {bundle} 的前置关系成环：{}", cycle.join(" → "))
            }
            E::LimitAboveItem {
                bundle,
                item,
                bundle_limit,
                item_limit,
            } => format!(
                "一件事 {bundle} 中事项 {item} 的时限 {bundle_limit} 个工作日超过该事项本身的时限 {item_limit} 个工作日"
            ),
            E::LimitMissing {
                bundle,
                item,
                item_limit,
            } => format!(
                "一件事 {bundle} 中事项 {item} 未设时限，但该事项本身时限为 {item_limit} 个工作日"
            ),
            E::PromiseBelowCriticalPath {
                bundle,
                promised,
                critical_path,
            } => format!(
                "一件事 {bundle} 承诺 {promised} 个工作日办结，但按前置关系最短也需 {critical_path} 个工作日"
            ),
        }
    }
}

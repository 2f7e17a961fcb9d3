//! Name parts for synthetic people and employers. Every generated name contains
//! 演示 ("demo"), so no output can be mistaken for, or collide with, a real person
//! or company in a screenshot, an export or a log.

/// Common surnames, so the demo reads naturally.
pub(crate) const SURNAMES: [&str; 20] = [
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "林", "罗", "高",
];

/// Given-name endings for men: odd numerals, matching the odd sequence digit of a
/// man's citizen id.
pub(crate) const MALE_NUMERALS: [&str; 6] = ["一", "三", "五", "七", "九", "十一"];

/// Given-name endings for women: even numerals, matching an even sequence digit.
pub(crate) const FEMALE_NUMERALS: [&str; 6] = ["二", "四", "六", "八", "十", "十二"];

/// Industries for employer names.
pub(crate) const INDUSTRIES: [&str; 10] = [
    "科技", "商贸", "物流", "制造", "餐饮", "建筑", "医药", "文化", "信息", "农业",
];

/// The mark every synthetic name carries.
pub(crate) const DEMO_MARK: &str = "演示";

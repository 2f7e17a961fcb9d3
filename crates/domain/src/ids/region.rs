//! 行政区划代码 (GB/T 2260): six digits, two each for province, city and county.
//! Parameters (allowance bases, payment standards) are looked up county → city →
//! province, which is why [`RegionCode::ancestors_or_self`] exists.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::scan::{digits, exact_chars};
use super::{IdError, IdKind};

/// Province-level codes of GB/T 2260 with their names. A code whose first two digits
/// are not here is rejected everywhere a region appears.
const PROVINCES: [(u32, &str); 34] = [
    (11, "北京市"),
    (12, "天津市"),
    (13, "河北省"),
    (14, "山西省"),
    (15, "内蒙古自治区"),
    (21, "辽宁省"),
    (22, "吉林省"),
    (23, "黑龙江省"),
    (31, "上海市"),
    (32, "江苏省"),
    (33, "浙江省"),
    (34, "安徽省"),
    (35, "福建省"),
    (36, "江西省"),
    (37, "山东省"),
    (41, "河南省"),
    (42, "湖北省"),
    (43, "湖南省"),
    (44, "广东省"),
    (45, "广西壮族自治区"),
    (46, "海南省"),
    (50, "重庆市"),
    (51, "四川省"),
    (52, "贵州省"),
    (53, "云南省"),
    (54, "西藏自治区"),
    (61, "陕西省"),
    (62, "甘肃省"),
    (63, "青海省"),
    (64, "宁夏回族自治区"),
    (65, "新疆维吾尔自治区"),
    (71, "台湾省"),
    (81, "香港特别行政区"),
    (82, "澳门特别行政区"),
];

/// Names below province level: the places the seed documents mention plus a few
/// well-known cities, enough for the demo and for readable test output. Not a
/// complete GB/T 2260 table; an unnamed code is still a valid code.
const PLACES: [(u32, &str); 17] = [
    (110101, "东城区"),
    (110102, "西城区"),
    (110105, "朝阳区"),
    (310101, "黄浦区"),
    (330100, "杭州市"),
    (420100, "武汉市"),
    (420200, "黄石市"),
    (420281, "大冶市"),
    (440100, "广州市"),
    (440300, "深圳市"),
    (450100, "南宁市"),
    (500101, "万州区"),
    (500103, "渝中区"),
    (500105, "江北区"),
    (500114, "黔江区"),
    (500228, "梁平区"),
    (510100, "成都市"),
];

/// How specific a region code is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum RegionLevel {
    Province,
    City,
    County,
}

/// A GB/T 2260 region code whose province exists. City and county digits are not
/// checked against the full table, which changes every year.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RegionCode(u32);

impl RegionCode {
    /// Parses six ASCII digits with a real province prefix.
    pub fn parse(text: &str) -> Result<Self, IdError> {
        let kind = IdKind::RegionCode;
        let chars = exact_chars(kind, text, 6)?;
        Self::checked(kind, digits(kind, &chars, 0..6)?)
    }

    /// Builds a code from its numeric value, e.g. `500228`.
    pub fn new(code: u32) -> Result<Self, IdError> {
        if code > 999_999 {
            return Err(IdError::WrongLength {
                kind: IdKind::RegionCode,
                expected: 6,
                found: code.to_string().len(),
            });
        }
        Self::checked(IdKind::RegionCode, code)
    }

    /// Validates the province of a six-digit value, blaming `kind` so that a bad
    /// region inside a citizen id is reported as a citizen-id error.
    pub(crate) fn checked(kind: IdKind, code: u32) -> Result<Self, IdError> {
        let prefix = code / 10_000;
        if province_name(prefix).is_some() {
            Ok(Self(code))
        } else {
            Err(IdError::UnknownProvince { kind, prefix })
        }
    }

    /// Every province-level code, for generators and pickers.
    pub fn provinces() -> impl Iterator<Item = RegionCode> {
        PROVINCES.iter().map(|(prefix, _)| Self(prefix * 10_000))
    }

    pub fn as_u32(self) -> u32 {
        self.0
    }

    /// The province this code belongs to (`XX0000`).
    pub fn province(self) -> RegionCode {
        Self(self.0 - self.0 % 10_000)
    }

    /// The city this code belongs to (`XXXX00`); a province is its own city.
    pub fn city(self) -> RegionCode {
        Self(self.0 - self.0 % 100)
    }

    pub fn is_province(self) -> bool {
        self.level() == RegionLevel::Province
    }

    pub fn is_city(self) -> bool {
        self.level() == RegionLevel::City
    }

    pub fn level(self) -> RegionLevel {
        if self.0.is_multiple_of(10_000) {
            RegionLevel::Province
        } else if self.0.is_multiple_of(100) {
            RegionLevel::City
        } else {
            RegionLevel::County
        }
    }

    /// `[self, city, province]`, most specific first and without repeats: the order
    /// in which regional parameters are looked up.
    pub fn ancestors_or_self(self) -> Vec<RegionCode> {
        let mut chain = vec![self];
        for up in [self.city(), self.province()] {
            if chain.last() != Some(&up) {
                chain.push(up);
            }
        }
        chain
    }

    /// Whether `self` is `other` or lies inside it.
    pub fn is_within(self, other: RegionCode) -> bool {
        self.ancestors_or_self().contains(&other)
    }

    /// The Chinese name, for the provinces and the handful of places we know.
    pub fn name_zh(self) -> Option<&'static str> {
        if self.is_province() {
            return province_name(self.0 / 10_000);
        }
        PLACES
            .iter()
            .find(|(code, _)| *code == self.0)
            .map(|(_, name)| *name)
    }
}

fn province_name(prefix: u32) -> Option<&'static str> {
    PROVINCES
        .iter()
        .find(|(code, _)| *code == prefix)
        .map(|(_, name)| *name)
}

impl fmt::Display for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:06}", self.0)
    }
}

impl fmt::Debug for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RegionCode({:06})", self.0)
    }
}

crate::ids::string_value!(
    RegionCode,
    IdError,
    "GB/T 2260 region code",
    "^[0-9]{6}$",
    "500228"
);

#[cfg(test)]
mod tests {
    use super::*;

    fn code(text: &str) -> RegionCode {
        RegionCode::parse(text).expect("valid region code")
    }

    #[test]
    fn levels_and_ancestors() {
        let liangping = code("500228");
        assert_eq!(liangping.level(), RegionLevel::County);
        assert_eq!(liangping.city(), code("500200"));
        assert_eq!(liangping.province(), code("500000"));
        assert_eq!(
            liangping.ancestors_or_self(),
            vec![liangping, code("500200"), code("500000")]
        );
        assert!(code("420200").is_city());
        assert_eq!(code("420200").ancestors_or_self().len(), 2);
        assert!(code("420000").is_province());
        assert_eq!(code("420000").ancestors_or_self(), vec![code("420000")]);
        assert!(liangping.is_within(code("500000")));
        assert!(!liangping.is_within(code("420000")));
    }

    #[test]
    fn names_of_seed_regions() {
        assert_eq!(code("500228").name_zh(), Some("梁平区"));
        assert_eq!(code("500000").name_zh(), Some("重庆市"));
        assert_eq!(code("450000").name_zh(), Some("广西壮族自治区"));
        assert_eq!(code("420281").name_zh(), Some("大冶市"));
        assert_eq!(code("500299").name_zh(), None);
    }

    #[test]
    fn rejects_bad_input() {
        let kind = IdKind::RegionCode;
        assert_eq!(
            RegionCode::parse("50022"),
            Err(IdError::WrongLength {
                kind,
                expected: 6,
                found: 5
            })
        );
        assert_eq!(
            RegionCode::parse("5002a8"),
            Err(IdError::BadCharacter {
                kind,
                position: 5,
                found: 'a'
            })
        );
        assert_eq!(
            RegionCode::parse("100000"),
            Err(IdError::UnknownProvince { kind, prefix: 10 })
        );
        assert!(RegionCode::new(1_000_000).is_err());
        assert_eq!(RegionCode::new(500228), Ok(code("500228")));
        assert_eq!(code("500228").to_string(), "500228");
    }

    #[test]
    fn every_province_prefix_is_accepted_and_no_other() {
        let valid: Vec<u32> = RegionCode::provinces()
            .map(|r| r.as_u32() / 10_000)
            .collect();
        assert_eq!(valid.len(), 34);
        for prefix in 0..100 {
            let result = RegionCode::new(prefix * 10_000);
            assert_eq!(result.is_ok(), valid.contains(&prefix), "prefix {prefix}");
        }
    }

    #[test]
    fn serde_as_string() {
        let json = serde_json::to_string(&code("500105")).expect("serialize");
        assert_eq!(json, "\"500105\"");
        let back: RegionCode = serde_json::from_str(&json).expect("deserialize");
        assert_eq!(back, code("500105"));
        assert!(serde_json::from_str::<RegionCode>("\"990000\"").is_err());
    }
}

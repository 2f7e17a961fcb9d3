//! The raw input of the spouse filing (JSON body and counter form alike) and the validated
//! command.

use chrono::NaiveDate;
use onething_domain::CitizenId;
use onething_domain::hospital::{CoupleError, check_couple};
use serde::Deserialize;

use crate::Invalid;
use crate::input::{citizen_id, optional_text};

/// `POST /api/v1/hospital/spouse-filings`: the contract's `husband_id`, `wife_id`; the rest
/// are the 附件1 fields no department holds (additions, optional).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpouseFilingInput {
    pub husband_id: Option<String>,
    pub wife_id: Option<String>,
    /// 联系电话.
    pub phone: Option<String>,
    /// 怀孕时间 (YYYY-MM-DD).
    pub pregnant_since: Option<String>,
    /// 胎数.
    pub fetuses: Option<u8>,
    /// 生育方式: which service brings her to the hospital.
    pub service: Option<String>,
}

/// 附件1's 生育方式 choices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FilingService {
    /// 产检.
    PrenatalCheck,
    /// 上环取环.
    Iud,
    /// 结扎.
    Sterilization,
    /// 分娩.
    Delivery,
    /// 流产.
    Miscarriage,
    /// 引产.
    Induced,
}

impl FilingService {
    pub const ALL: [FilingService; 6] = [
        Self::PrenatalCheck,
        Self::Iud,
        Self::Sterilization,
        Self::Delivery,
        Self::Miscarriage,
        Self::Induced,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::PrenatalCheck => "prenatal_check",
            Self::Iud => "iud",
            Self::Sterilization => "sterilization",
            Self::Delivery => "delivery",
            Self::Miscarriage => "miscarriage",
            Self::Induced => "induced",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Self::PrenatalCheck => "产检",
            Self::Iud => "上环取环",
            Self::Sterilization => "结扎",
            Self::Delivery => "分娩",
            Self::Miscarriage => "流产",
            Self::Induced => "引产",
        }
    }
}

/// The validated filing.
#[derive(Debug, Clone)]
pub struct FileSpouse {
    pub husband: CitizenId,
    pub wife: CitizenId,
    pub phone: Option<String>,
    pub pregnant_since: Option<NaiveDate>,
    pub fetuses: Option<u8>,
    pub service: Option<FilingService>,
}

impl TryFrom<SpouseFilingInput> for FileSpouse {
    type Error = Invalid;

    fn try_from(input: SpouseFilingInput) -> Result<Self, Invalid> {
        let husband = required_id(
            input.husband_id.as_deref(),
            "husband_id",
            "男职工身份证号码",
        )?;
        let wife = required_id(input.wife_id.as_deref(), "wife_id", "配偶身份证号码")?;
        check_couple(&husband, &wife).map_err(|e| match e {
            CoupleError::HusbandNotMale => Invalid::new(
                "INVALID_ID",
                "husband_id",
                "男职工身份证号码（husband_id）不是男性的号码：本备案为参保男职工的未就业配偶办理",
            ),
            CoupleError::WifeNotFemale => Invalid::new(
                "INVALID_ID",
                "wife_id",
                "配偶身份证号码（wife_id）不是女性的号码",
            ),
        })?;
        let phone = optional_text(input.phone.as_deref());
        if let Some(p) = &phone
            && (p.len() < 7 || p.len() > 20 || !p.chars().all(|c| c.is_ascii_digit() || c == '-'))
        {
            return Err(Invalid::new(
                "INVALID_PHONE",
                "phone",
                "联系电话（phone）只能是7至20位数字或“-”",
            ));
        }
        let pregnant_since = match optional_text(input.pregnant_since.as_deref()) {
            None => None,
            Some(t) => Some(NaiveDate::parse_from_str(&t, "%Y-%m-%d").map_err(|_| {
                Invalid::new(
                    "INVALID_DATE",
                    "pregnant_since",
                    "怀孕时间（pregnant_since）格式为 YYYY-MM-DD",
                )
            })?),
        };
        if input.fetuses.is_some_and(|n| n == 0 || n > 9) {
            return Err(Invalid::new(
                "INVALID_BODY",
                "fetuses",
                "胎数（fetuses）为1至9",
            ));
        }
        let service = match optional_text(input.service.as_deref()) {
            None => None,
            Some(t) => Some(FilingService::ALL.into_iter().find(|s| s.as_str() == t).ok_or_else(|| {
                Invalid::new(
                    "INVALID_BODY",
                    "service",
                    "生育方式（service）为 prenatal_check、iud、sterilization、delivery、miscarriage、induced 之一",
                )
            })?),
        };
        Ok(FileSpouse {
            husband,
            wife,
            phone,
            pregnant_since,
            fetuses: input.fetuses,
            service,
        })
    }
}

fn required_id(value: Option<&str>, field: &str, label: &str) -> Result<CitizenId, Invalid> {
    match optional_text(value) {
        Some(text) => citizen_id(&text, field),
        None => Err(Invalid::missing(
            field,
            format!("{label}（{field}）不能为空"),
        )),
    }
}

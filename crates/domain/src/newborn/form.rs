//! The one form (附件1): only what no department holds. Everything else (names, ids, the
//! birth, the parents' households and ethnicities, the marriage) comes from shared data.

use serde::{Deserialize, Serialize};

/// One of the child's parents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Parent {
    Mother,
    Father,
}

impl Parent {
    pub fn parse(text: &str) -> Option<Parent> {
        match text {
            "mother" => Some(Parent::Mother),
            "father" => Some(Parent::Father),
            _ => None,
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Parent::Mother => "母亲",
            Parent::Father => "父亲",
        }
    }
}

/// The child's ethnicity and who confirmed it (NB-10: both parents when theirs differ).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EthnicityChoice {
    pub value: String,
    pub confirmed_by: Vec<Parent>,
}

/// How the resident premium will be paid (附件1 医保缴费).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PremiumChannel {
    /// The tax bureau's 12366 WeChat account.
    TaxWechat,
    WechatCityService,
    Alipay,
    /// A bank card, paid at the tax window of the government service hall.
    BankCard,
}

impl PremiumChannel {
    pub const ALL: [PremiumChannel; 4] = [
        PremiumChannel::TaxWechat,
        PremiumChannel::WechatCityService,
        PremiumChannel::Alipay,
        PremiumChannel::BankCard,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PremiumChannel::TaxWechat => "tax_wechat",
            PremiumChannel::WechatCityService => "wechat_city_service",
            PremiumChannel::Alipay => "alipay",
            PremiumChannel::BankCard => "bank_card",
        }
    }

    pub fn parse(text: &str) -> Option<PremiumChannel> {
        Self::ALL.into_iter().find(|c| c.as_str() == text)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            PremiumChannel::TaxWechat => "税务12366微信公众号",
            PremiumChannel::WechatCityService => "微信城市服务",
            PremiumChannel::Alipay => "支付宝",
            PremiumChannel::BankCard => "银行卡（到政务服务大厅税务窗口缴费）",
        }
    }
}

/// Where the maternity medical reimbursement is paid (附件1 生育医疗费用).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "to", rename_all = "snake_case")]
pub enum Reimbursement {
    /// The mother's social security card.
    SocialSecurityCard,
    /// The mother's bank card (validated with its Luhn digit).
    BankAccount { bank: String, number: String },
}

/// The card-issuing bank chosen for the child's social security card (附件1 社会保障卡).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CardBank {
    Boc,
    Icbc,
    Ccb,
    Abc,
    Psbc,
    Bocom,
    RuralCommercial,
    /// The city's own commercial bank.
    CityCommercial,
    Liuzhou,
    Ceb,
    BeibuGulf,
}

impl CardBank {
    pub const ALL: [CardBank; 11] = [
        CardBank::Boc,
        CardBank::Icbc,
        CardBank::Ccb,
        CardBank::Abc,
        CardBank::Psbc,
        CardBank::Bocom,
        CardBank::RuralCommercial,
        CardBank::CityCommercial,
        CardBank::Liuzhou,
        CardBank::Ceb,
        CardBank::BeibuGulf,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CardBank::Boc => "boc",
            CardBank::Icbc => "icbc",
            CardBank::Ccb => "ccb",
            CardBank::Abc => "abc",
            CardBank::Psbc => "psbc",
            CardBank::Bocom => "bocom",
            CardBank::RuralCommercial => "rural_commercial",
            CardBank::CityCommercial => "city_commercial",
            CardBank::Liuzhou => "liuzhou",
            CardBank::Ceb => "ceb",
            CardBank::BeibuGulf => "beibu_gulf",
        }
    }

    pub fn parse(text: &str) -> Option<CardBank> {
        Self::ALL.into_iter().find(|b| b.as_str() == text)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            CardBank::Boc => "中国银行",
            CardBank::Icbc => "工商银行",
            CardBank::Ccb => "建设银行",
            CardBank::Abc => "农业银行",
            CardBank::Psbc => "邮储银行",
            CardBank::Bocom => "交通银行",
            CardBank::RuralCommercial => "农商银行",
            CardBank::CityCommercial => "本市城市商业银行",
            CardBank::Liuzhou => "柳州银行",
            CardBank::Ceb => "光大银行",
            CardBank::BeibuGulf => "北部湾银行",
        }
    }
}

/// Who collects physical certificates in person (附件2 七(一)1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Collector {
    Mother,
    Father,
}

/// How physical certificates reach the family (NB-9).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum Delivery {
    /// Picked up; the father only with the mother's recorded authorisation: her own online
    /// application records it, at the window the clerk records her signed form.
    Pickup {
        collector: Collector,
        #[serde(default)]
        mother_authorised: bool,
    },
    /// Mailed at the family's cost.
    Mail {
        recipient: String,
        phone: String,
        address: String,
    },
}

/// The form's answers, each already well-formed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewbornForm {
    pub register_with: Parent,
    pub ethnicity: EthnicityChoice,
    pub premium_channel: PremiumChannel,
    pub reimbursement: Reimbursement,
    pub card_bank: CardBank,
    pub delivery: Delivery,
}

/// An answer that does not fit what shared data says about the family.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormError {
    /// The parents' ethnicities differ (or one is not known): both must confirm (NB-10).
    #[error("both parents must confirm the child's ethnicity")]
    EthnicityNotConfirmed,
    /// The child takes the father's or the mother's ethnicity (附件1).
    #[error("the ethnicity is neither parent's")]
    EthnicityNotOfParents,
    /// The father collects only with the mother's authorisation (附件2 四(六)).
    #[error("the father collects only with the mother's authorisation")]
    FatherNotAuthorised,
}

impl FormError {
    pub fn code(&self) -> &'static str {
        match self {
            FormError::EthnicityNotConfirmed => "ETHNICITY_NOT_CONFIRMED",
            FormError::EthnicityNotOfParents => "ETHNICITY_NOT_OF_PARENTS",
            FormError::FatherNotAuthorised => "AUTHORISATION_REQUIRED",
        }
    }

    pub fn field(&self) -> &'static str {
        match self {
            FormError::EthnicityNotConfirmed => "ethnicity.confirmed_by",
            FormError::EthnicityNotOfParents => "ethnicity.value",
            FormError::FatherNotAuthorised => "delivery.mother_authorised",
        }
    }

    pub fn message_zh(&self) -> String {
        match self {
            FormError::EthnicityNotConfirmed => {
                "父母民族不一致（或未能核实）时，新生儿民族须父母双方确认（ethnicity.confirmed_by 须含 mother 和 father）".into()
            }
            FormError::EthnicityNotOfParents => {
                "新生儿民族（ethnicity.value）须随父亲或母亲的民族".into()
            }
            FormError::FatherNotAuthorised => {
                "委托父亲领取须有母亲签字捺印的授权（delivery.mother_authorised）".into()
            }
        }
    }
}

impl NewbornForm {
    /// Checks the answers against the parents' ethnicities as registered (`None`: no
    /// household record yet, so the clerk cannot tell them apart).
    pub fn check(&self, mother: Option<&str>, father: Option<&str>) -> Result<(), FormError> {
        let value = self.ethnicity.value.as_str();
        if let (Some(m), Some(f)) = (mother, father)
            && value != m
            && value != f
        {
            return Err(FormError::EthnicityNotOfParents);
        }
        let same = matches!((mother, father), (Some(m), Some(f)) if m == f);
        let both = [Parent::Mother, Parent::Father]
            .iter()
            .all(|p| self.ethnicity.confirmed_by.contains(p));
        if !same && !both {
            return Err(FormError::EthnicityNotConfirmed);
        }
        if let Delivery::Pickup {
            collector: Collector::Father,
            mother_authorised: false,
        } = self.delivery
        {
            return Err(FormError::FatherNotAuthorised);
        }
        Ok(())
    }
}

//! The raw input both front doors share (JSON bodies and form posts), and the validated
//! commands built from it with `TryFrom`, naming the field in every refusal.

use onething_domain::CitizenId;
use onething_domain::allowance::settlement::PayeeAccount;
use onething_domain::newborn::{
    CardBank, Collector, Delivery, EthnicityChoice, MissingMaterial, NewbornForm, Parent,
    PremiumChannel, Reimbursement,
};
use onething_domain::rules::Payee;
use serde::Deserialize;

use crate::Invalid;
use crate::input::{certificate_no, citizen_id, optional_text, required_text};

/// `household` of the form.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HouseholdInput {
    pub register_with: Option<String>,
}

/// `ethnicity` of the form.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EthnicityInput {
    pub value: Option<String>,
    #[serde(default)]
    pub confirmed_by: Vec<String>,
}

/// `reimbursement` of the form.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReimbursementInput {
    pub to: Option<String>,
    pub bank: Option<String>,
    pub number: Option<String>,
}

/// `delivery` of the form.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeliveryInput {
    pub method: Option<String>,
    pub collector: Option<String>,
    /// At the window: the mother's signed authorisation for the father to collect was seen.
    pub mother_authorised: Option<bool>,
    pub recipient: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
}

/// The one form as sent (contract: "Application body").
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApplicationInput {
    pub mother_id: Option<String>,
    pub father_id: Option<String>,
    pub birth_certificate_no: Option<String>,
    pub household: Option<HouseholdInput>,
    pub ethnicity: Option<EthnicityInput>,
    pub premium_channel: Option<String>,
    pub reimbursement: Option<ReimbursementInput>,
    pub card_bank: Option<String>,
    pub delivery: Option<DeliveryInput>,
}

/// The validated form. `mother` is `None` when the mother files for herself without
/// repeating her id.
#[derive(Debug, Clone)]
pub struct Apply {
    pub mother: Option<CitizenId>,
    pub father: CitizenId,
    pub certificate_no: Option<String>,
    pub form: NewbornForm,
}

fn bad(code: &'static str, field: &str, message: &str) -> Invalid {
    Invalid::new(code, field, message)
}

fn choice<T>(
    value: Option<&str>,
    field: &str,
    label: &str,
    parse: impl Fn(&str) -> Option<T>,
    allowed: &str,
) -> Result<T, Invalid> {
    let text = optional_text(value)
        .ok_or_else(|| Invalid::missing(field, format!("{label}（{field}）不能为空")))?;
    parse(&text).ok_or_else(|| {
        bad(
            "INVALID_ENUM",
            field,
            &format!("{label}（{field}）须为 {allowed} 之一"),
        )
    })
}

impl TryFrom<ApplicationInput> for Apply {
    type Error = Invalid;

    fn try_from(input: ApplicationInput) -> Result<Apply, Invalid> {
        let mother = match optional_text(input.mother_id.as_deref()) {
            Some(id) => Some(citizen_id(&id, "mother_id")?),
            None => None,
        };
        let father = optional_text(input.father_id.as_deref()).ok_or_else(|| {
            Invalid::missing("father_id", "父亲公民身份号码（father_id）不能为空")
        })?;
        let father = citizen_id(&father, "father_id")?;
        let certificate_no = certificate_no(
            input.birth_certificate_no.as_deref(),
            "birth_certificate_no",
        )?;
        let household = input.household.unwrap_or_default();
        let register_with = choice(
            household.register_with.as_deref(),
            "household.register_with",
            "落户随",
            Parent::parse,
            "father、mother",
        )?;
        let form = NewbornForm {
            register_with,
            ethnicity: ethnicity(input.ethnicity.unwrap_or_default())?,
            premium_channel: choice(
                input.premium_channel.as_deref(),
                "premium_channel",
                "医保缴费方式",
                PremiumChannel::parse,
                "tax_wechat、wechat_city_service、alipay、bank_card",
            )?,
            reimbursement: reimbursement(input.reimbursement.unwrap_or_default())?,
            card_bank: choice(
                input.card_bank.as_deref(),
                "card_bank",
                "社会保障卡制卡银行",
                CardBank::parse,
                &CardBank::ALL.map(CardBank::as_str).join("、"),
            )?,
            delivery: delivery(input.delivery.unwrap_or_default())?,
        };
        Ok(Apply {
            mother,
            father,
            certificate_no,
            form,
        })
    }
}

fn ethnicity(input: EthnicityInput) -> Result<EthnicityChoice, Invalid> {
    let value = required_text(input.value.as_deref(), "ethnicity.value", "新生儿民族", 20)?;
    let mut confirmed_by = Vec::new();
    for (n, who) in input.confirmed_by.iter().enumerate() {
        let parent = Parent::parse(who.trim()).ok_or_else(|| {
            bad(
                "INVALID_ENUM",
                &format!("ethnicity.confirmed_by[{n}]"),
                "确认人须为 mother 或 father",
            )
        })?;
        if !confirmed_by.contains(&parent) {
            confirmed_by.push(parent);
        }
    }
    Ok(EthnicityChoice {
        value,
        confirmed_by,
    })
}

fn reimbursement(input: ReimbursementInput) -> Result<Reimbursement, Invalid> {
    match optional_text(input.to.as_deref()).as_deref() {
        Some("social_security_card") => Ok(Reimbursement::SocialSecurityCard),
        Some("bank_account") => {
            let bank = required_text(input.bank.as_deref(), "reimbursement.bank", "开户行", 60)?;
            let number = input.number.clone().unwrap_or_default();
            let account = PayeeAccount::parse("母亲", &bank, &number, Payee::InsuredPerson)
                .map_err(|e| {
                    bad(
                        e.code(),
                        &format!("reimbursement.{}", e.field()),
                        &e.message_zh(),
                    )
                })?;
            let number: String = number.chars().filter(char::is_ascii_digit).collect();
            drop(account);
            Ok(Reimbursement::BankAccount { bank, number })
        }
        None => Err(Invalid::missing(
            "reimbursement.to",
            "生育医疗费用发放方式（reimbursement.to）不能为空",
        )),
        Some(_) => Err(bad(
            "INVALID_ENUM",
            "reimbursement.to",
            "生育医疗费用发放方式（reimbursement.to）须为 social_security_card 或 bank_account",
        )),
    }
}

fn delivery(input: DeliveryInput) -> Result<Delivery, Invalid> {
    match optional_text(input.method.as_deref()).as_deref() {
        Some("pickup") => {
            let collector = match optional_text(input.collector.as_deref()).as_deref() {
                Some("mother") | None => Collector::Mother,
                Some("father") => Collector::Father,
                Some(_) => {
                    return Err(bad(
                        "INVALID_ENUM",
                        "delivery.collector",
                        "领取人（delivery.collector）须为 mother 或 father",
                    ));
                }
            };
            Ok(Delivery::Pickup {
                collector,
                mother_authorised: input.mother_authorised.unwrap_or(false),
            })
        }
        Some("mail") => {
            let phone = required_text(input.phone.as_deref(), "delivery.phone", "联系电话", 20)?;
            let mobile = phone.len() == 11
                && phone.starts_with('1')
                && phone.bytes().all(|b| b.is_ascii_digit());
            if !mobile {
                return Err(bad(
                    "INVALID_PHONE",
                    "delivery.phone",
                    "联系电话（delivery.phone）须为11位手机号码",
                ));
            }
            Ok(Delivery::Mail {
                recipient: required_text(
                    input.recipient.as_deref(),
                    "delivery.recipient",
                    "收件人",
                    30,
                )?,
                phone,
                address: required_text(
                    input.address.as_deref(),
                    "delivery.address",
                    "邮寄地址",
                    200,
                )?,
            })
        }
        None => Err(Invalid::missing(
            "delivery.method",
            "送达方式（delivery.method）不能为空",
        )),
        Some(_) => Err(bad(
            "INVALID_ENUM",
            "delivery.method",
            "送达方式（delivery.method）须为 pickup 或 mail",
        )),
    }
}

/// Largest material accepted (a phone photo of a page).
pub const MAX_MATERIAL_BYTES: usize = 10 * 1024 * 1024;

/// An uploaded material as received.
#[derive(Debug, Clone, Default)]
pub struct MaterialInput {
    pub material: Option<String>,
    pub filename: Option<String>,
    pub content_type: Option<String>,
    pub bytes: Vec<u8>,
}

/// A validated upload.
#[derive(Debug, Clone)]
pub struct SupplyMaterial {
    pub material: MissingMaterial,
    pub filename: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

impl TryFrom<MaterialInput> for SupplyMaterial {
    type Error = Invalid;

    fn try_from(input: MaterialInput) -> Result<SupplyMaterial, Invalid> {
        use crate::InvalidKind;
        let material = choice(
            input.material.as_deref(),
            "material",
            "材料",
            MissingMaterial::parse,
            &MissingMaterial::ALL.map(MissingMaterial::code).join("、"),
        )?;
        if input.bytes.is_empty() {
            return Err(Invalid::missing("file", "请上传文件（file）"));
        }
        if input.bytes.len() > MAX_MATERIAL_BYTES {
            return Err(bad("FILE_TOO_LARGE", "file", "文件（file）不能超过10MB")
                .with_kind(InvalidKind::TooLarge));
        }
        let content_type = input.content_type.unwrap_or_default();
        if !matches!(
            content_type.as_str(),
            "image/jpeg" | "image/png" | "application/pdf"
        ) {
            return Err(bad(
                "UNSUPPORTED_FILE_TYPE",
                "file",
                "文件（file）须为 JPEG、PNG 图片或 PDF",
            )
            .with_kind(InvalidKind::UnsupportedType));
        }
        Ok(SupplyMaterial {
            material,
            filename: optional_text(input.filename.as_deref()).unwrap_or_else(|| "upload".into()),
            content_type,
            bytes: input.bytes,
        })
    }
}

/// A department's result for an item (contract: `certificate_ref` and `data`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResultInput {
    pub certificate_ref: Option<String>,
    pub data: Option<serde_json::Value>,
}

/// A validated result: `data` is an object (or absent).
#[derive(Debug, Clone, PartialEq)]
pub struct ItemResult {
    pub certificate_ref: Option<String>,
    pub data: serde_json::Map<String, serde_json::Value>,
}

impl TryFrom<ResultInput> for ItemResult {
    type Error = Invalid;

    fn try_from(input: ResultInput) -> Result<ItemResult, Invalid> {
        let certificate_ref = optional_text(input.certificate_ref.as_deref());
        if certificate_ref
            .as_ref()
            .is_some_and(|c| c.chars().count() > 100)
        {
            return Err(bad(
                "INVALID_BODY",
                "certificate_ref",
                "证照编号（certificate_ref）不超过100个字符",
            ));
        }
        let data = match input.data {
            None | Some(serde_json::Value::Null) => serde_json::Map::new(),
            Some(serde_json::Value::Object(map)) => map,
            Some(_) => {
                return Err(bad(
                    "INVALID_BODY",
                    "data",
                    "办理结果（data）须为 JSON 对象",
                ));
            }
        };
        Ok(ItemResult {
            certificate_ref,
            data,
        })
    }
}

/// A reason (denial, withdrawal, a clerk's refusal).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReasonInput {
    pub reason: Option<String>,
}

/// A validated reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason(pub String);

impl TryFrom<ReasonInput> for Reason {
    type Error = Invalid;

    fn try_from(input: ReasonInput) -> Result<Reason, Invalid> {
        required_text(input.reason.as_deref(), "reason", "理由", 500).map(Reason)
    }
}

/// A clerk's refusal after checking supplied materials, as sent.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RefuseInput {
    #[serde(default)]
    pub reasons: Vec<String>,
    pub note: Option<String>,
}

/// A validated refusal: at least one condition the materials showed failing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refuse {
    pub reasons: Vec<onething_domain::newborn::RefusalReason>,
    pub note: Option<String>,
}

impl TryFrom<RefuseInput> for Refuse {
    type Error = Invalid;

    fn try_from(input: RefuseInput) -> Result<Refuse, Invalid> {
        use onething_domain::newborn::RefusalReason;
        let mut reasons = Vec::new();
        for (n, code) in input.reasons.iter().enumerate() {
            let reason = RefusalReason::parse(code.trim()).ok_or_else(|| {
                bad(
                    "INVALID_ENUM",
                    &format!("reasons[{n}]"),
                    &format!(
                        "不予受理理由须为 {} 之一",
                        RefusalReason::ALL.map(RefusalReason::code).join("、")
                    ),
                )
            })?;
            if !reasons.contains(&reason) {
                reasons.push(reason);
            }
        }
        if reasons.is_empty() {
            return Err(Invalid::missing(
                "reasons",
                "请选择至少一项不予受理理由（reasons）",
            ));
        }
        let note = optional_text(input.note.as_deref());
        if note.as_ref().is_some_and(|n| n.chars().count() > 500) {
            return Err(bad("INVALID_BODY", "note", "说明（note）不超过500个字符"));
        }
        Ok(Refuse { reasons, note })
    }
}

//! The validated commands of the claim use cases, each built with `TryFrom` from the raw
//! input that the JSON body and the page form both turn into. Field paths are the API's
//! (`bank_account.number`); messages name the field in Chinese and by path.

use onething_domain::CitizenId;
use onething_domain::Uscc;
use onething_domain::allowance::settlement::{AccountKind, PayeeAccount};
use onething_domain::allowance::{RejectionReason, WageBasis};
use onething_store::allowance::claims::{Authorisation, BankAccount, NewAttachment};

use crate::input::{self, optional_text, required_text};
use crate::{Invalid, InvalidKind};

/// Who a claim is for: a citizen id, or the opaque handle of an offer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PersonKey {
    Id(CitizenId),
    Ref(String),
}

/// Raw fields of a new claim.
#[derive(Debug, Clone, Default)]
pub struct OpenClaimInput {
    pub person_id: Option<String>,
    pub person_ref: Option<String>,
    pub certificate_no: Option<String>,
    pub employer_uscc: Option<String>,
    pub authorisation: Option<AuthorisationInput>,
    /// The hospital window's 申报表: birth order (胎次), 1–9.
    pub birth_order: Option<u8>,
}

/// Raw fields of the employer's authorisation (授权确认表) for a window claim.
#[derive(Debug, Clone, Default)]
pub struct AuthorisationInput {
    pub number: Option<String>,
    pub signer: Option<String>,
    pub signed_on: Option<String>,
}

/// A claim to open. Whose claim (the employer's own, or the window's for an employer) is
/// decided by the use case from the actor.
#[derive(Debug, Clone)]
pub struct OpenClaim {
    pub person: PersonKey,
    pub certificate_no: Option<String>,
    pub employer: Option<Uscc>,
    pub authorisation: Option<Authorisation>,
    /// The hospital window's 申报表: birth order (胎次).
    pub birth_order: Option<u8>,
}

impl TryFrom<OpenClaimInput> for OpenClaim {
    type Error = Invalid;

    fn try_from(raw: OpenClaimInput) -> Result<Self, Invalid> {
        let person = match (
            optional_text(raw.person_id.as_deref()),
            optional_text(raw.person_ref.as_deref()),
        ) {
            (Some(id), _) => PersonKey::Id(input::citizen_id(&id, "person_id")?),
            (None, Some(handle)) => PersonKey::Ref(handle),
            (None, None) => {
                return Err(Invalid::missing(
                    "person_id",
                    "请提供 person_id（身份证号）或 person_ref（待申领名单中的人员句柄）",
                ));
            }
        };
        let employer = optional_text(raw.employer_uscc.as_deref())
            .map(|u| input::uscc(&u, "employer_uscc"))
            .transpose()?;
        Ok(OpenClaim {
            person,
            certificate_no: input::certificate_no(raw.certificate_no.as_deref(), "certificate_no")?,
            employer,
            authorisation: raw.authorisation.map(authorisation).transpose()?,
            birth_order: match raw.birth_order {
                Some(n) if !(1..=9).contains(&n) => {
                    return Err(Invalid::new(
                        "INVALID_BODY",
                        "birth_order",
                        "胎次（birth_order）为1至9",
                    ));
                }
                other => other,
            },
        })
    }
}

fn authorisation(raw: AuthorisationInput) -> Result<Authorisation, Invalid> {
    Ok(Authorisation {
        number: required_text(
            raw.number.as_deref(),
            "authorisation.number",
            "授权确认表编号",
            64,
        )?,
        signer: required_text(
            raw.signer.as_deref(),
            "authorisation.signer",
            "单位经办人",
            64,
        )?,
        signed_on: input::date(
            raw.signed_on.as_deref(),
            "authorisation.signed_on",
            "签署日期",
        )?,
    })
}

/// The wage basis the employer confirms (MA-2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConfirmWage {
    pub basis: WageBasis,
}

impl TryFrom<Option<&str>> for ConfirmWage {
    type Error = Invalid;

    fn try_from(basis: Option<&str>) -> Result<Self, Invalid> {
        let text = optional_text(basis).ok_or_else(|| {
            Invalid::missing(
                "basis",
                "上年度月平均工资（basis）：请选择按月平均工资（avg_wage）还是按月平均缴费基数（avg_base）",
            )
        })?;
        let basis = WageBasis::parse(&text).ok_or_else(|| {
            Invalid::new(
                "INVALID_ENUM",
                "basis",
                format!("上年度月平均工资（basis）：“{text}”不是 avg_wage 或 avg_base"),
            )
        })?;
        Ok(ConfirmWage { basis })
    }
}

/// Raw fields of a bank account.
#[derive(Debug, Clone, Default)]
pub struct AccountInput {
    pub name: Option<String>,
    pub bank: Option<String>,
    pub number: Option<String>,
    pub kind: AccountKind,
}

/// An account checked by the settlement's rules, so an account accepted here is one the
/// payment file can carry. `prefix` is the field path's prefix (`bank_account.`).
pub fn account(raw: &AccountInput, prefix: &str) -> Result<BankAccount, Invalid> {
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let account = PayeeAccount::parse(
        &text(&raw.name),
        &text(&raw.bank),
        &text(&raw.number),
        raw.kind.payee(),
    )
    .map_err(|e| {
        let field = format!("{prefix}{}", e.field());
        let label = match e.field() {
            "name" => "账户名称",
            "bank" => "开户银行",
            _ => "银行账号",
        };
        let code = match e.field() {
            "number" => "INVALID_BANK_ACCOUNT",
            _ => "INVALID_BODY",
        };
        Invalid::new(
            code,
            &field,
            format!("{label}（{field}）：{}", e.message_zh()),
        )
    })?;
    Ok(BankAccount {
        name: account.name().to_owned(),
        bank: account.bank().to_owned(),
        number: account.number().to_owned(),
    })
}

/// Submission: the account to pay into, or the one on file.
#[derive(Debug, Clone, Default)]
pub struct Submit {
    pub account: Option<BankAccount>,
}

impl TryFrom<Option<AccountInput>> for Submit {
    type Error = Invalid;

    fn try_from(raw: Option<AccountInput>) -> Result<Self, Invalid> {
        Ok(Submit {
            account: raw.map(|a| account(&a, "bank_account.")).transpose()?,
        })
    }
}

/// Raw fields of a clerk's review.
#[derive(Debug, Clone, Default)]
pub struct ReviewInput {
    /// `approve` or `reject`.
    pub decision: Option<String>,
    pub reason_code: Option<String>,
    pub note: Option<String>,
    pub certificate_no: Option<String>,
}

/// A clerk's review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Review {
    /// Approve; `certificate_no` is the number the clerk read from the reviewed photo.
    Approve {
        certificate_no: Option<String>,
        note: Option<String>,
    },
    Reject {
        reason: RejectionReason,
        note: Option<String>,
    },
}

const NOTE_MAX: usize = 500;

impl TryFrom<ReviewInput> for Review {
    type Error = Invalid;

    fn try_from(raw: ReviewInput) -> Result<Self, Invalid> {
        let note = optional_text(raw.note.as_deref());
        if note.as_ref().is_some_and(|n| n.chars().count() > NOTE_MAX) {
            return Err(Invalid::new(
                "INVALID_BODY",
                "note",
                format!("审核意见（note）不超过{NOTE_MAX}个字符"),
            ));
        }
        match optional_text(raw.decision.as_deref()).as_deref() {
            Some("approve") => Ok(Review::Approve {
                certificate_no: input::certificate_no(
                    raw.certificate_no.as_deref(),
                    "certificate_no",
                )?,
                note,
            }),
            Some("reject") => rejection(raw.reason_code.as_deref(), note),
            Some(other) => Err(Invalid::new(
                "INVALID_ENUM",
                "decision",
                format!("审核结论（decision）：“{other}”不是 approve 或 reject"),
            )),
            None => Err(Invalid::missing(
                "decision",
                "审核结论（decision）：请选择核准（approve）或不予支付（reject）",
            )),
        }
    }
}

fn rejection(code: Option<&str>, note: Option<String>) -> Result<Review, Invalid> {
    let code = optional_text(code)
        .ok_or_else(|| Invalid::missing("reason_code", "不予支付须选择原因（reason_code）"))?;
    let reason = RejectionReason::parse(&code).ok_or_else(|| {
        let known: Vec<&str> = RejectionReason::ALL.iter().map(|r| r.code()).collect();
        Invalid::new(
            "INVALID_ENUM",
            "reason_code",
            format!("reason_code“{code}”不在原因字典中：{}", known.join("、")),
        )
    })?;
    if reason.needs_note() && note.is_none() {
        return Err(Invalid::missing(
            "note",
            "原因为“其他”时须填写审核意见（note）",
        ));
    }
    Ok(Review::Reject { reason, note })
}

/// The largest photo accepted.
pub const MAX_PHOTO_BYTES: usize = 5 * 1024 * 1024;

/// Raw upload: the declared name and type, and the bytes.
#[derive(Debug, Clone, Default)]
pub struct PhotoInput {
    pub filename: Option<String>,
    pub content_type: Option<String>,
    pub bytes: Vec<u8>,
}

/// A photo of the birth medical certificate (拍照上传, EX-5): JPEG, PNG or PDF, at most
/// 5 MiB, its type checked against its first bytes (a declared type alone is not trusted).
#[derive(Debug, Clone)]
pub struct Photo(pub NewAttachment);

impl TryFrom<PhotoInput> for Photo {
    type Error = Invalid;

    fn try_from(raw: PhotoInput) -> Result<Self, Invalid> {
        const FIELD: &str = "file";
        if raw.bytes.is_empty() {
            return Err(Invalid::new(
                "INVALID_UPLOAD",
                FIELD,
                "出生医学证明照片（file）：请选择要上传的文件（不能为空文件）",
            ));
        }
        if raw.bytes.len() > MAX_PHOTO_BYTES {
            return Err(Invalid::new(
                "FILE_TOO_LARGE",
                FIELD,
                format!(
                    "出生医学证明照片（file）超过{}MB，请压缩后上传",
                    MAX_PHOTO_BYTES >> 20
                ),
            )
            .with_kind(InvalidKind::TooLarge));
        }
        let declared = raw.content_type.unwrap_or_default();
        let sniffed = sniff(&raw.bytes);
        if sniffed.is_none() || sniffed != Some(declared.as_str()) {
            return Err(Invalid::new(
                "UNSUPPORTED_MEDIA_TYPE",
                FIELD,
                format!(
                    "出生医学证明照片（file）的类型“{declared}”不支持或与文件内容不符：只接受 JPEG、PNG 图片或 PDF"
                ),
            )
            .with_kind(InvalidKind::UnsupportedType));
        }
        let filename = optional_text(raw.filename.as_deref())
            .unwrap_or_else(|| "upload".to_owned())
            .chars()
            .filter(|c| !c.is_control())
            .take(200)
            .collect();
        Ok(Photo(NewAttachment {
            filename,
            content_type: declared,
            bytes: raw.bytes,
        }))
    }
}

/// The type the first bytes show: JPEG, PNG or PDF.
fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn review(decision: &str, reason: &str, note: &str) -> Result<Review, Invalid> {
        Review::try_from(ReviewInput {
            decision: Some(decision.into()),
            reason_code: Some(reason.into()),
            note: Some(note.into()),
            certificate_no: None,
        })
    }

    #[test]
    fn a_review_needs_a_decision_and_a_known_reason() {
        assert_eq!(
            review("", "", "").expect_err("no decision").field,
            "decision"
        );
        assert_eq!(
            review("maybe", "", "").expect_err("bad").code,
            "INVALID_ENUM"
        );
        assert_eq!(
            review("reject", "", "").expect_err("no reason").field,
            "reason_code"
        );
        assert_eq!(
            review("reject", "NOPE", "").expect_err("unknown").code,
            "INVALID_ENUM"
        );
        assert_eq!(
            review("reject", "OTHER", " ").expect_err("note").field,
            "note"
        );
        assert!(matches!(
            review("reject", "OTHER", "见备注"),
            Ok(Review::Reject { .. })
        ));
        let long = "长".repeat(NOTE_MAX + 1);
        assert_eq!(
            review("approve", "", &long).expect_err("long").field,
            "note"
        );
        assert!(matches!(
            review("approve", "", ""),
            Ok(Review::Approve { note: None, .. })
        ));
    }

    #[test]
    fn an_approval_checks_the_certificate_number_read_from_the_photo() {
        let bad = Review::try_from(ReviewInput {
            decision: Some("approve".into()),
            certificate_no: Some("12345".into()),
            ..ReviewInput::default()
        });
        assert_eq!(bad.expect_err("bad number").field, "certificate_no");
    }

    #[test]
    fn photos_are_checked_by_their_bytes_not_their_declared_type() {
        let photo = |ct: &str, bytes: &[u8]| {
            Photo::try_from(PhotoInput {
                filename: Some("a.jpg".into()),
                content_type: Some(ct.into()),
                bytes: bytes.to_vec(),
            })
        };
        assert!(photo("image/jpeg", &[0xFF, 0xD8, 0xFF, 0xE0, 1, 2]).is_ok());
        assert!(photo("image/png", b"\x89PNG\r\n\x1a\nrest").is_ok());
        assert!(photo("application/pdf", b"%PDF-1.7 ...").is_ok());
        let html = photo("image/jpeg", b"<html><script>");
        assert_eq!(html.expect_err("html").kind, InvalidKind::UnsupportedType);
        let mislabelled = photo("image/png", &[0xFF, 0xD8, 0xFF, 0xE0]);
        assert_eq!(
            mislabelled.expect_err("jpeg as png").code,
            "UNSUPPORTED_MEDIA_TYPE"
        );
        assert_eq!(
            photo("image/jpeg", b"").expect_err("empty").code,
            "INVALID_UPLOAD"
        );
        let big = vec![0xFF; MAX_PHOTO_BYTES + 1];
        assert_eq!(
            photo("image/jpeg", &big).expect_err("big").kind,
            InvalidKind::TooLarge
        );
    }

    #[test]
    fn an_open_claim_needs_a_person_and_checks_every_id() {
        let missing = OpenClaim::try_from(OpenClaimInput::default());
        assert_eq!(missing.expect_err("no person").field, "person_id");
        let bad = OpenClaim::try_from(OpenClaimInput {
            person_id: Some("110105194912310021".into()),
            ..OpenClaimInput::default()
        });
        assert_eq!(bad.expect_err("checksum").field, "person_id");
        let by_ref = OpenClaim::try_from(OpenClaimInput {
            person_ref: Some(" abc ".into()),
            employer_uscc: Some("not-a-uscc".into()),
            ..OpenClaimInput::default()
        });
        assert_eq!(by_ref.expect_err("uscc").field, "employer_uscc");
        let window = OpenClaim::try_from(OpenClaimInput {
            person_id: Some("11010519491231002X".into()),
            authorisation: Some(AuthorisationInput {
                number: Some("A-1".into()),
                signer: Some(" ".into()),
                signed_on: Some("2024-01-02".into()),
            }),
            ..OpenClaimInput::default()
        });
        assert_eq!(window.expect_err("signer").field, "authorisation.signer");
    }

    #[test]
    fn accounts_name_the_field_at_fault() {
        let raw = AccountInput {
            name: Some("某公司".into()),
            bank: Some("".into()),
            number: Some("1234567890".into()),
            kind: AccountKind::Corporate,
        };
        assert_eq!(
            account(&raw, "bank_account.").expect_err("bank").field,
            "bank_account.bank"
        );
    }
}

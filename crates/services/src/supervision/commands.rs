//! The supervision commands as sent (JSON bodies and page forms) and validated: ratings
//! with reasons and items, notes on rectifications, revisits, visits, complaints and the
//! measures' period.

use chrono::NaiveDate;
use onething_domain::supervision::{RatingReason, RevisitOutcome};
use serde::Deserialize;

use crate::Invalid;
use crate::input::{optional_text, required_text};

/// A rating as sent: `{"score", "comment", "reasons", "items": [{"item", "score",
/// "reasons", "comment"}]}`; only `score` is required (contract.md's body), so reasons are
/// asked for on the page but never required.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RatingInput {
    pub score: Option<i64>,
    pub comment: Option<String>,
    #[serde(default)]
    pub reasons: Vec<String>,
    #[serde(default)]
    pub items: Vec<ItemRatingInput>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemRatingInput {
    pub item: Option<String>,
    pub score: Option<i64>,
    pub comment: Option<String>,
    #[serde(default)]
    pub reasons: Vec<String>,
}

/// A validated score with its reasons and comment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Score {
    pub score: i64,
    pub reasons: Vec<RatingReason>,
    pub comment: Option<String>,
}

/// A validated rating (一次一评 with 一事一评).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rate {
    pub score: i64,
    pub comment: Option<String>,
    pub reasons: Vec<RatingReason>,
    /// `(item code, its score)`, each item once.
    pub items: Vec<(String, Score)>,
}

fn score_of(
    score: Option<i64>,
    reasons: &[String],
    comment: Option<&str>,
    at: &str,
) -> Result<Score, Invalid> {
    let field = |name: &str| format!("{at}{name}");
    let score = score.ok_or_else(|| {
        Invalid::missing(
            &field("score"),
            format!("评分（{}）不能为空", field("score")),
        )
    })?;
    if !(1..=5).contains(&score) {
        return Err(Invalid::new(
            "OUT_OF_RANGE",
            &field("score"),
            format!("评分（{}）须为1到5", field("score")),
        ));
    }
    let mut parsed = Vec::new();
    for (n, code) in reasons.iter().enumerate() {
        let name = field(&format!("reasons[{n}]"));
        let reason = RatingReason::parse(code.trim()).ok_or_else(|| {
            Invalid::new(
                "INVALID_ENUM",
                &name,
                format!(
                    "评价理由（{name}）须为 {} 之一",
                    RatingReason::ALL.map(RatingReason::code).join("、")
                ),
            )
        })?;
        if !reason.fits(score) {
            return Err(Invalid::new(
                "REASON_DOES_NOT_FIT",
                &name,
                format!("评价理由（{name}）“{}”与{score}分不符", reason.label_zh()),
            ));
        }
        if !parsed.contains(&reason) {
            parsed.push(reason);
        }
    }
    let comment = optional_text(comment);
    if comment.as_ref().is_some_and(|c| c.chars().count() > 500) {
        return Err(Invalid::new(
            "INVALID_BODY",
            &field("comment"),
            format!("评价（{}）不超过500个字符", field("comment")),
        ));
    }
    Ok(Score {
        score,
        reasons: parsed,
        comment,
    })
}

impl TryFrom<RatingInput> for Rate {
    type Error = Invalid;

    fn try_from(input: RatingInput) -> Result<Rate, Invalid> {
        let case = score_of(input.score, &input.reasons, input.comment.as_deref(), "")?;
        let mut items: Vec<(String, Score)> = Vec::new();
        for (n, item) in input.items.iter().enumerate() {
            let at = format!("items[{n}].");
            let code = required_text(item.item.as_deref(), &format!("{at}item"), "事项", 64)?;
            if items.iter().any(|(c, _)| *c == code) {
                return Err(Invalid::new(
                    "DUPLICATE_ITEM",
                    &format!("{at}item"),
                    format!("事项“{code}”重复评价（{at}item）"),
                ));
            }
            let score = score_of(item.score, &item.reasons, item.comment.as_deref(), &at)?;
            items.push((code, score));
        }
        Ok(Rate {
            score: case.score,
            comment: case.comment,
            reasons: case.reasons,
            items,
        })
    }
}

/// A note on a rectification (investigation or rectification record), as sent.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NoteInput {
    #[cfg_attr(
        feature = "openapi",
        schema(value_type = String, required = true, max_length = 2000, pattern = r"\S")
    )]
    pub note: Option<String>,
}

/// A validated note (1..2000 characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note(pub String);

impl TryFrom<NoteInput> for Note {
    type Error = Invalid;

    fn try_from(input: NoteInput) -> Result<Note, Invalid> {
        required_text(input.note.as_deref(), "note", "记录", 2000).map(Note)
    }
}

/// A revisit as sent: `{"outcome": "satisfied"|"unsatisfied"|"unreachable", "note"}`.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RevisitInput {
    #[cfg_attr(
        feature = "openapi",
        schema(
            value_type = String,
            required = true,
            pattern = "^(satisfied|unsatisfied|unreachable)$"
        )
    )]
    pub outcome: Option<String>,
    #[cfg_attr(
        feature = "openapi",
        schema(value_type = String, required = true, max_length = 2000, pattern = r"\S")
    )]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revisit {
    pub outcome: RevisitOutcome,
    pub note: String,
}

impl TryFrom<RevisitInput> for Revisit {
    type Error = Invalid;

    fn try_from(input: RevisitInput) -> Result<Revisit, Invalid> {
        let text = required_text(input.outcome.as_deref(), "outcome", "回访结果", 32)?;
        let outcome = RevisitOutcome::parse(&text).ok_or_else(|| {
            Invalid::new(
                "INVALID_ENUM",
                "outcome",
                "回访结果（outcome）须为 satisfied、unsatisfied、unreachable 之一",
            )
        })?;
        let note = required_text(input.note.as_deref(), "note", "回访记录", 2000)?;
        Ok(Revisit { outcome, note })
    }
}

/// The measures' period as sent (`?from=DATE&to=DATE[&region=CODE]`).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PeriodInput {
    pub from: Option<String>,
    pub to: Option<String>,
    pub region: Option<String>,
}

/// A validated period: `from <= to`, at most ten years.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub region: Option<onething_domain::RegionCode>,
}

fn date_field(value: Option<&str>, field: &str) -> Result<NaiveDate, Invalid> {
    let text = optional_text(value)
        .ok_or_else(|| Invalid::missing(field, format!("日期（{field}）不能为空")))?;
    text.parse().map_err(|_| {
        Invalid::new(
            "INVALID_DATE",
            field,
            format!("日期（{field}）须为 YYYY-MM-DD"),
        )
    })
}

impl TryFrom<PeriodInput> for Period {
    type Error = Invalid;

    fn try_from(input: PeriodInput) -> Result<Period, Invalid> {
        let from = date_field(input.from.as_deref(), "from")?;
        let to = date_field(input.to.as_deref(), "to")?;
        if to < from || (to - from).num_days() > 3660 {
            return Err(Invalid::new(
                "INVALID_PERIOD",
                "to",
                "结束日期（to）须不早于开始日期（from），期间不超过十年",
            ));
        }
        let region = match optional_text(input.region.as_deref()) {
            None => None,
            Some(code) => Some(onething_domain::RegionCode::parse(&code).map_err(|e| {
                Invalid::new(e.code(), "region", format!("region：{}", e.message_zh()))
            })?),
        };
        Ok(Period { from, to, region })
    }
}

/// A window visit as sent: `{"kind": "submission"|"supplement"|"pickup"|"consultation",
/// "priority": bool, "note"}`.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct VisitInput {
    #[cfg_attr(
        feature = "openapi",
        schema(
            value_type = String,
            required = true,
            pattern = "^(submission|supplement|pickup|consultation)$"
        )
    )]
    pub kind: Option<String>,
    /// Served first: an elderly or disabled visitor (SV-4).
    #[serde(default)]
    pub priority: bool,
    #[cfg_attr(feature = "openapi", schema(max_length = 500))]
    pub note: Option<String>,
}

/// The kinds of window visit.
pub const VISIT_KINDS: [&str; 4] = ["submission", "supplement", "pickup", "consultation"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WindowVisit {
    pub kind: &'static str,
    pub priority: bool,
    pub note: Option<String>,
}

impl TryFrom<VisitInput> for WindowVisit {
    type Error = Invalid;

    fn try_from(input: VisitInput) -> Result<WindowVisit, Invalid> {
        let text = required_text(input.kind.as_deref(), "kind", "到窗口事由", 32)?;
        let kind = VISIT_KINDS
            .into_iter()
            .find(|k| *k == text)
            .ok_or_else(|| {
                Invalid::new(
                    "INVALID_ENUM",
                    "kind",
                    "到窗口事由（kind）须为 submission、supplement、pickup、consultation 之一",
                )
            })?;
        let note = optional_text(input.note.as_deref());
        if note.as_ref().is_some_and(|n| n.chars().count() > 500) {
            return Err(Invalid::new(
                "INVALID_BODY",
                "note",
                "备注（note）不超过500个字符",
            ));
        }
        Ok(WindowVisit {
            kind,
            priority: input.priority,
            note,
        })
    }
}

/// A complaint as sent: `{"subject": "case"|"item"|"office", "case_id", "item", "region",
/// "body"}` (`case_id` for a case or item, `item` for an item, `region` for an office).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComplaintInput {
    pub subject: Option<String>,
    pub case_id: Option<String>,
    pub item: Option<String>,
    pub region: Option<String>,
    pub body: Option<String>,
}

/// What a complaint is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ComplaintSubject {
    Case(String),
    Item(String, String),
    Office(onething_domain::RegionCode),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileComplaint {
    pub subject: ComplaintSubject,
    pub body: String,
}

impl TryFrom<ComplaintInput> for FileComplaint {
    type Error = Invalid;

    fn try_from(input: ComplaintInput) -> Result<FileComplaint, Invalid> {
        let subject = required_text(input.subject.as_deref(), "subject", "投诉对象", 16)?;
        let case = || required_text(input.case_id.as_deref(), "case_id", "办件编号", 64);
        let subject = match subject.as_str() {
            "case" => ComplaintSubject::Case(case()?),
            "item" => ComplaintSubject::Item(
                case()?,
                required_text(input.item.as_deref(), "item", "事项", 64)?,
            ),
            "office" => {
                let code = required_text(input.region.as_deref(), "region", "窗口所在地区", 6)?;
                ComplaintSubject::Office(onething_domain::RegionCode::parse(&code).map_err(
                    |e| Invalid::new(e.code(), "region", format!("region：{}", e.message_zh())),
                )?)
            }
            _ => {
                return Err(Invalid::new(
                    "INVALID_ENUM",
                    "subject",
                    "投诉对象（subject）须为 case、item、office 之一",
                ));
            }
        };
        let body = required_text(input.body.as_deref(), "body", "投诉内容", 2000)?;
        Ok(FileComplaint { subject, body })
    }
}

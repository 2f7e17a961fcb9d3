//! Facts of a real claim, derived from what departments pushed (issue 4 item 2, EX-1, MA-2).
//!
//! The store finds the records (audited) and hands them here as [`Evidence`]; [`derive`]
//! turns them into the rules' [`MaternityFacts`] when nothing is missing, and always into a
//! list of [`Fact`]s (each with its dataset and record key) and a list of [`Missing`] items,
//! each naming the department that has not pushed, the employer or person and the year or
//! date. Nothing is guessed: a field the rules need and no record gives is missing.
//!
//! Choices (docs/maternity-allowance.md, "Facts and missing data"):
//! - the region whose parameters apply is the insurance enrollment's `region_code` on the
//!   event date (where the claimant is insured, which is the fund that pays);
//! - contribution months are the unbroken paid months just before the event month
//!   (参保缴费满6个月, read as continuous, the stricter reading);
//! - a father's claim (paternity leave) uses his wife's delivery, found through the
//!   marriage record, and his own enrollment, employment and contributions.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::rules::maternity::{
    EmploymentStatus, Event, InsuranceStatus, MaternityFacts, Procedure, Scheme,
};
use crate::{CitizenId, Fen, RegionCode, Sex, Uscc, YearMonth};

/// Dataset names as the exchange spells them (contract.md, "Datasets").
pub const BIRTH_CERTIFICATES: &str = "birth-certificates";
pub const DELIVERY_RECORDS: &str = "delivery-records";
pub const EMPLOYER_WAGES: &str = "employer-wages";
pub const INSURANCE_ENROLLMENTS: &str = "insurance-enrollments";
pub const EMPLOYMENT_STATUS: &str = "employment-status";
pub const CONTRIBUTIONS: &str = "contributions";
pub const MARRIAGES: &str = "marriages";
/// The pseudo-source of a fact a clerk established from an uploaded photo.
pub const UPLOAD: &str = "upload";

/// One shared record as found: its dataset, key and content.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceRecord {
    pub dataset: &'static str,
    pub key: String,
    pub content: Value,
}

/// Which of the employer's previous-year figures the employer confirmed (MA-2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum WageBasis {
    /// 上年度月平均工资.
    AvgWage,
    /// 上年度月平均缴费基数.
    AvgBase,
}

impl WageBasis {
    pub fn as_str(self) -> &'static str {
        match self {
            WageBasis::AvgWage => "avg_wage",
            WageBasis::AvgBase => "avg_base",
        }
    }

    pub fn parse(text: &str) -> Option<WageBasis> {
        [WageBasis::AvgWage, WageBasis::AvgBase]
            .into_iter()
            .find(|b| b.as_str() == text)
    }

    fn field(self) -> &'static str {
        match self {
            WageBasis::AvgWage => "avg_monthly_wage_fen",
            WageBasis::AvgBase => "avg_monthly_base_fen",
        }
    }

    fn label_zh(self) -> &'static str {
        match self {
            WageBasis::AvgWage => "月平均工资",
            WageBasis::AvgBase => "月平均缴费基数",
        }
    }
}

/// Paid contribution months before the event month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContributionEvidence {
    /// The month of the event (the count runs over the months before it).
    pub before: YearMonth,
    pub continuous: u32,
    pub total: u32,
    /// The keys of the records counted.
    pub keys: Vec<String>,
}

/// Everything the store found for one claim.
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    pub claimant: CitizenId,
    pub employer: Uscc,
    /// The mother whose delivery is claimed for (the claimant, or a father's wife).
    pub mother: Option<CitizenId>,
    /// The marriage record that names the mother (a father's claim only).
    pub marriage: Option<SourceRecord>,
    pub certificate: Option<SourceRecord>,
    /// The certificate number a clerk read from a reviewed photo, when none was pushed.
    pub uploaded_certificate_no: Option<String>,
    pub delivery: Option<SourceRecord>,
    pub wage: Option<SourceRecord>,
    pub enrollment: Option<SourceRecord>,
    pub employment: Option<SourceRecord>,
    pub contributions: Option<ContributionEvidence>,
    pub basis: Option<WageBasis>,
}

/// One derived fact, shown to the employer and the clerk beside its source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Fact {
    /// Machine name (`event_type`, `employer_avg_monthly_wage_fen`, …).
    pub name: String,
    /// What it is, in Chinese.
    pub label: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub value: Value,
    /// The dataset it came from (or `upload`).
    pub source: String,
    pub record_key: String,
}

/// Shared data that is not there, with who has not pushed what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Missing {
    pub name: String,
    pub message: String,
}

/// What [`derive`] found.
#[derive(Debug, Clone, PartialEq)]
pub struct Derived {
    pub facts: Vec<Fact>,
    pub missing: Vec<Missing>,
    pub event_date: Option<NaiveDate>,
    pub region: Option<RegionCode>,
    /// The rules' input, when nothing is missing.
    pub maternity: Option<MaternityFacts>,
}

/// The birth date printed on a certificate (`birth_time` is RFC 3339; its date part is the
/// local date of birth as the hospital wrote it).
pub fn certificate_birth_date(certificate: &SourceRecord) -> Option<NaiveDate> {
    let text = certificate.content["birth_time"].as_str()?;
    NaiveDate::parse_from_str(text.get(..10)?, "%Y-%m-%d").ok()
}

/// The delivery a claim is about: the one on the certificate's birth date, else (no
/// certificate) the latest one.
pub fn choose_delivery(
    deliveries: &[SourceRecord],
    birth_date: Option<NaiveDate>,
) -> Option<&SourceRecord> {
    match birth_date {
        Some(date) => deliveries.iter().find(|d| record_date(d) == Some(date)),
        None => deliveries.iter().max_by_key(|d| record_date(d)),
    }
}

/// The event date of a claim: the delivery's, else the certificate's birth date.
pub fn event_date(
    delivery: Option<&SourceRecord>,
    certificate: Option<&SourceRecord>,
) -> Option<NaiveDate> {
    delivery
        .and_then(record_date)
        .or_else(|| certificate.and_then(certificate_birth_date))
}

fn record_date(delivery: &SourceRecord) -> Option<NaiveDate> {
    date_field(&delivery.content, "event_date")
}

fn date_field(content: &Value, field: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(content[field].as_str()?, "%Y-%m-%d").ok()
}

/// The previous year whose wage applies to an event (MA-7: 上年度).
pub fn wage_year(event_date: NaiveDate) -> i32 {
    event_date.year() - 1
}

/// Derives the facts and what is missing. Total: never fails, never guesses.
pub fn derive(e: &Evidence, case_id: &str) -> Derived {
    let mut out = Collector::default();
    let sex = e.claimant.sex();
    if sex == Sex::Male {
        marriage(e, &mut out);
    }
    let date = event_date(e.delivery.as_ref(), e.certificate.as_ref());
    certificate(e, sex, &mut out);
    let event = delivery(e, &mut out);
    let (wage, region, enrollment, employment, months) = match date {
        Some(date) => (
            wage(e, date, &mut out),
            enrollment_region(e, date, &mut out),
            enrollment_status(e, &mut out),
            employment(e, date, &mut out),
            contributions(e, date, &mut out),
        ),
        None => (None, None, None, None, None),
    };
    let maternity = match (date, event, wage, region, enrollment, employment, months) {
        (
            Some(date),
            Some((event, network)),
            Some(w),
            Some(r),
            Some((sch, ins)),
            Some(emp),
            Some(m),
        ) if out.missing.is_empty() => Some(MaternityFacts {
            case_id: case_id.to_owned(),
            claimant_sex: sex,
            event,
            event_date: date,
            region: r,
            employer_avg_monthly_wage_fen: w,
            contribution_months: m,
            insurance_status: ins,
            employment_status: emp,
            scheme: sch,
            settled_in_network: network,
        }),
        _ => None,
    };
    Derived {
        facts: out.facts,
        missing: out.missing,
        event_date: date,
        region,
        maternity,
    }
}

#[derive(Default)]
struct Collector {
    facts: Vec<Fact>,
    missing: Vec<Missing>,
}

impl Collector {
    fn fact(&mut self, name: &str, label: &str, value: Value, source: &SourceRecord) {
        self.facts.push(Fact {
            name: name.to_owned(),
            label: label.to_owned(),
            value,
            source: source.dataset.to_owned(),
            record_key: source.key.clone(),
        });
    }

    fn missing(&mut self, name: &str, message: String) {
        self.missing.push(Missing {
            name: name.to_owned(),
            message,
        });
    }
}

fn marriage(e: &Evidence, out: &mut Collector) {
    match (&e.marriage, &e.mother) {
        (Some(record), Some(wife)) => {
            out.fact("spouse_id", "配偶身份证号", json!(wife.masked()), record);
        }
        _ => out.missing(
            "marriage",
            "民政部门尚未推送该职工的在册婚姻登记记录，无法确定配偶的分娩信息（男职工申领护理假津贴需要）"
                .to_owned(),
        ),
    }
}

fn certificate(e: &Evidence, sex: Sex, out: &mut Collector) {
    if let Some(record) = &e.certificate {
        let no = record.content["certificate_no"].clone();
        out.fact("certificate_no", "出生医学证明编号", no, record);
        let babies = record.content["child_name"].clone();
        out.fact("child_name", "新生儿姓名", babies, record);
        return;
    }
    if let Some(no) = &e.uploaded_certificate_no {
        out.facts.push(Fact {
            name: "certificate_no".into(),
            label: "出生医学证明编号（经办人员审核照片确认）".into(),
            value: json!(no),
            source: UPLOAD.into(),
            record_key: no.clone(),
        });
        return;
    }
    // A miscarriage, induction before a live birth or a surgery has no birth certificate.
    let needs_certificate = e.delivery.as_ref().is_none_or(|d| {
        matches!(
            d.content["event_type"].as_str(),
            Some("vaginal" | "cesarean" | "dystocia")
        )
    });
    if needs_certificate {
        let whose = if sex == Sex::Male {
            "配偶"
        } else {
            "该职工"
        };
        out.missing(
            "birth_certificate",
            format!(
                "卫生健康部门尚未推送{whose}所生新生儿的出生医学证明，可拍照上传后由经办机构审核"
            ),
        );
    }
}

/// The event and whether its costs were settled in the network.
fn delivery(e: &Evidence, out: &mut Collector) -> Option<(Event, bool)> {
    let Some(record) = &e.delivery else {
        out.missing(
            "delivery_record",
            "定点医疗机构尚未推送该职工（或其配偶）的分娩及生育医疗费用联网结算记录".to_owned(),
        );
        return None;
    };
    let c = &record.content;
    for (name, label) in [
        ("event_type", "生育类别"),
        ("event_date", "生育（手术）日期"),
        ("babies", "胎数"),
        ("pregnancy_weeks", "孕周"),
        ("settled_in_network", "本市联网结算"),
        ("institution_code", "医疗机构代码"),
    ] {
        if !c[name].is_null() {
            out.fact(name, label, c[name].clone(), record);
        }
    }
    let babies = c["babies"].as_u64().and_then(|b| u32::try_from(b).ok());
    let weeks = c["pregnancy_weeks"]
        .as_u64()
        .and_then(|w| u32::try_from(w).ok());
    let event = match (c["event_type"].as_str(), babies, weeks) {
        (Some("vaginal"), Some(babies), _) => Some(Event::Vaginal { babies }),
        (Some("cesarean"), Some(babies), _) => Some(Event::Cesarean { babies }),
        (Some("dystocia"), Some(babies), _) => Some(Event::Dystocia { babies }),
        (Some("miscarriage"), _, Some(weeks)) => Some(Event::Miscarriage { weeks }),
        (Some("induced"), babies, Some(weeks)) => Some(Event::Induced {
            weeks,
            babies: babies.unwrap_or(1).max(1),
        }),
        (Some("family_planning_surgery"), _, _) => c["procedure"]
            .as_str()
            .and_then(procedure)
            .map(Event::FamilyPlanningSurgery),
        _ => None,
    };
    if event.is_none() {
        out.missing(
            "event",
            format!(
                "定点医疗机构推送的分娩记录{}缺少生育类别、胎数、孕周或手术类型，需经办机构人工审核",
                record.key
            ),
        );
    }
    let network = c["settled_in_network"].as_bool();
    if network.is_none() {
        out.missing(
            "settled_in_network",
            format!("定点医疗机构推送的分娩记录{}未注明是否联网结算", record.key),
        );
    }
    Some((event?, network?))
}

fn procedure(text: &str) -> Option<Procedure> {
    Procedure::ALL.into_iter().find(|p| {
        serde_json::to_value(p)
            .ok()
            .as_ref()
            .and_then(Value::as_str)
            == Some(text)
    })
}

fn wage(e: &Evidence, date: NaiveDate, out: &mut Collector) -> Option<Fen> {
    let year = wage_year(date);
    let basis = e.basis.unwrap_or(WageBasis::AvgWage);
    let Some(record) = &e.wage else {
        out.missing(
            "employer_wage",
            format!(
                "税务部门尚未推送该单位（{}）{year}年度{}",
                e.employer.as_str(),
                basis.label_zh()
            ),
        );
        return None;
    };
    for b in [WageBasis::AvgWage, WageBasis::AvgBase] {
        let label = format!("单位{year}年度{}（分）", b.label_zh());
        out.fact(b.field(), &label, record.content[b.field()].clone(), record);
    }
    let fen = record.content[basis.field()].as_i64().filter(|f| *f >= 0);
    if fen.is_none() {
        out.missing(
            "employer_wage",
            format!("税务部门推送的该单位{year}年度数据缺少{}", basis.label_zh()),
        );
    }
    fen.map(Fen::new)
}

fn enrollment_region(e: &Evidence, date: NaiveDate, out: &mut Collector) -> Option<RegionCode> {
    let Some(record) = &e.enrollment else {
        out.missing(
            "insurance_enrollment",
            format!("医保部门尚未推送该职工{date}时的参保登记信息（险种、参保状态、参保地）"),
        );
        return None;
    };
    for (name, label) in [
        ("scheme", "参保险种"),
        ("status", "参保状态"),
        ("region_code", "参保地"),
        ("employer_uscc", "参保单位"),
        ("effective_from", "参保状态生效日期"),
    ] {
        if !record.content[name].is_null() {
            out.fact(name, label, record.content[name].clone(), record);
        }
    }
    let region = record.content["region_code"]
        .as_str()
        .and_then(|r| RegionCode::parse(r).ok());
    if region.is_none() {
        out.missing(
            "region",
            format!(
                "医保部门推送的参保登记{}缺少有效的参保地区划代码",
                record.key
            ),
        );
    }
    region
}

fn enrollment_status(e: &Evidence, out: &mut Collector) -> Option<(Scheme, InsuranceStatus)> {
    let record = e.enrollment.as_ref()?;
    let parsed = (
        serde_json::from_value::<Scheme>(record.content["scheme"].clone()).ok(),
        serde_json::from_value::<InsuranceStatus>(record.content["status"].clone()).ok(),
    );
    match parsed {
        (Some(scheme), Some(status)) => Some((scheme, status)),
        _ => {
            out.missing(
                "insurance_status",
                format!("医保部门推送的参保登记{}缺少险种或参保状态", record.key),
            );
            None
        }
    }
}

fn employment(e: &Evidence, date: NaiveDate, out: &mut Collector) -> Option<EmploymentStatus> {
    let Some(record) = &e.employment else {
        out.missing(
            "employment_status",
            format!("人力社保部门尚未推送该职工{date}时的就业状态"),
        );
        return None;
    };
    out.fact(
        "employment_status",
        "就业状态",
        record.content["status"].clone(),
        record,
    );
    let status = serde_json::from_value(record.content["status"].clone()).ok();
    if status.is_none() {
        out.missing(
            "employment_status",
            format!("人力社保部门推送的就业状态记录{}无法识别", record.key),
        );
    }
    status
}

fn contributions(e: &Evidence, date: NaiveDate, out: &mut Collector) -> Option<u32> {
    let month = YearMonth::of(date);
    match &e.contributions {
        Some(c) if !c.keys.is_empty() => {
            out.facts.push(Fact {
                name: "contribution_months".into(),
                label: format!("{month}前连续缴费月数"),
                value: json!({"continuous": c.continuous, "total": c.total}),
                source: CONTRIBUTIONS.into(),
                record_key: c.keys.join(","),
            });
            Some(c.continuous)
        }
        _ => {
            out.missing(
                "contributions",
                format!("医保部门尚未推送该职工{month}之前的缴费记录"),
            );
            None
        }
    }
}

#[cfg(test)]
#[path = "derive_tests.rs"]
mod tests;

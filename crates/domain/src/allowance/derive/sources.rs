//! One function per dataset: each adds its facts and, when its record is absent or
//! incomplete, a missing item naming the department and what it has not pushed.

use chrono::NaiveDate;
use serde_json::{Value, json};

use super::{CONTRIBUTIONS, Evidence, Fact, Missing, SourceRecord, UPLOAD, WageBasis, wage_year};
use crate::rules::maternity::{
    EmploymentStatus, Event, InsuranceStatus, PaidMonths, Procedure, Scheme,
};
use crate::{Fen, RegionCode, Sex, YearMonth};

#[derive(Default)]
pub(super) struct Collector {
    pub(super) facts: Vec<Fact>,
    pub(super) missing: Vec<Missing>,
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

pub(super) fn marriage(e: &Evidence, out: &mut Collector) {
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

pub(super) fn certificate(e: &Evidence, sex: Sex, out: &mut Collector) {
    if let Some(record) = &e.certificate {
        let no = record.content["certificate_no"].clone();
        out.fact("certificate_no", "出生医学证明编号", no, record);
        // The printed application form names the mother and the institution (申请表).
        for (name, label) in [
            ("child_name", "新生儿姓名"),
            ("mother_name", "母亲姓名"),
            ("institution_name", "助产机构"),
        ] {
            if !record.content[name].is_null() {
                out.fact(name, label, record.content[name].clone(), record);
            }
        }
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
pub(super) fn delivery(e: &Evidence, out: &mut Collector) -> Option<(Event, bool)> {
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

pub(super) fn wage(e: &Evidence, date: NaiveDate, out: &mut Collector) -> Option<Fen> {
    let year = wage_year(date);
    let basis = WageBasis::effective(e.basis);
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

pub(super) fn enrollment_region(
    e: &Evidence,
    date: NaiveDate,
    out: &mut Collector,
) -> Option<RegionCode> {
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

pub(super) fn enrollment_status(
    e: &Evidence,
    out: &mut Collector,
) -> Option<(Scheme, InsuranceStatus)> {
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

pub(super) fn employment(
    e: &Evidence,
    date: NaiveDate,
    out: &mut Collector,
) -> Option<EmploymentStatus> {
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

pub(super) fn contributions(
    e: &Evidence,
    date: NaiveDate,
    out: &mut Collector,
) -> Option<PaidMonths> {
    let month = YearMonth::of(date);
    match &e.contributions {
        Some(c) if !c.keys.is_empty() => {
            out.facts.push(Fact {
                name: "contribution_months".into(),
                label: format!("{month}之前的缴费月数（连续 / 近24个月累计）"),
                value: json!({"continuous": c.continuous, "total": c.total}),
                source: CONTRIBUTIONS.into(),
                record_key: c.keys.join(","),
            });
            Some(PaidMonths(c.paid.clone()))
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

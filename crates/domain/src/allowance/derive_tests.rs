use chrono::NaiveDate;
use serde_json::json;

use super::*;
use crate::Fen;
use crate::rules::maternity::Event;
use crate::rules::{MaternityParams, evaluate};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("test value")
}

fn mother() -> CitizenId {
    CitizenId::from_parts(
        RegionCode::new(500228).expect("test value"),
        date(1994, 6, 2),
        302,
    )
    .expect("test value")
}

fn father() -> CitizenId {
    CitizenId::from_parts(
        RegionCode::new(500228).expect("test value"),
        date(1992, 1, 9),
        311,
    )
    .expect("test value")
}

fn employer() -> Uscc {
    Uscc::from_parts(
        '9',
        '1',
        RegionCode::new(500228).expect("test value"),
        "MA5U7CHW",
    )
    .expect("test value")
}

fn record(dataset: &'static str, key: &str, content: Value) -> SourceRecord {
    SourceRecord {
        dataset,
        key: key.into(),
        content,
    }
}

fn complete() -> Evidence {
    Evidence {
        claimant: mother(),
        employer: employer(),
        mother: Some(mother()),
        marriage: None,
        certificate: Some(record(
            BIRTH_CERTIFICATES,
            "Q500000001",
            json!({"certificate_no": "Q500000001", "child_name": "测试乙", "birth_time": "2024-03-05T08:30:00+08:00"}),
        )),
        uploaded_certificate_no: None,
        delivery: Some(record(
            DELIVERY_RECORDS,
            "D1",
            json!({"event_type": "cesarean", "event_date": "2024-03-05", "babies": 2, "pregnancy_weeks": 38, "settled_in_network": true, "institution_code": "H1"}),
        )),
        wage: Some(record(
            EMPLOYER_WAGES,
            "X|2023",
            json!({"avg_monthly_wage_fen": 900000, "avg_monthly_base_fen": 700000}),
        )),
        enrollment: Some(record(
            INSURANCE_ENROLLMENTS,
            "E1",
            json!({"scheme": "employee", "status": "normal", "region_code": "500228", "effective_from": "2020-01-01"}),
        )),
        employment: Some(record(
            EMPLOYMENT_STATUS,
            "S1",
            json!({"status": "employed"}),
        )),
        contributions: Some(ContributionEvidence {
            before: YearMonth::of(date(2024, 3, 5)),
            continuous: 14,
            total: 14,
            paid: vec![true; 14],
            keys: vec!["c1".into()],
        }),
        basis: Some(WageBasis::AvgWage),
    }
}

#[test]
fn complete_evidence_gives_the_contract_example_facts() {
    let d = derive(&complete(), "c1");
    assert!(d.missing.is_empty(), "{:?}", d.missing);
    let facts = d.maternity.expect("complete");
    assert_eq!(facts.event, Event::Cesarean { babies: 2 });
    assert_eq!(facts.employer_avg_monthly_wage_fen, Fen::new(900_000));
    assert_eq!(facts.region, RegionCode::new(500228).expect("test value"));
    assert_eq!(facts.contribution_months, 14);
    let decision = evaluate(&facts, &MaternityParams::shipped());
    assert_eq!(decision.amount_fen, Fen::new(6_240_000));
    // Every fact names its source and key.
    let wage = d
        .facts
        .iter()
        .find(|f| f.name == "avg_monthly_wage_fen")
        .expect("test value");
    assert_eq!(
        (wage.source.as_str(), wage.record_key.as_str()),
        (EMPLOYER_WAGES, "X|2023")
    );
    assert_eq!(d.event_date, Some(date(2024, 3, 5)));
}

#[test]
fn the_confirmed_base_replaces_the_wage() {
    let mut e = complete();
    e.basis = Some(WageBasis::AvgBase);
    let facts = derive(&e, "c1").maternity.expect("test value");
    assert_eq!(facts.employer_avg_monthly_wage_fen, Fen::new(700_000));
}

/// A way to lose one record, the missing item's name and the start of its message.
type Removal = (fn(&mut Evidence), &'static str, &'static str);

#[test]
fn each_missing_record_is_named_precisely_and_nothing_is_guessed() {
    let cases: [Removal; 6] = [
        (
            |e| e.wage = None,
            "employer_wage",
            "税务部门尚未推送该单位（91500228MA5U7CHW",
        ),
        (
            |e| e.certificate = None,
            "birth_certificate",
            "卫生健康部门尚未推送",
        ),
        (
            |e| e.delivery = None,
            "delivery_record",
            "定点医疗机构尚未推送",
        ),
        (
            |e| e.enrollment = None,
            "insurance_enrollment",
            "医保部门尚未推送该职工2024-03-05",
        ),
        (
            |e| e.employment = None,
            "employment_status",
            "人力社保部门尚未推送",
        ),
        (
            |e| e.contributions = None,
            "contributions",
            "医保部门尚未推送该职工2024-03之前",
        ),
    ];
    for (remove, name, message) in cases {
        let mut e = complete();
        remove(&mut e);
        let d = derive(&e, "c1");
        assert!(d.maternity.is_none(), "{name}");
        let missing = d.missing.iter().find(|m| m.name == name).expect(name);
        assert!(missing.message.contains(message), "{}", missing.message);
    }
}

#[test]
fn the_wage_message_names_the_year_before_the_delivery() {
    let mut e = complete();
    e.wage = None;
    let d = derive(&e, "c1");
    assert!(
        d.missing[0].message.ends_with("2023年度月平均工资"),
        "{}",
        d.missing[0].message
    );
}

#[test]
fn a_reviewed_photo_stands_in_for_the_certificate() {
    let mut e = complete();
    e.certificate = None;
    e.uploaded_certificate_no = Some("Q500000009".into());
    let d = derive(&e, "c1");
    assert!(d.maternity.is_some());
    let cert = d
        .facts
        .iter()
        .find(|f| f.name == "certificate_no")
        .expect("test value");
    assert_eq!(cert.source, UPLOAD);
}

#[test]
fn a_miscarriage_needs_no_certificate() {
    let mut e = complete();
    e.certificate = None;
    e.delivery = Some(record(
        DELIVERY_RECORDS,
        "D2",
        json!({"event_type": "miscarriage", "event_date": "2024-03-05", "babies": 0, "pregnancy_weeks": 10, "settled_in_network": true}),
    ));
    let facts = derive(&e, "c1").maternity.expect("complete");
    assert_eq!(facts.event, Event::Miscarriage { weeks: 10 });
}

#[test]
fn a_father_claims_through_his_marriage() {
    let mut e = complete();
    e.claimant = father();
    let d = derive(&e, "c1");
    assert!(d.missing.iter().any(|m| m.name == "marriage"));
    e.marriage = Some(record(MARRIAGES, "M1", json!({"status": "married"})));
    let d = derive(&e, "c1");
    let facts = d.maternity.expect("complete");
    assert_eq!(facts.claimant_sex, Sex::Male);
    let decision = evaluate(&facts, &MaternityParams::shipped());
    assert_eq!(decision.leave_days, 20);
}

#[test]
fn the_delivery_is_the_one_on_the_birth_date() {
    let a = record(DELIVERY_RECORDS, "A", json!({"event_date": "2023-01-01"}));
    let b = record(DELIVERY_RECORDS, "B", json!({"event_date": "2024-03-05"}));
    let all = [a, b];
    assert_eq!(
        choose_delivery(&all, Some(date(2023, 1, 1)))
            .expect("test value")
            .key,
        "A"
    );
    assert_eq!(choose_delivery(&all, None).expect("test value").key, "B");
    assert!(choose_delivery(&all, Some(date(2022, 1, 1))).is_none());
    assert_eq!(wage_year(date(2024, 1, 1)), 2023);
    assert_eq!(WageBasis::parse("avg_base"), Some(WageBasis::AvgBase));
    assert_eq!(WageBasis::parse("wage"), None);
}

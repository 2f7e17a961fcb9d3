//! The newborn bundle through the services layer on SQLite and (when configured)
//! PostgreSQL: acceptance with the certificate done at once and the ready items routed,
//! results handed along the chain, due dates across the 2025 Spring Festival, the
//! one-time supplement notice, every refusal, permissions, withdrawal and rating.

use std::sync::Arc;

use crate::support::test_dbs;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use onething_domain::access::{Role, Scope};
use onething_domain::case::{CaseStatus, ItemState};
use onething_domain::department::DepartmentKind;
use onething_domain::rules::MaternityParams;
use onething_domain::{Calendar, CitizenId, RegionCode};
use onething_exchange::Dataset;
use onething_exchange::signature::generate_signing_key;
use onething_services::newborn::{
    ApplicationInput, ItemResult, MaterialInput, Newborn, Rate, Reason, ResultInput, SupplyMaterial,
};
use onething_services::{Actor, ServiceError, Services, cases, newborn};
use onething_store::Store;
use onething_store::allowance::Recipient;
use onething_store::departments::NewDepartment;
use onething_store::newborn::ApplicationStatus;
use onething_store::shared_records::Push;
use serde_json::{Value, json};

fn day(s: &str) -> NaiveDate {
    s.parse().expect("date")
}

/// Monday 20 January 2025, 10:00 in China: a week before the Spring Festival holiday.
fn monday() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 1, 20, 2, 0, 0)
        .single()
        .expect("at")
}

fn city() -> Newborn {
    Newborn {
        city: RegionCode::new(450200).expect("city"),
    }
}

fn person(region: u32, born: &str, seq: u16) -> CitizenId {
    CitizenId::from_parts(RegionCode::new(region).expect("region"), day(born), seq)
        .expect("citizen id")
}

struct Family {
    mother: CitizenId,
    father: CitizenId,
    certificate: String,
}

fn family(n: u16) -> Family {
    Family {
        mother: person(450202, "1995-03-08", 2 * n),
        father: person(450205, "1993-11-20", 2 * n + 1),
        certificate: format!("R45{:07}", n),
    }
}

async fn push(store: &Store, dataset: Dataset, records: &[Value]) {
    let valid: Vec<_> = records
        .iter()
        .map(|r| dataset.validate(r).expect("valid record"))
        .collect();
    store
        .ingest(
            &Push::unsigned("hub", dataset, monday(), valid.len()),
            &valid,
        )
        .await
        .expect("ingest");
}

/// The departments: a hub that pushes, and one system per kind that takes deliveries,
/// except public security, whose officers work on the page.
async fn departments(store: &Store) {
    store
        .ensure_shipped_catalog(monday())
        .await
        .expect("catalog");
    let key = generate_signing_key().expect("key").verifying_key();
    let mut all = vec![("hub", DepartmentKind::Health, None)];
    for (id, kind) in [
        ("health-sys", DepartmentKind::Health),
        ("cdc-sys", DepartmentKind::Cdc),
        ("hr-sys", DepartmentKind::Hr),
        ("mi-sys", DepartmentKind::MedicalInsurance),
        ("tax-sys", DepartmentKind::Tax),
    ] {
        all.push((id, kind, Some(format!("http://127.0.0.1:9/{id}"))));
    }
    for (id, kind, webhook_url) in all {
        let dept = NewDepartment {
            id: id.into(),
            name: format!("测试{id}"),
            kind,
            webhook_url,
        };
        store
            .add_department(&dept, &key, monday())
            .await
            .expect("dept");
    }
}

struct Records {
    certificate: bool,
    born: &'static str,
    birth_region: &'static str,
    father_household: Option<(&'static str, &'static str)>,
    mother_region: &'static str,
    married_on: Option<&'static str>,
}

fn qualifying() -> Records {
    Records {
        certificate: true,
        born: "2025-01-10",
        birth_region: "450203",
        father_household: Some(("CHN", "450205")),
        mother_region: "450202",
        married_on: Some("2022-05-20"),
    }
}

async fn records(store: &Store, f: &Family, r: &Records) {
    if r.certificate {
        push(
            store,
            Dataset::BirthCertificates,
            &[json!({
            "certificate_no": f.certificate, "child_name": "测试宝", "child_sex": "female",
            "birth_time": format!("{}T08:30:00+08:00", r.born), "gestational_weeks": 39,
            "weight_g": 3200, "length_cm": 50, "birth_region": r.birth_region,
            "institution_code": "H450203001", "institution_name": "测试妇幼保健院",
            "mother_name": "测试母", "mother_id": f.mother.as_str(),
            "father_name": "测试父", "father_id": f.father.as_str(), "issued_on": r.born})],
        )
        .await;
    }
    let mut households = vec![json!({"person_id": f.mother.as_str(), "name": "测试母",
        "sex": "female", "ethnicity": "汉族", "nationality": "CHN",
        "region_code": r.mother_region, "address": "测试路1号"})];
    if let Some((nationality, region)) = r.father_household {
        households.push(
            json!({"person_id": f.father.as_str(), "name": "测试父", "sex": "male",
            "ethnicity": "汉族", "nationality": nationality, "region_code": region,
            "address": "测试路1号"}),
        );
    }
    push(store, Dataset::HouseholdRegistrations, &households).await;
    if let Some(on) = r.married_on {
        push(
            store,
            Dataset::Marriages,
            &[json!({
            "certificate_no": format!("J450202-{}", f.certificate), "husband_id": f.father.as_str(),
            "wife_id": f.mother.as_str(), "registered_on": on, "status": "married"})],
        )
        .await;
    }
}

fn services(store: &Store) -> Services {
    Services::with_calendar(
        store.clone(),
        Arc::new(MaternityParams::shipped()),
        Calendar::shipped(),
    )
}

fn actor(username: &str, role: Role, scope: Scope, at: DateTime<Utc>) -> Actor {
    Actor {
        username: username.into(),
        role,
        scope,
        at,
        idempotency_key: None,
    }
}

fn mother_actor(f: &Family, at: DateTime<Utc>) -> Actor {
    actor("mother", Role::Person, Scope::Person(f.mother.clone()), at)
}

fn officer(kind: DepartmentKind) -> Actor {
    let id = format!("{}-officer", kind.as_str());
    actor(
        &id,
        Role::DeptOfficer,
        Scope::Department {
            id: id.clone(),
            kind,
        },
        monday(),
    )
}

fn form(f: &Family, mother: bool) -> ApplicationInput {
    let mut body = json!({
        "father_id": f.father.as_str(),
        "household": {"register_with": "father"},
        "ethnicity": {"value": "汉族", "confirmed_by": ["mother"]},
        "premium_channel": "alipay",
        "reimbursement": {"to": "social_security_card"},
        "card_bank": "icbc",
        "delivery": {"method": "pickup", "collector": "mother"}
    });
    if mother {
        body["mother_id"] = json!(f.mother.as_str());
    }
    serde_json::from_value(body).expect("input")
}

fn result(data: Value) -> ItemResult {
    ItemResult::try_from(ResultInput {
        certificate_ref: Some("E-001".into()),
        data: Some(data),
    })
    .expect("result")
}

fn state_of(record: &onething_store::cases::CaseRecord, item: &str) -> ItemState {
    record.state.items[item].state
}

#[tokio::test]
async fn accepted_at_once_then_every_department_finishes_and_the_mother_rates() {
    for db in test_dbs().await {
        let store = &db.store;
        departments(store).await;
        let f = family(1);
        records(store, &f, &qualifying()).await;
        let svc = services(store);
        let cmd = form(&f, false).try_into().expect("form");
        let app = newborn::apply(&svc, &city(), &mother_actor(&f, monday()), cmd)
            .await
            .expect("apply");
        assert_eq!(app.status, ApplicationStatus::Accepted, "{}", db.label);
        assert!(app.reasons.is_empty() && app.missing.is_empty());
        // One application per child: the same birth again is refused, naming the first.
        let again = form(&f, false).try_into().expect("form");
        let twice = newborn::apply(&svc, &city(), &mother_actor(&f, monday()), again).await;
        assert!(
            matches!(&twice, Err(ServiceError::ApplicationExists { existing }) if *existing == app.id),
            "{twice:?}"
        );
        let notice = app.notice.clone().expect("notice");
        assert_eq!(notice.kind, "acceptance");
        assert!(
            app.prefilled
                .iter()
                .any(|p| p.field == "child.name" && p.source == "birth-certificates")
        );
        assert!(
            app.prefilled
                .iter()
                .any(|p| p.field == "father.ethnicity" && p.source == "household-registrations")
        );
        let check = newborn::verify_notice(&svc, &notice.number, &notice.verification_code)
            .await
            .expect("genuine");
        assert_eq!(check.kind, "acceptance");
        assert!(
            newborn::verify_notice(&svc, &notice.number, "WRONGCOD")
                .await
                .is_err()
        );

        let case_id = app.case_id.clone().expect("case");
        let case = store.load_case(&case_id).await.expect("case");
        // Due dates across the 2025 Spring Festival (28 Jan – 4 Feb off; 26 Jan and 8 Feb
        // worked): the certificate is done on the day, so its chain counts from 20 Jan.
        let due = |item: &str| case.state.items[item].due_on;
        assert_eq!(state_of(&case, "HEALTH-BIRTH-CERT"), ItemState::Done);
        assert_eq!(
            case.state.items["HEALTH-BIRTH-CERT"]
                .certificate_ref
                .as_deref(),
            Some(f.certificate.as_str())
        );
        assert_eq!(due("CDC-VACCINATION-CERT"), Some(day("2025-01-21")));
        assert_eq!(due("POLICE-BIRTH-REGISTRATION"), Some(day("2025-01-22")));
        assert_eq!(due("PS-07"), Some(day("2025-02-14")));
        // The promise is acceptance + 33 working days, though the chain now ends a day
        // earlier because the certificate was already done.
        assert_eq!(case.state.due_on(), Some(day("2025-03-12")), "{}", db.label);
        for item in [
            "POLICE-BIRTH-REGISTRATION",
            "PS-07",
            "CDC-VACCINATION-CERT",
            "HEALTH-PARENTING",
        ] {
            assert_eq!(
                state_of(&case, item),
                ItemState::InProgress,
                "{item} routed"
            );
        }
        assert_eq!(
            state_of(&case, "HR-SSCARD"),
            ItemState::Accepted,
            "waits for the registration"
        );
        let deliveries = store.case_deliveries(&case_id).await.expect("deliveries");
        let to = |dept: &str, purpose: &str| {
            deliveries
                .iter()
                .filter(|(d, p)| d.dept_id == dept && p == purpose)
                .count()
        };
        assert_eq!(to("cdc-sys", "item"), 1);
        assert_eq!(to("mi-sys", "item"), 1, "PS-07");
        assert_eq!(to("health-sys", "item"), 1, "parenting");
        assert!(
            deliveries
                .iter()
                .all(|(d, _)| d.item != "POLICE-BIRTH-REGISTRATION"),
            "no police system: the officers' page"
        );

        // The police officer registers the birth; the household number reaches card and enrollment.
        let police = officer(DepartmentKind::PublicSecurity);
        let wrong = officer(DepartmentKind::Cdc);
        let refused = cases::complete_item(
            &svc,
            &wrong,
            &onething_test_support::case_id(&case_id),
            "POLICE-BIRTH-REGISTRATION",
            result(json!({})),
        )
        .await;
        assert!(
            matches!(refused, Err(ServiceError::Access(_))),
            "{}",
            db.label
        );
        let registered = cases::complete_item(
            &svc,
            &police,
            &onething_test_support::case_id(&case_id),
            "POLICE-BIRTH-REGISTRATION",
            result(json!({"household_no": "450202-0001234", "child_id": "450202202501100028"})),
        )
        .await
        .expect("register");
        assert_eq!(state_of(&registered, "HR-SSCARD"), ItemState::InProgress);
        assert_eq!(state_of(&registered, "PS-36"), ItemState::InProgress);
        let deliveries = store.case_deliveries(&case_id).await.expect("deliveries");
        let card = deliveries
            .iter()
            .find(|(d, p)| d.item == "HR-SSCARD" && p == "item")
            .expect("card delivery");
        let payload: Value = serde_json::from_str(&card.0.payload).expect("json");
        assert_eq!(
            payload["inputs"]["POLICE-BIRTH-REGISTRATION"]["data"]["household_no"],
            "450202-0001234"
        );
        assert_eq!(payload["form"]["card_bank"], "icbc");
        assert!(
            deliveries.iter().any(|(d, p)| d.dept_id == "hr-sys"
                && p == "result"
                && d.item == "POLICE-BIRTH-REGISTRATION"),
            "the registration result goes to HR too (附件2 五(三)3)"
        );
        // Registered on the day of acceptance: the card's 30 working days now count from
        // the registration's actual finish (20 Jan), not from its planned due date.
        assert_eq!(
            registered.state.items["HR-SSCARD"].due_on,
            Some(day("2025-03-07"))
        );

        let finish = |kind, item: &'static str| {
            let svc = &svc;
            let case_id = case_id.clone();
            async move {
                cases::complete_item(
                    svc,
                    &officer(kind),
                    &onething_test_support::case_id(&case_id),
                    item,
                    result(json!({"no": item})),
                )
                .await
                .expect(item)
            }
        };
        // Rating is refused while items are open.
        let early = cases::rate(
            &svc,
            &mother_actor(&f, monday()),
            &case_id,
            Rate {
                score: 5,
                comment: None,
                ..Rate::default()
            },
        )
        .await;
        assert!(matches!(early, Err(ServiceError::NotNow(_))));
        finish(DepartmentKind::Cdc, "CDC-VACCINATION-CERT").await;
        finish(DepartmentKind::MedicalInsurance, "PS-36").await;
        finish(DepartmentKind::MedicalInsurance, "PS-07").await;
        finish(DepartmentKind::Health, "HEALTH-PARENTING").await;
        let done = finish(DepartmentKind::Hr, "HR-SSCARD").await;
        assert_eq!(done.state.status(), CaseStatus::Done);
        assert_eq!(
            done.state.due_on(),
            Some(day("2025-03-12")),
            "the promise never moves"
        );

        let notes = store
            .notifications_for(&Recipient::Person(f.mother.as_str().into()), "in_site", 50)
            .await
            .expect("notes");
        assert!(
            notes.iter().any(|n| n.body.contains("出生登记”已办结")),
            "{notes:?}"
        );
        assert!(
            notes
                .iter()
                .any(|n| n.body.contains("支付宝缴纳居民医保费"))
        );
        assert!(notes.iter().any(|n| n.body.contains("领取")));
        assert!(
            notes.iter().any(|n| n
                .body
                .contains(&format!("欢迎对本次服务评价（好差评）：/cases/{case_id}"))),
            "the notice of the last item invites the rating"
        );

        let me = mother_actor(&f, monday());
        cases::rate(
            &svc,
            &me,
            &case_id,
            Rate {
                score: 5,
                comment: Some("很方便".into()),
                ..Rate::default()
            },
        )
        .await
        .expect("rate");
        let again = cases::rate(
            &svc,
            &me,
            &case_id,
            Rate {
                score: 1,
                comment: None,
                ..Rate::default()
            },
        )
        .await;
        assert!(matches!(again, Err(ServiceError::AlreadyRated)));
        let stranger = mother_actor(&family(9), monday());
        assert!(matches!(
            newborn::application(&svc, &stranger, &app.id).await,
            Err(ServiceError::Access(_))
        ));
    }
}

fn upload(material: &str) -> SupplyMaterial {
    SupplyMaterial::try_from(MaterialInput {
        material: Some(material.into()),
        filename: Some("page.jpg".into()),
        content_type: Some("image/jpeg".into()),
        bytes: vec![0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3],
    })
    .expect("upload")
}

#[tokio::test]
async fn an_incomplete_application_is_told_everything_once_then_accepted_after_a_check() {
    for db in test_dbs().await {
        let store = &db.store;
        departments(store).await;
        let f = family(2);
        let mut r = qualifying();
        r.father_household = None;
        r.married_on = None;
        records(store, &f, &r).await;
        let svc = services(store);
        let clerk = actor(
            "window",
            Role::HospitalClerk,
            hospital("H450203001"),
            monday(),
        );
        let mut input = form(&f, true);
        input.ethnicity.as_mut().expect("e").confirmed_by = vec!["mother".into(), "father".into()];
        let app = newborn::apply(&svc, &city(), &clerk, input.try_into().expect("form"))
            .await
            .expect("apply");
        assert_eq!(
            app.status,
            ApplicationStatus::NeedsSupplement,
            "{}",
            db.label
        );
        let missing: Vec<_> = app.missing.iter().map(|m| m.material).collect();
        assert_eq!(
            missing,
            vec!["HOUSEHOLD_REGISTER_FATHER", "MARRIAGE_CERTIFICATE"]
        );
        assert_eq!(app.notice.as_ref().expect("n").kind, "supplement");
        assert!(app.case_id.is_none());
        let (_, notice) = newborn::current_notice(&svc, &clerk, &app.id)
            .await
            .expect("notice");
        let printed = newborn::notice_form(&notice, "");
        assert_eq!(printed.title, "一次性告知书");
        assert_eq!(
            printed.lines.len(),
            2,
            "every missing material on the one notice"
        );

        let me = mother_actor(&f, monday());
        newborn::supply_material(&svc, &me, &app.id, upload("MARRIAGE_CERTIFICATE"))
            .await
            .expect("upload");
        let early = newborn::accept(&svc, &city(), &clerk, &app.id).await;
        assert!(
            matches!(early, Err(ServiceError::NotNow(_))),
            "one material still absent"
        );
        let not_asked = newborn::supply_material(&svc, &me, &app.id, upload("BIRTH_RECORD")).await;
        assert!(matches!(not_asked, Err(ServiceError::Invalid(_))));
        newborn::supply_material(&svc, &clerk, &app.id, upload("HOUSEHOLD_REGISTER_FATHER"))
            .await
            .expect("upload");
        let by_mother = newborn::accept(&svc, &city(), &me, &app.id).await;
        assert!(
            matches!(by_mother, Err(ServiceError::Access(_))),
            "only a clerk accepts"
        );
        let accepted = newborn::accept(&svc, &city(), &clerk, &app.id)
            .await
            .expect("accept");
        assert_eq!(accepted.status, ApplicationStatus::Accepted, "{}", db.label);
        assert_eq!(accepted.notice.as_ref().expect("n").kind, "acceptance");
        let case = store
            .load_case(accepted.case_id.as_deref().expect("case"))
            .await
            .expect("case");
        assert_eq!(state_of(&case, "HEALTH-BIRTH-CERT"), ItemState::Done);
        let materials = store.newborn_materials(&app.id).await.expect("materials");
        assert!(
            materials
                .iter()
                .all(|m| m.checked_by.as_deref() == Some("window"))
        );
        let again = newborn::accept(&svc, &city(), &clerk, &app.id).await;
        assert!(matches!(again, Err(ServiceError::NotNow(_))));

        // Another family's uploaded marriage certificate shows the wedding after the birth.
        let g = family(12);
        records(store, &g, &r).await;
        let mut input = form(&g, true);
        input.ethnicity.as_mut().expect("e").confirmed_by = vec!["mother".into(), "father".into()];
        let app = newborn::apply(&svc, &city(), &clerk, input.try_into().expect("form"))
            .await
            .expect("apply");
        let her = mother_actor(&g, monday());
        newborn::supply_material(&svc, &her, &app.id, upload("MARRIAGE_CERTIFICATE"))
            .await
            .expect("upload");
        let empty = newborn::Refuse::try_from(newborn::RefuseInput::default());
        assert_eq!(empty.expect_err("no reason").field, "reasons");
        let refusal = newborn::Refuse::try_from(newborn::RefuseInput {
            reasons: vec!["NOT_IN_WEDLOCK".into()],
            note: Some("结婚证登记日期晚于出生日期".into()),
        })
        .expect("refusal");
        let refused = newborn::refuse(&svc, &city(), &clerk, &app.id, refusal)
            .await
            .expect("refuse");
        assert_eq!(refused.status, ApplicationStatus::Refused, "{}", db.label);
        assert_eq!(refused.reasons, vec!["NOT_IN_WEDLOCK"]);
        assert_eq!(refused.notice.as_ref().expect("n").kind, "refusal");
    }
}

#[tokio::test]
async fn ineligible_applications_are_refused_with_every_reason() {
    for db in test_dbs().await {
        let store = &db.store;
        departments(store).await;
        let svc = services(store);
        let mut cases_table: Vec<(u16, Records, Vec<&str>)> = Vec::new();
        let mut late = qualifying();
        late.born = "2024-12-18";
        cases_table.push((3, late, vec!["APPLIED_TOO_LATE"]));
        let mut unmarried = qualifying();
        unmarried.married_on = Some("2025-01-15");
        cases_table.push((4, unmarried, vec!["NOT_IN_WEDLOCK"]));
        let mut foreign = qualifying();
        foreign.father_household = Some(("VNM", "450205"));
        cases_table.push((5, foreign, vec!["PARENT_NOT_CITIZEN"]));
        let mut elsewhere = qualifying();
        elsewhere.mother_region = "500228";
        elsewhere.father_household = Some(("CHN", "420281"));
        cases_table.push((6, elsewhere, vec!["NO_LOCAL_HOUSEHOLD"]));
        let mut everything = qualifying();
        everything.born = "2024-12-18";
        everything.birth_region = "500228";
        everything.married_on = Some("2025-01-01");
        everything.father_household = Some(("VNM", "420281"));
        everything.mother_region = "500228";
        cases_table.push((
            7,
            everything,
            vec![
                "BORN_OUTSIDE_CITY",
                "PARENT_NOT_CITIZEN",
                "NO_LOCAL_HOUSEHOLD",
                "NOT_IN_WEDLOCK",
                "APPLIED_TOO_LATE",
            ],
        ));
        for (n, r, expected) in cases_table {
            let f = family(n);
            records(store, &f, &r).await;
            let app = newborn::apply(
                &svc,
                &city(),
                &mother_actor(&f, monday()),
                form(&f, false).try_into().expect("form"),
            )
            .await
            .expect("apply");
            assert_eq!(
                app.status,
                ApplicationStatus::Refused,
                "{} {expected:?}",
                db.label
            );
            assert_eq!(app.reasons, expected, "{}", db.label);
            assert_eq!(app.notice.as_ref().expect("n").kind, "refusal");
            assert!(app.case_id.is_none());
        }
    }
}

#[tokio::test]
async fn bad_input_names_the_field_and_a_denial_ends_what_waits_for_it() {
    for db in test_dbs().await {
        let store = &db.store;
        departments(store).await;
        let f = family(8);
        let mut r = qualifying();
        r.father_household = Some(("CHN", "450205"));
        records(store, &f, &r).await;
        let svc = services(store);
        let mut input = form(&f, false);
        input.delivery = Some(
            serde_json::from_value(json!({"method": "mail", "recipient": "测试母",
            "phone": "12345", "address": "测试路1号"}))
            .expect("d"),
        );
        let err = newborn::Apply::try_from(input).expect_err("bad phone");
        assert_eq!(
            (err.code, err.field.as_str()),
            ("INVALID_PHONE", "delivery.phone")
        );
        let clerk = actor(
            "window",
            Role::HospitalClerk,
            hospital("H450203001"),
            monday(),
        );
        let mut input = form(&f, true);
        input.delivery = Some(
            serde_json::from_value(json!({"method": "pickup", "collector": "father"})).expect("d"),
        );
        let refused = newborn::apply(&svc, &city(), &clerk, input.try_into().expect("form")).await;
        match refused {
            Err(ServiceError::Invalid(e)) => assert_eq!(e.code, "AUTHORISATION_REQUIRED"),
            other => panic!("{other:?}"),
        }
        let app = newborn::apply(
            &svc,
            &city(),
            &mother_actor(&f, monday()),
            form(&f, false).try_into().expect("form"),
        )
        .await
        .expect("apply");
        let case_id = app.case_id.expect("case");
        let police = officer(DepartmentKind::PublicSecurity);
        let empty = Reason::try_from(onething_services::newborn::ReasonInput {
            reason: Some("  ".into()),
        });
        assert_eq!(empty.expect_err("blank").field, "reason");
        let denied = cases::deny_item(
            &svc,
            &police,
            &onething_test_support::case_id(&case_id),
            "POLICE-BIRTH-REGISTRATION",
            Reason("父母户籍信息与出生医学证明不一致".into()),
        )
        .await
        .expect("deny");
        for item in ["HR-SSCARD", "PS-36"] {
            assert_eq!(
                state_of(&denied, item),
                ItemState::Denied,
                "{} {item}",
                db.label
            );
        }
        let late = cases::complete_item(
            &svc,
            &police,
            &onething_test_support::case_id(&case_id),
            "POLICE-BIRTH-REGISTRATION",
            result(json!({})),
        )
        .await;
        assert!(late.is_err(), "a denied item takes no result");
        // Withdrawal: nothing left that no department started.
        let w = cases::withdraw(
            &svc,
            &mother_actor(&f, monday()),
            &onething_test_support::case_id(&case_id),
            Reason("不办了".into()),
        )
        .await;
        assert!(matches!(w, Err(ServiceError::NotNow(_))));
    }
}

#[tokio::test]
async fn counterfoils_are_handed_over_by_the_30th_and_late_ones_listed() {
    use onething_services::newborn::counterfoil::{self, quarter};
    for db in test_dbs().await {
        let store = &db.store;
        departments(store).await;
        for n in [10, 11] {
            records(store, &family(n), &qualifying()).await;
        }
        let svc = services(store);
        let q = quarter("2025Q1").expect("quarter");
        let at = |d: &str| Utc.from_utc_datetime(&day(d).and_hms_opt(2, 0, 0).expect("t"));
        let clerk = actor(
            "hospital",
            Role::HospitalClerk,
            hospital("H450203001"),
            at("2025-03-28"),
        );
        // Another hospital's clerk sees (and hands over) none of this hospital's counterfoils.
        let other = actor(
            "other-hospital",
            Role::HospitalClerk,
            hospital("H450203999"),
            at("2025-03-28"),
        );
        let none = counterfoil::counterfoils(&svc, &other, q)
            .await
            .expect("list");
        assert!(none.is_empty(), "{}", db.label);
        let list = counterfoil::counterfoils(&svc, &clerk, q)
            .await
            .expect("list");
        assert_eq!(list.len(), 1, "{}", db.label);
        assert_eq!(
            (list[0].certificates, list[0].due_on),
            (2, day("2025-03-30"))
        );
        let police_early = actor(
            "police",
            Role::DeptOfficer,
            Scope::Department {
                id: "ps".into(),
                kind: DepartmentKind::PublicSecurity,
            },
            at("2025-03-28"),
        );
        let code = list[0].institution_code.clone();
        let early = counterfoil::confirm_counterfoil(&svc, &police_early, &code, q).await;
        assert!(
            matches!(early, Err(ServiceError::NotNow(_))),
            "nothing handed over yet"
        );
        let handed = counterfoil::confirm_counterfoil(&svc, &clerk, &code, q)
            .await
            .expect("handed");
        assert_eq!(handed.status_label, "已移交待签收");
        let cdc = actor(
            "cdc",
            Role::DeptOfficer,
            Scope::Department {
                id: "c".into(),
                kind: DepartmentKind::Cdc,
            },
            at("2025-03-31"),
        );
        assert!(matches!(
            counterfoil::confirm_counterfoil(&svc, &cdc, &code, q).await,
            Err(ServiceError::Access(_))
        ));
        let police_late = actor(
            "police",
            Role::DeptOfficer,
            Scope::Department {
                id: "ps".into(),
                kind: DepartmentKind::PublicSecurity,
            },
            at("2025-04-01"),
        );
        let received = counterfoil::confirm_counterfoil(&svc, &police_late, &code, q)
            .await
            .expect("received");
        assert_eq!(received.received_on, Some(day("2025-04-01")));
        let supervisor = actor(
            "sup",
            Role::Supervisor,
            Scope::Region(RegionCode::new(450200).expect("r")),
            at("2025-04-02"),
        );
        let late = counterfoil::late_counterfoils(&svc, &supervisor, quarter("2025Q2").expect("q"))
            .await
            .expect("late");
        assert_eq!(late.len(), 1, "received after the 30th: late");
    }
}

#[tokio::test]
async fn a_promise_into_a_year_without_a_holiday_notice_is_given_provisionally() {
    for db in test_dbs().await {
        let store = &db.store;
        departments(store).await;
        let f = family(13);
        let mut r = qualifying();
        r.born = "2026-11-20";
        records(store, &f, &r).await;
        let svc = services(store);
        // Tuesday 1 December 2026: 33 working days reach into 2027, which has no notice.
        let at = Utc
            .with_ymd_and_hms(2026, 12, 1, 2, 0, 0)
            .single()
            .expect("at");
        let app = newborn::apply(
            &svc,
            &city(),
            &mother_actor(&f, at),
            form(&f, false).try_into().expect("form"),
        )
        .await
        .expect("accepted, not refused for the calendar");
        assert_eq!(app.status, ApplicationStatus::Accepted, "{}", db.label);
        let case = store
            .load_case(app.case_id.as_deref().expect("case"))
            .await
            .expect("case");
        let due = case.state.due_on().expect("promise");
        assert!(due > day("2027-01-01"), "{due}");
        assert!(
            case.state.due_on_provisional(),
            "{}: shown as provisional",
            db.label
        );
    }
}

/// A hospital clerk's scope: one designated hospital in the test city.
fn hospital(id: &str) -> Scope {
    Scope::Hospital {
        id: id.into(),
        region: RegionCode::new(450200).expect("r"),
    }
}

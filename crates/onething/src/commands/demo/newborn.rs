//! The demo's newborn applications (新生儿出生一件事) at every stage: refused, waiting for
//! materials, materials uploaded and waiting for the window's check, accepted with the
//! certificate done, half done, and all done and rated. The families' records are pushed
//! through the real signed endpoint; the demo departments' systems (a local receiver that
//! takes their deliveries) report their results through the real signed results endpoint;
//! public security has no system, so its officer registers births on the officers' use case.
//!
//! Seeding runs on a server whose clock is a fixed working day in September 2026, so every
//! promise (acceptance + 33 working days) stays inside the published calendar.

use chrono::{DateTime, TimeZone, Utc};
use onething_domain::access::{Role, Scope};
use onething_domain::department::DepartmentKind;
use onething_domain::{Calendar, CitizenId, RegionCode};
use onething_exchange::signature::{SigningKey, generate_signing_key, sign};
use onething_services::newborn::{ApplicationInput, Apply, MaterialInput, Newborn, SupplyMaterial};
use onething_services::{Actor, cases, newborn};
use onething_store::Store;
use onething_store::departments::NewDepartment;
use onething_web::AppState;
use serde_json::{Value, json};
use tokio::net::TcpListener;

use crate::failure::Failure;

/// The city the demo's newborn bundle serves: Chongqing's counties (梁平区 500228 in it).
pub const CITY: u32 = 500200;

/// The department systems that take deliveries (public security works on its page).
/// The last two only push (household registrations, marriages): their keys are valid from
/// before the seeding day, which the demo's other departments' keys are not.
const SYSTEMS: [(&str, DepartmentKind, bool); 7] = [
    ("demo-nb-health", DepartmentKind::Health, true),
    ("demo-nb-cdc", DepartmentKind::Cdc, true),
    ("demo-nb-hr", DepartmentKind::Hr, true),
    ("demo-nb-mi", DepartmentKind::MedicalInsurance, true),
    ("demo-nb-tax", DepartmentKind::Tax, true),
    ("demo-nb-police", DepartmentKind::PublicSecurity, false),
    ("demo-nb-civil", DepartmentKind::CivilAffairs, false),
];

/// What the accounts need: the mother whose case is half done.
pub struct NewbornDemo {
    pub summary: String,
    pub mother: CitizenId,
}

fn fail(e: impl std::fmt::Display) -> Failure {
    Failure::environment("演示新生儿出生一件事数据生成失败", e)
}

/// Monday 21 September 2026, 10:00 in China.
fn seeding_day() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 9, 21, 2, 0, 0)
        .single()
        .unwrap_or_else(Utc::now)
}

struct Seeder {
    base: String,
    http: reqwest::Client,
    keys: Vec<(String, SigningKey)>,
    svc: onething_services::Services,
    at: DateTime<Utc>,
}

pub async fn seed(store: &Store, calendar: &Calendar) -> Result<NewbornDemo, Failure> {
    let city = RegionCode::new(CITY).map_err(fail)?;
    let hooks = start_receiver().await?;
    let mut keys = Vec::new();
    for (id, kind, system) in SYSTEMS {
        let key = generate_signing_key().map_err(fail)?;
        let dept = NewDepartment {
            id: id.into(),
            name: format!("{}系统（演示）", kind.label_zh()),
            kind,
            webhook_url: system.then(|| format!("{hooks}/{id}")),
        };
        store
            .add_department(
                &dept,
                &key.verifying_key(),
                seeding_day() - chrono::Duration::days(30),
            )
            .await?;
        keys.push((id.to_owned(), key));
    }
    let at = seeding_day();
    let state = AppState::new(store.clone(), calendar.clone())
        .with_newborn_city(city)
        .with_clock(move || at);
    let base = start_server(state.clone()).await?;
    let s = Seeder {
        base,
        http: reqwest::Client::new(),
        keys,
        svc: state.services(),
        at,
    };
    let mother = s.families(city).await?;
    Ok(NewbornDemo {
        summary: "6 份申请（不予受理、待补正、待审核补正材料、已受理、部分办结、全部办结并评价）"
            .into(),
        mother,
    })
}

/// A local stand-in for the department systems' webhooks: takes every delivery (200).
async fn start_receiver() -> Result<String, Failure> {
    let listener = TcpListener::bind("127.0.0.1:0").await.map_err(fail)?;
    let addr = listener.local_addr().map_err(fail)?;
    let router = axum::Router::new().route(
        "/hook/{dept}",
        axum::routing::post(|| async { axum::http::StatusCode::OK }),
    );
    tokio::spawn(async move { axum::serve(listener, router).await });
    Ok(format!("http://{addr}/hook"))
}

async fn start_server(state: AppState) -> Result<String, Failure> {
    let listener = TcpListener::bind("127.0.0.1:0").await.map_err(fail)?;
    let addr = listener.local_addr().map_err(fail)?;
    tokio::spawn(onething_web::serve(listener, state, std::future::pending()));
    Ok(format!("http://{addr}"))
}

fn person(region: u32, born: &str, seq: u16) -> Result<CitizenId, Failure> {
    let date = born.parse().map_err(fail)?;
    CitizenId::from_parts(RegionCode::new(region).map_err(fail)?, date, seq).map_err(fail)
}

impl Seeder {
    /// A request signed by department `dept` at the seeding server's clock.
    async fn signed(&self, dept: &str, path: &str, body: &Value) -> Result<Value, Failure> {
        let key = &self
            .keys
            .iter()
            .find(|(id, _)| id == dept)
            .ok_or_else(|| fail(dept))?
            .1;
        let bytes = serde_json::to_vec(body).map_err(fail)?;
        let ts = self.at.timestamp();
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/json")
            .header("x-onething-dept", dept)
            .header("x-onething-timestamp", ts.to_string())
            .header("x-onething-signature", sign(key, "POST", path, ts, &bytes))
            .body(bytes)
            .send()
            .await
            .map_err(fail)?;
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        let json: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        if !status.is_success() {
            return Err(fail(format!("{path}: {status} {json}")));
        }
        Ok(json)
    }

    async fn push(&self, dept: &str, dataset: &str, records: Vec<Value>) -> Result<(), Failure> {
        self.signed(
            dept,
            &format!("/api/v1/exchange/{dataset}"),
            &json!({"records": records}),
        )
        .await
        .map(|_| ())
    }

    async fn done(
        &self,
        dept: &str,
        case_id: &str,
        item: &str,
        data: Value,
    ) -> Result<(), Failure> {
        let body = json!({"case_id": case_id, "item": item, "result": "done",
            "certificate_ref": format!("E-{item}-{}", &case_id[..8]), "data": data});
        self.signed(dept, "/api/v1/exchange/results", &body)
            .await
            .map(|_| ())
    }

    fn actor(&self, name: &str, role: Role, scope: Scope) -> Actor {
        Actor {
            username: name.into(),
            role,
            scope,
            at: self.at,
            idempotency_key: None,
        }
    }

    /// The six families and their applications; returns the half-done case's mother.
    async fn families(&self, city: RegionCode) -> Result<CitizenId, Failure> {
        let nb = Newborn { city };
        let mut half_done = None;
        for n in 1..=6u16 {
            let mother = person(500228, "1996-04-12", 700 + 2 * n)?;
            let father = person(500228, "1994-08-30", 701 + 2 * n)?;
            let born = if n == 1 { "2026-07-01" } else { "2026-09-10" };
            let certificate = format!("D50{n:07}");
            self.records(&mother, &father, &certificate, born, n > 3 || n == 1)
                .await?;
            let input: ApplicationInput = serde_json::from_value(json!({
                "father_id": father.as_str(), "household": {"register_with": "father"},
                "ethnicity": {"value": "汉族", "confirmed_by": ["mother"]},
                "premium_channel": "tax_wechat", "reimbursement": {"to": "social_security_card"},
                "card_bank": "ccb", "delivery": {"method": "pickup", "collector": "mother"}
            }))
            .map_err(fail)?;
            let cmd = Apply::try_from(input).map_err(fail)?;
            let me = self.actor(
                "demo-newborn-mother",
                Role::Person,
                Scope::Person(mother.clone()),
            );
            let app = newborn::apply(&self.svc, &nb, &me, cmd)
                .await
                .map_err(fail)?;
            if n == 3 {
                let upload = SupplyMaterial::try_from(MaterialInput {
                    material: Some("MARRIAGE_CERTIFICATE".into()),
                    filename: Some("marriage.png".into()),
                    content_type: Some("image/png".into()),
                    bytes: include_bytes!("certificate-photo.png").to_vec(),
                })
                .map_err(fail)?;
                newborn::supply_material(&self.svc, &me, &app.id, upload)
                    .await
                    .map_err(fail)?;
            }
            if let Some(case_id) = &app.case_id {
                self.work(case_id, n).await?;
                if n == 5 {
                    half_done = Some(mother.clone());
                }
                if n == 6 {
                    let rating = onething_services::newborn::Rate {
                        score: 5,
                        comment: Some("一次都没跑".into()),
                        ..onething_services::newborn::Rate::default()
                    };
                    cases::rate(&self.svc, &me, case_id, rating)
                        .await
                        .map_err(fail)?;
                }
            }
        }
        half_done.ok_or_else(|| fail("no half-done case"))
    }

    /// The family's records; `married` false leaves the marriage for a supplement notice.
    async fn records(
        &self,
        mother: &CitizenId,
        father: &CitizenId,
        certificate: &str,
        born: &str,
        married: bool,
    ) -> Result<(), Failure> {
        self.push("demo-nb-health", "birth-certificates", vec![json!({
            "certificate_no": certificate, "child_name": "演示宝宝", "child_sex": "male",
            "birth_time": format!("{born}T09:15:00+08:00"), "gestational_weeks": 39, "weight_g": 3300,
            "length_cm": 50, "birth_region": "500228",
            "institution_code": super::departments::DEMO_HOSPITAL,
            "institution_name": "梁平区妇幼保健院（演示）", "mother_name": "演示母亲",
            "mother_id": mother.as_str(), "father_name": "演示父亲", "father_id": father.as_str(),
            "issued_on": born})]).await?;
        let household = |id: &CitizenId, name: &str, sex: &str| {
            json!({"person_id": id.as_str(), "name": name,
            "sex": sex, "ethnicity": "汉族", "nationality": "CHN", "region_code": "500228",
            "address": "梁平区演示路8号"})
        };
        self.push(
            "demo-nb-police",
            "household-registrations",
            vec![
                household(mother, "演示母亲", "female"),
                household(father, "演示父亲", "male"),
            ],
        )
        .await?;
        if married {
            self.push(
                "demo-nb-civil",
                "marriages",
                vec![json!({
                "certificate_no": format!("J500228-{certificate}"), "husband_id": father.as_str(),
                "wife_id": mother.as_str(), "registered_on": "2023-05-20", "status": "married"})],
            )
            .await?;
        }
        Ok(())
    }

    /// Case 4 stays as accepted; 5 gets its first results; 6 is finished.
    async fn work(&self, case_id: &str, n: u16) -> Result<(), Failure> {
        if n < 5 {
            return Ok(());
        }
        self.done(
            "demo-nb-cdc",
            case_id,
            "CDC-VACCINATION-CERT",
            json!({"certificate_no": "YM2026-0921"}),
        )
        .await?;
        self.done("demo-nb-health", case_id, "HEALTH-PARENTING",
            json!({"home_visits": ["2026-09-28", "2026-10-21", "2026-12-21", "2027-03-22", "2027-06-21", "2027-09-20"]})).await?;
        let police = self.actor(
            "demo-police",
            Role::DeptOfficer,
            Scope::Department {
                id: "demo-police".into(),
                kind: DepartmentKind::PublicSecurity,
            },
        );
        let result = onething_services::newborn::ItemResult::try_from(
            onething_services::newborn::ResultInput {
                certificate_ref: Some(format!("HK-500228-{}", &case_id[..6])),
                data: Some(json!({"household_no": format!("500228-{}", &case_id[..6])})),
            },
        )
        .map_err(fail)?;
        cases::complete_item(
            &self.svc,
            &police,
            &onething_domain::ids::CaseId::parse(case_id).map_err(fail)?,
            "POLICE-BIRTH-REGISTRATION",
            result,
        )
        .await
        .map_err(fail)?;
        if n == 6 {
            self.done(
                "demo-nb-mi",
                case_id,
                "PS-36",
                json!({"insured_no": "JM500228-0921"}),
            )
            .await?;
            self.done("demo-nb-mi", case_id, "PS-07", json!({"paid_fen": 326000}))
                .await?;
            self.done(
                "demo-nb-hr",
                case_id,
                "HR-SSCARD",
                json!({"card_no": "SSC500228-0921", "collect_at": "建设银行梁平支行"}),
            )
            .await?;
        }
        Ok(())
    }
}

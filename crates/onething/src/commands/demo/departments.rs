//! The demo's partner departments: the eight kinds registered with fresh keys, each pushing
//! its datasets of a small synthetic city through the real endpoint, as its system would.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{NaiveDate, Utc};
use onething_domain::Calendar;
use onething_domain::department::{DepartmentKind, HospitalLevel};
use onething_exchange::client::{self, ProgressMode, PushConfig};
use onething_exchange::datasets::Dataset;
use onething_exchange::signature::{
    SigningKey, generate_signing_key, signing_key_to_pem, verifying_key_to_pem,
};
use onething_store::Store;
use onething_store::departments::NewDepartment;
use onething_synth::city::{self, CityParams};
use onething_web::AppState;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::failure::Failure;

/// Small enough for a demo that starts in seconds, big enough to browse.
const EMPLOYERS: usize = 6;
const PEOPLE: usize = 1500;
/// The reference day of the synthetic city when the real one is outside the calendar.
const FALLBACK_TODAY: NaiveDate = match NaiveDate::from_ymd_opt(2026, 11, 23) {
    Some(day) => day,
    None => panic!("constant date does not exist"),
};

/// The demo hospital: the first synthetic hospital of 梁平区 (`H` + county + five digits,
/// as the synthetic city's delivery records name it), so its window clerk sees the
/// records it pushes and files, reimburses and takes claims for them (a grade-2 hospital).
pub(super) const DEMO_HOSPITAL: &str = "H50022800001";

const DEPARTMENTS: [(DepartmentKind, &str, &str); 8] = [
    (
        DepartmentKind::Health,
        "demo-health",
        "梁平区卫生健康委员会（演示）",
    ),
    (
        DepartmentKind::Cdc,
        "demo-cdc",
        "梁平区疾病预防控制中心（演示）",
    ),
    (
        DepartmentKind::PublicSecurity,
        "demo-police",
        "梁平区公安局（演示）",
    ),
    (
        DepartmentKind::Hr,
        "demo-hr",
        "梁平区人力资源和社会保障局（演示）",
    ),
    (
        DepartmentKind::CivilAffairs,
        "demo-civil-affairs",
        "梁平区民政局（演示）",
    ),
    (
        DepartmentKind::Tax,
        "demo-tax",
        "国家税务总局梁平区税务局（演示）",
    ),
    (
        DepartmentKind::Hospital,
        DEMO_HOSPITAL,
        "梁平区演示人民医院",
    ),
    (
        DepartmentKind::MedicalInsurance,
        "demo-medical-insurance",
        "梁平区医疗保障局（演示）",
    ),
];

pub(super) type Keys = BTreeMap<DepartmentKind, (&'static str, SigningKey)>;

pub(super) async fn seed(
    store: &Store,
    calendar: &Calendar,
    seed: u64,
    today: NaiveDate,
    dir: &Path,
) -> Result<String, Failure> {
    let today = city_today(calendar, today);
    city::write_city(dir, CityParams::new(seed, EMPLOYERS, PEOPLE, today))
        .map_err(|e| Failure::environment("无法写出演示城市数据", e))?;
    let keys = register(store, &dir.join("keys")).await?;
    let (base_url, stop, server) = start_server(store, calendar).await?;
    let pushed = push_all(&base_url, &keys, dir).await;
    let window = match pushed {
        Ok(_) => super::window::seed(&base_url, &keys, dir, today).await,
        Err(_) => Ok(0),
    };
    let _ = stop.send(());
    let _ = server.await;
    let (records, rejected) = pushed?;
    let window = window?;
    Ok(format!(
        "{} registered, {records} records pushed ({rejected} rejected), {window} for the hospital window's patient; files and keys in {}",
        DEPARTMENTS.len(),
        dir.display()
    ))
}

/// The synthetic city's reference day: today, unless the calendar has no notice for it
/// (births must fall inside the published holiday years the claims are computed in).
pub(super) fn city_today(calendar: &Calendar, today: NaiveDate) -> NaiveDate {
    if calendar.is_working_day(today).is_ok() {
        today
    } else {
        FALLBACK_TODAY
    }
}

/// Registers each department with a fresh key; the key files are written to `keys_dir`.
async fn register(store: &Store, keys_dir: &Path) -> Result<Keys, Failure> {
    std::fs::create_dir_all(keys_dir)
        .map_err(|e| Failure::environment("无法创建演示密钥目录", e))?;
    let mut keys = Keys::new();
    for (kind, id, name) in DEPARTMENTS {
        let key = generate_signing_key().map_err(|e| Failure::environment("无法生成密钥", e))?;
        write_keys(keys_dir, id, &key)?;
        let new = NewDepartment {
            id: id.to_owned(),
            name: name.to_owned(),
            kind,
            webhook_url: None,
        };
        store
            .add_department(&new, &key.verifying_key(), Utc::now())
            .await?;
        keys.insert(kind, (id, key));
    }
    store
        .set_hospital_level(DEMO_HOSPITAL, HospitalLevel::Second)
        .await?;
    Ok(keys)
}

fn write_keys(dir: &Path, id: &str, key: &SigningKey) -> Result<(), Failure> {
    let private = signing_key_to_pem(key).map_err(|e| Failure::environment("无法编码密钥", e))?;
    let public = verifying_key_to_pem(&key.verifying_key())
        .map_err(|e| Failure::environment("无法编码密钥", e))?;
    let write = |name: String, text: &str| {
        std::fs::write(dir.join(name), text)
            .map_err(|e| Failure::environment("无法写出演示密钥", e))
    };
    write(format!("{id}.key"), &private)?;
    write(format!("{id}.pub"), &public)
}

/// The platform on an ephemeral local port, for the pushes only.
async fn start_server(
    store: &Store,
    calendar: &Calendar,
) -> Result<
    (
        String,
        oneshot::Sender<()>,
        tokio::task::JoinHandle<std::io::Result<()>>,
    ),
    Failure,
> {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| Failure::environment("无法启动演示推送服务", e))?;
    let addr = listener
        .local_addr()
        .map_err(|e| Failure::environment("无法读取监听地址", e))?;
    let (stop, stopped) = oneshot::channel::<()>();
    let state = AppState::new(store.clone(), calendar.clone());
    let server = tokio::spawn(onething_web::serve(listener, state, async {
        let _ = stopped.await;
    }));
    Ok((format!("http://{addr}"), stop, server))
}

/// Every dataset file, pushed by the department of the kind that owns it.
async fn push_all(base_url: &str, keys: &Keys, dir: &Path) -> Result<(u64, u64), Failure> {
    let (mut records, mut rejected) = (0, 0);
    for generated in city::Dataset::ALL {
        let Some(dataset) = Dataset::from_path_segment(generated.name()) else {
            continue;
        };
        let Some((id, key)) = dataset.allowed_kinds().first().and_then(|k| keys.get(k)) else {
            continue;
        };
        let mut config = PushConfig::new(base_url, id, key.clone(), dataset);
        config.progress = ProgressMode::Quiet;
        let path = dir.join(generated.file_name());
        let report = client::push(&path, &config, &mut std::io::sink())
            .await
            .map_err(|e| Failure::environment("演示推送失败", e))?;
        if let Some(e) = report.stopped {
            return Err(Failure::environment("演示推送失败", e));
        }
        records += report.records;
        rejected += report.rejected;
    }
    Ok((records, rejected))
}

//! `onething dept …`: department systems and their signing keys.
//!
//! - `keygen --out PREFIX`: writes `PREFIX.key` (Ed25519 private key, PKCS#8 PEM, mode 0600,
//!   never overwritten) and `PREFIX.pub` (SPKI PEM); prints the key id.
//! - `add`: registers a department with its first public key (contract).
//! - `rotate-key`, `revoke-key`, `keys` (additions): rotation with an overlap, immediate
//!   revocation, and the list of keys with their validity.
//! - `set-level` (addition): a hospital's grade (一级/二级/三级).

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::{Duration, Utc};
use onething_domain::department::{DepartmentKind, HospitalLevel};
use onething_exchange::signature::{
    VerifyingKey, generate_signing_key, key_id, read_verifying_key, signing_key_to_pem,
    verifying_key_to_pem,
};
use onething_store::departments::NewDepartment;
use onething_store::{Store, StoreError};

use crate::cli::DeptCommand;
use crate::failure::Failure;

pub async fn run(cmd: DeptCommand) -> Result<ExitCode, Failure> {
    match cmd {
        DeptCommand::Keygen { out } => keygen(&out),
        DeptCommand::Add {
            db,
            id,
            name,
            kind,
            public_key,
            webhook,
        } => {
            let new = NewDepartment {
                id: check_id(&id)?,
                name: check_name(&name)?,
                kind: parse_kind(&kind)?,
                webhook_url: webhook.as_deref().map(check_webhook).transpose()?,
            };
            add(&db, &new, &public_key).await
        }
        DeptCommand::RotateKey {
            db,
            id,
            public_key,
            overlap_hours,
        } => rotate(&db, &id, &public_key, overlap_hours).await,
        DeptCommand::SetLevel { db, id, level } => set_level(&db, &id, &level).await,
        DeptCommand::RevokeKey { db, id, key_id } => revoke(&db, &id, &key_id).await,
        DeptCommand::Keys { db, id } => list_keys(&db, &id).await,
        DeptCommand::TransferRecord {
            db,
            dataset,
            key,
            to,
        } => transfer(&db, &dataset, &key, &to).await,
    }
}

fn keygen(prefix: &Path) -> Result<ExitCode, Failure> {
    let key = generate_signing_key().map_err(|e| Failure::environment("无法生成密钥", e))?;
    let private = signing_key_to_pem(&key).map_err(|e| Failure::environment("无法编码私钥", e))?;
    let public = verifying_key_to_pem(&key.verifying_key())
        .map_err(|e| Failure::environment("无法编码公钥", e))?;
    let (key_path, pub_path) = (with_suffix(prefix, "key"), with_suffix(prefix, "pub"));
    if let Some(parent) = key_path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| Failure::environment(&format!("无法创建目录 {}", parent.display()), e))?;
    }
    write_new(&key_path, private.as_bytes(), 0o600)?;
    write_new(&pub_path, public.as_bytes(), 0o644)?;
    println!(
        "私钥 / private key: {}（仅本部门保存，切勿外传 / keep it secret）",
        key_path.display()
    );
    println!(
        "公钥 / public key:  {}（交平台登记 / give it to the platform）",
        pub_path.display()
    );
    println!("密钥编号 / key id:  {}", key_id(&key.verifying_key()));
    Ok(ExitCode::SUCCESS)
}

fn with_suffix(prefix: &Path, suffix: &str) -> PathBuf {
    let mut name = prefix.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    PathBuf::from(name)
}

/// Creates `path` with `mode` (Unix permissions) and writes `bytes`; an existing file is
/// never overwritten, so a second keygen cannot destroy a key in use.
pub(crate) fn write_new(path: &Path, bytes: &[u8], mode: u32) -> Result<(), Failure> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, mode);
    #[cfg(not(unix))]
    let _ = mode;
    let mut file = options.open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            Failure::usage(
                format!(
                    "文件 {} 已存在，未覆盖（请换一个 --out 前缀）",
                    path.display()
                ),
                format!(
                    "{} exists and was not overwritten (choose another --out)",
                    path.display()
                ),
            )
        } else {
            Failure::environment(&format!("无法写入 {}", path.display()), e)
        }
    })?;
    file.write_all(bytes)
        .map_err(|e| Failure::environment(&format!("无法写入 {}", path.display()), e))
}

async fn add(db: &str, new: &NewDepartment, public_key: &Path) -> Result<ExitCode, Failure> {
    let key = read_key(public_key)?;
    let store = Store::open(db).await?;
    let added = store.add_department(new, &key, Utc::now()).await;
    store.close().await;
    match added {
        Ok(dept) => {
            println!(
                "已登记部门 {}（{}，{}）/ department {} registered; key id {}",
                dept.id,
                dept.name,
                dept.kind.label_zh(),
                dept.id,
                key_id(&key)
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) if e.is_unique_violation() => Err(Failure::usage(
            format!("部门编号 {} 已存在；更换密钥请用 dept rotate-key", new.id),
            format!(
                "department {} already exists; use dept rotate-key for a new key",
                new.id
            ),
        )),
        Err(e) => Err(e.into()),
    }
}

async fn rotate(db: &str, id: &str, public_key: &Path, hours: u32) -> Result<ExitCode, Failure> {
    let key = read_key(public_key)?;
    let store = Store::open(db).await?;
    let now = Utc::now();
    let until = now + Duration::hours(i64::from(hours));
    let rotated = store.rotate_department_key(id, &key, now, until).await;
    store.close().await;
    match rotated {
        Ok(added) => {
            println!(
                "新密钥 {} 已生效；旧密钥有效至 {} / new key {} valid now, old keys until {}",
                added.key_id,
                until.to_rfc3339(),
                added.key_id,
                until.to_rfc3339()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => Err(key_failure(e, id)),
    }
}

async fn revoke(db: &str, id: &str, key_id: &str) -> Result<ExitCode, Failure> {
    let store = Store::open(db).await?;
    let revoked = store.revoke_department_key(id, key_id, Utc::now()).await;
    store.close().await;
    revoked.map_err(|e| key_failure(e, id))?;
    println!("密钥 {key_id} 已吊销 / key {key_id} of {id} revoked");
    Ok(ExitCode::SUCCESS)
}

async fn transfer(db: &str, dataset: &str, key: &str, to: &str) -> Result<ExitCode, Failure> {
    let Some(dataset) = onething_exchange::Dataset::from_path_segment(dataset) else {
        return Err(Failure::usage(
            format!("没有名为“{dataset}”的数据集"),
            format!("unknown dataset {dataset:?}"),
        ));
    };
    let store = Store::open(db).await?;
    let done = store
        .transfer_record(dataset, key, to, "cli", Utc::now())
        .await;
    store.close().await;
    match done {
        Ok(()) => {
            println!("记录 {dataset}/{key} 已移交 {to} / record transferred to {to}");
            Ok(ExitCode::SUCCESS)
        }
        Err(StoreError::NotFound { what, id }) => Err(Failure::usage(
            format!(
                "未找到{}：{id}",
                if what == "department" {
                    "部门"
                } else {
                    "记录"
                }
            ),
            format!("{what} {id} not found"),
        )),
        Err(e) => Err(e.into()),
    }
}

async fn list_keys(db: &str, id: &str) -> Result<ExitCode, Failure> {
    let store = Store::open(db).await?;
    let keys = store.department_keys(id).await;
    store.close().await;
    let keys = keys?;
    if keys.is_empty() {
        return Err(key_failure(
            StoreError::NotFound {
                what: "department",
                id: id.to_owned(),
            },
            id,
        ));
    }
    let now = Utc::now();
    println!("key_id\tvalid_from\tvalid_until\trevoked_at\tvalid_now");
    for key in keys {
        let show = |t: Option<chrono::DateTime<Utc>>| t.map_or("-".to_owned(), |t| t.to_rfc3339());
        println!(
            "{}\t{}\t{}\t{}\t{}",
            key.key_id,
            key.valid_from.to_rfc3339(),
            show(key.valid_until),
            show(key.revoked_at),
            key.is_valid_at(now)
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn key_failure(e: StoreError, id: &str) -> Failure {
    match e {
        StoreError::NotFound { what, id: missing } => Failure::usage(
            format!(
                "未找到{}：{missing}",
                if what == "department" {
                    "部门"
                } else {
                    "密钥"
                }
            ),
            format!("{what} {missing} not found (department {id})"),
        ),
        e if e.is_unique_violation() => Failure::usage(
            "该公钥已登记过，请生成新密钥".to_owned(),
            "this public key is already registered; generate a new one".to_owned(),
        ),
        e => e.into(),
    }
}

fn read_key(path: &Path) -> Result<VerifyingKey, Failure> {
    read_verifying_key(path).map_err(|e| {
        Failure::usage(
            format!(
                "无法读取公钥 {}：应为 SPKI PEM（-----BEGIN PUBLIC KEY-----）",
                path.display()
            ),
            format!("--public-key {}: {e}", path.display()),
        )
    })
}

/// `dept set-level`: a registered hospital's grade; any other department is refused.
async fn set_level(db: &str, id: &str, level: &str) -> Result<ExitCode, Failure> {
    let level = HospitalLevel::parse(level).ok_or_else(|| {
        Failure::usage(
            format!("医院等级“{level}”无效，应为 1、2、3（一级、二级、三级）"),
            format!("--level {level:?}: expected 1, 2 or 3"),
        )
    })?;
    let store = Store::open(db).await?;
    let set = store.set_hospital_level(id, level).await;
    store.close().await;
    if set? {
        println!(
            "已登记 {id} 为{}医院 / hospital {id} is level {}",
            level.label_zh(),
            level.number()
        );
        Ok(ExitCode::SUCCESS)
    } else {
        Err(Failure::usage(
            format!("{id} 不是已登记的定点医疗机构（--kind hospital）"),
            format!("{id} is not a registered department of kind hospital"),
        ))
    }
}

fn parse_kind(text: &str) -> Result<DepartmentKind, Failure> {
    DepartmentKind::parse(text.trim()).ok_or_else(|| {
        let kinds: Vec<&str> = DepartmentKind::ALL.iter().map(|k| k.as_str()).collect();
        Failure::usage(
            format!("部门类型“{text}”无效，应为：{}", kinds.join("、")),
            format!("--kind {text:?}: expected one of {}", kinds.join(", ")),
        )
    })
}

/// Department ids travel in the `X-Onething-Dept` header: 1–64 of `A-Z a-z 0-9 . _ -`.
fn check_id(id: &str) -> Result<String, Failure> {
    let ok = (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if ok {
        return Ok(id.to_owned());
    }
    Err(Failure::usage(
        format!("部门编号“{id}”无效：应为1–64个字母、数字或 . _ -"),
        format!("--id {id:?}: 1-64 characters of A-Z a-z 0-9 . _ -"),
    ))
}

fn check_name(name: &str) -> Result<String, Failure> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Failure::usage(
            "部门名称不能为空",
            "--name must not be empty",
        ));
    }
    Ok(name.to_owned())
}

fn check_webhook(url: &str) -> Result<String, Failure> {
    if url.starts_with("https://") || url.starts_with("http://") {
        return Ok(url.to_owned());
    }
    Err(Failure::usage(
        format!("回调地址“{url}”无效：应以 https:// 或 http:// 开头"),
        format!("--webhook {url:?}: expected an http(s) URL"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_header_safe() {
        assert!(check_id("health-500228").is_ok());
        assert!(check_id("").is_err());
        assert!(check_id("卫健委").is_err());
        assert!(check_id("a b").is_err());
    }

    #[test]
    fn keygen_writes_a_private_key_only_its_owner_reads_and_never_overwrites() {
        let dir = tempfile::tempdir().expect("dir");
        let prefix = dir.path().join("keys/health");
        keygen(&prefix).expect("keygen");
        let private = std::fs::read_to_string(dir.path().join("keys/health.key")).expect("key");
        let public = dir.path().join("keys/health.pub");
        let signing = onething_exchange::signature::signing_key_from_pem(&private).expect("pem");
        assert_eq!(
            read_verifying_key(&public).expect("pub"),
            signing.verifying_key()
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let meta = std::fs::metadata(dir.path().join("keys/health.key")).expect("meta");
            assert_eq!(meta.permissions().mode() & 0o777, 0o600);
        }
        let again = keygen(&prefix).expect_err("refuses to overwrite");
        assert_eq!(again.exit, 2);
    }
}

//! Reading applications (the mother her own; clerks and supervisors their region's),
//! uploading materials, and the public notice check.

use onething_domain::access::{Scope, UseCase};
use onething_store::StoreError;
use onething_store::newborn::{Application, ApplicationStatus, Material, Notice};
use uuid::Uuid;

use super::apply::{in_region, status_zh};
use super::commands::SupplyMaterial;
use super::view::{ApplicationView, NoticeCheck};
use crate::{Actor, ServiceError, Services, hex_sha256};

/// The application if the actor may see it (404 otherwise, as if it did not exist).
pub(super) async fn visible(
    svc: &Services,
    actor: &Actor,
    id: &str,
) -> Result<Application, ServiceError> {
    let app = match svc.store.newborn_application(id).await {
        Ok(app) => app,
        Err(StoreError::NotFound { .. }) => return Err(ServiceError::not_found()),
        Err(e) => return Err(e.into()),
    };
    if may_see(&actor.scope, &app) {
        Ok(app)
    } else {
        Err(ServiceError::not_found())
    }
}

fn may_see(scope: &Scope, app: &Application) -> bool {
    match scope {
        Scope::Platform => true,
        Scope::Person(me) => me.as_str() == app.mother_id,
        // The newborn window serves the region's families (docs/hospital-window.md).
        Scope::Region(region) | Scope::Hospital { region, .. } => in_region(*region, &app.region),
        Scope::Employer(_) | Scope::Department { .. } => false,
    }
}

/// The view with its current notice and the materials uploaded.
pub(super) async fn view(
    svc: &Services,
    app: &Application,
) -> Result<ApplicationView, ServiceError> {
    let notice = svc.store.current_newborn_notice(&app.id).await?;
    let uploaded: Vec<&'static str> = svc
        .store
        .newborn_materials(&app.id)
        .await?
        .iter()
        .map(|m| m.material.code())
        .collect();
    Ok(ApplicationView::of(app, notice.as_ref(), &uploaded))
}

/// One application.
pub async fn application(
    svc: &Services,
    actor: &Actor,
    id: &str,
) -> Result<ApplicationView, ServiceError> {
    actor.authorize(UseCase::ViewNewbornApplications)?;
    let app = visible(svc, actor, id).await?;
    view(svc, &app).await
}

/// The applications the actor may see, newest first.
pub async fn applications(
    svc: &Services,
    actor: &Actor,
) -> Result<Vec<ApplicationView>, ServiceError> {
    actor.authorize(UseCase::ViewNewbornApplications)?;
    let mother = match &actor.scope {
        Scope::Person(me) => Some(me.as_str().to_owned()),
        _ => None,
    };
    let mut out = Vec::new();
    for app in svc.store.newborn_applications(mother.as_deref()).await? {
        if may_see(&actor.scope, &app) {
            out.push(view(svc, &app).await?);
        }
    }
    Ok(out)
}

/// The current notice of an application the actor may see, with the application.
pub async fn current_notice(
    svc: &Services,
    actor: &Actor,
    id: &str,
) -> Result<(Application, Notice), ServiceError> {
    actor.authorize(UseCase::ViewNewbornApplications)?;
    let app = visible(svc, actor, id).await?;
    let notice = svc
        .store
        .current_newborn_notice(id)
        .await?
        .ok_or_else(ServiceError::not_found)?;
    Ok((app, notice))
}

/// Anyone may check a notice: with the right code, what it is; otherwise 404, the same
/// for a wrong code as for an unknown number so numbers cannot be probed.
pub async fn verify_notice(
    svc: &Services,
    number: &str,
    code: &str,
) -> Result<NoticeCheck, ServiceError> {
    let notice = svc
        .store
        .newborn_notice(number.trim())
        .await?
        .filter(|n| constant_time_eq(n.verification_code.as_bytes(), code.trim().as_bytes()))
        .ok_or_else(ServiceError::not_found)?;
    Ok(NoticeCheck {
        number: notice.number,
        kind: notice.kind.as_str(),
        issued_on: notice.issued_on,
        applicant_masked: notice.applicant_masked,
    })
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Uploads a material the one-time notice asked for; the application then waits for a
/// clerk's check (accept).
pub async fn supply_material(
    svc: &Services,
    actor: &Actor,
    id: &str,
    cmd: SupplyMaterial,
) -> Result<ApplicationView, ServiceError> {
    actor.authorize(UseCase::SupplyMaterial)?;
    let app = visible(svc, actor, id).await?;
    if app.status != ApplicationStatus::NeedsSupplement {
        return Err(ServiceError::NotNow(format!(
            "申请状态为“{}”，无需补正材料",
            status_zh(app.status)
        )));
    }
    if !app.missing.contains(&cmd.material) {
        return Err(crate::Invalid::new(
            "MATERIAL_NOT_REQUESTED",
            "material",
            format!("一次性告知书未要求该材料（{}）", cmd.material.code()),
        )
        .into());
    }
    let meta = Material {
        id: Uuid::new_v4().simple().to_string(),
        material: cmd.material,
        filename: cmd.filename,
        content_type: cmd.content_type,
        sha256: hex_sha256(&cmd.bytes),
        size: i64::try_from(cmd.bytes.len()).unwrap_or(i64::MAX),
        uploaded_by: actor.username.clone(),
        uploaded_at: actor.at,
        checked_by: None,
    };
    svc.store
        .add_newborn_material(id, &meta, &cmd.bytes)
        .await?;
    view(svc, &app).await
}

/// The credit records (信用记录, SV-5) in force today about the application's mother or
/// father, each with whom it names (`母亲`, `父亲`), for the window that accepts it: shown
/// beside the acceptance, never a refusal by themselves. Only to those who may accept, and
/// only for an application they see.
pub async fn acceptance_credit_flags(
    svc: &Services,
    actor: &Actor,
    id: &str,
) -> Result<Vec<(onething_store::supervision::CreditRecord, &'static str)>, ServiceError> {
    actor.authorize(UseCase::AcceptApplication)?;
    let app = visible(svc, actor, id).await?;
    let mut out = Vec::new();
    for (subject, who) in [(&app.mother_id, "母亲"), (&app.father_id, "父亲")] {
        let found =
            crate::supervision::credit_flags(svc, &[subject.as_str()], actor.today()).await?;
        out.extend(found.into_iter().map(|r| (r, who)));
    }
    Ok(out)
}

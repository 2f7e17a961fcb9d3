//! Filing the one form and deciding acceptance (NB-2..NB-5): the mother online or the
//! hospital clerk at the window; refusal, a one-time supplement notice, or acceptance
//! with the case opened, its promise fixed, the pushed certificate done and the ready
//! items routed, all in one transaction.

use chrono::NaiveDate;
use onething_domain::access::{Applicant, Role, Scope, UseCase, mask_id_text};
use onething_domain::case::{Action, ActorRole, CaseState, PROMISE_STEP};
use onething_domain::newborn::eligibility::Outcome;
use onething_domain::newborn::{
    BUNDLE, MissingMaterial, NewbornItem, NoticeKind, NoticeNumber, RefusalReason, decide,
    notice::verification_code, result_recipients,
};
use onething_domain::{CitizenId, RegionCode};
use onething_store::StoreError;
use onething_store::cases::{self, CaseWrite, NewCase};
use onething_store::newborn::{
    Application, ApplicationStatus, Handover, NewbornWrite, Notice, Routing,
};
use onething_store::shared_data::DataUse;
use serde_json::{Value, json};
use uuid::Uuid;

use super::commands::{Apply, Refuse};
use super::facts::{Derived, derive};
use super::payload::{self, Results};
use super::view::ApplicationView;
use super::{Newborn, read, texts};
use crate::{Actor, Invalid, ServiceError, Services};

/// Files the form and decides it at once.
pub async fn apply(
    svc: &Services,
    nb: &Newborn,
    actor: &Actor,
    cmd: Apply,
) -> Result<ApplicationView, ServiceError> {
    actor.authorize(UseCase::ApplyNewborn)?;
    let mother = applicant(actor, cmd.mother.clone())?;
    let id = format!(
        "NB{}",
        &Uuid::new_v4().simple().to_string()[..12].to_uppercase()
    );
    let data_use = data_use(actor, &id);
    let today = actor.today();
    let derived = derive(
        svc,
        &data_use,
        &mother,
        &cmd.father,
        cmd.certificate_no.as_deref(),
        Vec::new(),
        today,
    )
    .await?;
    let certificate = cmd
        .certificate_no
        .clone()
        .or(derived.certificate_no.clone());
    if let Some(no) = &certificate
        && let Some(existing) = svc.store.newborn_application_of_certificate(no).await?
    {
        return Err(ServiceError::ApplicationExists { existing });
    }
    let mut form = cmd.form.clone();
    if actor.role == Role::Person {
        // Her own application records her authorisation for the father to collect.
        if let onething_domain::newborn::Delivery::Pickup {
            mother_authorised, ..
        } = &mut form.delivery
        {
            *mother_authorised = true;
        }
    }
    form.check(
        derived.mother_ethnicity.as_deref(),
        derived.father_ethnicity.as_deref(),
    )
    .map_err(|e| Invalid::new(e.code(), e.field(), e.message_zh()))?;
    let app = Application {
        id,
        request_key: actor.key_for("newborn_apply"),
        mother_id: mother.as_str().to_owned(),
        father_id: cmd.father.as_str().to_owned(),
        birth_certificate_no: certificate,
        born_on: derived.facts.birth.as_ref().map(|b| b.born_on),
        region: region_of(nb, &derived),
        channel: if actor.role == Role::Person {
            "online"
        } else {
            "window"
        }
        .into(),
        filed_by: actor.username.clone(),
        status: ApplicationStatus::NeedsSupplement,
        form,
        reasons: Vec::new(),
        missing: Vec::new(),
        prefilled: Vec::new(),
        case_id: None,
        version: 1,
        created_at: actor.at,
        updated_at: actor.at,
    };
    decide_and_write(svc, nb, actor, app, derived, Decide::Rules).await
}

/// The mother herself, or (window) the mother named on the form.
fn applicant(actor: &Actor, named: Option<CitizenId>) -> Result<CitizenId, ServiceError> {
    match (&actor.scope, named) {
        (Scope::Person(me), None) => Ok(me.clone()),
        (Scope::Person(me), Some(named)) if &named == me => Ok(named),
        (Scope::Person(_), Some(_)) => Err(Invalid::new(
            "INVALID_BODY",
            "mother_id",
            "只能为本人申请：mother_id 须为本人公民身份号码，或不填",
        )
        .into()),
        (_, Some(named)) => Ok(named),
        (_, None) => {
            Err(Invalid::missing("mother_id", "窗口代办须填写母亲公民身份号码（mother_id）").into())
        }
    }
}

fn data_use(actor: &Actor, application: &str) -> DataUse {
    DataUse {
        actor: actor.username.clone(),
        case_id: None,
        purpose: format!("newborn_application:{application}"),
    }
}

/// The birth's county when known, else the city: the clerks' queue it lands in.
fn region_of(nb: &Newborn, derived: &Derived) -> String {
    derived
        .facts
        .birth
        .as_ref()
        .and_then(|b| b.region)
        .filter(|r| r.is_within(nb.city))
        .unwrap_or(nb.city)
        .to_string()
}

/// A clerk accepts an application that waited for materials, after checking them: the
/// facts are derived again with the checked materials standing in for what was missing.
pub async fn accept(
    svc: &Services,
    nb: &Newborn,
    actor: &Actor,
    id: &str,
) -> Result<ApplicationView, ServiceError> {
    actor.authorize(UseCase::AcceptApplication)?;
    after_check(svc, nb, actor, id, Decide::Checked).await
}

/// A clerk refuses an application that waited for materials, because they show a
/// condition failing (a marriage registered after the birth, a household elsewhere).
pub async fn refuse(
    svc: &Services,
    nb: &Newborn,
    actor: &Actor,
    id: &str,
    cmd: Refuse,
) -> Result<ApplicationView, ServiceError> {
    actor.authorize(UseCase::RefuseApplication)?;
    after_check(svc, nb, actor, id, Decide::Refused(cmd)).await
}

/// How the verdict is reached.
enum Decide {
    /// By the rules on shared data (a new application).
    Rules,
    /// By the rules, the checked materials standing in for what was missing.
    Checked,
    /// A clerk's refusal after checking the materials.
    Refused(Refuse),
}

async fn after_check(
    svc: &Services,
    nb: &Newborn,
    actor: &Actor,
    id: &str,
    how: Decide,
) -> Result<ApplicationView, ServiceError> {
    let app = read::visible(svc, actor, id).await?;
    if app.status != ApplicationStatus::NeedsSupplement {
        return Err(ServiceError::NotNow(format!(
            "申请状态为“{}”，只有待补正的申请可在审核补正材料后受理或不予受理",
            status_zh(app.status)
        )));
    }
    let uploaded: Vec<MissingMaterial> = svc
        .store
        .newborn_materials(id)
        .await?
        .into_iter()
        .map(|m| m.material)
        .collect();
    let absent: Vec<&str> = app
        .missing
        .iter()
        .filter(|m| !uploaded.contains(m))
        .map(|m| m.code())
        .collect();
    if matches!(how, Decide::Checked) && !absent.is_empty() {
        return Err(ServiceError::NotNow(format!(
            "以下材料尚未上传，不能受理：{}",
            absent.join("、")
        )));
    }
    let mother = stored_id(&app.mother_id)?;
    let father = stored_id(&app.father_id)?;
    let derived = derive(
        svc,
        &data_use(actor, id),
        &mother,
        &father,
        app.birth_certificate_no.as_deref(),
        uploaded,
        actor.today(),
    )
    .await?;
    decide_and_write(svc, nb, actor, app, derived, how).await
}

fn stored_id(text: &str) -> Result<CitizenId, ServiceError> {
    CitizenId::parse(text)
        .map_err(|e| StoreError::Corrupt(format!("stored citizen id: {e}")).into())
}

pub(crate) fn status_zh(status: ApplicationStatus) -> &'static str {
    match status {
        ApplicationStatus::Accepted => "已受理",
        ApplicationStatus::NeedsSupplement => "待补正",
        ApplicationStatus::Refused => "不予受理",
    }
}

/// Decides with the rules and writes the outcome with its notice.
async fn decide_and_write(
    svc: &Services,
    nb: &Newborn,
    actor: &Actor,
    mut app: Application,
    derived: Derived,
    how: Decide,
) -> Result<ApplicationView, ServiceError> {
    let today = actor.today();
    let existing = !matches!(how, Decide::Rules);
    let mut verdict = decide(&derived.facts, nb.city, today);
    let mut note = None;
    if let Decide::Refused(refusal) = how {
        verdict.reasons = refusal.reasons;
        verdict.reasons.sort();
        note = refusal.note;
    }
    app.reasons = verdict.reasons.clone();
    app.missing = verdict.missing.clone();
    app.prefilled = derived.prefilled.clone();
    app.born_on = derived.facts.birth.as_ref().map(|b| b.born_on);
    let (kind, status) = match verdict.outcome() {
        Outcome::Accept => (NoticeKind::Acceptance, ApplicationStatus::Accepted),
        Outcome::Supplement => (NoticeKind::Supplement, ApplicationStatus::NeedsSupplement),
        Outcome::Refuse => (NoticeKind::Refusal, ApplicationStatus::Refused),
    };
    app.status = status;
    let dated = match kind {
        NoticeKind::Acceptance => Some(promise(svc, today).await?),
        _ => None,
    };
    let promised = dated.map(|d| d.date);
    let provisional = dated.is_some_and(|d| d.provisional);
    let notice = notice(
        &app,
        kind,
        actor,
        promised,
        &verdict.reasons,
        &verdict.missing,
    );
    let body = texts::decided(
        kind,
        &notice.number,
        promised,
        &verdict.reasons,
        &verdict.missing,
    );
    let mut writes = Vec::new();
    let mut handovers = Vec::new();
    let mut results = Results::new();
    let new_case = match (kind, promised) {
        (NoticeKind::Acceptance, Some(due)) => {
            let case_id = Uuid::new_v4().simple().to_string();
            app.case_id = Some(case_id.clone());
            writes = acceptance_writes(actor, &app, &notice, (due, provisional), &derived);
            if let Some(no) = &derived.certificate_no {
                let result = json!({"certificate_ref": no, "data": derived.certificate});
                results.insert(NewbornItem::BirthCertificate.code().into(), result.clone());
                handovers.push(handover(NewbornItem::BirthCertificate, &result));
            }
            Some(NewCase {
                bundle: BUNDLE.into(),
                applicant: Applicant::person_ref(&stored_id(&app.mother_id)?),
                region: Some(app.region.clone()),
                filer: (actor.role != Role::Person).then(|| format!("user:{}", actor.username)),
                id: Some(case_id),
            })
        }
        _ => None,
    };
    let certificate = derived.certificate.clone();
    let snapshot = app.clone();
    let build = move |item: &str, state: &CaseState| {
        payload::for_item(&snapshot, certificate.as_ref(), &results, item, state)
    };
    let audit = json!({"status": status.as_str(), "notice": notice.number,
        "reasons": app.reasons, "missing": app.missing, "channel": app.channel, "note": note});
    let write = NewbornWrite {
        actor: case_actor(actor, &app.request_key, existing),
        role: Some(actor.role),
        case: writes,
        routing: new_case.as_ref().map(|_| Routing { payload: &build }),
        handovers,
        notice: Some(notice),
        notifications: texts::to_mother(&app.mother_id, &app.id, &body),
        audit: Some((format!("newborn_{}", status.as_str()), audit)),
    };
    let saved = if existing {
        svc.store
            .update_newborn_application(&app, new_case.as_ref(), &write, &svc.calendar)
            .await?
    } else {
        svc.store
            .file_newborn_application(&app, new_case.as_ref(), &write, &svc.calendar)
            .await?
    };
    read::view(svc, &saved).await
}

/// The bundle's promise: acceptance plus its promised limit (33 working days).
async fn promise(
    svc: &Services,
    today: NaiveDate,
) -> Result<onething_domain::calendar::Dated, ServiceError> {
    let catalog = svc.store.current_catalog().await?;
    let limit = catalog
        .catalog
        .bundle(BUNDLE)
        .and_then(|b| b.promised_limit_working_days)
        .ok_or_else(|| StoreError::Corrupt("the newborn bundle has no promised limit".into()))?;
    // A promise reaching into a year whose holiday notice is not out is given as
    // provisional (the national festival days), never refused; docs/newborn.md.
    Ok(svc.calendar.add_working_days_provisional(today, limit)?)
}

fn case_actor(actor: &Actor, request_key: &str, existing: bool) -> cases::Actor {
    let role = match actor.role {
        Role::HospitalClerk | Role::AgencyClerk => ActorRole::Acceptor,
        _ => ActorRole::System,
    };
    cases::Actor {
        name: actor.username.clone(),
        role,
        idempotency_key: if existing {
            actor.key_for("newborn_accept")
        } else {
            request_key.to_owned()
        },
        at: actor.at,
    }
}

/// Acceptance: every item accepted along the chain, the promise fixed, the pushed
/// certificate done with its result.
fn acceptance_writes(
    actor: &Actor,
    app: &Application,
    notice: &Notice,
    (due, provisional): (NaiveDate, bool),
    derived: &Derived,
) -> Vec<CaseWrite> {
    let role = case_actor(actor, "", false).role;
    let mut writes = vec![
        CaseWrite::AcceptAll { role },
        CaseWrite::Step {
            step: PROMISE_STEP.into(),
            detail: json!({"due_on": due, "provisional": provisional}),
            role,
        },
        CaseWrite::Step {
            step: "application_accepted".into(),
            detail: json!({"application_id": app.id, "notice": notice.number}),
            role,
        },
    ];
    if let Some(no) = &derived.certificate_no {
        let item = NewbornItem::BirthCertificate.code().to_owned();
        for action in [
            Action::Start,
            Action::Complete {
                certificate_ref: Some(no.clone()),
            },
        ] {
            writes.push(CaseWrite::Move {
                item: item.clone(),
                action,
                role: ActorRole::System,
            });
        }
        writes.push(result_step(
            &item,
            Some(no),
            derived.certificate.clone().unwrap_or(Value::Null),
        ));
    }
    writes
}

/// The step that keeps an item's result in the case's history (EX-6).
pub(crate) fn result_step(item: &str, certificate_ref: Option<&str>, data: Value) -> CaseWrite {
    CaseWrite::Step {
        step: super::RESULT_STEP.into(),
        detail: json!({"item": item, "certificate_ref": certificate_ref, "data": data}),
        role: ActorRole::System,
    }
}

/// The result handed to the departments the seed names (附件2 五(三)).
pub(crate) fn handover(item: NewbornItem, result: &Value) -> Handover {
    Handover {
        item: item.code().into(),
        kinds: result_recipients(item).to_vec(),
        payload: json!({"bundle": "newborn", "result": result}),
    }
}

fn notice(
    app: &Application,
    kind: NoticeKind,
    actor: &Actor,
    promised: Option<NaiveDate>,
    reasons: &[RefusalReason],
    missing: &[MissingMaterial],
) -> Notice {
    let random = Uuid::new_v4();
    let issued_on = actor.today();
    Notice {
        number: NoticeNumber::new(kind, issued_on, &random.simple().to_string())
            .as_str()
            .to_owned(),
        application_id: app.id.clone(),
        kind,
        verification_code: verification_code(&Uuid::new_v4().into_bytes()),
        issued_on,
        issued_at: actor.at,
        applicant_masked: mask_id_text(&app.mother_id),
        content: json!({
            "application_id": app.id,
            "promised_due_on": promised,
            "reasons": reasons.iter().map(|r| json!({"code": r.code(), "message": r.message_zh()})).collect::<Vec<_>>(),
            "missing": missing.iter().map(|m| json!({"material": m.code(), "message": m.message_zh()})).collect::<Vec<_>>(),
            "items": onething_domain::newborn::ITEMS.iter().map(|i| i.label_zh()).collect::<Vec<_>>(),
            "channel": app.channel,
            "issued_by": actor.username,
        }),
    }
}

/// Whether `region` text is a region the scope covers (clerks see their region's).
pub(crate) fn in_region(scope_region: RegionCode, app_region: &str) -> bool {
    RegionCode::parse(app_region)
        .is_ok_and(|r| r.is_within(scope_region) || scope_region.is_within(r))
}

/// 智能导引's check before the family starts: the rules on what shared data holds now, for
/// the signed-in mother and the father she names. Nothing is written; the reads are audited.
pub async fn precheck(
    svc: &Services,
    nb: &Newborn,
    actor: &Actor,
    father: &CitizenId,
) -> Result<onething_domain::newborn::Acceptance, ServiceError> {
    actor.authorize(UseCase::ApplyNewborn)?;
    let Scope::Person(mother) = &actor.scope else {
        return Err(ServiceError::not_found());
    };
    let data_use = DataUse {
        actor: actor.username.clone(),
        case_id: None,
        purpose: "newborn_guide".into(),
    };
    let today = actor.today();
    let derived = derive(svc, &data_use, mother, father, None, Vec::new(), today).await?;
    Ok(decide(&derived.facts, nb.city, today))
}
